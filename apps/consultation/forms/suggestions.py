"""A suggestion of a report, or the outcome of any suggestion."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledModelForm, field_of
from apps.members.widgets import MemberPickerMultiple

from ..models import Report, Suggestion
from .fields import date_fields, pickable_members


class ReportSuggestionForm(StyledModelForm):
    """A suggestion of a report (or the outcome of any suggestion): text, category,
    proposers, outcome."""

    class Meta:
        model = Suggestion
        fields = ["text", "category", "members", "outcome", "outcome_on"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "members": MemberPickerMultiple,
        }

    def __init__(self, *args, user, report: Report | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if report is not None:
            self.instance.report = report
        existing = (
            list(self.instance.members.values_list("pk", flat=True)) if self.instance.pk else []
        )
        field_of(self, "members", forms.ModelChoiceField).queryset = pickable_members(existing)
        self.fields["members"].help_text = _("Search by name or pinyin initials.")
        date_fields(self, "outcome_on")
        self.fields["outcome_on"].help_text = _("Left empty: today, when an outcome is given.")
        self.fields["outcome"].help_text = _("Left empty while undecided.")

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if cleaned.get("outcome_on") and not outcome and "outcome" not in self.errors:
            self.add_error("outcome", _("Pick the outcome of that date, or clear the date."))
        elif outcome and not cleaned.get("outcome_on") and "outcome_on" not in self.errors:
            cleaned["outcome_on"] = self.instance.outcome_on or timezone.localdate()
        return cleaned
