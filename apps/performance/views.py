"""Pages of the performance app. Lists need the model's view permission; detail pages
start from `for_user()`, so a member opens the records of their own ledger and nothing
else (another member's record is a 404)."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)
from django_filters.views import FilterView

from apps.accounts.roles import sees_everything
from apps.core.files import serve_protected
from apps.core.spreadsheets import text_safe_row, workbook_bytes, xlsx_response
from apps.core.views import AtomicFormMixin
from apps.members.models import Member
from apps.venues.models import Assignment

from . import dashboard, ledger
from .filters import EvaluationFilter
from .forms import (
    AdjustmentForm,
    AttendanceSheetForm,
    BatchForm,
    DutyReportForm,
    MeetingForm,
    RotationPlanForm,
    StudySessionForm,
    staff_users,
)
from .managers import member_scope_q
from .models import (
    Attendance,
    AttendanceBatch,
    Category,
    DutyReport,
    Evaluation,
    GradeThreshold,
    Meeting,
    PointEntry,
    PointRule,
    StudySession,
)
from .services import (
    attendance_mark,
    ledger_adjust,
    ledger_adjustment_delete,
    ledger_derive,
    meeting_roster,
    rotation_plan,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _int_param(request, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default


FIRST_YEAR, LAST_YEAR = 1949, 2100


def _year_param(request, default: int) -> int:
    """`?year=` when it is a plausible year, else `default` (bad input is no error)."""
    year = _int_param(request, "year", default)
    return year if FIRST_YEAR <= year <= LAST_YEAR else default


class TabsMixin:
    """The performance pages' tabs, those the user may open."""

    tab = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = dashboard.tabs_for(self.request.user)
        context["active_tab"] = self.tab
        return context


class FormTitleMixin:
    """`page_title` of the shared form template: "New meeting", "Edit …"."""

    form_title: StrOrPromise = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.form_title:
            context["page_title"] = self.form_title
        elif getattr(self, "object", None) is not None and self.object.pk:
            context["page_title"] = _("Edit %(thing)s") % {"thing": self.object}
        elif getattr(self, "model", None) is not None:
            context["page_title"] = _("New %(thing)s") % {"thing": self.model._meta.verbose_name}
        return context


class UserFormKwargsMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class IndexView(View):
    """The first performance page the user may open."""

    def get(self, request):
        tabs = dashboard.tabs_for(request.user)
        if not tabs:
            raise PermissionDenied
        name = tabs[0][1]
        if name == "performance:evaluation_list":
            return redirect(name, year=dashboard.evaluation_year())
        return redirect(name)


# --------------------------------------------------------------------------- evaluation


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


class EvaluationListView(PermissionRequiredMixin, TabsMixin, EvaluationQueryMixin, FilterView):
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
        for evaluation in context["evaluations"]:
            evaluation.township = townships.get(evaluation.member_id, "")
        context.update(
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
        from openpyxl import Workbook

        filterset = EvaluationFilter(request.GET or None, queryset=self.get_queryset(), year=year)
        townships = filterset.townships
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(year))
        header = [_("Rank"), _("Name"), _("Sector"), _("Standing committee member")]
        if townships:
            header.append(_("Township"))
        header += [str(label) for _value, label in Category.choices]
        header += [_("Total"), _("Grade")]
        sheet.append(header)
        for ev in filterset.qs:
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
            sheet.append(text_safe_row(sheet, row))
        return xlsx_response(workbook_bytes(workbook), filename=f"evaluation-{year}.xlsx")


