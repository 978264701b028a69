"""Concurrent sessions (等保: 限制并发会话): at most MAX_SESSIONS_PER_USER, the oldest ended
by a new sign-in; listed on the profile; "sign out everywhere"."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import UserSession
from apps.core.models import SecurityEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SESSIONS = reverse("accounts:sessions")


def sign_in(username: str, ip: str = "10.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_fourth_sign_in_ends_the_oldest_session(settings):
    settings.MAX_SESSIONS_PER_USER = 3
    UserFactory(username="zhang")
    UserFactory(username="li")
    clients = [sign_in("zhang", ip=f"10.0.0.{n}") for n in range(1, 5)]
    other = sign_in("li")
    assert clients[0].get(reverse("home")).status_code == 302  # signed out
    for client in clients[1:]:
        assert client.get(reverse("home")).status_code == 200
    assert other.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user__username="zhang").count() == 3
    ended = SecurityEvent.objects.get(kind="session_ended")
    assert ended.detail["ended"] == 1 and ended.target == "zhang"


def test_the_profile_lists_only_the_users_own_sessions(django_assert_max_num_queries):
    UserFactory(username="zhang")
    UserFactory(username="li")
    sign_in("li", ip="10.9.9.9")
    sign_in("zhang", ip="10.0.0.7")
    client = sign_in("zhang", ip="10.0.0.8")
    with django_assert_max_num_queries(9):
        response = client.get(SESSIONS)
    html = response.content.decode()
    assert "10.0.0.7" in html and "10.0.0.8" in html and "10.9.9.9" not in html
    assert len(response.context["user_sessions"]) == 2


def test_sign_out_everywhere_ends_every_session_of_the_user_only():
    UserFactory(username="zhang")
    UserFactory(username="li")
    first, second = sign_in("zhang"), sign_in("zhang")
    other = sign_in("li")
    response = second.post(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == 302
    assert first.get(reverse("home")).status_code == 302
    assert second.get(reverse("home")).status_code == 302
    assert other.get(reverse("home")).status_code == 200
    assert not UserSession.objects.filter(user__username="zhang").exists()
    assert second.get(reverse("accounts:sign_out_everywhere")).status_code in {302, 405}


def test_the_session_pages_need_a_signed_in_user(client):
    assert client.get(SESSIONS).status_code == 302
    assert client.post(reverse("accounts:sign_out_everywhere")).status_code == 302
