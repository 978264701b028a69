"""What the consultation forms share: the date input and its range, and the members a
member field accepts."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from apps.core.dates import WorkDateValidator
from apps.core.forms import field_of
from apps.members.models import Member
from apps.members.widgets import selectable_members


class DateInput(forms.DateInput):
    """The browsers' date picker; the value as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def pickable_members(existing_ids=()):
    """What a member field accepts: active members of the current term, plus those
    already recorded (who may have left since)."""
    return Member.objects.filter(
        Q(pk__in=selectable_members().values("pk")) | Q(pk__in=list(existing_ids))
    )


def work_date_field(label) -> forms.DateField:
    """A form-only date of the work (not a model field's): the date input, YYYY-MM-DD, and
    the work-date range (`apps.core.dates.WorkDateValidator`)."""
    return forms.DateField(
        label=label,
        widget=DateInput,
        input_formats=["%Y-%m-%d"],
        validators=[WorkDateValidator()],
    )


def date_fields(form: forms.BaseForm, *names: str) -> None:
    """Dates typed as YYYY-MM-DD (the browsers' date input). Their range is the model
    fields' one rule (`apps.core.dates`), checked by the model validation."""
    for name in names:
        field = field_of(form, name, forms.DateField)
        field.widget = DateInput(attrs={"class": field.widget.attrs.get("class", "form-control")})
        field.widget.is_required = field.required
        field.input_formats = ["%Y-%m-%d"]
