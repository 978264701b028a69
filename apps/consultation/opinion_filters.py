"""The 社情民意 list's filters (year, state, category, township, source, adoption level,
instructed); the export and the statistics' links read the same ones."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledForm
from apps.venues.models import Township, Venue

from .models import OpinionCategory, OpinionItem

SOURCE_CHOICES = [("member", _("Members")), ("office", _("Liaison offices"))]
LEVEL_CHOICES = [
    ("county", _("Adopted by the county committee")),
    ("higher", _("Adopted by a higher level")),
    ("city", _("Adopted by the city (市)")),
    ("province", _("Adopted by the province (省)")),
    ("national", _("Adopted nationally (全国)")),
]


class OpinionFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        label=_("Year"),
        field_name="submitted_on",
        lookup_expr="year",
        min_value=2000,
        max_value=2100,
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[c for c in OpinionItem.State.choices if c[0] != OpinionItem.State.DRAFT],
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=OpinionCategory.objects.all()
    )
    township = django_filters.ModelChoiceFilter(
        label=_("Township"), queryset=Township.objects.all()
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=SOURCE_CHOICES, method="filter_source"
    )
    office = django_filters.ModelChoiceFilter(
        label=_("Liaison office"),
        field_name="venue",
        queryset=Venue.objects.offices().order_by("sort_order", "name"),
    )
    member = django_filters.NumberFilter(
        label=_("Member"), field_name="member_id", widget=forms.HiddenInput
    )
    reporter = django_filters.CharFilter(label=_("Reporter or title"), method="filter_text")
    level = django_filters.ChoiceFilter(
        label=_("Adoption level"), choices=LEVEL_CHOICES, method="filter_level"
    )
    # An unticked box reads False, which must filter nothing.
    instructed = django_filters.BooleanFilter(
        label=_("With an instruction only"), method="filter_instructed", widget=forms.CheckboxInput
    )
    issue = django_filters.NumberFilter(
        label=_("Issue"), field_name="issue_id", widget=forms.HiddenInput
    )

    class Meta:
        model = OpinionItem
        fields = ["year", "state", "category", "township"]
        form = StyledForm

    def filter_source(self, queryset, name, value):
        if value == "member":
            return queryset.filter(member__isnull=False)
        if value == "office":
            return queryset.filter(venue__isnull=False)
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(member__name__icontains=value)
            | Q(venue__name__icontains=value)
        )

    def filter_level(self, queryset, name, value):
        return queryset.adopted_at(value) if value else queryset

    def filter_instructed(self, queryset, name, value):
        return queryset.instructed() if value else queryset
