from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What every reader of the research work may see.
_RESEARCH_READ = [
    "consultation.view_topic",
    "consultation.view_researchproject",
    "consultation.view_report",
    "consultation.view_reportversion",
    "consultation.view_instruction",
    "consultation.view_suggestion",
    "consultation.view_department",
    "consultation.view_referral",
]

# The proposal register, its compilation and statistics (staff and leaders).
_PROPOSAL_READ = ["consultation.view_proposal", "consultation.view_proposalcategory"]

# 社情民意: the committee's list, bulletins, statistics and export (staff and leaders).
_OPINION_READ = [
    "consultation.view_opinionitem",
    "consultation.view_opinionissue",
    "consultation.view_opinioncategory",
    "consultation.view_opinioninstruction",
    "consultation.view_opinionadoption",
    "consultation.export_opinionitem",
]


class ConsultationConfig(AppConfig):
    name = "apps.consultation"
    label = "consultation"
    verbose_name = _("Consultation")

    # Leaders write instructions; staff plan the research, refer suggestions, record the
    # departments' replies on their behalf, close and reopen them; a handling department
    # replies to what it leads and gives its opinion on what it co-handles (handling.py);
    # office heads read; a member reads the published sessions they took part in, the
    # projects whose team they served on (with reports and instructions) and the
    # suggestions they proposed, and changes nothing (row-level rules are in managers.py,
    # services.py and handling.py).
    role_permissions = {
        "county_staff": [
            *_RESEARCH_READ,
            "consultation.add_topic",
            "consultation.change_topic",
            "consultation.view_session",
            "consultation.add_session",
            "consultation.change_session",
            "consultation.review_session",
            "consultation.export_session",
            "consultation.view_sessionphoto",
            "consultation.add_researchproject",
            "consultation.change_researchproject",
            "consultation.add_report",
            "consultation.change_report",
            "consultation.add_instruction",
            "consultation.add_suggestion",
            "consultation.change_suggestion",
            "consultation.export_suggestion",
            "consultation.change_department",
            "consultation.add_referral",
            "consultation.reply_referral",
            "consultation.close_referral",
            *_PROPOSAL_READ,
            "consultation.add_proposal",
            "consultation.register_proposal",
            "consultation.export_proposal",
            "consultation.reopen_referral",
            *_OPINION_READ,
            "consultation.review_opinionitem",
            "consultation.compile_opinionissue",
            "consultation.add_opinioninstruction",
            "consultation.add_opinionadoption",
        ],
        "leader": [
            *_RESEARCH_READ,
            "consultation.view_session",
            "consultation.export_session",
            "consultation.view_sessionphoto",
            "consultation.add_instruction",
            "consultation.export_suggestion",
            *_PROPOSAL_READ,
            "consultation.export_proposal",
            "consultation.mark_key_proposal",
            *_OPINION_READ,
            "consultation.add_opinioninstruction",
        ],
        "office_head": [
            *_RESEARCH_READ,
            "consultation.view_session",
            "consultation.add_session",
            "consultation.change_session",
            "consultation.export_session",
            "consultation.view_sessionphoto",
            "consultation.add_own_opinionitem",  # for residents, as the office
        ],
        # A handling department's users: their department's referrals only (row rules in
        # `ReferralQuerySet.for_user`, step rules in `handling.py`).
        "department": [
            "consultation.handle_referral",
        ],
        "member": [
            "consultation.view_own_suggestion",
            "consultation.add_own_proposal",
            "members.pick_member",  # co-signers of a joint proposal
            "consultation.view_session",
            "consultation.view_sessionphoto",
            "consultation.view_researchproject",
            "consultation.view_report",
            "consultation.view_reportversion",
            "consultation.view_instruction",
            "consultation.add_own_opinionitem",
        ],
    }

    def ready(self) -> None:
        from apps.accounts.roles import is_department, is_leader, is_member, is_office_head
        from apps.core.registry import NavItem, registry

        from . import charts, dashboard, sections

        registry.add_nav(
            NavItem(
                _("Consultation sessions"),
                "consultation:list",
                permission="consultation.view_session",
                order=310,
            )
        )
        registry.add_nav(
            NavItem(
                _("Research"),
                "consultation:project_list",
                permission="consultation.view_researchproject",
                order=320,
            )
        )
        registry.add_nav(
            NavItem(
                _("Suggestion ledger"),
                "consultation:suggestion_list",
                permission="consultation.view_suggestion",
                order=330,
            )
        )
        # Topics and departments open from the research and ledger pages (the bar is full).
        registry.add_nav(
            NavItem(
                _("My suggestions"),
                "consultation:my_suggestions",
                permission="consultation.view_own_suggestion",
                visible=lambda user: not user.is_superuser,
                order=335,
            )
        )
        registry.add_nav(
            NavItem(
                _("Referrals to handle"),
                "consultation:handling_list",
                permission="consultation.handle_referral",
                visible=lambda user: not user.is_superuser,
                order=340,
            )
        )
        registry.add_nav(
            NavItem(
                _("Proposals"),
                "consultation:proposal_list",
                permission="consultation.view_proposal",
                order=345,
            )
        )
        registry.add_nav(
            NavItem(
                _("My proposals"),
                "consultation:my_proposals",
                permission="consultation.add_own_proposal",
                visible=lambda user: not user.is_superuser,
                order=336,
            )
        )
        registry.add_nav(
            NavItem(
                _("Public opinion"),
                "consultation:opinion_list",
                permission="consultation.view_opinionitem",
                order=347,
            )
        )
        registry.add_nav(
            NavItem(
                _("My public opinion items"),
                "consultation:my_opinions",
                permission="consultation.add_own_opinionitem",
                visible=lambda user: not user.is_superuser,
                order=337,
            )
        )
        registry.add_figures(dashboard.figures, order=310)
        registry.add_figures(dashboard.proposal_figures, order=330)
        registry.add_home_section("consultation/home_leader.html", is_leader, order=105)
        registry.add_figures(dashboard.research_figures, order=320)
        registry.add_record_years(charts.record_year)
        registry.add_charts(charts.charts, order=300)
        registry.add_home_section("consultation/home_office_head.html", is_office_head, order=100)
        registry.add_home_section("consultation/home_member.html", is_member, order=110)
        registry.add_home_section("consultation/home_member_proposals.html", is_member, order=105)
        registry.add_home_section("consultation/home_department.html", is_department, order=90)
        sections.register()

        from apps.core.todos import todos

        from . import todos as consultation_todos

        todos.register(consultation_todos.for_leader, order=300)
        todos.register(consultation_todos.for_staff, order=310)
        todos.register(consultation_todos.for_office_head, order=320)
        todos.register(consultation_todos.for_department, order=330)
        from . import proposal_todos

        todos.register(proposal_todos.for_leader, order=340)
        todos.register(proposal_todos.for_staff, order=350)
        todos.register(proposal_todos.for_member, order=360)
        from . import opinion_todos

        todos.register(opinion_todos.for_staff, order=370)
        todos.register(opinion_todos.for_reporter, order=380)

        from apps.core.reminders import reminders

        from .reminders import referrals_due_or_overdue

        reminders.register(referrals_due_or_overdue)
        reminders.register(proposal_todos.unrated_replies)
