"""The year table of evaluations (filtered, exported, re-derived) and a member's
ledger with staff adjustments. A member reads only their own ledger; an office head
the ledgers of their venues' members (`member_scope_q`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from apps.accounts.roles import sees_everything
from apps.core import audit
from apps.core.mixins import PageMixin, UserFormKwargsMixin
from apps.core.spreadsheets import Sheet, filter_summary, xlsx_download
from apps.core.submission import SubmitOnceMixin
from apps.members.models import Member

from .. import dashboard, ledger
from ..filters import EvaluationFilter
from ..forms import AdjustmentForm
from ..managers import member_scope_q
from ..models import Category, Evaluation, GradeThreshold, PointEntry, PointRule
from ..services import ledger_adjust, ledger_adjustment_delete, ledger_derive
from .base import TabsMixin


class EvaluationCurrentView(PermissionRequiredMixin, View):
    permission_required = "performance.view_evaluation"

    def get(self, request):
        return redirect("performance:evaluation_list", year=dashboard.evaluation_year())


class EvaluationQueryMixin:
    # Of the View it is mixed into.
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_year(self) -> int:
        return self.kwargs["year"]

    def get_queryset(self):
        return (
            Evaluation.objects.for_user(self.request.user).of_year(self.get_year()).with_related()
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["year"] = self.get_year()
        return kwargs


class EvaluationListView(
    PermissionRequiredMixin, TabsMixin, EvaluationQueryMixin, PageMixin, FilterView
):
    """The year table: every member's points by category, total, grade and rank;
    sortable and filtered. A fixed number of queries per page."""

    permission_required = "performance.view_evaluation"
    filterset_class = EvaluationFilter
    template_name = "performance/evaluation_list.html"
    context_object_name = "evaluations"
    paginate_by = 50
    strict = False
    tab = "performance:evaluation_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        townships = self.filterset.townships
        # Each row's values prepared once per page as a plain dict (the template engine's
        # first lookup): fifty rows of thirteen cells.
        rows = []
        for ev in context["evaluations"]:
            member = ev.member
            rows.append(
                {
                    "member_id": ev.member_id,
                    "rank": ev.rank,
                    "name": member.name,
                    "standing": member.is_standing,
                    "url": ev.get_absolute_url(),
                    "total": ev.total,
                    "grade": ev.grade.label if ev.grade else "",
                    "sector": member.sector.name if member.sector else "",
                    "township": townships.get(ev.member_id, ""),
                    # In the order of the headers (`categories`).
                    "points": [getattr(ev, f"points_{value}") for value in Category.values],
                }
            )
        context.update(
            rows=rows,
            year=year,
            years=sorted(
                set(PointRule.objects.values_list("year", flat=True).distinct()) | {year},
                reverse=True,
            ),
            categories=Category.choices,
            category_fields=[(f"points_{value}", label) for value, label in Category.choices],
            show_township=bool(townships),
            rules=PointRule.objects.of_year(year).order_by("sort_order", "code"),
            thresholds=GradeThreshold.objects.filter(year=year),
            can_derive=self.request.user.has_perm("performance.derive_ledger"),
            sort=self.request.GET.get("sort", ""),
            query=self.request.GET.urlencode(),
        )
        return context


class EvaluationExportView(PermissionRequiredMixin, EvaluationQueryMixin, View):
    """The filtered year table as .xlsx (every row, not one page)."""

    permission_required = "performance.view_evaluation"

    def get(self, request, year):
        filterset = EvaluationFilter(request.GET or None, queryset=self.get_queryset(), year=year)
        townships = filterset.townships
        header = [_("Rank"), _("Name"), _("Sector"), _("Standing committee member")]
        if townships:
            header.append(_("Township"))
        header += [str(label) for _value, label in Category.choices]
        header += [_("Total"), _("Grade")]

        def rows():
            for ev in filterset.qs:
                yield self.row(ev, townships)

        title = _("Evaluation of %(year)s") % {"year": year}
        return xlsx_download(
            request,
            Sheet(str(year), header, rows()),
            title=title,
            filter_text=filter_summary(filterset.form),
            filename=f"evaluation-{year}.xlsx",
            display_name=f"{title}.xlsx",
        )

    @staticmethod
    def row(ev, townships) -> list:
        row = [
            ev.rank,
            ev.member.name,
            ev.member.sector.name,
            _("Yes") if ev.member.is_standing else _("No"),
        ]
        if townships:
            row.append(townships.get(ev.member_id, ""))
        row += [float(getattr(ev, f"points_{value}")) for value in Category.values]
        row += [float(ev.total), ev.grade.label if ev.grade else ""]
        return row


class LedgerDeriveView(PermissionRequiredMixin, View):
    """Re-derive a year now (the ledger is kept current on save; this is the repair)."""

    permission_required = "performance.derive_ledger"
    http_method_names = ["post"]

    def post(self, request, year):
        result = ledger_derive(year=year)
        audit.record(
            "ledger",
            request=request,
            target=str(year),
            detail={
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
            },
        )
        if not result.configured:
            messages.warning(request, _("%(year)s has no point rules yet.") % {"year": year})
        else:
            messages.success(
                request,
                _(
                    "Ledger derived: %(created)s added, %(updated)s changed, %(deleted)s "
                    "removed, in %(seconds).2f s."
                )
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "deleted": result.deleted,
                    "seconds": result.seconds,
                },
            )
        return redirect("performance:evaluation_list", year=year)


class MyLedgerView(TemplateView):
    """A member's own ledger of the evaluated year."""

    template_name = "performance/my_ledger_missing.html"

    def get(self, request, *args, **kwargs):
        member = Member.objects.filter(user=request.user).first()
        if member is None:
            return super().get(request, *args, **kwargs)
        return redirect("performance:ledger", year=dashboard.evaluation_year(), member_pk=member.pk)


