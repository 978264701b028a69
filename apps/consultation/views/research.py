"""The research work: topics, research projects (one page as a timeline), reports with
their files and versions (and their list), the leaders' instructions (and their list)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from apps.core.access import page_opens, readable_ids
from apps.core.files import serve_protected
from apps.core.mixins import PageMixin, UserFormKwargsMixin
from apps.core.submission import SubmitOnceMixin
from apps.members.models import Member

from .. import services
from ..filters import InstructionFilter, ProjectFilter, ReportFilter, TopicFilter
from ..forms.research import InstructionForm, ProjectForm, ReportForm, TopicForm
from ..models import Instruction, Report, ReportVersion, ResearchProject, Topic
from ..selectors import (
    project_detail,
    project_summary,
    project_timeline,
    report_detail,
    report_suggestions,
    topic_page,
)


class TopicListView(PermissionRequiredMixin, PageMixin, FilterView):
    """Topics with their numbers of sessions and projects: one query per page."""

    permission_required = "consultation.view_topic"
    filterset_class = TopicFilter
    template_name = "consultation/topic_list.html"
    context_object_name = "topics"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return Topic.objects.for_user(self.request.user).with_counts().order_by("-year", "title")


class TopicDetailView(PermissionRequiredMixin, DetailView):
    """A topic, its research projects and the sessions held on it (those the user may
    read): a fixed number of queries."""

    permission_required = "consultation.view_topic"
    template_name = "consultation/topic_detail.html"
    context_object_name = "topic"

    def get_queryset(self):
        return Topic.objects.for_user(self.request.user).select_related("created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(topic_page(self.object, self.request.user))
        return context


class TopicCreateView(
    PermissionRequiredMixin, UserFormKwargsMixin, SuccessMessageMixin, SubmitOnceMixin, CreateView
):
    permission_required = "consultation.add_topic"
    form_class = TopicForm
    template_name = "consultation/topic_form.html"
    success_message = _("Topic saved.")

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)


class TopicUpdateView(
    PermissionRequiredMixin, UserFormKwargsMixin, SuccessMessageMixin, UpdateView
):
    permission_required = "consultation.change_topic"
    form_class = TopicForm
    template_name = "consultation/topic_form.html"
    success_message = _("Topic saved.")
    context_object_name = "topic"

    def get_queryset(self):
        return Topic.objects.for_user(self.request.user)


class ProjectListView(PermissionRequiredMixin, PageMixin, FilterView):
    """Research projects with topic, lead unit and their numbers of reports, suggestions
    and team members: one query per page."""

    permission_required = "consultation.view_researchproject"
    filterset_class = ProjectFilter
    template_name = "consultation/project_list.html"
    context_object_name = "projects"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            ResearchProject.objects.for_user(self.request.user)
            .with_related()
            .order_by("-topic__year", "planned_start", "pk")
        )


class ProjectDetailView(PermissionRequiredMixin, DetailView):
    """A project as one timeline: topic, field visits, report(s) and versions, leaders'
    instructions, suggestions with their progress, referrals, replies and closings.
    Nine queries whatever the numbers of suggestions and referrals."""

    permission_required = "consultation.view_researchproject"
    template_name = "consultation/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return project_detail(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        user = self.request.user
        today = timezone.localdate()
        context.update(
            timeline=project_timeline(project),
            **project_summary(project, today),
            can_change=user.has_perm("consultation.change_researchproject"),
            can_add_report=user.has_perm("consultation.add_report"),
            today=today,
            readable_team=readable_ids(Member.objects.for_user(user), project.team.all()),
            topic_opens=page_opens(user, project.topic),
        )
        return context


class ProjectFormMixin(UserFormKwargsMixin):
    # Typed as the generic views they are mixed into declare them (mypy compares a mixin's
    # attributes with FormMixin's `type[_FormT] | None`, whose type variable is unsolved).
    form_class: type[Any] | None = ProjectForm
    template_name: str | None = "consultation/project_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "topic": self.topic}

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)

    def form_valid(self, form):
        try:
            self.object = services.project_save(
                project=form.instance,
                user=self.request.user,
                team=form.cleaned_data["team"],
                visits=form.cleaned_data["visits"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Research project saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ProjectCreateView(PermissionRequiredMixin, ProjectFormMixin, SubmitOnceMixin, CreateView):
    permission_required = "consultation.add_researchproject"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.topic = get_object_or_404(Topic.objects.for_user(request.user), pk=kwargs["topic"])
        return super().dispatch(request, *args, **kwargs)


class ProjectUpdateView(PermissionRequiredMixin, ProjectFormMixin, UpdateView):
    permission_required = "consultation.change_researchproject"
    context_object_name = "project"

    def get_queryset(self):
        return ResearchProject.objects.for_user(self.request.user).select_related("topic")

    def get_object(self, queryset=None):
        project = super().get_object(queryset)
        self.topic = project.topic
        return project


class ReportListView(PermissionRequiredMixin, PageMixin, FilterView):
    """Research reports with project, date and their numbers of instructions and
    suggestions (`?year=`: the year of the research, as the overview counts them): the
    reports the user may read, one query per page (and the filter's project choices)."""

    permission_required = "consultation.view_report"
    filterset_class = ReportFilter
    template_name = "consultation/report_list.html"
    context_object_name = "reports"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            Report.objects.for_user(self.request.user)
            .with_related()
            .order_by("-project__topic__year", "-submitted_on", "-pk")
        )


