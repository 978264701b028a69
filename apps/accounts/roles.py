"""The roles of DESIGN.md, the handling departments' users and the three administrators
(三员分立) as Django groups, and cheap checks on a user.

Groups are created by migrations `0002_roles`, `0004_department_role` and `0005_security`.
Each app declares what each role may do as `role_permissions` on its AppConfig, the one
source of truth for the grants; `sync_role_permissions` (run after every `migrate` and
after a test flush) adds them to the groups. It only adds: a permission an administrator
grants by hand stays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import User

COUNTY_STAFF = "county_staff"
LEADER = "leader"
OFFICE_HEAD = "office_head"
MEMBER = "member"
# 承办单位: a user acting for one handling department (linked in consultation's
# `DepartmentAccount`); sees only the referrals sent to that department.
DEPARTMENT = "department"
# The three administrators (三员分立, 等保 2.0): none of them needs a superuser.
# sysadmin: users, units, point rules and grades (settings); cannot read the audit trail.
# secadmin: roles and permissions (groups), lockouts (axes), a user's roles and active flag;
#           cannot change domain data.
# auditor:  reads the security audit trail and every model read-only (history included);
#           changes nothing.
SYSADMIN = "sysadmin"
SECADMIN = "secadmin"
AUDITOR = "auditor"
ADMINISTRATOR_ROLES = (SYSADMIN, SECADMIN, AUDITOR)

ROLE_LABELS = {
    COUNTY_STAFF: _("County staff"),
    LEADER: _("Leader"),
    OFFICE_HEAD: _("Office head"),
    MEMBER: _("Member"),
    DEPARTMENT: _("Handling department"),
    SYSADMIN: _("System administrator"),
    SECADMIN: _("Security administrator"),
    AUDITOR: _("Audit administrator"),
}
ALL_ROLES = tuple(ROLE_LABELS)
# In `role_permissions`: every model's default "view" permission (the auditor's read-only
# access to all data and its history in the admin).
ALL_VIEW = "*.view"


def role_names(user: User) -> frozenset[str]:
    """The user's group names, read once per request and cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def has_role(user: User, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_staff_user(user: User) -> bool:
    """Staff pages: county staff and superusers."""
    return user.is_authenticated and (user.is_superuser or has_role(user, COUNTY_STAFF))


def is_leader(user: User) -> bool:
    return user.is_authenticated and has_role(user, LEADER)


def sees_everything(user: User) -> bool:
    """Staff, leaders and superusers read all domain data."""
    return is_staff_user(user) or is_leader(user)


def is_office_head(user: User) -> bool:
    return user.is_authenticated and has_role(user, OFFICE_HEAD)


def is_member(user: User) -> bool:
    return user.is_authenticated and has_role(user, MEMBER)


def is_department(user: User) -> bool:
    """A handling department's user (承办单位)."""
    return user.is_authenticated and has_role(user, DEPARTMENT)


def is_administrator(user: User) -> bool:
    return user.is_authenticated and has_role(user, *ADMINISTRATOR_ROLES)


def sync_staff_flag(user: User) -> None:
    """Members of the administrator roles sign in to the Django admin (`is_staff`), which
    then shows them only what their grants allow; leaving those roles takes it away
    (superusers keep it). Called when a user's roles change (`signals`)."""
    from django.contrib.auth.models import Group

    in_admin_role = Group.objects.filter(user=user, name__in=ADMINISTRATOR_ROLES).exists()
    wanted = bool(user.is_superuser or in_admin_role)
    if user.is_staff != wanted:
        type(user).objects.filter(pk=user.pk).update(is_staff=wanted)
        user.is_staff = wanted


def declared_role_permissions() -> dict[str, set[str]]:
    """`role_permissions` of every installed app, merged by role."""
    from django.apps import apps as global_apps

    merged: dict[str, set[str]] = {role: set() for role in ALL_ROLES}
    every_view = {
        f"{model._meta.app_label}.view_{model._meta.model_name}"
        for model in global_apps.get_models()
        if "view" in model._meta.default_permissions
    }
    for app_config in global_apps.get_app_configs():
        for role, perms in getattr(app_config, "role_permissions", {}).items():
            for dotted in perms:
                merged[role] |= every_view if dotted == ALL_VIEW else {dotted}
    return merged


def sync_role_permissions(using: str = "default", **kwargs) -> None:
    """post_migrate receiver: make sure the role groups exist with their declared permissions."""
    from django.contrib.auth.models import Group, Permission

    declared = declared_role_permissions()
    codenames = {dotted.split(".", 1)[1] for perms in declared.values() for dotted in perms}
    # One query for all of them (this runs once per app after every migrate and test
    # flush); the first by Permission's ordering wins, as `.first()` would.
    existing: dict[str, Permission] = {}
    rows = Permission.objects.using(using).filter(codename__in=codenames)
    for permission in rows.select_related("content_type"):  # in Permission's own ordering
        dotted = f"{permission.content_type.app_label}.{permission.codename}"
        existing.setdefault(dotted, permission)
    for role, perms in declared.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        # A permission missing here belongs to an app whose migrations have not run yet.
        wanted = [existing[dotted] for dotted in sorted(perms) if dotted in existing]
        group.permissions.add(*wanted)
