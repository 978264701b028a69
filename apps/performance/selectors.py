"""Read-side assembly of the performance pages that is more than a queryset: a meeting's
sign-in list and the term's 列席 rotation reconciled with the attendance. Each costs a
fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import models

from apps.members.models import Member

from .models import Attendance, AttendanceBatch, Meeting


def meeting_roster(meeting: Meeting) -> list[tuple[Member, str, Attendance | None]]:
    """The sign-in list of a meeting: (member, role, attendance or None), members of the
    body first. A plenary expects every active member of the term, a standing meeting its
    standing members (出席) and the invited batch (列席); any meeting also lists whoever
    already has an attendance. Three queries."""
    attendances = {
        a.member_id: a
        for a in Attendance.objects.filter(meeting=meeting).select_related("member__sector")
    }
    expected: dict[int, tuple[Member, str]] = {}
    active = Member.objects.filter(term=meeting.term, status=Member.Status.ACTIVE).select_related(
        "sector"
    )
    if meeting.kind == Meeting.Kind.PLENARY:
        for member in active:
            expected[member.pk] = (member, Attendance.Role.MEMBER)
    elif meeting.kind == Meeting.Kind.STANDING:
        invited = set(
            AttendanceBatch.members.through.objects.filter(
                attendancebatch__meeting=meeting
            ).values_list("member_id", flat=True)
        )
        for member in active.filter(models.Q(is_standing=True) | models.Q(pk__in=list(invited))):
            role = Attendance.Role.MEMBER if member.is_standing else Attendance.Role.OBSERVER
            expected[member.pk] = (member, role)
    for member_id, attendance in attendances.items():
        expected[member_id] = (attendance.member, attendance.role)
    rows = [(member, role, attendances.get(pk)) for pk, (member, role) in expected.items()]
    rows.sort(key=lambda r: (r[1] != Attendance.Role.MEMBER, r[0].name_pinyin, r[0].name))
    return rows


@dataclass
class RotationOverview:
    """The term's 列席 batches, each with `n_attended`, `n_missed` and `n_unrecorded` of
    its invitees, and the term's figures: non-standing members who owe a turn
    (`candidates`), who have attended as 列席 (`attended_any`), who are invited."""

    batches: list[AttendanceBatch]
    candidates: int
    attended_any: int
    invited_any: int

    @property
    def not_invited(self) -> int:
        return max(self.candidates - self.invited_any, 0)


def rotation_overview(term: int) -> RotationOverview:
    """The term's 列席 plan reconciled with the attendance. Five queries."""
    batches = list(
        AttendanceBatch.objects.filter(term=term).with_related().order_by("meeting__date")
    )
    invited = defaultdict(set)
    for batch_id, member_id in AttendanceBatch.members.through.objects.filter(
        attendancebatch__term=term
    ).values_list("attendancebatch_id", "member_id"):
        invited[batch_id].add(member_id)
    statuses = {
        (meeting_id, member_id): status
        for meeting_id, member_id, status in Attendance.objects.filter(
            meeting__term=term, meeting__kind=Meeting.Kind.STANDING
        ).values_list("meeting_id", "member_id", "status")
    }
    for batch in batches:
        batch.n_attended = batch.n_missed = batch.n_unrecorded = 0
        for member_id in invited[batch.pk]:
            status = statuses.get((batch.meeting_id, member_id))
            if status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
                batch.n_attended += 1
            elif status is None:
                batch.n_unrecorded += 1
            else:
                batch.n_missed += 1
    candidates = Member.objects.filter(
        term=term, status=Member.Status.ACTIVE, is_standing=False
    ).count()
    attended_any = (
        Attendance.objects.attended()
        .filter(
            role=Attendance.Role.OBSERVER,
            meeting__term=term,
            meeting__kind=Meeting.Kind.STANDING,
        )
        .values("member_id")
        .distinct()
        .count()
    )
    all_invited = set().union(*invited.values()) if invited else set()
    return RotationOverview(batches, candidates, attended_any, len(all_invited))
