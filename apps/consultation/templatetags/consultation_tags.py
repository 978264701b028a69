from django import template
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from apps.venues.models import Venue

from ..models import Session

register = template.Library()

STATE_BADGES = {
    Session.State.DRAFT: "text-bg-secondary",
    Session.State.SUBMITTED: "text-bg-info",
    Session.State.PUBLISHED: "text-bg-success",
    Session.State.RETURNED: "text-bg-warning",
}


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "text-bg-light")


@register.inclusion_tag("consultation/_office_head_panel.html", takes_context=True)
def office_head_panel(context):
    """The office head's home: their venues with the year's count, and their sessions
    that still need work first (returned, drafts), then the latest. Three queries."""
    user = context["user"]
    year = timezone.localdate().year
    venues = list(Venue.objects.managed_by(user).with_related().with_activity(year=year))
    needs_work = Case(
        When(state=Session.State.RETURNED, then=Value(0)),
        When(state=Session.State.DRAFT, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    sessions = list(
        Session.objects.filter(venue__in=[v.pk for v in venues])
        .with_related()
        .annotate(needs_work=needs_work)
        .order_by("needs_work", "-started_at")[:10]
    )
    return {"venues": venues, "sessions": sessions, "year": year, "request": context["request"]}
