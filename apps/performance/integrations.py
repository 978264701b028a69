"""Ledger sources and hooks from the apps that sit before performance in the dependency
chain (venues, consultation). Installed from `PerformanceConfig.ready()` when the app is
installed; each collector is one query (see `sources.py` for the contract)."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .collectors import Code
from .hooks import hooks
from .sources import Fact, register_collector


def collect_sessions(*, year: int, members: frozenset[int] | None) -> Iterator[Fact]:
    """A member taking part in a published consultation session. One query.

    The year is the session's local (Asia/Shanghai) year; a session on 1 January at
    00:30 local time belongs to the new year even though it is still 31 December in UTC.
    """
    Session = apps.get_model("consultation", "Session")
    through = Session.members.through
    rows = through.objects.filter(
        session__state=Session.State.PUBLISHED,
        session__started_at__year__in=[year - 1, year, year + 1],
    ).order_by()
    if members is not None:
        rows = rows.filter(member_id__in=members)
    type_id = Fact.type_id(Session)
    for session_id, member_id, started_at, venue, topic in rows.values_list(
        "session_id",
        "member_id",
        "session__started_at",
        "session__venue__name",
        "session__topic__title",
    ):
        local = timezone.localtime(started_at).date()
        if local.year != year:
            continue
        description = _("Consultation session at %(venue)s: %(topic)s") % {
            "venue": venue,
            "topic": topic or "—",
        }
        yield Fact(member_id, Code.SESSION, type_id, session_id, local, description)


def _session_years(session) -> list[int]:
    return [timezone.localtime(session.started_at).year] if session.started_at else []


def _member_townships() -> dict[int, str]:
    """{member id: township} of members stationed at a liaison office today. One query."""
    Assignment = apps.get_model("venues", "Assignment")
    return dict(
        Assignment.objects.current()
        .filter(venue__township__isnull=False)
        .values_list("member_id", "venue__township__name")
    )


def install() -> None:
    if apps.is_installed("apps.consultation"):
        Session = apps.get_model("consultation", "Session")
        register_collector(Code.SESSION, collect_sessions, watch={Session: _session_years})
    if apps.is_installed("apps.venues"):
        from apps.venues.extensions import office_head_member_scope

        def office_head_members(user):
            return office_head_member_scope(user) or Q(pk__in=[])

        hooks.member_townships = _member_townships
        hooks.office_head_members = office_head_members
