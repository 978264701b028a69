"""Study sessions (机关学习): the year by week with who has not spoken, a session."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from apps.accounts.roles import sees_everything
from apps.core.mixins import PageMixin, UserFormKwargsMixin, selected_year
from apps.core.submission import SubmitOnceMixin
from apps.core.views import AtomicFormMixin

from ..forms import StudySessionForm, staff_users
from ..models import StudySession
from .base import FormTitleMixin, TabsMixin


class StudyListView(PermissionRequiredMixin, TabsMixin, PageMixin, ListView):
    """Study sessions of a year, by week; staff who have not spoken this year stand out."""

    permission_required = "performance.view_studysession"
    template_name = "performance/study_list.html"
    context_object_name = "sessions"
    paginate_by = 25
    tab = "performance:study_list"

    def get_queryset(self):
        self.year = selected_year(self.request)
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
    SubmitOnceMixin,
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
