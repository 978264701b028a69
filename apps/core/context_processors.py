from django.http import HttpRequest

from .registry import registry


def navigation(request: HttpRequest) -> dict:
    """Navigation entries the signed-in user may open; no query beyond the user's permissions
    (cached on the user object after the first check)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": registry.nav_for(user)}
