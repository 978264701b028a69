from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts import roles
from apps.core.forms import StyledForm, StyledModelForm, field_of
from apps.members.models import Member

from .models import Venue


def member_search_url() -> str:
    """The members app's JSON search (`members:search`), or its agreed path until it lands."""
    try:
        return reverse("members:search")
    except NoReverseMatch:
        return "/members/search/"


def member_label(member: Member) -> str:
    return f"{member.name}（{member.work_unit}）" if member.work_unit else member.name


class MemberChoiceField(forms.ModelChoiceField):
    """Members labelled with their work unit (`member_label`)."""

    def label_from_instance(self, obj: Member) -> str:
        return member_label(obj)


def selectable_members():
    """Members that may be picked anywhere: active, of the current term."""
    return Member.objects.filter(status=Member.Status.ACTIVE, term=settings.CURRENT_TERM)


class MemberPickerSelect(forms.SelectMultiple):
    """`<select multiple data-member-picker data-url=…>`: the members app's
    `static/js/member-picker.js` turns it into a Tom Select searching by name or pinyin
    initials. Without JavaScript it is a plain multi-select of the options given with
    `limit_member_choices` (suggested members plus those already selected)."""

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-member-picker": "", "data-url": member_search_url()}
        return super().get_context(name, value, attrs)


def limit_member_choices(form: forms.BaseForm, name: str, suggested: Iterable[Member]) -> None:
    """Render only `suggested` plus the selected members as options of field `name`; the
    field still validates against its whole queryset (what the remote search offers).
    One query for the selected members that are not among the suggested."""
    field = field_of(form, name, forms.ModelChoiceField)
    options = {m.pk: m for m in suggested}
    if form.is_bound:
        raw = form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else []
    else:
        raw = form.initial.get(name) or []
    ids = (str(getattr(v, "pk", v)) for v in raw)
    selected = {int(v) for v in ids if v.isdigit()}
    missing = selected - set(options)
    if missing and field.queryset is not None:
        options.update({m.pk: m for m in field.queryset.filter(pk__in=missing)})
    field.widget.choices = [
        (pk, member_label(m)) for pk, m in sorted(options.items(), key=lambda kv: kv[1].name)
    ]


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
            "conveners": MemberPickerSelect,
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
        self.fields["director"].label_from_instance = member_label
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
        limit_member_choices(self, "conveners", suggested)


class AssignmentForm(StyledForm):
    """Station a member at this office (a member at another office moves here)."""

    member = MemberChoiceField(label=_("member"), queryset=Member.objects.none())
    started_on = forms.DateField(
        label=_("started on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, venue: Venue, **kwargs):
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.venue = venue
        field_of(self, "member", forms.ModelChoiceField).queryset = selectable_members().order_by(
            "name_pinyin", "name"
        )


class AssignmentEndForm(StyledForm):
    ended_on = forms.DateField(label=_("ended on"), widget=forms.DateInput(attrs={"type": "date"}))