class LedgerDeriveView(PermissionRequiredMixin, View):
    """Re-derive a year now (the ledger is kept current on save; this is the repair)."""

    permission_required = "performance.derive_ledger"
    http_method_names = ["post"]

    def post(self, request, year):
        result = ledger_derive(year=year)
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
    PermissionRequiredMixin, LedgerScopeMixin, UserFormKwargsMixin, FormView
):
    permission_required = "performance.adjust_points"
    form_class = AdjustmentForm
    template_name = "performance/adjustment_form.html"

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
            ledger_adjust(
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


# --------------------------------------------------------------------------- meetings


class MeetingListView(PermissionRequiredMixin, TabsMixin, ListView):
    """Meetings of a year with attendance counts: two queries per page."""

    permission_required = "performance.view_meeting"
    template_name = "performance/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 25
    tab = "performance:meeting_list"

    def get_queryset(self):
        qs = (
            Meeting.objects.for_user(self.request.user)
            .with_counts()
            .select_related("batch")
            .order_by("-date", "-pk")
        )
        self.year = _year_param(self.request, 0)
        if self.year:
            qs = qs.of_year(self.year)
        self.kind = self.request.GET.get("kind", "")
        if self.kind in Meeting.Kind.values:
            qs = qs.filter(kind=self.kind)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.year,
            kind=self.kind,
            kinds=Meeting.Kind.choices,
            years=[d.year for d in Meeting.objects.dates("date", "year", order="DESC")],
        )
        return context


