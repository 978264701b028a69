"""Roster import: upload → preview (new / update / unchanged / error, reasons in
Chinese) → confirm; one bad row saves nothing; re-import updates in place."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apps.members import roster_io
from apps.members.models import Member
from apps.members.views import IMPORT_SESSION_KEY
from tests.members.factories import SectorFactory
from tests.members.roster_files import GOOD_ROWS, HEADERS, csv_bytes, xlsx_bytes
from tests.xlsx import body

pytestmark = pytest.mark.django_db

IMPORT = reverse("members:import")
PREVIEW = reverse("members:import_preview")


@pytest.fixture(autouse=True)
def sectors(db):
    return {name: SectorFactory(name=name) for name in ["经济界", "民盟", "中共"]}


@pytest.fixture
def staff(client_for):
    return client_for("staff_user")


def upload(client, content: bytes, name="roster.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def preview(client):
    return client.get(PREVIEW)


def confirm(client):
    token = client.session[IMPORT_SESSION_KEY]["token"]
    return client.post(PREVIEW, {"token": token}, follow=True)


def statuses(response):
    """(line, status) of the preview's rows, in the file's order (the page lists errors
    first)."""
    return sorted((r.line, r.status) for r in response.context["results"])


def test_a_good_file_is_previewed_then_saved(staff):
    response = upload(staff, xlsx_bytes(GOOD_ROWS))
    assert response.status_code == 302 and response["Location"] == PREVIEW
    assert not Member.objects.exists()  # nothing before the confirmation
    page = preview(staff)
    assert statuses(page) == [(2, "new"), (3, "new"), (4, "new")]
    assert "确认导入" in page.content.decode()
    done = confirm(staff)
    assert "导入完成：新增 3 名" in done.content.decode()
    zeng = Member.objects.get(member_no="11-502")
    assert (zeng.name, zeng.gender, zeng.ethnicity, zeng.affiliation, zeng.is_standing) == (
        "曾丽",
        "F",
        "回族",
        Member.Affiliation.DEMOCRATIC_PARTY,
        True,
    )
    assert zeng.birth_date == datetime.date(1982, 3, 9)
    assert zeng.name_initials == "zl"
    shan = Member.objects.get(member_no="11-503")
    assert (shan.affiliation, shan.birth_date, shan.name_pinyin) == (
        Member.Affiliation.CPC,
        datetime.date(1975, 12, 30),
        "shan jian guo",
    )
    assert IMPORT_SESSION_KEY not in staff.session


def test_a_file_with_one_bad_row_saves_nothing(staff):
    rows = [list(r) for r in GOOD_ROWS]
    rows[1][11] = "1380000"  # a bad mobile number
    rows[2][6] = "火星界"  # an unknown sector
    upload(staff, xlsx_bytes(rows))
    page = preview(staff)
    assert statuses(page) == [(2, "new"), (3, "error"), (4, "error")]
    html = page.content.decode()
    assert "手机号码：请输入以 1 开头的 11 位手机号码" in html
    assert "界别：没有名为“火星界”的界别" in html
    assert "确认导入" not in html
    # Even a forged confirmation saves nothing.
    response = confirm(staff)
    assert "未保存任何数据" in response.content.decode()
    assert not Member.objects.exists()


def test_the_service_refuses_a_file_with_an_error_row_as_a_whole():
    rows = [list(r) for r in GOOD_ROWS]
    rows[2][3] = "未知"
    raw = roster_io.read_roster("r.xlsx", xlsx_bytes(rows))
    with pytest.raises(roster_io.ImportHasErrors):
        roster_io.roster_import(raw)
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("gbk", "gbk.csv"), ("utf-8", "utf8.csv"), ("utf-8-sig", "bom.csv")],
)
def test_csv_in_gbk_or_utf8_with_or_without_bom(staff, encoding, name):
    upload(staff, csv_bytes(GOOD_ROWS, encoding=encoding), name=name)
    assert statuses(preview(staff)) == [(2, "new"), (3, "new"), (4, "new")]
    confirm(staff)
    assert sorted(Member.objects.values_list("name", flat=True)) == ["单建国", "张三", "曾丽"]


def test_reimporting_the_same_file_changes_nothing(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    confirm(staff)
    history = Member.history.count()
    upload(staff, xlsx_bytes(GOOD_ROWS))
    page = preview(staff)
    assert statuses(page) == [(2, "unchanged"), (3, "unchanged"), (4, "unchanged")]
    assert "名册已与该文件一致" in page.content.decode()
    assert Member.objects.count() == 3
    assert Member.history.count() == history


def test_an_edited_file_updates_in_place(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    confirm(staff)
    ids = dict(Member.objects.values_list("member_no", "pk"))
    rows = [list(r) for r in GOOD_ROWS]
    rows[0][10] = "董事长"
    rows[0][11] = "13900000009"
    upload(staff, xlsx_bytes(rows))
    page = preview(staff)
    assert statuses(page) == [(2, "update"), (3, "unchanged"), (4, "unchanged")]
    assert "变更：职务、手机号码" in page.content.decode()
    confirm(staff)
    zhang = Member.objects.get(member_no="11-501")
    assert (zhang.pk, zhang.title, zhang.phone) == (ids["11-501"], "董事长", "13900000009")
    assert Member.objects.count() == 3


def test_a_number_twice_in_a_file_is_an_error(staff):
    rows = [GOOD_ROWS[0], [*GOOD_ROWS[1][:1], "11-501", *GOOD_ROWS[1][2:]]]
    upload(staff, xlsx_bytes(rows))
    page = preview(staff)
    assert statuses(page) == [(2, "new"), (3, "error")]
    assert "委员编号 11-501 重复（首次出现在第 2 行）" in page.content.decode()


def test_confirm_validates_again(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    preview(staff)
    # Meanwhile someone enters 张三 by hand under another number, with the same phone.
    Member.objects.create(
        term=11,
        member_no="11-900",
        name="张三",
        gender="M",
        sector=Member._meta.get_field("sector").related_model.objects.get(name="经济界"),
        affiliation="non_party",
        phone="13800000001",
    )
    response = confirm(staff)
    assert "未保存任何数据" in response.content.decode()
    assert Member.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"hello", "roster.txt", "请上传 .xlsx 或 .csv 文件"),
        (b"PK\x03\x04broken", "roster.xlsx", "无法读取该 .xlsx 文件"),
        (b"\xff\xfe\x00\x01\x80\x81", "roster.csv", "既不是 UTF-8 编码也不是 GBK 编码"),
        (
            csv_bytes([], headers=["姓名", "性别"]),
            "roster.csv",
            "表头缺少以下列：委员编号、界别、政治面貌",
        ),
        (csv_bytes([]), "roster.csv", "文件只有表头，没有委员数据"),
        (b"", "roster.csv", "所提交的是空文件"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(staff, content, name, message):
    response = upload(staff, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert IMPORT_SESSION_KEY not in staff.session


def test_preview_without_an_upload_goes_back_to_the_upload(staff):
    assert preview(staff)["Location"] == IMPORT


def test_a_stale_confirmation_is_refused(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    response = staff.post(PREVIEW, {"token": "forged"}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert not Member.objects.exists()


def test_the_template_has_the_expected_headers(staff):
    response = staff.get(reverse("members:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(__import__("io").BytesIO(body(response))).worksheets[0]
    headers = [c.value.rstrip("*") for c in next(sheet.iter_rows(max_row=1))]
    assert headers[: len(HEADERS)] == HEADERS
    assert "委员编号*" in [c.value for c in sheet[1]]


def test_the_untouched_template_imports_nothing_and_says_why(staff):
    """The template's example row is marked 示例 in the number column and never imported."""
    content = body(staff.get(reverse("members:import_template")))
    sheet = load_workbook(__import__("io").BytesIO(content)).worksheets[0]
    assert sheet["B2"].value == "示例"
    response = upload(staff, content)
    assert response.status_code == 200
    assert "只有模板中的示例行" in response.content.decode()
    assert IMPORT_SESSION_KEY not in staff.session
    assert not Member.objects.exists()


