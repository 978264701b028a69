"""Remove security events older than a date, never younger than the legal minimum.

    manage.py prune_security_events --before 2026-01-01

The 网络安全法 (art. 21) asks for network logs to be kept at least six months:
SECURITY_EVENTS_KEEP_DAYS (180) is the floor, and a date after today minus that is
refused. The prune itself is an event of the trail ("prune", with the date and count).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from apps.core import audit
from apps.core.models import SecurityEvent


class Command(BaseCommand):
    help = "Delete security events recorded before a date (at least 180 days ago)."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD: events before this day.")

    def handle(self, *args, before: str, **options):
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError as exc:
            raise CommandError(f"--before {before!r} is not a date (YYYY-MM-DD).") from exc
        keep_days = settings.SECURITY_EVENTS_KEEP_DAYS
        latest_allowed = timezone.localdate() - datetime.timedelta(days=keep_days)
        if day > latest_allowed:
            raise CommandError(
                f"Events are kept at least {keep_days} days: --before must be "
                f"{latest_allowed.isoformat()} or earlier."
            )
        cutoff = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # The trigger lets this transaction's DELETEs through, and only them.
                    cursor.execute("SET LOCAL xc.prune = 'on'")
            deleted = SecurityEvent.objects.filter(created_at__lt=cutoff).prune()
        audit.record(
            "prune",
            target=f"before {day.isoformat()}",
            detail={"before": day.isoformat(), "deleted": deleted, "command": True},
        )
        self.stdout.write(f"{deleted} security events before {day.isoformat()} deleted.")
