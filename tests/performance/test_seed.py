import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.consultation.models import Session
from apps.members.models import Member
from apps.performance.models import (
    Attendance,
    AttendanceBatch,
    DutyReport,
    Evaluation,
    GradeThreshold,
    Meeting,
    PointEntry,
    PointRule,
    StudySession,
)
from tests.members.factories import (
    ContactRecordFactory,
    CpcMemberFactory,
    MemberFactory,
    PairingFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    PointRule,
    GradeThreshold,
    Meeting,
    Attendance,
    AttendanceBatch,
    DutyReport,
    StudySession,
    PointEntry,
    Evaluation,
]


@pytest.fixture(autouse=True)
def _only_platform_and_performance_seeds(monkeypatch):
    """These tests make their own members: the county seeds of the other apps stay out."""
    import apps.consultation.seed
    import apps.members.seed
    import apps.venues.seed

    for module in (apps.members.seed, apps.venues.seed, apps.consultation.seed):
        monkeypatch.setattr(module, "seed", lambda ctx: None)


def seed(*args):
    out = io.StringIO()
    call_command("seed_xiangcheng", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model: model.objects.count() for model in MODELS}


def test_seed_without_members_creates_what_it_can():
    seed()
    # 13 + six proposal rules + four 社情民意 rules
    assert PointRule.objects.filter(year=2021).count() == 23
    assert set(GradeThreshold.objects.values_list("label", flat=True)) == {
        "优秀",
        "称职",
        "基本称职",
        "不称职",
    }
    assert Meeting.objects.filter(kind="plenary").count() == 1
    assert Meeting.objects.filter(kind="standing").count() == 6
    assert Meeting.objects.filter(kind="chairs").count() == 6
    sessions = StudySession.objects.of_year(2021)
    assert sessions.count() >= 48
    assert sessions.filter(kind="business").exists()
    # some staff have not spoken yet: they stand out on the study page
    speakers = set(sessions.values_list("speaker__username", flat=True))
    assert "staff01" in speakers and "staff25" not in speakers
    assert not Attendance.objects.exists()
    assert "Nothing to add" in seed()


def test_seed_with_members_plans_records_and_derives_idempotently():
    # Fixed member numbers: the seed decides who has not reported yet from the number, so
    # the factory's sequence (which depends on the tests run before) must not decide it.
    standing = [CpcMemberFactory(is_standing=True, member_no=f"S{i:03d}") for i in range(8)]
    others = [MemberFactory(member_no=f"O{i:03d}") for i in range(20)]
    for i, partner in enumerate(others[:10]):
        ContactRecordFactory(pairing=PairingFactory(cpc_member=standing[i % 8], partner=partner))

    output = seed("--demo-users")

    # The summary counts the rows created (the seed derives twice: 256 printed as 257).
    assert f"+ {Evaluation.objects.count()} evaluations\n" in output
    assert f"+ {PointEntry.objects.count()} point entries\n" in output
    batches = AttendanceBatch.objects.filter(meeting__date__year=2021)
    assert batches.count() == 6
    invited = [m for b in batches for m in b.members.all()]
    assert sorted(m.pk for m in invited) == sorted(m.pk for m in others)
    plenary = Meeting.objects.get(kind="plenary")
    assert plenary.attendances.count() == 28
    assert Attendance.objects.filter(role="observer").count() == 20
    assert DutyReport.objects.filter(year=2021).count() in range(5, 9)
    assert Evaluation.objects.filter(year=2021).count() == Member.objects.count()
    assert PointEntry.objects.filter(rule__code="contact_record").exists()
    assert Evaluation.objects.filter(grade__isnull=True).count() == 0
    # the demo member got a member record and so a ledger
    demo = Member.objects.get(user__username="member")
    # the 2021 attendance says how it was taken: the sheet until July, then the QR code
    methods = dict(
        Attendance.objects.filter(meeting__date__year=2021).values_list("status", "method")
    )
    assert set(Attendance.objects.values_list("method", flat=True)) <= {
        "sheet",
        "qr",
        "leave",
        "closing",
    }
    assert (
        methods
        and not Attendance.objects.filter(meeting__date__lt="2021-07-01", method="qr").exists()
    )
    assert Attendance.objects.filter(meeting__date__gte="2021-07-01", method="qr").exists()
    assert not Attendance.objects.filter(leave_approved=True).exclude(method="leave").exists()
    # one upcoming meeting: the demo member's 列席 turn
    upcoming = Meeting.objects.get(date__gt=timezone.localdate())
    assert upcoming.batch.members.filter(pk=demo.pk).exists()

    before = counts()
    output = seed("--demo-users")
    assert counts() == before
    assert "Nothing to add" in output


def test_upcoming_meeting_and_session_for_the_demo_member(office_head_user, venue):
    from apps.core.seeding import SeedContext
    from apps.performance.seed import _upcoming
    from tests.consultation.factories import TopicFactory

    TopicFactory()
    demo = MemberFactory(is_standing=False)
    ctx = SeedContext(stdout=io.StringIO(), style=None)
    _upcoming(ctx, demo, office_head_user)
    _upcoming(ctx, demo, office_head_user)  # idempotent
    assert ctx.created == {"upcoming meetings": 1, "upcoming sessions": 1}
    meeting = Meeting.objects.get()
    assert meeting.date == timezone.localdate() + datetime.timedelta(days=1)
    assert list(meeting.batch.members.all()) == [demo]
    session = Session.objects.get(members=demo)
    # the office head's venue; its sign-in is open now (it starts in half an hour)
    assert session.venue == venue
    assert datetime.timedelta(0) < session.started_at - timezone.now() < datetime.timedelta(hours=1)


def test_the_adoption_rule_is_named_for_what_it_counts():
    """The collector counts adopted outcomes only: not "被采纳或批转" (adopted or referred)."""
    seed()
    assert PointRule.objects.get(year=2021, code="suggestion_adopted").name == "意见建议被采纳"


def test_existing_databases_get_the_new_rule_name_unless_staff_renamed_it():
    import importlib

    from django.apps import apps

    from tests.performance.factories import PointRuleFactory

    migration = importlib.import_module(
        "apps.performance.migrations.0004_rename_suggestion_adopted_rule"
    )
    seeded = PointRuleFactory(year=2021, code="suggestion_adopted", name="意见建议被采纳或批转")
    renamed = PointRuleFactory(year=2022, code="suggestion_adopted", name="建议被采纳（自定）")
    migration.rename(apps, None)
    migration.rename(apps, None)  # again: nothing changes
    seeded.refresh_from_db()
    renamed.refresh_from_db()
    assert seeded.name == "意见建议被采纳"
    assert renamed.name == "建议被采纳（自定）"


def test_the_summary_counts_evaluations_created_not_changed():
    standing = [CpcMemberFactory(is_standing=True) for _ in range(2)]
    partner = MemberFactory()
    pairing = PairingFactory(cpc_member=standing[0], partner=partner)
    seed()
    evaluations = Evaluation.objects.count()
    # given a new record that earns points: the evaluations change, none is added
    ContactRecordFactory(pairing=pairing)
    output = seed()
    assert Evaluation.objects.count() == evaluations
    assert "evaluations" not in output
    assert "+ 2 point entries\n" in output  # both sides of the contact