class LedgerScopeMixin:
    """The member of the URL, if the user may read their ledger (else 404)."""

    # Of the View it is mixed into.
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_member(self) -> Member:
        if not hasattr(self, "_member"):
            scope = Member.objects.filter(member_scope_q(self.request.user)).select_related(
                "sector"
            )
            self._member = get_object_or_404(scope, pk=self.kwargs["member_pk"])
        return self._member


class LedgerView(LedgerScopeMixin, TemplateView):
    """A member's ledger of a year: each line linked to its source, the evaluation on top.
    A fixed number of queries (one per kind of source for the links)."""

    template_name = "performance/ledger.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.get_member()
        year = self.kwargs["year"]
        user = self.request.user
        evaluation = (
            Evaluation.objects.filter(member=member, year=year).select_related("grade").first()
        )
        entries = list(
            PointEntry.objects.filter(member=member, year=year)
            .with_related()
            .order_by("date", "pk")
        )
        ledger.attach_links(entries, user)
        context.update(
            member=member,
            year=year,
            evaluation=evaluation,
            entries=entries,
            years=sorted(
                set(Evaluation.objects.filter(member=member).values_list("year", flat=True))
                | {year},
                reverse=True,
            ),
            population=Evaluation.objects.filter(year=year).count() if evaluation else 0,
            can_adjust=user.has_perm("performance.adjust_points"),
            sees_table=user.has_perm("performance.view_evaluation") and sees_everything(user),
            adjust_form=AdjustmentForm(year=year, initial={"date": f"{year}-12-31"}),
        )
        return context


class AdjustmentCreateView(
    PermissionRequiredMixin, LedgerScopeMixin, UserFormKwargsMixin, SubmitOnceMixin, FormView
):
    permission_required = "performance.adjust_points"
    form_class = AdjustmentForm
    template_name = "performance/adjustment_form.html"

    def repeated_url(self, obj):
        return reverse("performance:ledger", args=[obj.year, obj.member_id])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["year"] = self.kwargs["year"]
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(member=self.get_member(), year=self.kwargs["year"])
        return context

    def form_valid(self, form):
        try:
            self.object = ledger_adjust(
                member=self.get_member(),
                year=self.kwargs["year"],
                user=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("The adjustment is recorded."))
        return redirect(
            "performance:ledger", year=self.kwargs["year"], member_pk=self.get_member().pk
        )


class AdjustmentDeleteView(PermissionRequiredMixin, LedgerScopeMixin, View):
    permission_required = "performance.adjust_points"
    http_method_names = ["post"]

    def post(self, request, year, member_pk, pk):
        member = self.get_member()
        entry = get_object_or_404(PointEntry.objects.adjustments(), pk=pk, member=member, year=year)
        ledger_adjustment_delete(entry=entry)
        messages.success(request, _("The adjustment is removed."))
        return redirect("performance:ledger", year=year, member_pk=member.pk)
