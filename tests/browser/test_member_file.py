"""The member's file on a phone: a member opens their own file; staff load the whole
roster's files for the 换届 review and watch the progress bar reach the end."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.reports.file_views import CHUNK_SIZE
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import sign_in
from tests.members.factories import MemberFactory
from tests.reports.member_file_data import build_term

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_their_file_on_a_phone(live_server, phone_page, member_user):
    term = build_term(member_user=member_user)
    page = phone_page
    sign_in(page, live_server, member_user.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('files:mine')}")
    expect(page.get_by_role("heading", name="周文华 第11届履职档案")).to_be_visible()
    sessions = page.locator('[data-section="sessions"] tr[data-line]')
    expect(sessions).to_have_count(10)
    expect(page.locator('[data-section="points"] tr[data-line]')).to_have_count(5)
    # Their own phone number, unmasked; nothing wider than the phone.
    expect(page.get_by_text(term.phone)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A line opens its record.
    sessions.first.get_by_role("link").click()
    expect(page).to_have_url(
        f"{live_server.url}{term.me.sessions.order_by('started_at').first().get_absolute_url()}"
    )
    # Every request answered before the database is flushed (SQLite: a request still
    # reading holds a table lock that the flush would meet).
    page.wait_for_load_state("networkidle")


def test_staff_load_the_rosters_files_with_progress(live_server, phone_page, staff_user):
    build_term()
    for n in range(CHUNK_SIZE + 2):
        MemberFactory(name=f"批量委员{n:02d}")
    total = CHUNK_SIZE + 2 + 3
    page = phone_page
    sign_in(page, live_server, staff_user.username, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{reverse('files:batch')}")
    page.get_by_role("button", name="全体委员").click()
    expect(page.get_by_text(f"已载入 {total}/{total}")).to_be_visible()
    expect(page.locator("article.member-file")).to_have_count(total)
    expect(page.locator("progress")).to_have_attribute("value", str(total))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The one .docx: the "building" line shows, and goes once the download answered.
    with page.expect_download() as download:
        page.locator("#batch-docx").click()
    assert download.value.suggested_filename.endswith(".docx")
    expect(page.locator("#batch-docx-busy")).to_be_hidden()
    page.wait_for_load_state("networkidle")
