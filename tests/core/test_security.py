import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_security_headers_on_every_page(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(client_for):
    html = client_for("staff_user").get(reverse("home")).content.decode()
    import re

    tags = re.findall(r"<script[^>]*>", html)
    # Data for the charts rides in json_script blocks, which browsers never run.
    assert any('type="application/json"' in tag for tag in tags)
    for tag in tags:
        if 'type="application/json"' not in tag:
            assert "src=" in tag, f"inline script found: {tag}"
    assert "onclick=" not in html


@override_settings(DEBUG=False)
def test_missing_page_is_the_chinese_404(client_for):
    response = client_for("member_user").get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "Traceback" not in html


@override_settings(DEBUG=False)
def test_anonymous_missing_page_is_the_404_without_navigation(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "main-nav" not in response.content.decode()


def test_server_error_page_shows_no_trace(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "服务器" in html
    assert "Traceback" not in html and "SECRET_KEY" not in html


def test_403_page_is_chinese(client_for):
    response = client_for("member_user").get(reverse("accounts:unit_list"))
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_csrf_is_enforced_on_posts(db):
    from django.test import Client

    from tests.accounts.factories import UserFactory

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory())
    response = strict.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()
