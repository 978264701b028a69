import pytest
from playwright.sync_api import expect

from apps.accounts import roles
from tests.accounts.factories import PASSWORD, UnitFactory, UserFactory
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_through_the_login_page_and_sees_their_home(live_server, desktop_page):
    unit = UnitFactory(name="县政协委员联络服务中心", authorized_posts=10)
    UserFactory(username="wang", full_name="王静", unit=unit, roles=[roles.COUNTY_STAFF])
    page = desktop_page

    sign_in(page, live_server, "wang", "wrong-password")
    expect(page.locator(".alert-danger")).to_be_visible()

    sign_in(page, live_server, "wang", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="王静，您好")).to_be_visible()
    expect(page.get_by_text("编制数").first).to_be_visible()
    page.get_by_role("link", name="单位与编制").click()
    page.wait_for_url("**/accounts/units/")
    expect(page.get_by_role("cell", name="县政协委员联络服务中心")).to_be_visible()


def test_member_on_a_phone_sees_their_account(live_server, phone_page):
    UserFactory(username="zhao", full_name="赵敏", roles=[roles.MEMBER])
    sign_in(phone_page, live_server, "zhao", PASSWORD)
    phone_page.wait_for_url(f"{live_server.url}/")
    expect(phone_page.get_by_role("heading", name="赵敏，您好")).to_be_visible()
    expect(phone_page.get_by_role("button", name="切换导航")).to_be_visible()
