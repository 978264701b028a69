from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, UpdateView

from apps.accounts.roles import sees_everything
from apps.core.mixins import selected_year, year_choices
from apps.core.sections import sections
from apps.core.submission import SubmitOnceMixin
from apps.core.views import AtomicFormMixin
from apps.members.models import Member

from . import services
from .forms import AssignmentEndForm, AssignmentForm, VenueForm
from .managers import managed_venue_ids
from .models import Assignment, Venue


class VenueListView(PermissionRequiredMixin, ListView):
    """Every venue with its director and stationed members; later apps add columns
    through the page's sections (consultation: the sessions of the year, the last session,
    the offices idle for VENUE_IDLE_DAYS). One query of its own whatever the number of
    venues (and the user's managed venues, for leaders and office heads), plus each
    section's fixed number.

    Sections of "venues:list" (`apps.core.sections`) get `rows` = the venues and `year`,
    and are rendered at the places "notice" (above the groups), "head" (header cells),
    "row_class" and "cells" (each row's class and cells, with `venue`), "item_class" and
    "item" (each entry of the phone list, with `venue`)."""

    permission_required = "venues.view_venue"
    template_name = "venues/venue_list.html"
    context_object_name = "venues"

    def get_queryset(self):
        self.year = selected_year(self.request, recorded_only=True)
        user = self.request.user
        return Venue.objects.for_user(user).with_related().with_stationed().with_mine(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        venues = list(context["venues"])
        context.update(
            venues=venues,
            year=self.year,
            years=year_choices(next_year=False),
            groups=[
                (_("Township liaison offices"), [v for v in venues if v.is_office]),
                (_("Member homes"), [v for v in venues if not v.is_office]),
            ],
        )
        context.update(
            sections.page("venues:list").fill(venues, request=self.request, year=self.year)
        )
        return context


class VenueDetailView(PermissionRequiredMixin, DetailView):
    """A venue: director, conveners and stationed members (to staff, leaders and its own
    office heads); later apps add their sections (consultation: the year's figures, the
    latest sessions and their photos, the button to log one).

    Sections of "venues:detail" (`apps.core.sections`) get `rows` = [the venue] and
    `year` (`?year=`, with `years` to pick from), and are rendered at the places "actions"
    (the header's buttons), "summary" (under the venue's facts) and "body" (after the
    stationed members)."""

    permission_required = "venues.view_venue"
    template_name = "venues/venue_detail.html"
    context_object_name = "venue"

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
        year = selected_year(self.request, recorded_only=True)
        can_see_members = sees_everything(user) or venue.pk in managed_venue_ids(user)
        assignments = []
        if can_see_members:
            assignments = list(
                venue.assignments.current(timezone.localdate())
                .select_related("member", "member__sector")
                .order_by("member__name_pinyin", "member__name")
            )
        context.update(
            year=year,
            years=year_choices(next_year=False),
            can_see_members=can_see_members,
            assignments=assignments,
            can_edit=user.has_perm("venues.change_venue"),
        )
        context.update(
            sections.page("venues:detail").fill([venue], request=self.request, year=year)
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
