"""Navigation, tabs and home-page figures of the performance pages."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.mixins import latest_year
from apps.core.registry import Figure

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TABS = [
    # label, url name, permission
    (_("Evaluation"), "performance:evaluation_list", "performance.view_evaluation"),
    (_("Meetings"), "performance:meeting_list", "performance.view_meeting"),
    (_("列席 rotation"), "performance:batch_list", "performance.view_attendancebatch"),
    (_("Duty reports"), "performance:dutyreport_list", "performance.view_dutyreport"),
    (_("Study"), "performance:study_list", "performance.view_studysession"),
    (_("Offices"), "performance:office_current", "performance.view_officescoreline"),
]


def sees_performance_pages(user) -> bool:
    return any(user.has_perm(perm) for _label, _name, perm in TABS)


def office_head_only(user) -> bool:
    """Who reads the venues' ranking but not every venue's lines: office heads (staff and
    leaders reach the ranking through the performance tabs). By the cached permissions,
    no query."""
    return user.has_perm("performance.view_officescore") and not user.has_perm(
        "performance.view_officescoreline"
    )


def not_superuser(user) -> bool:
    return not user.is_superuser


def sees_own_evaluation(user) -> bool:
    """Members (by their role's permission; no query beyond the cached permissions)."""
    return not user.is_superuser and user.has_perm("performance.view_own_evaluation")


def has_invitations(user) -> bool:
    """Members (by role, no query): their upcoming meetings and sessions."""
    from apps.accounts.roles import is_member

    return not user.is_superuser and is_member(user)


def tabs_for(user) -> list[tuple[StrOrPromise, str]]:
    return [(label, name) for label, name, perm in TABS if user.has_perm(perm)]


def evaluation_year(today: datetime.date | None = None) -> int:
    """The year the evaluation pages open on (the evaluation, a member's ledger, the
    duty reports' to-dos): `latest_year(today)`, the default year of every page and the
    overview's "最新" (one query per app that registers record years)."""
    return latest_year(today)


def figures(user, *, year: int | None = None) -> list[Figure]:
    """Meetings held, standing members yet to report, 列席 invitees absent: four queries."""
    if not user.has_perm("performance.view_meeting"):
        return []
    from apps.members.models import Member

    from .models import Attendance, DutyReport, Meeting

    year = year or evaluation_year()
    meetings = Meeting.objects.of_year(year).count()
    reported = DutyReport.objects.submitted().filter(year=year).values("member_id")
    missing = (
        Member.objects.filter(
            term=settings.CURRENT_TERM, is_standing=True, status=Member.Status.ACTIVE
        )
        .exclude(pk__in=reported)
        .count()
    )
    absent = Attendance.objects.filter(
        meeting__date__year=year,
        role=Attendance.Role.OBSERVER,
        status__in=[Attendance.Status.ABSENT, Attendance.Status.LEAVE],
    ).count()
    return [
        Figure(
            _("Meetings in %(year)s") % {"year": year},
            meetings,
            reverse("performance:meeting_list") + f"?year={year}",
        ),
        Figure(
            _("Standing members yet to report for %(year)s") % {"year": year},
            missing,
            reverse("performance:dutyreport_list") + f"?year={year}",
            hint=_("常委述职"),
            warn=missing > 0,
        ),
        Figure(
            _("Invited attendees absent in %(year)s") % {"year": year},
            absent,
            reverse("performance:batch_list"),
            hint=_("列席"),
            warn=absent > 0,
        ),
    ]
