"""The research chain's rules: progress derived from referrals, overdue on a frozen clock,
the database constraints, and the services (who may do what, in which state)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from apps.consultation import handling, services
from apps.consultation.filters import SuggestionFilter
from apps.consultation.models import (
    Instruction,
    Referral,
    Report,
    ResearchProject,
    Suggestion,
    derive_progress,
)
from apps.core.uploads import check_document
from tests.consultation.factories import (
    ClosedReferralFactory,
    DepartmentFactory,
    InstructionFactory,
    PublishedSessionFactory,
    ReferralFactory,
    RepliedReferralFactory,
    ReportFactory,
    ReportSuggestionFactory,
    ResearchProjectFactory,
    SuggestionFactory,
)
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

P = Suggestion.Progress
R = Referral.State
TZ = "Asia/Shanghai"


def progress_of(suggestion) -> str:
    return Suggestion.objects.with_progress().get(pk=suggestion.pk).progress


# --- progress ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([], P.RAISED),
        ([R.REFERRED], P.REFERRED),
        ([R.REFERRED, R.REFERRED], P.REFERRED),
        ([R.REPLIED], P.IN_PROGRESS),
        ([R.REFERRED, R.CLOSED], P.IN_PROGRESS),
        ([R.CLOSED, R.REPLIED], P.IN_PROGRESS),
        ([R.CLOSED], P.CLOSED),
        ([R.CLOSED, R.CLOSED], P.CLOSED),
    ],
)
def test_progress_follows_the_referrals(states, expected):
    assert derive_progress(states) == expected


FACTORIES = {
    R.REFERRED: ReferralFactory,
    R.REPLIED: RepliedReferralFactory,
    R.CLOSED: ClosedReferralFactory,
}


@pytest.mark.parametrize(
    "states",
    [[], [R.REFERRED], [R.REPLIED], [R.CLOSED], [R.CLOSED, R.REFERRED], [R.CLOSED, R.CLOSED]],
)
def test_the_sql_annotation_agrees_with_the_rule(states):
    suggestion = ReportSuggestionFactory()
    other = ReportSuggestionFactory()  # its referrals must not count for `suggestion`
    ClosedReferralFactory(suggestion=other)
    for state in states:
        FACTORIES[state](suggestion=suggestion, department=DepartmentFactory())
    assert progress_of(suggestion) == derive_progress(states)
    annotated = Suggestion.objects.with_progress().get(pk=suggestion.pk)
    assert annotated.referral_count == len(states)
    assert (
        Suggestion.objects.with_progress()
        .filter(progress=derive_progress(states))
        .filter(pk=suggestion.pk)
        .exists()
    )
    # A ledger row (`with_related`: the rule applied to the prefetched referrals) shows
    # the same progress, and the ledger's filter (which adds the alias) filters alike.
    (row,) = [s for s in Suggestion.objects.with_related() if s.pk == suggestion.pk]
    assert row.progress == derive_progress(states)
    assert "_progress" not in row.__dict__  # derived, not annotated
    for progress in P.values:
        filtered = SuggestionFilter(
            {"progress": progress}, queryset=Suggestion.objects.with_related()
        ).qs
        assert filtered.filter(pk=suggestion.pk).exists() == (progress == derive_progress(states))


def test_progress_moves_along_the_services(staff_user):
    suggestion = ReportSuggestionFactory()
    assert progress_of(suggestion) == P.RAISED
    referral = handling.referral_create(
        suggestion=suggestion,
        user=staff_user,
        department=DepartmentFactory(),
        referred_on=datetime.date(2021, 7, 1),
        due_on=datetime.date(2021, 8, 31),
    )
    assert progress_of(suggestion) == P.REFERRED
    handling.referral_reply(
        referral=referral,
        user=staff_user,
        text="正在推进。",
        replied_on=datetime.date(2021, 8, 10),
        implementation="B",
    )
    assert progress_of(suggestion) == P.IN_PROGRESS
    handling.referral_close(
        referral=referral,
        user=staff_user,
        satisfaction=Referral.Satisfaction.BASICALLY,
        closed_on=datetime.date(2021, 8, 20),
    )
    assert progress_of(suggestion) == P.CLOSED


# --- overdue ----------------------------------------------------------------------------------


def test_overdue_means_past_due_without_a_reply_on_a_frozen_clock():
    waiting = ReferralFactory(due_on=datetime.date(2021, 8, 31))
    replied_late = RepliedReferralFactory(
        due_on=datetime.date(2021, 8, 31), replied_on=datetime.date(2021, 9, 5)
    )
    # 2021-08-31 23:30 in Xiangcheng: due today, not overdue yet.
    with time_machine.travel(
        datetime.datetime(2021, 8, 31, 15, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert not waiting.is_overdue()
        assert not Referral.objects.overdue().exists()
        assert not Suggestion.objects.overdue().exists()
    # 2021-09-01 00:30 in Xiangcheng (still 2021-08-31 in UTC): the local date counts.
    with time_machine.travel(
        datetime.datetime(2021, 8, 31, 16, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert waiting.is_overdue()
        assert list(Referral.objects.overdue()) == [waiting]
        assert list(Suggestion.objects.overdue()) == [waiting.suggestion]
        assert Suggestion.objects.with_progress().get(pk=waiting.suggestion_id).overdue_count == 1
        assert not replied_late.is_overdue()
    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC), tick=False):
        assert set(Referral.objects.overdue()) == {waiting}


# --- database rules ---------------------------------------------------------------------------


def test_a_suggestion_has_exactly_one_source():
    report = ReportFactory()
    session = PublishedSessionFactory()
    for kwargs in ({}, {"report": report, "session": session}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Suggestion.objects.create(text="x", raised_on=datetime.date(2021, 1, 1), **kwargs)


def test_a_suggestion_takes_the_date_of_its_source():
    report = ReportFactory(submitted_on=datetime.date(2021, 6, 20))
    assert Suggestion.objects.create(report=report, text="x").raised_on == report.submitted_on
    session = PublishedSessionFactory()
    local = SuggestionFactory(session=session).raised_on
    assert local == session.held_on()


@pytest.mark.parametrize(
    "fields",
    [
        {"due_on": datetime.date(2021, 6, 1)},  # before the referral
        {"replied_on": datetime.date(2021, 8, 1)},  # a date without text or class
        {"reply_text": "x", "implementation": "A", "replied_on": datetime.date(2021, 6, 1)},
        {"closed_on": datetime.date(2021, 8, 1), "satisfaction": "satisfied"},  # no reply
    ],
)
def test_referral_constraints(fields):
    values = {
        "suggestion": ReportSuggestionFactory(),
        "department": DepartmentFactory(),
        "referred_on": datetime.date(2021, 7, 1),
        "due_on": datetime.date(2021, 8, 31),
        **fields,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(**values)


def test_one_open_referral_per_department():
    referral = ReferralFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralFactory(suggestion=referral.suggestion, department=referral.department)
    closed = ClosedReferralFactory()
    # Referred again after closing (e.g. an unsatisfied reply): allowed.
    ReferralFactory(suggestion=closed.suggestion, department=closed.department)


def test_project_dates_in_order():
    with pytest.raises(IntegrityError), transaction.atomic():
        ResearchProjectFactory(
            planned_start=datetime.date(2021, 6, 1), planned_end=datetime.date(2021, 5, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ResearchProjectFactory(actual_end=datetime.date(2021, 5, 1))


# --- services: reports and versions -----------------------------------------------------------

PDF = b"%PDF-1.4\n%%EOF\n"


def pdf(name="报告.pdf"):
    return check_document(SimpleUploadedFile(name, PDF, content_type="application/pdf"))


def test_report_versions_keep_every_file(staff_user):
    project = ResearchProjectFactory()
    report = Report(project=project, title="调研报告", submitted_on=datetime.date(2021, 6, 1))
    upload = pdf("初稿.pdf")
    report = services.report_save(
        report=report,
        user=staff_user,
        attachment=services.DocumentInput(file=upload, name="初稿.pdf", size=upload.size),
    )
    first_file = report.attachment.name
    assert report.version == 1 and first_file.endswith(".pdf")
    report.body = "修改后的正文。"
    upload = pdf("定稿.pdf")
    report = services.report_save(
        report=report,
        user=staff_user,
        attachment=services.DocumentInput(file=upload, name="定稿.pdf", size=upload.size),
        note="根据主席会议意见修改",
    )
    versions = list(report.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].attachment.name == first_file and versions[0].attachment_name == "初稿.pdf"
    assert versions[1].attachment.name == report.attachment.name != first_file
    assert versions[1].note == "根据主席会议意见修改" and versions[1].body == "修改后的正文。"
    assert report.attachment.storage.exists(first_file)


def test_a_report_needs_text_or_a_file(staff_user):
    report = Report(
        project=ResearchProjectFactory(), title="空", submitted_on=datetime.date(2021, 6, 1)
    )
    with pytest.raises(ValidationError):
        services.report_save(report=report, user=staff_user)
    assert not Report.objects.exists()


def test_only_staff_write_reports(leader_user, office_head_user):
    for user in (leader_user, office_head_user):
        report = Report(
            project=ResearchProjectFactory(),
            title="x",
            body="x",
            submitted_on=datetime.date(2021, 6, 1),
        )
        with pytest.raises(PermissionDenied):
            services.report_save(report=report, user=user)


def test_changing_the_report_date_moves_its_suggestions(staff_user):
    suggestion = ReportSuggestionFactory()
    report = suggestion.report
    report.submitted_on = datetime.date(2021, 7, 9)
    services.report_save(report=report, user=staff_user)
    suggestion.refresh_from_db()
    assert suggestion.raised_on == datetime.date(2021, 7, 9)


# --- services: instructions -------------------------------------------------------------------


def test_leaders_write_instructions_and_staff_enter_them_on_their_behalf(users):
    report = ReportFactory()
    kwargs = {
        "report": report,
        "leader_name": "李振华",
        "leader_title": "县委书记",
        "instructed_on": datetime.date(2021, 6, 25),
        "text": "请认真研究。",
    }
    by_leader = services.instruction_add(user=users["leader"], **kwargs)
    by_staff = services.instruction_add(user=users["staff"], **kwargs)
    assert not by_leader.on_behalf and by_leader.entered_by == users["leader"]
    assert by_staff.on_behalf and by_staff.entered_by == users["staff"]
    for who in ("office_head", "member"):
        with pytest.raises(PermissionDenied):
            services.instruction_add(user=users[who], **kwargs)
    assert Instruction.objects.count() == 2


def test_an_instruction_is_not_dated_before_its_report(leader_user):
    report = ReportFactory(submitted_on=datetime.date(2021, 6, 20))
    with pytest.raises(ValidationError):
        services.instruction_add(
            report=report,
            user=leader_user,
            leader_name="李振华",
            leader_title="县委书记",
            instructed_on=datetime.date(2021, 6, 19),
            text="请研究。",
        )


# --- services: suggestions and referrals ------------------------------------------------------


def test_the_outcome_gets_its_date_and_loses_it(staff_user):
    suggestion = ReportSuggestionFactory()
    suggestion.outcome = Suggestion.Outcome.ADOPTED
    with time_machine.travel(datetime.datetime(2021, 7, 3, 2, tzinfo=datetime.UTC), tick=False):
        services.suggestion_save(suggestion=suggestion, user=staff_user, members=[MemberFactory()])
    suggestion.refresh_from_db()
    assert suggestion.outcome_on == datetime.date(2021, 7, 3)
    assert suggestion.members.count() == 1
    suggestion.outcome = ""
    services.suggestion_save(suggestion=suggestion, user=staff_user, members=[])
    suggestion.refresh_from_db()
    assert suggestion.outcome_on is None and not suggestion.members.exists()


def refer(user, suggestion, **kwargs):
    values = {
        "department": DepartmentFactory(),
        "referred_on": datetime.date(2021, 7, 1),
        "due_on": datetime.date(2021, 8, 31),
        **kwargs,
    }
    return handling.referral_create(suggestion=suggestion, user=user, **values)


@pytest.mark.parametrize(
    "who", ["staff", "leader", "office_head", "other_office_head", "member", "superuser"]
)
def test_only_staff_refer_reply_and_close(users, who):
    suggestion = ReportSuggestionFactory()
    referral = ReferralFactory()
    user = users[who]
    allowed = who in ("staff", "superuser")
    if not allowed:
        with pytest.raises(PermissionDenied):
            refer(user, suggestion)
        with pytest.raises(PermissionDenied):
            handling.referral_reply(
                referral=referral,
                user=user,
                text="x",
                replied_on=datetime.date(2021, 8, 1),
                implementation="A",
            )
        replied = RepliedReferralFactory()
        with pytest.raises(PermissionDenied):
            handling.referral_close(
                referral=replied,
                user=user,
                satisfaction="satisfied",
                closed_on=datetime.date(2021, 8, 9),
            )
        assert not suggestion.referrals.exists()
        return
    co = DepartmentFactory()
    created = refer(user, suggestion, co_departments=[co])
    assert created.referred_by == user and list(created.co_departments.all()) == [co]
    assert created.history.latest().history_user == user


def test_a_referral_follows_an_instruction_on_its_own_report(staff_user):
    suggestion = ReportSuggestionFactory()
    own = InstructionFactory(report=suggestion.report)
    foreign = InstructionFactory()
    with pytest.raises(ValidationError) as error:
        refer(staff_user, suggestion, instruction=foreign)
    assert "instruction" in error.value.message_dict
    assert refer(staff_user, suggestion, instruction=own).instruction == own


def test_a_referral_refuses_bad_dates_and_duplicates(staff_user):
    suggestion = ReportSuggestionFactory()
    with pytest.raises(ValidationError) as error:
        refer(staff_user, suggestion, due_on=datetime.date(2021, 6, 30))
    assert "due_on" in error.value.message_dict
    department = DepartmentFactory()
    refer(staff_user, suggestion, department=department)
    with pytest.raises(ValidationError) as error:
        refer(staff_user, suggestion, department=department)
    assert "department" in error.value.message_dict
    assert suggestion.referrals.count() == 1


def test_a_reply_then_a_close_in_that_order(staff_user):
    referral = ReferralFactory()
    with pytest.raises(ValidationError):
        handling.referral_close(
            referral=referral,
            user=staff_user,
            satisfaction="satisfied",
            closed_on=datetime.date(2021, 8, 9),
        )
    with pytest.raises(ValidationError) as error:
        handling.referral_reply(
            referral=referral,
            user=staff_user,
            text="x",
            replied_on=datetime.date(2021, 6, 1),
            implementation="A",
        )
    assert "replied_on" in error.value.message_dict
    assert "2021-07-01" in error.value.message_dict["replied_on"][0]
    handling.referral_reply(
        referral=referral,
        user=staff_user,
        text="已解决。",
        replied_on=datetime.date(2021, 8, 1),
        implementation="A",
    )
    with pytest.raises(ValidationError):
        handling.referral_close(
            referral=referral,
            user=staff_user,
            satisfaction="nope",
            closed_on=datetime.date(2021, 8, 9),
        )
    with pytest.raises(ValidationError):
        handling.referral_close(
            referral=referral,
            user=staff_user,
            satisfaction="satisfied",
            closed_on=datetime.date(2021, 7, 9),
        )
    handling.referral_close(
        referral=referral,
        user=staff_user,
        satisfaction="satisfied",
        closed_on=datetime.date(2021, 8, 9),
    )
    referral.refresh_from_db()
    assert referral.state == R.CLOSED and referral.closed_by == staff_user
    with pytest.raises(ValidationError):
        handling.referral_reply(
            referral=referral,
            user=staff_user,
            text="改",
            replied_on=datetime.date(2021, 8, 2),
            implementation="B",
        )
    with pytest.raises(ValidationError):
        handling.referral_close(
            referral=referral,
            user=staff_user,
            satisfaction="satisfied",
            closed_on=datetime.date(2021, 8, 9),
        )


def test_a_project_keeps_its_team_leader_in_the_team(staff_user):
    leader, other = MemberFactory(), MemberFactory()
    project = ResearchProject(
        topic=ResearchProjectFactory().topic,
        title="新调研",
        lead_unit=ResearchProjectFactory().lead_unit,
        planned_start=datetime.date(2021, 3, 1),
        planned_end=datetime.date(2021, 5, 1),
        team_leader=leader,
    )
    project = services.project_save(project=project, user=staff_user, team=[other])
    assert set(project.team.all()) == {leader, other}
