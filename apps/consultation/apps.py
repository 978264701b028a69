from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "apps.consultation"
    label = "consultation"
    verbose_name = _("Consultation")

    role_permissions = {
        "county_staff": [
            "consultation.view_topic",
            "consultation.add_topic",
            "consultation.change_topic",
            "consultation.view_session",
            "consultation.add_session",
            "consultation.change_session",
            "consultation.review_session",
            "consultation.export_session",
            "consultation.view_sessionphoto",
            "consultation.view_suggestion",
            "consultation.change_suggestion",
        ],
        "leader": [
            "consultation.view_topic",
            "consultation.view_session",
            "consultation.export_session",
            "consultation.view_sessionphoto",
            "consultation.view_suggestion",
        ],
        # Row-level rules (own venues; published elsewhere) are in managers.py and services.py.
        "office_head": [
            "consultation.view_topic",
            "consultation.view_session",
            "consultation.add_session",
            "consultation.change_session",
            "consultation.export_session",
            "consultation.view_sessionphoto",
            "consultation.view_suggestion",
        ],
    }

    def ready(self) -> None:
        from apps.accounts.roles import is_office_head
        from apps.core.registry import NavItem, registry

        from . import dashboard

        registry.add_nav(
            NavItem(
                _("Consultation sessions"),
                "consultation:list",
                permission="consultation.view_session",
                order=310,
            )
        )
        registry.add_figures(dashboard.figures, order=310)
        registry.add_home_section("consultation/home_office_head.html", is_office_head, order=100)
