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
        from apps.core.registry import NavItem, registry

        # Staff and leaders (the roles granted accounts.view_user; the page itself checks
        # `sees_everything`): a permission, so the menu costs no query of its own.
        registry.add_nav(
            NavItem(_("Work report"), "reports:latest", permission="accounts.view_user", order=600)
        )
