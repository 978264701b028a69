"""Daily reminders (cron or a systemd timer, README "Notifications"): each registered
source's reminders (`apps.core.reminders`) become notifications, once per item and day;
then the failed email/SMS deliveries are tried again."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from apps.core.models import Notification
from apps.core.notifications import notify, retry_failed
from apps.core.reminders import reminders


class Command(BaseCommand):
    help = "Send today's reminders (idempotent) and retry failed email/SMS deliveries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be sent; send nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        # The texts are stored and sent in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(dry_run=dry_run)

    def _handle(self, *, dry_run: bool) -> None:
        today = timezone.localdate()
        given = 0
        for reminder in reminders.due(today):
            recipients = [u for u in reminder.recipients if u is not None and u.is_active]
            if dry_run:
                had = set(
                    Notification.objects.filter(
                        key=reminder.key, recipient__in=[u.pk for u in recipients]
                    ).values_list("recipient_id", flat=True)
                )
                for user in recipients:
                    if user.pk not in had:
                        self.stdout.write(f"{reminder.kind}\t{user.username}\t{reminder.title}")
                        given += 1
                continue
            with transaction.atomic():
                given += len(
                    notify(
                        recipients,
                        kind=reminder.kind,
                        title=str(reminder.title),
                        body=str(reminder.body),
                        url=reminder.url,
                        target=reminder.target,
                        key=reminder.key,
                    )
                )
        if dry_run:
            self.stdout.write(f"Would send {given} reminder(s).")
            return
        retried = retry_failed()
        self.stdout.write(
            f"Sent {given} reminder(s); retried deliveries: "
            f"{retried['sent']} sent, {retried['failed']} failed."
        )
