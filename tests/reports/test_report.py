"""The annual work report (issue 16, part 3): its figures equal the lists they link to,
its charts their tables, the .docx opens with python-docx, and only staff and leaders
read it."""

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from apps.accounts.models import User
from apps.reports import chapters
from tests.reports.test_overview_year import assert_chart_matches_table

pytestmark = pytest.mark.django_db

REPORT_2021 = reverse("reports:year", args=[2021])


def shown_count(label: str, url: str, context) -> int | str | None:
    """The number the linked page shows for the figure: a total the page prints (the
    venue groups, the units' sums, the standing members yet to report, the pairing
    coverage and the pairs without contact, the 列席 rotation), else how many rows it
    lists (its paginator's count, else its rows); None for a page that is no list."""
    path = url.split("?")[0].split("#")[0]
    if path == reverse("members:coverage"):
        coverage = context["coverage"]
        if "#stale" in url:
            return len(coverage.stale)
        return f"{coverage.covered}/{coverage.non_cpc}"
    if path == reverse("performance:batch_list"):
        # The term's rotation: its "attended/candidates", and the year's absent invitees
        # as the sum of the year's batches' "missed" column.
        if "本届" in label:
            return f"{context['attended_any']}/{context['candidates']}"
        return sum(b.n_missed for b in context["batches"] if b.meeting.date.year == 2021)
    if path == reverse("venues:list"):
        offices, homes = (venues for _title, venues in context["groups"])
        return {
            "委员之家": len(homes),
            "乡镇政协委员联络室": len(offices),
            "驻乡镇委员": sum(v.stationed_count for v in context["venues"]),
        }.get(label, context.get("idle_count"))
    if path == reverse("accounts:unit_list"):
        units = context["units"]
        if "#unit-" in url:
            unit_id = int(url.split("#unit-")[1])
            return next(u.authorized_posts for u in units if u.pk == unit_id)
        return {
            "编制数": context["total_posts"],
            "在岗人数": context["total_in_post"],
        }.get(label, sum(bool(u.understaffed) for u in units))
    if "尚未述职" in label:
        return len(context["missing"])
    paginator = context.get("paginator")
    if paginator is not None:
        return paginator.count
    for key in ("object_list",):
        if key in context:
            return len(context[key])
    return None


# The three lists added last (issue 16): each must be among the figures compared.
YEAR_LISTS = ("members:contact_list", "consultation:report_list", "consultation:instruction_list")


def test_report_figures_equal_the_lists_they_link_to(seeded_county, client):
    """Every figure of the report links to a list (a figure without a link fails), and
    the list shows the figure's number."""
    client.force_login(User.objects.get(username="leader"))
    response = client.get(REPORT_2021)
    assert response.status_code == 200
    html = response.content.decode()
    checked, mismatched, unlinked = [], [], []
    for chapter in response.context["chapters"]:
        for part in chapter.parts:
            for figure in part.figures:
                if not figure.url:
                    unlinked.append(str(figure.label))
                    continue
                assert f'href="{figure.url}"'.replace("&", "&amp;") in html
                page = client.get(figure.url)
                assert page.status_code == 200, figure.url
                count = shown_count(str(figure.label), figure.url, page.context)
                if count is None:
                    continue
                checked.append(figure.url)
                if count != figure.value:
                    mismatched.append((str(figure.label), figure.value, figure.url, count))
            for chart in part.charts:
                assert_chart_matches_table(html, chart.key)
    assert unlinked == []
    assert mismatched == []
    assert len(checked) >= 8, checked
    for name in YEAR_LISTS:
        assert f"{reverse(name)}?year=2021" in checked, name


def test_overview_figures_equal_the_lists_they_link_to(seeded_county, client):
    """The overview of 2021 (the same figure functions): every figure linked, the new
    year lists among them, each list showing the figure's number."""
    client.force_login(User.objects.get(username="leader"))
    response = client.get(reverse("home"), {"year": 2021})
    figures = response.context["figures"]
    assert [str(f.label) for f in figures if not f.url] == []
    mismatched, checked = [], []
    for figure in figures:
        page = client.get(figure.url)
        assert page.status_code == 200, figure.url
        count = shown_count(str(figure.label), figure.url, page.context)
        if count is not None:
            checked.append(figure.url)
            if count != figure.value:
                mismatched.append((str(figure.label), figure.value, figure.url, count))
    assert mismatched == []
    for name in YEAR_LISTS:
        assert f"{reverse(name)}?year=2021" in checked, name


def test_the_report_page_reads_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for("leader_user")
    with django_assert_max_num_queries(47):  # 43 on the seeded county (社情民意: two)
        response = client.get(REPORT_2021)
    assert response.status_code == 200
    titles = [str(c.title) for c in response.context["chapters"]]
    assert titles == ["阵地建设", "委员队伍", "履职工作", "制度落实", "机关建设"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff_user", 200),
        ("leader_user", 200),
        ("superuser", 200),
        ("office_head_user", 403),
        ("member_user", 403),
        (None, 302),
    ],
)
def test_only_staff_and_leaders_read_the_report(client_for, role, status):
    client = client_for(role)
    assert client.get(REPORT_2021).status_code == status
    assert client.get(reverse("reports:docx", args=[2021])).status_code == status
    assert client.get(reverse("reports:latest")).status_code == (302 if status != 403 else 403)
    nav = client.get(reverse("home")).content.decode() if role else ""
    assert (reverse("reports:latest") in nav) == (status == 200)


