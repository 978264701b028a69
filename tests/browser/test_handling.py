"""A handling department on a phone: `dept1` signs in, opens its overdue referral from the
home page, records the reply with the letter; the staff's suggestion page shows it."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from apps.consultation.models import Referral
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.consultation.factories import (
    DepartmentAccountFactory,
    DepartmentFactory,
    ReferralFactory,
    ReportSuggestionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


def test_a_department_replies_to_an_overdue_referral(live_server, phone_page, desktop_page):
    department = DepartmentFactory(name="县发展和改革委员会")
    user = UserFactory(username="dept1", roles=[roles.DEPARTMENT])
    DepartmentAccountFactory(user=user, department=department)
    UserFactory(username="clerk", roles=[roles.COUNTY_STAFF])
    suggestion = ReportSuggestionFactory(text="加快城区停车场建设，缓解停车难。")
    referral = ReferralFactory(
        suggestion=suggestion,
        department=department,
        referred_on=datetime.date(2021, 7, 1),
        due_on=datetime.date(2021, 8, 31),
    )
    ReferralFactory(suggestion__text="另一个单位的件。")  # never shown to dept1

    page = phone_page
    sign_in(page, live_server, "dept1", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    panel = page.locator("#department-panel")
    expect(panel).to_contain_text("县发展和改革委员会")
    expect(panel).to_contain_text("已超期")
    expect(panel).not_to_contain_text("另一个单位的件")
    panel.get_by_role("link", name="加快城区停车场建设").click()
    page.wait_for_url(re.compile(rf"/handling/{referral.pk}/$"))
    expect(page.locator("#referral-due")).to_have_text("2021-08-31")
    page.locator("#record-reply").click()
    page.locator("#id_text").fill("已规划新建停车场两处，年底前投用。")
    page.locator("#id_replied_on").fill("2021-09-10")
    page.get_by_label("B类·正在解决").check()
    page.locator("#id_letter").set_input_files(
        {"name": "复函.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="保存答复").click()
    page.wait_for_url(re.compile(rf"/handling/{referral.pk}/$"))
    expect(page.locator(".referral-state")).to_have_text("已答复")
    expect(page.locator(".reply-letter")).to_contain_text("复函.pdf")
    referral.refresh_from_db()
    assert referral.state == Referral.State.REPLIED and not referral.reply_on_behalf

    staff = desktop_page
    sign_in(staff, live_server, "clerk", PASSWORD)
    staff.wait_for_url(f"{live_server.url}/")
    staff.goto(f"{live_server.url}{suggestion.get_absolute_url()}")
    expect(staff.locator(".referral-reply")).to_contain_text("已规划新建停车场两处")
    expect(staff.locator(".reply-letter")).to_contain_text("复函.pdf")
    expect(staff.locator(".reply-on-behalf")).to_have_count(0)
