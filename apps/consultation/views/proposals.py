"""Proposals: a member's own (draft on a phone, co-sign requests, progress, rating), the
committee's register, one proposal with every step open to the user, the steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView
from django_filters.views import FilterView

from apps.core.files import serve_protected
from apps.core.mixins import PageMixin, UserFormKwargsMixin
from apps.core.submission import SubmitOnceMixin

from .. import proposal_services as services
from ..forms.proposals import (
    AssignForm,
    InstructionForm,
    MergeForm,
    NotRegisterForm,
    ProposalForm,
    RateForm,
)
from ..models import Proposal, ProposalSigner
from ..proposal_filters import ProposalFilter
from ..selectors import subject_referrals

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def may_write(user) -> bool:
    return user.has_perm("consultation.add_own_proposal") or user.has_perm(
        "consultation.register_proposal"
    )


class ProposalListView(PermissionRequiredMixin, PageMixin, FilterView):
    """The committee's register: every submitted proposal, filtered. Queries: count,
    rows (status as EXISTS columns), co-signers, referrals, and the filters' choices."""

    permission_required = "consultation.view_proposal"
    filterset_class = ProposalFilter
    template_name = "consultation/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = settings.PAGINATE_BY

    def get_queryset(self):
        return (
            Proposal.objects.for_user(self.request.user)
            .submitted()
            .with_rows()
            .order_by("-year", "sitting", F("number").asc(nulls_first=True), "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.request.GET.urlencode(), **kwargs)


class MyProposalsView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """A member's proposals (led or co-signed) with their progress, and the co-sign
    requests waiting for an answer. Four queries."""

    permission_required = "consultation.add_own_proposal"
    template_name = "consultation/my_proposals.html"
    context_object_name = "proposals"

    def get_queryset(self):
        return (
            Proposal.objects.for_user(self.request.user)
            .filter(proposer__user=self.request.user)
            .with_rows()
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        requests = (
            ProposalSigner.objects.waiting_for(self.request.user)
            .select_related("proposal__proposer", "proposal__category")
            .order_by("-pk")
        )
        cosigned = (
            Proposal.objects.filter(
                signers__member__user=self.request.user,
                signers__state=ProposalSigner.State.CONFIRMED,
            )
            .with_status()
            .select_related("proposer", "category")
            .order_by("-pk")
        )
        return super().get_context_data(requests=requests, cosigned=cosigned, **kwargs)


class ProposalScopeMixin:
    """The proposal of the URL among those the user may read (404 otherwise)."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def get_proposal(self) -> Proposal:
        return get_object_or_404(
            Proposal.objects.for_user(self.request.user).select_related("proposer"),
            pk=self.kwargs["pk"],
        )


class ProposalDetailView(LoginRequiredMixin, ProposalScopeMixin, DetailView):
    """One proposal: text, proposers and co-signers, decisions, referrals with their
    replies (the handling chain's cards), the rating, instructions; the steps open to the
    user. A fixed number of queries."""

    template_name = "consultation/proposal_detail.html"
    context_object_name = "proposal"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Proposal.objects.for_user(self.request.user)
            .with_related()
            .prefetch_related("instructions__leader"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        proposal = self.object
        State = Proposal.State
        registrar = services.may_register(user)
        # The handling chain's cards; closing and the second round of a proposal go
        # through its own steps (they move the proposal too), not the card's buttons.
        referrals = subject_referrals(proposal, user)
        for referral in referrals:
            referral.can_close = referral.can_reopen = False
        current = next((r for r in reversed(referrals) if r.closed_on is None), None)
        my_signer = next(
            (
                s
                for s in proposal.signers.all()
                if s.member.user_id == user.pk and s.state == ProposalSigner.State.INVITED
            ),
            None,
        )
        replied = current is not None and current.replied_on is not None
        return super().get_context_data(
            referrals=referrals,
            my_signer=my_signer,
            can_edit=services.may_edit(user, proposal),
            is_proposer=services.is_proposer(user, proposal),
            can_decide=registrar and proposal.state == State.SUBMITTED,
            can_assign=registrar and proposal.state == State.REGISTERED,
            can_close=registrar and proposal.state == State.ASSIGNED and replied,
            can_reopen=registrar
            and proposal.state == State.ASSIGNED
            and proposal.rating == Proposal.Rating.UNSATISFIED
            and proposal.round < 2,
            can_rate=services.is_proposer(user, proposal)
            and proposal.state == State.ASSIGNED
            and replied
            and not proposal.rating,
            can_mark_key=user.has_perm("consultation.mark_key_proposal")
            and proposal.state in Proposal.NUMBERED_STATES,
            can_mark_outstanding=registrar and proposal.state in Proposal.NUMBERED_STATES,
            rate_form=RateForm(),
            **kwargs,
        )


class ProposalCreateView(LoginRequiredMixin, UserFormKwargsMixin, SubmitOnceMixin, CreateView):
    """A member drafts their proposal (staff: a collective one)."""

    form_class = ProposalForm
    template_name = "consultation/proposal_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_write(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.object = services.proposal_save(
                proposal=form.instance,
                user=self.request.user,
                cosigners=form.cleaned_data.get("cosigners") or [],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Draft saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ProposalUpdateView(LoginRequiredMixin, UserFormKwargsMixin, ProposalScopeMixin, UpdateView):
    form_class = ProposalForm
    template_name = "consultation/proposal_form.html"
    context_object_name = "proposal"

    def get_object(self, queryset=None):
        proposal = self.get_proposal()
        if not services.may_edit(self.request.user, proposal):
            raise PermissionDenied
        return proposal

    def form_valid(self, form):
        try:
            services.proposal_save(
                proposal=form.instance,
                user=self.request.user,
                cosigners=form.cleaned_data.get("cosigners") or [],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Draft saved."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ProposalStepView(LoginRequiredMixin, ProposalScopeMixin, View):
    """A one-button step (POST): the service decides who may take it."""

    steps = {
        "submit": (services.proposal_submit, _("Proposal submitted.")),
        "register": (services.proposal_register, _("Proposal registered.")),
        "close": (services.proposal_close, _("Proposal closed.")),
        "reopen": (services.proposal_reopen, _("Sent back for another round of handling.")),
        "convert": (services.proposal_convert, _("Kept as a suggestion.")),
    }
    step = ""

    def post(self, request, pk):
        proposal = self.get_proposal()
        run, message = self.steps[self.step]
        try:
            run(proposal=proposal, user=request.user)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(proposal.get_absolute_url())


class ProposalFlagView(LoginRequiredMixin, ProposalScopeMixin, View):
    """Key (leaders) and outstanding (staff) marks, on or off (POST `on=1|0`)."""

    flag = ""

    def post(self, request, pk):
        proposal = self.get_proposal()
        on = request.POST.get("on") == "1"
        try:
            if self.flag == "key":
                services.proposal_mark_key(
                    proposal=proposal,
                    user=request.user,
                    is_key=on,
                    instruction=request.POST.get("instruction", ""),
                )
            else:
                services.proposal_mark_outstanding(
                    proposal=proposal, user=request.user, outstanding=on
                )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        return HttpResponseRedirect(proposal.get_absolute_url())


class SignerRespondView(LoginRequiredMixin, View):
    """The co-signer confirms (附议) or declines: only their own invitation is found."""

    def post(self, request, pk):
        signer = get_object_or_404(
            ProposalSigner.objects.filter(member__user=request.user).select_related("proposal"),
            pk=pk,
        )
        confirm = request.POST.get("confirm") == "1"
        try:
            services.signer_respond(signer=signer, user=request.user, confirm=confirm)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                gettext("You co-signed the proposal.") if confirm else gettext("You declined."),
            )
        if confirm:
            return HttpResponseRedirect(signer.proposal.get_absolute_url())
        return HttpResponseRedirect(request.POST.get("next") or "/")


class ProposalFormStepView(LoginRequiredMixin, ProposalScopeMixin, FormView):
    """A step with a form (not register, merge, assign, rate, instruct) on its own
    page, phone-sized; errors stay by their fields."""

    template_name = "consultation/proposal_step.html"
    title: StrOrPromise = ""
    done: StrOrPromise = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.proposal = self.get_proposal()
            if not self.may(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def may(self, user) -> bool:
        return services.may_register(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(proposal=self.proposal, title=self.title, **kwargs)

    def form_valid(self, form):
        try:
            self.run(form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.done)
        return HttpResponseRedirect(self.proposal.get_absolute_url())


class NotRegisterView(ProposalFormStepView):
    form_class = NotRegisterForm
    title = _("Not registered")
    done = _("Proposal not registered.")

    def run(self, data):
        services.proposal_not_register(
            proposal=self.proposal,
            user=self.request.user,
            reason=data["reason"],
            convert=data["convert"],
        )


class MergeView(ProposalFormStepView):
    form_class = MergeForm
    title = _("Merge into another proposal")
    done = _("Proposal merged.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "proposal": self.proposal}

    def run(self, data):
        services.proposal_merge(proposal=self.proposal, into=data["into"], user=self.request.user)


class AssignView(ProposalFormStepView):
    form_class = AssignForm
    title = _("Assign to a department")
    done = _("Proposal assigned.")

    def run(self, data):
        services.proposal_assign(
            proposal=self.proposal,
            user=self.request.user,
            department=data["department"],
            co_departments=data["co_departments"],
            assigned_on=data["assigned_on"],
            due_on=data["due_on"],
            note=data["note"],
        )


class RateView(ProposalFormStepView):
    form_class = RateForm
    title = _("Rate the reply")
    done = _("Thank you: your rating is recorded.")

    def may(self, user) -> bool:
        return services.is_proposer(user, self.proposal)

    def run(self, data):
        services.proposal_rate(
            proposal=self.proposal, user=self.request.user, rating=data["rating"]
        )


class InstructView(ProposalFormStepView):
    form_class = InstructionForm
    title = _("Instruction on a key proposal")
    done = _("Instruction saved.")

    def may(self, user) -> bool:
        return user.has_perm("consultation.mark_key_proposal")

    def run(self, data):
        services.proposal_instruct(
            proposal=self.proposal, user=self.request.user, text=data["text"]
        )


class ProposalFileView(LoginRequiredMixin, ProposalScopeMixin, View):
    """The attachment, for those who may read the proposal."""

    def get(self, request, pk):
        proposal = self.get_proposal()
        if not proposal.attachment:
            raise Http404
        return serve_protected(proposal.attachment, as_attachment=True)
