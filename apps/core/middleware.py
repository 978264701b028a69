import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REFRESHED_KEY = "_idle_refreshed_at"


class SessionIdleTimeoutMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without a request.

    Renewing the session on every request (SESSION_SAVE_EVERY_REQUEST) costs a database
    write per page; this renews it at most once per SESSION_REFRESH_SECONDS, or per tenth
    of the idle time when that is shorter, so the idle timeout holds to within that margin
    (10 % at the most) at a fraction of the writes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        last = session.get(REFRESHED_KEY, 0)
        margin = min(settings.SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 10)
        if session.modified or now - last >= margin:
            # Saved (with a new expiry) by SessionMiddleware on the way out.
            session[REFRESHED_KEY] = now
        return response


class PrivateNoStoreMiddleware:
    """Every response to a signed-in user (pages, `.xlsx` exports, protected files) is
    `Cache-Control: private, no-store`: township offices share computers, and a browser
    cache or a proxy must not keep one person's pages for the next. Static files never
    get here (whitenoise answers them earlier, cacheable for a year), nor does the
    sign-in page of an anonymous visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = private_no_store(response.get("Cache-Control", ""))
        return response


# Directives that would let a cache keep the response; no-store overrides them anyway, but
# a header that says both confuses whoever reads it.
_KEEPING = {"public", "max-age", "s-maxage", "immutable", "stale-while-revalidate"}


def private_no_store(cache_control: str) -> str:
    """`private, no-store` and whatever else a view set (no-cache, must-revalidate) that
    does not let a cache keep the response."""
    others = [
        directive
        for directive in (d.strip() for d in cache_control.split(","))
        if directive
        and directive.split("=")[0].strip().lower() not in {*_KEEPING, "private", "no-store"}
    ]
    return ", ".join(["private", "no-store", *others])
