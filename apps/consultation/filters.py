import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledForm
from apps.venues.models import Township, Venue

from .models import Session, Topic

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> tuple[int, int] | None:
    """(year, month) of "YYYY-MM", or None."""
    match = MONTH.match((value or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if 2000 <= year <= 2100 and 1 <= month <= 12:
        return year, month
    return None


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2021-06"})

    def clean(self, value):
        value = super().clean(value)
        if value and parse_month(value) is None:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2021-06."))
        return value


class MonthFilter(django_filters.CharFilter):
    field_class = MonthField

    def filter(self, qs, value):
        parsed = parse_month(value)
        if parsed is None:
            return qs
        return qs.in_month(*parsed)


def visible_venues(request):
    if request is None:
        return Venue.objects.none()
    return Venue.objects.for_user(request.user).order_by("kind", "sort_order", "name")


class SessionFilter(django_filters.FilterSet):
    """The session list's filters; the export and the calendar read the same ones."""

    venue = django_filters.ModelChoiceFilter(label=_("Venue"), queryset=visible_venues)
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), field_name="venue__township", queryset=Township.objects.all()
    )
    form = django_filters.ChoiceFilter(label=_("Form"), choices=Session.Form.choices)
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), queryset=Topic.objects.order_by("-year", "title")
    )
    month = MonthFilter(label=_("Month"))
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="started_at", lookup_expr="year", min_value=2000
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=Session.State.choices)

    class Meta:
        model = Session
        fields = ["venue", "township", "form", "topic", "month", "year", "state"]
        form = StyledForm
