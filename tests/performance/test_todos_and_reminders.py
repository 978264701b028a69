"""Duty reports and pairings on the to-dos; `send_reminders`: who is reminded of what, once
per item and day (two runs the same day send nothing more), `--dry-run` sends nothing."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from apps.accounts import roles
from apps.core.models import Delivery, Notification
from apps.core.todos import todos
from apps.performance.models import AttendanceBatch, DutyReport
from tests.accounts.factories import UserFactory
from tests.consultation.factories import ReferralFactory
from tests.members.factories import (
    ContactRecordFactory,
    CpcMemberFactory,
    MemberFactory,
    PairingFactory,
)
from tests.performance.factories import (
    AttendanceFactory,
    DutyReportFactory,
    MeetingFactory,
    PointRuleFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2021, 12, 30)
NOON = datetime.datetime(2021, 12, 30, 4, tzinfo=datetime.UTC)  # 12:00 in Shanghai


def member_with_user(username, **kwargs):
    user = UserFactory(username=username, roles=[roles.MEMBER], email=f"{username}@example.gov.cn")
    return MemberFactory(user=user, **kwargs), user


@pytest.fixture
def year_2021(db):
    PointRuleFactory(year=2021)


def test_standing_members_without_a_report_are_on_staff_and_their_own_to_dos(
    staff_user, year_2021, member_user
):
    standing, standing_user = member_with_user("standing1", is_standing=True)
    reported, reported_user = member_with_user("standing2", is_standing=True)
    DutyReportFactory(member=reported, year=2021)
    MemberFactory(user=member_user)  # not standing: no report due
    (missing,) = [i for i in todos.for_user(staff_user, TODAY) if i.kind == "duty_report_missing"]
    assert missing.count == 1
    assert missing.url == reverse("performance:dutyreport_list") + "?year=2021"
    assert [i.kind for i in todos.for_user(standing_user, TODAY)] == ["duty_report_due"]
    assert todos.for_user(reported_user, TODAY) == []
    assert todos.for_user(member_user, TODAY) == []
    # A pending report row links to the report itself.
    pending = DutyReportFactory(member=standing, year=2021, status=DutyReport.Status.PENDING)
    assert [i.url for i in todos.for_user(standing_user, TODAY)] == [pending.get_absolute_url()]


def test_a_member_is_asked_to_contact_a_partner_after_90_days(member_user):
    me = CpcMemberFactory(user=member_user)
    quiet = PairingFactory(cpc_member=me, started_on=datetime.date(2021, 3, 1))
    ContactRecordFactory(pairing=quiet, date=datetime.date(2021, 9, 1))  # 120 days before
    busy_partner = MemberFactory()
    busy = PairingFactory(
        cpc_member=CpcMemberFactory(), partner=busy_partner, started_on=datetime.date(2021, 3, 1)
    )
    ContactRecordFactory(pairing=busy, date=datetime.date(2021, 12, 1))
    (item,) = todos.for_user(member_user, TODAY)
    assert item.kind == "pairing_contact"
    assert item.url == reverse("members:contact_create", args=[quiet.pk])
    assert quiet.partner.name in str(item.label)
    ContactRecordFactory(pairing=quiet, date=datetime.date(2021, 12, 20))
    assert todos.for_user(member_user, TODAY) == []


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(NOON, tick=False)
def test_reminders_are_given_once_per_item_and_day(
    staff_user, year_2021, django_capture_on_commit_callbacks
):
    staff_user.email = "staff@example.gov.cn"
    staff_user.save()
    ReferralFactory(due_on=datetime.date(2021, 12, 20), referred_by=staff_user)  # overdue
    ReferralFactory(due_on=datetime.date(2022, 1, 3), referred_by=staff_user)  # due soon
    ReferralFactory(due_on=datetime.date(2022, 3, 1), referred_by=staff_user)  # not yet
    meeting = MeetingFactory(date=datetime.date(2021, 12, 31))
    attending, _user = member_with_user("attending")
    invited, _user = member_with_user("invited")
    member_with_user("elsewhere")
    AttendanceFactory(meeting=meeting, member=attending)
    AttendanceBatch.objects.create(meeting=meeting).members.add(invited)
    member_with_user("standing", is_standing=True)

    dry = run("--dry-run")
    assert "Would send 5 reminder(s)." in dry
    assert not Notification.objects.exists() and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        run()
    sent = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert sent == [
        ("attending", "meeting_tomorrow"),
        ("invited", "meeting_tomorrow"),
        ("standing", "duty_report_due"),
        ("t_staff", "referral_due"),
        ("t_staff", "referral_overdue"),
    ]
    emails = len(mail.outbox)
    assert emails == 5
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 5
    assert all("明天开会" in m.subject for m in mail.outbox if m.to == ["invited@example.gov.cn"])

    # The same day again: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert "Sent 0 reminder(s)" in run()
    assert Notification.objects.count() == len(sent)
    assert len(mail.outbox) == emails
    assert "Would send 0 reminder(s)." in run("--dry-run")

    # The next day the referrals are reminded again; the duty report waits for next week.
    with time_machine.travel(NOON + datetime.timedelta(days=1), tick=False):
        run()
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds.count("referral_overdue") == 2
    assert kinds.count("duty_report_due") == 1
