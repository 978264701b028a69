from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import (
    CreateView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from apps.accounts.roles import is_staff_user, sees_everything
from apps.core.access import page_opens, readable_ids
from apps.core.files import serve_protected
from apps.members.models import Member
from apps.venues.managers import managed_venue_ids
from apps.venues.models import Assignment, Venue

from . import services
from .dashboard import work_year, year_statistics
from .exports import sessions_workbook, suggestions_ledger_workbook
from .filters import ProjectFilter, SessionFilter, SuggestionFilter, TopicFilter, parse_month
from .forms import (
    InstructionForm,
    ProjectForm,
    ReferralCloseForm,
    ReferralForm,
    ReferralReplyForm,
    ReportForm,
    ReportSuggestionForm,
    SessionForm,
    SessionReturnForm,
    SuggestionFormSet,
    TopicForm,
)
from .managers import month_bounds, own_suggestion_ids
from .models import (
    Department,
    Instruction,
    Referral,
    Report,
    ReportVersion,
    ResearchProject,
    Session,
    SessionPhoto,
    Suggestion,
    Topic,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SessionScopeMixin:
    """Sessions the user may read (`for_user`): anything else is a 404."""

    def get_queryset(self):
        return Session.objects.for_user(self.request.user)


class SessionListView(PermissionRequiredMixin, SessionScopeMixin, FilterView):
    """All sessions the user may read, filtered; one query for the rows of a page plus
    one per filter choice list."""

    permission_required = "consultation.view_session"
    filterset_class = SessionFilter
    template_name = "consultation/session_list.html"
    context_object_name = "sessions"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return super().get_queryset().with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_log"] = bool(
            managed_venue_ids(self.request.user) or is_staff_user(self.request.user)
        ) and self.request.user.has_perm("consultation.add_session")
        context["query"] = self.request.GET.urlencode()
        # The calendar shows the same filters (a page number means nothing there).
        filters = self.request.GET.copy()
        filters.pop("page", None)
        context["filter_query"] = filters.urlencode()
        return context


class SessionExportView(PermissionRequiredMixin, SessionScopeMixin, View):
    """The filtered list as an .xlsx file (what the user may read, nothing more)."""

    permission_required = "consultation.export_session"

    def get(self, request):
        filterset = SessionFilter(request.GET, queryset=self.get_queryset(), request=request)
        sessions = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return sessions_workbook(sessions)


class SessionCalendarView(PermissionRequiredMixin, SessionScopeMixin, TemplateView):
    """A month of the sessions the list shows: the same `SessionFilter` (venue, township,
    form, topic, month, year, state) over the user's scope. The filter's month is the
    calendar's month (default: this month; with only a year, that year's January unless
    it is this year). Invalid filters show nothing, as the export. One query for the
    sessions, plus one per chosen venue, township or topic (the filter checks them)."""

    permission_required = "consultation.view_session"
    template_name = "consultation/session_calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        filterset = SessionFilter(
            self.request.GET, queryset=self.get_queryset(), request=self.request
        )
        valid = filterset.is_valid()
        data = filterset.form.cleaned_data if valid else {}
        year, month = parse_month(data.get("month") or "") or (today.year, today.month)
        if not data.get("month") and data.get("year") and data["year"] != today.year:
            year, month = int(data["year"]), 1
        first, following = month_bounds(year, month)
        tz = timezone.get_current_timezone()
        sessions = (filterset.qs if valid else filterset.queryset.none()).filter(
            started_at__gte=datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
            started_at__lt=datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
        )
        by_day = defaultdict(list)
        for session in sessions.select_related("venue", "topic").order_by("started_at"):
            by_day[timezone.localtime(session.started_at).date()].append(session)
        weeks = [
            [(day, by_day.get(day, []), day.month == month) for day in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
        ]
        previous = first - datetime.timedelta(days=1)
        context.update(
            month_start=first,
            weeks=weeks,
            days=[(day, by_day[day]) for day in sorted(by_day)],
            previous_month=f"{previous:%Y-%m}",
            next_month=f"{following:%Y-%m}",
            previous_query=self.query_with_month(f"{previous:%Y-%m}"),
            next_query=self.query_with_month(f"{following:%Y-%m}"),
            this_month_query=self.query_with_month(""),
            month_query=self.query_with_month(f"{first:%Y-%m}"),
            query=self.request.GET.urlencode(),
            filter_valid=valid,
            filtered=not valid or any(v for k, v in data.items() if k != "month"),
            venue=data.get("venue"),
            weekdays=[_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            today=today,
        )
        return context

    def query_with_month(self, month: str) -> str:
        """The query string with `month` set (dropped when empty) and `year` dropped: the
        month names its year. The other filters are kept."""
        query = self.request.GET.copy()
        query.pop("year", None)
        query.pop("month", None)
        if month:
            query["month"] = month
        return query.urlencode()


class SessionDetailView(PermissionRequiredMixin, SessionScopeMixin, DetailView):
    """A session with its members, suggestions, photos, state and (for staff and
    leaders) its change history; a fixed number of queries."""

    permission_required = "consultation.view_session"
    template_name = "consultation/session_detail.html"
    context_object_name = "session"

    def get_queryset(self):
        return super().get_queryset().with_detail(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        session = self.object
        context.update(
            can_edit=services.can_edit_session(user, session),
            can_submit=services.can_submit_session(user, session),
            can_review=services.can_review_session(user, session),
            photos=list(session.photos.all()),
            # The suggestions shown are those the user may read: their pages open.
            can_follow_up=SuggestionReadMixin.may_read(user),
            venue_opens=page_opens(user, session.venue),
        )
        if sees_everything(user):
            context["history"] = list(
                session.history.select_related("history_user").order_by("-history_date")[:30]
            )
        return context


class SessionFormMixin:
    """The create and edit pages: the session form, its inline suggestions and photos,
    saved together by `services.session_save`."""

    # Typed as the generic views they are mixed into declare them (mypy compares a mixin's
    # attributes with FormMixin's `type[_FormT] | None`, whose type variable is unsolved).
    form_class: type[Any] | None = SessionForm
    template_name: str | None = "consultation/session_form.html"

    def allowed_venues(self):
        """Venues the user may log at: all active ones for staff, their own for others."""
        user = self.request.user
        if is_staff_user(user):
            return Venue.objects.for_user(user).filter(is_active=True)
        return Venue.objects.managed_by(user)

    def member_suggestions(self, venues):
        """The options offered without the search: the members stationed at those venues
        today. One query."""
        today = timezone.localdate()
        assignments = (
            Assignment.objects.current(today).filter(venue__in=venues).select_related("member")
        )
        return list({a.member_id: a.member for a in assignments}.values())

    def check_posted_venue(self, venues):
        """A crafted POST naming a venue out of reach is refused outright (403)."""
        posted = self.request.POST.get("venue", "")
        if posted and not (posted.isdigit() and venues.filter(pk=posted).exists()):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.venues = self.allowed_venues()
        self.suggested_members = self.member_suggestions(self.venues)
        kwargs.update(
            user=self.request.user,
            venues=self.venues,
            member_suggestions=self.suggested_members,
        )
        return kwargs

    def get_formset(self):
        instance = self.object if getattr(self, "object", None) else Session()
        return SuggestionFormSet(
            self.request.POST if self.request.method == "POST" else None,
            instance=instance,
            prefix="suggestions",
            form_kwargs={"member_suggestions": self.suggested_members},
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if self.is_update else None
        form = self.get_form()
        self.check_posted_venue(self.venues)
        formset = self.get_formset()
        form_valid, formset_valid = form.is_valid(), formset.is_valid()  # both: all errors shown
        if not (form_valid and formset_valid):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        try:
            self.object = services.session_save(
                session=form.instance,
                user=request.user,
                members=form.cleaned_data["members"],
                suggestions=formset.inputs(),
                new_topic=form.new_topic(),
                new_photos=form.cleaned_data.get("photos") or [],
                removed_photo_ids=[p.pk for p in form.cleaned_data.get("remove_photos") or []],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        messages.success(request, gettext("Session saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class SessionCreateView(PermissionRequiredMixin, SessionFormMixin, CreateView):
    permission_required = "consultation.add_session"
    is_update = False

    def dispatch(self, request, *args, **kwargs):
        # An office head who manages no venue has nowhere to log a session.
        if (
            request.user.is_authenticated
            and self.has_permission()
            and not self.allowed_venues().exists()
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        venues = self.allowed_venues()
        wanted = self.request.GET.get("venue", "")
        if wanted:
            # ?venue= of a venue out of reach is not found.
            if not wanted.isdigit() or not venues.filter(pk=wanted).exists():
                raise Http404
            initial["venue"] = int(wanted)
        elif len(venues) == 1:
            initial["venue"] = venues[0].pk
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial.setdefault("started_at", now)
        return initial


class SessionUpdateView(PermissionRequiredMixin, SessionFormMixin, SessionScopeMixin, UpdateView):
    """Office heads edit drafts and returned sessions of their venues; staff any session
    (a published one too: the change is in its history)."""

    permission_required = "consultation.change_session"
    is_update = True
    context_object_name = "session"

    def get_object(self, queryset=None):
        session = super().get_object(queryset)
        if not services.can_edit_session(self.request.user, session):
            raise PermissionDenied
        return session

    def allowed_venues(self):
        venues = super().allowed_venues()
        if is_staff_user(self.request.user):
            # A session of an inactive venue stays editable by staff.
            venues = Venue.objects.filter(pk__in=venues) | Venue.objects.filter(
                pk=self.object.venue_id
            )
        return venues


class SessionTransitionView(PermissionRequiredMixin, SessionScopeMixin, SingleObjectMixin, View):
    """POST-only state changes; the service checks who and which state."""

    http_method_names = ["post"]
    service = None
    success_message: StrOrPromise = ""

    def post(self, request, *args, **kwargs):
        session = self.get_object()
        try:
            self.run(session)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message)
        return redirect(session.get_absolute_url())

    def run(self, session):
        raise NotImplementedError


class SessionSubmitView(SessionTransitionView):
    permission_required = "consultation.change_session"
    success_message = _("Session submitted for review.")

    def run(self, session):
        services.session_submit(session=session, user=self.request.user)


class SessionPublishView(SessionTransitionView):
    permission_required = "consultation.review_session"
    success_message = _("Session published.")

    def run(self, session):
        services.session_publish(session=session, user=self.request.user)


class SessionReturnView(PermissionRequiredMixin, SessionScopeMixin, SingleObjectMixin, FormView):
    """Staff return a submitted session to its office head with a reason."""

    permission_required = "consultation.review_session"
    form_class = SessionReturnForm
    template_name = "consultation/session_return.html"
    context_object_name = "session"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.session_return(
                session=self.object, user=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Session returned to its office head."))
        return redirect(self.object.get_absolute_url())


class PhotoView(PermissionRequiredMixin, View):
    """A session photo (or its thumbnail), only for users who may read the session."""

    permission_required = "consultation.view_session"
    thumbnail = False

    def get(self, request, pk):
        photo = get_object_or_404(SessionPhoto.objects.for_user(request.user), pk=pk)
        return serve_protected(photo.thumbnail if self.thumbnail else photo.image)


# --- research: topics, projects, reports, instructions ----------------------------------------


FIRST_YEAR = 2021


def year_choices() -> list[int]:
    """From next year back to the first year of the system's records."""
    current = timezone.localdate().year
    return list(range(current + 1, FIRST_YEAR - 1, -1))


def selected_year(request, default: int) -> int:
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return default


class UserFormKwargsMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class TopicListView(PermissionRequiredMixin, FilterView):
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
        topic = self.object
        sessions = (
            Session.objects.for_user(self.request.user)
            .filter(topic=topic)
            .with_related()
            .order_by("-started_at")
        )
        context.update(
            projects=list(
                ResearchProject.objects.for_user(self.request.user)
                .filter(topic=topic)
                .with_related()
            ),
            sessions=list(sessions[:TOPIC_SESSIONS]),
            session_total=sessions.count(),
            session_limit=TOPIC_SESSIONS,
        )
        return context


TOPIC_SESSIONS = 50


class TopicCreateView(
    PermissionRequiredMixin, UserFormKwargsMixin, SuccessMessageMixin, CreateView
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


class ProjectListView(PermissionRequiredMixin, FilterView):
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


def project_timeline(project: ResearchProject) -> list[dict]:
    """The chain of a project as dated events, oldest first: start, field visits, reports
    (with their suggestions), instructions, referrals, replies, closings, end. Reads only
    what `ProjectDetailView` prefetched."""
    events: list[dict] = []

    def add(date, order, kind, **data):
        events.append({"date": date, "order": order, "kind": kind, **data})

    add(project.actual_start or project.planned_start, 0, "start", planned=not project.actual_start)
    for session in project.visits.all():
        add(timezone.localtime(session.started_at).date(), 1, "visit", session=session)
    for report in project.reports.all():
        add(report.submitted_on, 2, "report", report=report)
        for instruction in report.instructions.all():
            add(instruction.instructed_on, 3, "instruction", instruction=instruction, report=report)
        for number, suggestion in enumerate(report.suggestions.all(), start=1):
            for referral in suggestion.referrals.all():
                add(
                    referral.referred_on,
                    4,
                    "referral",
                    referral=referral,
                    suggestion=suggestion,
                    number=number,
                )
                if referral.replied_on:
                    add(
                        referral.replied_on,
                        5,
                        "reply",
                        referral=referral,
                        suggestion=suggestion,
                        number=number,
                    )
                if referral.closed_on:
                    add(
                        referral.closed_on,
                        6,
                        "closed",
                        referral=referral,
                        suggestion=suggestion,
                        number=number,
                    )
    if project.actual_end:
        add(project.actual_end, 7, "end")
    events.sort(key=lambda e: (e["date"], e["order"]))
    return events


class ProjectDetailView(PermissionRequiredMixin, DetailView):
    """A project as one timeline: topic, field visits, report(s) and versions, leaders'
    instructions, suggestions with their progress, referrals, replies and closings.
    Eleven queries whatever the numbers of suggestions and referrals."""

    permission_required = "consultation.view_researchproject"
    template_name = "consultation/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        user = self.request.user
        return (
            ResearchProject.objects.for_user(user)
            .select_related("topic", "lead_unit", "team_leader", "created_by")
            .prefetch_related(
                Prefetch(
                    "team", queryset=Member.objects.only("pk", "name").order_by("name_pinyin")
                ),
                Prefetch(
                    "visits",
                    queryset=Session.objects.for_user(user)
                    .select_related("venue", "topic")
                    .order_by("started_at"),
                ),
                Prefetch(
                    "reports",
                    queryset=Report.objects.order_by("submitted_on", "pk").prefetch_related(
                        Prefetch("versions", queryset=ReportVersion.objects.order_by("-number")),
                        Prefetch(
                            "instructions",
                            queryset=Instruction.objects.order_by("instructed_on", "pk"),
                        ),
                        Prefetch(
                            "suggestions",
                            queryset=Suggestion.objects.for_user(user)
                            .with_progress()
                            .order_by("pk")
                            .with_people_and_referrals(),
                        ),
                    ),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        user = self.request.user
        reports = list(project.reports.all())
        suggestions = [s for r in reports for s in r.suggestions.all()]
        progress = Counter(s.progress for s in suggestions)
        context.update(
            timeline=project_timeline(project),
            reports=reports,
            suggestion_count=len(suggestions),
            progress_counts=[(p, progress.get(p.value, 0)) for p in Suggestion.Progress],
            overdue_count=sum(1 for s in suggestions if s.overdue_count),
            can_change=user.has_perm("consultation.change_researchproject"),
            can_add_report=user.has_perm("consultation.add_report"),
            today=timezone.localdate(),
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


class ProjectCreateView(PermissionRequiredMixin, ProjectFormMixin, CreateView):
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


class ReportDetailView(PermissionRequiredMixin, DetailView):
    """A report: text, attachment and versions, the leaders' instructions, its
    suggestions with their progress and departments. A fixed number of queries."""

    permission_required = "consultation.view_report"
    template_name = "consultation/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return (
            Report.objects.for_user(self.request.user)
            .select_related("project", "project__topic", "project__lead_unit", "created_by")
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ReportVersion.objects.select_related("created_by").order_by("-number"),
                ),
                Prefetch(
                    "instructions",
                    queryset=Instruction.objects.select_related("entered_by").order_by(
                        "instructed_on", "pk"
                    ),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        suggestions = list(
            Suggestion.objects.for_user(user)
            .filter(report=self.object)
            .with_related()
            .order_by("pk")
        )
        context.update(
            suggestions=suggestions,
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


class ReportCreateView(PermissionRequiredMixin, ReportFormMixin, CreateView):
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
    PermissionRequiredMixin, ReportChildMixin, UserFormKwargsMixin, CreateView
):
    """A leader writes an instruction on a report; staff may enter one on a leader's
    behalf."""

    permission_required = "consultation.add_instruction"
    form_class = InstructionForm
    template_name = "consultation/instruction_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            instruction = services.instruction_add(
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


# --- suggestions: the ledger, one suggestion, a member's own ---------------------------------


class SuggestionListView(PermissionRequiredMixin, FilterView):
    """The suggestion ledger: every suggestion raised (`raised()`: not those of a draft or
    returned session, which stay on the session) the user may read, with its source,
    proposers, outcome, progress, departments and overdue referrals; filtered. A fixed
    number of queries per page (rows, proposers, referrals, co-handling departments, and
    the filter's choice lists)."""

    permission_required = "consultation.view_suggestion"
    filterset_class = SuggestionFilter
    template_name = "consultation/suggestion_list.html"
    context_object_name = "suggestions"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            Suggestion.objects.for_user(self.request.user)
            .raised()
            .with_related()
            .order_by("-raised_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.request.GET.urlencode()
        return context


class SuggestionExportView(PermissionRequiredMixin, View):
    """The filtered ledger as an .xlsx file (what the user may read, nothing more)."""

    permission_required = "consultation.export_suggestion"

    def get(self, request):
        queryset = Suggestion.objects.for_user(request.user).raised().with_progress()
        filterset = SuggestionFilter(request.GET, queryset=queryset, request=request)
        suggestions = filterset.qs if filterset.is_valid() else queryset.none()
        return suggestions_ledger_workbook(suggestions.order_by("-raised_on", "-pk"))


class SuggestionReadMixin:
    """Readers of suggestions: the ledger's users, or a member (their own only)."""

    @staticmethod
    def may_read(user) -> bool:
        return user.has_perm("consultation.view_suggestion") or user.has_perm(
            "consultation.view_own_suggestion"
        )

    def has_permission(self):
        return self.may_read(self.request.user)


class SuggestionDetailView(SuggestionReadMixin, PermissionRequiredMixin, DetailView):
    """A suggestion with its source, proposers, outcome, progress and every referral
    with its reply and closing; staff refer, record replies and close from here."""

    template_name = "consultation/suggestion_detail.html"
    context_object_name = "suggestion"

    def get_queryset(self):
        return (
            Suggestion.objects.for_user(self.request.user)
            .with_related()
            .select_related("report__project__topic")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        referrals = list(
            Referral.objects.filter(suggestion=self.object)
            .with_related()
            .select_related("reply_recorded_by", "closed_by")
            .order_by("referred_on", "pk")
        )
        suggestion = self.object
        source = suggestion.report if suggestion.report_id else suggestion.session
        context.update(
            referrals=referrals,
            source_opens=page_opens(user, source),
            can_change=user.has_perm("consultation.change_suggestion"),
            can_refer=user.has_perm("consultation.add_referral"),
            can_reply=user.has_perm("consultation.reply_referral"),
            can_close=user.has_perm("consultation.close_referral"),
            today=timezone.localdate(),
        )
        return context


class SuggestionCreateView(
    PermissionRequiredMixin, ReportChildMixin, UserFormKwargsMixin, CreateView
):
    """Staff add a suggestion of a report."""

    permission_required = "consultation.add_suggestion"
    form_class = ReportSuggestionForm
    template_name = "consultation/suggestion_form.html"

    def form_valid(self, form):
        services.suggestion_save(
            suggestion=form.instance, user=self.request.user, members=form.cleaned_data["members"]
        )
        messages.success(self.request, gettext("Suggestion saved."))
        if "add_another" in self.request.POST:
            return redirect("consultation:suggestion_create", report=self.report.pk)
        return HttpResponseRedirect(self.report.get_absolute_url() + "#suggestions")


class SuggestionUpdateView(PermissionRequiredMixin, UserFormKwargsMixin, UpdateView):
    """Staff change a suggestion's text, category, proposers or outcome."""

    permission_required = "consultation.change_suggestion"
    form_class = ReportSuggestionForm
    template_name = "consultation/suggestion_form.html"
    context_object_name = "suggestion"

    def get_queryset(self):
        return Suggestion.objects.for_user(self.request.user).select_related("report", "session")

    def form_valid(self, form):
        services.suggestion_save(
            suggestion=form.instance, user=self.request.user, members=form.cleaned_data["members"]
        )
        messages.success(self.request, gettext("Suggestion saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class MySuggestionsView(PermissionRequiredMixin, ListView):
    """The suggestions the signed-in member proposed, with their progress."""

    permission_required = "consultation.view_own_suggestion"
    template_name = "consultation/my_suggestions.html"
    context_object_name = "suggestions"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            Suggestion.objects.filter(pk__in=own_suggestion_ids(self.request.user))
            .with_related()
            .order_by("-raised_on", "-pk")
        )


# --- referrals ------------------------------------------------------------------------------


class ReferralCreateView(PermissionRequiredMixin, UserFormKwargsMixin, CreateView):
    """Staff refer a suggestion to a department (批转/交办)."""

    permission_required = "consultation.add_referral"
    form_class = ReferralForm
    template_name = "consultation/referral_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.suggestion = get_object_or_404(
                Suggestion.objects.for_user(request.user).select_related("report", "session"),
                pk=kwargs["suggestion"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "suggestion": self.suggestion}

    def get_context_data(self, **kwargs):
        return super().get_context_data(suggestion=self.suggestion, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.referral_create(
                suggestion=self.suggestion,
                user=self.request.user,
                department=data["department"],
                co_departments=data["co_departments"],
                instruction=data.get("instruction"),
                referred_on=data["referred_on"],
                due_on=data["due_on"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Suggestion referred."))
        return HttpResponseRedirect(self.suggestion.get_absolute_url())


class ReferralActionView(PermissionRequiredMixin, FormView):
    """A form on one referral (reply, close): the referral comes from `for_user`."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.referral = get_object_or_404(
                Referral.objects.for_user(request.user).select_related("suggestion", "department"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "referral": self.referral,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.referral, **kwargs)

    def form_valid(self, form):
        try:
            self.run(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.referral.get_absolute_url())


class ReferralReplyView(ReferralActionView):
    permission_required = "consultation.reply_referral"
    form_class = ReferralReplyForm
    template_name = "consultation/referral_reply.html"
    success_message = _("Reply recorded.")

    def run(self, data):
        services.referral_reply(
            referral=self.referral,
            user=self.request.user,
            text=data["text"],
            replied_on=data["replied_on"],
            implementation=data["implementation"],
        )


class ReferralCloseView(ReferralActionView):
    permission_required = "consultation.close_referral"
    form_class = ReferralCloseForm
    template_name = "consultation/referral_close.html"
    success_message = _("Referral closed.")

    def run(self, data):
        services.referral_close(
            referral=self.referral,
            user=self.request.user,
            satisfaction=data["satisfaction"],
            closed_on=data["closed_on"],
        )


# --- departments and statistics -------------------------------------------------------------


class DepartmentListView(PermissionRequiredMixin, ListView):
    """Every department with its referrals, reply rate, average days to reply and
    overdue referrals (optionally of one year's suggestions): one query."""

    permission_required = "consultation.view_department"
    template_name = "consultation/department_list.html"
    context_object_name = "departments"

    def get_queryset(self):
        raw = self.request.GET.get("year", "")
        self.year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None
        return (
            Department.objects.for_user(self.request.user)
            .with_stats(year=self.year)
            .order_by("sort_order", "name")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(year=self.year, years=year_choices(), **kwargs)


REFERRAL_STATES = {
    "waiting": lambda qs, today: qs.waiting(),
    "overdue": lambda qs, today: qs.overdue(today),
    "replied": lambda qs, today: qs.replied().open(),
    "closed": lambda qs, today: qs.closed(),
}


class DepartmentDetailView(PermissionRequiredMixin, ListView):
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
        referrals = Referral.objects.filter(
            Q(department=self.department)
            | Q(
                pk__in=Referral.co_departments.through.objects.filter(
                    department=self.department
                ).values("referral_id")
            )
        )
        self.state = self.request.GET.get("state", "")
        if self.state in REFERRAL_STATES:
            referrals = REFERRAL_STATES[self.state](referrals, self.today)
        return (
            referrals.with_related()
            .select_related("suggestion__report", "suggestion__session__topic")
            .order_by("-referred_on", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            department=self.department,
            state=self.state,
            states=[
                ("", _("All")),
                ("waiting", _("Awaiting reply")),
                ("overdue", _("Overdue")),
                ("replied", _("Replied, not closed")),
                ("closed", _("Closed")),
            ],
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
        year = selected_year(self.request, work_year())
        stats = year_statistics(year)
        totals = stats["totals"]
        ledger = f"{reverse('consultation:suggestion_list')}?year={year}"
        projects = f"{reverse('consultation:project_list')}?year={year}"
        context.update(
            year=year,
            years=year_choices(),
            figures=[
                (_("Research projects"), stats["projects"], projects),
                # No link: there is no list of reports (the projects' list counts projects).
                (_("Research reports"), stats["reports"], ""),
                (_("Suggestions"), totals["total"], ledger),
                (_("Referred"), totals["referred"], f"{ledger}&referred=true"),
                (_("Replied"), totals["replied"], f"{ledger}&replied=true"),
                (_("Closed"), totals["closed"], f"{ledger}&progress=closed"),
                (
                    _("Adopted (fully or partly)"),
                    totals["adopted"],
                    f"{ledger}&outcome=adopted_any",
                ),
                (_("With an overdue referral"), totals["overdue"], f"{ledger}&overdue=on"),
            ],
            **stats,
        )
        return context
