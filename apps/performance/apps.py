from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

VIEW_ALL = [
    "performance.view_meeting",
    "performance.view_attendance",
    "performance.view_attendancebatch",
    "performance.view_dutyreport",
    "performance.view_studysession",
    "performance.view_pointrule",
    "performance.view_gradethreshold",
    "performance.view_pointentry",
    "performance.view_evaluation",
]


class PerformanceConfig(AppConfig):
    name = "apps.performance"
    label = "performance"
    verbose_name = _("Performance and evaluation")

    role_permissions = {
        "county_staff": [
            *VIEW_ALL,
            "performance.add_meeting",
            "performance.change_meeting",
            "performance.add_attendance",
            "performance.change_attendance",
            "performance.add_attendancebatch",
            "performance.change_attendancebatch",
            "performance.add_dutyreport",
            "performance.change_dutyreport",
            "performance.add_studysession",
            "performance.change_studysession",
            "performance.adjust_points",
            "performance.derive_ledger",
        ],
        "leader": VIEW_ALL,
        # Office heads read their venues' members' evaluations (managers.member_scope_q).
        "office_head": ["performance.view_evaluation"],
        # "My points": the member's own ledger (the ledger page itself checks whose).
        "member": ["performance.view_own_evaluation"],
        # The system administrator keeps the rules of the evaluation (settings, 三员分立).
        "sysadmin": [
            "performance.view_pointrule",
            "performance.add_pointrule",
            "performance.change_pointrule",
            "performance.view_gradethreshold",
            "performance.add_gradethreshold",
            "performance.change_gradethreshold",
        ],
    }

    def ready(self) -> None:
        from apps.core.registry import NavItem, registry

        from . import dashboard
        from .ledger import COLLECTORS
        from .services import connect_receivers

        # Saving or deleting a record any ledger source reads (or a year's rules and
        # grades) re-derives its year on commit: see ledger.py.
        connect_receivers(COLLECTORS)

        registry.add_nav(
            NavItem(
                _("My points"),
                "performance:my_ledger",
                permission="performance.view_own_evaluation",
                visible=dashboard.not_superuser,
                order=450,
            )
        )
        registry.add_nav(
            NavItem(
                _("Performance"),
                "performance:index",
                visible=dashboard.sees_performance_pages,
                order=500,
            )
        )
        registry.add_figures(dashboard.figures, order=500)
        registry.add_home_section(
            "performance/home_member.html", dashboard.sees_own_evaluation, order=500
        )
