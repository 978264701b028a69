"""Notifications: the one small API every app's services call when something happens to a
user's item, and the delivery beyond the inbox (email, SMS).

    from apps.core.notifications import notify

    notify(
        [session.created_by],
        kind="session_returned",
        title=_("Your session was returned"),
        body=reason,
        url=session.get_absolute_url(),
        target=session,
    )

`notify` creates one `Notification` per recipient (inactive users and None are skipped,
a user given twice gets one) and one `Delivery` per channel the recipient chose and has an
address for; the deliveries are sent after the transaction commits, so a rolled-back
change tells nobody. A reminder passes `key`: the same key for the same recipient adds
nothing (once per item and day, see `send_reminders`). A failed send stays `failed` and
`retry_failed()` (run by `send_reminders`) tries it again; a sent one is never sent again.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Delivery, Notification, NotificationChannels
from .sms import get_sms_backend

logger = logging.getLogger("apps.core.notifications")


def absolute_url(url: str) -> str:
    """`url` (a path) on the site's address (settings.SITE_URL), for email and SMS."""
    if not url or "://" in url:
        return url
    return settings.SITE_URL.rstrip("/") + url


def channels_of(user) -> NotificationChannels:
    """The user's choices (the defaults when they never chose)."""
    try:
        return user.notification_channels
    except NotificationChannels.DoesNotExist:
        return NotificationChannels(user=user)


def _recipients(recipients: Iterable[Any]) -> list[Any]:
    seen: set[int] = set()
    users = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    target: models.Model | None = None,
    key: str = "",
) -> list[Notification]:
    """Tell each recipient: an inbox row now, email/SMS after commit. Returns the rows
    created (a keyed reminder a recipient already has is not created again)."""
    users = _recipients(recipients)
    if not users:
        return []
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    created: list[Notification] = []
    channels = {
        c.user_id: c for c in NotificationChannels.objects.filter(user__in=[u.pk for u in users])
    }
    for user in users:
        notification = Notification(
            recipient=user,
            kind=kind,
            title=str(title)[:200],
            body=str(body),
            url=url,
            target_type=target_type,
            target_id=target.pk if target is not None else None,
            key=key,
        )
        if key:
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue  # this reminder was given already
        else:
            notification.save()
        created.append(notification)
        chosen = channels.get(user.pk) or NotificationChannels(user=user)
        deliveries = []
        if chosen.email and user.email:
            deliveries.append(
                Delivery(
                    notification=notification, channel=Delivery.Channel.EMAIL, address=user.email
                )
            )
        phone = getattr(user, "phone", "")
        if chosen.sms and phone:
            deliveries.append(
                Delivery(notification=notification, channel=Delivery.Channel.SMS, address=phone)
            )
        Delivery.objects.bulk_create(deliveries)
    ids = [n.pk for n in created]
    if ids:
        transaction.on_commit(lambda: deliver(Delivery.objects.filter(notification_id__in=ids)))
    return created


def _send(delivery: Delivery) -> None:
    notification = delivery.notification
    context = {"notification": notification, "link": absolute_url(notification.url)}
    with translation.override(settings.LANGUAGE_CODE):
        if delivery.channel == Delivery.Channel.EMAIL:
            subject = render_to_string("core/notifications/email_subject.txt", context)
            text = render_to_string("core/notifications/email.txt", context)
            send_mail(
                " ".join(subject.split()),
                text,
                settings.DEFAULT_FROM_EMAIL,
                [delivery.address],
                fail_silently=False,
            )
        else:
            text = render_to_string("core/notifications/sms.txt", context)
            get_sms_backend().send(delivery.address, " ".join(text.split()))


def deliver(deliveries: models.QuerySet[Delivery]) -> dict[str, int]:
    """Send the pending or failed deliveries among `deliveries`, each claimed first (one
    update from pending/failed to sending), so a delivery another run holds or has sent
    is skipped. Returns counts by outcome."""
    counts = {"sent": 0, "failed": 0}
    waiting = (Delivery.Status.PENDING, Delivery.Status.FAILED)
    for delivery in deliveries.filter(status__in=waiting).select_related("notification"):
        claimed = Delivery.objects.filter(pk=delivery.pk, status__in=waiting).update(
            status=Delivery.Status.SENDING, attempts=models.F("attempts") + 1
        )
        if not claimed:
            continue
        try:
            _send(delivery)
        except Exception as error:  # any backend's failure: recorded, retried later
            logger.warning("Delivery %s failed: %s", delivery.pk, error)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.FAILED, error=str(error)[:300]
            )
            counts["failed"] += 1
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=Delivery.Status.SENT, sent_at=timezone.now(), error=""
            )
            counts["sent"] += 1
    return counts


def retry_failed() -> dict[str, int]:
    """The failed deliveries (and pending ones whose commit hook never ran, e.g. the
    process stopped) tried again: run by `send_reminders`."""
    stale = timezone.now() - datetime.timedelta(minutes=5)
    return deliver(
        Delivery.objects.filter(
            models.Q(status=Delivery.Status.FAILED)
            | models.Q(status=Delivery.Status.PENDING, created_at__lt=stale)
        )
    )


def mark_read(user, *, pk: int | None = None) -> int:
    """Mark one (or, without `pk`, every) unread notification of `user` read."""
    rows = Notification.objects.for_user(user).unread()
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())