def test_the_template_with_members_below_the_example_imports_only_the_members(staff):
    content = body(staff.get(reverse("members:import_template")))
    workbook = load_workbook(__import__("io").BytesIO(content))
    workbook.worksheets[0].append(GOOD_ROWS[0])
    buffer = __import__("io").BytesIO()
    workbook.save(buffer)
    response = upload(staff, buffer.getvalue())
    assert response.status_code == 302
    page = preview(staff)
    assert statuses(page) == [(3, "new")]
    assert "第 2 行是模板中的示例，不导入" in page.content.decode()
    confirm(staff)
    assert list(Member.objects.values_list("name", flat=True)) == ["张三"]


def test_the_template_example_row_is_valid_once_given_a_number():
    """The example shows valid values: with a real number it would import."""
    content = roster_io.template_xlsx()
    workbook = load_workbook(__import__("io").BytesIO(content))
    workbook.worksheets[0]["B2"] = "11-999"
    buffer = __import__("io").BytesIO()
    workbook.save(buffer)
    rows = roster_io.read_roster("t.xlsx", buffer.getvalue())
    assert [r.status for r in roster_io.validate_roster(rows)] == ["new"]


def test_a_damaged_csv_is_refused_not_a_server_error(staff):
    oversized_field = ('委员编号,姓名\n"' + "x" * 200_000 + '"\n').encode()
    response = upload(staff, oversized_field, name="roster.csv")
    assert response.status_code == 200
    assert "CSV 文件已损坏" in response.content.decode()


