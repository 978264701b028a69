from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Who assembles the year's report: who may export the year's records (staff and leaders;
# not the auditor, whose "view everything" holds no export). A permission, so the menu
# costs no query of its own; the page also requires `sees_everything`.
REPORT_PERMISSION = "consultation.export_suggestion"


class ReportsConfig(AppConfig):
    """The annual work report (常委会工作报告 material) and the members' files (履职档案):
    they read every app, so reports sits at the top of the stack, above performance; no
    models."""

    name = "apps.reports"
    label = "reports"
    verbose_name = _("Annual work report")
    role_permissions: dict[str, list[str]] = {}

    def ready(self) -> None:
        from apps.core.registry import NavItem, registry

        registry.add_nav(
            NavItem(_("Work report"), "reports:latest", permission=REPORT_PERMISSION, order=600)
        )
        # The members' files (履职档案): a member's own, the batch for the 换届 review, and
        # a link on the member's page (members sits below reports: a section).
        from apps.core.sections import sections

        from .file_views import BATCH_PERMISSION, may_read_files

        registry.add_nav(
            NavItem(
                _("My file"),
                "files:mine",
                permission="members.view_own_member",
                visible=lambda user: not user.is_superuser,
                order=455,
            )
        )
        registry.add_nav(
            NavItem(_("Members' files"), "files:batch", permission=BATCH_PERMISSION, order=610)
        )
        sections.page("members:detail").add(
            "reports/sections/member_file_link.html", order=50, visible=may_read_files
        )
