"""A member signs in at a meeting by its QR code on a phone; staff's live screen counts
one more present without a reload (htmx)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts import roles
from apps.performance.models import Attendance, Meeting
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.members.factories import MemberFactory
from tests.performance.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_scans_the_code_and_the_screen_counts_them(live_server, desktop_page, phone_page):
    # given a standing meeting starting in half an hour (its sign-in open) with two
    # standing members invited, one of them the member with a phone
    start = timezone.localtime() + datetime.timedelta(minutes=30)
    meeting = MeetingFactory(
        kind=Meeting.Kind.STANDING,
        title="常务委员会第二十七次会议",
        date=start.date(),
        start_time=start.time().replace(second=0, microsecond=0),
    )
    UserFactory(username="wang", full_name="王静", roles=[roles.COUNTY_STAFF])
    zhang_user = UserFactory(username="zhang", full_name="张三", roles=[roles.MEMBER])
    MemberFactory(name="张三", name_pinyin="zhangsan", user=zhang_user, is_standing=True)
    MemberFactory(name="李四", name_pinyin="lisi", is_standing=True)

    # staff put the sign-in screen on the projector
    screen = desktop_page
    sign_in(screen, live_server, "wang", PASSWORD)
    screen.wait_for_url(f"{live_server.url}/")
    screen.goto(f"{live_server.url}/performance/meetings/{meeting.pk}/signin/")
    expect(screen.locator("#signin-present")).to_have_text("0")
    expect(screen.locator("#signin-invited")).to_have_text("2")
    expect(screen.locator("#signin-missing")).to_contain_text("张三")
    # the URL the rendered QR code carries (its SVG title)
    signin_url = screen.locator(".signin-qr-box svg title").text_content()
    assert signin_url and "/signin/" in signin_url

    # when the member opens it on their phone, logs in, comes back and confirms
    phone = phone_page
    phone.goto(signin_url)
    phone.get_by_label("用户名").fill("zhang")
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("button", name="确认签到").click()
    expect(phone.locator("#signin-result")).to_contain_text("签到成功")

    # then staff's screen shows one more present, refreshed by itself
    expect(screen.locator("#signin-present")).to_have_text("1")
    expect(screen.locator("#signin-missing")).not_to_contain_text("张三")
    row = Attendance.objects.get()
    assert (row.member.name, row.status, row.method) == ("张三", "present", "qr")
