from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# The pages a user who must change the password may still open.
ALLOWED_URL_NAMES = (
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:logout",
    "login",
)


class PasswordPolicyMiddleware:
    """A signed-in user whose password expired (PASSWORD_MAX_AGE_DAYS) or was set by an
    administrator (`User.must_change_password`) is sent to the password change page until
    they change it. No query: both are fields of the user the session already loaded."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def allowed(self) -> tuple[str, ...]:
        if self._allowed is None:
            self._allowed = tuple(reverse(name) for name in ALLOWED_URL_NAMES)
        return self._allowed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.must_change_password or user.password_expired())
            and request.path not in self.allowed()
            and not request.path.startswith("/static/")
        ):
            if user.must_change_password:
                text = _("An administrator set your password: choose your own to go on.")
            else:
                text = _("Your password has expired: choose a new one to go on.")
            if request.method == "GET" and not request.headers.get("HX-Request"):
                messages.warning(request, text)
            return redirect("accounts:password_change")
        return self.get_response(request)
