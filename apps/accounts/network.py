from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the outermost trusted proxy saw it.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For
    (nginx appends the address it saw); a client cannot spoof it by sending its own
    header, because only the entries our proxies appended are read. With 0, REMOTE_ADDR.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
