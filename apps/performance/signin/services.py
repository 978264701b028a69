"""What a scan, a closing and a leave decision write. Keyword-only and atomic; each change
goes through the models' own saves, so django-simple-history records it and the ledger of
the meeting's year is re-derived on commit (`PerformanceConfig.ready`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.consultation.models import Session
from apps.core.notifications import notify
from apps.members.models import Member

from ..models import Attendance, AttendanceBatch, LeaveRequest, Meeting, SessionCheckIn
from ..selectors import meeting_roster
from .tokens import Code, starts_at


class NotInvited(Exception):
    """The member is not expected at the meeting or session."""


@dataclass(frozen=True)
class SignInResult:
    created: bool  # False: already signed in, nothing changed
    at: datetime.datetime
    late: bool = False
    walk_in: bool = False


def is_invited(*, meeting: Meeting, member: Member) -> bool:
    return Meeting.objects.inviting(member).filter(pk=meeting.pk).exists()


def _role(meeting: Meeting, member: Member) -> str:
    if meeting.kind == Meeting.Kind.STANDING and not member.is_standing:
        in_batch = AttendanceBatch.members.through.objects.filter(
            attendancebatch__meeting=meeting, member=member
        ).exists()
        if in_batch:
            return Attendance.Role.OBSERVER
    return Attendance.Role.MEMBER


@transaction.atomic
def signin_record(
    *, code: Code, member: Member, now: datetime.datetime | None = None
) -> SignInResult:
    """Record `member` (the signed-in user's own record) at the code's meeting or session.
    A second scan changes nothing. Late: after the start. Raises `NotInvited`."""
    now = now or timezone.now()
    if isinstance(code.target, Session):
        return _session_signin(code, member, now)
    meeting = code.target
    if not is_invited(meeting=meeting, member=member):
        raise NotInvited
    attendance = (
        Attendance.objects.select_for_update().filter(meeting=meeting, member=member).first()
    )
    if attendance is not None and attendance.attended:
        return SignInResult(False, attendance.signed_in_at or now, attendance.status == "late")
    late = meeting.start_time is not None and now > starts_at(meeting)
    status = Attendance.Status.LATE if late else Attendance.Status.PRESENT
    if attendance is None:
        attendance = Attendance(meeting=meeting, member=member, role=_role(meeting, member))
    attendance.status = status
    attendance.leave_approved = False
    attendance.method = Attendance.Method.QR
    attendance.signed_in_at = now
    attendance.save()
    return SignInResult(True, now, late)


def _session_signin(code: Code, member: Member, now: datetime.datetime) -> SignInResult:
    session = code.target
    assert isinstance(session, Session)
    existing = SessionCheckIn.objects.filter(session=session, member=member).first()
    if existing is not None:
        return SignInResult(False, existing.signed_in_at, walk_in=existing.walk_in)
    invited = session.members.filter(pk=member.pk).exists()
    if not invited and not code.walk_in:
        raise NotInvited
    if not invited:
        session.members.add(member)
    SessionCheckIn.objects.create(
        session=session, member=member, signed_in_at=now, walk_in=not invited
    )
    return SignInResult(True, now, now > session.started_at, walk_in=not invited)


@transaction.atomic
def signin_close(*, meeting: Meeting, user: User) -> int:
    """Close a meeting's sign-in: every invitee with no attendance row (neither signed in,
    nor on approved leave, nor marked by staff) is recorded absent (method closing).
    Returns how many. Staff may still correct any row on the sheet."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.signin_closed_at is not None:
        return 0
    if timezone.now() < starts_at(meeting):
        raise ValidationError(
            _("The meeting has not started: sign-in can be closed once it has."),
            code="not_started",
        )
    count = 0
    for member, role, attendance in meeting_roster(meeting):
        if attendance is None:
            Attendance.objects.create(
                meeting=meeting,
                member=member,
                role=role,
                status=Attendance.Status.ABSENT,
                method=Attendance.Method.CLOSING,
            )
            count += 1
    meeting.signin_closed_at = timezone.now()
    meeting.save(update_fields=["signin_closed_at"])
    return count


@transaction.atomic
def leave_request(
    *, meeting: Meeting, member: Member, reason: str, now: datetime.datetime | None = None
) -> LeaveRequest:
    """A member asks for leave before the meeting starts (after: a `ValidationError`)."""
    now = now or timezone.now()
    if not is_invited(meeting=meeting, member=member):
        raise PermissionDenied
    if now >= starts_at(meeting):
        raise ValidationError(
            _("The meeting has started: leave can no longer be asked here. Call the office."),
            code="late",
        )
    request = LeaveRequest(meeting=meeting, member=member, reason=reason.strip())
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def leave_decide(*, request: LeaveRequest, user: User, approve: bool) -> LeaveRequest:
    """Staff approve (the attendance becomes 请假, approved, method leave) or refuse."""
    if not user.has_perm("performance.change_leaverequest"):
        raise PermissionDenied
    request = LeaveRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != LeaveRequest.State.REQUESTED:
        raise ValidationError(_("This request is already decided."), code="decided")
    request.state = LeaveRequest.State.APPROVED if approve else LeaveRequest.State.REFUSED
    request.decided_by = user
    request.decided_at = timezone.now()
    request.save()
    if approve:
        attendance = Attendance.objects.filter(
            meeting=request.meeting, member=request.member
        ).first() or Attendance(
            meeting=request.meeting,
            member=request.member,
            role=_role(request.meeting, request.member),
        )
        attendance.status = Attendance.Status.LEAVE
        attendance.leave_approved = True
        attendance.method = Attendance.Method.LEAVE
        attendance.note = request.reason[:200]
        attendance.save()
    if request.member.user_id:
        notify(
            [request.member.user],
            kind="leave_decided",
            title=(
                _("Your leave from %(meeting)s was approved.")
                if approve
                else _("Your leave from %(meeting)s was refused: please attend.")
            )
            % {"meeting": request.meeting},
            url=reverse("performance:invitation", args=[request.meeting_id]),
            target=request,
        )
    return request
