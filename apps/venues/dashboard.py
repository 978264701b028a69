import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.registry import Figure

from .models import Assignment, Venue


def idle_offices(venues) -> list:
    """Active liaison offices of `venues` (annotated by `with_activity`) without a session
    held in the last VENUE_IDLE_DAYS days."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.VENUE_IDLE_DAYS)
    return [
        v
        for v in venues
        if v.is_office and v.is_active and (v.last_session_at is None or v.last_session_at < cutoff)
    ]


def figures(user) -> list[Figure]:
    """The places and people of the article: two queries."""
    if not user.has_perm("venues.view_venue"):
        return []
    today = timezone.localdate()
    venues = list(Venue.objects.active().with_activity(year=today.year, today=today))
    url = reverse("venues:list")
    idle = len(idle_offices(venues))
    offices = [v for v in venues if v.is_office]
    return [
        Figure(_("Member homes"), sum(1 for v in venues if v.kind == Venue.Kind.MEMBER_HOME), url),
        Figure(
            _("Township liaison offices"),
            len(offices),
            url,
            hint=gettext("in %(n)s townships") % {"n": len({v.township_id for v in offices})},
        ),
        Figure(
            _("Stationed members"),
            Assignment.objects.current(today).count(),
            url,
            hint=gettext("at %(n)s venues") % {"n": sum(1 for v in venues if v.stationed_count)},
        ),
        Figure(
            gettext("Offices without a session for %(days)s days")
            % {"days": settings.VENUE_IDLE_DAYS},
            idle,
            url,
            warn=idle > 0,
        ),
    ]