def test_a_year_outside_the_records_is_not_found(client_for):
    client = client_for("staff_user")
    assert client.get(reverse("reports:year", args=[2019])).status_code == 404
    assert client.get(reverse("reports:year", args=[2999])).status_code == 404


def test_the_docx_opens_with_headings_figures_and_chinese_fonts(client_for):
    from tests.consultation.factories import PublishedSessionFactory, TopicFactory

    PublishedSessionFactory(topic=TopicFactory(title="停车难"))
    client = client_for("leader_user")
    response = client.get(reverse("reports:docx", args=[2021]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "filename*=utf-8''" in response["Content-Disposition"]
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. 阵地建设" in headings and "5. 机关建设" in headings
    assert "协商活动" in headings
    texts = [p.text for p in document.paragraphs]
    assert "2021年急难愁盼专题协商：1（急难愁盼）" in texts
    assert any(t.endswith("停车难") for t in texts)  # the consultation named
    # Each chart is a table whose first row is its headers.
    assert any(t.rows[0].cells[0].text == "月份" for t in document.tables)
    # Fonts named for Latin and Chinese text alike (Word and WPS open it as is).
    for style, chinese in (("Normal", "宋体"), ("Heading 1", "黑体"), ("Title", "黑体")):
        fonts = document.styles[style].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == chinese
        assert fonts.get(qn("w:ascii")) in ("SimSun", "SimHei")


def test_a_later_part_joins_the_report_in_one_place(leader_user, monkeypatch):
    """Proposals (or 社情民意) add one part function to their chapter: nothing else."""
    from apps.core.registry import Figure

    def proposals(user, *, year, today):
        return chapters.Part("提案工作", figures=[Figure("提案", 3)])

    work = next(c for c in chapters.CHAPTERS if c.key == "work")
    extended = tuple(
        chapters.Chapter(c.key, c.title, (*c.parts, proposals)) if c is work else c
        for c in chapters.CHAPTERS
    )
    monkeypatch.setattr(chapters, "CHAPTERS", extended)
    report = chapters.report(leader_user, year=2021)
    work_parts = next(c for c in report if c.key == "work").parts
    assert str(work_parts[-1].title) == "提案工作"


def test_the_places_chapter_names_the_top_and_bottom_offices(client_for, leader_user):
    """The office evaluation's part: how many offices were scored, the best and the
    lowest, the top and bottom three linked to their breakdowns (member homes apart)."""
    from apps.performance.office_scores import office_scores_derive
    from tests.consultation.factories import PublishedSessionFactory
    from tests.performance.test_office_scores import office_rules
    from tests.venues.factories import MemberHomeFactory, VenueFactory

    office_rules(2021)
    offices = [VenueFactory() for _i in range(8)]
    for count, office in enumerate(offices):  # office n: n sessions in n months
        for month in range(1, count + 1):
            started = datetime.datetime(2021, month, 10, 9, tzinfo=datetime.UTC)
            PublishedSessionFactory(venue=office, started_at=started)
    MemberHomeFactory()
    office_scores_derive(year=2021)

    report = chapters.report(leader_user, year=2021)
    places = next(c for c in report if c.key == "places")
    part = next(p for p in places.parts if str(p.title) == "联络室考评")
    count, best, worst = part.figures
    assert count.value == 8 and count.url == reverse("performance:office_list", args=[2021])
    assert best.value.startswith(offices[-1].name)
    assert best.url == reverse("performance:office_detail", args=[2021, offices[-1].pk])
    assert worst.value.startswith(offices[0].name)
    assert [url for _label, url in part.items] == [
        reverse("performance:office_detail", args=[2021, o.pk])
        for o in (*reversed(offices[-3:]), *reversed(offices[:3]))
    ]
    assert [c.key for c in part.charts] == ["scores-office"]
    assert part.charts[0].data()["labels"][0] == offices[-1].name
    html = client_for("leader_user").get(REPORT_2021).content.decode()
    assert best.url in html and worst.url in html
    assert_chart_matches_table(html, "scores-office")
    # a year without office scores has no such part
    later = chapters.report(leader_user, year=2022)
    assert all(str(p.title) != "联络室考评" for c in later for p in c.parts)


def test_the_work_chapter_counts_public_opinion_as_its_lists_do(seeded_county, client):
    """The 社情民意 part: each figure equals the list it links to (the committee's list
    filtered by year, source, state, level, instruction; the year's issues)."""
    client.force_login(User.objects.get(username="leader"))
    response = client.get(REPORT_2021)
    work = next(c for c in response.context["chapters"] if c.key == "work")
    part = next(p for p in work.parts if str(p.title) == "社情民意")
    assert len(part.figures) == 6
    for figure in part.figures:
        page = client.get(figure.url)
        assert page.status_code == 200, figure.url
        assert page.context["paginator"].count == figure.value, (str(figure.label), figure.url)
    assert part.figures[0].value >= 75 and part.figures[-1].value == 12
