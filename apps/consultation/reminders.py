"""Daily reminders of the consultation work (`apps.core.reminders`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import COUNTY_STAFF
from apps.core.reminders import Reminder

from .todos import referrals_due


def referrals_due_or_overdue(today: datetime.date) -> Iterator[Reminder]:
    """Each referral without a reply, due within REFERRAL_DUE_SOON_DAYS or overdue: to the
    staff member who referred it (all county staff when they are gone). Two queries."""
    staff = None
    for referral in referrals_due(today).select_related("referred_by"):
        recipients = [referral.referred_by] if referral.referred_by else []
        if not any(u.is_active for u in recipients):
            if staff is None:
                staff = list(User.objects.filter(groups__name=COUNTY_STAFF, is_active=True))
            recipients = staff
        overdue = referral.due_on < today
        title = (
            _("Overdue since %(date)s: %(department)s has not replied")
            if overdue
            else _("Due on %(date)s: %(department)s's reply")
        ) % {"date": referral.due_on.isoformat(), "department": referral.department}
        yield Reminder(
            recipients=recipients,
            kind="referral_overdue" if overdue else "referral_due",
            title=title,
            body=Truncator(referral.subject_summary).chars(80),
            url=reverse("consultation:referral_reply", args=[referral.pk]),
            target=referral,
            key=f"referral_due:{referral.pk}:{today.isoformat()}",
        )
