"""Staff import a roster file through the preview and find a member by pinyin initials;
staff pair two members with the remote-search member pickers."""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from apps.members.models import Member, Pairing
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import sign_in
from tests.members.factories import CpcMemberFactory, MemberFactory, SectorFactory
from tests.members.roster_files import GOOD_ROWS, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_import_a_roster_and_find_a_member_by_pinyin_initials(
    live_server, desktop_page, tmp_path
):
    for name in ["经济界", "民盟", "中共"]:
        SectorFactory(name=name)
    UserFactory(username="wang", full_name="王静", roles=[roles.COUNTY_STAFF])
    roster = tmp_path / "委员名册.xlsx"
    roster.write_bytes(xlsx_bytes(GOOD_ROWS))
    page = desktop_page

    sign_in(page, live_server, "wang", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="委员名册").click()
    page.get_by_role("link", name="导入").click()
    page.get_by_label("名册文件").set_input_files(str(roster))
    page.get_by_role("button", name="上传并预览").click()

    page.wait_for_url("**/members/import/preview/")
    expect(page.locator("#import-counts")).to_have_text(re.compile(r"^\s*新增 3 条"))
    expect(page.locator("#import-preview tbody tr")).to_have_count(3)
    assert not Member.objects.exists()
    page.get_by_role("button", name="确认导入").click()

    page.wait_for_url(f"{live_server.url}/members/")
    expect(page.get_by_text("导入完成：新增 3 名")).to_be_visible()
    page.get_by_label("搜索").fill("sjg")  # 单建国: shan, not dan
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/members/\?.*q=sjg"))
    rows = page.locator("#roster tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("单建国")
    rows.first.get_by_role("link", name="单建国").click()
    page.wait_for_url(re.compile(r"/members/\d+/$"))
    expect(page.get_by_role("heading", name="单建国")).to_be_visible()
    expect(page.get_by_text("城关镇党委")).to_be_visible()


def test_staff_pair_members_with_the_pickers(live_server, desktop_page):
    UserFactory(username="wang", roles=[roles.COUNTY_STAFF])
    CpcMemberFactory(name="张三", member_no="11-001")
    CpcMemberFactory(name="周山", member_no="11-002")
    MemberFactory(name="李四", member_no="11-101")
    page = desktop_page
    sign_in(page, live_server, "wang", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/members/pairings/new/")

    pickers = page.locator(".ts-wrapper")
    expect(pickers).to_have_count(2)
    pickers.nth(0).click()
    page.keyboard.type("zs")
    options = page.locator(".ts-dropdown:visible .option")
    expect(options).to_have_count(2)
    assert sorted(options.all_inner_texts()) == ["周山（11-002，中共）", "张三（11-001，中共）"]
    page.locator(".ts-dropdown:visible .option", has_text="张三").click()
    pickers.nth(1).click()
    page.keyboard.type("ls")
    page.locator(".ts-dropdown:visible .option", has_text="李四").click()
    page.get_by_role("button", name="保存").click()

    page.wait_for_url("**/members/pairings/*/")
    pairing = Pairing.objects.get()
    assert (pairing.cpc_member.name, pairing.partner.name) == ("张三", "李四")
    expect(page.get_by_text("张三已与李四结对")).to_be_visible()
