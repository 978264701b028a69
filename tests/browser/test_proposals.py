"""A proposal from a phone to the ledger: a member drafts a joint proposal on a phone, a
colleague co-signs on theirs, staff register and assign it, the department (`dept1`)
replies with a letter, the member rates the reply on the phone, and the ledger shows the
points."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts import roles
from apps.consultation.models import Proposal
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import BROWSER_TIMEOUT_MS, sign_in
from tests.consultation.factories import DepartmentAccountFactory, ProposalCategoryFactory
from tests.members.factories import MemberFactory
from tests.performance.factories import standard_rules

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


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


def test_joint_proposal_from_draft_to_points(live_server, browser):
    year = timezone.localdate().year
    standard_rules(year)
    ProposalCategoryFactory(name="社会事业")
    lead = MemberFactory(name="张建华", user=UserFactory(username="lead", roles=[roles.MEMBER]))
    MemberFactory(name="李秀英", user=UserFactory(username="cosigner", roles=[roles.MEMBER]))
    UserFactory(username="clerk", roles=[roles.COUNTY_STAFF])
    account = DepartmentAccountFactory(user__username="dept1", department__name="县民政局")

    # The member drafts a joint proposal on a phone and invites a colleague.
    phone = open_page(browser, phone=True)
    sign_in(phone, live_server, "lead", PASSWORD)
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}{reverse('consultation:my_proposals')}")
    phone.locator("#new-proposal").click()
    phone.locator("#id_kind").select_option("joint")
    phone.locator("#id_category").select_option(label="社会事业")
    phone.locator("#id_title").fill("关于发展普惠托育服务的提案")
    phone.locator("#id_background").fill("托育服务供给不足，家庭负担较重。")
    phone.locator("#id_measures").fill("一、增加普惠托位；二、落实场地和补贴。")
    phone.locator("#id_cosigners-ts-control").click()
    phone.keyboard.type("李秀英", delay=30)
    phone.locator(".ts-dropdown .option", has_text="李秀英").click()
    fits(phone)
    phone.locator("#proposal-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/proposals/\d+/$"))
    proposal = Proposal.objects.get()
    expect(phone.locator("#proposal-status")).to_have_text("草稿")
    # Not yet: the co-signer has not confirmed.
    phone.locator("#submit-proposal").click()
    expect(phone.locator(".alert")).to_contain_text("须所有附议人确认")
    fits(phone)

    # The co-signer confirms on their phone.
    other = open_page(browser, phone=True)
    sign_in(other, live_server, "cosigner", PASSWORD)
    other.wait_for_url(f"{live_server.url}/")
    other.goto(f"{live_server.url}{reverse('consultation:my_proposals')}")
    expect(other.locator("#cosign-requests")).to_contain_text("关于发展普惠托育服务的提案")
    other.locator("#cosign-requests button[value='1']").click()
    other.wait_for_url(re.compile(rf"/proposals/{proposal.pk}/$"))
    expect(other.locator("#signers")).to_contain_text("已附议")

    # Now the member submits.
    phone.reload()
    phone.locator("#submit-proposal").click()
    expect(phone.locator("#proposal-status")).to_have_text("已提交")

    # Staff register and assign it.
    desk = open_page(browser, phone=False)
    sign_in(desk, live_server, "clerk", PASSWORD)
    desk.wait_for_url(f"{live_server.url}/")
    desk.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    desk.locator("#register-proposal").click()
    expect(desk.locator("h1")).to_contain_text("第1号")
    desk.locator("#assign-link").click()
    desk.locator("#id_department").select_option(label="县民政局")
    desk.locator("#step-form button[type=submit]").click()
    expect(desk.locator("#proposal-status")).to_have_text("已交办")

    # The department replies with its letter.
    dept = open_page(browser, phone=False)
    sign_in(dept, live_server, "dept1", PASSWORD)
    dept.wait_for_url(f"{live_server.url}/")
    referral = proposal.referrals.get()
    assert referral.department == account.department
    dept.goto(f"{live_server.url}{reverse('consultation:handling_reply', args=[referral.pk])}")
    dept.locator("#id_text").fill("已新增普惠托位200个，场地补贴已落实。")
    dept.locator("input[name=implementation][value=A]").check()
    dept.locator("#id_letter").set_input_files(
        files=[{"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    dept.locator("#reply-form button[type=submit]").click()
    dept.wait_for_url(re.compile(r"/handling/\d+/"))

    # The member reads the reply and rates it on the phone.
    phone.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    expect(phone.locator("#proposal-status")).to_have_text("已答复")
    expect(phone.locator(".referral-reply")).to_contain_text("普惠托位200个")
    expect(phone.locator(".reply-letter")).to_have_count(1)
    phone.locator("#rate-link").click()
    phone.get_by_label("满意", exact=True).check()
    fits(phone)
    phone.locator("#step-form button[type=submit]").click()
    expect(phone.locator("#rating")).to_contain_text("满意")
    expect(phone.locator("#proposal-status")).to_have_text("已评价")

    # Staff close it; the ledger shows the points, each line linking to the proposal.
    desk.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    desk.locator("#close-proposal").click()
    expect(desk.locator("#proposal-status")).to_have_text("已办结")
    phone.goto(f"{live_server.url}{reverse('performance:ledger', args=[year, lead.pk])}")
    lines = phone.locator(f"a[href='{proposal.get_absolute_url()}']")
    expect(lines).to_have_count(2)  # submitted as joint lead, registered
    expect(phone.locator("body")).to_contain_text("提案被立案")
    fits(phone)
