"""Roster imports of real size (issue 10, item 6) and formula cells (item 7): the upload
validates once, the preview is paged (errors first, then changes, then unchanged) and
reads no row from the database, the rows wait in a file (not in the session) that only
their uploader's one confirmation can take, and the confirmation saves in batches."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.members import import_store, roster_io
from apps.members.models import Member
from apps.members.pinyin import name_pinyin, pinyin_initials
from apps.members.views import IMPORT_SESSION_KEY, ImportPreviewView
from tests.accounts.factories import UserFactory
from tests.members.factories import SectorFactory
from tests.members.roster_files import GOOD_ROWS, HEADERS, xlsx_bytes

pytestmark = pytest.mark.django_db

IMPORT = reverse("members:import")
PREVIEW = reverse("members:import_preview")


@pytest.fixture(autouse=True)
def sectors(db):
    return {name: SectorFactory(name=name) for name in ["经济界", "民盟", "中共"]}


@pytest.fixture
def staff(client_for):
    return client_for("staff_user")


def member_rows(count, start=0):
    return [
        ["11", f"11-{1000 + i}", f"测试{i}", "男", "汉族", "1970-05-01", "经济界", "无党派人士",
         "否", "某公司", "职员", f"139{i:08d}"]
        for i in range(start, start + count)
    ]  # fmt: skip


def upload(client, content: bytes, name="roster.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def token(client):
    return client.session[IMPORT_SESSION_KEY]["token"]


def test_the_preview_pages_errors_first_then_changes_then_unchanged(staff, monkeypatch):
    monkeypatch.setattr(ImportPreviewView, "PREVIEW_PAGE_SIZE", 4)
    # given six members already in the roster, and a file that keeps four of them as
    # they are (lines 2-5), changes one (line 6), adds three (lines 8-10) and has two
    # bad rows (lines 7 and 11)
    roster_io.roster_import(roster_io.read_roster("r.xlsx", xlsx_bytes(member_rows(6))))
    rows = member_rows(10)
    rows[4][10] = "主任"
    rows[5][3] = "未知"
    rows.append([*rows[0][:1], "11-1000", *rows[0][2:]])  # the first number again
    rows[0], rows[5] = rows[5], rows[0]
    upload(staff, xlsx_bytes(rows))
    # when the preview is paged
    pages = [staff.get(PREVIEW, {"page": n}) for n in (1, 2, 3)]
    # then errors come first, then the changes in line order, then the unchanged
    seen = [(r.line, r.status) for page in pages for r in page.context["results"]]
    assert seen == [
        (2, "error"), (12, "error"),
        (6, "update"), (8, "new"), (9, "new"), (10, "new"), (11, "new"),
        (3, "unchanged"), (4, "unchanged"), (5, "unchanged"), (7, "unchanged"),
    ]  # fmt: skip
    html = pages[0].content.decode()
    assert html.count('<tr class="') == 4
    assert "第 1 / 3 页" in html
    assert "错误 2 条" in html  # the counts are of the whole file
    # A page past the end shows the last one, an unreadable one the first.
    assert [r.line for r in staff.get(PREVIEW, {"page": 99}).context["results"]] == [4, 5, 7]
    assert [r.line for r in staff.get(PREVIEW, {"page": "x"}).context["results"]] == [2, 12, 6, 8]
    # The same rule as every list (apps.core.mixins.page_number): zero or below is the first.
    for number in (0, -1):
        first = staff.get(PREVIEW, {"page": number}).context["results"]
        assert [r.line for r in first] == [2, 12, 6, 8]


def test_a_preview_page_reads_no_row_from_the_database(staff, django_assert_max_num_queries):
    upload(staff, xlsx_bytes(member_rows(300)))
    with django_assert_max_num_queries(8):  # session, user, permissions, navigation
        page = staff.get(PREVIEW)
    assert len(page.context["results"]) == ImportPreviewView.PREVIEW_PAGE_SIZE
    assert len(page.content) < 200_000


def test_the_rows_wait_in_a_file_not_in_the_session(staff, settings):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    assert set(staff.session[IMPORT_SESSION_KEY]) == {"token"}
    files = list((Path(settings.MEDIA_ROOT) / import_store.FOLDER).iterdir())
    assert [f.name for f in files] == [f"{token(staff)}.json"]
    # A second upload replaces the first one's file.
    upload(staff, xlsx_bytes(GOOD_ROWS[:1]))
    files = list((Path(settings.MEDIA_ROOT) / import_store.FOLDER).iterdir())
    assert [f.name for f in files] == [f"{token(staff)}.json"]


def test_a_preview_is_confirmed_once(staff):
    """A double click or a second tab: the second confirmation finds nothing."""
    upload(staff, xlsx_bytes(GOOD_ROWS))
    assert import_store.claim(token(staff), user_id=-1) is None  # not the uploader's
    key = token(staff)
    assert staff.post(PREVIEW, {"token": key}).status_code == 302
    again = staff.post(PREVIEW, {"token": key}, follow=True)
    assert "预览已失效" in again.content.decode()
    assert Member.objects.count() == 3
    assert Member.history.count() == 3


def test_another_user_cannot_confirm_or_see_an_upload(staff, client_for, client):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    key = token(staff)
    other = UserFactory(username="t_staff2", roles=["county_staff"])
    client.force_login(other)
    session = client.session
    session[IMPORT_SESSION_KEY] = {"token": key}  # even with the token in hand
    session.save()
    assert client.get(PREVIEW)["Location"] == IMPORT
    client.post(PREVIEW, {"token": key})
    assert not Member.objects.exists()
    assert import_store.load(key, user_id=other.pk) is None


def test_a_row_that_fails_at_the_confirmation_saves_nothing_and_shows_why(staff):
    upload(staff, xlsx_bytes(member_rows(5)))
    Member.objects.create(  # meanwhile entered by hand under another number
        term=11, member_no="11-9999", name="测试3", gender="M",
        sector=SectorFactory(name="经济界"), affiliation="non_party", phone="13900000003",
    )  # fmt: skip
    response = staff.post(PREVIEW, {"token": token(staff)}, follow=True)
    assert "未保存任何数据" in response.content.decode()
    assert Member.objects.count() == 1
    # The preview now shows the row in error, first.
    first = response.context["results"][0]
    assert (first.line, first.status) == (5, "error")


def test_confirming_runs_a_few_statements_per_batch_not_two_per_row(
    staff, django_assert_max_num_queries
):
    """Saved in batches (SQLite caps a statement's parameters, so its batches are
    smaller than SAVE_BATCH): at most one statement per ten rows, where saving row by
    row took two per row (the member and its history record)."""
    count = roster_io.SAVE_BATCH + 100
    upload(staff, xlsx_bytes(member_rows(count)))
    with django_assert_max_num_queries(count // 10):
        response = staff.post(PREVIEW, {"token": token(staff)})
    assert response.status_code == 302
    assert Member.objects.count() == count
    member = Member.objects.get(member_no="11-1007")
    assert member.name_pinyin == name_pinyin("测试7")  # as Member.save() sets it
    assert member.name_initials == pinyin_initials(member.name_pinyin)
    record = member.history.get()
    assert record.history_user.username == "t_staff"
    assert record.history_type == "+"


def test_an_updated_member_keeps_its_history_and_gets_a_new_record(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    staff.post(PREVIEW, {"token": token(staff)})
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][2] = "曾莉"
    upload(staff, xlsx_bytes(rows))
    staff.post(PREVIEW, {"token": token(staff)})
    zeng = Member.objects.get(member_no="11-502")
    assert (zeng.name, zeng.name_initials) == ("曾莉", "zl")
    assert zeng.name_pinyin.startswith("zeng l")
    assert [h.history_type for h in zeng.history.order_by("history_id")] == ["+", "~"]
    assert zeng.history.latest("history_id").history_user.username == "t_staff"


def test_the_row_limit_is_a_setting(staff, settings):
    settings.MEMBER_IMPORT_MAX_ROWS = 3
    response = upload(staff, xlsx_bytes(member_rows(4)))
    assert "文件超过 3 行" in response.content.decode()


def test_ten_thousand_rows_are_not_refused_by_default():
    from django.conf import settings

    assert settings.MEMBER_IMPORT_MAX_ROWS >= 10_000
    assert settings.MEMBER_IMPORT_MAX_BYTES >= 5 * 1024 * 1024


# --- formula cells (item 7) --------------------------------------------------------------


def workbook_with_formula(cell: str, formula: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in GOOD_ROWS:
        sheet.append(row)
    sheet[cell] = formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_formula_cell_is_an_error_on_its_row_not_a_blank(staff):
    upload(staff, workbook_with_formula("L3", '="1380000"&"0002"'))  # 曾丽's mobile number
    page = staff.get(PREVIEW)
    [error] = [r for r in page.context["results"] if r.status == "error"]
    assert error.line == 3
    assert error.errors == ["手机号码：公式单元格未导入，请粘贴为数值"]
    assert "手机号码：公式单元格未导入，请粘贴为数值" in page.content.decode()
    staff.post(PREVIEW, {"token": token(staff)})
    assert not Member.objects.exists()


def test_a_text_cell_that_starts_with_an_equals_sign_is_text():
    """A cell the spreadsheet stores as text is not a formula, whatever it starts with."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(GOOD_ROWS[0])
    sheet["K2"].value = "=董事长"
    sheet["K2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    [row] = roster_io.read_roster("r.xlsx", buffer.getvalue())
    assert (row.values["title"], row.formulas) == ("=董事长", [])
