"""Staff mark attendance for a meeting; the ledger updates and the member's evaluation
changes accordingly — seen by staff in the year table and by the member on a phone."""

import datetime

import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from apps.performance.models import Attendance, Meeting
from apps.performance.services import ledger_derive
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.members.factories import MemberFactory
from tests.performance.factories import AttendanceFactory, MeetingFactory, standard_rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_marking_attendance_moves_the_members_evaluation(live_server, desktop_page, phone_page):
    # given a plenary where 张三 was recorded absent and 李四 present
    standard_rules()
    UserFactory(username="wang", full_name="王静", roles=[roles.COUNTY_STAFF])
    zhang_user = UserFactory(username="zhang", full_name="张三", roles=[roles.MEMBER])
    zhang = MemberFactory(name="张三", name_pinyin="zhangsan", user=zhang_user)
    li = MemberFactory(name="李四", name_pinyin="lisi")
    plenary = MeetingFactory(
        kind=Meeting.Kind.PLENARY, title="第五次全体会议", date=datetime.date(2021, 2, 23)
    )
    AttendanceFactory(meeting=plenary, member=zhang, status=Attendance.Status.ABSENT)
    AttendanceFactory(meeting=plenary, member=li, status=Attendance.Status.PRESENT)
    ledger_derive(year=2021)
    page = desktop_page
    base = live_server.url

    sign_in(page, live_server, "wang", PASSWORD)
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="履职", exact=True).click()
    row = page.locator(f"#evaluation-{zhang.pk}")
    expect(row.locator(".total-link")).to_have_text("-5.0")
    expect(row.get_by_role("cell", name="不称职")).to_be_visible()

    # when staff mark 张三 present on the meeting's sign-in sheet
    tabs = page.get_by_role("list", name="履职页面")
    tabs.get_by_role("link", name="会议", exact=True).click()
    page.get_by_role("link", name="第五次全体会议").click()
    page.get_by_role("link", name="登记出勤").click()
    page.locator(f'tr[data-member="{zhang.pk}"] label', has_text="出席").click()
    page.get_by_role("button", name="保存出勤").click()
    page.wait_for_url(f"{base}{plenary.get_absolute_url()}")
    expect(page.get_by_text("出勤已保存")).to_be_visible()

    # then the year table and the ledger show the attendance instead of the absence
    page.get_by_role("list", name="履职页面").get_by_role("link", name="履职评价").click()
    row = page.locator(f"#evaluation-{zhang.pk}")
    expect(row.locator(".total-link")).to_have_text("10.0")
    row.locator(".total-link").click()
    expect(page.locator("#ledger-total")).to_have_text("10.0")
    ledger_rows = page.locator(".ledger-table tbody tr")
    expect(ledger_rows).to_have_count(1)
    expect(ledger_rows.first).to_contain_text("出席全体会议")
    expect(page.locator(".ledger-table")).not_to_contain_text("无故缺席")
    ledger_rows.first.get_by_role("link").click()
    page.wait_for_url(f"{base}{plenary.get_absolute_url()}*")

    # and the member sees their new total and grade on their phone, and only theirs
    sign_in(phone_page, live_server, "zhang", PASSWORD)
    phone_page.wait_for_url(f"{base}/")
    expect(phone_page.get_by_text("10.0").first).to_be_visible()
    phone_page.get_by_role("link", name="查看积分明细").click()
    expect(phone_page.locator("#ledger-total")).to_have_text("10.0")
    expect(phone_page.locator("#ledger-grade")).to_have_text("不称职")
    assert "李四" not in phone_page.content()
    phone_page.goto(f"{base}/performance/ledger/2021/{li.pk}/")
    assert "李四" not in phone_page.content()
