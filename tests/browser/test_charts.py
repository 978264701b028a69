"""A leader opens the overview and the annual report on a phone and on a desktop: the
charts draw (a canvas with pixels on it), each table is one tap away, and the console
stays clean (no CSP violation, no script error)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts import roles
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A canvas Chart.js has drawn on: some pixel is not transparent.
DRAWN = """canvas => {
  const ctx = canvas.getContext('2d');
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) return true; }
  return false;
}"""


def a_year_of_work():
    from tests.consultation.factories import PublishedSessionFactory, TopicFactory
    from tests.performance.factories import AttendanceFactory
    from tests.venues.factories import VenueFactory

    tz = timezone.get_current_timezone()
    venue = VenueFactory(township__name="城关镇")
    for month in (3, 5, 9):
        PublishedSessionFactory(
            venue=venue,
            topic=TopicFactory(title=f"议题{month}"),
            started_at=datetime.datetime(2021, month, 10, 9, tzinfo=tz),
        )
    AttendanceFactory()


@pytest.mark.parametrize("device", ["phone_page", "desktop_page"])
def test_a_leader_sees_the_charts_on_the_overview_and_the_report(live_server, request, device):
    page = request.getfixturevalue(device)
    a_year_of_work()
    UserFactory(username="leader_charts", roles=[roles.LEADER])
    problems = []

    def console(msg):
        # The browser asks for /favicon.ico on its own (the site has none): not ours.
        if msg.type == "error" and not msg.location.get("url", "").endswith("favicon.ico"):
            problems.append(f"{msg.text} {msg.location.get('url', '')}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server, "leader_charts", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    for url in (reverse("home") + "?year=2021", reverse("reports:year", args=[2021])):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        canvas = page.locator("#chart-sessions-month canvas")
        canvas.scroll_into_view_if_needed()
        assert canvas.bounding_box()["width"] > 200
        assert canvas.evaluate(DRAWN), url
        assert page.locator("canvas[data-chart]").count() >= 5
        # The table is one tap away on the overview (open already in the report).
        table = page.locator('#chart-sessions-month table[data-chart-table="sessions-month"]')
        if not table.is_visible():
            page.locator("#chart-sessions-month summary").click()
        assert table.is_visible()
        assert "3月" in table.inner_text()
    assert problems == []


def test_the_report_prints_on_a4_in_black_and_white(live_server, desktop_page):
    """Printed, the report drops the navigation, starts each chapter on a fresh A4 page
    and keeps its charts drawn in greys (no colour a black-and-white printer loses)."""
    page = desktop_page
    a_year_of_work()
    UserFactory(username="leader_print", roles=[roles.LEADER])
    sign_in(page, live_server, "leader_print", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('reports:year', args=[2021])}")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    breaks = page.locator(".report-chapter").evaluate_all(
        "sections => sections.map(s => getComputedStyle(s).breakBefore)"
    )
    assert breaks[0] == "auto" and set(breaks[1:]) == {"page"}
    canvas = page.locator("#chart-sessions-month canvas")
    assert canvas.evaluate(DRAWN)
    coloured = canvas.evaluate(
        """canvas => {
          const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 0; i < d.length; i += 4) {
            const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
            if (a && (Math.abs(r - g) > 8 || Math.abs(g - b) > 8)) return true;
          }
          return false;
        }"""
    )
    assert not coloured
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > len(breaks)
