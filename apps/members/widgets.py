"""The member picker, for every form of every app: a <select> that
`static/js/member-picker.js` turns into a Tom Select searching `members:search` (by name
or pinyin initials). After each pick in a multiple picker the typed letters are cleared
and the box stays open for the next name.

    participants = forms.ModelMultipleChoiceField(
        queryset=selectable_members(), widget=MemberPickerMultiple()
    )
    ...
    suggest_members(form, "participants", stationed_members)  # optional

Render `{{ form.media }}` in the page. Only the selected members (and the suggested ones)
are rendered as options, in one query, so the page does not grow with the roster;
without JavaScript the picker is a plain select of those options.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from apps.core.numbers import is_number

from .models import Member

if TYPE_CHECKING:
    # The widget the mixin goes with, for the type checker; at run time a plain mixin, so
    # that its Media is merged once into each picker's.
    _SelectBase = forms.Select
else:
    _SelectBase = object


def member_label(member: Member) -> str:
    """How a member appears in pickers and in the search endpoint's results."""
    sector = getattr(member, "sector", None)
    return f"{member.name}（{member.member_no}，{sector}）" if sector else member.name


def selectable_members():
    """Members that may be picked anywhere: active, of the current term (what the search
    endpoint offers). A form adds those already recorded, who may have left since."""
    return Member.objects.filter(status=Member.Status.ACTIVE, term=settings.CURRENT_TERM)


class MemberPickerMixin(_SelectBase):
    """Renders the suggested and selected options only; Tom Select loads the others on
    demand. `affiliation="cpc"|"non_cpc"` narrows the search."""

    # What `suggest_members` gave, and the same once read (`suggested`).
    _suggested: Iterable[Member]
    _suggested_read: list[Member] | None

    def __init__(self, attrs=None, *, affiliation: str = "", placeholder=None):
        attrs = {
            "data-member-picker": "",
            "data-url": reverse_lazy("members:search"),
            "data-placeholder": placeholder or _("Type a name or pinyin initials"),
            "data-no-results": _("No member found"),
            **(attrs or {}),
        }
        if affiliation:
            attrs["data-affiliation"] = affiliation
        super().__init__(attrs)
        self.suggested = []

    @property
    def suggested(self) -> list[Member]:
        """The suggested options, read (with their sectors) when the picker first needs
        them: a form only validated, then saved, never reads them."""
        if self._suggested_read is None:
            members = list(self._suggested)
            prefetch_related_objects(members, "sector")
            self._suggested_read = members
        return self._suggested_read

    @suggested.setter
    def suggested(self, members: Iterable[Member]) -> None:
        self._suggested = members
        self._suggested_read = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-url"] = str(self.attrs["data-url"])
        return context

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        wanted = {int(v) for v in (str(v) for v in value) if is_number(v)}
        members = {m.pk: m for m in self.suggested}
        missing = wanted - set(members)
        if missing:
            members.update(
                (m.pk, m) for m in queryset.filter(pk__in=missing).select_related("sector")
            )
        groups = []
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", "", not wanted, 0, attrs=attrs)], 0))
        ordered = sorted(members.values(), key=lambda m: (m.name_pinyin, m.name, m.pk))
        for index, member in enumerate(ordered, start=len(groups)):
            option = self.create_option(
                name, member.pk, member_label(member), member.pk in wanted, index, attrs=attrs
            )
            groups.append((None, [option], index))
        return groups

    class Media:
        css = {"all": ["vendor/tom-select/tom-select.bootstrap5.min.css"]}
        js = ["vendor/tom-select/tom-select.complete.min.js", "js/member-picker.js"]


class MemberPicker(MemberPickerMixin, forms.Select):
    pass


class MemberPickerMultiple(MemberPickerMixin, forms.SelectMultiple):
    pass


def suggest_members(form: forms.BaseForm, name: str, members: Iterable[Member]) -> None:
    """Offer `members` as options of the picker of field `name` before anything is typed
    (and without JavaScript), e.g. the members stationed at the session's venue. The
    field still accepts its whole queryset (what the search offers). `members` is read
    when the picker renders, not before (a lazy sequence costs nothing to a form that is
    only validated), with one query for the sectors of the labels; the selected members
    that are not among these are read then too."""
    widget = form.fields[name].widget
    if not isinstance(widget, MemberPickerMixin):
        raise TypeError(f"{name} is not a member picker")
    widget.suggested = members
