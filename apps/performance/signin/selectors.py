"""The live sign-in screen and a member's invitations, each in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from apps.consultation.models import Session
from apps.members.models import Member

from ..models import Attendance, AttendanceBatch, LeaveRequest, Meeting, SessionCheckIn
from ..selectors import meeting_roster


@dataclass
class Live:
    """Who is expected, who is in, who is on leave, who is missing."""

    invited: int
    present: int
    on_leave: int
    missing: list[Member] = field(default_factory=list)


def meeting_live(meeting: Meeting) -> Live:
    """Three queries (the roster)."""
    roster = meeting_roster(meeting)
    present = on_leave = 0
    missing = []
    for member, _role, attendance in roster:
        if attendance is not None and attendance.attended:
            present += 1
        elif attendance is not None and attendance.status == Attendance.Status.LEAVE:
            on_leave += 1
        else:
            missing.append(member)
    return Live(len(roster), present, on_leave, missing)


def session_live(session: Session) -> Live:
    """Two queries."""
    members = list(session.members.select_related("sector").order_by("name_pinyin", "name"))
    signed = set(SessionCheckIn.objects.filter(session=session).values_list("member_id", flat=True))
    missing = [m for m in members if m.pk not in signed]
    return Live(len(members), len(members) - len(missing), 0, missing)


@dataclass
class Invitations:
    member: Member | None
    meetings: list[Meeting]
    sessions: list[Session]
    turns: list[AttendanceBatch]


def member_invitations(user) -> Invitations:
    """The user's member record, their upcoming meetings (each with `my_attendance`,
    `my_leave`, `is_turn`: their 列席 batch), upcoming sessions (each with `my_check_in`)
    and their 列席 turns of the term. Six queries."""
    member = Member.objects.filter(user=user).first() if user.is_authenticated else None
    if member is None:
        return Invitations(None, [], [], [])
    today = timezone.localdate()
    meetings = list(
        Meeting.objects.inviting(member).filter(date__gte=today).order_by("date", "start_time")
    )
    ids = [m.pk for m in meetings]
    attendances = {
        a.meeting_id: a for a in Attendance.objects.filter(member=member, meeting_id__in=ids)
    }
    leaves: dict[int, LeaveRequest] = {}
    for leave in LeaveRequest.objects.filter(member=member, meeting_id__in=ids).order_by(
        "requested_at", "pk"
    ):
        leaves[leave.meeting_id] = leave  # the latest
    turns = list(
        AttendanceBatch.objects.filter(term=settings.CURRENT_TERM, members=member)
        .select_related("meeting")
        .order_by("meeting__date")
    )
    turn_meetings = {batch.meeting_id for batch in turns}
    for meeting in meetings:
        meeting.my_attendance = attendances.get(meeting.pk)
        meeting.my_leave = leaves.get(meeting.pk)
        meeting.is_turn = meeting.pk in turn_meetings
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    sessions = list(
        Session.objects.filter(members=member, started_at__gte=start)
        .select_related("venue", "topic")
        .order_by("started_at")
    )
    checked = set(
        SessionCheckIn.objects.filter(member=member, session__in=sessions).values_list(
            "session_id", flat=True
        )
    )
    for session in sessions:
        session.my_check_in = session.pk in checked  # type: ignore[attr-defined]
    return Invitations(member, meetings, sessions, turns)


def session_signin_rows(sessions, *, request, **page) -> None:
    """Section provider of a session's page: `can_open_signin` on each session (staff, or
    the office head of its venue). One query for an office head (their venues), else none
    beyond the user's cached roles."""
    from apps.accounts.roles import is_office_head, is_staff_user
    from apps.venues.managers import managed_venue_ids

    user = request.user
    staff = is_staff_user(user)
    managed = managed_venue_ids(user) if not staff and is_office_head(user) else frozenset()
    for session in sessions:
        session.can_open_signin = staff or session.venue_id in managed
