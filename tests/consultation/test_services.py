"""Every state transition and who may make it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.consultation import services
from apps.consultation.models import Session, Suggestion
from apps.consultation.services import SuggestionInput, TopicInput
from tests.consultation.factories import (
    PublishedSessionFactory,
    ReturnedSessionFactory,
    SessionFactory,
    SubmittedSessionFactory,
    SuggestionFactory,
    TopicFactory,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

S = Session.State


@pytest.fixture
def users(
    staff_user, leader_user, office_head_user, other_office_head_user, member_user, superuser
):
    return {
        "staff": staff_user,
        "leader": leader_user,
        "office_head": office_head_user,
        "other_office_head": other_office_head_user,
        "member": member_user,
        "superuser": superuser,
    }


SUBMITTERS = {"staff", "office_head", "superuser"}
REVIEWERS = {"staff", "superuser"}


@pytest.mark.parametrize(
    "who", ["staff", "leader", "office_head", "other_office_head", "member", "superuser"]
)
@pytest.mark.parametrize("factory", [SessionFactory, ReturnedSessionFactory])
def test_submit_a_draft_or_a_returned_session(users, venue, other_venue, who, factory):
    session = factory(venue=venue)
    before = session.state
    if who in SUBMITTERS:
        session = services.session_submit(session=session, user=users[who])
        assert session.state == S.SUBMITTED and session.submitted_at
        assert session.return_reason == ""
        assert session.history.latest().history_user == users[who]
    else:
        with pytest.raises(PermissionDenied):
            services.session_submit(session=session, user=users[who])
        session.refresh_from_db()
        assert session.state == before


@pytest.mark.parametrize("factory", [SubmittedSessionFactory, PublishedSessionFactory])
def test_only_drafts_and_returned_sessions_are_submitted(users, venue, factory):
    session = factory(venue=venue)
    with pytest.raises(ValidationError) as caught:
        services.session_submit(session=session, user=users["staff"])
    assert caught.value.code == "invalid_state"
    # The office head may not even edit it any more.
    with pytest.raises(PermissionDenied):
        services.session_submit(session=session, user=users["office_head"])


def test_submitting_needs_minutes(users, venue):
    session = SessionFactory(venue=venue, minutes="  ")
    with pytest.raises(ValidationError, match="活动纪要"):
        services.session_submit(session=session, user=users["office_head"])
    session.refresh_from_db()
    assert session.state == S.DRAFT


@pytest.mark.parametrize(
    "who", ["staff", "leader", "office_head", "other_office_head", "member", "superuser"]
)
def test_publish_a_submitted_session(users, venue, other_venue, who):
    session = SubmittedSessionFactory(venue=venue)
    if who in REVIEWERS:
        session = services.session_publish(session=session, user=users[who])
        assert session.state == S.PUBLISHED
        assert session.published_by == users[who] and session.published_at
    else:
        with pytest.raises(PermissionDenied):
            services.session_publish(session=session, user=users[who])
        session.refresh_from_db()
        assert session.state == S.SUBMITTED


@pytest.mark.parametrize(
    "factory", [SessionFactory, ReturnedSessionFactory, PublishedSessionFactory]
)
def test_only_submitted_sessions_are_published_or_returned(users, venue, factory):
    session = factory(venue=venue)
    with pytest.raises(ValidationError):
        services.session_publish(session=session, user=users["staff"])
    with pytest.raises(ValidationError):
        services.session_return(session=session, user=users["staff"], reason="原因")
    assert Session.objects.get(pk=session.pk).state == session.state


@pytest.mark.parametrize(
    "who", ["staff", "leader", "office_head", "other_office_head", "member", "superuser"]
)
def test_return_a_submitted_session_with_a_reason(users, venue, other_venue, who):
    session = SubmittedSessionFactory(venue=venue)
    if who in REVIEWERS:
        session = services.session_return(session=session, user=users[who], reason=" 请补充照片 ")
        assert session.state == S.RETURNED
        assert session.return_reason == "请补充照片"
    else:
        with pytest.raises(PermissionDenied):
            services.session_return(session=session, user=users[who], reason="x")


def test_returning_needs_a_reason(users, venue):
    session = SubmittedSessionFactory(venue=venue)
    with pytest.raises(ValidationError):
        services.session_return(session=session, user=users["staff"], reason="   ")
    assert Session.objects.get(pk=session.pk).state == S.SUBMITTED


def test_returned_session_is_edited_and_submitted_again(users, venue):
    session = SubmittedSessionFactory(venue=venue)
    services.session_return(session=session, user=users["staff"], reason="补充纪要")
    session = Session.objects.get(pk=session.pk)
    session.minutes = "补充后的纪要"
    services.session_save(session=session, user=users["office_head"], members=[])
    session = services.session_submit(session=session, user=users["office_head"])
    assert session.state == S.SUBMITTED
    states = [h.state for h in session.history.order_by("history_date")]
    assert states[-3:] == [S.RETURNED, S.RETURNED, S.SUBMITTED]


def test_office_heads_edit_only_drafts_and_returned_sessions_of_their_venues(
    users, venue, other_venue
):
    for state_factory, allowed in [
        (SessionFactory, True),
        (ReturnedSessionFactory, True),
        (SubmittedSessionFactory, False),
        (PublishedSessionFactory, False),
    ]:
        session = state_factory(venue=venue)
        assert services.can_edit_session(users["office_head"], session) is allowed
        assert services.can_edit_session(users["other_office_head"], session) is False
        assert services.can_edit_session(users["staff"], session) is True
        assert services.can_edit_session(users["leader"], session) is False
        if not allowed:
            session.place = "改"
            with pytest.raises(PermissionDenied):
                services.session_save(session=session, user=users["office_head"], members=[])
            assert Session.objects.get(pk=session.pk).place != "改"


def test_staff_change_a_published_session_and_it_is_in_the_history(users, venue):
    session = PublishedSessionFactory(venue=venue, place="原地点")
    session.place = "更正后的地点"
    services.session_save(session=session, user=users["staff"], members=[])
    latest, previous = session.history.order_by("-history_date")[:2]
    assert latest.history_user == users["staff"]
    assert latest.state == S.PUBLISHED
    assert [(c.field, c.old, c.new) for c in latest.diff_against(previous).changes] == [
        ("place", "原地点", "更正后的地点")
    ]


def test_a_stale_form_cannot_override_the_stored_state(users, venue):
    session = SessionFactory(venue=venue)
    stale = Session.objects.get(pk=session.pk)
    services.session_submit(session=session, user=users["office_head"])
    stale.place = "过期表单"
    with pytest.raises(PermissionDenied):
        services.session_save(session=stale, user=users["office_head"], members=[])
    # Staff may, and the state stays what is stored.
    saved = services.session_save(session=stale, user=users["staff"], members=[])
    assert saved.state == S.SUBMITTED


def test_save_creates_topic_members_and_suggestions_atomically(users, venue):
    member, other = MemberFactory(), MemberFactory()
    session = Session(
        venue=venue,
        form=Session.Form.ON_SITE,
        started_at="2021-06-01T09:00+08:00",
        place="村委会",
    )
    saved = services.session_save(
        session=session,
        user=users["office_head"],
        members=[member, other],
        new_topic=TopicInput(title="  停车   难 ", category="livelihood", year=2021),
        suggestions=[
            SuggestionInput(text="建设停车场", members=[member]),
            SuggestionInput(text="  "),  # blank: skipped
        ],
    )
    assert saved.state == S.DRAFT and saved.created_by == users["office_head"]
    assert saved.topic.title == "停车 难" and saved.topic.year == 2021
    assert set(saved.members.all()) == {member, other}
    assert [s.text for s in saved.suggestions.all()] == ["建设停车场"]
    assert list(saved.suggestions.get().members.all()) == [member]


def test_save_edits_and_deletes_suggestions_of_this_session_only(users, venue):
    session = SessionFactory(venue=venue)
    keep, drop = SuggestionFactory(session=session), SuggestionFactory(session=session)
    foreign = SuggestionFactory(text="别处的建议")
    services.session_save(
        session=session,
        user=users["office_head"],
        members=[],
        suggestions=[
            SuggestionInput(pk=keep.pk, text="改过的建议", category="ecology"),
            SuggestionInput(pk=drop.pk, text=drop.text, delete=True),
            SuggestionInput(pk=foreign.pk, text="篡改", delete=False),
        ],
    )
    assert [(s.text, s.category) for s in session.suggestions.all()] == [("改过的建议", "ecology")]
    foreign.refresh_from_db()
    assert foreign.text == "别处的建议" and foreign.session_id != session.pk


def test_an_office_head_cannot_log_at_a_venue_they_do_not_manage(users, venue, other_venue):
    session = Session(
        venue=other_venue,
        topic=TopicFactory(),
        form="other",
        started_at="2021-06-01T09:00+08:00",
        place="x",
    )
    with pytest.raises(PermissionDenied):
        services.session_save(session=session, user=users["office_head"], members=[])
    assert not Session.objects.exists()
    with pytest.raises(PermissionDenied):
        services.session_save(session=session, user=users["leader"], members=[])


def test_a_failing_save_leaves_nothing_half_saved(users, venue, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_save_photos", boom)
    session = Session(
        venue=venue,
        topic=TopicFactory(),
        form="other",
        started_at="2021-06-01T09:00+08:00",
        place="x",
    )
    with pytest.raises(RuntimeError):
        services.session_save(
            session=session,
            user=users["office_head"],
            members=[MemberFactory()],
            suggestions=[SuggestionInput(text="建议")],
            new_topic=TopicInput(title="新议题", category="other", year=2021),
        )
    assert not Session.objects.exists()
    assert not Suggestion.objects.exists()
    assert not type(session.topic).objects.filter(title="新议题").exists()


def test_editable_and_readable_querysets_agree_with_the_rules(users, venue, other_venue):
    sessions = [
        factory(venue=v)
        for v in (venue, other_venue)
        for factory in (
            SessionFactory,
            ReturnedSessionFactory,
            SubmittedSessionFactory,
            PublishedSessionFactory,
        )
    ]
    for suggestion_session in sessions:
        SuggestionFactory(session=suggestion_session)
    for who, user in users.items():
        editable = set(Session.objects.editable_by(user))
        assert editable == {s for s in sessions if services.can_edit_session(user, s)}, who
        readable = set(Session.objects.for_user(user))
        assert {s.session for s in Suggestion.objects.for_user(user)} == readable, who
    assert len(set(Session.objects.for_user(users["other_office_head"]))) == 4 + 1
