"""The security audit trail's one API (安全审计): every app records an event with

    from apps.core import audit
    audit.record("export", request=request, target="委员名册", detail={"rows": 256})

`kind` is one of `SecurityEvent.Kind`; `request` gives the user and the source address
(without it, the request the current thread is answering is used when there is one:
django-simple-history's middleware keeps it, so services and signal receivers record the
address too). One INSERT per event; nothing else reads or writes the table.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import SecurityEvent

logger = logging.getLogger(__name__)

SUCCESS = "success"
FAILURE = "failure"


def current_request() -> HttpRequest | None:
    """The request this thread is answering (set by simple_history's HistoryRequestMiddleware)."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes sees it (TRUSTED_PROXY_COUNT), else REMOTE_ADDR."""
    if request is None:
        return None
    address = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return address or None


def _jsonable(detail: Any) -> dict:
    import json

    if not detail:
        return {}
    if not isinstance(detail, dict):
        detail = {"value": detail}
    return json.loads(json.dumps(detail, cls=DjangoJSONEncoder, default=str))


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    target: Any = "",
    result: str = SUCCESS,
    detail: Any = None,
) -> SecurityEvent | None:
    """Append one event. Never raises: a failing audit write is logged, and the action the
    user took is not undone by it (the insert runs in its own savepoint)."""
    from .models import SecurityEvent

    if request is None:
        request = current_request()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    username = ""
    if user is not None:
        username = user.get_username() if hasattr(user, "get_username") else str(user)
    address = client_address(request)
    try:
        with transaction.atomic():
            return SecurityEvent.objects.create(
                kind=kind,
                user=user if getattr(user, "pk", None) else None,
                username=username[:150],
                ip_address=address,
                target=str(target)[:255],
                result=result,
                detail=_jsonable(detail),
            )
    except (DatabaseError, ValueError):
        logger.exception("security event %s could not be recorded", kind)
        return None
