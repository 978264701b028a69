"""The proposal register's filters (session, category, state, department, proposer,
sector); the export and the compilation read the same ones."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.forms import StyledForm
from apps.members.models import Sector

from .models import Department, Proposal, ProposalCategory


class ProposalFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    sitting = django_filters.ChoiceFilter(
        label=_("Sitting"),
        choices=[("1", _("Plenary sitting")), ("0", _("During the year (平时)"))],
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=ProposalCategory.objects.all()
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[c for c in Proposal.State.choices if c[0] != Proposal.State.DRAFT],
        method="filter_state",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Proposal.Kind.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Handling department"),
        queryset=Department.objects.order_by("sort_order", "name"),
        method="filter_department",
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        queryset=Sector.objects.order_by("sort_order", "name"),
        method="filter_sector",
    )
    proposer = django_filters.CharFilter(label=_("Proposer"), method="filter_proposer")
    # An unticked box reads False, which must filter nothing (not "not key").
    key = django_filters.BooleanFilter(
        label=_("Key proposals only"), method="filter_key", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Proposal
        fields = ["year", "sitting", "category", "state", "kind", "department", "sector"]
        form = StyledForm

    def filter_state(self, queryset, name, value):
        return queryset.with_status_value(value) if value else queryset

    def filter_department(self, queryset, name, value):
        return queryset.handled_by(value) if value else queryset

    def filter_sector(self, queryset, name, value):
        """Proposals of the sector (collective) or of its members."""
        return queryset.filter(Q(sector=value) | Q(proposer__sector=value)) if value else queryset

    def filter_proposer(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(proposer__name__icontains=value)
            | Q(signers__member__name__icontains=value)
            | Q(unit__name__icontains=value)
        ).distinct()

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=True) if value else queryset
