"""To-dos of the performance work (`apps.core.todos`): staff see the standing members
without a duty report for the year evaluated; a standing member sees their own."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_member, is_staff_user
from apps.core.todos import Todo
from apps.members.models import Member

from . import dashboard
from .models import DutyReport

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
    year = dashboard.evaluation_year()
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
    year = dashboard.evaluation_year()
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
