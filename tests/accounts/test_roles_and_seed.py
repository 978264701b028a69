import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command

from apps.accounts import roles
from apps.accounts.models import Unit, User

pytestmark = pytest.mark.django_db


def test_migration_creates_the_four_role_groups_with_explicit_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL_ROLES) <= names
    staff = Group.objects.get(name=roles.COUNTY_STAFF)
    assert staff.permissions.filter(codename="view_unit").exists()
    assert (
        not Group.objects.get(name=roles.MEMBER).permissions.filter(codename="view_unit").exists()
    )


def granted(role: str) -> set[str]:
    permissions = Group.objects.get(name=role).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def test_every_declared_role_permission_is_granted_and_a_lost_one_comes_back():
    declared = roles.declared_role_permissions()
    assert declared[roles.COUNTY_STAFF] and declared[roles.MEMBER]
    for role, perms in declared.items():
        assert perms <= granted(role), role
    staff = Group.objects.get(name=roles.COUNTY_STAFF)
    staff.permissions.remove(Permission.objects.get(codename="change_unit"))
    assert "accounts.change_unit" not in granted(roles.COUNTY_STAFF)
    roles.sync_role_permissions()
    assert declared[roles.COUNTY_STAFF] <= granted(roles.COUNTY_STAFF)


def seed(*args):
    out = io.StringIO()
    call_command("seed_xiangcheng", *args, stdout=out)
    return out.getvalue()


def test_seed_loads_the_units_with_the_ten_post_service_center(seeded_county):
    center = Unit.objects.get(name="县政协委员联络服务中心")
    assert center.authorized_posts == 10
    assert center.kind == Unit.Kind.INSTITUTION
    assert Unit.objects.filter(kind=Unit.Kind.COMMITTEE).count() >= 5


def test_seed_is_idempotent(seeded_county):
    counts = {m: m.objects.count() for m in (Unit, User, Group)}
    output = seed("--demo-users")
    assert {m: m.objects.count() for m in (Unit, User, Group)} == counts
    assert "Nothing to add" in output


def test_seeded_staff_accounts_have_no_usable_password(seeded_county):
    staff = User.objects.filter(username__startswith="staff0")
    assert staff.exists()
    assert not any(u.has_usable_password() for u in staff)


def test_demo_users_get_random_passwords_printed_once(seeded_county):
    output = seeded_county  # what the first seed printed
    admin = User.objects.get(username="admin")
    line = next(line for line in output.splitlines() if line.strip().startswith("admin"))
    password = line.split()[-1]
    assert admin.check_password(password)
    assert password not in seed("--demo-users")  # not printed again
    for username, role, *_ in [("staff", roles.COUNTY_STAFF), ("leader", roles.LEADER)]:
        assert User.objects.get(username=username).groups.filter(name=role).exists()
    assert User.objects.filter(groups__name=roles.OFFICE_HEAD).count() == 2


def test_demo_users_are_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        seed("--demo-users")
    assert not User.objects.filter(username="admin").exists()


def test_a_fresh_migrate_grants_every_declared_role_permission():
    """`role_permissions` on the AppConfigs is the one source of the grants: the test
    database was made by a fresh `migrate`, whose migrations grant nothing."""
    declared = roles.declared_role_permissions()
    assert declared[roles.COUNTY_STAFF] >= {"accounts.change_unit", "members.pick_member"}
    for role, perms in declared.items():
        group = Group.objects.get(name=role)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert perms <= granted, role
