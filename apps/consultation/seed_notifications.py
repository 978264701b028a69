"""Demo users' to-dos and a few unread notifications, so a newcomer sees them on
`make run` (`seed_xiangcheng --demo-users`). Idempotent: each notification has a `demo:`
key (one per recipient), the upcoming draft is made only when office2 has no draft."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.core.models import Notification
from apps.core.seeding import SeedContext
from apps.venues.models import Venue

from .models import Instruction, Referral, Session


def _notify(ctx: SeedContext, user, *, key: str, kind: str, title: str, obj, body: str = ""):
    _row, created = Notification.objects.get_or_create(
        recipient=user,
        key=f"demo:{key}",
        defaults={
            "kind": kind,
            "title": title[:200],
            "body": body,
            "url": obj.get_absolute_url(),
            "target_type": ContentType.objects.get_for_model(obj),
            "target_id": obj.pk,
        },
    )
    ctx.count("demo notifications", created)


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    # Stored in the site's language, as the services store them during a request.
    with translation.override(settings.LANGUAGE_CODE):
        _link_demo_users(ctx, users)


def _link_demo_users(ctx: SeedContext, users: dict) -> None:
    for name in ("office1", "office2"):
        user = users.get(name)
        if user is None:
            continue
        venues = Venue.objects.filter(managers=user)
        # The sessions in progress at their office were logged by them.
        Session.objects.filter(
            venue__in=venues, created_by__isnull=True, state__in=["returned", "submitted"]
        ).update(created_by=user)
        returned = Session.objects.filter(venue__in=venues, state="returned").first()
        if returned is not None:
            _notify(
                ctx,
                user,
                key="session_returned",
                kind="session_returned",
                title=_("Your session “%(topic)s” was returned: correct it and submit again")
                % {"topic": returned.topic.title},
                body=returned.return_reason,
                obj=returned,
            )
        published = Session.objects.filter(venue__in=venues, state="published").first()
        if published is not None:
            _notify(
                ctx,
                user,
                key="session_published",
                kind="session_published",
                title=_("Your session “%(topic)s” is published") % {"topic": published.topic.title},
                obj=published,
            )
    _upcoming_draft(ctx, users.get("office2"))
    member = users.get("member")
    if member is not None:
        replied = Referral.objects.replied().filter(suggestion__members__user=member).first()
        if replied is not None:
            _notify(
                ctx,
                member,
                key="referral_replied",
                kind="referral_replied",
                title=_("%(department)s replied to your suggestion")
                % {"department": replied.department},
                body=replied.reply_text,
                obj=replied.suggestion,
            )
        instruction = Instruction.objects.filter(report__project__team__user=member).first()
        if instruction is not None:
            _notify(
                ctx,
                member,
                key="instruction_written",
                kind="instruction_written",
                title=_("%(leader)s wrote an instruction on “%(report)s”")
                % {"leader": instruction.leader_name, "report": instruction.report.title},
                body=instruction.text,
                obj=instruction,
            )
    overdue = (
        Referral.objects.overdue()
        .filter(suggestion__isnull=False)
        .select_related("department", "suggestion")
        .order_by("due_on", "pk")
        .first()
    )
    for name in ("staff", "leader"):
        user = users.get(name)
        if user is not None and overdue is not None:
            _notify(
                ctx,
                user,
                key="referral_overdue",
                kind="referral_overdue",
                title=_("Overdue since %(date)s: %(department)s has not replied")
                % {"date": overdue.due_on.isoformat(), "department": overdue.department},
                body=Truncator(overdue.suggestion.text).chars(80),
                obj=overdue.suggestion,
            )


def _upcoming_draft(ctx: SeedContext, user) -> None:
    """office2 left a session as a draft: on their to-dos until they submit it."""
    if user is None:
        return
    venue = Venue.objects.filter(managers=user).first()
    if venue is None or Session.objects.filter(venue=venue, state="draft").exists():
        return
    topic_session = Session.objects.filter(venue=venue).select_related("topic").first()
    if topic_session is None:
        return
    # In the seeded year, like all the seeded work: a draft never submitted.
    start = datetime.datetime(2021, 12, 28, 9, 0, tzinfo=timezone.get_current_timezone())
    Session.objects.create(
        venue=venue,
        topic=topic_session.topic,
        form=Session.Form.ON_SITE,
        started_at=start,
        place=topic_session.place,
        state=Session.State.DRAFT,
        created_by=user,
    )
    ctx.count("consultation sessions", True)
