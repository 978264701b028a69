from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "apps.venues"
    label = "venues"
    verbose_name = _("Venues")

    role_permissions = {
        "county_staff": [
            "venues.view_township",
            "venues.view_venue",
            "venues.change_venue",
            "venues.view_assignment",
            "venues.add_assignment",
            "venues.change_assignment",
        ],
        "leader": ["venues.view_township", "venues.view_venue", "venues.view_assignment"],
        # Office heads open the venue pages; row-level rules are in managers.py.
        "office_head": ["venues.view_venue"],
    }

    def ready(self) -> None:
        from apps.core.registry import NavItem, registry

        from . import dashboard, extensions

        extensions.install()

        registry.add_nav(
            NavItem(_("Venues"), "venues:list", permission="venues.view_venue", order=300)
        )
        registry.add_figures(dashboard.figures, order=300)
