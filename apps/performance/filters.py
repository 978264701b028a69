"""Filters and sorting of the evaluation year table."""

from __future__ import annotations

from typing import cast

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledForm
from apps.members.models import Sector
from apps.venues.models import Assignment

from .models import Category, Evaluation, GradeThreshold

SORTS = [
    ("rank", "rank"),
    ("member__name_pinyin", "name"),
    ("total", "total"),
    *[(f"points_{value}", value) for value in Category.values],
]


class EvaluationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_q")
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        field_name="member__sector",
        queryset=Sector.objects.all(),
        empty_label=_("All"),
    )
    standing = django_filters.ChoiceFilter(
        label=_("Standing committee member"),
        choices=[("true", _("Standing members")), ("false", _("Other members"))],
        empty_label=_("All"),
        method="filter_standing",
    )
    grade = django_filters.ModelChoiceFilter(
        label=_("Grade"), queryset=GradeThreshold.objects.none(), empty_label=_("All")
    )
    township = django_filters.ChoiceFilter(
        label=_("Township"), method="filter_township", empty_label=_("All")
    )
    sort = django_filters.OrderingFilter(label=_("Sort by"), fields=SORTS)

    class Meta:
        model = Evaluation
        fields: list[str] = []
        form = StyledForm

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        # A copy of the `grade` ModelChoiceFilter declared above.
        grade = cast(django_filters.ModelChoiceFilter, self.filters["grade"])
        grade.queryset = GradeThreshold.objects.filter(year=year)
        # {member id: township} of members stationed at a township's venue today.
        self.townships = Assignment.objects.current().member_townships()
        if self.townships:
            self.filters["township"].extra["choices"] = [
                (name, name) for name in sorted(set(self.townships.values()))
            ]
        else:
            del self.filters["township"]

    @property
    def qs(self):
        qs = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            qs = qs.order_by("rank", "member__name_pinyin")
        return qs

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(member__name__icontains=value) | Q(member__name_initials__iexact=value)
        )

    def filter_standing(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        return queryset.filter(member__is_standing=value == "true")

    def filter_township(self, queryset, name, value):
        if not value:
            return queryset
        ids = [pk for pk, township in self.townships.items() if township == value]
        return queryset.filter(member_id__in=ids)
