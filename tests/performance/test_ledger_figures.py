"""The ledger's figures, pinned: a year with a record of every source kind gives these
exact lines and totals, and saving each kind of record re-derives its year. Written
before the ledger's plumbing moved into one module, so the move provably keeps them."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.consultation.models import Suggestion
from apps.performance.models import Attendance, Category, Evaluation, Meeting, PointEntry
from apps.performance.services import ledger_derive
from tests.consultation.factories import (
    PublishedSessionFactory,
    ResearchProjectFactory,
    SessionFactory,
    SubmittedSessionFactory,
    SuggestionFactory,
)
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
SHANGHAI = ZoneInfo("Asia/Shanghai")
Status = Attendance.Status
CATEGORIES = Category.values


def day(month, dom):
    return datetime.date(YEAR, month, dom)


@pytest.fixture
def year_of_every_source():
    """Two members with a record of every source kind (and one member with none); a
    few records outside the year or not counting, which must earn nothing."""
    standard_rules()
    standard_rules(YEAR + 1)
    jia = CpcMemberFactory(name="甲委员", is_standing=True)
    yi = MemberFactory(name="乙委员")
    idle = MemberFactory(name="丙委员")
    pairing = PairingFactory(cpc_member=jia, partner=yi)

    plenary = MeetingFactory(kind=Meeting.Kind.PLENARY, date=day(1, 10))
    standing = MeetingFactory(kind=Meeting.Kind.STANDING, date=day(3, 20))
    standing2 = MeetingFactory(kind=Meeting.Kind.STANDING, date=day(6, 20))
    chairs = MeetingFactory(kind=Meeting.Kind.CHAIRS, date=day(4, 2))
    chairs2 = MeetingFactory(kind=Meeting.Kind.CHAIRS, date=day(9, 2))
    next_year = MeetingFactory(kind=Meeting.Kind.STANDING, date=datetime.date(YEAR + 1, 1, 8))
    for meeting in (plenary, standing, chairs, chairs2, next_year):
        AttendanceFactory(meeting=meeting, member=jia, status=Status.PRESENT)
    AttendanceFactory(meeting=standing2, member=jia, status=Status.LEAVE, leave_approved=False)
    AttendanceFactory(meeting=plenary, member=yi, status=Status.LATE)
    AttendanceFactory(
        meeting=standing,
        member=yi,
        role=Attendance.Role.OBSERVER,
        status=Status.LEAVE,
        leave_approved=True,
    )
    AttendanceFactory(meeting=chairs, member=yi, status=Status.ABSENT)

    ContactRecordFactory(pairing=pairing, date=day(5, 1))
    ContactRecordFactory(pairing=pairing, date=day(7, 1))
    DutyReportFactory(member=jia, submitted_on=day(12, 1))
    StudySessionFactory(date=day(3, 5), attendees=[jia, yi])
    StudySessionFactory(date=day(8, 5), attendees=[yi])

    session = PublishedSessionFactory(
        started_at=datetime.datetime(YEAR, 4, 15, 9, tzinfo=SHANGHAI), members=[jia, yi]
    )
    PublishedSessionFactory(  # a published session of the next year
        started_at=datetime.datetime(YEAR + 1, 2, 1, 9, tzinfo=SHANGHAI), members=[yi]
    )
    ResearchProjectFactory(team=[jia], actual_start=day(3, 1), actual_end=day(10, 31))
    SuggestionFactory(
        session=session,
        members=[jia],
        raised_on=day(4, 15),
        outcome=Suggestion.Outcome.ADOPTED,
        outcome_on=day(11, 1),
    )
    SuggestionFactory(session=session, members=[yi], raised_on=day(4, 15))
    return {"jia": jia, "yi": yi, "idle": idle}


def lines(member):
    return [
        (e.rule.code, e.points, e.date)
        for e in PointEntry.objects.filter(member=member, year=YEAR)
        .select_related("rule")
        .order_by("date", "rule__code", "pk")
    ]


def test_a_year_of_every_source_derives_these_exact_lines_and_totals(year_of_every_source):
    jia, yi, idle = (year_of_every_source[k] for k in ("jia", "yi", "idle"))

    result = ledger_derive(year=YEAR)

    assert (result.configured, result.created, result.updated, result.deleted) == (
        True,
        23,
        0,
        0,
    )
    assert lines(jia) == [
        ("plenary_attend", D("10.0"), day(1, 10)),
        ("study_attend", D("1.0"), day(3, 5)),
        ("standing_attend", D("5.0"), day(3, 20)),
        ("meeting_attend", D("3.0"), day(4, 2)),
        ("session_participation", D("3.0"), day(4, 15)),
        ("suggestion_proposed", D("2.0"), day(4, 15)),
        ("contact_record", D("1.0"), day(5, 1)),
        ("absence_unexcused", D("-5.0"), day(6, 20)),
        ("contact_record", D("1.0"), day(7, 1)),
        ("meeting_attend", D("3.0"), day(9, 2)),
        ("research_team", D("5.0"), day(10, 31)),
        ("suggestion_adopted", D("5.0"), day(11, 1)),
        ("duty_report", D("5.0"), day(12, 1)),
    ]
    assert lines(yi) == [
        ("late_or_early", D("-1.0"), day(1, 10)),
        ("plenary_attend", D("10.0"), day(1, 10)),
        ("study_attend", D("1.0"), day(3, 5)),
        ("leave_approved", D("1.0"), day(3, 20)),
        ("absence_unexcused", D("-5.0"), day(4, 2)),
        ("session_participation", D("3.0"), day(4, 15)),
        ("suggestion_proposed", D("2.0"), day(4, 15)),
        ("contact_record", D("1.0"), day(5, 1)),
        ("contact_record", D("1.0"), day(7, 1)),
        ("study_attend", D("1.0"), day(8, 5)),
    ]
    assert lines(idle) == []
    evaluations = {
        e.member_id: e
        for e in Evaluation.objects.filter(year=YEAR, member__in=[jia, yi, idle]).select_related(
            "grade"
        )
    }
    figures = {
        name: (
            evaluations[member.pk].total,
            [getattr(evaluations[member.pk], f"points_{c}") for c in CATEGORIES],
            evaluations[member.pk].grade.label,
            evaluations[member.pk].rank,
        )
        for name, member in (("jia", jia), ("yi", yi), ("idle", idle))
    }
    assert figures == {
        # total, by category (meeting, activity, research, suggestion, contact, study,
        # other), grade, rank
        "jia": (D("39.0"), [D(p) for p in ["16", "3", "5", "7", "2", "1", "5"]], "称职", 1),
        "yi": (D("14.0"), [D(p) for p in ["5", "3", "0", "2", "2", "2", "0"]], "不称职", 2),
        "idle": (D("0.0"), [D(0)] * 7, "不称职", 3),
    }
    # the next year's records are the next year's
    ledger_derive(year=YEAR + 1)
    assert sorted(
        PointEntry.objects.filter(year=YEAR + 1).values_list("member__name", "rule__code")
    ) == [("乙委员", "session_participation"), ("甲委员", "standing_attend")]


# --------------------------------------------------------------------------- kept current


def _make(kind):
    """A record of `kind` in YEAR and the change that must re-derive YEAR."""
    if kind == "attendance":
        record = AttendanceFactory()
        return lambda: record.save()
    if kind == "attendance_deleted":
        record = AttendanceFactory()
        return lambda: record.delete()
    if kind == "meeting":
        record = MeetingFactory()
        return lambda: record.save()
    if kind == "contact_record":
        record = ContactRecordFactory()
        return lambda: record.save()
    if kind == "pairing":  # the years of its contact records
        record = ContactRecordFactory().pairing
        return lambda: record.save()
    if kind == "duty_report":
        record = DutyReportFactory()
        return lambda: record.save()
    if kind == "study_session_attendees":
        record = StudySessionFactory()
        return lambda: record.attendees.add(MemberFactory())
    if kind == "session_members":
        record = PublishedSessionFactory(
            started_at=datetime.datetime(YEAR, 5, 1, 9, tzinfo=SHANGHAI)
        )
        return lambda: record.members.add(MemberFactory())
    if kind == "research_project_team":
        record = ResearchProjectFactory(actual_start=day(3, 1))
        return lambda: record.team.add(MemberFactory())
    if kind == "suggestion":  # of a session held (a draft's suggestion earns nothing)
        record = SuggestionFactory(raised_on=day(4, 1), session=SubmittedSessionFactory())
        return lambda: record.save()
    if kind == "suggestion_members":
        record = SuggestionFactory(raised_on=day(4, 1), session=SubmittedSessionFactory())
        return lambda: record.members.add(MemberFactory())
    if kind == "session_submitted":  # its suggestions are raised now
        record = SessionFactory(started_at=datetime.datetime(YEAR, 5, 1, 9, tzinfo=SHANGHAI))
        SuggestionFactory(raised_on=day(5, 1), session=record)

        def submit():
            record.state = record.State.SUBMITTED
            record.submitted_at = record.started_at
            record.save()

        return submit
    if kind == "point_rule":
        record = standard_rules()["duty_report"]
        return lambda: record.save()
    if kind == "grade_threshold":
        standard_rules()
        from apps.performance.models import GradeThreshold

        record = GradeThreshold.objects.filter(year=YEAR).first()
        return lambda: record.save()
    raise AssertionError(kind)


def _drain(capture):
    """Derive (here: record) the years noted by the test's set-up, whose transaction
    never commits, so that what follows sees only its own change."""
    from apps.performance.services import ledger_schedule

    with capture(execute=True):
        ledger_schedule([YEAR])


@pytest.mark.parametrize(
    "kind",
    [
        "attendance",
        "attendance_deleted",
        "meeting",
        "contact_record",
        "pairing",
        "duty_report",
        "study_session_attendees",
        "session_members",
        "research_project_team",
        "suggestion",
        "suggestion_members",
        "session_submitted",
        "point_rule",
        "grade_threshold",
    ],
)
def test_changing_a_source_of_each_kind_rederives_its_year_once_on_commit(
    kind, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.performance import services

    change = _make(kind)
    derived = []
    monkeypatch.setattr(services, "ledger_derive", lambda **kw: derived.append(kw))
    _drain(django_capture_on_commit_callbacks)
    derived.clear()

    with django_capture_on_commit_callbacks(execute=True):
        change()
        assert derived == []  # not before the commit

    assert derived == [{"year": YEAR}]


def test_saving_a_draft_session_with_its_suggestions_derives_nothing(
    monkeypatch, django_capture_on_commit_callbacks
):
    """A draft earns nothing and raises nothing: saving it (an office head's form, many
    times over) costs no derivation of the year."""
    from apps.performance import services

    session = SessionFactory(started_at=datetime.datetime(YEAR, 5, 1, 9, tzinfo=SHANGHAI))
    derived = []
    monkeypatch.setattr(services, "ledger_derive", lambda **kw: derived.append(kw))
    _drain(django_capture_on_commit_callbacks)
    derived.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session.members.add(MemberFactory())
        SuggestionFactory(raised_on=day(5, 1), session=session, members=[MemberFactory()])
        session.save()
    assert derived == []


def test_records_of_other_models_do_not_touch_the_ledger(
    monkeypatch, django_capture_on_commit_callbacks
):
    from apps.performance import services

    member = MemberFactory()
    derived = []
    monkeypatch.setattr(services, "ledger_derive", lambda **kw: derived.append(kw))
    _drain(django_capture_on_commit_callbacks)
    derived.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member.save()
        PairingFactory()  # a pairing without contact records has no year
    assert derived == []
