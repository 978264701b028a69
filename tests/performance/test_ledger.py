"""The ledger: derived from the source records by one service, idempotent, capped, with
staff adjustments that survive; evaluations with grades and ranks."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.performance.ledger import COLLECTORS, Code, Collector, Fact, link_for
from apps.performance.models import (
    Attendance,
    Evaluation,
    GradeThreshold,
    Meeting,
    PointEntry,
    PointRule,
)
from apps.performance.services import (
    PendingYears,
    award,
    competition_ranks,
    evaluations_recompute,
    grade_for,
    ledger_adjust,
    ledger_adjustment_delete,
    ledger_derive,
    ledger_schedule,
)
from tests.accounts.factories import UserFactory
from tests.members.factories import (
    ContactRecordFactory,
    CpcMemberFactory,
    MemberFactory,
    PairingFactory,
)

from .factories import (
    YEAR,
    AttendanceFactory,
    DutyReportFactory,
    MeetingFactory,
    StudySessionFactory,
    standard_rules,
)

pytestmark = pytest.mark.django_db

D = Decimal


def ledger(member, year=YEAR):
    return sorted(
        (e.rule.code if e.rule else "adjustment", e.points)
        for e in PointEntry.objects.filter(member=member, year=year).select_related("rule")
    )


@pytest.fixture
def rules():
    return standard_rules()


@pytest.fixture
def county(rules):
    """Two members of each kind: a standing CPC member paired with a non-CPC member."""
    standing = CpcMemberFactory(name="王常委", is_standing=True)
    partner = MemberFactory(name="李委员")
    pairing = PairingFactory(cpc_member=standing, partner=partner)
    meeting = MeetingFactory(kind=Meeting.Kind.STANDING, date=datetime.date(YEAR, 5, 20))
    AttendanceFactory(meeting=meeting, member=standing, status=Attendance.Status.PRESENT)
    absent = AttendanceFactory(
        meeting=meeting,
        member=partner,
        role=Attendance.Role.OBSERVER,
        status=Attendance.Status.ABSENT,
    )
    contact = ContactRecordFactory(pairing=pairing, date=datetime.date(YEAR, 6, 1))
    report = DutyReportFactory(member=standing)
    StudySessionFactory(attendees=[partner])
    return {
        "standing": standing,
        "partner": partner,
        "meeting": meeting,
        "absent": absent,
        "contact": contact,
        "report": report,
        "pairing": pairing,
    }


def test_derive_turns_each_fact_into_a_ledger_line(county):
    result = ledger_derive(year=YEAR)

    assert result.configured and result.created == 6
    assert ledger(county["standing"]) == [
        ("contact_record", D("1.0")),
        ("duty_report", D("5.0")),
        ("standing_attend", D("5.0")),
    ]
    assert ledger(county["partner"]) == [
        ("absence_unexcused", D("-5.0")),
        ("contact_record", D("1.0")),
        ("study_attend", D("1.0")),
    ]
    evaluation = Evaluation.objects.get(member=county["standing"], year=YEAR)
    assert evaluation.total == D("11.0")
    assert evaluation.points_meeting == D("5.0")
    assert evaluation.points_contact == D("1.0")
    assert evaluation.points_other == D("5.0")
    assert evaluation.rank == 1
    assert Evaluation.objects.get(member=county["partner"], year=YEAR).total == D("-3.0")


def test_deriving_twice_changes_nothing(county):
    ledger_derive(year=YEAR)
    entries = list(PointEntry.objects.order_by("pk").values())
    evaluations = list(Evaluation.objects.order_by("pk").values())
    history = PointEntry.history.count()

    again = ledger_derive(year=YEAR)

    assert not again.changed and again.evaluations == 0
    assert list(PointEntry.objects.order_by("pk").values()) == entries
    assert list(Evaluation.objects.order_by("pk").values()) == evaluations
    assert PointEntry.history.count() == history


def test_editing_or_deleting_a_source_moves_the_points(county):
    ledger_derive(year=YEAR)
    absent = county["absent"]

    absent.status = Attendance.Status.PRESENT
    absent.save()
    county["contact"].delete()
    result = ledger_derive(year=YEAR)

    assert (result.created, result.deleted) == (1, 3)
    assert ledger(county["partner"]) == [
        ("standing_attend", D("5.0")),
        ("study_attend", D("1.0")),
    ]
    assert ledger(county["standing"]) == [
        ("duty_report", D("5.0")),
        ("standing_attend", D("5.0")),
    ]
    assert Evaluation.objects.get(member=county["partner"], year=YEAR).total == D("6.0")
    # the deletions are in the history, with their reason
    assert PointEntry.history.filter(history_type="-").count() == 3


def test_changed_descriptions_and_rule_points_are_updated_in_place(county, rules):
    ledger_derive(year=YEAR)
    entry = PointEntry.objects.get(member=county["standing"], rule__code="standing_attend")
    county["meeting"].title = "常务委员会第二十二次会议"
    county["meeting"].save()
    rules["standing_attend"].points = D("6.0")
    rules["standing_attend"].save()

    result = ledger_derive(year=YEAR)

    # both lines of the meeting (the absence too) take the new title
    assert result.updated == 2 and result.created == result.deleted == 0
    entry.refresh_from_db()
    assert entry.points == D("6.0")
    assert entry.description.startswith("常务委员会第二十二次会议")


def test_a_rule_turned_off_earns_nothing_and_a_year_without_rules_is_not_evaluated(county, rules):
    ledger_derive(year=YEAR)
    PointRule.objects.filter(code="contact_record").update(is_active=False)
    ledger_derive(year=YEAR)
    assert ("contact_record", D("1.0")) not in ledger(county["standing"])

    assert ledger_derive(year=YEAR + 1).configured is False
    assert not Evaluation.objects.filter(year=YEAR + 1).exists()


def test_a_cap_limits_a_rule_per_member_and_year(rules):
    cpc, partner = CpcMemberFactory(), MemberFactory()
    pairing = PairingFactory(cpc_member=cpc, partner=partner)
    for day in range(15):
        ContactRecordFactory(pairing=pairing, date=datetime.date(YEAR, 1, 1 + day))
    other_pairing = PairingFactory(partner=MemberFactory())  # two of a kind: not capped by ours
    ContactRecordFactory(pairing=other_pairing)

    ledger_derive(year=YEAR)

    lines = PointEntry.objects.filter(member=cpc, rule__code="contact_record").order_by("date")
    assert [e.points for e in lines] == [D("1.0")] * 12 + [D("0.0")] * 3
    assert [e.capped for e in lines] == [False] * 12 + [True] * 3
    assert Evaluation.objects.get(member=partner, year=YEAR).points_contact == D("12.0")
    assert Evaluation.objects.get(member=other_pairing.partner, year=YEAR).points_contact == D(
        "1.0"
    )


def test_deductions_are_capped_too(rules):
    member = MemberFactory()
    for month in range(1, 7):
        AttendanceFactory(
            member=member,
            meeting=MeetingFactory(date=datetime.date(YEAR, month, 10)),
            status=Attendance.Status.ABSENT,
        )
    ledger_derive(year=YEAR)
    evaluation = Evaluation.objects.get(member=member, year=YEAR)
    assert evaluation.points_meeting == D("-20.0")  # cap 20 on a -5 deduction


def test_award_partial_cap_and_no_cap():
    assert award(D("5.0"), D("12.0"), 4) == [
        (D("5.0"), False),
        (D("5.0"), False),
        (D("2.0"), True),
        (D("0.0"), True),
    ]
    assert award(D("-5.0"), D("7.0"), 3) == [
        (D("-5.0"), False),
        (D("-2.0"), True),
        (D("0.0"), True),
    ]
    assert award(D("2.0"), None, 3) == [(D("2.0"), False)] * 3


def test_staff_adjustments_survive_rederivation(county):
    staff = UserFactory()
    ledger_derive(year=YEAR)
    entry = ledger_adjust(
        member=county["partner"],
        year=YEAR,
        category="other",
        points=D("3.5"),
        reason="县领导表扬",
        date=datetime.date(YEAR, 8, 1),
        user=staff,
    )
    assert Evaluation.objects.get(member=county["partner"], year=YEAR).total == D("0.5")

    county["contact"].delete()
    ledger_derive(year=YEAR)

    entry.refresh_from_db()
    assert entry.created_by == staff and entry.reason == "县领导表扬" and entry.created_at
    assert Evaluation.objects.get(member=county["partner"], year=YEAR).total == D("-0.5")
    assert entry.history.first().history_type == "+"

    ledger_adjustment_delete(entry=entry)
    assert Evaluation.objects.get(member=county["partner"], year=YEAR).total == D("-4.0")


def test_an_adjustment_needs_a_reason_and_a_date_in_its_year(county):
    from django.core.exceptions import ValidationError

    for reason, date in [
        ("  ", datetime.date(YEAR, 1, 1)),
        ("理由", datetime.date(YEAR + 1, 1, 1)),
    ]:
        with pytest.raises(ValidationError):
            ledger_adjust(
                member=county["partner"],
                year=YEAR,
                category="other",
                points=D("1"),
                reason=reason,
                date=date,
                user=None,
            )
    assert not PointEntry.objects.adjustments().exists()


def test_derived_lines_cannot_be_deleted_as_adjustments(county):
    from django.core.exceptions import ValidationError

    ledger_derive(year=YEAR)
    with pytest.raises(ValidationError):
        ledger_adjustment_delete(entry=PointEntry.objects.derived().first())


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("80", "优秀"),
        ("50.0", "优秀"),
        ("49.9", "称职"),
        ("25", "称职"),
        ("24.9", "基本称职"),
        ("15", "基本称职"),
        ("14.9", "不称职"),
        ("0", "不称职"),
        ("-12", "不称职"),
    ],
)
def test_grade_boundaries(rules, total, grade):
    thresholds = list(GradeThreshold.objects.filter(year=YEAR))
    assert grade_for(D(total), thresholds).label == grade


def test_grade_needs_thresholds_and_ties_share_a_rank():
    assert grade_for(D("10"), []) is None
    assert competition_ranks({1: D("9"), 2: D("12"), 3: D("9"), 4: D("1")}) == {
        2: 1,
        1: 2,
        3: 2,
        4: 4,
    }


def test_the_grade_follows_the_total_through_derivation(rules):
    member = MemberFactory()
    for month in (3, 5, 7, 9, 11):  # 5 standing meetings × 5 = 25 points: 称职
        AttendanceFactory(member=member, meeting=MeetingFactory(date=datetime.date(YEAR, month, 2)))
    ledger_derive(year=YEAR)
    evaluation = Evaluation.objects.select_related("grade").get(member=member, year=YEAR)
    assert (evaluation.total, evaluation.grade.label) == (D("25.0"), "称职")

    GradeThreshold.objects.filter(year=YEAR, label="称职").update(min_total=D("26"))
    evaluations_recompute(year=YEAR)
    evaluation.refresh_from_db()
    assert evaluation.grade.label == "基本称职"


def test_every_active_member_of_the_term_is_evaluated_even_without_points(county):
    idle = MemberFactory(name="赵委员")
    ledger_derive(year=YEAR)
    evaluation = Evaluation.objects.select_related("grade").get(member=idle, year=YEAR)
    assert evaluation.total == 0
    assert evaluation.grade.label == "不称职"
    assert evaluation.rank == 2  # behind 11 points, ahead of -3


def test_deriving_some_members_leaves_the_others_alone_but_ranks_everyone(county):
    ledger_derive(year=YEAR)
    other_entries = ledger(county["standing"])
    county["absent"].status = Attendance.Status.PRESENT
    county["absent"].save()
    AttendanceFactory(
        member=county["standing"],
        meeting=MeetingFactory(date=datetime.date(YEAR, 9, 1)),
    )

    ledger_derive(year=YEAR, members=[county["partner"]])

    assert ledger(county["standing"]) == other_entries  # not touched
    ranks = dict(Evaluation.objects.filter(year=YEAR).values_list("member__name", "rank"))
    assert ranks == {"李委员": 2, "王常委": 1}
    partner_eval = Evaluation.objects.get(member=county["partner"], year=YEAR)
    assert partner_eval.total == D("7.0")


def test_a_new_collector_plugs_in_without_changing_the_ledger(county):
    # given a new source kind (the meeting stands in for its records)
    member = county["partner"]

    def collect_sessions(*, year, members):
        yield Fact(
            member.pk,
            Code.SESSION,
            Fact.type_id(Meeting),
            county["meeting"].pk,
            datetime.date(year, 4, 1),
            "参加协商活动",
        )

    # when it is added to the sources, its facts earn points
    ledger_derive(year=YEAR, collectors=(*COLLECTORS, Collector("test_sessions", collect_sessions)))
    assert ("session_participation", D("3.0")) in ledger(member)
    # and with the sources of the house they are gone again
    ledger_derive(year=YEAR)
    assert ("session_participation", D("3.0")) not in ledger(member)


def test_each_collector_costs_a_fixed_number_of_queries(rules):
    def derive_queries():
        with CaptureQueriesContext(connection) as ctx:
            ledger_derive(year=YEAR)
        return len(ctx)

    def add_county(n):
        for _ in range(n):
            pairing = PairingFactory()
            ContactRecordFactory(pairing=pairing)
            AttendanceFactory(member=pairing.partner)
            DutyReportFactory(member=pairing.cpc_member)
            StudySessionFactory(attendees=[pairing.partner])

    def wipe():
        for model in (PointEntry, Evaluation):
            rows = model.objects.all()
            rows._raw_delete(rows.db)

    derive_queries()  # warm the content-type cache
    add_county(2)
    first_small = derive_queries()
    noop_small = derive_queries()
    add_county(8)  # 50 lines: still one insert batch (and one of history) on SQLite
    wipe()
    first_large = derive_queries()
    noop_large = derive_queries()

    assert first_small == first_large
    assert noop_small == noop_large
    # rules, one query per collector, the ledger, sums, evaluations, terms, members,
    # grades, savepoints
    assert noop_large <= 11 + len(COLLECTORS)


def test_ledger_lines_link_to_their_source(county):
    ledger_derive(year=YEAR)
    entries = {
        e.rule.code: e for e in PointEntry.objects.filter(member=county["standing"]).with_related()
    }
    assert link_for(entries["standing_attend"]) == county["meeting"].get_absolute_url() + (
        f"#attendance-{Attendance.objects.get(member=county['standing']).pk}"
    )
    assert link_for(entries["duty_report"]) == county["report"].get_absolute_url()
    # contact records live on the members app's page; no link until it exists
    from django.urls import NoReverseMatch, reverse

    try:
        expected = reverse("members:detail", args=[county["standing"].pk])
    except NoReverseMatch:
        expected = None
    assert link_for(entries["contact_record"]) == expected


class TestKeptCurrentOnSave:
    """Saving a watched source re-derives its year when the transaction commits."""

    def test_attendance_saved_and_deleted(self, rules, django_capture_on_commit_callbacks):
        member = MemberFactory()
        with django_capture_on_commit_callbacks(execute=True):
            attendance = AttendanceFactory(member=member)
        assert ledger(member) == [("standing_attend", D("5.0"))]

        with django_capture_on_commit_callbacks(execute=True):
            attendance.delete()
        assert ledger(member) == []
        assert Evaluation.objects.get(member=member, year=YEAR).total == 0

    def test_a_meeting_moved_to_another_year_rederives_both(
        self, rules, django_capture_on_commit_callbacks
    ):
        member = MemberFactory()
        with django_capture_on_commit_callbacks(execute=True):
            attendance = AttendanceFactory(member=member)
        meeting = attendance.meeting
        with django_capture_on_commit_callbacks(execute=True):
            meeting.date = datetime.date(YEAR + 1, 1, 5)
            meeting.save()
        assert ledger(member) == []

    def test_study_attendees_added_from_either_side(
        self, rules, django_capture_on_commit_callbacks
    ):
        member = MemberFactory()
        session = StudySessionFactory()
        with django_capture_on_commit_callbacks(execute=True):
            session.attendees.add(member)
        assert ledger(member) == [("study_attend", D("1.0"))]
        other = StudySessionFactory(date=datetime.date(YEAR, 4, 9))
        with django_capture_on_commit_callbacks(execute=True):
            member.study_sessions.add(other)
        assert ledger(member) == [("study_attend", D("1.0"))] * 2

    def test_a_rule_change_rederives(self, county, rules, django_capture_on_commit_callbacks):
        ledger_derive(year=YEAR)
        with django_capture_on_commit_callbacks(execute=True):
            rules["duty_report"].points = D("8.0")
            rules["duty_report"].save()
        assert ("duty_report", D("8.0")) in ledger(county["standing"])

    def test_many_saves_in_one_transaction_derive_once(
        self, rules, monkeypatch, django_capture_on_commit_callbacks
    ):
        from apps.performance import services

        derived = []
        real = services.ledger_derive
        monkeypatch.setattr(
            services, "ledger_derive", lambda **kw: derived.append(kw) or real(**kw)
        )
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(5):
                AttendanceFactory()
            ledger_schedule([YEAR + 1])
        assert derived == [{"year": YEAR}, {"year": YEAR + 1}]
        assert PointEntry.objects.filter(rule__code="standing_attend").count() == 5

    def test_a_rolled_back_change_does_not_stop_later_derivations(
        self, rules, django_capture_on_commit_callbacks
    ):
        member = MemberFactory()
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                AttendanceFactory(member=member)
                raise RuntimeError
            AttendanceFactory(member=member, meeting=MeetingFactory(date=datetime.date(YEAR, 8, 8)))
        assert ledger(member) == [("standing_attend", D("5.0"))]

    def test_a_failed_derivation_is_logged_never_raised(
        self, rules, monkeypatch, caplog, django_capture_on_commit_callbacks
    ):
        from apps.performance import services

        def fail(**kwargs):
            raise RuntimeError("derivation failed")

        monkeypatch.setattr(services, "ledger_derive", fail)
        with django_capture_on_commit_callbacks(execute=True):
            attendance = AttendanceFactory()
        assert Attendance.objects.filter(pk=attendance.pk).exists()
        assert "derivation failed" in caplog.text

    def test_pending_years_wait_per_database_alias(self):
        pending = PendingYears()
        pending.note([YEAR + 1, None, YEAR], using="default")
        pending.note([YEAR], using="other")
        assert pending.by_alias == {"default": {YEAR, YEAR + 1}, "other": {YEAR}}
        assert [pending.take("default"), pending.take("default"), pending.take("default")] == [
            YEAR,
            YEAR + 1,
            None,
        ]
        assert pending.take("other") == YEAR


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_move_rederives_both_years_at_once():
    # given a member's attendance at a meeting of YEAR, saved in autocommit mode
    standard_rules()
    standard_rules(YEAR + 1)
    member = MemberFactory()
    attendance = AttendanceFactory(member=member)
    assert ledger(member) == [("standing_attend", D("5.0"))]
    # when the meeting moves to the next year, outside any transaction
    meeting = attendance.meeting
    meeting.date = datetime.date(YEAR + 1, 1, 5)
    meeting.save()
    # then both years are derived at once: the points moved with it
    assert ledger(member) == []
    assert ledger(member, YEAR + 1) == [("standing_attend", D("5.0"))]
