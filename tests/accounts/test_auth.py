import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def test_login_page_is_chinese_and_public(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html


def test_every_page_but_login_needs_a_signed_in_user(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_good_credentials_sign_in_and_reach_home(client):
    UserFactory(username="zhang")
    response = login(client, "zhang", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_credentials_get_a_chinese_message_and_keep_the_username(client):
    UserFactory(username="zhang")
    response = login(client, "zhang", "wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入一个正确的" in html  # Django's zh_Hans message for invalid login
    assert 'value="zhang"' in html


def test_repeated_failures_lock_that_username_from_that_address_only(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="zhang")
    UserFactory(username="li")
    for _ in range(3):
        login(client, "zhang", "wrong")
    # The locked pair cannot sign in even with the right password.
    locked = login(client, "zhang", PASSWORD)
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # A colleague behind the same NAT address is not locked out.
    assert login(client, "li", PASSWORD).status_code == 302
    client.logout()
    # The same username from another address is not locked either.
    assert login(client, "zhang", PASSWORD, ip="10.0.0.2").status_code == 302


def test_success_resets_the_failure_count(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="zhang")
    login(client, "zhang", "wrong")
    login(client, "zhang", "wrong")
    assert login(client, "zhang", PASSWORD).status_code == 302
    client.logout()
    login(client, "zhang", "wrong")
    login(client, "zhang", "wrong")
    assert login(client, "zhang", PASSWORD).status_code == 302


def test_real_client_address_is_read_behind_the_proxy(client, settings):
    """Behind nginx every request comes from 127.0.0.1; the lock uses X-Forwarded-For."""
    settings.AXES_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="zhang")
    for _ in range(2):
        client.post(
            LOGIN,
            {"username": "zhang", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5",  # first entry spoofed
        )
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    other = client.post(
        LOGIN,
        {"username": "zhang", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert other.status_code == 302


def test_logout_is_post_only(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change_validates_and_keeps_the_form(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 200
    assert "密码只包含数字" in weak.content.decode()  # a validator message, in Chinese
    assert "is-invalid" in weak.content.decode()
    good = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Qz8!long-pass",
            "new_password2": "Qz8!long-pass",
        },
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Qz8!long-pass")


def test_anonymous_password_change_redirects_to_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302


def test_session_expires_after_inactivity_and_is_renewed_by_activity(client, settings):
    import datetime

    import time_machine
    from django.contrib.sessions.models import Session

    settings.SESSION_COOKIE_AGE = 30 * 60
    user = UserFactory()
    home = reverse("home")
    with time_machine.travel(
        datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False
    ) as clock:
        client.force_login(user)
        assert client.get(home).status_code == 200
        key = client.session.session_key
        first_expiry = Session.objects.get(session_key=key).expire_date
        # Within the refresh margin: no database write for the session.
        clock.shift(datetime.timedelta(seconds=20))
        assert client.get(home).status_code == 200
        assert Session.objects.get(session_key=key).expire_date == first_expiry
        # Activity after the margin renews the expiry.
        clock.shift(datetime.timedelta(minutes=20))
        assert client.get(home).status_code == 200
        renewed = Session.objects.get(session_key=key).expire_date
        assert renewed > first_expiry
        # 29 minutes idle: still signed in (the renewal counted).
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(home).status_code == 200
        # 31 minutes idle: signed out.
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_short_idle_timeout_is_kept_within_a_tenth(client, settings):
    import datetime

    import time_machine

    # given a one-minute idle timeout
    settings.SESSION_COOKIE_AGE = 60
    home = reverse("home")
    with time_machine.travel(
        datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False
    ) as clock:
        client.force_login(UserFactory())
        assert client.get(home).status_code == 200
        # when the user is active every 40 seconds
        for _ in range(3):
            clock.shift(datetime.timedelta(seconds=40))
            # then each request still finds them signed in (renewed every 6 s at most)
            assert client.get(home).status_code == 200
        clock.shift(datetime.timedelta(seconds=61))
        assert client.get(home).status_code == 302
