"""Error pages that need more than a fixed template."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler400`. A request over one of Django's request limits (the text of a form
    larger than DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files) answers 413 with
    a page that says which limit and that nothing was saved; any other bad request
    answers the plain 400 page. The form's data is gone by then (Django refuses to read
    it): the page says to go back, where the browser usually still has it."""
    if isinstance(exception, RequestDataTooBig):
        reason = _(
            "The text of the form (attached files not counted) is larger than %(mb)s MB, "
            "the most the system accepts."
        ) % {"mb": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    elif isinstance(exception, TooManyFieldsSent):
        reason = _("The form has more than %(n)s fields, the most the system accepts.") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    elif isinstance(exception, TooManyFilesSent):
        reason = _("The form sends more than %(n)s files at once, the most the system accepts.") % {
            "n": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    else:
        return render(request, "400.html", status=400)
    return render(request, "413.html", {"reason": reason}, status=413)


def _megabytes(size: int | None) -> str:
    if size is None:
        return "∞"
    return f"{size / (1024 * 1024):g}"
