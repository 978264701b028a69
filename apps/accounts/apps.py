from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts and units")

    role_permissions = {
        "county_staff": ["accounts.view_unit", "accounts.change_unit", "accounts.view_user"],
        "leader": ["accounts.view_unit", "accounts.view_user"],
        # 三员分立 (see roles.py): the system administrator keeps users and units …
        "sysadmin": [
            "accounts.view_unit",
            "accounts.add_unit",
            "accounts.change_unit",
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
        ],
        # … the security administrator roles, permissions and lockouts (a user's roles
        # and active flag only: the admin makes the rest read-only) …
        "secadmin": [
            "accounts.view_user",
            "accounts.change_user",
            "auth.view_group",
            "auth.add_group",
            "auth.change_group",
            "auth.view_permission",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "axes.view_accesslog",
            "axes.view_accessfailurelog",
        ],
    }

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import sync_role_permissions

        # After auth's own receiver has created the permissions (apps run in order).
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_roles")

        from . import signals

        # The security events of sign-in, sign-out, lockout and user changes (安全审计).
        signals.connect()

        from apps.core.registry import NavItem, registry

        from . import dashboard

        registry.add_nav(
            NavItem(_("Units"), "accounts:unit_list", permission="accounts.view_unit", order=900)
        )
        registry.add_figures(dashboard.figures, order=900)
