"""The 列席 rotation: the term's batches reconciled with the attendance, planning them,
one batch's invitation list."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView, UpdateView

from apps.core.mixins import UserFormKwargsMixin
from apps.core.views import AtomicFormMixin
from apps.venues.models import Assignment

from ..forms import BatchForm, RotationPlanForm
from ..models import Attendance, AttendanceBatch
from ..selectors import rotation_overview
from ..services import rotation_plan
from .base import FormTitleMixin, TabsMixin, int_param


class BatchListView(PermissionRequiredMixin, TabsMixin, TemplateView):
    """The term's 列席 plan reconciled with the attendance: per batch, invited, attended
    and absent; who still owes a turn. A fixed number of queries."""

    permission_required = "performance.view_attendancebatch"
    template_name = "performance/batch_list.html"
    tab = "performance:batch_list"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        term = int_param(self.request, "term", settings.CURRENT_TERM)
        overview = rotation_overview(term)
        context.update(
            term=term,
            batches=overview.batches,
            candidates=overview.candidates,
            attended_any=overview.attended_any,
            invited_any=overview.invited_any,
            not_invited=overview.not_invited,
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
