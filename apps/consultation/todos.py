"""What waits on each role in the consultation work (`apps.core.todos`), read from the
records each time. Each provider decides by role first (no query for a role it does not
concern) and then reads in a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_department, is_leader, is_office_head, is_staff_user
from apps.core.todos import Todo, listed
from apps.venues.managers import managed_venue_ids

from .models import Referral, Report, Session

if TYPE_CHECKING:
    from apps.accounts.models import User

# A session held this many days ago and still not submitted is late.
SESSION_LOG_DAYS = 7


def _short(text: str, n: int = 28) -> str:
    return Truncator(text).chars(n)


def reports_awaiting_instruction():
    """Reports no leader has written an instruction on yet, oldest first."""
    return (
        Report.objects.filter(instructions__isnull=True)
        .select_related("project")
        .order_by("submitted_on", "pk")
    )


def referrals_due(today: datetime.date):
    """Referrals without a reply, overdue or due within REFERRAL_DUE_SOON_DAYS."""
    soon = today + datetime.timedelta(days=settings.REFERRAL_DUE_SOON_DAYS)
    return (
        Referral.objects.waiting()
        .open()
        .filter(due_on__lte=soon)
        .select_related("department", *Referral.SUBJECT_FIELDS)
        .order_by("due_on", "pk")
    )


def for_leader(user: User, today: datetime.date) -> list[Todo]:
    """Reports awaiting an instruction (one tap to the instruction form), overdue
    referrals. Three queries."""
    if not is_leader(user):
        return []
    reports = list(reports_awaiting_instruction()[: 5 + 1])
    total = len(reports)
    if total > 5:
        total = reports_awaiting_instruction().count()
    items = [
        Todo(
            _("Write an instruction on “%(title)s”") % {"title": _short(report.title)},
            reverse("consultation:instruction_create", args=[report.pk]),
            hint=_("Report of %(date)s") % {"date": report.submitted_on.isoformat()},
            kind="report_instruction",
        )
        for report in reports
    ]
    todo = listed(
        items,
        more_label=_("More reports awaiting an instruction"),
        more_url=reverse("consultation:project_list"),
        total=total,
    )
    overdue = Referral.objects.overdue(today).count()
    if overdue:
        todo.append(
            Todo(
                _("Referrals overdue without a reply"),
                reverse("consultation:suggestion_list") + "?overdue=on",
                count=overdue,
                urgent=True,
                kind="referral_overdue",
            )
        )
    return todo


def for_staff(user: User, today: datetime.date) -> list[Todo]:
    """Sessions awaiting review, referrals overdue or due soon (to record the reply),
    replies awaiting closing. Five queries at most."""
    if not is_staff_user(user) or not user.has_perm("consultation.review_session"):
        return []
    submitted = Session.objects.filter(state=Session.State.SUBMITTED)
    sessions = list(submitted.select_related("venue", "topic").order_by("submitted_at", "pk")[:6])
    items = [
        Todo(
            _("Review the session “%(topic)s” of %(venue)s")
            % {"topic": _short(s.topic.title), "venue": s.venue},
            s.get_absolute_url(),
            due=s.held_on(),
            kind="session_review",
        )
        for s in sessions
    ]
    todo = listed(
        items,
        more_label=_("More sessions awaiting review"),
        more_url=reverse("consultation:list") + "?state=submitted",
        total=submitted.count() if len(sessions) > 5 else None,
    )
    due = list(referrals_due(today)[:6])
    items = [
        Todo(
            (
                _("Overdue: record %(department)s's reply")
                if r.due_on < today
                else _("Due soon: record %(department)s's reply")
            )
            % {"department": r.department},
            reverse("consultation:referral_reply", args=[r.pk]),
            due=r.due_on,
            urgent=r.due_on < today,
            hint=_short(r.subject_summary, 40),
            kind="referral_due",
        )
        for r in due
    ]
    todo += listed(
        items,
        more_label=_("More referrals overdue or due soon"),
        more_url=reverse("consultation:suggestion_list") + "?overdue=on",
        total=referrals_due(today).count() if len(due) > 5 else None,
    )
    replied = Referral.objects.replied().open()
    closing = list(replied.select_related("department").order_by("replied_on", "pk")[:6])
    items = [
        Todo(
            _("Close the reply of %(department)s with the proposers' satisfaction")
            % {"department": r.department},
            reverse("consultation:referral_close", args=[r.pk]),
            due=r.replied_on,
            kind="referral_close",
        )
        for r in closing
    ]
    todo += listed(
        items,
        more_label=_("More replies awaiting closing"),
        more_url=reverse("consultation:suggestion_list"),
        total=replied.count() if len(closing) > 5 else None,
    )
    return todo


def for_office_head(user: User, today: datetime.date) -> list[Todo]:
    """The drafts and returned sessions of the venues the user manages: returned ones and
    those held over a week ago first, then the rest, upcoming ones by date. One query
    (plus the managed venues, cached per request)."""
    if not is_office_head(user):
        return []
    venue_ids = managed_venue_ids(user)
    if not venue_ids:
        return []
    sessions = (
        Session.objects.filter(venue_id__in=venue_ids, state__in=Session.EDITABLE_STATES)
        .select_related("venue", "topic")
        .order_by("started_at", "pk")
    )
    late = today - datetime.timedelta(days=SESSION_LOG_DAYS)
    items = []
    for s in sessions:
        held = s.held_on()
        names = {"topic": _short(s.topic.title), "venue": s.venue}
        if s.state == Session.State.RETURNED:
            label, urgent = _("Returned: correct and resubmit “%(topic)s”"), True
        elif held < late:
            label, urgent = _("Held over a week ago, not submitted: “%(topic)s”"), True
        elif held <= today:
            label, urgent = _("Draft only you see: submit “%(topic)s” for review"), False
        else:
            label, urgent = _("Upcoming at %(venue)s: “%(topic)s”"), False
        items.append(
            Todo(
                label % names,
                s.get_absolute_url(),
                due=held,
                urgent=urgent,
                hint=s.return_reason[:60] if s.return_reason else "",
                kind="session_" + ("upcoming" if held > today else s.state),
            )
        )
    return items


def for_department(user: User, today: datetime.date) -> list[Todo]:
    """A handling department's referrals awaiting its reply (as lead department), by due
    date, overdue ones urgent; one tap to the reply. Three queries."""
    if not is_department(user):
        return []
    from .handling import department_of

    department = department_of(user)
    if department is None:
        return []
    waiting = Referral.objects.led_by(department).waiting().open().order_by("due_on", "pk")
    total = waiting.count()
    items = [
        Todo(
            _("Reply due %(due)s: %(subject)s")
            % {"due": referral.due_on.isoformat(), "subject": _short(referral.subject_summary)},
            referral.get_handling_url(),
            due=referral.due_on,
            urgent=referral.due_on < today,
            kind="referral_to_reply",
        )
        for referral in waiting.select_related(*Referral.SUBJECT_FIELDS)[:5]
    ]
    return listed(
        items,
        more_label=_("More referrals awaiting your reply"),
        more_url=reverse("consultation:handling_list") + "?state=waiting",
        total=total,
    )
