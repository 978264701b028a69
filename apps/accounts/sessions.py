"""Each user's signed-in sessions (等保: 限制同一用户的并发会话): recorded at sign-in, at most
MAX_SESSIONS_PER_USER (a new sign-in ends the oldest), listed on the profile, and all ended
by "sign out everywhere". Sessions are Django's database sessions (SESSION_ENGINE's
default): ending one deletes its row, and its next request is signed out."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core import audit

from .models import User, UserSession


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _end(keys: list[str]) -> None:
    store = _store()
    for key in keys:
        store(session_key=key).delete()


@transaction.atomic
def track(*, user: User, request) -> None:
    """After a sign-in: note the session; end the oldest beyond the limit."""
    key = request.session.session_key
    if not key:
        request.session.save()
        key = request.session.session_key
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip_address": audit.client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "created_at": timezone.now(),
        },
    )
    limit = settings.MAX_SESSIONS_PER_USER
    if limit <= 0:
        return
    rows = list(active(user).order_by("-created_at", "-id").values_list("pk", "session_key"))
    ended = rows[limit:]
    if ended:
        _end([k for _pk, k in ended])
        UserSession.objects.filter(pk__in=[pk for pk, _k in ended]).delete()
        audit.record(
            "session_ended",
            request=request,
            user=user,
            target=user.get_username(),
            detail={"reason": "session limit", "ended": len(ended), "limit": limit},
        )


def forget(session_key: str | None) -> None:
    """At sign-out: the session is gone."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def active(user: User):
    """The user's sessions that still exist (expired or ended ones are dropped). With
    database sessions, one query joining the session table; other engines: the rows."""
    rows = UserSession.objects.filter(user=user)
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        rows = rows.filter(session_key__in=live)
    return rows


@transaction.atomic
def end_all(*, user: User, request=None) -> int:
    """ "Sign out everywhere": every session of the user, this one included."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    _end(keys)
    UserSession.objects.filter(user=user).delete()
    audit.record(
        "session_ended",
        request=request,
        user=user,
        target=user.get_username(),
        detail={"reason": "sign out everywhere", "ended": len(keys)},
    )
    return len(keys)
