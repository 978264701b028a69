"""The roles of DESIGN.md and the handling departments' users as Django groups, and
cheap checks on a user.

Groups are created by migrations `0002_roles` and `0004_department_role`. Each app
declares what each role may do as `role_permissions` on its AppConfig, the one source of
truth for the grants; `sync_role_permissions` (run after every `migrate` and after a test
flush) adds them to the groups. It only adds: a permission an administrator grants by hand stays.
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

ROLE_LABELS = {
    COUNTY_STAFF: _("County staff"),
    LEADER: _("Leader"),
    OFFICE_HEAD: _("Office head"),
    MEMBER: _("Member"),
    DEPARTMENT: _("Handling department"),
}
ALL_ROLES = tuple(ROLE_LABELS)


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


def declared_role_permissions() -> dict[str, set[str]]:
    """`role_permissions` of every installed app, merged by role."""
    from django.apps import apps as global_apps

    merged: dict[str, set[str]] = {role: set() for role in ALL_ROLES}
    for app_config in global_apps.get_app_configs():
        for role, perms in getattr(app_config, "role_permissions", {}).items():
            merged[role].update(perms)
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
