"""To-dos of the performance work (`apps.core.todos`): staff see the standing members
without a duty report for the year evaluated and the leave requests awaiting a decision; a
standing member sees their own report; a member sees the meetings they are invited to in
the coming week and the decisions on their leave requests."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_member, is_staff_user
from apps.core.todos import Todo
from apps.members.models import Member

from . import dashboard
from .models import Attendance, DutyReport, LeaveRequest, Meeting

if TYPE_CHECKING:
    from apps.accounts.models import User


def standing_without_report(year: int):
    """Active standing members of the current term without a submitted report for `year`."""
    reported = DutyReport.objects.submitted().filter(year=year).values("member_id")
    return Member.objects.filter(
        term=settings.CURRENT_TERM, is_standing=True, status=Member.Status.ACTIVE
    ).exclude(pk__in=reported)


def for_staff(user: User, today: datetime.date) -> list[Todo]:
    """Two queries (the year, the count)."""
    if not is_staff_user(user) or not user.has_perm("performance.add_dutyreport"):
        return []
    year = dashboard.evaluation_year(today)
    missing = standing_without_report(year).count()
    if not missing:
        return []
    return [
        Todo(
            _("Standing members without a duty report for %(year)s") % {"year": year},
            reverse("performance:dutyreport_list") + f"?year={year}",
            count=missing,
            kind="duty_report_missing",
        )
    ]


def for_member(user: User, today: datetime.date) -> list[Todo]:
    """A standing member's own duty report, while it is not submitted. Two queries."""
    if not is_member(user):
        return []
    year = dashboard.evaluation_year(today)
    member = standing_without_report(year).filter(user=user).first()
    if member is None:
        return []
    pending = DutyReport.objects.filter(member=member, year=year).first()
    url = pending.get_absolute_url() if pending else reverse("performance:my_ledger")
    return [
        Todo(
            _("Your duty report for %(year)s is due: send it to the committee office")
            % {"year": year},
            url,
            kind="duty_report_due",
        )
    ]


# A member is reminded of a meeting they are invited to this many days ahead.
INVITATION_DAYS_AHEAD = 7


def leave_for_staff(user: User, today: datetime.date) -> list[Todo]:
    """Leave requests awaiting a decision for meetings still to come. One query."""
    if not is_staff_user(user) or not user.has_perm("performance.change_leaverequest"):
        return []
    waiting = list(
        LeaveRequest.objects.filter(
            state=LeaveRequest.State.REQUESTED, meeting__date__gte=today
        ).values_list("meeting__date", flat=True)
    )
    if not waiting:
        return []
    first = min(waiting)
    return [
        Todo(
            _("Leave requests awaiting a decision"),
            reverse("performance:leave_list"),
            due=first,
            count=len(waiting),
            urgent=first <= today + datetime.timedelta(days=1),
            kind="leave_requested",
        )
    ]


def invitations_for_member(user: User, today: datetime.date) -> list[Todo]:
    """The meetings of the coming week the member is invited to and has not answered
    (no attendance, no leave asked), and the decided leave of meetings still to come.
    Three queries."""
    if not is_member(user):
        return []
    member = Member.objects.filter(user=user).first()
    if member is None:
        return []
    horizon = today + datetime.timedelta(days=INVITATION_DAYS_AHEAD)
    meetings = list(
        Meeting.objects.inviting(member)
        .filter(date__gte=today, date__lte=horizon)
        .annotate(
            answered=Exists(Attendance.objects.filter(member=member, meeting=OuterRef("pk")))
            | Exists(LeaveRequest.objects.filter(member=member, meeting=OuterRef("pk")))
        )
        .order_by("date", "start_time")
    )
    leaves = list(
        LeaveRequest.objects.filter(member=member, meeting__date__gte=today)
        .exclude(state=LeaveRequest.State.REQUESTED)
        .select_related("meeting")
        .order_by("meeting__date", "requested_at")
    )
    items = [
        Todo(
            _("Invited: %(meeting)s") % {"meeting": meeting},
            reverse("performance:invitation", args=[meeting.pk]),
            due=meeting.date,
            kind="invitation",
        )
        for meeting in meetings
        if not meeting.answered
    ]
    for leave in leaves:
        label = (
            _("Leave approved: %(meeting)s")
            if leave.state == LeaveRequest.State.APPROVED
            else _("Leave refused, please attend: %(meeting)s")
        )
        items.append(
            Todo(
                label % {"meeting": leave.meeting},
                reverse("performance:invitation", args=[leave.meeting_id]),
                due=leave.meeting.date,
                urgent=leave.state == LeaveRequest.State.REFUSED,
                kind="leave_decided",
            )
        )
    return items
