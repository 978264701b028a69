"""What an office head may do with another office's sessions (issue 10, item 8).

Product decision: office heads log and edit the sessions of their own venues, and read —
only read — the PUBLISHED sessions of every other venue, photos included, so that the
offices learn from each other. Another office's draft or submitted session stays out of
sight (404). README's role and page tables say the same; the last test keeps them so."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from apps.consultation.models import Session
from tests.consultation.factories import (
    PublishedSessionFactory,
    SessionFactory,
    SessionPhotoFactory,
    SubmittedSessionFactory,
)
from tests.consultation.test_permissions import post_data

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def urls(session):
    photo = SessionPhotoFactory(session=session)
    return [session.get_absolute_url(), photo.get_absolute_url(), photo.get_thumbnail_url()]


def test_office1_reads_another_venues_published_session_and_its_photos(
    client_for, venue, other_venue
):
    published = PublishedSessionFactory(venue=other_venue, place="颍桥镇会议室")
    office1 = client_for("office_head_user")
    for url in urls(published):
        assert office1.get(url).status_code == 200, url
    listed = office1.get(reverse("consultation:list")).context["object_list"]
    assert published in list(listed)


@pytest.mark.parametrize("factory", [SessionFactory, SubmittedSessionFactory])
def test_another_venues_unpublished_session_is_not_found(client_for, venue, other_venue, factory):
    session = factory(venue=other_venue)
    office1 = client_for("office_head_user")
    for url in urls(session):
        assert office1.get(url).status_code == 404, url
    assert session not in list(office1.get(reverse("consultation:list")).context["object_list"])


def test_another_venues_published_session_is_read_only(client_for, venue, other_venue):
    published = PublishedSessionFactory(venue=other_venue, place="原地点")
    office1 = client_for("office_head_user")
    edit = reverse("consultation:update", args=[published.pk])
    assert office1.get(edit).status_code in {403, 404}
    assert office1.post(edit, post_data(published)).status_code in {403, 404}
    for action in ["submit", "publish", "return"]:
        response = office1.post(reverse(f"consultation:{action}", args=[published.pk]))
        assert response.status_code in {403, 404}, action
    published.refresh_from_db()
    assert (published.place, published.state) == ("原地点", Session.State.PUBLISHED)
    page = office1.get(published.get_absolute_url()).content.decode()
    assert edit not in page  # no edit link offered


def test_readme_states_the_office_heads_scope():
    text = README.read_text(encoding="utf-8")
    role_row = next(line for line in text.splitlines() if line.startswith("| `office1`"))
    assert "只读：其他联络室/委员之家已发布的协商活动（含照片）" in role_row
    sessions_row = next(line for line in text.splitlines() if "`/sessions/`" in line)
    assert re.search(
        r"office heads log and edit their venues' sessions and read, without changing "
        r"them, the published sessions of every other venue \(photos included",
        sessions_row,
    )
