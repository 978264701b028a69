"""The permission matrix: every page and action of a session × staff, leader, office head
of this venue, office head of another venue, member, anonymous (and superuser)."""

import pytest
from django.urls import reverse

from apps.consultation.models import Session, Suggestion
from tests.consultation.factories import (
    PublishedSessionFactory,
    SessionFactory,
    SessionPhotoFactory,
    SubmittedSessionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    None,
    "staff_user",
    "leader_user",
    "superuser",
    "office_head_user",  # manages `venue`
    "other_office_head_user",  # manages `other_venue`
    "member_user",
]


def status(role, table):
    """`table` maps roles to a status; anonymous users are sent to sign in."""
    return 302 if role is None else table.get(role, 403)


@pytest.mark.parametrize("role", ROLES)
def test_list_calendar_export(client_for, venue, role):
    client = client_for(role)
    ok = {r: 200 for r in ROLES if r is not None}
    for name in ["consultation:list", "consultation:calendar"]:
        assert client.get(reverse(name)).status_code == status(role, ok), name
    # Members read their own sessions in the list and calendar, but export nothing.
    exporters = {r: 200 for r in ROLES if r not in (None, "member_user")}
    assert client.get(reverse("consultation:export")).status_code == status(role, exporters)


DRAFT_READERS = {"staff_user": 200, "leader_user": 200, "superuser": 200, "office_head_user": 200}


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_read_by_staff_leaders_and_its_own_office_heads(client_for, venue, role):
    session = SessionFactory(venue=venue)
    photo = SessionPhotoFactory(session=session)
    table = {**DRAFT_READERS, "other_office_head_user": 404, "member_user": 404}
    client = client_for(role)
    for url in [
        session.get_absolute_url(),
        photo.get_absolute_url(),
        photo.get_thumbnail_url(),
    ]:
        assert client.get(url).status_code == status(role, table), url


@pytest.mark.parametrize("role", ROLES)
def test_a_published_session_is_read_by_every_office_head(client_for, venue, role):
    session = PublishedSessionFactory(venue=venue)
    photo = SessionPhotoFactory(session=session)
    # A member who did not take part does not find it.
    table = {**DRAFT_READERS, "other_office_head_user": 200, "member_user": 404}
    client = client_for(role)
    for url in [session.get_absolute_url(), photo.get_absolute_url()]:
        assert client.get(url).status_code == status(role, table), url


@pytest.mark.parametrize("role", ROLES)
def test_create_page(client_for, venue, other_venue, role):
    table = {
        "staff_user": 200,
        "superuser": 200,
        "office_head_user": 200,
        "other_office_head_user": 200,
    }
    client = client_for(role)
    assert client.get(reverse("consultation:create")).status_code == status(role, table)
    # Offering venue A to the office head of venue B: not found.
    with_venue = client.get(reverse("consultation:create"), {"venue": venue.pk})
    assert with_venue.status_code == status(role, {**table, "other_office_head_user": 404})


def test_an_office_head_without_a_venue_cannot_log(client_for):
    assert client_for("office_head_user").get(reverse("consultation:create")).status_code == 403


@pytest.mark.parametrize("state_factory", [SessionFactory, PublishedSessionFactory])
@pytest.mark.parametrize("role", ROLES)
def test_edit_page(client_for, venue, role, state_factory):
    session = state_factory(venue=venue)
    draft = session.state == Session.State.DRAFT
    table = {
        "staff_user": 200,
        "superuser": 200,
        # Own office: drafts only; published: read but not edit.
        "office_head_user": 200 if draft else 403,
        # Another office: a draft is out of sight, a published one read-only.
        "other_office_head_user": 404 if draft else 403,
    }
    url = reverse("consultation:update", args=[session.pk])
    assert client_for(role).get(url).status_code == status(role, table)


def post_data(session, **overrides):
    data = {
        "venue": session.venue_id,
        "topic": session.topic_id,
        "new_topic_title": "",
        "new_topic_category": "livelihood",
        "form": session.form,
        "started_at": "2021-06-01T09:00",
        "place": "被篡改的地点",
        "departments": "",
        "other_attendee_count": "0",
        "other_attendees": "",
        "minutes": "被篡改",
        "suggestions-TOTAL_FORMS": "1",
        "suggestions-INITIAL_FORMS": "0",
        "suggestions-MIN_NUM_FORMS": "0",
        "suggestions-MAX_NUM_FORMS": "1000",
        "suggestions-0-text": "被篡改的建议",
        "suggestions-0-category": "other",
    }
    data.update(overrides)
    return data