class MeetingDetailView(TabsMixin, DetailView):
    """A meeting and its sign-in list. A member sees only their own line."""

    template_name = "performance/meeting_detail.html"
    context_object_name = "meeting"
    tab = "performance:meeting_list"

    def get_queryset(self):
        return Meeting.objects.for_user(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        user = self.request.user
        full = sees_everything(user)
        if full:
            roster = meeting_roster(meeting)
        else:
            roster = [
                (a.member, a.role, a)
                for a in Attendance.objects.for_user(user)
                .filter(meeting=meeting)
                .select_related("member__sector")
            ]
        counts = defaultdict(int)
        for _member, _role, attendance in roster:
            counts[attendance.status if attendance else "unrecorded"] += 1
        context.update(
            roster=roster,
            full=full,
            summary=[(label, counts[value]) for value, label in Attendance.Status.choices]
            + [(_("Not recorded"), counts["unrecorded"])],
            batch=AttendanceBatch.objects.filter(meeting=meeting).first() if full else None,
            can_mark=user.has_perm("performance.change_attendance"),
            can_edit=user.has_perm("performance.change_meeting"),
        )
        return context


class MeetingCreateView(
    PermissionRequiredMixin,
    AtomicFormMixin,
    SuccessMessageMixin,
    TabsMixin,
    FormTitleMixin,
    UserFormKwargsMixin,
    CreateView,
):
    permission_required = "performance.add_meeting"
    model = Meeting
    form_class = MeetingForm
    template_name = "performance/form.html"
    success_message = gettext_lazy("The meeting is saved.")
    tab = "performance:meeting_list"


class MeetingUpdateView(
    PermissionRequiredMixin,
    AtomicFormMixin,
    SuccessMessageMixin,
    TabsMixin,
    FormTitleMixin,
    UserFormKwargsMixin,
    UpdateView,
):
    permission_required = "performance.change_meeting"
    model = Meeting
    form_class = MeetingForm
    template_name = "performance/form.html"
    success_message = gettext_lazy("The meeting is saved.")
    tab = "performance:meeting_list"


class AttendanceSheetView(PermissionRequiredMixin, TabsMixin, UserFormKwargsMixin, FormView):
    """Mark a meeting's attendance in bulk, from a page that looks like the printed
    sign-in list. Saving re-derives the year's ledger."""

    permission_required = "performance.change_attendance"
    form_class = AttendanceSheetForm
    template_name = "performance/attendance_sheet.html"
    tab = "performance:meeting_list"

    def dispatch(self, request, *args, **kwargs):
        self.meeting = get_object_or_404(Meeting, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(meeting=self.meeting, roster=meeting_roster(self.meeting))
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(meeting=self.meeting, statuses=Attendance.Status.choices)
        return context

    def form_valid(self, form):
        result = attendance_mark(meeting=self.meeting, marks=form.marks())
        messages.success(
            self.request,
            _("Attendance saved: %(created)s added, %(updated)s changed, %(deleted)s cleared.")
            % {"created": result.created, "updated": result.updated, "deleted": result.deleted},
        )
        return redirect(self.meeting)


# --------------------------------------------------------------------------- rotation


class BatchListView(PermissionRequiredMixin, TabsMixin, TemplateView):
    """The term's 列席 plan reconciled with the attendance: per batch, invited, attended
    and absent; who still owes a turn. A fixed number of queries."""

    permission_required = "performance.view_attendancebatch"
    template_name = "performance/batch_list.html"
    tab = "performance:batch_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        term = _int_param(self.request, "term", settings.CURRENT_TERM)
        batches = list(
            AttendanceBatch.objects.filter(term=term).with_related().order_by("meeting__date")
        )
        invited = defaultdict(set)
        for batch_id, member_id in AttendanceBatch.members.through.objects.filter(
            attendancebatch__term=term
        ).values_list("attendancebatch_id", "member_id"):
            invited[batch_id].add(member_id)
        statuses = {
            (meeting_id, member_id): status
            for meeting_id, member_id, status in Attendance.objects.filter(
                meeting__term=term, meeting__kind=Meeting.Kind.STANDING
            ).values_list("meeting_id", "member_id", "status")
        }
        attended_members = set()
        for batch in batches:
            batch.n_attended = batch.n_missed = batch.n_unrecorded = 0
            for member_id in invited[batch.pk]:
                status = statuses.get((batch.meeting_id, member_id))
                if status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
                    batch.n_attended += 1
                    attended_members.add(member_id)
                elif status is None:
                    batch.n_unrecorded += 1
                else:
                    batch.n_missed += 1
        candidates = Member.objects.filter(
            term=term, status=Member.Status.ACTIVE, is_standing=False
        ).count()
        attended_any = (
            Attendance.objects.attended()
            .filter(
                role=Attendance.Role.OBSERVER,
                meeting__term=term,
                meeting__kind=Meeting.Kind.STANDING,
            )
            .values("member_id")
            .distinct()
            .count()
        )
        all_invited = set().union(*invited.values()) if invited else set()
        context.update(
            term=term,
            batches=batches,
            candidates=candidates,
            attended_any=attended_any,
            invited_any=len(all_invited),
            not_invited=max(candidates - len(all_invited), 0),
            can_plan=self.request.user.has_perm("performance.add_attendancebatch"),
            plan_form=RotationPlanForm(term=term),
        )
        return context


class RotationPlanView(
    PermissionRequiredMixin, TabsMixin, FormTitleMixin, UserFormKwargsMixin, FormView
):
    permission_required = "performance.add_attendancebatch"
    form_title = gettext_lazy("Plan the 列席 rotation")
    form_class = RotationPlanForm
    template_name = "performance/form.html"
    tab = "performance:batch_list"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["term"] = settings.CURRENT_TERM
        return kwargs

    def form_valid(self, form):
        batches = rotation_plan(term=settings.CURRENT_TERM, meetings=form.cleaned_data["meetings"])
        messages.success(self.request, _("%(count)s batches planned.") % {"count": len(batches)})
        return HttpResponseRedirect(reverse("performance:batch_list"))


class BatchDetailView(PermissionRequiredMixin, TabsMixin, DetailView):
    """The invitation list of one batch (prints), each invitee with their attendance:
    invited but absent stands out."""

    permission_required = "performance.view_attendancebatch"
    template_name = "performance/batch_detail.html"
    context_object_name = "batch"
    tab = "performance:batch_list"

    def get_queryset(self):
        return AttendanceBatch.objects.for_user(self.request.user).select_related("meeting")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object
        attendances = {a.member_id: a for a in Attendance.objects.filter(meeting=batch.meeting_id)}
        invitees = [
            (member, attendances.get(member.pk))
            for member in batch.members.select_related("sector").order_by("name_pinyin", "name")
        ]
        townships = Assignment.objects.current().member_townships()
        sectors = defaultdict(int)
        for member, _attendance in invitees:
            sectors[member.sector.name] += 1
        context.update(
            invitees=[
                (member, attendance, townships.get(member.pk, ""))
                for member, attendance in invitees
            ],
            show_township=bool(townships),
            sectors=sorted(sectors.items()),
            can_edit=self.request.user.has_perm("performance.change_attendancebatch"),
        )
        return context


class BatchUpdateView(
    PermissionRequiredMixin,
    AtomicFormMixin,
    SuccessMessageMixin,
    TabsMixin,
    FormTitleMixin,
    UserFormKwargsMixin,
    UpdateView,
):
    permission_required = "performance.change_attendancebatch"
    model = AttendanceBatch
    form_class = BatchForm
    template_name = "performance/form.html"
    success_message = gettext_lazy("The batch is saved.")
    tab = "performance:batch_list"

    def get_queryset(self):
        return AttendanceBatch.objects.select_related("meeting")


# --------------------------------------------------------------------------- duty reports


class DutyReportListView(PermissionRequiredMixin, TabsMixin, ListView):
    """The year's duty reports and the standing members who have not reported yet."""

    permission_required = "performance.view_dutyreport"
    template_name = "performance/dutyreport_list.html"
    context_object_name = "reports"
    paginate_by = 50
    tab = "performance:dutyreport_list"

    def get_queryset(self):
        self.year = _year_param(self.request, dashboard.evaluation_year())
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
        member = _int_param(self.request, "member", 0)
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


# --------------------------------------------------------------------------- study


class StudyListView(PermissionRequiredMixin, TabsMixin, ListView):
    """Study sessions of a year, by week; staff who have not spoken this year stand out."""

    permission_required = "performance.view_studysession"
    template_name = "performance/study_list.html"
    context_object_name = "sessions"
    paginate_by = 25
    tab = "performance:study_list"

    def get_queryset(self):
        self.year = _year_param(self.request, dashboard.evaluation_year())
        return StudySession.objects.of_year(self.year).with_related().order_by("-date", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sessions = context["sessions"]
        weeks = [
            (week, list(group))
            for week, group in groupby(sessions, key=lambda s: s.date.isocalendar()[:2])
        ]
        spoken = StudySession.objects.of_year(self.year).values("speaker_id")
        context.update(
            year=self.year,
            years=sorted(
                {d.year for d in StudySession.objects.dates("date", "year")} | {self.year},
                reverse=True,
            ),
            weeks=weeks,
            not_spoken=staff_users().exclude(pk__in=spoken),
            can_add=self.request.user.has_perm("performance.add_studysession"),
        )
        return context


class StudyDetailView(TabsMixin, DetailView):
    template_name = "performance/study_detail.html"
    context_object_name = "session"
    tab = "performance:study_list"

    def get_queryset(self):
        return StudySession.objects.for_user(self.request.user).select_related("speaker")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        full = sees_everything(self.request.user)
        session = self.object
        context.update(
            full=full,
            staff=session.staff_attendees.order_by("username") if full else [],
            members=session.attendees.select_related("sector").order_by("name_pinyin")
            if full
            else [],
            can_edit=self.request.user.has_perm("performance.change_studysession"),
        )
        return context


class StudyCreateView(
    PermissionRequiredMixin,
    AtomicFormMixin,
    SuccessMessageMixin,
    TabsMixin,
    FormTitleMixin,
    UserFormKwargsMixin,
    CreateView,
):
    permission_required = "performance.add_studysession"
    model = StudySession
    form_class = StudySessionForm
    template_name = "performance/form.html"
    success_message = gettext_lazy("The study session is saved.")
    tab = "performance:study_list"


class StudyUpdateView(
    PermissionRequiredMixin,
    AtomicFormMixin,
    SuccessMessageMixin,
    TabsMixin,
    FormTitleMixin,
    UserFormKwargsMixin,
    UpdateView,
):
    permission_required = "performance.change_studysession"
    model = StudySession
    form_class = StudySessionForm
    template_name = "performance/form.html"
    success_message = gettext_lazy("The study session is saved.")
    tab = "performance:study_list"
