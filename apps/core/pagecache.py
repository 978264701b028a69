"""Read pages computed once per data version: `cached_page` keeps the HTML a read view
answered a signed-in user, and gives it back to the same user for the same address until
a record changes (the data version, `apps.core.versions`), the day turns, or the user's
permissions or language change. A page is never shown stale: every committed write of a
record of the project's apps moves the version, and the version is read before the
records.

    path("", cached_page(SessionListView.as_view()), name="list"),

**What is kept, under what.** The body, status and headers the view set (not those of the
middleware, which runs on every answer), compressed, under the version, the user, a
digest of their permissions, the language, today's date, the htmx request headers and
the full path with its query string, for `PAGE_CACHE_MAX_AGE` seconds (memory hygiene: the
version decides whether an entry is current). Each user has their own entries, so what a
role or an office may see never crosses to another user.

**What is never kept.**
- Anything but a GET of a signed-in user; any answer but a 200 HTML page; an answer that
  sets a cookie.
- A page while messages wait to be shown (they are drawn into it once).
- A page showing a member their own unmasked personal data (`keep_out`): personal
  data stays in the database, never in the cache.
- A view that wrote to the database while answering (a personal-data page records a
  security event on every visit, a form page issues its submission key): the watch below
  sees the statement and the answer is computed every time. So a view's side effects
  always happen; a view whose answer depends on something outside the records (the
  session, an `UNCOUNTED` table such as notifications or security events, the clock
  finer than the day) must not be wrapped.
- Anything inside a transaction that has written (`versions.wrote_in_transaction`).

**Values of one answer.** The page is drawn with placeholders where a value belongs to
one answer, and every answer, fresh or kept, gets its own values in their place: the
requesting browser's CSRF token (`csrf` below, a context processor after Django's), so
each POST form on a kept page works for whoever reads it, and a new one-time key for each
create form (`apps.core.submission.form_key`), so a form read twice is saved twice.

`PAGE_CACHE = False` (setting) turns the cache off; `make bench` measures both.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
import zlib
from functools import cached_property, wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from . import versions

RENDERING = "_page_cache_rendering"
KEEP_OUT = "_page_cache_keep_out"


class _Placeholder:
    """A word standing for a value of one answer in a page being kept; derived from the
    secret key: the same in every worker, unknown to the users."""

    def __init__(self, name: str) -> None:
        self.name = name

    @cached_property
    def text(self) -> str:
        digest = hmac.new(settings.SECRET_KEY.encode(), f"xc-page-{self.name}".encode(), "sha256")
        return f"xc{self.name}{digest.hexdigest()[:32]}"

    @cached_property
    def data(self) -> bytes:
        return self.text.encode()


PLACEHOLDER = _Placeholder("csrf")
SUBMISSION_PLACEHOLDER = _Placeholder("key")


def rendering(request: HttpRequest | None) -> bool:
    """Whether this request's page is being drawn to be kept (values of one answer are
    then written as placeholders)."""
    return getattr(request, RENDERING, False)


def keep_out(request: HttpRequest | None) -> None:
    """This answer holds something no cache may hold (a member's own unmasked personal
    data, `apps.members.personal`): it is sent, never kept."""
    if request is not None:
        setattr(request, KEEP_OUT, True)


def csrf(request: HttpRequest) -> dict:
    """Context processor: the CSRF placeholder while a page is drawn to be kept (else
    nothing: Django's own `csrf` processor gives the token)."""
    if rendering(request):
        return {"csrf_token": PLACEHOLDER.text}
    return {}


class _WriteWatch:
    """Whether a statement that writes (any table, `versions.written_table`) ran on the
    default database meanwhile."""

    wrote = False

    def __call__(self, execute, sql, params, many, context):
        if not self.wrote:
            self.wrote = versions.written_table(sql) is not None
        return execute(sql, params, many, context)


def _eligible(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return (
        settings.PAGE_CACHE
        and request.method == "GET"
        and user is not None
        and user.is_authenticated
        and not len(get_messages(request))
        and not versions.wrote_in_transaction()
    )


def _key(request: HttpRequest, version: int) -> str:
    user = request.user
    parts = "|".join(
        (
            str(user.pk),
            versions.permissions_key(user),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
            request.get_full_path(),
        )
    )
    return f"xc:page:{version}:" + hashlib.sha256(parts.encode()).hexdigest()


def _keepable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
    )


def _new_key(_match: re.Match) -> bytes:
    return uuid.uuid4().hex.encode()


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The answer's own values in place of the placeholders."""
    if response.streaming:
        return response
    content = response.content
    if PLACEHOLDER.data in content:
        content = content.replace(PLACEHOLDER.data, get_token(request).encode())
    if SUBMISSION_PLACEHOLDER.data in content:
        content = re.sub(re.escape(SUBMISSION_PLACEHOLDER.data), _new_key, content)
    if content is not response.content:
        response.content = content
    return response


def cached_page(view):
    """Wrap a read view (function or `as_view()`) so its page is computed once per data
    version for each user (see the module's docstring for what is and is not kept)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not _eligible(request):
            return view(request, *args, **kwargs)
        key = _key(request, versions.data_version())  # the version before the records
        kept = cache.get(key)
        if kept is not None:
            body, status, headers = kept
            response = HttpResponse(zlib.decompress(body), status=status)
            for name, value in headers:
                response[name] = value
            return _with_token(request, response)
        watch = _WriteWatch()
        setattr(request, RENDERING, True)
        try:
            with connections[DEFAULT_DB_ALIAS].execute_wrapper(watch):
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
        finally:
            setattr(request, RENDERING, False)
        # (A transaction that had written before the view was refused by `_eligible`; a
        # write of the view's own is what the watch saw.)
        if not watch.wrote and not getattr(request, KEEP_OUT, False) and _keepable(response):
            entry = (
                zlib.compress(response.content, 1),
                response.status_code,
                list(response.items()),
            )
            cache.set(key, entry, timeout=settings.PAGE_CACHE_MAX_AGE)
        return _with_token(request, response)

    wrapper.cached_page = True
    return wrapper
