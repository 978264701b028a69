"""The office head's daily tool on a phone: log a session with a photo and two
suggestions, submit it; staff publish it."""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from apps.consultation.models import Session
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.consultation.factories import TopicFactory, jpeg_bytes
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory, VenueFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_head_logs_and_submits_a_session_on_a_phone_and_staff_publish_it(
    live_server, phone_page, desktop_page, tmp_path
):
    head = UserFactory(username="liaison", full_name="李主任", roles=[roles.OFFICE_HEAD])
    UserFactory(username="reviewer", full_name="审核员", roles=[roles.COUNTY_STAFF])
    venue = VenueFactory(township__name="城关镇", managers=[head])
    member = MemberFactory(name="张委员")
    AssignmentFactory(venue=venue, member=member)
    TopicFactory(title="停车难", year=2021)
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600)))

    page = phone_page
    sign_in(page, live_server, "liaison", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="登记协商活动").click()
    page.wait_for_url(re.compile(r"/sessions/new/"))
    expect(page.locator("#id_venue")).to_have_value(str(venue.pk))
    page.locator("#id_topic").select_option(label="停车难（2021）")
    page.locator("#id_form").select_option(label="实地共商")
    page.locator("#id_started_at").fill("2021-06-01T09:30")
    page.locator("#id_place").fill("老城区紫云路")
    page.locator("#id_members").select_option(value=str(member.pk))
    page.locator("#id_other_attendee_count").fill("6")
    page.locator("#id_minutes").fill("围绕停车难问题实地察看并座谈。")
    page.locator("#id_suggestions-0-text").fill("利用闲置地建设公共停车场。")
    page.locator("#id_suggestions-1-text").fill("推动机关停车场错时开放。")
    page.locator("#id_photos").set_input_files(str(photo))
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    expect(page.locator("#session-state")).to_have_text("草稿")
    expect(page.locator("#suggestions li")).to_have_count(2)
    thumbnail = page.locator("#photos img")
    expect(thumbnail).to_have_count(1)
    thumbnail.scroll_into_view_if_needed()
    # The thumbnail loads (decode() waits for it; a string predicate polled in the page
    # would be an eval the CSP refuses).
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("#session-state")).to_have_text("已提交")
    expect(page.get_by_role("link", name="修改")).to_have_count(0)

    session = Session.objects.get()
    staff = desktop_page
    sign_in(staff, live_server, "reviewer", PASSWORD)
    staff.wait_for_url(f"{live_server.url}/")
    staff.goto(f"{live_server.url}{session.get_absolute_url()}")
    staff.get_by_role("button", name="发布").click()
    expect(staff.locator("#session-state")).to_have_text("已发布")

    session.refresh_from_db()
    assert session.state == Session.State.PUBLISHED
    assert session.topic.title == "停车难"
    assert list(session.members.all()) == [member]
    assert session.suggestions.count() == 2
    assert session.photos.count() == 1
    assert session.other_attendee_count == 6
