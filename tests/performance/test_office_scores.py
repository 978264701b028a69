"""The office evaluation's derivation: score lines from the records (sessions by form,
turnout of stationed members, suggestions, photos and minutes, timeliness, idle months),
each linked to its source; totals equal the lines; idempotent; kept current on commit;
staff adjustments survive."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.consultation.models import Session, Suggestion
from apps.core.seeding import read_fixture
from apps.performance.ledger import link_for
from apps.performance.models import OfficeRule, OfficeScore, OfficeScoreLine
from apps.performance.office_scores import (
    COLLECTORS,
    Code,
    award_amounts,
    office_score_adjust,
    office_score_adjustment_delete,
    office_scores_derive,
)
from tests.accounts.factories import UserFactory
from tests.consultation.factories import PublishedSessionFactory, SuggestionFactory
from tests.members.factories import MemberFactory
from tests.venues.factories import AssignmentFactory, MemberHomeFactory, VenueFactory

from .factories import YEAR

pytestmark = pytest.mark.django_db

D = Decimal
TZ = timezone.get_current_timezone()
LONG_MINUTES = "会议围绕议题进行了认真协商，与会委员和群众代表踊跃发言，" * 3


def office_rules(year: int = YEAR) -> dict[str, OfficeRule]:
    """The seeded office rules (fixtures/office_rules.json) for `year`."""
    return {
        row["code"]: OfficeRule.objects.create(**{**row, "year": year})
        for row in read_fixture("office_rules.json")
    }


def at(month: int, day: int, hour: int = 9, year: int = YEAR) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=TZ)


def lines(venue, year: int = YEAR) -> list[tuple[str, Decimal]]:
    return sorted(
        (line.rule.code if line.rule else "adjustment", line.points)
        for line in OfficeScoreLine.objects.filter(venue=venue, year=year).select_related("rule")
    )


def total(venue, year: int = YEAR) -> Decimal:
    return OfficeScore.objects.get(venue=venue, year=year).total


@pytest.fixture
def rules():
    return office_rules()


@pytest.fixture
def county(rules):
    """Two offices and a member home. Office A: two stationed members, one took part in
    its June symposium (long minutes, submitted the next day) that raised a suggestion
    adopted in July. Office B: one stationed member, an on-site session in March
    submitted 40 days late. The home: nothing."""
    a = VenueFactory()
    b = VenueFactory()
    home = MemberHomeFactory()
    m1, m2, m3 = MemberFactory(), MemberFactory(), MemberFactory()
    AssignmentFactory(venue=a, member=m1)
    AssignmentFactory(venue=a, member=m2)
    AssignmentFactory(venue=b, member=m3)
    session_a = PublishedSessionFactory(
        venue=a,
        form=Session.Form.SYMPOSIUM,
        started_at=at(6, 10),
        submitted_at=at(6, 11),
        minutes=LONG_MINUTES,
        members=[m1],
    )
    suggestion = SuggestionFactory(
        session=session_a,
        outcome=Suggestion.Outcome.ADOPTED,
        outcome_on=datetime.date(YEAR, 7, 1),
    )
    session_b = PublishedSessionFactory(
        venue=b,
        form=Session.Form.ON_SITE,
        started_at=at(3, 5),
        submitted_at=at(4, 14),
        minutes="简短",
        members=[m3],
    )
    return {
        "a": a,
        "b": b,
        "home": home,
        "session_a": session_a,
        "session_b": session_b,
        "suggestion": suggestion,
        "members": (m1, m2, m3),
    }


def test_each_fact_becomes_a_line_and_the_score_is_their_sum(county):
    office_scores_derive(year=YEAR)

    assert lines(county["a"]) == sorted(
        [
            ("session_symposium", D("3.0")),
            ("member_turnout", D("5.0")),  # 1 of 2 stationed members took part
            ("suggestion_raised", D("1.0")),
            ("suggestion_adopted", D("2.0")),
            ("session_minutes", D("0.5")),
            ("submitted_on_time", D("0.5")),
            # 11 months without a session, -1 each, capped at 6
            *[("month_without_session", D("-1.0"))] * 6,
            *[("month_without_session", D("0.0"))] * 5,
        ]
    )
    assert lines(county["b"]) == sorted(
        [
            ("session_on_site", D("3.0")),
            ("member_turnout", D("10.0")),
            ("submitted_late", D("-1.0")),
            *[("month_without_session", D("-1.0"))] * 6,
            *[("month_without_session", D("0.0"))] * 5,
        ]
    )
    for venue in (county["a"], county["b"], county["home"]):
        expected = sum((p for _code, p in lines(venue)), D("0"))
        assert total(venue) == expected
    assert total(county["a"]) == D("6.0")
    assert total(county["b"]) == D("6.0")
    assert total(county["home"]) == D("-6.0")


def test_offices_and_homes_are_ranked_apart(county):
    extra = PublishedSessionFactory(venue=county["a"], form=Session.Form.SPECIAL)
    assert extra.started_at.year == YEAR
    office_scores_derive(year=YEAR)
    scores = {s.venue_id: s for s in OfficeScore.objects.filter(year=YEAR)}
    assert scores[county["a"].pk].rank == 1
    assert scores[county["b"].pk].rank == 2
    # the only home ranks first among the homes, whatever its total
    assert scores[county["home"].pk].rank == 1


def test_every_line_links_to_its_source(county):
    office_scores_derive(year=YEAR)
    by_code = {
        line.rule.code: line
        for line in OfficeScoreLine.objects.filter(venue=county["a"]).select_related("rule")
    }
    assert by_code["session_symposium"].source == county["session_a"]
    assert link_for(by_code["session_symposium"]) == county["session_a"].get_absolute_url()
    assert by_code["suggestion_adopted"].source == county["suggestion"]
    assert link_for(by_code["suggestion_raised"]) == county["suggestion"].get_absolute_url()
    assert by_code["member_turnout"].source == county["a"]
    assert link_for(by_code["month_without_session"]) == county["a"].get_absolute_url()
    assert not OfficeScoreLine.objects.filter(source_type__isnull=True).exists()


def test_deriving_twice_changes_nothing(county):
    first = office_scores_derive(year=YEAR)
    assert first.created > 0
    history = OfficeScoreLine.history.count()
    scores = list(OfficeScore.objects.values_list("venue_id", "total", "rank"))

    second = office_scores_derive(year=YEAR)

    assert (second.created, second.updated, second.deleted) == (0, 0, 0)
    assert second.facts == first.facts
    assert OfficeScoreLine.history.count() == history
    assert list(OfficeScore.objects.values_list("venue_id", "total", "rank")) == scores


def test_a_changed_source_or_rule_updates_its_lines(county, rules):
    office_scores_derive(year=YEAR)
    # the late session is corrected: submitted on time; the session rule is worth more
    session = county["session_b"]
    session.submitted_at = at(3, 6)
    session.save()
    rules["session_on_site"].points = D("4.0")
    rules["session_on_site"].save()
    # a suggestion's session is no longer published: its lines go
    county["session_a"].state = Session.State.SUBMITTED
    county["session_a"].save()

    office_scores_derive(year=YEAR)

    assert ("session_on_site", D("4.0")) in lines(county["b"])
    assert ("submitted_on_time", D("0.5")) in lines(county["b"])
    assert ("submitted_late", D("-1.0")) not in lines(county["b"])
    assert lines(county["a"]) == sorted(
        [("member_turnout", D("0.0"))]
        + [("month_without_session", D("-1.0"))] * 6
        + [("month_without_session", D("0.0"))] * 6
    )


def test_an_inactive_rule_earns_nothing_and_a_year_without_rules_is_not_scored(county, rules):
    rules["member_turnout"].is_active = False
    rules["member_turnout"].save()
    office_scores_derive(year=YEAR)
    assert "member_turnout" not in {code for code, _p in lines(county["a"])}

    result = office_scores_derive(year=YEAR + 1)
    assert not result.configured
    assert not OfficeScore.objects.filter(year=YEAR + 1).exists()


def test_the_current_year_counts_only_the_months_that_have_ended(rules):
    today = timezone.localdate()
    office_rules(today.year)
    venue = VenueFactory()
    office_scores_derive(year=today.year)
    idle = OfficeScoreLine.objects.filter(
        venue=venue, year=today.year, rule__code=Code.IDLE_MONTH
    ).count()
    assert idle == today.month - 1


def test_award_amounts_caps_gains_and_deductions():
    assert award_amounts([D("3"), D("3"), D("3")], D("7")) == [
        (D("3.0"), False),
        (D("3.0"), False),
        (D("1.0"), True),
    ]
    assert award_amounts([D("-1")] * 3, D("2")) == [
        (D("-1.0"), False),
        (D("-1.0"), False),
        (D("0.0"), True),
    ]
    assert award_amounts([D("2.5")], None) == [(D("2.5"), False)]


def test_staff_adjustments_survive_rederivation(county):
    office_scores_derive(year=YEAR)
    staff = UserFactory()
    line = office_score_adjust(
        venue=county["b"],
        year=YEAR,
        points=D("2.5"),
        reason="群众满意度测评加分",
        date=datetime.date(YEAR, 12, 20),
        user=staff,
    )
    assert total(county["b"]) == D("8.5")

    office_scores_derive(year=YEAR)
    office_scores_derive(year=YEAR)

    assert OfficeScoreLine.objects.filter(pk=line.pk).exists()
    assert total(county["b"]) == D("8.5")
    assert OfficeScore.objects.get(venue=county["b"], year=YEAR).rank == 1
    # removed by hand, the total follows
    office_score_adjustment_delete(line=line)
    assert total(county["b"]) == D("6.0")


def test_an_adjustment_needs_a_reason_and_a_date_in_its_year_and_derived_lines_stay(county):
    from django.core.exceptions import ValidationError

    office_scores_derive(year=YEAR)
    with pytest.raises(ValidationError):
        office_score_adjust(
            venue=county["a"],
            year=YEAR,
            points=D("1"),
            reason="  ",
            date=datetime.date(YEAR, 5, 1),
            user=None,
        )
    with pytest.raises(ValidationError):
        office_score_adjust(
            venue=county["a"],
            year=YEAR,
            points=D("1"),
            reason="理由",
            date=datetime.date(YEAR + 1, 1, 1),
            user=None,
        )
    derived = OfficeScoreLine.objects.filter(venue=county["a"]).first()
    with pytest.raises(ValidationError):
        office_score_adjustment_delete(line=derived)


class TestKeptCurrentOnCommit:
    """Saving a watched source re-derives its year's office scores when it commits."""

    def test_a_new_session_moves_its_office_score(self, county, django_capture_on_commit_callbacks):
        office_scores_derive(year=YEAR)
        before_b, before_a = total(county["b"]), total(county["a"])

        with django_capture_on_commit_callbacks(execute=True):
            session = PublishedSessionFactory(
                venue=county["b"],
                form=Session.Form.SYMPOSIUM,
                started_at=at(9, 15),
                submitted_at=at(9, 16),
                minutes=LONG_MINUTES,
            )

        # +3 symposium, +0.5 minutes, +0.5 on time; September is no longer idle, but the
        # idle deduction stays at its cap (10 idle months, 6 counted)
        assert total(county["b"]) == before_b + D("4.0")
        assert total(county["a"]) == before_a
        assert OfficeScoreLine.objects.filter(
            venue=county["b"], source_id=session.pk, rule__code="session_symposium"
        ).exists()

        with django_capture_on_commit_callbacks(execute=True):
            session.suggestions.all().delete()
            session.delete()
        assert total(county["b"]) == before_b

    def test_a_draft_counts_once_published(self, county, django_capture_on_commit_callbacks):
        office_scores_derive(year=YEAR)
        before = total(county["a"])
        with django_capture_on_commit_callbacks(execute=True):
            draft = PublishedSessionFactory(
                venue=county["a"], state=Session.State.DRAFT, started_at=at(10, 8)
            )
        assert total(county["a"]) == before
        with django_capture_on_commit_callbacks(execute=True):
            draft.state = Session.State.PUBLISHED
            draft.save()
        assert total(county["a"]) > before

    def test_a_member_taking_part_and_a_rule_change_rederive(
        self, county, rules, django_capture_on_commit_callbacks
    ):
        office_scores_derive(year=YEAR)
        _m1, m2, _m3 = county["members"]
        with django_capture_on_commit_callbacks(execute=True):
            county["session_a"].members.add(m2)
        assert ("member_turnout", D("10.0")) in lines(county["a"])
        with django_capture_on_commit_callbacks(execute=True):
            rules["member_turnout"].points = D("20.0")
            rules["member_turnout"].save()
        assert ("member_turnout", D("20.0")) in lines(county["a"])


