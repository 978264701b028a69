from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from apps.accounts.roles import ROLE_LABELS, role_names, sees_everything

from .media import media_atomic
from .registry import registry


class AtomicFormMixin:
    """Saves a valid form in one transaction: the row, its many-to-many relations and the
    history rows all or nothing, and on-commit work (such as re-deriving the ledger) runs
    once for the whole save rather than once per write. A file written by the save is
    removed again if the transaction rolls back (`apps.core.media`)."""

    def form_valid(self, form):
        with media_atomic():
            return super().form_valid(form)


class HomeView(TemplateView):
    """The home page of each role: figures for staff and leaders, the sections
    that apps register for office heads and members."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["role_labels"] = [
            ROLE_LABELS[r] for r in sorted(role_names(user)) if r in ROLE_LABELS
        ]
        year = self.overview_year()
        context["year"] = year
        this_year = timezone.localdate().year
        context["year_choices"] = list(range(this_year, this_year - 6, -1))
        context["figures"] = registry.figures_for(user, year=year) if sees_everything(user) else []
        context["home_sections"] = registry.home_sections_for(user)
        return context

    def overview_year(self) -> int | None:
        """`?year=` of the overview (2000–2100); None lets each app show its latest year
        with work. A malformed value is ignored, never an error."""
        raw = self.request.GET.get("year", "")
        if raw.isdigit() and 2000 <= int(raw) <= 2100:
            return int(raw)
        return None


class FloorView(TemplateView):
    """A bare page behind the same middleware and sign-in: the benchmark's floor."""

    template_name = "core/floor.html"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for the load balancer; reveals nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
