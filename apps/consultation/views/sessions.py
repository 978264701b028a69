"""Sessions: the list, its export and calendar, one session, logging and editing it with
its suggestions and photos, submitting, publishing and returning it, its photos."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, TemplateView, UpdateView
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from apps.accounts.roles import is_staff_user, sees_everything
from apps.core.access import page_opens
from apps.core.files import serve_protected
from apps.core.mixins import PageMixin
from apps.core.numbers import is_number
from apps.core.sections import sections
from apps.core.spreadsheets import filter_summary
from apps.core.submission import SubmitOnceMixin
from apps.venues.managers import managed_venue_ids
from apps.venues.models import Venue

from .. import services
from ..exports import sessions_workbook
from ..filters import SessionFilter
from ..forms.sessions import SessionForm, SessionReturnForm, SuggestionFormSet
from ..models import Session, SessionPhoto
from ..selectors import calendar_month, session_history, session_month, stationed_members
from .suggestions import SuggestionReadMixin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SessionScopeMixin:
    """Sessions the user may read (`for_user`): anything else is a 404."""

    def get_queryset(self):
        return Session.objects.for_user(self.request.user)


class SessionListView(PermissionRequiredMixin, SessionScopeMixin, PageMixin, FilterView):
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
        return sessions_workbook(request, sessions, filter_text=filter_summary(filterset.form))


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
        year, month = calendar_month(data, today)
        sessions = filterset.qs if valid else filterset.queryset.none()
        shown = session_month(sessions, year, month)
        context.update(
            month_start=shown.first,
            weeks=shown.weeks,
            days=shown.days,
            previous_month=f"{shown.previous:%Y-%m}",
            next_month=f"{shown.following:%Y-%m}",
            previous_query=self.query_with_month(f"{shown.previous:%Y-%m}"),
            next_query=self.query_with_month(f"{shown.following:%Y-%m}"),
            this_month_query=self.query_with_month(""),
            month_query=self.query_with_month(f"{shown.first:%Y-%m}"),
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
        # Later apps' sections: performance's sign-in screen button at "actions".
        context.update(sections.page("consultation:detail").fill([session], request=self.request))
        if sees_everything(user):
            context["history"] = session_history(session)
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

    @cached_property
    def venues(self):
        """`allowed_venues()`, read once a request: the create page's checks, the form's
        venue list and the posted venue's check share the rows."""
        return self.allowed_venues()

    def in_reach(self, venue: str) -> bool:
        """Whether `venue` (a posted or asked-for id) is one of `venues`. No query once
        they are read."""
        return is_number(venue) and int(venue) in {v.pk for v in self.venues}

    def check_posted_venue(self):
        """A crafted POST naming a venue out of reach is refused outright (403)."""
        posted = self.request.POST.get("venue", "")
        if posted and not self.in_reach(posted):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        venues = self.venues
        # Read when a picker renders (the page, or the form again with its errors): a
        # valid POST, saved and redirected, does not read them.
        self.suggested_members = SimpleLazyObject(lambda: stationed_members(venues))
        kwargs.update(
            user=self.request.user,
            venues=venues,
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
        self.check_posted_venue()
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
        if self.object.state in Session.EDITABLE_STATES:
            # Not "saved" alone: a draft is seen by nobody else until it is submitted (the
            # page offers the Submit button by this message).
            messages.warning(
                request,
                gettext(
                    "Saved as a draft, not submitted: nobody reviews or publishes it until "
                    "you submit it for review."
                ),
            )
        else:
            messages.success(request, gettext("Session saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class SessionCreateView(PermissionRequiredMixin, SessionFormMixin, SubmitOnceMixin, CreateView):
    permission_required = "consultation.add_session"
    is_update = False

    def dispatch(self, request, *args, **kwargs):
        # An office head who manages no venue has nowhere to log a session.
        if request.user.is_authenticated and self.has_permission() and not self.venues:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        venues = self.venues
        wanted = self.request.GET.get("venue", "")
        if wanted:
            # ?venue= of a venue out of reach is not found.
            if not self.in_reach(wanted):
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
