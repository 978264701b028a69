from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Who assembles the year's report: who may export the year's records (staff and leaders;
# not the auditor, whose "view everything" holds no export). A permission, so the menu
# costs no query of its own; the page also requires `sees_everything`.
REPORT_PERMISSION = "consultation.export_suggestion"


class ReportsConfig(AppConfig):
    """The annual work report (常委会工作报告 material): reads every app, so it sits at the
    top of the stack, above performance; no models."""

    name = "apps.reports"
    label = "reports"
    verbose_name = _("Annual work report")
    role_permissions: dict[str, list[str]] = {}

    def ready(self) -> None:
        from apps.core.registry import NavItem, registry

        registry.add_nav(
            NavItem(_("Work report"), "reports:latest", permission=REPORT_PERMISSION, order=600)
        )