def test_the_collectors_cost_a_fixed_number_of_queries(rules, django_assert_max_num_queries):
    def populate(n):
        for _i in range(n):
            venue = VenueFactory()
            member = MemberFactory()
            AssignmentFactory(venue=venue, member=member)
            session = PublishedSessionFactory(venue=venue, members=[member])
            SuggestionFactory(session=session)

    populate(2)
    for collector in COLLECTORS:
        with django_assert_max_num_queries(2):
            list(collector.collect(year=YEAR))
    populate(20)
    for collector in COLLECTORS:
        with django_assert_max_num_queries(2):
            list(collector.collect(year=YEAR))
    # the whole derivation does not grow with the rows either
    with django_assert_max_num_queries(40):
        office_scores_derive(year=YEAR)


def test_derive_ledger_all_derives_the_office_scores_too(county):
    import io

    from django.core.management import call_command

    from tests.performance.factories import standard_rules

    standard_rules()
    out = io.StringIO()
    call_command("derive_ledger", "--all", stdout=out)
    assert f"{YEAR} offices:" in out.getvalue()
    assert total(county["a"]) == D("6.0")
    # a year without office rules derives the ledger and says so for the offices
    standard_rules(YEAR + 1)
    out = io.StringIO()
    call_command("derive_ledger", "--year", str(YEAR + 1), stdout=out)
    assert f"{YEAR + 1}: no office rules" in out.getvalue()


