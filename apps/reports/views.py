"""The annual work report: the page (A4 print), and the same content as a .docx the staff
edit into the 常委会工作报告. Staff and leaders only."""

from __future__ import annotations

from django.contrib.auth.mixins import UserPassesTestMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from apps.accounts.roles import sees_everything
from apps.core.mixins import FIRST_YEAR, latest_year, year_choices
from apps.core.spreadsheets import download

from . import chapters, documents
from .apps import REPORT_PERMISSION


class ReportAccessMixin(UserPassesTestMixin):
    """Staff and leaders (who read all domain data and may export the year's records:
    `REPORT_PERMISSION`); others are refused (403) and the anonymous sent to sign in."""

    def test_func(self):
        user = self.request.user
        return sees_everything(user) and user.has_perm(REPORT_PERMISSION)


def checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


class LatestReportView(ReportAccessMixin, View):
    def get(self, request):
        return redirect("reports:year", year=latest_year())


class ReportView(ReportAccessMixin, TemplateView):
    template_name = "reports/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = checked_year(self.kwargs["year"])
        today = timezone.localdate()
        context.update(
            year=year,
            years=year_choices(next_year=False),
            chapters=chapters.report(self.request.user, year=year, today=today),
            today=today,
        )
        return context


class ReportDocxView(ReportAccessMixin, View):
    def get(self, request, year):
        year = checked_year(year)
        report = chapters.report(request.user, year=year)
        file = documents.report_docx(request, year=year, chapters=report)
        return download(
            request,
            file,
            filename=f"work-report-{year}.docx",
            display_name=documents.title(year) + ".docx",
            kind="docx",
            title=documents.title(year),
        )
