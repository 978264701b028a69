"""The office evaluation in the browser: a leader opens the ranking on a desktop and sees
both charts drawn; an office head on a phone sees their office's score on the home page
and opens its lines, each linked to its source. The console stays clean."""

import datetime
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts import roles
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.browser.test_charts import DRAWN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A folder to keep screenshots of the pages in (SCREENSHOTS=/tmp/shots), none by default.
SCREENSHOTS = os.environ.get("SCREENSHOTS", "")


def scored_county(head):
    from apps.performance.office_scores import office_scores_derive
    from tests.consultation.factories import PublishedSessionFactory, SuggestionFactory
    from tests.performance.test_office_scores import LONG_MINUTES, office_rules
    from tests.venues.factories import MemberHomeFactory, VenueFactory

    office_rules(2021)
    tz = timezone.get_current_timezone()
    mine = VenueFactory(township__name="城关镇", managers=[head])
    other = VenueFactory(township__name="颍桥回族镇")
    MemberHomeFactory(name="县城委员之家")
    for venue, months in ((mine, (3, 5, 9)), (other, (4,))):
        for month in months:
            session = PublishedSessionFactory(
                venue=venue,
                started_at=datetime.datetime(2021, month, 10, 9, tzinfo=tz),
                minutes=LONG_MINUTES,
            )
            SuggestionFactory(session=session, text=f"{venue.name}{month}月的建议")
    office_scores_derive(year=2021)
    return mine, other


def watch_console(page) -> list[str]:
    problems: list[str] = []

    def console(msg):
        if msg.type == "error" and not msg.location.get("url", "").endswith("favicon.ico"):
            problems.append(f"{msg.text} {msg.location.get('url', '')}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_a_leader_sees_the_ranking_and_its_charts(live_server, desktop_page):
    head = UserFactory(username="office_scores_head", roles=[roles.OFFICE_HEAD])
    UserFactory(username="leader_offices", roles=[roles.LEADER])
    mine, _other = scored_county(head)
    page = desktop_page
    problems = watch_console(page)
    sign_in(page, live_server, "leader_offices", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('performance:office_list', args=[2021])}")
    page.wait_for_load_state("networkidle")
    for key in ("scores-office", "scores-home"):
        canvas = page.locator(f"#chart-{key} canvas")
        canvas.scroll_into_view_if_needed()
        assert canvas.evaluate(DRAWN), key
    rows = page.locator('table[data-kind="office"] tbody tr')
    assert rows.count() == 2
    assert mine.name in rows.nth(0).inner_text()
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "office_ranking_desktop.png"), full_page=True)
    assert problems == []


def test_an_office_head_sees_their_score_on_a_phone(live_server, phone_page):
    head = UserFactory(username="office_scores_head", roles=[roles.OFFICE_HEAD])
    mine, _other = scored_county(head)
    page = phone_page
    problems = watch_console(page)
    sign_in(page, live_server, "office_scores_head", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    section = page.locator("#office-score-heading").locator("xpath=..")
    assert mine.name in section.inner_text()
    section.get_by_role("link", name=mine.name).click()
    page.wait_for_url(f"**{reverse('performance:office_detail', args=[2021, mine.pk])}")
    assert page.locator("#office-rank").inner_text() == "1"
    # every derived line opens its source; no horizontal scrolling on the phone
    page.get_by_role("link", name=f"提出意见建议：{mine.name}3月的建议").click()
    page.wait_for_load_state("networkidle")
    assert f"{mine.name}3月的建议" in page.content()
    page.go_back()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "office_detail_phone.png"), full_page=True)
    assert problems == []
