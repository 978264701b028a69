"""Writes of the venues app that span rows: stationing members at liaison offices."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.members.models import Member

from .models import Assignment, Venue


@transaction.atomic
def assignment_start(
    *, venue: Venue, member: Member, started_on: datetime.date, note: str = ""
) -> Assignment:
    """Station `member` at `venue` from `started_on`. A member stationed at another office
    moves: that assignment ends the day before (both rows or neither)."""
    if venue.kind != Venue.Kind.LIAISON_OFFICE:
        raise ValidationError(_("Members are stationed at township liaison offices only."))
    current = Assignment.objects.select_for_update().filter(member=member).open().first()
    if current is not None:
        if current.venue_id == venue.pk:
            raise ValidationError(
                _("%(member)s is already stationed at %(venue)s."),
                params={"member": member, "venue": venue},
            )
        if current.started_on >= started_on:
            raise ValidationError(
                _("%(member)s is stationed at %(venue)s since %(date)s: start after that date."),
                params={"member": member, "venue": current.venue, "date": current.started_on},
            )
        assignment_end(assignment=current, ended_on=started_on - datetime.timedelta(days=1))
    assignment = Assignment(venue=venue, member=member, started_on=started_on, note=note)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, ended_on: datetime.date) -> Assignment:
    """End a stationing on `ended_on` (not before it started)."""
    if ended_on < assignment.started_on:
        raise ValidationError(_("The end date cannot be before the start date."))
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    return assignment
