from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.registry import Figure

from .models import Assignment, Venue


def figures(user) -> list[Figure]:
    """The places and people of the article: two queries. (The offices without sessions
    are counted by consultation, which knows the sessions.)"""
    if not user.has_perm("venues.view_venue"):
        return []
    today = timezone.localdate()
    venues = list(Venue.objects.active().with_stationed(today))
    url = reverse("venues:list")
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
    ]
