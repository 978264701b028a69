"""The annual work report (issue 16, part 3): its figures equal the lists they link to,
its charts their tables, the .docx opens with python-docx, and only staff and leaders
read it."""

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


def shown_count(label: str, url: str, context) -> int | None:
    """The number the linked page shows for the figure: a total the page prints (the
    venue groups, the units' sums, the standing members yet to report), else how many
    rows it lists (its paginator's count, else its rows); None for a page that is no
    list."""
    path = url.split("?")[0].split("#")[0]
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


def test_report_figures_equal_the_lists_they_link_to(seeded_county, client):
    client.force_login(User.objects.get(username="leader"))
    response = client.get(REPORT_2021)
    assert response.status_code == 200
    html = response.content.decode()
    checked, mismatched = [], []
    for chapter in response.context["chapters"]:
        for part in chapter.parts:
            for figure in part.figures:
                if not figure.url or not isinstance(figure.value, int):
                    continue
                assert f'href="{figure.url}"'.replace("&", "&amp;") in html
                page = client.get(figure.url)
                assert page.status_code == 200, figure.url
                count = shown_count(str(figure.label), figure.url, page.context)
                if count is None:
                    continue
                checked.append(str(figure.label))
                if count != figure.value:
                    mismatched.append((str(figure.label), figure.value, figure.url, count))
            for chart in part.charts:
                assert_chart_matches_table(html, chart.key)
    assert mismatched == []
    assert len(checked) >= 8, checked


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
