"""The research pages: the ledger's filters and export, departments, year statistics,
the project timeline, report files, the home figures, the member's sections, and the
query budgets on 2,000 suggestions."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse

from apps.consultation.models import Referral, Report, Session, Suggestion
from tests.consultation.factories import (
    ClosedReferralFactory,
    DepartmentFactory,
    InstructionFactory,
    PublishedSessionFactory,
    ReferralFactory,
    RepliedReferralFactory,
    ReportFactory,
    ReportSuggestionFactory,
    ResearchProjectFactory,
    ReturnedSessionFactory,
    SessionFactory,
    SuggestionFactory,
    TopicFactory,
)
from tests.members.factories import MemberFactory
from tests.xlsx import table_sheet

pytestmark = pytest.mark.django_db

LEDGER = reverse("consultation:suggestion_list")
HOME = reverse("home")
# Noon in Xiangcheng, 2022-03-01: referrals due before that and unanswered are overdue.
NOW = datetime.datetime(2022, 3, 1, 4, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ledger(frozen):
    """Two reports of two projects, a session's suggestion, suggestions in every state."""
    education, parking = DepartmentFactory(name="县教体局"), DepartmentFactory(name="县交警大队")
    report = ReportFactory(project__title="教育调研")
    other_report = ReportFactory(
        project__title="交通调研",
        project__topic__year=2020,
        submitted_on=datetime.date(2020, 11, 2),
    )
    s = {
        "raised": ReportSuggestionFactory(report=report, text="新建学校", category="livelihood"),
        "referred": ReportSuggestionFactory(
            report=report, text="补充教师", outcome="adopted", outcome_on=datetime.date(2021, 7, 1)
        ),
        "overdue": ReportSuggestionFactory(
            report=report, text="改造校舍", outcome="partly", outcome_on=datetime.date(2021, 7, 1)
        ),
        "replied": ReportSuggestionFactory(report=report, text="心理健康", category="governance"),
        "closed": ReportSuggestionFactory(
            report=other_report,
            text="增设停车位",
            category="urban_rural",
            outcome="reference",
            outcome_on=datetime.date(2020, 12, 1),
        ),
        "session": SuggestionFactory(session=PublishedSessionFactory(), text="会上提出的建议"),
    }
    ReferralFactory(
        suggestion=s["referred"],
        department=education,
        referred_on=datetime.date(2022, 2, 1),
        due_on=datetime.date(2022, 4, 1),
    )
    ReferralFactory(
        suggestion=s["overdue"],
        department=education,
        co_departments=[parking],
        due_on=datetime.date(2021, 8, 31),
    )
    RepliedReferralFactory(suggestion=s["replied"], department=education)
    ClosedReferralFactory(
        suggestion=s["closed"],
        department=parking,
        referred_on=datetime.date(2020, 12, 1),
        due_on=datetime.date(2021, 1, 30),
        replied_on=datetime.date(2020, 12, 21),
        closed_on=datetime.date(2021, 1, 5),
    )
    s["education"], s["parking"] = education, parking
    s["report"], s["other_report"] = report, other_report
    return s


def listed(client, **params):
    response = client.get(LEDGER, params)
    assert response.status_code == 200
    return {x.pk for x in response.context["suggestions"]}


def ids(s, *names):
    return {s[n].pk for n in names}


