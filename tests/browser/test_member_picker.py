"""The member picker on a phone: after each pick by pinyin initials the typed letters are
gone and the box stays ready, so the next initials start a new search."""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from apps.consultation.models import Session
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.consultation.factories import TopicFactory
from tests.members.factories import MemberFactory
from tests.venues.factories import VenueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_head_picks_three_members_by_initials_in_a_row_on_a_phone(live_server, phone_page):
    head = UserFactory(username="liaison", full_name="李主任", roles=[roles.OFFICE_HEAD])
    VenueFactory(township__name="城关镇", managers=[head])
    TopicFactory(title="停车难", year=2021)
    kong = MemberFactory(name="孔丽萍")
    MemberFactory(name="孔立鹏")  # the same initials: picked by name among the results
    chen = MemberFactory(name="陈国星")
    cao = MemberFactory(name="曹光西")
    MemberFactory(name="王建华")  # never picked

    page = phone_page
    sign_in(page, live_server, "liaison", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/sessions/new/")
    page.locator("#id_topic").select_option(label="停车难（2021）")
    page.locator("#id_form").select_option(label="实地共商")
    page.locator("#id_started_at").fill("2021-06-01T09:30")
    page.locator("#id_place").fill("城关镇会议室")
    page.locator("#id_minutes").fill("围绕停车难问题座谈。")

    search = page.locator("#id_members-ts-control")
    search.click()
    dropdown = page.locator("#id_members-ts-dropdown")
    for initials, member in [("klp", kong), ("cgx", chen), ("cgx", cao)]:
        # Typed where the focus is: the picker keeps it after a pick.
        page.keyboard.type(initials, delay=50)
        option = dropdown.locator(".option", has_text=member.name)
        expect(option).to_have_count(1)
        option.click()
        expect(search).to_have_value("")
        expect(page.locator(".ts-control .item", has_text=member.name)).to_have_count(1)
        expect(search).to_be_focused()
    expect(page.locator(".ts-control .item")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    session = Session.objects.get()
    assert set(session.members.all()) == {kong, chen, cao}