def test_crafted_posts_of_another_venues_office_head_are_refused(client_for, venue, other_venue):
    draft = SessionFactory(venue=venue, place="原地点")
    submitted = SubmittedSessionFactory(venue=venue)
    published = PublishedSessionFactory(venue=venue)
    photo = SessionPhotoFactory(session=draft)
    client = client_for("other_office_head_user")
    sessions_before = Session.objects.count()
    # Create at venue A (with A's id in the form).
    response = client.post(reverse("consultation:create"), post_data(draft))
    assert response.status_code == 403
    # Create with a topic of the user's own but A's venue id, after loading the form.
    assert Session.objects.count() == sessions_before
    # Edit, submit, publish, return: not found or forbidden, never done.
    assert (
        client.post(reverse("consultation:update", args=[draft.pk]), post_data(draft)).status_code
        == 404
    )
    assert (
        client.post(
            reverse("consultation:update", args=[published.pk]), post_data(published)
        ).status_code
        == 403
    )
    assert client.post(reverse("consultation:submit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("consultation:submit", args=[published.pk])).status_code == 403
    assert client.post(reverse("consultation:publish", args=[submitted.pk])).status_code == 403
    assert (
        client.post(
            reverse("consultation:return", args=[submitted.pk]), {"reason": "x"}
        ).status_code
        == 403
    )
    assert client.get(photo.get_absolute_url()).status_code == 404
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert draft.place == "原地点" and draft.state == Session.State.DRAFT
    assert submitted.state == Session.State.SUBMITTED
    assert not Suggestion.objects.filter(text="被篡改的建议").exists()


def test_an_office_head_cannot_move_a_session_to_another_venue(client_for, venue, other_venue):
    draft = SessionFactory(venue=venue)
    response = client_for("office_head_user").post(
        reverse("consultation:update", args=[draft.pk]), post_data(draft, venue=other_venue.pk)
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.venue == venue


def test_crafted_venue_values_never_500(client_for, venue):
    client = client_for("office_head_user")
    session = SessionFactory.build(venue=venue, topic=TopicFactory())
    for value in ["abc", "-1", "999999", "1 OR 1=1"]:
        response = client.post(reverse("consultation:create"), post_data(session, venue=value))
        assert response.status_code == 403, value
    assert client.get(reverse("consultation:create"), {"venue": "abc"}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_state_changes_by_role(client_for, venue, role):
    draft = SessionFactory(venue=venue)
    submitted = SubmittedSessionFactory(venue=venue)
    client = client_for(role)
    submit = client.post(reverse("consultation:submit", args=[draft.pk]))
    publish = client.post(reverse("consultation:publish", args=[submitted.pk]))
    draft.refresh_from_db()
    submitted.refresh_from_db()
    editors = {"staff_user", "superuser", "office_head_user"}
    reviewers = {"staff_user", "superuser"}
    if role is None:
        assert (submit.status_code, publish.status_code) == (302, 302)
        assert submit["Location"].startswith(reverse("login"))
    expected_submit = {
        "other_office_head_user": 404,
        **dict.fromkeys(editors, 302),
    }
    assert submit.status_code == status(role, expected_submit)
    assert (draft.state == Session.State.SUBMITTED) == (role in editors)
    assert publish.status_code == status(
        role, {"other_office_head_user": 403, **dict.fromkeys(reviewers, 302)}
    )
    assert (submitted.state == Session.State.PUBLISHED) == (role in reviewers)


@pytest.mark.parametrize("role", ROLES)
def test_return_page_by_role(client_for, venue, role):
    submitted = SubmittedSessionFactory(venue=venue)
    url = reverse("consultation:return", args=[submitted.pk])
    table = {"staff_user": 200, "superuser": 200}
    assert client_for(role).get(url).status_code == status(role, table)


def test_transitions_are_post_only(client_for, venue):
    draft = SessionFactory(venue=venue)
    client = client_for("office_head_user")
    assert client.get(reverse("consultation:submit", args=[draft.pk])).status_code == 405
    draft.refresh_from_db()
    assert draft.state == Session.State.DRAFT


def test_export_holds_only_what_the_user_may_read(client_for, venue, other_venue):

    from tests.xlsx import table_sheet

    SessionFactory(venue=venue, topic=TopicFactory(title="甲的草稿"))
    PublishedSessionFactory(venue=venue, topic=TopicFactory(title="甲的发布"))
    SessionFactory(venue=other_venue, topic=TopicFactory(title="乙的草稿"))

    def topics(role):
        response = client_for(role).get(reverse("consultation:export"))
        sheet = table_sheet(response)
        return {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert topics("other_office_head_user") == {"甲的发布", "乙的草稿"}
    assert topics("office_head_user") == {"甲的草稿", "甲的发布"}
    assert topics("staff_user") == {"甲的草稿", "甲的发布", "乙的草稿"}