def test_ledger_filters(client_for, ledger):
    s = ledger
    client = client_for("staff_user")
    everything = ids(s, "raised", "referred", "overdue", "replied", "closed", "session")
    assert listed(client) == everything
    assert listed(client, year=2020) == ids(s, "closed")
    assert listed(client, progress="raised") == ids(s, "raised", "session")
    assert listed(client, progress="referred") == ids(s, "referred", "overdue")
    assert listed(client, progress="in_progress") == ids(s, "replied")
    assert listed(client, progress="closed") == ids(s, "closed")
    assert listed(client, outcome="adopted") == ids(s, "referred")
    assert listed(client, outcome="adopted_any") == ids(s, "referred", "overdue")
    assert listed(client, outcome="undecided") == ids(s, "raised", "replied", "session")
    assert listed(client, department=s["education"].pk) == ids(s, "referred", "overdue", "replied")
    # A co-handling department finds the suggestion too.
    assert listed(client, department=s["parking"].pk) == ids(s, "overdue", "closed")
    assert listed(client, overdue="on") == ids(s, "overdue")
    assert listed(client, category="urban_rural") == ids(s, "closed")
    assert listed(client, source="session") == ids(s, "session")
    assert listed(client, project=s["report"].project_id, progress="referred") == ids(
        s, "referred", "overdue"
    )
    assert listed(client, q="校舍") == ids(s, "overdue")
    assert listed(client, referred="true") == ids(s, "referred", "overdue", "replied", "closed")
    assert listed(client, referred="false") == ids(s, "raised", "session")
    assert listed(client, replied="true") == ids(s, "replied", "closed")
    assert listed(client, replied="false", year=2021) == ids(
        s, "raised", "referred", "overdue", "session"
    )


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"progress": "nope"},
        {"department": "x"},
        {"department": "999999"},
        {"overdue": "maybe"},
        {"referred": "maybe"},
        {"replied": "2021"},
        {"page": "999"},
        {"q": "x" * 500},
    ],
)
def test_bad_ledger_filters_never_500(client_for, ledger, params):
    assert client_for("staff_user").get(LEDGER, params).status_code in (200, 404)


def test_the_ledger_shows_progress_departments_and_overdue(client_for, ledger):
    html = client_for("leader_user").get(LEDGER).content.decode()
    assert "已办结" in html and "办理中" in html and "已批转" in html
    assert "2021-08-31 起逾期" in html
    assert "县教体局+县交警大队" in html


