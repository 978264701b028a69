"""What the venues app adds to the members app, without members knowing venues
(the arrows point one way: members ← venues). Called from `VenuesConfig.ready()`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import is_office_head

from .managers import managed_venue_ids

if TYPE_CHECKING:
    from apps.accounts.models import User


def office_head_member_scope(user: User) -> Q | None:
    """An office head reads the members of the venues they manage: those stationed there
    now, the director and the conveners. Subqueries, so no join multiplies rows."""
    if not is_office_head(user):
        return None
    from .models import Assignment, Venue

    venue_ids = managed_venue_ids(user)
    if not venue_ids:
        return None
    return (
        Q(pk__in=Assignment.objects.current().filter(venue_id__in=venue_ids).values("member_id"))
        | Q(pk__in=Venue.objects.filter(pk__in=venue_ids).values("director_id"))
        | Q(
            pk__in=Venue.conveners.through.objects.filter(venue_id__in=venue_ids).values(
                "member_id"
            )
        )
    )


def _stationed_at(lookup: str):
    """A django-filter method: members stationed today where `lookup` (on Assignment)
    equals the chosen value; one subquery."""

    def method(queryset, name, value):
        from .models import Assignment

        if not value:
            return queryset
        return queryset.filter(
            pk__in=Assignment.objects.current().filter(**{lookup: value}).values("member_id")
        )

    return method


def add_roster_filters() -> None:
    """The roster filters by the township and the venue where a member is stationed now."""
    from apps.members.forms import MemberFilter

    from .models import Township, Venue

    MemberFilter.base_filters["township"] = django_filters.ModelChoiceFilter(
        label=_("Township of stationing"),
        queryset=Township.objects.all(),
        method=_stationed_at("venue__township"),
        empty_label=_("All townships"),
    )
    MemberFilter.base_filters["venue"] = django_filters.ModelChoiceFilter(
        label=_("Venue of stationing"),
        queryset=Venue.objects.offices().select_related("township"),
        method=_stationed_at("venue"),
        empty_label=_("All venues"),
    )


def install() -> None:
    from apps.members.managers import extra_member_scopes

    if office_head_member_scope not in extra_member_scopes:
        extra_member_scopes.append(office_head_member_scope)
    add_roster_filters()
