"""The account events of the audit trail: sign-in, failure, lockout, unlock, sign-out,
password changes, users created, disabled and given roles, admin actions."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.urls import reverse

from apps.accounts import roles
from apps.core.models import SecurityEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def kinds(**filters) -> list[str]:
    return list(
        SecurityEvent.objects.filter(**filters).order_by("id").values_list("kind", flat=True)
    )


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_sign_in_failure_lockout_unlock_and_sign_out_are_recorded(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="zhang")
    login(client, "zhang", "wrong")
    login(client, "zhang", "wrong")
    assert login(client, "zhang", PASSWORD).status_code == 429
    assert {"login_failed", "lockout"} <= set(kinds(target="zhang"))
    failed = SecurityEvent.objects.filter(kind="login_failed").first()
    assert (failed.username, failed.ip_address, failed.result) == ("zhang", "10.0.0.1", "failure")
    # An administrator unlocks (deletes the attempt in the admin or axes_reset).
    AccessAttempt.objects.get(username="zhang").delete()
    assert "unlock" in kinds(target="zhang")
    assert login(client, "zhang", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert kinds(target="zhang")[-2:] == ["login", "logout"]


def test_users_created_disabled_and_given_roles_are_recorded():
    user = UserFactory(username="li", roles=[roles.LEADER])
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()
    user.groups.remove(Group.objects.get(name=roles.LEADER))
    assert kinds(target="li") == [
        "user_created",
        "groups_changed",
        "user_disabled",
        "user_enabled",
        "groups_changed",
    ]
    assert SecurityEvent.objects.filter(target="li", kind="groups_changed").order_by(
        "id"
    ).last().detail == {"removed": ["leader"]}


def test_an_own_password_change_and_an_administrators_are_told_apart(client, superuser):
    user = UserFactory(username="wang")
    client.force_login(user)
    new = "Another-Passw0rd"
    client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert kinds(target="wang")[-1] == "password_change"
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(
        url, {"password1": "Admin-Set-Passw0rd", "password2": "Admin-Set-Passw0rd"}
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    event = SecurityEvent.objects.filter(target="wang").order_by("id").last()
    assert (event.kind, event.username) == ("password_reset", "t_admin")


def test_admin_actions_are_recorded(client, superuser):
    from tests.accounts.factories import UnitFactory

    unit = UnitFactory(name="办公室")
    client.force_login(superuser)
    client.post(
        reverse("admin:accounts_unit_change", args=[unit.pk]),
        {
            "name": "办公室",
            "kind": unit.kind,
            "authorized_posts": 9,
            "sort_order": 1,
            "description": "",
            "is_active": "on",
        },
    )
    event = SecurityEvent.objects.get(kind="admin_action")
    assert event.username == "t_admin"
    assert event.target.startswith("accounts.unit:")
    assert event.detail["action"] == "change"