def test_export_follows_the_filters(client_for, ledger):
    s = ledger
    s["overdue"].members.set([MemberFactory(name="导出委员")])
    Suggestion.objects.filter(pk=s["raised"].pk).update(text='=HYPERLINK("http://x")')
    client = client_for("leader_user")
    response = client.get(reverse("consultation:suggestion_export"), {"year": 2021})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = list(table_sheet(response).iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("建议编号", "提出日期", "来源", "专题调研", "意见建议")
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == ids(s, "raised", "referred", "overdue", "replied", "session")
    overdue = by_id[s["overdue"].pk]
    assert overdue["提出委员"] == "导出委员"
    assert overdue["采纳情况"] == "部分采纳" and overdue["办理进度"] == "已批转"
    assert overdue["主办单位"] == "县教体局" and overdue["协办单位"] == "县交警大队"
    # a date cell (one referral), read back as a datetime by openpyxl
    assert overdue["答复期限"].date() == datetime.date(2021, 8, 31) and overdue["逾期"] == "是"
    assert overdue["专题调研"] == "教育调研"
    replied = by_id[s["replied"].pk]
    # the class written out (答复类别), never the code "A"
    assert replied["办理进度"] == "办理中"
    assert replied["落实情况"] == str(Referral.Implementation.SOLVED.label)
    assert replied["逾期"] == "否"
    assert by_id[s["raised"].pk]["意见建议"] == '=HYPERLINK("http://x")'  # kept as typed
    sheet = table_sheet(response)
    text_column = header.index("意见建议") + 1
    formula_cell = next(
        sheet.cell(row=r, column=text_column)
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=1).value == s["raised"].pk
    )
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix  # text, never a formula
    assert by_id[s["session"].pk]["专题调研"] is None
    only_overdue = client.get(reverse("consultation:suggestion_export"), {"overdue": "on"})
    rows = list(table_sheet(only_overdue).iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [s["overdue"].pk]
    junk = client.get(reverse("consultation:suggestion_export"), {"year": "junk"})
    assert len(list(table_sheet(junk).iter_rows())) == 1


def test_department_figures(client_for, ledger):
    s = ledger
    client = client_for("staff_user")
    response = client.get(reverse("consultation:department_list"))
    rows = {d.name: d for d in response.context["departments"]}
    education = rows["县教体局"]
    assert (education.referral_count, education.replied_count, education.overdue_count) == (3, 1, 1)
    assert education.avg_reply_duration == datetime.timedelta(days=31)  # 07-01 → 08-01
    assert rows["县交警大队"].co_count == 1
    html = response.content.decode()
    assert "33%" in html and "31.0" in html
    # Of one year's suggestions: the 2020 one only.
    response = client.get(reverse("consultation:department_list"), {"year": 2020})
    rows = {d.name: d for d in response.context["departments"]}
    assert rows["县交警大队"].referral_count == 1 and rows["县教体局"].referral_count == 0
    page = client.get(reverse("consultation:department_detail", args=[s["education"].pk]))
    assert page.context["department"].overdue_count == 1
    assert len(page.context["referrals"]) == 3
    overdue = client.get(
        reverse("consultation:department_detail", args=[s["parking"].pk]), {"state": "overdue"}
    )
    # The co-handled overdue referral is listed on the co-handling department's page.
    assert [r.suggestion_id for r in overdue.context["referrals"]] == [s["overdue"].pk]
    closed = client.get(
        reverse("consultation:department_detail", args=[s["parking"].pk]), {"state": "closed"}
    )
    assert [r.suggestion_id for r in closed.context["referrals"]] == [s["closed"].pk]


def test_year_statistics(client_for, ledger):
    client = client_for("leader_user")
    response = client.get(reverse("consultation:statistics"), {"year": 2021})
    context = response.context
    assert context["projects"] == 1 and context["reports"] == 1
    assert context["totals"] == {
        "total": 5,
        "referred": 3,
        "replied": 1,
        "closed": 0,
        "adopted": 2,
        "overdue": 1,
    }
    categories = {value: c for value, _label, c in context["by_category"]}
    assert categories["governance"]["replied"] == 1
    assert {d.name for d in context["by_department"]} == {"县教体局", "县交警大队"}
    other = client.get(reverse("consultation:statistics"), {"year": 2020}).context
    assert other["totals"]["closed"] == 1 and other["projects"] == 1
    assert client.get(reverse("consultation:statistics"), {"year": "x"}).status_code == 200


def test_home_figures_lead_to_the_overdue_referrals(client_for, ledger):
    # A second overdue referral of the same suggestion: one suggestion, two referrals.
    ReferralFactory(suggestion=ledger["overdue"], due_on=datetime.date(2021, 9, 30))
    client = client_for("staff_user")
    response = client.get(HOME)
    figures = {str(f.label): f for f in response.context["figures"]}
    overdue = figures["有逾期未答复批转的意见建议"]
    assert overdue.value == 1 and overdue.warn
    # One click: the figure's link is the filtered ledger, with as many rows.
    page = client.get(overdue.url)
    assert [x.pk for x in page.context["suggestions"]] == [ledger["overdue"].pk]
    # The work year is 2022 only once it has a project: 2021 until then.
    assert figures["2021年专题调研"].value == 1
    assert figures["2021年调研报告"].value == 1
    assert figures["2021年意见建议"].value == 5
    assert figures["已批转的意见建议"].value == 3


@pytest.fixture
def unheld(ledger):
    """Besides the ledger: a closed 2021 suggestion (replied, not in progress), and a
    draft and a returned session's suggestions, one referred and replied (not raised to
    the committee yet: out of the statistics and the ledger)."""
    closed = ReportSuggestionFactory(report=ledger["report"], text="已办结的建议")
    ClosedReferralFactory(suggestion=closed, due_on=datetime.date(2021, 8, 1))
    draft = SuggestionFactory(
        session=SessionFactory(started_at=datetime.datetime(2021, 5, 1, 1, tzinfo=datetime.UTC)),
        text="草稿里的建议",
    )
    RepliedReferralFactory(suggestion=draft, due_on=datetime.date(2021, 8, 1))
    returned = SuggestionFactory(
        session=ReturnedSessionFactory(
            started_at=datetime.datetime(2021, 5, 2, 1, tzinfo=datetime.UTC)
        ),
        text="退回活动的建议",
    )
    ReferralFactory(suggestion=returned, due_on=datetime.date(2021, 8, 1))
    return {**ledger, "closed_2021": closed, "draft": draft, "returned": returned}


def count_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


def test_each_statistics_figure_links_to_a_list_of_that_many(client_for, unheld):
    client = client_for("staff_user")
    figures = client.get(reverse("consultation:statistics"), {"year": 2021}).context["figures"]
    values = {str(label): value for label, value, _link in figures}
    assert values == {
        "专题调研": 1,
        "调研报告": 1,
        "意见建议": 6,
        "已批转": 4,
        "已答复": 2,
        "已办结": 1,
        "采纳（含部分采纳）": 2,
        "有逾期未答复批转": 1,
    }
    linked = [(str(label), value, link) for label, value, link in figures if link]
    assert len(linked) == 7  # all but the reports: there is no list of reports
    for label, value, link in linked:
        assert count_of(client, link) == value, label


def test_each_home_research_figure_links_to_a_list_of_that_many(client_for, unheld):
    client = client_for("staff_user")
    figures = client.get(HOME).context["figures"]
    ledger, projects = LEDGER, reverse("consultation:project_list")
    research = [f for f in figures if f.url.startswith((ledger, projects))]
    assert len(research) >= 7
    for figure in research:
        assert count_of(client, figure.url) == figure.value, str(figure.label)
    values = {str(f.label): f.value for f in figures}
    assert values["已批转的意见建议"] == 4 and values["已答复的意见建议"] == 2


def test_suggestions_of_unheld_sessions_are_left_out_of_statistics_and_ledger(client_for, unheld):
    s = unheld
    client = client_for("staff_user")
    totals = client.get(reverse("consultation:statistics"), {"year": 2021}).context["totals"]
    assert totals["total"] == 6 and totals["replied"] == 2 and totals["referred"] == 4
    assert not {s["draft"].pk, s["returned"].pk} & listed(client)
    export = client.get(reverse("consultation:suggestion_export"))
    sheet = table_sheet(export)
    texts = {str(c) for row in sheet.iter_rows(values_only=True) for c in row}
    assert "已办结的建议" in texts and "草稿里的建议" not in texts
    # staff still see them on their session
    html = client.get(s["draft"].session.get_absolute_url()).content.decode()
    assert "草稿里的建议" in html
    # once the session is published, its suggestion counts
    Session.objects.filter(pk=s["draft"].session_id).update(
        state=Session.State.PUBLISHED, submitted_at=F("started_at"), published_at=F("started_at")
    )
    totals = client.get(reverse("consultation:statistics"), {"year": 2021}).context["totals"]
    assert totals["total"] == 7 and totals["replied"] == 3
    assert s["draft"].pk in listed(client)


def test_project_timeline(client_for, ledger):
    s = ledger
    report = s["report"]
    project = report.project
    project.visits.add(PublishedSessionFactory(topic=project.topic))
    InstructionFactory(report=report, leader_name="陈卫东", leader_title="县长")
    response = client_for("office_head_user").get(project.get_absolute_url())
    kinds = [e["kind"] for e in response.context["timeline"]]
    assert kinds[0] == "start"
    assert kinds.count("report") == 1 and kinds.count("instruction") == 1
    assert kinds.count("referral") == 3 and kinds.count("reply") == 1
    dates = [e["date"] for e in response.context["timeline"]]
    assert dates == sorted(dates)
    assert kinds.index("report") < kinds.index("instruction") < kinds.index("referral")
    html = response.content.decode()
    assert "县长陈卫东" in html and "第 3 条建议批转县教体局" in html
    progress = {p.value: n for p, n in response.context["progress_counts"]}
    assert progress == {"raised": 1, "referred": 2, "in_progress": 1, "closed": 0}
    assert response.context["overdue_count"] == 1


PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


def test_a_report_is_uploaded_checked_versioned_and_downloaded(client_for, settings):
    project = ResearchProjectFactory()
    client = client_for("staff_user")
    url = reverse("consultation:report_create", args=[project.pk])
    bad = SimpleUploadedFile("改名的.pdf", b"just text", content_type="application/pdf")
    response = client.post(
        url, {"title": "教育调研报告", "submitted_on": "2021-06-01", "body": "", "file": bad}
    )
    assert response.status_code == 200
    assert "“改名的.pdf”不是 PDF 或 Word（.docx）文档。" in response.context["form"].errors["file"]
    assert "教育调研报告" in response.content.decode()  # the typed title is kept
    settings.UPLOAD_DOCUMENT_MAX_MB = 1
    big = SimpleUploadedFile("大.pdf", PDF + b"0" * 1024 * 1024, content_type="application/pdf")
    response = client.post(url, {"title": "x", "submitted_on": "2021-06-01", "file": big})
    assert "超过 1 MB" in response.context["form"].errors["file"][0]
    assert not Report.objects.exists()
    good = SimpleUploadedFile("教育调研报告.pdf", PDF, content_type="application/pdf")
    response = client.post(
        url, {"title": "教育调研报告", "submitted_on": "2021-06-01", "file": good}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and report.attachment_name == "教育调研报告.pdf"
    download = client.get(report.get_attachment_url())
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    response = client.post(
        reverse("consultation:report_update", args=[report.pk]),
        {"title": "教育调研报告", "submitted_on": "2021-06-01", "body": "正文", "note": "补充正文"},
    )
    assert response.status_code == 302
    versions = list(report.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[1].note == "补充正文"
    assert versions[1].attachment.name == versions[0].attachment.name
    version_file = client.get(versions[0].get_attachment_url())
    assert b"".join(version_file.streaming_content) == PDF
    # A member reads the reports of their own projects only: this one is not found.
    assert client_for("member_user").get(report.get_attachment_url()).status_code == 404


def test_a_report_file_is_downloaded_with_the_extension_of_its_format(client_for):
    project = ResearchProjectFactory()
    client = client_for("staff_user")
    misnamed = SimpleUploadedFile("ok.txt", PDF, content_type="text/plain")
    response = client.post(
        reverse("consultation:report_create", args=[project.pk]),
        {"title": "报告", "submitted_on": "2021-06-01", "file": misnamed},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.attachment.name.endswith(".pdf") and report.attachment_name == "ok.txt"
    download = client.get(report.get_attachment_url())
    assert download["Content-Disposition"] == 'attachment; filename="ok.pdf"'
    assert download["Content-Type"] == "application/pdf"
    version = report.versions.get()
    version_download = client.get(version.get_attachment_url())
    assert version_download["Content-Disposition"] == 'attachment; filename="ok.pdf"'
    assert "ok.pdf" in client.get(report.get_absolute_url()).content.decode()


def test_member_page_and_home_show_the_consultation_work(client_for, member_user, ledger):
    member = MemberFactory(user=member_user, name="张委员")
    other = MemberFactory(name="李委员")
    ledger["closed"].members.set([member])
    ledger["overdue"].members.set([member, other])
    ledger["raised"].members.set([other])
    session = PublishedSessionFactory(members=[member])
    ledger["report"].project.team.add(member)
    html = client_for("staff_user").get(member.get_absolute_url()).content.decode()
    assert 'id="member-consultation"' in html
    assert session.get_absolute_url() in html
    assert ledger["report"].project.get_absolute_url() in html
    assert ledger["overdue"].get_absolute_url() in html
    assert ledger["raised"].get_absolute_url() not in html  # the other member's
    home = client_for("member_user").get(HOME)
    home_html = home.content.decode()
    assert 'id="my-suggestions"' in home_html
    assert ledger["closed"].get_absolute_url() in home_html
    assert ledger["raised"].get_absolute_url() not in home_html
    assert "已办结" in home_html and "逾期" in home_html


# --- query budgets ----------------------------------------------------------------------------


def many_suggestions(report, session, count=2000):
    """`count` suggestions on `report` (and a few on `session`), a third of them referred in
    every state, each with two proposers."""
    departments = [DepartmentFactory() for _ in range(6)]
    members = [MemberFactory() for _ in range(10)]
    rows = Suggestion.objects.bulk_create(
        Suggestion(
            report=report if i % 50 else None,
            session=None if i % 50 else session,
            text=f"第{i}条建议",
            raised_on=datetime.date(2021, 6, 1),
            category=Suggestion.Category.values[i % 6],
        )
        for i in range(count)
    )
    through = Suggestion.members.through
    through.objects.bulk_create(
        through(suggestion_id=s.pk, member_id=members[(i + k) % 10].pk)
        for i, s in enumerate(rows)
        for k in range(2)
    )
    referrals = []
    for i, s in enumerate(rows[::3]):
        state = i % 3
        referrals.append(
            Referral(
                suggestion=s,
                department=departments[i % 6],
                referred_on=datetime.date(2021, 7, 1),
                due_on=datetime.date(2021, 8, 1),
                reply_text="答复" if state else "",
                replied_on=datetime.date(2021, 7, 20) if state else None,
                implementation="A" if state else "",
                closed_on=datetime.date(2021, 7, 30) if state == 2 else None,
                satisfaction="satisfied" if state == 2 else "",
            )
        )
    Referral.objects.bulk_create(referrals)
    co = Referral.co_departments.through
    co.objects.bulk_create(
        co(referral_id=r.pk, department_id=departments[(i + 1) % 6].pk)
        for i, r in enumerate(Referral.objects.all()[:200])
    )
    return departments


@pytest.fixture
def big(frozen):
    report = ReportFactory(project__topic=TopicFactory(title="大项目"))
    InstructionFactory(report=report)
    session = PublishedSessionFactory()
    report.project.visits.add(session)
    departments = many_suggestions(report, session)
    return {"report": report, "project": report.project, "departments": departments}


# Budgets: 5 for the session, user, groups and permissions, 3 for saving the session; the
# ledger: the count, the department and project choices, the rows (progress as
# subqueries), proposers, referrals and their co-handling departments.
@pytest.mark.parametrize(
    ("params", "budget"),
    [
        ({}, 15),
        ({"overdue": "on", "year": "2021"}, 15),
        ({"progress": "closed", "category": "economy", "page": "2"}, 15),
        ({"department": "DEPT", "q": "建议"}, 16),  # + the department picked
    ],
)
def test_the_ledger_runs_a_fixed_number_of_queries(
    client_for, big, params, budget, django_assert_max_num_queries
):
    params = {k: (big["departments"][0].pk if v == "DEPT" else v) for k, v in params.items()}
    client = client_for("staff_user")
    with django_assert_max_num_queries(budget):
        response = client.get(LEDGER, params)
    assert response.status_code == 200
    assert len(response.context["suggestions"]) == 25


def test_the_ledger_of_an_office_head_too(client_for, big, django_assert_max_num_queries):
    client = client_for("office_head_user")
    with django_assert_max_num_queries(16):  # + the venues they manage
        response = client.get(LEDGER)
    # Every report's suggestion, and those of the published session.
    assert response.context["paginator"].count == 2000


def test_the_project_page_runs_a_fixed_number_of_queries(
    client_for, big, django_assert_max_num_queries
):
    client = client_for("leader_user")
    # 8 for the session and the user; the page: the project, team, visits, reports,
    # versions, instructions, suggestions, their proposers, referrals, co-handling ones.
    with django_assert_max_num_queries(18):
        response = client.get(big["project"].get_absolute_url())
    assert response.context["suggestion_count"] == 1960
    assert sum(1 for e in response.context["timeline"] if e["kind"] == "referral") > 600


@pytest.mark.parametrize(
    ("name", "budget"),
    [
        ("consultation:report_detail", 15),
        ("consultation:department_list", 9),
        ("consultation:department_detail", 12),
        ("consultation:statistics", 14),
        ("consultation:project_list", 11),
        ("consultation:topic_list", 10),
        ("consultation:topic_detail", 12),
        # 3 prefetches per 500 rows (the workbook is written in chunks), and the "export"
        # security event (apps.core.audit: its INSERT in a savepoint, 3 statements).
        ("consultation:suggestion_export", 24),
    ],
)
def test_other_pages_run_a_fixed_number_of_queries(
    client_for, big, name, budget, django_assert_max_num_queries
):
    args = {
        "consultation:report_detail": [big["report"].pk],
        "consultation:department_detail": [big["departments"][0].pk],
        "consultation:topic_detail": [big["project"].topic_id],
    }.get(name, [])
    client = client_for("staff_user")
    with django_assert_max_num_queries(budget):
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200


# --- forms of staff ---------------------------------------------------------------------------


def test_staff_create_a_topic_and_a_project_with_its_team_and_visits(client_for):
    from apps.consultation.models import ResearchProject, Topic
    from tests.accounts.factories import UnitFactory

    client = client_for("staff_user")
    response = client.post(
        reverse("consultation:topic_create"),
        {
            "title": "数字乡村建设",
            "year": 2021,
            "category": "central",
            "source": "party_government",
            "source_note": "县委点题",
            "status": "confirmed",
        },
    )
    topic = Topic.objects.get(title="数字乡村建设")
    assert response.status_code == 302 and topic.created_by.username == "t_staff"
    unit = UnitFactory(name="农业和农村委员会")
    leader, member = MemberFactory(name="组长"), MemberFactory(name="组员")
    visit = PublishedSessionFactory(topic=topic)
    elsewhere = PublishedSessionFactory(
        started_at=datetime.datetime(2019, 5, 1, tzinfo=datetime.UTC)
    )
    url = reverse("consultation:project_create", args=[topic.pk])
    form = client.get(url).context["form"]
    offered = set(form.fields["visits"].queryset)
    assert visit in offered and elsewhere not in offered
    data = {
        "title": "关于数字乡村建设的调研",
        "lead_unit": unit.pk,
        "team_leader": leader.pk,
        "team": [member.pk],
        "planned_start": "2021-04-01",
        "planned_end": "2021-03-01",
        "status": "planned",
        "visits": [visit.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "计划结束日期不能早于计划开始日期。" in str(response.context["form"].errors)
    response = client.post(url, {**data, "planned_end": "2021-06-30"})
    project = ResearchProject.objects.get()
    assert response.status_code == 302
    assert set(project.team.all()) == {leader, member}
    assert list(project.visits.all()) == [visit]
    assert project.history.latest().history_user.username == "t_staff"


def test_staff_add_suggestions_to_a_report_and_record_an_outcome(client_for, frozen):
    report = ReportFactory(submitted_on=datetime.date(2021, 6, 20))
    proposer = MemberFactory()
    client = client_for("staff_user")
    url = reverse("consultation:suggestion_create", args=[report.pk])
    response = client.post(
        url,
        {
            "text": "建设智慧校园",
            "category": "livelihood",
            "members": [proposer.pk],
            "add_another": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    suggestion = Suggestion.objects.get()
    assert suggestion.report == report and suggestion.raised_on == datetime.date(2021, 6, 20)
    assert list(suggestion.members.all()) == [proposer]
    response = client.post(
        reverse("consultation:suggestion_update", args=[suggestion.pk]),
        {
            "text": "建设智慧校园",
            "category": "livelihood",
            "members": [proposer.pk],
            "outcome": "adopted",
        },
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.outcome == "adopted" and suggestion.outcome_on == datetime.date(2022, 3, 1)
    response = client.post(
        reverse("consultation:suggestion_update", args=[suggestion.pk]),
        {"text": "", "category": "nope", "outcome_on": "2021-07-01"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"text", "category"}


def test_a_sessions_suggestions_link_to_their_follow_up(client_for):
    suggestion = SuggestionFactory(session=PublishedSessionFactory())
    html = client_for("leader_user").get(suggestion.session.get_absolute_url()).content.decode()
    assert f'href="{suggestion.get_absolute_url()}"' in html
