"""Seed the county's units and the staff in post (accounts with no usable password:
they sign in only after an administrator sets one)."""

import secrets

from django.contrib.auth.models import Group

from apps.core.seeding import SeedContext, ensure_rows, read_fixture

from . import roles
from .models import Unit, User

# The leader's position prefills their instructions (领导职务).
DEMO_TITLES = {"leader": "县政协主席"}

DEMO_USERS = [
    # username, role, full name, unit name
    ("admin", None, "系统管理员", "办公室"),
    ("staff", roles.COUNTY_STAFF, "演示机关人员", "办公室"),
    ("leader", roles.LEADER, "演示县政协领导", None),
    ("office1", roles.OFFICE_HEAD, "演示联络室主任一", None),
    ("office2", roles.OFFICE_HEAD, "演示联络室主任二", None),
    ("member", roles.MEMBER, "演示委员", None),
    # Linked to the department with the most referrals by consultation's seed.
    ("dept1", roles.DEPARTMENT, "演示承办单位联络员", None),
    # The three administrators (三员分立): they sign in to /admin/ and the audit page.
    ("sysadmin", roles.SYSADMIN, "演示系统管理员", "办公室"),
    ("secadmin", roles.SECADMIN, "演示安全管理员", "办公室"),
    ("auditor", roles.AUDITOR, "演示安全审计员", "办公室"),
]


def demo_password() -> str:
    """A random password that meets the policy (AUTH_PASSWORD_VALIDATORS: 10+ characters,
    three of four classes): 12 URL-safe characters with an upper-case letter, a lower-case
    letter and a digit among them. The seed sets it as the user's own password (not an
    administrator's), so demo users are not asked to change it at sign-in."""
    from .passwords import character_classes

    while True:
        password = secrets.token_urlsafe(9)
        if character_classes(password) >= 3 and password[0] not in "-_":
            return password


def seed(ctx: SeedContext) -> None:
    units = ensure_rows(ctx, Unit, read_fixture("units.json"), "name")
    staff_group = Group.objects.get(name=roles.COUNTY_STAFF)
    for row in read_fixture("staff.json"):
        user, created = User.objects.get_or_create(
            username=row["username"],
            defaults={"full_name": row["full_name"], "unit": units[row["unit"]]},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(staff_group)
        ctx.count("staff accounts", created)


def ensure_demo_users(
    ctx: SeedContext, *, reset_passwords: bool = False
) -> tuple[dict[str, User], list[tuple[str, str, str]]]:
    """One user per role, with a random password printed once (demo mode only)."""
    users: dict[str, User] = {}
    credentials = []
    for username, role, full_name, unit_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "title": DEMO_TITLES.get(username, ""),
                # Demo notifications by email go to the console backend (EMAIL_URL).
                "email": f"{username}@example.gov.cn",
                "unit": Unit.objects.filter(name=unit_name).first() if unit_name else None,
                "is_superuser": role is None,
                "is_staff": role is None,
            },
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
            if role in roles.ADMINISTRATOR_ROLES:
                roles.sync_staff_flag(user)
        if created or reset_passwords:
            password = demo_password()
            user.set_password(password)
            user.save(update_fields=["password"])
            label = str(roles.ROLE_LABELS[role]) if role else "superuser"
            credentials.append((username, label, password))
        ctx.count("demo users", created)
        users[username] = user
    return users, credentials
