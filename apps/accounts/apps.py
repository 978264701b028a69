from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts and units")

    role_permissions = {
        "county_staff": ["accounts.view_unit", "accounts.change_unit", "accounts.view_user"],
        "leader": ["accounts.view_unit", "accounts.view_user"],
    }

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import sync_role_permissions

        # After auth's own receiver has created the permissions (apps run in order).
        post_migrate.connect(sync_role_permissions, dispatch_uid="accounts.sync_roles")

        from apps.core.registry import NavItem, registry

        from . import dashboard

        registry.add_nav(
            NavItem(_("Units"), "accounts:unit_list", permission="accounts.view_unit", order=900)
        )
        registry.add_figures(dashboard.figures, order=900)
