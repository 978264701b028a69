import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.core.seeding import SeedContext


def seed_modules():
    """The `seed` module of each project app, in INSTALLED_APPS order (dependency order)."""
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("apps."):
            continue
        module_name = f"{app_config.name}.seed"
        if importlib.util.find_spec(module_name) is not None:
            yield importlib.import_module(module_name)


class Command(BaseCommand):
    help = "Load Xiangcheng County's reference data and 2021 demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Create one user per role with random passwords, printed once (demo mode only).",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="With --demo-users: give existing demo users new random passwords.",
        )

    def handle(self, *args, demo_users=False, reset_passwords=False, **options):
        if demo_users and not settings.DEMO_MODE:
            raise CommandError("Demo users are refused outside demo mode (DEMO_MODE=False).")
        ctx = SeedContext(stdout=self.stdout, style=self.style)
        modules = list(seed_modules())
        with transaction.atomic():
            for module in modules:
                module.seed(ctx)
            credentials = []
            if demo_users:
                # The app that owns the roles makes the users (`ensure_demo_users`); the
                # others link them to their records (`link_demo_users`).
                users = {}
                for module in modules:
                    if hasattr(module, "ensure_demo_users"):
                        made, shown = module.ensure_demo_users(ctx, reset_passwords=reset_passwords)
                        users.update(made)
                        credentials.extend(shown)
                for module in modules:
                    if hasattr(module, "link_demo_users"):
                        module.link_demo_users(ctx, users)
        added = {label: n for label, n in ctx.created.items() if n}
        if added:
            for label, n in added.items():
                self.stdout.write(f"  + {n} {label}")
        else:
            self.stdout.write("Nothing to add: the county is already seeded.")
        if credentials:
            self.stdout.write(self.style.WARNING("Demo logins (shown once; keep them safe):"))
            for username, role, password in credentials:
                self.stdout.write(f"  {username:<12} {role:<14} {password}")
        self.stdout.write(self.style.SUCCESS("Seed complete."))
