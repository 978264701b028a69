from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _view(*models: str) -> list[str]:
    return [f"members.view_{m}" for m in models]


def _write(*models: str) -> list[str]:
    return [f"members.{action}_{m}" for m in models for action in ("add", "change", "delete")]


class MembersConfig(AppConfig):
    name = "apps.members"
    label = "members"
    verbose_name = _("Members")

    # Members get no model permission: they reach their own profile and pairings through
    # their linked `Member` (see `managers.member_scope_q`); `view_own_member` only
    # shows them the navigation entry.
    role_permissions = {
        "county_staff": [
            *_view("sector", "member", "sectorlink", "pairing", "contactrecord"),
            *_write("member", "sectorlink", "pairing", "contactrecord"),
            "members.import_member",
            "members.export_member",
            "members.pick_member",
            "members.view_member_personal",
        ],
        "leader": [
            *_view("sector", "member", "sectorlink", "pairing", "contactrecord"),
            "members.export_member",
        ],
        "office_head": ["members.pick_member"],
        "member": ["members.view_own_member"],
    }

    def ready(self) -> None:
        from apps.accounts.roles import is_member
        from apps.core.registry import NavItem, registry

        from . import dashboard

        registry.add_nav(
            NavItem(_("Roster"), "members:list", permission="members.view_member", order=200)
        )
        registry.add_nav(
            NavItem(
                _("Double linkage"),
                "members:coverage",
                permission="members.view_pairing",
                order=210,
            )
        )
        registry.add_nav(
            NavItem(
                _("My pairings"),
                "members:my_pairings",
                permission="members.view_own_member",
                visible=lambda user: not user.is_superuser,
                order=210,
            )
        )
        registry.add_nav(
            NavItem(
                _("Sector links"),
                "members:sector_links",
                permission="members.view_sectorlink",
                order=220,
            )
        )
        registry.add_figures(dashboard.figures, order=200)
        registry.add_home_section("members/home_member.html", is_member, order=100)

        from apps.core.todos import todos

        from . import todos as member_todos

        todos.register(member_todos.for_member, order=200)
