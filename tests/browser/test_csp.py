"""The main pages run under the Content-Security-Policy without a single violation
(no inline script or style slips in through a template or a vendored library)."""

import pytest
from django.urls import reverse

from apps.accounts import roles
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "home",
    "accounts:unit_list",
    "members:list",
    "members:coverage",
    "venues:list",
    "consultation:list",
    "consultation:create",
    "performance:index",
    "reports:latest",  # the annual report, with its charts
]


def test_main_pages_have_no_csp_violation(live_server, desktop_page):
    from tests.venues.factories import VenueFactory

    VenueFactory(township__name="城关镇")
    UserFactory(username="csp", roles=[roles.COUNTY_STAFF])
    violations = []
    desktop_page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    sign_in(desktop_page, live_server, "csp", PASSWORD)
    desktop_page.wait_for_url(f"{live_server.url}/")
    for name in PAGES:
        response = desktop_page.goto(f"{live_server.url}{reverse(name)}")
        assert response.status < 400, name
        desktop_page.wait_for_load_state("networkidle")
    assert violations == []
