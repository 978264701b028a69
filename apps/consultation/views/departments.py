"""The departments suggestions are referred to, and the year statistics of the research
work."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from apps.core.mixins import PageMixin, selected_year, year_choices, year_param

from ..dashboard import year_statistics
from ..models import Department
from ..selectors import REFERRAL_STATE_CHOICES, department_referral_rows, statistics_figures


class DepartmentListView(PermissionRequiredMixin, ListView):
    """Every department with its referrals, reply rate, average days to reply and
    overdue referrals (optionally of one year's suggestions): one query."""

    permission_required = "consultation.view_department"
    template_name = "consultation/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        self.year = year_param(self.request)  # None: every year
        return (
            Department.objects.for_user(self.request.user)
            .with_stats(year=self.year)
            .order_by("sort_order", "name")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, years=year_choices(), **kwargs)


class DepartmentDetailView(PermissionRequiredMixin, PageMixin, ListView):
    """A department: contact, reply rate, average days to reply, overdue; its referrals
    (as lead or co-handling department), filtered by state, a page at a time."""

    permission_required = "consultation.view_department"
    template_name = "consultation/department_detail.html"
    context_object_name = "referrals"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        self.today = timezone.localdate()
        self.department = get_object_or_404(
            Department.objects.for_user(self.request.user).with_stats(today=self.today),
            pk=self.kwargs["pk"],
        )
        self.state = self.request.GET.get("state", "")
        return department_referral_rows(self.department, self.state, self.today)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            department=self.department,
            state=self.state,
            states=REFERRAL_STATE_CHOICES,
            today=self.today,
            **kwargs,
        )


class StatisticsView(PermissionRequiredMixin, TemplateView):
    """A year's research work: projects, reports, suggestions, referred, replied, closed,
    adopted; by department and by category. Five queries whatever the numbers."""

    permission_required = "consultation.view_suggestion"
    template_name = "consultation/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = selected_year(self.request)
        stats = year_statistics(year)
        context.update(
            year=year,
            years=year_choices(),
            figures=statistics_figures(year, stats),
            **stats,
        )
        return context
