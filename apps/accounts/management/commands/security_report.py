"""The accounts an assessor asks about (等保 身份鉴别, 访问控制), and a non-zero exit when
production has a problem:

- superusers (day-to-day administration needs none: the three administrator roles);
- users whose password is older than PASSWORD_MAX_AGE_DAYS;
- accounts never used (no sign-in) more than NEVER_USED_DAYS after they were made;
- shared-looking accounts (generic names such as "admin", "test", "office");
- settings the policy relies on (DEBUG, the password age, the session limit).

Only active accounts with a usable password count (the seeded staff accounts without one
cannot sign in). Strict — a problem exits 1 — on production settings (DEMO_MODE and
DEBUG off), or with --strict; elsewhere it only lists.
"""

import datetime
import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User

NEVER_USED_DAYS = 30
SHARED_NAMES = re.compile(
    r"^(admin|administrator|root|test|tester|guest|demo|user|office|staff|shared|public|"
    r"temp|tmp|common|gongyong|公用|共用|测试)\d*$",
    re.IGNORECASE,
)


class Command(BaseCommand):
    help = "List superusers, stale passwords, never-used and shared-looking accounts."

    def add_arguments(self, parser):
        parser.add_argument("--strict", action="store_true", help="Exit 1 on any problem.")

    def handle(self, *args, strict=False, **options):
        strict = strict or (not settings.DEMO_MODE and not settings.DEBUG)
        now = timezone.now()
        users = User.objects.filter(is_active=True).exclude(password__startswith="!")
        sections: list[tuple[str, list[str]]] = []

        superusers = [u.username for u in users.filter(is_superuser=True)]
        sections.append(("Superusers", superusers))

        days = settings.PASSWORD_MAX_AGE_DAYS
        stale = []
        if days:
            limit = now - datetime.timedelta(days=days)
            stale = [
                u.username
                for u in users.filter(
                    Q(password_changed_at__lt=limit)
                    | Q(password_changed_at__isnull=True, date_joined__lt=limit)
                )
            ]
        sections.append((f"No password change in {days} days", stale))

        made_before = now - datetime.timedelta(days=NEVER_USED_DAYS)
        never = [
            u.username for u in users.filter(last_login__isnull=True, date_joined__lt=made_before)
        ]
        sections.append((f"Never used ({NEVER_USED_DAYS}+ days old)", never))

        shared = [u.username for u in users if SHARED_NAMES.match(u.username)]
        sections.append(("Shared-looking accounts", shared))

        config = []
        if settings.DEBUG:
            config.append("DEBUG is on")
        if not days or days > 90:
            config.append(f"PASSWORD_MAX_AGE_DAYS is {days} (at most 90)")
        if settings.MAX_SESSIONS_PER_USER <= 0:
            config.append("MAX_SESSIONS_PER_USER is off")
        if settings.SECURITY_EVENTS_KEEP_DAYS < 180:
            config.append("SECURITY_EVENTS_KEEP_DAYS below 180")
        sections.append(("Settings", config))

        problems = 0
        for title, names in sections:
            self.stdout.write(f"{title}: {len(names)}")
            for name in names:
                self.stdout.write(f"  {name}")
            problems += len(names)
        if problems and strict:
            raise CommandError(f"{problems} security problems (see above).")
        self.stdout.write("No problem." if not problems else f"{problems} findings.")
