"""The office evaluation's pages: the year's ranking of the 16 liaison offices and, apart,
the 5 member homes (with their charts and an .xlsx export), each venue's breakdown with
its lines linked to their sources, staff adjustments, and a re-derivation now.

Who reads what (decided here, issue 17): staff and leaders read every ranking and every
breakdown; an office head reads the ranking of totals and ranks (their own venues marked)
and the breakdown of the venues they manage only — another venue's breakdown is a 404;
members, department users and anonymous visitors none of it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.core import audit
from apps.core.mixins import selected_year
from apps.core.spreadsheets import Sheet, xlsx_download
from apps.core.submission import SubmitOnceMixin
from apps.venues.models import Venue

from .. import ledger
from ..forms import OfficeAdjustmentForm
from ..managers import office_scope_q
from ..office_models import OfficeRule, OfficeScore, OfficeScoreLine
from ..office_scores import (
    office_score_adjust,
    office_score_adjustment_delete,
    office_scores_derive,
)
from ..office_selectors import office_rankings, rule_years
from .base import TabsMixin

VIEW_SCORES = "performance.view_officescore"


class OfficeCurrentView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The ranking of the default year (`?year=`, else the latest year with records)."""

    permission_required = VIEW_SCORES

    def get(self, request):
        return redirect("performance:office_list", year=selected_year(request))


class OfficeRankingView(LoginRequiredMixin, PermissionRequiredMixin, TabsMixin, TemplateView):
    """The year's rankings with their charts. Two queries (plus the rules' years), whatever
    the number of venues."""

    permission_required = VIEW_SCORES
    template_name = "performance/office_ranking.html"
    tab = "performance:office_current"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.kwargs["year"]
        user = self.request.user
        rankings = office_rankings(user, year=year)
        context.update(
            year=year,
            years=sorted(set(rule_years()) | {year}, reverse=True),
            rankings=rankings,
            charts=[r.chart for r in rankings if r.scores],
            can_derive=user.has_perm("performance.derive_ledger"),
        )
        return context


class OfficeExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The year's rankings as .xlsx: one sheet per kind (through the one export helper)."""

    permission_required = VIEW_SCORES

    def get(self, request, year):
        header = [_("Rank"), _("Venue"), _("Township"), _("Score")]
        sheets = [
            Sheet(
                str(ranking.label),
                header,
                [
                    [
                        s.rank,
                        s.venue.name,
                        s.venue.township.name if s.venue.township else "",
                        float(s.total),
                    ]
                    for s in ranking.scores
                ],
            )
            for ranking in office_rankings(request.user, year=year)
        ]
        title = _("Scores of the liaison offices and member homes, %(year)s") % {"year": year}
        return xlsx_download(
            request,
            *sheets,
            title=title,
            filename=f"office-scores-{year}.xlsx",
            display_name=f"{title}.xlsx",
        )


class OfficeScopeMixin:
    """The venue of the URL, if the user may read its lines (else 404)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_venue(self) -> Venue:
        if not hasattr(self, "_venue"):
            scope = Venue.objects.filter(office_scope_q(self.request.user, prefix=""))
            self._venue = get_object_or_404(
                scope.select_related("township"), pk=self.kwargs["venue_pk"]
            )
        return self._venue


class OfficeDetailView(LoginRequiredMixin, PermissionRequiredMixin, OfficeScopeMixin, TemplateView):
    """A venue's score of a year: total, rank among its kind, every line linked to its
    source, the year's rules. A fixed number of queries (one per kind of source)."""

    permission_required = VIEW_SCORES
    template_name = "performance/office_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venue = self.get_venue()
        year = self.kwargs["year"]
        user = self.request.user
        score = OfficeScore.objects.filter(venue=venue, year=year).first()
        lines = list(
            OfficeScoreLine.objects.for_user(user)
            .filter(venue=venue, year=year)
            .with_related()
            .order_by("date", "pk")
        )
        ledger.attach_links(lines, user)
        context.update(
            venue=venue,
            year=year,
            score=score,
            lines=lines,
            population=(
                OfficeScore.objects.filter(year=year, venue__kind=venue.kind).count()
                if score
                else 0
            ),
            years=sorted(set(rule_years()) | {year}, reverse=True),
            rules=OfficeRule.objects.of_year(year).order_by("sort_order", "code"),
            can_adjust=user.has_perm("performance.adjust_office_score"),
            adjust_form=OfficeAdjustmentForm(year=year, initial={"date": f"{year}-12-31"}),
        )
        return context


class OfficeAdjustView(
    LoginRequiredMixin,
    PermissionRequiredMixin,
    OfficeScopeMixin,
    SubmitOnceMixin,
    FormView,
):
    permission_required = "performance.adjust_office_score"
    form_class = OfficeAdjustmentForm
    template_name = "performance/office_adjustment_form.html"

    def repeated_url(self, obj):
        return reverse("performance:office_detail", args=[obj.year, obj.venue_id])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "year": self.kwargs["year"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(venue=self.get_venue(), year=self.kwargs["year"])
        return context

    def form_valid(self, form):
        try:
            self.object = office_score_adjust(
                venue=self.get_venue(),
                year=self.kwargs["year"],
                user=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("The adjustment is recorded."))
        return redirect(self.repeated_url(self.object))


class OfficeAdjustDeleteView(LoginRequiredMixin, PermissionRequiredMixin, OfficeScopeMixin, View):
    permission_required = "performance.adjust_office_score"
    http_method_names = ["post"]

    def post(self, request, year, venue_pk, pk):
        venue = self.get_venue()
        line = get_object_or_404(
            OfficeScoreLine.objects.adjustments(), pk=pk, venue=venue, year=year
        )
        office_score_adjustment_delete(line=line)
        messages.success(request, _("The adjustment is removed."))
        return redirect("performance:office_detail", year=year, venue_pk=venue.pk)


class OfficeDeriveView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Re-derive a year's office scores now (they are kept current on save; the repair)."""

    permission_required = "performance.derive_ledger"
    http_method_names = ["post"]

    def post(self, request, year):
        result = office_scores_derive(year=year)
        audit.record(
            "ledger",
            request=request,
            target=f"offices {year}",
            detail={
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
            },
        )
        if not result.configured:
            messages.warning(request, _("%(year)s has no office rules yet.") % {"year": year})
        else:
            messages.success(
                request,
                _(
                    "Office scores derived: %(created)s added, %(updated)s changed, "
                    "%(deleted)s removed."
                )
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "deleted": result.deleted,
                },
            )
        return redirect("performance:office_list", year=year)
