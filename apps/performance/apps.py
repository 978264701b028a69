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
    "performance.view_leaverequest",
    "performance.view_sessioncheckin",
    "performance.view_officerule",
    "performance.view_officescoreline",
    "performance.view_officescore",
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
            "performance.change_leaverequest",
            "performance.add_attendancebatch",
            "performance.change_attendancebatch",
            "performance.add_dutyreport",
            "performance.change_dutyreport",
            "performance.add_studysession",
            "performance.change_studysession",
            "performance.adjust_points",
            "performance.derive_ledger",
            "performance.adjust_office_score",
        ],
        "leader": VIEW_ALL,
        # Office heads read their venues' members' evaluations (managers.member_scope_q).
        # and the ranking of the venues' totals; their own venues' score lines only
        # (managers.office_scope_q, on the breakdown page).
        "office_head": ["performance.view_evaluation", "performance.view_officescore"],
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
            "performance.view_officerule",
            "performance.add_officerule",
            "performance.change_officerule",
        ],
    }

    def ready(self) -> None:
        from apps.core.registry import NavItem, registry

        from . import charts, dashboard
        from .ledger import COLLECTORS
        from .services import connect_receivers

        # Saving or deleting a record any ledger source reads (or a year's rules and
        # grades) re-derives its year on commit: see ledger.py.
        connect_receivers(COLLECTORS)
        # The venues' scores, the same way (office_scores.py).
        from . import office_scores

        office_scores.connect()

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
        registry.add_nav(
            NavItem(
                _("Office ranking"),
                "performance:office_current",
                permission="performance.view_officescore",
                visible=dashboard.office_head_only,
                order=455,
            )
        )
        registry.add_figures(dashboard.figures, order=500)
        registry.add_record_years(charts.record_year)
        registry.add_charts(charts.charts, order=500)
        from .office_selectors import office_charts

        registry.add_charts(office_charts, order=510)
        registry.add_home_section(
            "performance/home_member.html", dashboard.sees_own_evaluation, order=500
        )
        # Upcoming meetings and sessions, the 列席 turn, leave and the invitation.
        from apps.core.sections import sections

        from .managers import sees_office_ranking
        from .office_selectors import venue_score

        registry.add_home_section(
            "performance/home_office_score.html", dashboard.office_head_only, order=120
        )
        sections.page("venues:detail").add(
            "performance/sections/venue_score.html",
            order=300,
            rows=venue_score,
            visible=sees_office_ranking,
        )

        from .signin.selectors import session_signin_rows

        sections.page("consultation:detail").add(
            "performance/signin/session_actions.html", order=500, rows=session_signin_rows
        )
        registry.add_home_section(
            "performance/signin/home_invitations.html", dashboard.has_invitations, order=450
        )

        from apps.core.todos import todos

        from . import todos as performance_todos

        todos.register(performance_todos.for_staff, order=500)
        todos.register(performance_todos.for_member, order=510)
        todos.register(performance_todos.leave_for_staff, order=505)
        todos.register(performance_todos.invitations_for_member, order=515)

        from apps.core.reminders import reminders

        from .reminders import duty_reports_due, meetings_tomorrow

        reminders.register(meetings_tomorrow)
        reminders.register(duty_reports_due)
