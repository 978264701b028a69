from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, UpdateView

from apps.accounts.roles import is_staff_user, sees_everything
from apps.core.submission import SubmitOnceMixin
from apps.core.views import AtomicFormMixin
from apps.members.models import Member

from . import services
from .dashboard import idle_offices
from .forms import AssignmentEndForm, AssignmentForm, VenueForm
from .managers import managed_venue_ids
from .models import Assignment, Venue

FIRST_YEAR = 2021


def selected_year(request) -> int:
    """`?year=` when it is a sensible year, else the current year."""
    current = timezone.localdate().year
    raw = request.GET.get("year", "")
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= current + 1:
        return int(raw)
    return current


def year_choices() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


class VenueListView(PermissionRequiredMixin, ListView):
    """Every venue with its director, stationed members, sessions of the year and the
    date of its last session; offices idle for VENUE_IDLE_DAYS stand out. Three queries
    whatever the numbers of venues and sessions."""

    permission_required = "venues.view_venue"
    template_name = "venues/venue_list.html"
    context_object_name = "venues"

    def get_queryset(self):
        self.year = selected_year(self.request)
        return (
            Venue.objects.for_user(self.request.user).with_related().with_activity(year=self.year)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venues = context["venues"]
        idle = {v.pk for v in idle_offices(venues)}
        managed = managed_venue_ids(self.request.user)
        for venue in venues:
            venue.is_idle = venue.pk in idle
            venue.is_mine = venue.pk in managed
        context.update(
            year=self.year,
            years=year_choices(),
            idle_count=len(idle),
            idle_days=settings.VENUE_IDLE_DAYS,
            groups=[
                (_("Township liaison offices"), [v for v in venues if v.is_office]),
                (_("Member homes"), [v for v in venues if not v.is_office]),
            ],
        )
        return context


class VenueDetailView(PermissionRequiredMixin, DetailView):
    """A venue: director, conveners, stationed members (to staff, leaders and its own
    office heads), the year's figures, its latest sessions and their photos."""

    permission_required = "venues.view_venue"
    template_name = "venues/venue_detail.html"
    context_object_name = "venue"
    recent_sessions = 20

    def get_queryset(self):
        return (
            Venue.objects.for_user(self.request.user)
            .with_related()
            .prefetch_related(
                Prefetch("conveners", queryset=Member.objects.select_related("sector"))
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        venue = self.object
        year = selected_year(self.request)
        manages = venue.pk in managed_venue_ids(user)
        can_see_members = sees_everything(user) or manages
        sessions = venue.sessions.for_user(user)
        recent = list(sessions.with_related().prefetch_related("photos")[: self.recent_sessions])
        figures = (
            sessions.held()
            .filter(started_at__year=year)
            .aggregate(
                sessions=Count("pk", distinct=True),
                members=Count("members", distinct=True),
                suggestions=Count("suggestions", distinct=True),
                photos=Count("photos", distinct=True),
            )
        )
        assignments = []
        if can_see_members:
            assignments = list(
                venue.assignments.current(timezone.localdate())
                .select_related("member", "member__sector")
                .order_by("member__name_pinyin", "member__name")
            )
        context.update(
            year=year,
            years=year_choices(),
            figures=figures,
            sessions=recent,
            photos=[p for s in recent for p in s.photos.all()][:12],
            can_see_members=can_see_members,
            assignments=assignments,
            can_log_session=manages
            or (is_staff_user(user) and user.has_perm("consultation.add_session")),
            can_edit=user.has_perm("venues.change_venue"),
        )
        return context


class VenueUpdateView(PermissionRequiredMixin, AtomicFormMixin, SuccessMessageMixin, UpdateView):
    permission_required = "venues.change_venue"
    template_name = "venues/venue_form.html"
    form_class = VenueForm
    context_object_name = "venue"
    success_message = _("Venue saved.")

    def get_queryset(self):
        return Venue.objects.for_user(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["assignments"] = list(
            self.object.assignments.select_related("member", "member__sector").order_by(
                "ended_on", "member__name_pinyin", "member__name"
            )
        )
        context["today"] = timezone.localdate()
        return context


class AssignmentCreateView(PermissionRequiredMixin, SubmitOnceMixin, FormView):
    """Station a member at a liaison office (moving them from another office)."""

    permission_required = "venues.add_assignment"
    template_name = "venues/assignment_form.html"
    form_class = AssignmentForm

    def repeated_url(self, obj):
        return reverse("venues:update", args=[obj.venue_id])

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.venue = get_object_or_404(
                Venue.objects.for_user(request.user).offices(), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "venue": self.venue}

    def get_context_data(self, **kwargs):
        return super().get_context_data(venue=self.venue, **kwargs)

    def form_valid(self, form):
        try:
            assignment = self.object = services.assignment_start(
                venue=self.venue,
                member=form.cleaned_data["member"],
                started_on=form.cleaned_data["started_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("%(member)s is stationed at %(venue)s.")
            % {"member": assignment.member, "venue": self.venue},
        )
        return redirect("venues:update", pk=self.venue.pk)


class AssignmentEndView(PermissionRequiredMixin, FormView):
    """End a member's stationing at an office."""

    permission_required = "venues.change_assignment"
    template_name = "venues/assignment_end.html"
    form_class = AssignmentEndForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.assignment = get_object_or_404(
                Assignment.objects.open()
                .filter(venue__in=Venue.objects.for_user(request.user))
                .select_related("member", "venue"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"ended_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(assignment=self.assignment, **kwargs)

    def form_valid(self, form):
        try:
            services.assignment_end(
                assignment=self.assignment, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as error:
            form.add_error("ended_on", error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("The stationing has ended."))
        return redirect("venues:update", pk=self.assignment.venue_id)
