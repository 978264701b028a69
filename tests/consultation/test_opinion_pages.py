"""社情民意 pages: query counts that do not grow with the rows, the filters, the .xlsx
export read back, the issue's .docx, the statistics, a liaison office's venue page, the
ledger lines and the numbering of issues under two staff compiling at once."""

from __future__ import annotations

import datetime
import io
import threading

import pytest
from django.db import connection
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from apps.consultation import opinion_services as services
from apps.consultation.models import OpinionAdoption, OpinionInstruction, OpinionIssue, OpinionItem
from apps.performance.ledger import Code, collect_opinions, link_for
from apps.performance.models import PointEntry
from apps.performance.services import ledger_derive
from tests.consultation.factories import (
    AdoptedOpinionFactory,
    DepartmentFactory,
    OfficeOpinionFactory,
    OpinionIssueFactory,
    SubmittedOpinionFactory,
    jpeg_upload,
)
from tests.members.factories import MemberFactory
from tests.performance.factories import standard_rules
from tests.xlsx import table_sheet

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 6, 1)


def _many(venue, other_venue, staff, n=12):
    """Items of every kind: members' and offices', adopted, compiled, instructed,
    referred, adopted higher up."""
    department = DepartmentFactory()
    items = []
    for i in range(n):
        if i % 2:
            item = OfficeOpinionFactory(venue=venue if i % 4 == 1 else other_venue)
        else:
            item = SubmittedOpinionFactory()
        items.append(item)
    adopted = [AdoptedOpinionFactory() for _ in range(n)]
    issue = services.issue_compile(user=staff, items=adopted[: n // 2], compiled_on=DAY)
    for item in adopted[: n // 2]:
        OpinionInstruction.objects.create(
            item=item, leader_name="李振华", instructed_on=DAY, text="请研究。"
        )
        OpinionAdoption.objects.create(item=item, level="city", on=DAY, body="市政协")
        services.opinion_refer(
            item=item, user=staff, department=department, referred_on=DAY, due_on=DAY
        )
    return items, adopted, issue


def test_the_list_and_detail_pages_read_a_fixed_number_of_queries(
    client, staff_user, venue, other_venue, django_assert_max_num_queries
):
    _items, adopted, issue = _many(venue, other_venue, staff_user)
    client.force_login(staff_user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("consultation:opinion_list"))
    assert response.status_code == 200 and response.context["paginator"].count == 24
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse("consultation:opinion_list") + "?year=2021&level=city&instructed=true"
        )
    assert response.context["paginator"].count == 6
    with django_assert_max_num_queries(24):
        assert client.get(adopted[0].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("consultation:opinion_issue_list")).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(issue.get_absolute_url())
    assert response.status_code == 200 and len(response.context["items"]) == 6
    with django_assert_max_num_queries(12):
        response = client.get(reverse("consultation:opinion_statistics") + "?year=2021")
    assert response.status_code == 200
    assert sum(r["total"] for r in response.context["by_member"]) == 18
    assert sum(r["total"] for r in response.context["by_office"]) == 6


def test_my_items_and_the_venue_page_read_a_fixed_number_of_queries(
    client, office_head_user, member_user, venue, other_venue, django_assert_max_num_queries
):
    member = MemberFactory(user=member_user)
    for _ in range(8):
        SubmittedOpinionFactory(member=member)
        OfficeOpinionFactory(venue=venue)
        OfficeOpinionFactory(venue=other_venue)
    client.force_login(member_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("consultation:my_opinions"))
    assert len(response.context["items"]) == 8
    client.force_login(office_head_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("consultation:my_opinions"))
    assert {i.venue_id for i in response.context["items"]} == {venue.pk}
    with django_assert_max_num_queries(30):
        response = client.get(reverse("venues:detail", args=[venue.pk]))
    html = response.content.decode()
    assert 'id="venue-opinions"' in html and 'id="report-opinion"' in html
    assert len(response.context["opinions"]) == 8


def test_the_export_reads_back_with_the_filter(client, staff_user, venue, other_venue):
    _many(venue, other_venue, staff_user, n=4)
    client.force_login(staff_user)
    response = client.get(reverse("consultation:opinion_export") + "?level=city")
    assert response.status_code == 200
    sheet = table_sheet(response)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("标题", "类别", "乡镇")
    assert len(rows) - 1 == 2
    assert all("市" in row[8] for row in rows[1:])
    assert isinstance(rows[1][4], datetime.datetime)  # a date cell


def test_the_issue_docx_opens_with_its_title_and_items(client, staff_user, leader_user):
    first = AdoptedOpinionFactory(title="关于村道破损的建议", edited_title="村道破损的情况反映")
    second = AdoptedOpinionFactory(title="关于饮水安全的建议")
    issue = services.issue_compile(user=staff_user, items=[first, second], compiled_on=DAY)
    client.force_login(leader_user)
    response = client.get(reverse("consultation:opinion_issue_docx", args=[issue.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert "襄城政协·社情民意" in texts and "2021 年第 1 期" in texts
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["村道破损的情况反映", "关于饮水安全的建议"]  # as sent up, in order
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    client.force_login(staff_user)
    client.logout()
    assert (
        client.get(reverse("consultation:opinion_issue_docx", args=[issue.pk])).status_code == 302
    )


def test_a_pasted_control_character_does_not_break_the_issue_docx(client, staff_user):
    """A control character or U+FFFF pasted into a text (XML refuses them) is dropped
    from the .docx instead of answering 500."""
    item = AdoptedOpinionFactory(
        title="关于\x0b村道\uffff破损的建议", edited_text="第一段\x01。\n第二段\x1f。"
    )
    issue = services.issue_compile(user=staff_user, items=[item], compiled_on=DAY)
    client.force_login(staff_user)
    response = client.get(reverse("consultation:opinion_issue_docx", args=[issue.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert "关于村道破损的建议" in texts and "第一段。" in texts and "第二段。" in texts


def test_members_and_office_heads_do_not_read_issues(client_for, staff_user):
    issue = OpinionIssueFactory()
    for role, status in (("member_user", 404), ("office_head_user", 404), ("leader_user", 200)):
        client = client_for(role)
        assert client.get(issue.get_absolute_url()).status_code == status, role
        assert (
            client.get(reverse("consultation:opinion_issue_docx", args=[issue.pk])).status_code
            == status
        )


def test_ledger_lines_for_a_members_items_each_linked_to_the_item(staff_user, venue):
    standard_rules(2021)
    member = MemberFactory()
    plain = SubmittedOpinionFactory(member=member)
    adopted = AdoptedOpinionFactory(member=member)
    issue = services.issue_compile(user=staff_user, items=[adopted], compiled_on=DAY)
    OpinionInstruction.objects.create(
        issue=issue, leader_name="陈卫东", instructed_on=DAY, text="阅。"
    )
    OpinionAdoption.objects.create(item=adopted, level="city", on=DAY, body="市政协")
    OpinionAdoption.objects.create(item=adopted, level="province", on=DAY, body="省政协")
    OfficeOpinionFactory(venue=venue)  # an office's: no member points
    facts = sorted((f.rule_code, f.source_id) for f in collect_opinions(year=2021, members=None))
    assert facts == sorted(
        [
            (Code.OPINION_SUBMITTED, plain.pk),
            (Code.OPINION_SUBMITTED, adopted.pk),
            (Code.OPINION_ADOPTED, adopted.pk),
            (Code.OPINION_ADOPTED_HIGHER, adopted.pk),
            (Code.OPINION_INSTRUCTED, adopted.pk),
        ]
    )
    ledger_derive(year=2021)
    entries = PointEntry.objects.filter(member=member, year=2021)
    assert entries.count() == 5
    for entry in entries:
        assert link_for(entry) == reverse("consultation:opinion_detail", args=[entry.source_id])
    higher = entries.get(rule__code=Code.OPINION_ADOPTED_HIGHER)
    assert "省" in higher.description  # the highest level


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database serializes writers"
)
@pytest.mark.django_db(transaction=True)
def test_two_staff_compiling_at_once_number_one_to_n(staff_user):
    items = [AdoptedOpinionFactory() for _ in range(6)]
    barrier = threading.Barrier(len(items))
    errors: list = []

    def run(item):
        try:
            barrier.wait()
            services.issue_compile(user=staff_user, items=[item], compiled_on=DAY)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(OpinionIssue.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert OpinionItem.objects.filter(issue__isnull=True).count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database serializes writers"
)
@pytest.mark.django_db(transaction=True)
def test_two_staff_compiling_the_same_item_put_it_in_one_issue(staff_user):
    item = AdoptedOpinionFactory()
    barrier = threading.Barrier(2)
    outcomes: list = []

    def run():
        try:
            barrier.wait()
            services.issue_compile(user=staff_user, items=[item], compiled_on=DAY)
            outcomes.append("compiled")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ValidationError", "compiled"]
    assert OpinionIssue.objects.count() == 1


def test_a_phone_sized_form_keeps_photos_checked_by_content(client, member_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    MemberFactory(user=member_user)
    client.force_login(member_user)
    fake = SimpleUploadedFile("photo.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(
        reverse("consultation:opinion_create"),
        {"title": "t", "situation": "s", "suggestion": "x", "photos": [fake, jpeg_upload()]},
    )
    assert response.status_code == 200 and "photos" in response.context["form"].errors
    assert not OpinionItem.objects.exists()
