"""The research chain in the browser: a leader writes an instruction on a report (on a
phone); staff refer one of its suggestions to a department on that instruction, record the
department's reply and close it; the ledger shows it closed."""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from apps.consultation.models import Instruction, Referral
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.consultation.factories import (
    DepartmentFactory,
    ReportFactory,
    ReportSuggestionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_instruction_referral_reply_and_the_ledger(live_server, phone_page, desktop_page):
    UserFactory(username="county_leader", full_name="陈卫东", roles=[roles.LEADER])
    UserFactory(username="clerk", full_name="办事员", roles=[roles.COUNTY_STAFF])
    report = ReportFactory(title="关于推动教育高质量发展的调研报告")
    suggestion = ReportSuggestionFactory(report=report, text="优化城乡学校布局，消除大班额。")
    ReportSuggestionFactory(report=report, text="落实乡村教师生活补助。")
    department = DepartmentFactory(name="县教体局")

    # A leader, on a phone, writes an instruction on the report.
    page = phone_page
    sign_in(page, live_server, "county_leader", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    page.get_by_role("link", name="作出批示").click()
    page.wait_for_url(re.compile(r"/instructions/new/$"))
    expect(page.locator("#id_leader_name")).to_have_value("陈卫东")
    page.locator("#id_leader_title").fill("县长")
    page.locator("#id_instructed_on").fill("2021-06-28")
    page.locator("#id_text").fill("请县教体局认真研究吸纳，限期办理。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="保存批示").click()
    page.wait_for_url(re.compile(r"/reports/\d+/#instruction-\d+$"))
    expect(page.locator("[id^=instruction-]")).to_contain_text("县长陈卫东")
    # A leader neither refers nor adds suggestions.
    expect(page.get_by_role("link", name="添加意见建议")).to_have_count(0)
    instruction = Instruction.objects.get()
    assert not instruction.on_behalf

    # Staff refer one of its suggestions on that instruction.
    staff = desktop_page
    sign_in(staff, live_server, "clerk", PASSWORD)
    staff.wait_for_url(f"{live_server.url}/")
    staff.goto(f"{live_server.url}{report.get_absolute_url()}")
    staff.get_by_role("link", name="优化城乡学校布局").click()
    staff.wait_for_url(re.compile(rf"/suggestions/{suggestion.pk}/$"))
    expect(staff.locator("#suggestion-progress")).to_have_text("已提出")
    staff.get_by_role("link", name="批转承办单位").click()
    staff.locator("#id_department").select_option(label="县教体局")
    expect(staff.locator("#id_instruction")).to_have_value(str(instruction.pk))
    staff.locator("#id_referred_on").fill("2021-07-01")
    staff.locator("#id_due_on").fill("2021-08-31")
    staff.get_by_role("button", name="批转", exact=True).click()
    staff.wait_for_url(re.compile(rf"/suggestions/{suggestion.pk}/$"))
    expect(staff.locator("#suggestion-progress")).to_have_text("已批转")
    expect(staff.locator(".referral-state")).to_have_text("待答复")

    # The department's reply, then the closing with the proposers' satisfaction.
    staff.get_by_role("link", name="录入答复").click()
    staff.locator("#id_text").fill("已将城区两所学校扩建列入年度计划，秋季学期新增学位1200个。")
    staff.locator("#id_replied_on").fill("2021-08-20")
    staff.get_by_label("A类·已解决").check()
    staff.get_by_role("button", name="保存答复").click()
    expect(staff.locator("#suggestion-progress")).to_have_text("办理中")
    expect(staff.locator(".referral-reply")).to_contain_text("新增学位1200个")
    staff.get_by_role("link", name="办结").click()
    staff.get_by_label("满意", exact=True).check()
    staff.locator("#id_closed_on").fill("2021-09-01")
    staff.get_by_role("button", name="办结").click()
    expect(staff.locator("#suggestion-progress")).to_have_text("已办结")

    # The ledger shows it closed.
    staff.get_by_role("link", name="意见建议台账").first.click()
    staff.locator("summary").click()
    staff.locator("#id_progress").select_option(label="已办结")
    staff.get_by_role("button", name="筛选").click()
    items = staff.locator(".suggestion-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("优化城乡学校布局")
    expect(items.first.locator(".suggestion-progress")).to_have_text("已办结")
    expect(items.first).to_contain_text("县教体局 · 已办结")

    # The leader reads the ledger and the project's timeline on the phone.
    page.goto(f"{live_server.url}/suggestions/?progress=closed")
    expect(page.locator(".suggestion-item")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}{report.project.get_absolute_url()}")
    expect(page.locator(".timeline-closed")).to_have_count(1)
    expect(page.locator(".timeline-instruction")).to_contain_text("县长陈卫东")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    referral = Referral.objects.get()
    assert referral.department == department and referral.instruction == instruction
    assert referral.closed_on and referral.satisfaction == Referral.Satisfaction.SATISFIED
