from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.registry import Figure

from .models import Session, Suggestion


def figures(user) -> list[Figure]:
    """The year's sessions and suggestions for staff and leaders: two queries."""
    if not user.has_perm("consultation.view_session"):
        return []
    year = timezone.localdate().year
    url = reverse("consultation:list")
    stats = Session.objects.aggregate(
        held=Count("pk", filter=Q(started_at__year=year, state__in=Session.HELD_STATES)),
        waiting=Count("pk", filter=Q(state=Session.State.SUBMITTED)),
    )
    suggestions = Suggestion.objects.filter(
        session__started_at__year=year, session__state__in=Session.HELD_STATES
    ).count()
    return [
        Figure(_("Sessions this year"), stats["held"], f"{url}?year={year}", hint=_("协商活动")),
        Figure(
            _("Sessions awaiting review"),
            stats["waiting"],
            f"{url}?state={Session.State.SUBMITTED}",
            warn=stats["waiting"] > 0,
        ),
        Figure(_("Suggestions from sessions this year"), suggestions, f"{url}?year={year}"),
    ]
