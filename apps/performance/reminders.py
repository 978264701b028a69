"""Daily reminders of the performance work (`apps.core.reminders`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.reminders import Reminder

from . import dashboard
from .models import Attendance, AttendanceBatch, Meeting
from .todos import standing_without_report


def meetings_tomorrow(today: datetime.date) -> Iterator[Reminder]:
    """Each meeting tomorrow: to the members (with accounts) recorded or invited (列席
    batch) for it. Three queries and one per meeting."""
    tomorrow = today + datetime.timedelta(days=1)
    for meeting in Meeting.objects.filter(date=tomorrow):
        recorded = Attendance.objects.filter(meeting=meeting).values("member_id")
        invited = AttendanceBatch.members.through.objects.filter(
            attendancebatch__meeting=meeting
        ).values("member_id")
        users = User.objects.filter(is_active=True).filter(
            models.Q(member__in=recorded) | models.Q(member__in=invited)
        )
        yield Reminder(
            recipients=list(users),
            kind="meeting_tomorrow",
            title=_("Tomorrow: %(meeting)s") % {"meeting": meeting.title},
            body=" ".join(
                part for part in (f"{meeting.date:%Y-%m-%d}", meeting.place, meeting.agenda) if part
            ),
            url=meeting.get_absolute_url(),
            target=meeting,
            key=f"meeting_tomorrow:{meeting.pk}:{today.isoformat()}",
        )


def duty_reports_due(today: datetime.date) -> Iterator[Reminder]:
    """Standing members without a submitted duty report for the year evaluated: once a
    week (the key names the ISO week), not every day. Two queries."""
    year = dashboard.evaluation_year(today)
    iso_year, week, _day = today.isocalendar()
    users = User.objects.filter(is_active=True, member__in=standing_without_report(year))
    for user in users:
        yield Reminder(
            recipients=[user],
            kind="duty_report_due",
            title=_("Your duty report for %(year)s is due") % {"year": year},
            body=_("Send it to the committee office."),
            url=reverse("home") + "#todos",
            key=f"duty_report:{year}:{iso_year}-W{week:02d}",
        )
