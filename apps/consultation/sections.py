"""What consultation shows on the pages of earlier apps, through `apps.core.sections`:
a member's sessions, research and suggestions (the member page), a venue's sessions (the
venue page and each row of the venue list), and the offices that hold no sessions (the
home page's figures). Registered by `register()` from `ConsultationConfig.ready()`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from apps.accounts.roles import is_staff_user
from apps.core.mixins import as_of
from apps.core.registry import Figure, registry
from apps.core.sections import sections
from apps.venues.managers import managed_venue_ids
from apps.venues.models import Venue

from .models import OpinionItem, Session

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User

# How many sessions, and photos of them, a venue's page lists.
RECENT_SESSIONS = 20
RECENT_PHOTOS = 12


def venue_activity(
    venues: Sequence[Any], *, year: int, today: datetime.date | None = None, **_page: Any
) -> dict[str, int]:
    """Set on each venue `sessions_in_year` (sessions held in `year`: submitted or
    published), `last_session_at` (its latest held session up to the end of the year, or
    None) and `is_idle` (an active liaison office without a held session for
    VENUE_IDLE_DAYS days, counted at the end of `year`, or `today` in the current year:
    `as_of`). One query, whatever the number of venues; returns `idle_count` and
    `idle_days` for the page."""
    day = as_of(year, today)
    end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    held = (
        Session.objects.held()
        .filter(venue__in=[venue.pk for venue in venues], started_at__lte=end)
        .order_by()
        .values("venue")
        .annotate(in_year=Count("pk", filter=Q(started_at__year=year)), last=Max("started_at"))
    )
    by_venue = {row["venue"]: row for row in held}
    cutoff = end - datetime.timedelta(days=settings.VENUE_IDLE_DAYS)
    for venue in venues:
        row = by_venue.get(venue.pk, {})
        venue.sessions_in_year = row.get("in_year", 0)
        venue.last_session_at = row.get("last")
        venue.is_idle = (
            venue.is_office
            and venue.is_active
            and (venue.last_session_at is None or venue.last_session_at < cutoff)
        )
    return {
        "idle_count": sum(bool(venue.is_idle) for venue in venues),
        "idle_days": settings.VENUE_IDLE_DAYS,
    }


def venue_sessions(
    venues: Sequence[Venue], *, request: HttpRequest, year: int, **_page: Any
) -> dict[str, Any]:
    """A venue's page (`venues` is its one venue): the figures of `year`, its latest
    sessions with their photos, as far as the user may read them, and whether the user may
    log a session there. Three queries."""
    (venue,) = venues
    user = cast("User", request.user)  # the page requires sign-in
    sessions = venue.sessions.for_user(user)
    recent = list(sessions.with_related().prefetch_related("photos")[:RECENT_SESSIONS])
    figures = (
        sessions.held()
        .filter(started_at__year=year)
        .aggregate(
            sessions=Count("pk", distinct=True),
            members=Count("members", distinct=True),
            suggestions=Count("suggestions", distinct=True),
            photos=Count("photos", distinct=True),
        )
    )
    return {
        "figures": figures,
        "sessions": recent,
        "photos": [photo for session in recent for photo in session.photos.all()][:RECENT_PHOTOS],
        "can_log_session": venue.pk in managed_venue_ids(user)
        or (is_staff_user(user) and user.has_perm("consultation.add_session")),
    }


# How many 社情民意 items a liaison office's page lists.
RECENT_OPINIONS = 10


def venue_opinions(
    venues: Sequence[Venue], *, request: HttpRequest, year: int, **_page: Any
) -> dict[str, Any]:
    """A liaison office's page: the 社情民意 items it reported (as the user may read them),
    the year's count and adopted count, the latest items. Two queries."""
    (venue,) = venues
    user = cast("User", request.user)
    items = OpinionItem.objects.for_user(user).submitted().of_office(venue)
    figures = items.in_year(year).aggregate(
        total=Count("pk"), adopted=Count("pk", filter=Q(state=OpinionItem.State.ADOPTED))
    )
    return {
        "opinion_figures": figures,
        "opinions": list(items.with_related().order_by("-submitted_on", "-pk")[:RECENT_OPINIONS]),
        "can_list_opinions": user.has_perm("consultation.view_opinionitem"),
        "can_report_opinion": venue.is_office
        and venue.pk in managed_venue_ids(user)
        and user.has_perm("consultation.add_own_opinionitem"),
    }


def idle_office_figures(
    user, *, year: int | None = None, today: datetime.date | None = None
) -> list[Figure]:
    """The home page's count of active liaison offices without a session for
    VENUE_IDLE_DAYS days at the end of `year` (today in the current year: the venue
    list's idle flag of that year). Two queries."""
    if not user.has_perm("venues.view_venue"):
        return []
    year = year or (today or timezone.localdate()).year
    offices = list(Venue.objects.active().offices())
    idle = venue_activity(offices, year=year, today=today)["idle_count"]
    return [
        Figure(
            gettext("Offices without a session for %(days)s days")
            % {"days": settings.VENUE_IDLE_DAYS},
            idle,
            f"{reverse('venues:list')}?year={year}",
            warn=idle > 0,
        )
    ]


def register() -> None:
    sections.page("members:detail").add("consultation/sections/member_detail.html", order=200)
    sections.page("venues:detail").add(
        "consultation/sections/venue_detail.html", order=200, rows=venue_sessions
    )
    sections.page("venues:detail").add(
        "consultation/sections/venue_opinions.html", order=210, rows=venue_opinions
    )
    sections.page("venues:list").add(
        "consultation/sections/venue_list.html", order=200, rows=venue_activity
    )
    # Right after the venues' own figures (order 300), as the last of the venue figures.
    registry.add_figures(idle_office_figures, order=301)
