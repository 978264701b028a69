"""The handling chain's forms: referring a subject to a department, the reply (with its
letter), a co-handling opinion, closing, reopening."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.core.uploads import DocumentUploadField

from ..models import Department, Instruction, Referral
from ..services import DocumentInput
from .fields import date_fields, work_date_field


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

    def __init__(self, *args, user, subject: Model, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        setattr(self.instance, Referral.subject_field_for(subject), subject)
        report_id = getattr(subject, "report_id", None)
        departments = Department.objects.active().order_by("sort_order", "name")
        field_of(self, "department", forms.ModelChoiceField).queryset = departments
        field_of(self, "co_departments", forms.ModelChoiceField).queryset = departments
        self.fields["co_departments"].help_text = _("Hold Ctrl (or ⌘) to pick several.")
        if report_id:
            instruction_field = field_of(self, "instruction", forms.ModelChoiceField)
            instruction_field.queryset = Instruction.objects.filter(report_id=report_id).order_by(
                "instructed_on", "pk"
            )
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
    """The lead department's reply: text, date, class A/B/C and the reply letter (PDF or
    DOCX, checked by content as research reports are)."""

    text = forms.CharField(
        label=_("Department's reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    replied_on = work_date_field(_("Replied on"))
    implementation = forms.ChoiceField(
        label=_("Implementation"),
        choices=Referral.Implementation.choices,
        widget=forms.RadioSelect,
    )
    letter = DocumentUploadField(label=_("Reply letter"), required=False)
    remove_letter = forms.BooleanField(label=_("Remove the reply letter"), required=False)

    def __init__(self, *args, user, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        self.fields["replied_on"].initial = referral.replied_on or timezone.localdate()
        self.fields["text"].initial = referral.reply_text
        self.fields["implementation"].initial = referral.implementation or None
        if not referral.reply_letter:
            del self.fields["remove_letter"]

    def letter_input(self) -> DocumentInput | None:
        upload = self.cleaned_data.get("letter")
        if not upload:
            return None
        return DocumentInput(
            file=upload, name=getattr(upload, "original_name", upload.name), size=upload.size
        )


class ReferralOpinionForm(StyledForm):
    """A co-handling department's opinion on the current round."""

    text = forms.CharField(
        label=_("Co-handling opinion"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    given_on = work_date_field(_("Given on"))

    def __init__(self, *args, user, referral: Referral, opinion=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        self.fields["given_on"].initial = opinion.given_on if opinion else timezone.localdate()
        self.fields["text"].initial = opinion.text if opinion else ""


class ReferralCloseForm(StyledForm):
    satisfaction = forms.ChoiceField(
        label=_("Proposers' satisfaction"),
        choices=Referral.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    closed_on = work_date_field(_("Closed on"))

    def __init__(self, *args, user, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        self.fields["closed_on"].initial = timezone.localdate()


class ReferralReopenForm(StyledForm):
    """Staff reopen a referral whose proposers were not satisfied: why, and the new due
    date."""

    reason = forms.CharField(
        label=_("Why it is handled again"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    reopened_on = work_date_field(_("Reopened on"))
    due_on = work_date_field(_("New reply due by"))

    def __init__(self, *args, user, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.referral = referral
        today = timezone.localdate()
        self.fields["reopened_on"].initial = today
        self.fields["due_on"].initial = today + datetime.timedelta(days=settings.REFERRAL_DUE_DAYS)
