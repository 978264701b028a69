"""Proposal forms: the draft (a member's, or staff's collective one), the registration
decisions, assignment, the rating, a key proposal's instruction."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Unit
from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.core.uploads import document_accept
from apps.members.models import Member, Sector
from apps.members.widgets import MemberPickerMultiple

from ..models import Department, Proposal, ProposalCategory
from .fields import date_fields, pickable_members


class ProposalForm(StyledModelForm):
    """A draft. A member picks individual or joint (with co-signers); staff write a
    collective one for a body (party group, special committee) or a sector."""

    cosigners = forms.ModelMultipleChoiceField(
        label=_("Co-signers"),
        queryset=Member.objects.none(),
        required=False,
        widget=MemberPickerMultiple(),
        help_text=_("For a joint proposal: each is asked to confirm (附议) before you submit."),
    )

    class Meta:
        model = Proposal
        fields = [
            "kind",
            "unit",
            "sector",
            "sitting",
            "category",
            "title",
            "background",
            "measures",
            "attachment",
        ]
        widgets = {
            "background": forms.Textarea(attrs={"rows": 6}),
            "measures": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.collective = user.has_perm("consultation.register_proposal")
        kind = field_of(self, "kind", forms.ChoiceField)
        if self.collective:
            kind.choices = [(Proposal.Kind.COLLECTIVE, Proposal.Kind.COLLECTIVE.label)]
            self.instance.kind = Proposal.Kind.COLLECTIVE
            del self.fields["cosigners"]
            field_of(self, "unit", forms.ModelChoiceField).queryset = Unit.objects.filter(
                is_active=True
            ).order_by("sort_order", "name")
            field_of(self, "sector", forms.ModelChoiceField).queryset = Sector.objects.filter(
                is_active=True
            ).order_by("sort_order", "name")
        else:
            kind.choices = [
                (Proposal.Kind.INDIVIDUAL, Proposal.Kind.INDIVIDUAL.label),
                (Proposal.Kind.JOINT, Proposal.Kind.JOINT.label),
            ]
            del self.fields["unit"], self.fields["sector"]
            existing = (
                list(self.instance.signers.values_list("member_id", flat=True))
                if self.instance.pk
                else []
            )
            cosigners = field_of(self, "cosigners", forms.ModelMultipleChoiceField)
            cosigners.queryset = pickable_members(existing)
            cosigners.initial = existing
        field_of(
            self, "category", forms.ModelChoiceField
        ).queryset = ProposalCategory.objects.filter(is_active=True)
        sitting = self.fields["sitting"]
        sitting.widget = forms.Select(
            choices=[(1, _("Plenary sitting")), (0, _("During the year (平时)"))]
            if not self.instance.pk or self.instance.sitting in (0, 1)
            else [(self.instance.sitting, self.instance.sitting_label)]
        )
        sitting.widget.attrs["class"] = "form-select"
        self.fields["attachment"].widget.attrs["accept"] = document_accept()
        self.fields["title"].widget.attrs["maxlength"] = 200

    def clean(self):
        cleaned = super().clean()
        collective = cleaned.get("kind") == Proposal.Kind.COLLECTIVE
        if collective and bool(cleaned.get("unit")) == bool(cleaned.get("sector")):
            self.add_error("unit", _("Pick either a body or a sector."))
        if cleaned.get("kind") == Proposal.Kind.JOINT and not cleaned.get("cosigners"):
            self.add_error("cosigners", _("A joint proposal needs at least one co-signer."))
        if cleaned.get("kind") == Proposal.Kind.INDIVIDUAL:
            cleaned["cosigners"] = []
        return cleaned

    def _post_clean(self):
        # The proposer is set by the service (the signed-in member); term and year too.
        self.instance.term = self.instance.term or settings.CURRENT_TERM
        self.instance.year = self.instance.year or timezone.localdate().year
        if not self.collective and self.instance.proposer_id is None:
            member = Member.objects.filter(user=self.user).first()
            self.instance.proposer = member
        super()._post_clean()


class NotRegisterForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    convert = forms.BooleanField(label=_("Keep it as a suggestion of the ledger"), required=False)


class MergeForm(StyledForm):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Proposal.objects.none())

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "into", forms.ModelChoiceField).queryset = (
            Proposal.objects.filter(
                term=proposal.term,
                year=proposal.year,
                sitting=proposal.sitting,
                state__in=[Proposal.State.SUBMITTED, *Proposal.NUMBERED_STATES],
            )
            .exclude(pk=proposal.pk)
            .order_by("number", "pk")
        )


class AssignForm(StyledForm):
    department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.none()
    )
    co_departments = forms.ModelMultipleChoiceField(
        label=_("Co-handling departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    assigned_on = forms.DateField(label=_("Assigned on"))
    due_on = forms.DateField(
        label=_("Reply due by"),
        required=False,
        help_text=_("Empty: three months after the assignment."),
    )
    note = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.active().order_by("sort_order", "name")
        field_of(self, "department", forms.ModelChoiceField).queryset = departments
        field_of(self, "co_departments", forms.ModelMultipleChoiceField).queryset = departments
        date_fields(self, "assigned_on", "due_on")
        self.fields["assigned_on"].initial = timezone.localdate()


class RateForm(StyledForm):
    rating = forms.ChoiceField(
        label=_("Your rating of the reply"),
        choices=Proposal.Rating.choices,
        widget=forms.RadioSelect,
    )


class InstructionForm(StyledForm):
    text = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 3}))
