"""社情民意 from a phone to the leader's instruction: an office head reports what residents
raised, with a photo, on a phone; staff adopt it and compile it into an issue; a leader
instructs on it; the item's page shows the chain (submitted → adopted → in the issue →
instruction), and the issue's page lays the item out as the bulletin."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.accounts import roles
from apps.consultation.models import OpinionItem
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import BROWSER_TIMEOUT_MS, sign_in
from tests.consultation.factories import OpinionCategoryFactory, jpeg_bytes
from tests.venues.factories import VenueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_page(browser, *, phone: bool):
    options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
    if phone:
        options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    return page


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_office_reports_from_a_phone_and_the_chain_follows(live_server, browser):
    OpinionCategoryFactory(name="民生保障")
    head = UserFactory(username="head", roles=[roles.OFFICE_HEAD])
    office = VenueFactory(township__name="城关镇", managers=[head])
    UserFactory(username="clerk", roles=[roles.COUNTY_STAFF])
    chief = UserFactory(username="chief", roles=[roles.LEADER])

    # The office head reports a resident's problem on a phone, with a photo.
    phone = open_page(browser, phone=True)
    sign_in(phone, live_server, "head", PASSWORD)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}{reverse('venues:detail', args=[office.pk])}")
    phone.locator("#report-opinion").click()
    expect(phone.locator("#id_office")).to_have_value(str(office.pk))
    phone.locator("#id_title").fill("关于东关村排水沟堵塞的情况反映")
    phone.locator("#id_category").select_option(label="民生保障")
    phone.locator("#id_situation").fill("东关村村民反映，雨后排水沟堵塞，道路积水严重。")
    phone.locator("#id_suggestion").fill("建议镇村组织清淤，列入年度维修计划。")
    phone.locator("#id_photos").set_input_files(
        [{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    fits(phone)
    phone.screenshot(path="/tmp/op_shots/phone-form.png", full_page=True)
    phone.locator("#save-and-submit").click()
    expect(phone.locator("#opinion-status")).to_contain_text("已提交")
    expect(phone.locator("#opinion-photos img")).to_have_count(1)
    fits(phone)
    item = OpinionItem.objects.get()
    assert item.venue == office and item.member is None and item.state == "submitted"
    phone.context.close()

    # Staff adopt it and compile it into an issue.
    desk = open_page(browser, phone=False)
    sign_in(desk, live_server, "clerk", PASSWORD)
    desk.wait_for_url(f"{live_server.url}/")
    desk.goto(f"{live_server.url}{item.get_absolute_url()}")
    desk.locator("#adopt-link").click()
    desk.locator("#id_edited_title").fill("东关村排水沟堵塞亟待清理")
    desk.locator("#step-form button[type=submit]").click()
    expect(desk.locator("#opinion-status")).to_contain_text("采用")
    desk.goto(f"{live_server.url}{reverse('consultation:opinion_issue_list')}")
    desk.locator("#compile-issue").click()
    desk.get_by_label("东关村排水沟堵塞", exact=False).check()
    desk.locator("#issue-form button[type=submit]").click()
    expect(desk.locator("#bulletin")).to_contain_text("东关村排水沟堵塞亟待清理")
    expect(desk.locator("#bulletin")).to_contain_text("第 1 期")
    desk.screenshot(path="/tmp/op_shots/issue.png", full_page=True)
    desk.context.close()

    # A leader instructs on the item; its page shows the chain.
    leader = open_page(browser, phone=False)
    sign_in(leader, live_server, "chief", PASSWORD)
    leader.wait_for_url(f"{live_server.url}/")
    leader.goto(f"{live_server.url}{item.get_absolute_url()}")
    leader.locator("#instruct-link").click()
    expect(leader.locator("#id_leader_name")).to_have_value(chief.get_full_name())
    leader.locator("#id_leader_title").fill("县委书记")
    leader.locator("#id_text").fill("请城关镇和县水利局抓紧解决。")
    leader.locator("#step-form button[type=submit]").click()
    chain = leader.locator("#opinion-chain")
    expect(chain.locator("#step-submitted")).to_be_visible()
    expect(chain.locator("#step-reviewed")).to_contain_text("采用")
    expect(chain.locator("#step-issue")).to_contain_text("第 1 期")
    expect(chain).to_contain_text("请城关镇和县水利局抓紧解决。")
    leader.screenshot(path="/tmp/op_shots/chain.png", full_page=True)
    leader.context.close()
