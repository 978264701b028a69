from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The annual work report (常委会工作报告 material): reads every app, so it sits at the
    top of the stack, above performance; no models."""

    name = "apps.reports"
    label = "reports"
    verbose_name = _("Annual work report")
    role_permissions: dict[str, list[str]] = {}

    def ready(self) -> None:
        from apps.accounts.roles import sees_everything
        from apps.core.registry import NavItem, registry

        # Staff, leaders and superusers: the page's own rule (`sees_everything`, the roles
        # read once per request), not a permission the auditor's "view everything" holds.
        registry.add_nav(
            NavItem(_("Work report"), "reports:latest", visible=sees_everything, order=600)
        )
