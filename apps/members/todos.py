"""A member's to-do of the 双联 work (`apps.core.todos`): contact with their pairing
partner when there was none for PAIRING_CONTACT_STALE_DAYS days (`PairingQuerySet.stale`)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_member
from apps.core.todos import Todo

from .managers import stale_contact_days
from .models import Pairing

if TYPE_CHECKING:
    from apps.accounts.models import User


def stale_pairings_of(user: User, today: datetime.date):
    """The user's active pairings (either side) without a recent contact."""
    return (
        Pairing.objects.active()
        .filter(Q(cpc_member__user=user) | Q(partner__user=user))
        .with_related()
        .stale(today=today)
    )


def for_member(user: User, today: datetime.date) -> list[Todo]:
    """One query."""
    if not is_member(user):
        return []
    items = []
    for pairing in stale_pairings_of(user, today):
        other = pairing.partner if pairing.cpc_member.user_id == user.pk else pairing.cpc_member
        items.append(
            Todo(
                _("Contact %(name)s: no contact for over %(days)s days")
                % {"name": other.name, "days": stale_contact_days()},
                reverse("members:contact_create", args=[pairing.pk]),
                due=pairing.last_contact,
                kind="pairing_contact",
            )
        )
    return items
