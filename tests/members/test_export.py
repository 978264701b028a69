"""Export of the filtered list to .xlsx, read back with openpyxl."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.members.models import Member
from apps.members.views import IMPORT_SESSION_KEY
from tests.members.factories import CpcMemberFactory, MemberFactory, SectorFactory
from tests.xlsx import body, table_sheet

pytestmark = pytest.mark.django_db


def read(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    return table_sheet(response)


def test_export_matches_the_filtered_list_across_pages(client_for, settings):
    settings.PAGINATE_BY = 2
    sector = SectorFactory(name="中共")
    for name in ["张三", "李四", "王五", "曾六"]:
        CpcMemberFactory(name=name, sector=sector)
    MemberFactory(name="党外甲")
    client = client_for("staff_user")
    query = {"affiliation": "cpc"}
    listed = []
    for page in (1, 2):
        listed += [
            m.name
            for m in client.get(reverse("members:list"), {**query, "page": page}).context["members"]
        ]
    sheet = read(client.get(reverse("members:export"), query))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("届次", "委员编号", "姓名", "性别")
    assert [r[2] for r in rows[1:]] == listed == ["李四", "王五", "曾六", "张三"]
    assert all(r[7] == "中共党员" for r in rows[1:])


def test_formulas_are_written_as_text_never_run(client_for):
    dangerous = {
        "work_unit": '=HYPERLINK("http://evil.example","点我")',
        "title": "+1+2",
        "note": "",
        "address": "@SUM(A1:A2)",
        "email": "",
    }
    member = MemberFactory(name="测试", **dangerous)
    member.name = "-2+3"  # a name can start with a minus too
    member.save()
    # County staff may export personal data (the address column) unmasked.
    sheet = read(client_for("staff_user").get(reverse("members:export")))
    header = [c.value for c in sheet[1]]
    row = sheet[2]
    cells = {header[i]: row[i] for i in range(len(header))}
    for column, text in [
        ("工作单位", dangerous["work_unit"]),
        ("职务", "+1+2"),
        ("通讯地址", "@SUM(A1:A2)"),
        ("姓名", "-2+3"),
    ]:
        cell = cells[column]
        assert cell.value == text
        assert cell.data_type == "s", column  # a string cell, never a formula ("f")
        assert cell.quotePrefix, column  # the spreadsheet's own "show as text" mark
    assert cells["手机号码"].data_type == "s"  # numbers as text: no 1.38E+10


def test_an_exported_file_imports_again_unchanged(client_for):
    sector = SectorFactory(name="经济界")
    MemberFactory(name="张三", sector=sector, member_no="11-001")
    MemberFactory(name="曾丽", sector=sector, member_no="11-002", is_standing=True)
    client = client_for("staff_user")
    content = body(client.get(reverse("members:export")))
    client.post(reverse("members:import"), {"file": SimpleUploadedFile("x.xlsx", content)})
    page = client.get(reverse("members:import_preview"))
    assert [r.status for r in page.context["results"]] == ["unchanged", "unchanged"]
    assert IMPORT_SESSION_KEY in client.session
    assert Member.objects.count() == 2