def test_validating_a_file_runs_three_queries_whatever_its_length(django_assert_num_queries):
    rows = [
        ["11", f"11-{600 + i}", f"测试{i}", "男", "汉族", "1970-05-01", "经济界", "无党派人士",
         "否", "某公司", "职员", f"1380000{i:04d}"]
        for i in range(60)
    ]  # fmt: skip
    raw = roster_io.read_roster("r.xlsx", xlsx_bytes(rows))
    with django_assert_num_queries(3):  # sectors, members by key, members by name
        results = roster_io.validate_roster(raw)
    assert {r.status for r in results} == {"new"}
    roster_io.roster_import(raw)
    with django_assert_num_queries(3):
        results = roster_io.validate_roster(raw)
    assert {r.status for r in results} == {"unchanged"}


def test_a_person_already_in_the_roster_under_another_number_is_an_error(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    confirm(staff)
    rows = [[*GOOD_ROWS[0][:1], "11-999", *GOOD_ROWS[0][2:]]]
    upload(staff, xlsx_bytes(rows))
    page = preview(staff)
    assert statuses(page) == [(2, "error")]
    assert "张三 已在第 11 届名册中（编号 11-501）" in page.content.decode()


def test_reimporting_a_file_with_unnormalized_cells_changes_nothing(staff):
    """The change check compares the cleaned values: "138 0000 0702" is stored as
    13800000702 and "张 三" as 张三, so the same file again is no update."""
    rows = [[*GOOD_ROWS[0][:2], "张 三", *GOOD_ROWS[0][3:11], "138 0000 0702"]]
    upload(staff, csv_bytes(rows), name="roster.csv")
    confirm(staff)
    zhang = Member.objects.get()
    assert (zhang.name, zhang.phone) == ("张三", "13800000702")
    history = Member.history.count()
    upload(staff, csv_bytes(rows), name="roster.csv")
    page = preview(staff)
    assert statuses(page) == [(2, "unchanged")]
    assert "名册已与该文件一致" in page.content.decode()
    assert Member.history.count() == history


def test_a_real_change_next_to_unnormalized_cells_lists_only_that_change(staff):
    rows = [[*GOOD_ROWS[0][:11], "138 0000 0702"]]
    upload(staff, csv_bytes(rows), name="roster.csv")
    confirm(staff)
    rows[0][10] = "董事长"
    upload(staff, csv_bytes(rows), name="roster.csv")
    page = preview(staff)
    assert statuses(page) == [(2, "update")]
    assert [r.changes for r in page.context["results"]] == [["职务"]]


REQUIRED_HEADERS = ["委员编号", "姓名", "性别", "界别", "政治面貌"]


def test_a_file_with_fewer_columns_changes_only_the_columns_it_has(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    confirm(staff)
    before = Member.objects.get(member_no="11-502")
    # 曾丽 in a file with the required columns and the job title only.
    rows = [["11-502", "曾丽", "女", "民盟", "民盟盟员", "副校长"]]
    upload(staff, xlsx_bytes(rows, headers=[*REQUIRED_HEADERS, "职务"]))
    page = preview(staff)
    assert statuses(page) == [(2, "update")]
    assert [r.changes for r in page.context["results"]] == [["职务"]]
    confirm(staff)
    after = Member.objects.get(member_no="11-502")
    assert after.title == "副校长"
    kept = ["phone", "birth_date", "is_standing", "ethnicity", "work_unit", "term"]
    assert [getattr(after, f) for f in kept] == [getattr(before, f) for f in kept]
    assert (after.phone, after.is_standing, after.ethnicity) == ("13800000002", True, "回族")


def test_a_file_with_only_the_required_columns_of_unchanged_members_changes_nothing(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    confirm(staff)
    history = Member.history.count()
    rows = [[r[1], r[2], r[3], r[6], r[7]] for r in GOOD_ROWS]
    upload(staff, xlsx_bytes(rows, headers=REQUIRED_HEADERS))
    assert statuses(preview(staff)) == [(2, "unchanged"), (3, "unchanged"), (4, "unchanged")]
    assert Member.history.count() == history


def test_a_column_present_but_empty_clears_the_value(staff):
    upload(staff, xlsx_bytes(GOOD_ROWS))
    confirm(staff)
    rows = [["11-501", "张三", "男", "经济界", "无党派人士", ""]]
    upload(staff, xlsx_bytes(rows, headers=[*REQUIRED_HEADERS, "手机号码"]))
    page = preview(staff)
    assert [r.changes for r in page.context["results"]] == [["手机号码"]]
    confirm(staff)
    zhang = Member.objects.get(member_no="11-501")
    assert (zhang.phone, zhang.title) == ("", "总经理")


def test_a_new_member_in_a_file_with_fewer_columns_gets_the_defaults(staff):
    rows = [["11-777", "李四", "男", "经济界", "无党派人士"]]
    upload(staff, xlsx_bytes(rows, headers=REQUIRED_HEADERS))
    assert statuses(preview(staff)) == [(2, "new")]
    confirm(staff)
    li = Member.objects.get(member_no="11-777")
    assert (li.term, li.ethnicity, li.phone, li.is_standing) == (11, "汉族", "", False)


def test_the_template_notes_say_how_missing_and_empty_columns_are_read(staff):
    content = body(staff.get(reverse("members:import_template")))
    notes = load_workbook(__import__("io").BytesIO(content))["填写说明"]
    text = "".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "文件中没有的列" in text and "保留" in text
    assert "列存在但单元格为空" in text and "清空" in text


@pytest.mark.parametrize(
    ("column", "value", "same"),
    [
        (5, "1971-01-01", "手机号码"),  # another date of birth, the same phone
        (11, "139 0000 0009", "出生日期"),  # another phone, the same date of birth
    ],
)
def test_the_same_person_twice_in_a_file_is_an_error(staff, column, value, same):
    again = [*GOOD_ROWS[0][:1], "11-601", *GOOD_ROWS[0][2:]]
    again[column] = value
    upload(staff, xlsx_bytes([GOOD_ROWS[0], GOOD_ROWS[1], again]))
    page = preview(staff)
    assert statuses(page) == [(2, "new"), (3, "new"), (4, "error")]
    assert f"张三 与第 2 行是同一人（姓名、{same}相同）" in page.content.decode()
    assert "确认导入" not in page.content.decode()
    confirm(staff)
    assert not Member.objects.exists()


def test_a_spaced_phone_number_is_the_same_person(staff):
    again = [*GOOD_ROWS[0][:1], "11-601", "张 三", *GOOD_ROWS[0][3:5], "1971-01-01",
             *GOOD_ROWS[0][6:11], "138 0000 0001"]  # fmt: skip
    upload(staff, xlsx_bytes([GOOD_ROWS[0], again]))
    assert statuses(preview(staff)) == [(2, "new"), (3, "error")]


def test_two_people_of_the_same_name_in_a_file_are_both_imported(staff):
    namesake = [*GOOD_ROWS[0][:1], "11-601", *GOOD_ROWS[0][2:]]
    namesake[5], namesake[11] = "1988-08-08", "13900000088"
    upload(staff, xlsx_bytes([GOOD_ROWS[0], namesake]))
    assert statuses(preview(staff)) == [(2, "new"), (3, "new")]
    confirm(staff)
    assert Member.objects.filter(name="张三").count() == 2
