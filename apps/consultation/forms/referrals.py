"""Referring a suggestion to a department, recording the reply, closing it."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.dates import WorkDateValidator
from apps.core.forms import StyledForm, StyledModelForm, field_of

from ..models import Department, Instruction, Referral, Suggestion
from .fields import DateInput, date_fields


class ReferralForm(StyledModelForm):
    """Staff refer a suggestion: lead and co-handling departments, the instruction it
    follows (of the suggestion's report), dates and requirements."""

    class Meta:
        model = Referral
        fields = ["department", "co_departments", "instruction", "referred_on", "due_on", "note"]
        widgets = {
            "co_departments": forms.SelectMultiple(attrs={"size": 6}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.suggestion = suggestion
        departments = Department.objects.active().order_by("sort_order", "name")
        field_of(self, "department", forms.ModelChoiceField).queryset = departments
        field_of(self, "co_departments", forms.ModelChoiceField).queryset = departments
        self.fields["co_departments"].help_text = _("Hold Ctrl (or ⌘) to pick several.")
        if suggestion.report_id:
            instruction_field = field_of(self, "instruction", forms.ModelChoiceField)
            instruction_field.queryset = Instruction.objects.filter(
                report_id=suggestion.report_id
            ).order_by("instructed_on", "pk")
            instructions = list(instruction_field.queryset)
            if len(instructions) == 1:
                instruction_field.initial = instructions[0].pk
        else:
            del self.fields["instruction"]
        date_fields(self, "referred_on", "due_on")
        today = timezone.localdate()
        self.fields["referred_on"].initial = today
        self.fields["due_on"].initial = today + datetime.timedelta(days=settings.REFERRAL_DUE_DAYS)

    def clean(self):
        cleaned = super().clean()
        referred_on, due_on = cleaned.get("referred_on"), cleaned.get("due_on")
        if referred_on and due_on and due_on < referred_on:
            self.add_error("due_on", _("The due date cannot be before the referral."))
        department = cleaned.get("department")
        if department and department in (cleaned.get("co_departments") or []):
            self.add_error(
                "co_departments", _("The lead department cannot also be a co-handling one.")
            )
        return cleaned


class ReferralReplyForm(StyledForm):
    text = forms.CharField(
        label=_("Department's reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    replied_on = forms.DateField(
        label=_("Replied on"),
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        validators=[WorkDateValidator()],
    )
    implementation = forms.ChoiceField(
        label=_("Implementation"),
        choices=Referral.Implementation.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        self.fields["replied_on"].initial = referral.replied_on or timezone.localdate()
        self.fields["text"].initial = referral.reply_text
        self.fields["implementation"].initial = referral.implementation or None


class ReferralCloseForm(StyledForm):
    satisfaction = forms.ChoiceField(
        label=_("Proposers' satisfaction"),
        choices=Referral.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    closed_on = forms.DateField(
        label=_("Closed on"),
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        validators=[WorkDateValidator()],
    )

    def __init__(self, *args, user, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        self.fields["closed_on"].initial = timezone.localdate()
