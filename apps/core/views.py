from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from .media import media_atomic


class AtomicFormMixin:
    """Saves a valid form in one transaction: the row, its many-to-many relations and the
    history rows all or nothing, and on-commit work (such as re-deriving the ledger) runs
    once for the whole save rather than once per write. A file written by the save is
    removed again if the transaction rolls back (`apps.core.media`)."""

    def form_valid(self, form):
        with media_atomic():
            return super().form_valid(form)


class FloorView(TemplateView):
    """A bare page behind the same middleware and sign-in: the benchmark's floor. Its
    POST (CSRF checked, nothing written) answers a redirect: the floor of a form's save."""

    template_name = "core/floor.html"

    def post(self, request: HttpRequest) -> HttpResponse:
        return redirect("core:floor")


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for the load balancer; reveals nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
