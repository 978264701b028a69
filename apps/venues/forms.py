from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.core.dates import WorkDateValidator
from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.members.models import Member
from apps.members.widgets import (
    MemberPicker,
    MemberPickerMultiple,
    selectable_members,
    suggest_members,
)

from .models import Venue


class VenueForm(StyledModelForm):
    """Staff edit a venue: who directs, convenes and manages it."""

    class Meta:
        model = Venue
        fields = [
            "name",
            "kind",
            "township",
            "address",
            "director",
            "conveners",
            "managers",
            "sort_order",
            "is_active",
            "note",
        ]
        widgets = {
            "director": MemberPicker,
            "conveners": MemberPickerMultiple,
            "managers": forms.CheckboxSelectMultiple,
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        # Who directs or convenes now stays selectable even after leaving (archived, or of
        # an earlier term): otherwise saving any other field would silently drop them.
        members = selectable_members().values("pk")
        conveners = (
            list(self.instance.conveners.values_list("pk", flat=True)) if self.instance.pk else []
        )
        self.fields["director"].queryset = Member.objects.filter(
            Q(pk__in=members) | Q(pk=self.instance.director_id)
        )
        self.fields["conveners"].queryset = Member.objects.filter(
            Q(pk__in=members) | Q(pk__in=conveners)
        )
        self.fields["managers"].queryset = (
            get_user_model()
            .objects.filter(groups__name=roles.OFFICE_HEAD, is_active=True)
            .order_by("username")
        )
        self.fields["managers"].label_from_instance = lambda u: (
            f"{u.get_full_name()}（{u.username}）"
        )
        suggested = []
        if self.instance.pk:
            current = self.instance.assignments.current(timezone.localdate())
            suggested = [a.member for a in current.select_related("member")]
        suggest_members(self, "conveners", suggested)


class AssignmentForm(StyledForm):
    """Station a member at this office (a member at another office moves here)."""

    member = forms.ModelChoiceField(
        label=_("member"), queryset=Member.objects.none(), widget=MemberPicker
    )
    started_on = forms.DateField(
        label=_("started on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[WorkDateValidator()],
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, venue: Venue, **kwargs):
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.venue = venue
        field_of(self, "member", forms.ModelChoiceField).queryset = selectable_members()


class AssignmentEndForm(StyledForm):
    ended_on = forms.DateField(
        label=_("ended on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[WorkDateValidator()],
    )
