"""The ledger's built-in source collectors: meeting attendance, pairing contact records,
duty reports and study sessions. One query each, whatever the number of rows.

The rule codes of every source kind the evaluation knows, including those whose
collectors are registered by later apps (sessions, research teams, suggestions).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.members.models import ContactRecord, Pairing

from .models import Attendance, DutyReport, Meeting, StudySession
from .sources import Fact, register_collector, register_source_link


class Code:
    PLENARY_ATTEND = "plenary_attend"
    STANDING_ATTEND = "standing_attend"
    OTHER_MEETING_ATTEND = "meeting_attend"
    LEAVE_APPROVED = "leave_approved"
    ABSENCE = "absence_unexcused"
    LATE = "late_or_early"
    SESSION = "session_participation"
    RESEARCH_TEAM = "research_team"
    SUGGESTION_PROPOSED = "suggestion_proposed"
    SUGGESTION_ADOPTED = "suggestion_adopted"
    CONTACT = "contact_record"
    DUTY_REPORT = "duty_report"
    STUDY = "study_attend"


ATTEND_CODE: dict[str, str] = {
    Meeting.Kind.PLENARY: Code.PLENARY_ATTEND,
    Meeting.Kind.STANDING: Code.STANDING_ATTEND,
}


def collect_attendance(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """Present or late: the meeting kind's attendance rule (late also a deduction);
    approved leave; unapproved leave or absence: the deduction. One query."""
    rows = Attendance.objects.filter(meeting__date__year=year).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(Attendance)
    statuses = dict(Attendance.Status.choices)
    for pk, member_id, status, approved, kind, date, title in rows.values_list(
        "pk",
        "member_id",
        "status",
        "leave_approved",
        "meeting__kind",
        "meeting__date",
        "meeting__title",
    ):
        described = f"{title} · {statuses[status]}"
        if status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
            code = ATTEND_CODE.get(kind, Code.OTHER_MEETING_ATTEND)
            yield Fact(member_id, code, type_id, pk, date, described)
        if status == Attendance.Status.LATE:
            yield Fact(member_id, Code.LATE, type_id, pk, date, described)
        if status == Attendance.Status.LEAVE and approved:
            yield Fact(member_id, Code.LEAVE_APPROVED, type_id, pk, date, described)
        if status == Attendance.Status.ABSENT or (
            status == Attendance.Status.LEAVE and not approved
        ):
            yield Fact(member_id, Code.ABSENCE, type_id, pk, date, described)


def collect_contacts(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A contact record counts for both members of the pairing. One query."""
    rows = ContactRecord.objects.filter(date__year=year).order_by()
    if members is not None:
        rows = rows.filter(
            Q(pairing__cpc_member_id__in=members) | Q(pairing__partner_id__in=members)
        )
    type_id = Fact.type_id(ContactRecord)
    ways = dict(ContactRecord.Way.choices)
    for pk, date, way, cpc_id, partner_id, cpc_name, partner_name in rows.values_list(
        "pk",
        "date",
        "way",
        "pairing__cpc_member_id",
        "pairing__partner_id",
        "pairing__cpc_member__name",
        "pairing__partner__name",
    ):
        for member_id, other in ((cpc_id, partner_name), (partner_id, cpc_name)):
            description = _("Contact with %(name)s (%(way)s)") % {
                "name": other,
                "way": ways.get(way, way),
            }
            yield Fact(member_id, Code.CONTACT, type_id, pk, date, description)


def collect_duty_reports(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A submitted (or reviewed) duty report of the year. One query."""
    rows = DutyReport.objects.submitted().filter(year=year).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(DutyReport)
    for pk, member_id, submitted_on in rows.values_list("pk", "member_id", "submitted_on"):
        date = submitted_on or datetime.date(year, 12, 31)
        description = _("Duty report for %(year)s") % {"year": year}
        yield Fact(member_id, Code.DUTY_REPORT, type_id, pk, date, description)


def collect_study(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A member attending a study session. One query."""
    through = StudySession.attendees.through
    rows = through.objects.filter(studysession__date__year=year).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(StudySession)
    kinds = dict(StudySession.Kind.choices)
    for session_id, member_id, date, kind, subject in rows.values_list(
        "studysession_id",
        "member_id",
        "studysession__date",
        "studysession__kind",
        "studysession__subject",
    ):
        yield Fact(member_id, Code.STUDY, type_id, session_id, date, f"{kinds[kind]}：{subject}")


def _pairing_years(pairing: Pairing) -> list[int]:
    return [d.year for d in pairing.contacts.dates("date", "year")]


def _contact_link(entry) -> str:
    """Contact records live on the member's page (members app)."""
    return reverse("members:detail", args=[entry.member_id])


def register_builtin_collectors() -> None:
    register_collector(
        "attendance",
        collect_attendance,
        watch={
            Attendance: lambda a: [a.meeting.date.year],
            Meeting: lambda m: [m.date.year],
        },
    )
    register_collector(
        "contact_records",
        collect_contacts,
        watch={ContactRecord: lambda c: [c.date.year], Pairing: _pairing_years},
    )
    register_collector("duty_reports", collect_duty_reports, watch={DutyReport: lambda r: [r.year]})
    register_collector("study", collect_study, watch={StudySession: lambda s: [s.date.year]})
    register_source_link(ContactRecord, _contact_link)
