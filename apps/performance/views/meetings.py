"""Meetings and their attendance: the list, a meeting's sign-in list (a member sees only
their own line) and marking attendance in bulk."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from apps.accounts.roles import sees_everything
from apps.core.mixins import PageMixin, UserFormKwargsMixin, selected_year
from apps.core.submission import SubmitOnceMixin
from apps.core.views import AtomicFormMixin

from ..forms import AttendanceSheetForm, MeetingForm
from ..models import Attendance, AttendanceBatch, Meeting
from ..selectors import meeting_roster
from ..services import attendance_mark
from .base import FormTitleMixin, TabsMixin


class MeetingListView(PermissionRequiredMixin, TabsMixin, PageMixin, ListView):
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
        self.year = selected_year(self.request, 0)
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
    SubmitOnceMixin,
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
