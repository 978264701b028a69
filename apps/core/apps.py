from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    # The audit administrator (accounts.roles.AUDITOR) reads the security audit trail and,
    # read-only, every model and its history ("*.view": each model's view permission).
    role_permissions = {"auditor": ["core.view_securityevent", "*.view"]}

    def ready(self):
        from . import checks, media, versions

        # Every model is loaded by now: files follow the rows of all apps, and every
        # write of a project model moves the data version (cached figures).
        media.connect_signals()

        from .registry import NavItem, registry

        # Every role's home page starts with what waits on the user (apps.core.todos).
        registry.add_home_section(
            "core/home_todos.html", lambda user: user.is_authenticated, order=0
        )
        registry.add_nav(
            NavItem(
                _("Security audit"),
                "core:security_events",
                permission="core.view_securityevent",
                order=990,
            )
        )
        versions.watch_writes()
        checks.register()
