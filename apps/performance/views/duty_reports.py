"""Duty reports (述职报告): the year's list with who has not reported, a report, its
file."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from apps.core.files import serve_protected
from apps.core.mixins import PageMixin, UserFormKwargsMixin, selected_year
from apps.core.submission import SubmitOnceMixin
from apps.core.views import AtomicFormMixin
from apps.members.models import Member

from .. import dashboard
from ..forms import DutyReportForm
from ..models import DutyReport
from .base import FormTitleMixin, TabsMixin, int_param


class DutyReportListView(PermissionRequiredMixin, TabsMixin, PageMixin, ListView):
    """The year's duty reports and the standing members who have not reported yet."""

    permission_required = "performance.view_dutyreport"
    template_name = "performance/dutyreport_list.html"
    context_object_name = "reports"
    paginate_by = 50
    tab = "performance:dutyreport_list"

    def get_queryset(self):
        self.year = selected_year(self.request)
        return (
            DutyReport.objects.for_user(self.request.user)
            .filter(year=self.year)
            .with_related()
            .order_by("member__name_pinyin", "member__name")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reported = DutyReport.objects.submitted().filter(year=self.year).values("member_id")
        context.update(
            year=self.year,
            years=sorted(
                set(DutyReport.objects.values_list("year", flat=True).distinct()) | {self.year},
                reverse=True,
            ),
            missing=Member.objects.filter(
                term=settings.CURRENT_TERM, is_standing=True, status=Member.Status.ACTIVE
            )
            .exclude(pk__in=reported)
            .select_related("sector")
            .order_by("name_pinyin", "name"),
            can_add=self.request.user.has_perm("performance.add_dutyreport"),
        )
        return context


class DutyReportDetailView(TabsMixin, DetailView):
    template_name = "performance/dutyreport_detail.html"
    context_object_name = "report"
    tab = "performance:dutyreport_list"

    def get_queryset(self):
        return DutyReport.objects.for_user(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.request.user.has_perm("performance.change_dutyreport")
        return context


class DutyReportFileView(View):
    """The report's file, after the same check as its page."""

    def get(self, request, pk):
        report = get_object_or_404(DutyReport.objects.for_user(request.user), pk=pk)
        if not report.attachment:
            raise Http404
        # Stored under a random name; downloaded as "<member>-<year>-述职报告.<ext>".
        extension = PurePosixPath(report.attachment.name).suffix
        filename = _("%(member)s-%(year)s-duty-report") % {
            "member": report.member.name,
            "year": report.year,
        }
        return serve_protected(
            report.attachment, as_attachment=True, filename=f"{filename}{extension}"
        )


class DutyReportCreateView(
    PermissionRequiredMixin,
    AtomicFormMixin,
    SuccessMessageMixin,
    TabsMixin,
    FormTitleMixin,
    UserFormKwargsMixin,
    SubmitOnceMixin,
    CreateView,
):
    permission_required = "performance.add_dutyreport"
    model = DutyReport
    form_class = DutyReportForm
    template_name = "performance/form.html"
    success_message = gettext_lazy("The duty report is saved.")
    tab = "performance:dutyreport_list"

    def get_initial(self):
        initial = super().get_initial()
        initial["year"] = dashboard.evaluation_year()
        member = int_param(self.request, "member", 0)
        if member:
            initial["member"] = member
        return initial


class DutyReportUpdateView(
    PermissionRequiredMixin,
    AtomicFormMixin,
    SuccessMessageMixin,
    TabsMixin,
    FormTitleMixin,
    UserFormKwargsMixin,
    UpdateView,
):
    permission_required = "performance.change_dutyreport"
    model = DutyReport
    form_class = DutyReportForm
    template_name = "performance/form.html"
    success_message = gettext_lazy("The duty report is saved.")
    tab = "performance:dutyreport_list"
