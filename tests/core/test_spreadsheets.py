"""Exports people can hand on (issue 16, part 4): every .xlsx goes through
`apps.core.spreadsheets.xlsx_download` — a title row naming the filter, the day and who
exported, a frozen bold header, 序号 as the row number, CJK-fit widths, real date cells,
choice labels instead of codes — streamed from a temp file."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.core.spreadsheets import Sheet, filter_summary, text_width, xlsx_download
from tests.accounts.factories import UserFactory
from tests.consultation.factories import (
    PublishedSessionFactory,
    RepliedReferralFactory,
    TopicFactory,
)
from tests.xlsx import workbook

pytestmark = pytest.mark.django_db


def test_cjk_characters_count_as_two():
    assert text_width("abc") == 3
    assert text_width("襄城县") == 6
    assert text_width("第一行\nab") == 6
    assert text_width(datetime.date(2021, 1, 1)) == 10


def test_the_helper_writes_title_header_numbers_widths_and_dates():
    user = UserFactory(full_name="王干事")
    request = RequestFactory().get("/")
    request.user = user
    rows = [
        ["襄城县政协委员联络服务中心", datetime.date(2021, 5, 20), 3],
        ["=1+1", datetime.date(2021, 6, 1), 4],
    ]
    response = xlsx_download(
        request,
        Sheet("测试", ["名称", "日期", "人数"], iter(rows)),
        title="测试导出",
        filter_text="年份：2021",
        filename="t.xlsx",
        display_name="测试.xlsx",
    )
    assert response.streaming  # a FileResponse from a temp file
    assert 'filename="t.xlsx"' in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = workbook(response).worksheets[0]
    title = sheet["A1"].value
    assert title.startswith("测试导出 · 筛选：年份：2021 · ") and "王干事" in title
    assert [c.value for c in sheet[2]] == ["序号", "名称", "日期", "人数"]
    assert sheet["A2"].font.b
    assert sheet.freeze_panes == "A3"
    assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == [1, 2]
    date_cell = sheet["C3"]
    assert date_cell.is_date and date_cell.value.date() == datetime.date(2021, 5, 20)
    assert date_cell.number_format == "yyyy-mm-dd"
    # The name column fits its 13 Chinese characters (26) and a margin.
    assert sheet.column_dimensions["B"].width == 28
    assert sheet["B4"].data_type == "s" and sheet["B4"].quotePrefix  # never a formula


def test_the_ledger_export_reads_back_as_people_read_it(client_for):
    referral = RepliedReferralFactory(suggestion__raised_on=datetime.date(2021, 6, 10))
    client = client_for("staff_user")
    response = client.get(reverse("consultation:suggestion_export"), {"year": "2021"})
    sheet = workbook(response).worksheets[0]
    assert "筛选：提出年度：2021 · " in sheet["A1"].value  # the unticked box is no filter
    header = [c.value for c in sheet[2]]
    assert header[:2] == ["序号", "建议编号"]
    row = dict(zip(header, sheet[3], strict=True))
    assert row["序号"].value == 1 and row["建议编号"].value == referral.suggestion_id
    assert row["提出日期"].is_date
    assert row["答复日期"].is_date and row["答复日期"].value.date() == datetime.date(2021, 8, 1)
    assert row["落实情况"].value == str(referral.get_implementation_display())  # not "A"
    assert sheet.freeze_panes == "A3"
    assert all(sheet.column_dimensions[c].width >= 6 for c in "ABCDE")


def test_the_session_export_has_datetime_cells_and_the_filter(client_for):
    session = PublishedSessionFactory(topic=TopicFactory(title="停车难"))
    client = client_for("staff_user")
    response = client.get(reverse("consultation:export"), {"venue": session.venue_id})
    sheet = workbook(response).worksheets[0]
    assert f"筛选：阵地：{session.venue.name}" in sheet["A1"].value
    start = sheet["B3"]
    assert start.is_date and start.number_format == "yyyy-mm-dd hh:mm"
    local = timezone.localtime(session.started_at).replace(tzinfo=None)
    assert start.value == local


def test_the_roster_export_has_date_cells_and_imports_again(client_for):
    from tests.members.factories import MemberFactory

    MemberFactory(name="张三", birth_date=datetime.date(1975, 6, 1))
    response = client_for("staff_user").get(reverse("members:export"))
    sheet = workbook(response).worksheets[0]
    header = [c.value for c in sheet[2]]
    birth = sheet.cell(row=3, column=header.index("出生日期") + 1)
    assert birth.is_date and birth.value.date() == datetime.date(1975, 6, 1)
    assert sheet.freeze_panes == "A3"


def test_filter_summary_names_labels_and_choice_labels():
    from apps.consultation.filters import SessionFilter
    from apps.consultation.models import Session

    filterset = SessionFilter(
        {"year": "2021", "form": Session.Form.SYMPOSIUM, "held": "true"},
        queryset=Session.objects.all(),
    )
    assert filterset.is_valid()
    text = filter_summary(filterset.form)
    assert "年度：2021" in text and f"协商形式：{Session.Form.SYMPOSIUM.label}" in text
    assert "已开展：是" in text
