"""The ledger sources read from consultation, and what performance reads of venues."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from apps.consultation.models import Session
from apps.performance.ledger import collect_sessions
from apps.performance.services import ledger_derive
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def session_factory():
    from tests.consultation.factories import SessionFactory

    return SessionFactory


def test_published_sessions_earn_participation_facts_in_their_local_year(session_factory):
    alice, bob = MemberFactory(), MemberFactory()
    new_year = session_factory(
        state=Session.State.PUBLISHED,
        published_at=datetime.datetime(2022, 1, 2, tzinfo=SHANGHAI),
        started_at=datetime.datetime(2022, 1, 1, 0, 30, tzinfo=SHANGHAI),  # 2021 in UTC
    )
    new_year.members.add(alice)
    draft = session_factory(
        state=Session.State.DRAFT, started_at=datetime.datetime(2021, 6, 1, 9, tzinfo=SHANGHAI)
    )
    draft.members.add(bob)
    june = session_factory(
        state=Session.State.PUBLISHED,
        published_at=datetime.datetime(2022, 1, 2, tzinfo=SHANGHAI),
        started_at=datetime.datetime(2021, 6, 1, 9, tzinfo=SHANGHAI),
    )
    june.members.add(alice, bob)

    facts_2021 = list(collect_sessions(year=2021, members=None))
    assert sorted((f.member_id, f.source_id) for f in facts_2021) == sorted(
        [(alice.pk, june.pk), (bob.pk, june.pk)]
    )
    facts_2022 = list(collect_sessions(year=2022, members=None))
    assert [(f.member_id, f.date) for f in facts_2022] == [(alice.pk, datetime.date(2022, 1, 1))]
    only_bob = list(collect_sessions(year=2021, members=frozenset([bob.pk])))
    assert [f.member_id for f in only_bob] == [bob.pk]


def test_publishing_a_session_moves_points_into_the_ledger(session_factory):
    from apps.performance.models import PointEntry, PointRule

    PointRule.objects.create(
        year=2021, code="session_participation", name="参加协商活动", category="activity", points=2
    )
    member = MemberFactory()
    session = session_factory(
        state=Session.State.PUBLISHED,
        published_at=datetime.datetime(2022, 1, 2, tzinfo=SHANGHAI),
        started_at=datetime.datetime(2021, 5, 1, 9, tzinfo=SHANGHAI),
    )
    session.members.add(member)
    ledger_derive(year=2021)
    entry = PointEntry.objects.get(member=member)
    assert entry.points == 2
    session.members.remove(member)
    ledger_derive(year=2021)
    assert not PointEntry.objects.filter(member=member).exists()


def test_office_heads_read_the_evaluations_of_their_venue_members(client_for, venue, other_venue):
    from apps.members.models import Member
    from apps.performance.managers import member_scope_q

    here = AssignmentFactory(venue=venue).member
    there = AssignmentFactory(venue=other_venue).member
    head = venue.managers.get()
    visible = set(Member.objects.filter(member_scope_q(head)).values_list("pk", flat=True))
    assert here.pk in visible and there.pk not in visible
    response = client_for("office_head_user").get(
        reverse("performance:ledger", args=[2021, there.pk])
    )
    assert response.status_code == 404


def test_member_townships_come_from_current_assignments(venue):
    from apps.venues.models import Assignment

    member = AssignmentFactory(venue=venue).member
    assert Assignment.objects.current().member_townships()[member.pk] == venue.township.name


def _rules(*codes):
    from apps.performance.models import PointRule

    for code in codes:
        PointRule.objects.create(year=2021, code=code, name=code, category="research", points=3)


def test_research_teams_earn_points_in_the_year_the_project_ran():
    from apps.consultation.models import ResearchProject
    from apps.performance.models import PointEntry
    from tests.consultation.factories import ResearchProjectFactory

    _rules("research_team")
    alice, bob, carol = MemberFactory(), MemberFactory(), MemberFactory()
    done = ResearchProjectFactory(
        team=[alice, bob],
        actual_start=datetime.date(2021, 3, 1),
        actual_end=datetime.date(2021, 9, 30),
    )
    ResearchProjectFactory(team=[carol], status=ResearchProject.Status.PLANNED)
    ResearchProjectFactory(
        team=[carol],
        planned_start=datetime.date(2022, 3, 1),
        planned_end=datetime.date(2022, 6, 1),
    )
    ledger_derive(year=2021)
    entries = PointEntry.objects.filter(rule__code="research_team")
    assert sorted(e.member_id for e in entries) == sorted([alice.pk, bob.pk])
    assert {e.date for e in entries} == {datetime.date(2021, 9, 30)}
    # Taking someone off the team takes their points away on the next derive.
    done.team.remove(bob)
    ledger_derive(year=2021)
    assert list(PointEntry.objects.values_list("member_id", flat=True)) == [alice.pk]


def test_proposing_and_adoption_of_suggestions_earn_separate_points():
    from apps.consultation.models import Suggestion
    from apps.performance.models import PointEntry
    from tests.consultation.factories import (
        PublishedSessionFactory,
        ReportSuggestionFactory,
        SuggestionFactory,
    )

    _rules("suggestion_proposed", "suggestion_adopted")
    alice, bob = MemberFactory(), MemberFactory()
    adopted = SuggestionFactory(
        session=PublishedSessionFactory(), members=[alice], raised_on=datetime.date(2021, 5, 1)
    )
    ReportSuggestionFactory(members=[alice, bob], raised_on=datetime.date(2021, 6, 1))
    adopted.outcome = Suggestion.Outcome.ADOPTED
    adopted.outcome_on = datetime.date(2021, 11, 1)
    adopted.save()
    ledger_derive(year=2021)
    got = sorted(PointEntry.objects.values_list("member_id", "rule__code", "date"))
    assert got == sorted(
        [
            (alice.pk, "suggestion_proposed", datetime.date(2021, 5, 1)),
            (alice.pk, "suggestion_proposed", datetime.date(2021, 6, 1)),
            (bob.pk, "suggestion_proposed", datetime.date(2021, 6, 1)),
            (alice.pk, "suggestion_adopted", datetime.date(2021, 11, 1)),
        ]
    )
    # Kept for reference is no adoption.
    adopted.outcome = Suggestion.Outcome.REFERENCE
    adopted.save()
    ledger_derive(year=2021)
    assert not PointEntry.objects.filter(rule__code="suggestion_adopted").exists()


@pytest.fixture
def ledger_of_every_kind(venue, other_venue, member_user, staff_user):
    """A member (linked to `member_user`, stationed at `venue`) with a line of every kind
    of source in 2021: a meeting, a session of another venue, a research team, a
    suggestion, a contact of their pairing and a study session."""
    from apps.consultation.models import Suggestion
    from tests.consultation.factories import (
        PublishedSessionFactory,
        ResearchProjectFactory,
        SuggestionFactory,
    )
    from tests.members.factories import ContactRecordFactory, CpcMemberFactory, PairingFactory
    from tests.performance.factories import (
        AttendanceFactory,
        MeetingFactory,
        StudySessionFactory,
        standard_rules,
    )

    standard_rules(2021)
    mine = CpcMemberFactory(user=member_user)
    AssignmentFactory(venue=venue, member=mine)
    AttendanceFactory(member=mine, meeting=MeetingFactory(date=datetime.date(2021, 3, 3)))
    session = PublishedSessionFactory(
        venue=other_venue, started_at=datetime.datetime(2021, 4, 1, 9, tzinfo=SHANGHAI)
    )
    session.members.add(mine)
    ResearchProjectFactory(
        team=[mine], actual_start=datetime.date(2021, 3, 1), actual_end=datetime.date(2021, 9, 30)
    )
    SuggestionFactory(
        session=session,
        members=[mine],
        raised_on=datetime.date(2021, 5, 1),
        outcome=Suggestion.Outcome.ADOPTED,
        outcome_on=datetime.date(2021, 6, 1),
    )
    ContactRecordFactory(pairing=PairingFactory(cpc_member=mine), date=datetime.date(2021, 7, 1))
    StudySessionFactory(date=datetime.date(2021, 8, 12), attendees=[mine])
    ledger_derive(year=2021)
    return mine


@pytest.mark.parametrize("viewer", ["staff_user", "member_user", "office_head_user"])
def test_every_ledger_link_opens_for_its_viewer(client_for, ledger_of_every_kind, viewer):
    # given a ledger with a line of every kind of source
    mine = ledger_of_every_kind
    client = client_for(viewer)
    # when its viewer opens it
    response = client.get(reverse("performance:ledger", args=[2021, mine.pk]))
    assert response.status_code == 200
    entries = response.context["entries"]
    kinds = {e.source_type.model for e in entries}
    assert {"attendance", "session", "researchproject", "suggestion", "contactrecord"} <= kinds
    # then every link it offers opens, and the lines it may not open carry none
    links = [e.link for e in entries if e.link]
    for link in links:
        assert client.get(link).status_code == 200, link
    linked = {e.source_type.model for e in entries if e.link}
    if viewer in ("staff_user", "member_user"):
        # A member reads every source of their own ledger: meetings, their published
        # sessions, their research teams, suggestions, pairing and study sessions.
        assert len(links) == len(entries)
        assert {"attendance", "session", "researchproject", "contactrecord"} <= linked
    else:  # an office head reads sessions and research, not meetings or pairings
        assert {"session", "researchproject"} <= linked
        assert not linked & {"attendance", "contactrecord"}


def test_another_member_opens_none_of_a_members_ledger_or_its_sources(
    client_for, ledger_of_every_kind
):
    from apps.accounts import roles
    from tests.accounts.factories import UserFactory

    # given the ledger of `member_user`'s member, and another member signed in
    mine = ledger_of_every_kind
    links = [
        e.link
        for e in client_for("member_user")
        .get(reverse("performance:ledger", args=[2021, mine.pk]))
        .context["entries"]
    ]
    other_user = UserFactory(username="t_member2", roles=[roles.MEMBER])
    MemberFactory(user=other_user)
    other = client_for(None)
    other.force_login(other_user)
    # then neither the ledger nor any of its sources opens for them
    assert other.get(reverse("performance:ledger", args=[2021, mine.pk])).status_code in (403, 404)
    assert links and all(links)
    for link in links:
        assert other.get(link).status_code in (403, 404), link


def test_the_project_page_links_only_the_team_members_and_visits_its_reader_may_open(
    client_for, venue, other_venue
):
    from apps.consultation.models import Session
    from tests.consultation.factories import ResearchProjectFactory, SessionFactory

    # given a project whose team has one member of each venue and two field visits
    here = AssignmentFactory(venue=venue, member__name="本站委员").member
    there = AssignmentFactory(venue=other_venue, member__name="外站委员").member
    draft_elsewhere = SessionFactory(venue=other_venue, state=Session.State.DRAFT)
    own_draft = SessionFactory(venue=venue, state=Session.State.DRAFT)
    project = ResearchProjectFactory(team=[here, there])
    project.visits.set([draft_elsewhere, own_draft])
    url = project.get_absolute_url()

    # when the office head of `venue` opens it
    html = client_for("office_head_user").get(url).content.decode()
    # then the member of another venue is named but not linked, and a draft of another
    # venue is not shown at all
    assert f'href="{here.get_absolute_url()}"' in html and "外站委员" in html
    assert f'href="{there.get_absolute_url()}"' not in html
    assert draft_elsewhere.get_absolute_url() not in html
    assert own_draft.get_absolute_url() in html
    # and staff are offered every link
    staff_html = client_for("staff_user").get(url).content.decode()
    assert f'href="{there.get_absolute_url()}"' in staff_html
    assert draft_elsewhere.get_absolute_url() in staff_html


def test_only_suggestions_raised_to_the_committee_earn_points(session_factory):
    from apps.performance.models import PointEntry
    from tests.consultation.factories import SuggestionFactory

    # given a suggestion in a draft session and one in a published session, same member
    _rules("suggestion_proposed")
    member = MemberFactory()
    held_at = datetime.datetime(2021, 5, 1, 9, tzinfo=SHANGHAI)
    draft = session_factory(state=Session.State.DRAFT, started_at=held_at)
    published = session_factory(
        state=Session.State.PUBLISHED, started_at=held_at, published_at=held_at
    )
    SuggestionFactory(session=draft, members=[member], raised_on=datetime.date(2021, 5, 1))
    kept = SuggestionFactory(
        session=published, members=[member], raised_on=datetime.date(2021, 5, 1)
    )
    # when the year is derived
    ledger_derive(year=2021)
    # then only the published session's suggestion earns points
    assert list(PointEntry.objects.values_list("source_id", flat=True)) == [kept.pk]
    # and submitting the draft (held now) adds its suggestion on the next derive
    Session.objects.filter(pk=draft.pk).update(state=Session.State.SUBMITTED)
    ledger_derive(year=2021)
    assert PointEntry.objects.count() == 2
