"""To-dos in the browser: a leader signs in on a phone, sees the report awaiting their
instruction on the home page and counted in the navigation, taps it, writes the
instruction with their position prefilled, and the to-do is gone."""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from apps.consultation.models import Instruction
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.consultation.factories import ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_taps_the_to_do_and_writes_the_instruction(live_server, phone_page):
    UserFactory(
        username="county_leader", full_name="陈卫东", title="县政协主席", roles=[roles.LEADER]
    )
    report = ReportFactory(title="关于推动教育高质量发展的调研报告")
    page = phone_page
    sign_in(page, live_server, "county_leader", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    # The navigation's count arrives after the page (htmx), visible without opening the menu.
    expect(page.locator("#nav-badges")).to_contain_text("1项待办")
    todo = page.locator("#todos .todo-item")
    expect(todo).to_have_count(1)
    expect(todo).to_contain_text("关于推动教育高质量发展")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    todo.click()
    page.wait_for_url(re.compile(rf"/reports/{report.pk}/instructions/new/$"))
    expect(page.locator("#id_leader_name")).to_have_value("陈卫东")
    expect(page.locator("#id_leader_title")).to_have_value("县政协主席")
    page.locator("#id_text").fill("请有关部门认真研究，限期办理。")
    page.get_by_role("button", name="保存批示").click()
    page.wait_for_url(re.compile(r"/reports/\d+/#instruction-\d+$"))
    assert Instruction.objects.get().leader_title == "县政协主席"
    page.goto(f"{live_server.url}/")
    expect(page.locator("#todos")).to_contain_text("暂无待办事项")
    expect(page.locator("#todos .todo-item")).to_have_count(0)