def test_a_proposal_counts_for_the_office_its_proposer_was_stationed_at(county):
    from tests.consultation.factories import ProposalFactory, SubmittedProposalFactory

    m1, _m2, m3 = county["members"]
    proposal = SubmittedProposalFactory(proposer=m1, submitted_on=datetime.date(YEAR, 3, 2))
    SubmittedProposalFactory(proposer=MemberFactory())  # proposer stationed nowhere
    ProposalFactory(proposer=m3)  # a draft
    # stationed at B only from May: a proposal of April counts for no office
    moved = MemberFactory()
    AssignmentFactory(venue=county["b"], member=moved, started_on=datetime.date(YEAR, 5, 1))
    SubmittedProposalFactory(proposer=moved, submitted_on=datetime.date(YEAR, 4, 2))

    office_scores_derive(year=YEAR)

    line = OfficeScoreLine.objects.get(rule__code="proposal_by_stationed")
    assert (line.venue, line.source, line.points) == (county["a"], proposal, D("1.0"))
    assert link_for(line) == f"/proposals/{proposal.pk}/"


@pytest.mark.django_db(transaction=True)
def test_an_offices_public_opinion_items_count_for_the_office_and_move_it_on_commit():
    """社情民意 the office reported for residents: one line when submitted, one more when
    the committee adopts it, each linked to the item; a member's own item and a draft
    earn the office nothing (members' items are the members' points)."""
    from tests.consultation.factories import (
        OfficeOpinionFactory,
        OpinionItemFactory,
        SubmittedOpinionFactory,
    )

    office_rules()
    a, b = VenueFactory(), VenueFactory()
    adopted = OfficeOpinionFactory(venue=a, state="adopted", reviewed_on=datetime.date(YEAR, 5, 15))
    OfficeOpinionFactory(venue=b, state="draft", submitted_on=None)
    SubmittedOpinionFactory()  # a member's item
    OpinionItemFactory(member=None, venue=a, state="draft")  # the office's draft
    office_scores_derive(year=YEAR)

    opinion_lines = OfficeScoreLine.objects.filter(rule__code__startswith="opinion_")
    assert sorted((line.venue, line.rule.code) for line in opinion_lines) == [
        (a, Code.OPINION_ADOPTED),
        (a, Code.OPINION_SUBMITTED),
    ]
    assert {link_for(line) for line in opinion_lines} == {f"/opinions/{adopted.pk}/"}
    before = total(a)

    # a new submitted item of B moves B's score once the save commits (no derive call)
    OfficeOpinionFactory(venue=b, submitted_on=datetime.date(YEAR, 6, 1))
    assert lines(b).count(("opinion_submitted", D("1.0"))) == 1
    assert total(a) == before
