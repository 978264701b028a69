"""Member pickers for any form: a <select> that `static/js/member-picker.js` turns into a
Tom Select searching `members:search` (by name or pinyin initials).

    participants = forms.ModelMultipleChoiceField(
        queryset=Member.objects.active(), widget=MemberPickerMultiple()
    )

Render `{{ form.media }}` in the page. Only the selected members are rendered as
options (one query), so the page does not grow with the roster.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # The widget the mixin goes with, for the type checker; at run time a plain mixin, so
    # that its Media is merged once into each picker's.
    _SelectBase = forms.Select
else:
    _SelectBase = object


def member_label(member) -> str:
    """How a member appears in pickers and in the search endpoint's results."""
    sector = getattr(member, "sector", None)
    return f"{member.name}（{member.member_no}，{sector}）" if sector else member.name


class MemberPickerMixin(_SelectBase):
    """Renders the selected options only; Tom Select loads the others on demand."""

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

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-url"] = str(self.attrs["data-url"])
        return context

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        wanted = [str(v) for v in value if str(v).isdigit()]
        groups = []
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", "", not wanted, 0, attrs=attrs)], 0))
        if wanted:
            members = queryset.filter(pk__in=wanted).select_related("sector")
            for index, member in enumerate(members, start=len(groups)):
                option = self.create_option(
                    name, member.pk, member_label(member), True, index, attrs=attrs
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
