"""Suggestions: the ledger and its export, one suggestion with its referrals, adding a
suggestion to a report, editing one, a member's own."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from django_filters.views import FilterView

from apps.core.access import page_opens
from apps.core.mixins import PageMixin, UserFormKwargsMixin
from apps.core.spreadsheets import filter_summary
from apps.core.submission import SubmitOnceMixin

from .. import services
from ..exports import suggestions_ledger_workbook
from ..filters import SuggestionFilter
from ..forms.suggestions import ReportSuggestionForm
from ..managers import own_suggestion_ids
from ..models import Suggestion
from ..selectors import suggestion_referrals
from .research import ReportChildMixin


class SuggestionListView(PermissionRequiredMixin, PageMixin, FilterView):
    """The suggestion ledger: every suggestion raised (`raised()`: not those of a draft or
    returned session, which stay on the session) the user may read, with its source,
    proposers, outcome, progress, departments and overdue referrals; filtered. A fixed
    number of queries per page (rows, proposers, referrals, co-handling departments, and
    the filter's choice lists)."""

    permission_required = "consultation.view_suggestion"
    filterset_class = SuggestionFilter
    template_name = "consultation/suggestion_list.html"
    context_object_name = "suggestions"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            Suggestion.objects.for_user(self.request.user)
            .raised()
            .with_related()
            .order_by("-raised_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.urlencode()
        return context


class SuggestionExportView(PermissionRequiredMixin, View):
    """The filtered ledger as an .xlsx file (what the user may read, nothing more)."""

    permission_required = "consultation.export_suggestion"

    def get(self, request):
        queryset = Suggestion.objects.for_user(request.user).raised().with_progress()
        filterset = SuggestionFilter(request.GET, queryset=queryset, request=request)
        suggestions = filterset.qs if filterset.is_valid() else queryset.none()
        return suggestions_ledger_workbook(
            request,
            suggestions.order_by("-raised_on", "-pk"),
            filter_text=filter_summary(filterset.form),
        )


class SuggestionReadMixin:
    """Readers of suggestions: the ledger's users, or a member (their own only)."""

    @staticmethod
    def may_read(user) -> bool:
        return user.has_perm("consultation.view_suggestion") or user.has_perm(
            "consultation.view_own_suggestion"
        )

    def has_permission(self):
        return self.may_read(self.request.user)


class SuggestionDetailView(SuggestionReadMixin, PermissionRequiredMixin, DetailView):
    """A suggestion with its source, proposers, outcome, progress and every referral
    with its reply and closing; staff refer, record replies and close from here."""

    template_name = "consultation/suggestion_detail.html"
    context_object_name = "suggestion"

    def get_queryset(self):
        return (
            Suggestion.objects.for_user(self.request.user)
            .with_related()
            .select_related("report__project__topic")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        suggestion = self.object
        source = suggestion.report if suggestion.report_id else suggestion.session
        context.update(
            referrals=suggestion_referrals(suggestion, user),
            source_opens=page_opens(user, source),
            can_change=user.has_perm("consultation.change_suggestion"),
            can_refer=user.has_perm("consultation.add_referral"),
            can_reply=user.has_perm("consultation.reply_referral"),
            can_close=user.has_perm("consultation.close_referral"),
            today=timezone.localdate(),
        )
        return context


class SuggestionCreateView(
    PermissionRequiredMixin, ReportChildMixin, UserFormKwargsMixin, SubmitOnceMixin, CreateView
):
    """Staff add a suggestion of a report."""

    permission_required = "consultation.add_suggestion"
    form_class = ReportSuggestionForm
    template_name = "consultation/suggestion_form.html"

    def form_valid(self, form):
        self.object = services.suggestion_save(
            suggestion=form.instance, user=self.request.user, members=form.cleaned_data["members"]
        )
        messages.success(self.request, gettext("Suggestion saved."))
        if "add_another" in self.request.POST:
            return redirect("consultation:suggestion_create", report=self.report.pk)
        return HttpResponseRedirect(self.report.get_absolute_url() + "#suggestions")


class SuggestionUpdateView(PermissionRequiredMixin, UserFormKwargsMixin, UpdateView):
    """Staff change a suggestion's text, category, proposers or outcome."""

    permission_required = "consultation.change_suggestion"
    form_class = ReportSuggestionForm
    template_name = "consultation/suggestion_form.html"
    context_object_name = "suggestion"

    def get_queryset(self):
        return Suggestion.objects.for_user(self.request.user).select_related("report", "session")

    def form_valid(self, form):
        services.suggestion_save(
            suggestion=form.instance, user=self.request.user, members=form.cleaned_data["members"]
        )
        messages.success(self.request, gettext("Suggestion saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class MySuggestionsView(PermissionRequiredMixin, PageMixin, ListView):
    """The suggestions the signed-in member proposed, with their progress."""

    permission_required = "consultation.view_own_suggestion"
    template_name = "consultation/my_suggestions.html"
    context_object_name = "suggestions"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            Suggestion.objects.filter(pk__in=own_suggestion_ids(self.request.user))
            .with_related()
            .order_by("-raised_on", "-pk")
        )
