from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from apps.core.mixins import latest_year, year_choices, year_param
from apps.core.registry import registry

from . import sessions
from .models import Unit
from .roles import ROLE_LABELS, role_names, sees_everything


class HomeView(TemplateView):
    """The home page of each role (the project URL "home", `/`): figures for staff and
    leaders, the sections that apps register for office heads and members."""

    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["role_labels"] = [
            ROLE_LABELS[r] for r in sorted(role_names(user)) if r in ROLE_LABELS
        ]
        context["figures"] = context["charts"] = []
        if sees_everything(user):
            # `?year=` of the overview; without it ("最新") the latest year with records,
            # the default year of every page. The figures are a function of (year, today).
            today = timezone.localdate()
            year = year_param(self.request, recorded_only=True)
            context["latest"] = year is None
            year = year or latest_year(today)
            context["year"] = year
            context["year_choices"] = year_choices(next_year=False)[:6]
            context["figures"] = registry.cached_figures_for(user, year=year, today=today)
            context["charts"] = registry.cached_charts_for(user, year=year, today=today)

        context["home_sections"] = registry.home_sections_for(user)
        return context


class UnitListView(PermissionRequiredMixin, ListView):
    """Units with authorized posts against staff in post; flags the "一人委".
    One query for the whole list."""

    permission_required = "accounts.view_unit"
    template_name = "accounts/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return Unit.objects.active().with_staffing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        units = context["units"]
        for unit in units:
            unit.understaffed = unit.is_understaffed(unit.staff_in_post)
            unit.vacancies = max(unit.authorized_posts - unit.staff_in_post, 0)
        context["total_posts"] = sum(u.authorized_posts for u in units)
        context["total_in_post"] = sum(u.staff_in_post for u in units)
        return context


class SessionListView(TemplateView):
    """The signed-in user's sessions (where and when), with "sign out everywhere". Two
    queries."""

    template_name = "accounts/session_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["user_sessions"] = list(sessions.active(self.request.user).order_by("-created_at"))
        context["current_key"] = self.request.session.session_key
        context["max_sessions"] = settings.MAX_SESSIONS_PER_USER
        return context


class SignOutEverywhereView(View):
    """POST: end every session of the user, this one included."""

    http_method_names = ["post"]

    def post(self, request):
        count = sessions.end_all(user=request.user, request=request)
        logout(request)
        messages.success(request, _("Signed out of %(count)s sessions.") % {"count": count})
        return redirect("login")