class InstructionListView(PermissionRequiredMixin, PageMixin, FilterView):
    """Leaders' instructions (批示) on research reports, newest first (`?year=`: the year
    written): those on reports the user may read, one query per page."""

    permission_required = "consultation.view_instruction"
    filterset_class = InstructionFilter
    template_name = "consultation/instruction_list.html"
    context_object_name = "instructions"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            Instruction.objects.for_user(self.request.user)
            .with_related()
            .order_by("-instructed_on", "-pk")
        )


class ReportDetailView(PermissionRequiredMixin, DetailView):
    """A report: text, attachment and versions, the leaders' instructions, its
    suggestions with their progress and departments. A fixed number of queries."""

    permission_required = "consultation.view_report"
    template_name = "consultation/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return report_detail(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            suggestions=report_suggestions(self.object, user),
            versions=list(self.object.versions.all()),
            instructions=list(self.object.instructions.all()),
            can_change=user.has_perm("consultation.change_report"),
            can_instruct=user.has_perm("consultation.add_instruction"),
            can_add_suggestion=user.has_perm("consultation.add_suggestion"),
            can_refer=user.has_perm("consultation.add_referral"),
        )
        return context


class ReportFormMixin(UserFormKwargsMixin):
    # Typed as the generic views they are mixed into declare them (mypy compares a mixin's
    # attributes with FormMixin's `type[_FormT] | None`, whose type variable is unsolved).
    form_class: type[Any] | None = ReportForm
    template_name: str | None = "consultation/report_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, **kwargs)

    def form_valid(self, form):
        try:
            self.object = services.report_save(
                report=form.instance,
                user=self.request.user,
                attachment=form.document(),
                remove_attachment=bool(form.cleaned_data.get("remove_file")),
                note=form.cleaned_data.get("note", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Report saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ReportCreateView(PermissionRequiredMixin, ReportFormMixin, SubmitOnceMixin, CreateView):
    permission_required = "consultation.add_report"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.project = get_object_or_404(
                ResearchProject.objects.for_user(request.user), pk=kwargs["project"]
            )
        return super().dispatch(request, *args, **kwargs)


class ReportUpdateView(PermissionRequiredMixin, ReportFormMixin, UpdateView):
    """Each save keeps a new version (`services.report_save`)."""

    permission_required = "consultation.change_report"
    context_object_name = "report"

    def get_queryset(self):
        return Report.objects.for_user(self.request.user).select_related("project")

    def get_object(self, queryset=None):
        report = super().get_object(queryset)
        self.project = report.project
        return report


class ReportFileView(PermissionRequiredMixin, View):
    """The attachment of a report (or of one of its versions), downloaded under its
    uploaded name with the extension of its detected format, only for users who may read
    the report."""

    permission_required = "consultation.view_report"
    version = False

    def get(self, request, pk):
        model = ReportVersion if self.version else Report
        item = get_object_or_404(model.objects.for_user(request.user), pk=pk)
        if not item.attachment:
            raise Http404
        return serve_protected(
            item.attachment, as_attachment=True, filename=item.attachment_download_name()
        )


class ReportChildMixin:
    """Views that add to one report (`<report>` in the URL): the report is looked up
    among those the user may read (404 otherwise, before any form work) and handed to
    the form and the template. After PermissionRequiredMixin in the bases."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.report = get_object_or_404(
                Report.objects.for_user(request.user).select_related("project"),
                pk=kwargs["report"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "report": self.report}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)


class InstructionCreateView(
    PermissionRequiredMixin, ReportChildMixin, UserFormKwargsMixin, SubmitOnceMixin, CreateView
):
    """A leader writes an instruction on a report; staff may enter one on a leader's
    behalf."""

    permission_required = "consultation.add_instruction"
    form_class = InstructionForm
    template_name = "consultation/instruction_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            instruction = self.object = services.instruction_add(
                report=self.report,
                user=self.request.user,
                leader_name=data["leader_name"],
                leader_title=data["leader_title"],
                instructed_on=data["instructed_on"],
                text=data["text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Instruction recorded."))
        return HttpResponseRedirect(instruction.get_absolute_url())
