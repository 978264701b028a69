"""Identity (身份鉴别): complexity, no reuse of the last five, expiry and a forced change,
a forced change after an administrator set the password; demo passwords meet the policy."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.passwords import character_classes
from apps.accounts.seed import demo_password
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:password_change")


def messages_for(password, user=None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Ab1-xyzq", False),  # 8 characters
        ("abcdefghijkl", False),  # one class
        ("abcdefgh1234", False),  # two classes
        ("Abcdefgh1234", True),
        ("abcdefgh-1234", True),
        ("ABCDEFGH-xyzw", True),
    ],
)
def test_at_least_ten_characters_of_three_classes(password, ok):
    assert (messages_for(password) == "") is ok


def test_messages_are_in_chinese():
    text = messages_for("abc")
    assert "至少" in text and "大写字母" in text


def test_the_last_five_passwords_cannot_be_chosen_again():
    user = UserFactory(username="zhang")
    used = [f"Passw0rd-{n}xyz" for n in range(6)]
    for password in used:
        user.set_password(password)
        user.save()
    assert "最近" in messages_for(used[-1], user)
    assert "最近" in messages_for(used[1], user)
    assert messages_for(used[0], user) == ""  # six changes ago: allowed again
    assert messages_for("Brand-new-Passw0rd", user) == ""


def test_an_expired_password_forces_a_change_at_the_next_request(client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory(username="zhang")
    user.password_changed_at = timezone.now() - datetime.timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == CHANGE
    assert client.get(CHANGE).status_code == 200
    new = "Fresh-Passw0rd-2026"
    client.post(CHANGE, {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert not user.password_expired()
    assert client.get(reverse("home")).status_code == 200


def test_a_password_younger_than_the_limit_is_not_expired(client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory(username="zhang")
    user.password_changed_at = timezone.now() - datetime.timedelta(days=89)
    user.save(update_fields=["password_changed_at"])
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


def test_a_password_set_by_an_administrator_is_changed_at_first_sign_in(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newbie",
            "full_name": "新人",
            "password1": "Admin-Set-Passw0rd",
            "password2": "Admin-Set-Passw0rd",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from apps.accounts.models import User

    newbie = User.objects.get(username="newbie")
    assert newbie.must_change_password
    client.logout()
    client.post(reverse("login"), {"username": "newbie", "password": "Admin-Set-Passw0rd"})
    assert client.get(reverse("members:list"))["Location"] == CHANGE
    new = "My-Own-Passw0rd"
    client.post(
        CHANGE, {"old_password": "Admin-Set-Passw0rd", "new_password1": new, "new_password2": new}
    )
    newbie.refresh_from_db()
    assert not newbie.must_change_password


def test_tests_and_the_seed_still_set_simple_passwords_directly():
    user = UserFactory(username="simple")
    user.set_password("simple")
    user.save()
    assert user.check_password("simple") and not user.must_change_password


def test_demo_passwords_meet_the_policy():
    for _ in range(30):
        password = demo_password()
        assert len(password) >= 10 and character_classes(password) >= 3
        assert messages_for(password) == ""
