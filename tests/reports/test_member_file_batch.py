"""The batch of members' files for the 换届 review: staff and leaders choose a sector, a
venue or the whole roster and get the print page (loaded in chunks under a progress bar)
and one .docx; the batch holds exactly the chosen members, in a fixed number of queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from apps.core.models import SecurityEvent
from apps.reports.file_views import CHUNK_SIZE, DOWNLOAD_COOKIE
from tests.members.factories import MemberFactory, SectorFactory
from tests.reports.member_file_data import build_term, role_users
from tests.venues.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

BATCH = reverse("files:batch")
CHUNK = reverse("files:batch_chunk")
BATCH_DOCX = reverse("files:batch_docx")


@pytest.fixture
def term(member_user, office_head_user):
    return build_term(member_user=member_user, office_head=office_head_user)


def docx_text(response) -> str:
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_user", 200),
        ("leader_user", 200),
        ("superuser", 200),
        ("office_head_user", 403),
        ("member_user", 403),
    ],
)
def test_who_may_take_a_batch(client_for, term, who, status):
    client = client_for(who)
    query = f"?sector={term.sector.pk}"
    assert client.get(BATCH).status_code == status
    assert client.get(BATCH + query).status_code == status
    assert client.get(CHUNK + query).status_code == status
    assert client.get(BATCH_DOCX + query).status_code == status


@pytest.mark.parametrize("role", ["department", "auditor", "sysadmin"])
def test_departments_and_administrators_take_no_batch(client, term, role):
    client.force_login(role_users()[role])
    assert client.get(BATCH + "?all=1").status_code == 403
    assert client.get(BATCH_DOCX + "?all=1").status_code == 403


def test_the_anonymous_are_sent_to_sign_in(client, term):
    for url in (BATCH, CHUNK + "?all=1", BATCH_DOCX + "?all=1"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_bad_choices_answer_404(client_for, term):
    client = client_for("staff_user")
    for query in (
        "?sector=abc",
        "?sector=999999",
        "?sector=²",
        "?venue=x",
        "?venue=999999",
        "?venue=²",
        "?all=1&term=x",
        "?all=1&term=²",
    ):
        assert client.get(BATCH + query).status_code == 404, query
        assert client.get(BATCH_DOCX + query).status_code == 404, query
    assert client.get(CHUNK).status_code == 404  # no choice
    assert client.get(CHUNK + "?all=1&page=abc").status_code == 200  # the first chunk


def names_in_chunks(client, query: str) -> list[str]:
    names, page = [], 1
    while True:
        response = client.get(f"{CHUNK}{query}&page={page}")
        assert response.status_code == 200
        names += [f.member.name for f in response.context["files"]]
        if not response.context["page"].has_next():
            return names
        page += 1


def test_a_sector_batch_holds_only_that_sectors_members(client_for, term):
    colleague = MemberFactory(name="吴海燕", sector=term.sector)
    MemberFactory(name="郑晓明", sector=SectorFactory(name="教育界"))
    client = client_for("staff_user")
    query = f"?sector={term.sector.pk}"
    page = client.get(BATCH + query)
    assert page.context["total"] == 2
    assert sorted(names_in_chunks(client, query)) == sorted([term.me.name, colleague.name])
    text = docx_text(client.get(BATCH_DOCX + query))
    assert "周文华 第11届履职档案" in text
    assert "吴海燕 第11届履职档案" in text
    assert "郑晓明" not in text and "钱立新" not in text


def test_a_venue_batch_holds_the_members_stationed_there(client_for, term):
    client = client_for("staff_user")
    query = f"?venue={term.venue.pk}"
    assert names_in_chunks(client, query) == [term.me.name]
    text = docx_text(client.get(BATCH_DOCX + query))
    assert term.me.name in text and term.other.name not in text


def test_the_roster_loads_in_chunks_under_a_progress_bar(client_for, term):
    for n in range(CHUNK_SIZE + 3):
        AssignmentFactory(venue=term.venue, member=MemberFactory(name=f"委员{n:02d}"))
    total = CHUNK_SIZE + 3 + 3  # and the term's three members
    client = client_for("staff_user")
    page = client.get(BATCH + "?all=1").content.decode()
    assert f"已载入 0/{total}" in page
    assert f'hx-get="{CHUNK}?term=11&amp;all=1&amp;page=1"' in page
    first = client.get(CHUNK + "?term=11&all=1&page=1").content.decode()
    assert first.count('class="member-file"') == CHUNK_SIZE
    assert f"已载入 {CHUNK_SIZE}/{total}" in first
    assert 'hx-swap-oob="true"' in first
    assert "page=2" in first
    last = client.get(CHUNK + "?term=11&all=1&page=2").content.decode()
    assert last.count('class="member-file"') == total - CHUNK_SIZE
    assert f"已载入 {total}/{total}" in last
    assert "page=3" not in last
    assert "可以打印" in last


def test_the_batch_docx_is_logged_stamped_and_answers_the_pages_token(client_for, term):
    client = client_for("staff_user")
    response = client.get(BATCH_DOCX + "?all=1&token=abc123")
    assert response.cookies[DOWNLOAD_COOKIE].value == "abc123"
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert document.core_properties.keywords == "personal-data"
    event = SecurityEvent.objects.filter(kind="export").latest("pk")
    assert event.detail["rows"] == 3
    assert "全体委员" in event.target
    # A token that is not a plain word sets no cookie.
    assert DOWNLOAD_COOKIE not in client.get(BATCH_DOCX + "?all=1&token=<x>").cookies


def test_the_batch_docx_queries_do_not_grow_with_the_members(client_for, term):
    client = client_for("staff_user")
    client.get(BATCH_DOCX + f"?sector={term.sector.pk}")  # warm the caches
    with CaptureQueriesContext(connection) as few:
        client.get(BATCH_DOCX + f"?sector={term.sector.pk}")
    for n in range(12):
        member = MemberFactory(name=f"同界别委员{n:02d}", sector=term.sector)
        AssignmentFactory(venue=term.venue, member=member)
    with CaptureQueriesContext(connection) as many:
        response = client.get(BATCH_DOCX + f"?sector={term.sector.pk}")
    assert "同界别委员11" in docx_text(response)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_chunks_queries_do_not_grow_with_the_members(client_for, term):
    client = client_for("staff_user")
    client.get(CHUNK + "?all=1")
    with CaptureQueriesContext(connection) as few:
        client.get(CHUNK + "?all=1")
    for n in range(15):
        AssignmentFactory(venue=term.venue, member=MemberFactory(name=f"新委员{n:02d}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(CHUNK + "?all=1")
    assert len(response.context["files"]) == 18
    assert len(many.captured_queries) == len(few.captured_queries)
