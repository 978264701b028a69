"""Sources and hooks that venues and consultation plug into the ledger."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from apps.consultation.models import Session
from apps.performance.integrations import collect_sessions
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
    from apps.performance.hooks import hooks

    member = AssignmentFactory(venue=venue).member
    assert hooks.townships()[member.pk] == venue.township.name


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
    from tests.consultation.factories import SuggestionFactory

    _rules("suggestion_proposed", "suggestion_adopted")
    alice, bob = MemberFactory(), MemberFactory()
    adopted = SuggestionFactory(members=[alice], raised_on=datetime.date(2021, 5, 1))
    SuggestionFactory(members=[alice, bob], raised_on=datetime.date(2021, 6, 1))
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
