import calendar
import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from apps.accounts.roles import is_staff_user, sees_everything
from apps.core.files import serve_protected
from apps.venues.managers import managed_venue_ids
from apps.venues.models import Assignment, Venue

from . import services
from .exports import sessions_workbook
from .filters import SessionFilter, parse_month
from .forms import SessionForm, SessionReturnForm, SuggestionFormSet
from .managers import month_bounds
from .models import Session, SessionPhoto


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
        return context


class SessionExportView(PermissionRequiredMixin, SessionScopeMixin, View):
    """The filtered list as an .xlsx file (what the user may read, nothing more)."""

    permission_required = "consultation.export_session"

    def get(self, request):
        filterset = SessionFilter(request.GET, queryset=self.get_queryset(), request=request)
        sessions = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return sessions_workbook(sessions)


class SessionCalendarView(PermissionRequiredMixin, SessionScopeMixin, TemplateView):
    """A month of sessions (`?month=YYYY-MM`, optionally `&venue=`); one query."""

    permission_required = "consultation.view_session"
    template_name = "consultation/session_calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year, month = parse_month(self.request.GET.get("month", "")) or (today.year, today.month)
        first, following = month_bounds(year, month)
        tz = timezone.get_current_timezone()
        sessions = self.get_queryset().filter(
            started_at__gte=datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
            started_at__lt=datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
        )
        venue_id = self.request.GET.get("venue", "")
        venue = None
        if venue_id.isdigit():
            venue = Venue.objects.for_user(self.request.user).filter(pk=venue_id).first()
            if venue is not None:
                sessions = sessions.filter(venue=venue)
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
            venue=venue,
            weekdays=[_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            today=today,
        )
        return context


class SessionDetailView(PermissionRequiredMixin, SessionScopeMixin, DetailView):
    """A session with its members, suggestions, photos, state and (for staff and
    leaders) its change history; a fixed number of queries."""

    permission_required = "consultation.view_session"
    template_name = "consultation/session_detail.html"
    context_object_name = "session"

    def get_queryset(self):
        return super().get_queryset().with_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        session = self.object
        context.update(
            can_edit=services.can_edit_session(user, session),
            can_submit=services.can_submit_session(user, session),
            can_review=services.can_review_session(user, session),
            photos=list(session.photos.all()),
        )
        if sees_everything(user):
            context["history"] = list(
                session.history.select_related("history_user").order_by("-history_date")[:30]
            )
        return context


class SessionFormMixin:
    """The create and edit pages: the session form, its inline suggestions and photos,
    saved together by `services.session_save`."""

    form_class = SessionForm
    template_name = "consultation/session_form.html"

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
    success_message = ""

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
