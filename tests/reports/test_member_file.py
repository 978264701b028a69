"""The member's file (履职档案, issue 17): who reads it, what it holds (the ledger's figures
and the records it links to), its query budget, and its .docx."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from apps.core.models import SecurityEvent
from apps.members.models import ContactRecord
from apps.performance.ledger import Code
from apps.performance.models import Attendance, Evaluation, PointEntry
from apps.reports.member_file import SECTIONS, member_files
from tests.reports.member_file_data import YEARS, build_term, role_users

pytestmark = pytest.mark.django_db

# One member's page: the sections (about 20 queries for staff; a member's and an office
# head's links add one query per kind of record), the navigation and the to-dos.
FILE_QUERY_BUDGET = 60


@pytest.fixture
def term(member_user, office_head_user, other_office_head_user):
    return build_term(
        member_user=member_user,
        office_head=office_head_user,
        other_office_head=other_office_head_user,
    )


@pytest.fixture
def users(term):
    return role_users()


def file_url(member, **query):
    url = reverse("files:member", args=[member.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def docx_url(member):
    return reverse("files:docx", args=[member.pk])


def section(member_file, key):
    return next(s for s in member_file.sections if s.key == key)


def fact(file_section, label):
    return next(f.value for f in file_section.facts if str(f.label) == label)


# --------------------------------------------------------------------------- who reads it


@pytest.mark.parametrize(
    ("who", "mine", "others"),
    [
        ("staff_user", 200, 200),
        ("leader_user", 200, 200),
        ("superuser", 200, 200),
        ("member_user", 200, 404),  # their own file only
        ("office_head_user", 200, 404),  # the members stationed at their venue
        ("other_office_head_user", 404, 200),
    ],
)
def test_who_reads_which_file(client_for, term, who, mine, others):
    client = client_for(who)
    assert client.get(file_url(term.me)).status_code == mine
    assert client.get(docx_url(term.me)).status_code == mine
    assert client.get(file_url(term.other)).status_code == others


@pytest.mark.parametrize("role", ["department", "auditor", "sysadmin"])
def test_departments_and_administrators_are_refused(client, term, users, role):
    client.force_login(users[role])
    assert client.get(file_url(term.me)).status_code == 403
    assert client.get(docx_url(term.me)).status_code == 403


def test_another_member_gets_404_and_the_anonymous_sign_in(client, term, users):
    client.force_login(users["other_member"])
    assert client.get(file_url(term.me)).status_code == 404
    client.logout()
    response = client.get(file_url(term.me))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(docx_url(term.me)).status_code == 302


def test_bad_terms_answer_404(client_for, term):
    client = client_for("staff_user")
    # "²" is a digit to str.isdigit() but not to int(): a 404, not a 500.
    for bad in ("abc", "0", "99", "-1", "11x", "²", "1²"):
        assert client.get(file_url(term.me, term=bad)).status_code == 404
        assert client.get(docx_url(term.me) + f"?term={bad}").status_code == 404
    assert client.get(file_url(term.me, term=11)).status_code == 200


def test_my_file_opens_the_members_own(client_for, term, staff_user):
    response = client_for("member_user").get(reverse("files:mine"))
    assert response.status_code == 302
    assert response["Location"] == file_url(term.me)
    # Staff have no member of their own: the page says so.
    response = client_for("staff_user").get(reverse("files:mine"))
    assert response.status_code == 200
    assert "尚未关联" in response.content.decode()


def test_the_member_page_and_the_navigation_link_the_file(client_for, term):
    page = client_for("staff_user").get(reverse("members:detail", args=[term.me.pk]))
    assert file_url(term.me).encode() in page.content
    home = client_for("member_user").get(reverse("home"))
    assert reverse("files:mine").encode() in home.content
    assert "我的履职档案" in home.content.decode()


# --------------------------------------------------------------------------- personal data


def test_personal_data_only_unmasked_for_the_member_themself(client_for, term):
    masked = "139****5678"
    for who in ("staff_user", "leader_user", "office_head_user"):
        body = client_for(who).get(file_url(term.me)).content.decode()
        assert term.phone not in body, who
        assert "1970-05-06" not in body, who
        assert masked in body, who
    own = client_for("member_user").get(file_url(term.me)).content.decode()
    assert term.phone in own


# --------------------------------------------------------------------------- the figures


def ledger_count(member, *codes):
    return PointEntry.objects.filter(
        member=member, year__in=YEARS, rule__code__in=codes, source_type__isnull=False
    ).count()


def test_figures_equal_the_ledger(term, staff_user):
    (member_file,) = member_files([term.me], user=staff_user, term=11)
    me = term.me
    # Every kind of record appears as often as the ledger counts it.
    assert len(section(member_file, "sessions").lines) == ledger_count(me, Code.SESSION) == 10
    assert len(section(member_file, "research").lines) == ledger_count(me, Code.RESEARCH_TEAM) == 5
    assert (
        len(section(member_file, "suggestions").lines)
        == ledger_count(me, Code.SUGGESTION_PROPOSED)
        == 10
    )
    assert fact(section(member_file, "suggestions"), "采纳或部分采纳") == ledger_count(
        me, Code.SUGGESTION_ADOPTED
    )
    assert len(section(member_file, "pairing").lines) == ledger_count(me, Code.CONTACT) == 10
    assert len(section(member_file, "duty_reports").lines) == ledger_count(me, Code.DUTY_REPORT)
    proposals = section(member_file, "proposals")
    assert fact(proposals, "提出（领衔）提案") == ledger_count(me, Code.PROPOSAL_INDIVIDUAL) == 5
    assert fact(proposals, "附议提案") == ledger_count(me, Code.PROPOSAL_COSIGNED) == 5
    assert fact(proposals, "立案") == ledger_count(me, Code.PROPOSAL_REGISTERED) == 5
    opinions = section(member_file, "opinions")
    assert len(opinions.lines) == ledger_count(me, Code.OPINION_SUBMITTED) == 10
    assert fact(opinions, "县政协采用") == ledger_count(me, Code.OPINION_ADOPTED) == 5
    assert fact(opinions, "被上级采用或批示") == ledger_count(me, Code.OPINION_ADOPTED_HIGHER) == 5
    meetings = section(member_file, "meetings")
    assert len(meetings.lines) == Attendance.objects.filter(member=me).count() == 30
    attended = ledger_count(
        me, Code.PLENARY_ATTEND, Code.STANDING_ATTEND, Code.OTHER_MEETING_ATTEND
    )
    assert fact(meetings, "出席（含迟到早退）") == attended == 15
    assert fact(meetings, "其中迟到早退") == ledger_count(me, Code.LATE) == 5
    assert fact(meetings, "请假") == ledger_count(me, Code.LEAVE_APPROVED) == 5
    assert fact(meetings, "缺席（含未获批准的请假）") == ledger_count(me, Code.ABSENCE) == 10
    assert fact(meetings, "列席次数") == 5
    # Nothing of the other member's records.
    assert "他人" not in str([line.cells for s in member_file.sections for line in s.lines])


def test_points_equal_each_years_ledger_page(client_for, term, staff_user):
    (member_file,) = member_files([term.me], user=staff_user, term=11)
    points = section(member_file, "points")
    assert [line.cells[0] for line in points.lines] == [str(y) for y in YEARS]
    client = client_for("staff_user")
    term_total = 0
    for line in points.lines:
        year = int(line.cells[0])
        evaluation = Evaluation.objects.get(member=term.me, year=year)
        ledger = client.get(line.url).context
        assert line.url == reverse("performance:ledger", args=[year, term.me.pk])
        assert line.cells[1] == str(evaluation.total) == str(ledger["evaluation"].total)
        assert str(sum(e.points for e in ledger["entries"])) == line.cells[1]
        assert line.cells[4] == str(len(ledger["entries"]))
        assert line.cells[2] == evaluation.grade.label
        term_total += evaluation.total
    assert fact(points, "本届累计积分") == str(term_total) == member_file.points_total


def test_every_line_links_to_its_record_and_the_record_lists_it(client_for, term, staff_user):
    (member_file,) = member_files([term.me], user=staff_user, term=11)
    client = client_for("staff_user")
    body = client.get(file_url(term.me)).content.decode()
    lines = [line for s in member_file.sections for line in s.lines if s.key != "points"]
    # 1 stationing, 10 contacts, 30 meetings, 10 + 5 + 10 + 10 + 10 (社情民意) + 5
    assert len(lines) == 91
    for line in lines:
        assert line.url, line
        assert f'href="{line.url}"' in body
    # Each linked page opens and shows the line's record.
    for url in sorted({line.url.split("#")[0] for line in lines}):
        assert client.get(url).status_code == 200, url
    meeting_line = section(member_file, "meetings").lines[0]
    meeting_page = client.get(meeting_line.url.split("#")[0]).content.decode()
    assert meeting_line.url.split("#")[1] in meeting_page
    contact = section(member_file, "pairing").lines[0]
    pairing_page = client.get(contact.url).content.decode()
    assert contact.cells[3] in pairing_page


def test_the_members_own_links_open_for_them(client_for, term, member_user):
    (member_file,) = member_files([term.me], user=member_user, term=11)
    client = client_for("member_user")
    urls = {line.url.split("#")[0] for s in member_file.sections for line in s.lines if line.url}
    urls |= {f.url for s in member_file.sections for f in s.facts if f.url}
    assert urls
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url


def test_what_a_pair_said_only_reaches_who_may_read_the_pairing(client_for, term):
    # The contact records' content is the pair's (staff, leaders, the pair read it); an
    # office head reading their member's file sees the date, the partner and the way,
    # as on the member's ledger, not what was said.
    content = ContactRecord.objects.filter(pairing__partner=term.me).first().content
    for who, shown in (
        ("staff_user", True),
        ("leader_user", True),
        ("member_user", True),
        ("office_head_user", False),
    ):
        client = client_for(who)
        page = client.get(file_url(term.me)).content.decode()
        assert (content in page) is shown, who
        document = Document(io.BytesIO(b"".join(client.get(docx_url(term.me)).streaming_content)))
        cells = {cell.text for table in document.tables for cell in table._cells}
        assert (content in cells) is shown, who
    assert "—" in cells


def test_an_office_heads_links_are_only_to_pages_that_open(client_for, term, office_head_user):
    (member_file,) = member_files([term.me], user=office_head_user, term=11)
    client = client_for("office_head_user")
    linked = [line.url for s in member_file.sections for line in s.lines if line.url]
    unlinked = [line for s in member_file.sections for line in s.lines if not line.url]
    assert linked and unlinked  # meetings and proposals are not theirs to open
    for url in sorted({u.split("#")[0] for u in linked}):
        assert client.get(url).status_code == 200, url


def test_sections_are_a_tuple_of_functions_a_later_source_joins(term, staff_user):
    assert all(callable(fn) for fn in SECTIONS)
    (member_file,) = member_files([term.me], user=staff_user, term=11)
    assert [s.key for s in member_file.sections] == [
        "identity",
        "stationing",
        "pairing",
        "meetings",
        "sessions",
        "research",
        "suggestions",
        "proposals",
        "opinions",
        "duty_reports",
        "points",
    ]


def test_an_earlier_term_without_records_is_an_empty_file(client_for, term):
    response = client_for("staff_user").get(file_url(term.me, term=10))
    assert response.status_code == 200
    member_file = response.context["file"]
    assert member_file.years == [2016, 2017, 2018, 2019, 2020]
    assert not [line for s in member_file.sections if s.key != "points" for line in s.lines]
    points = section(member_file, "points")
    assert all(line.cells[1] == "—" and line.url is None for line in points.lines)


# --------------------------------------------------------------------------- queries


@pytest.mark.parametrize("who", ["staff_user", "member_user", "office_head_user"])
def test_query_count_does_not_grow_with_the_records(
    client_for, term, who, django_assert_max_num_queries
):
    client = client_for(who)
    client.get(file_url(term.me))  # warm the caches (content types, the session)
    with django_assert_max_num_queries(FILE_QUERY_BUDGET) as full:
        assert client.get(file_url(term.me)).status_code == 200
    if who == "staff_user":
        # The other member has a record or none of a kind: no more queries (a kind with
        # no record skips its prefetch).
        with django_assert_max_num_queries(len(full.captured_queries)):
            client.get(file_url(term.other))


def test_query_count_is_the_same_at_three_times_the_records(
    client, member_user, office_head_user, other_office_head_user, staff_user
):
    small = build_term(member_user=member_user, office_head=office_head_user)
    client.force_login(staff_user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(file_url(small.other))
    with CaptureQueriesContext(connection) as one:
        client.get(file_url(small.me))
    # Triple the member's records of every year (meetings, sessions, proposals …).
    from tests.reports import member_file_data

    pairing = small.me.pairings.get()
    for year in YEARS:
        for n in (1, 2):
            member_file_data._year_of_records(small, year, n, pairing)
    with CaptureQueriesContext(connection) as three:
        response = client.get(file_url(small.me))
    assert len(section(response.context["file"], "sessions").lines) == 30
    assert len(three.captured_queries) == len(one.captured_queries)


# --------------------------------------------------------------------------- the .docx


def docx_text(response) -> str:
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts), document


def test_docx_opens_and_carries_the_name_totals_and_lines(client_for, term, staff_user):
    response = client_for("staff_user").get(docx_url(term.me))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text, document = docx_text(response)
    (member_file,) = member_files([term.me], user=staff_user, term=11)
    assert "周文华 第11届履职档案" in text
    assert f"本届累计积分：{member_file.points_total}" in text
    for year in YEARS:
        total = Evaluation.objects.get(member=term.me, year=year).total
        assert str(total) in text
    for line in section(member_file, "sessions").lines:
        assert line.cells[0] in text
    # Personal data: the exporter may see it (staff), the file says who exported it.
    assert term.phone in text
    assert document.core_properties.keywords == "personal-data"
    assert "t_staff" in document.core_properties.author
    event = SecurityEvent.objects.filter(kind="export").latest("pk")
    assert "周文华" in event.target
    assert event.detail["kind"] == "docx"


def test_docx_of_an_office_head_masks_the_personal_data(client_for, term):
    text, _document = docx_text(client_for("office_head_user").get(docx_url(term.me)))
    assert term.phone not in text
    assert "139****5678" in text
    assert "1970-**-**" in text


# --------------------------------------------------------------------------- fixed shape


def test_a_file_line_count_per_section_matches_the_page(client_for, term):
    response = client_for("staff_user").get(file_url(term.me))
    body = response.content.decode()
    member_file = response.context["file"]
    for file_section in member_file.sections:
        block = re.search(
            rf'data-section="{file_section.key}">(.*?)</section>', body, flags=re.DOTALL
        ).group(1)
        assert block.count("<tr data-line") == len(file_section.lines), file_section.key


def test_the_docx_writer_escapes_text_and_drops_control_characters():
    from apps.reports.documents import FastWriter, new_document

    document = new_document()
    write = FastWriter(document)
    write.paragraph("A & B <c>\x0b end", "Heading 1")
    write.table(("日期", "内容"), [("2021-01-01", "x < y & \x07z")])
    write.flush()
    buffer = io.BytesIO()
    document.save(buffer)
    reopened = Document(io.BytesIO(buffer.getvalue()))
    assert reopened.paragraphs[-1].text == "A & B <c> end"
    assert reopened.paragraphs[-1].style.name == "Heading 1"
    table = reopened.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["日期", "内容"]
    assert table.rows[0].cells[0].paragraphs[0].runs[0].bold
    assert table.rows[1].cells[1].text == "x < y & z"
    assert table.style.name == "Table Grid"
