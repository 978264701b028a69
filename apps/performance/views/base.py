"""What the performance pages share: the tabs, form titles, query parameters that
never fail, and the index that opens the first tab the user may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from .. import dashboard

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def int_param(request, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default


class TabsMixin:
    """The performance pages' tabs, those the user may open."""

    tab = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tabs"] = dashboard.tabs_for(self.request.user)
        context["active_tab"] = self.tab
        return context


class FormTitleMixin:
    """`page_title` of the shared form template: "New meeting", "Edit …"."""

    form_title: StrOrPromise = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.form_title:
            context["page_title"] = self.form_title
        elif getattr(self, "object", None) is not None and self.object.pk:
            context["page_title"] = _("Edit %(thing)s") % {"thing": self.object}
        elif getattr(self, "model", None) is not None:
            context["page_title"] = _("New %(thing)s") % {"thing": self.model._meta.verbose_name}
        return context


class IndexView(View):
    """The first performance page the user may open."""

    def get(self, request):
        tabs = dashboard.tabs_for(request.user)
        if not tabs:
            raise PermissionDenied
        name = tabs[0][1]
        if name == "performance:evaluation_list":
            return redirect(name, year=dashboard.evaluation_year())
        return redirect(name)
