"""Sections: what a later app shows on a page of an earlier app.

Imports run down the stack (accounts ← members ← venues ← consultation ← performance, core
under all), so a page cannot import what a later app knows: a venue's page does not know
sessions, a member's page not proposals. Instead the page offers its sections by name
(its URL name) and later apps add theirs in `AppConfig.ready()`:

    # apps/consultation/apps.py
    from apps.core.sections import sections
    sections.page("members:detail").add("consultation/sections/member_detail.html", order=200)
    sections.page("venues:list").add(
        "consultation/sections/venue_list.html", order=200, rows=venue_activity
    )

A section is a template and, where the page needs data per row, a provider:

- The template is rendered at each *place* the page offers, with the page's context and
  `place` set (`{% load sections %}{% sections "cells" %}`). A detail page offers "body"
  (and may offer more, such as "actions" in its header); a list page places such as its
  table's "head" and each row's "cells". Each page's view lists its places and the values
  it passes. A template renders nothing at places it has nothing for.
- `rows(objects, *, request, **page)` is called once per request with all the rows the
  page shows (a detail page: its one object) and the page's values (such as `year`). It
  fetches what its template shows for all rows in a fixed number of queries, whatever the
  number of rows, sets it on the rows as attributes and may return a dict of page-level
  values (a count over the rows, the year's figures) that join the page's context.
- `visible(user)`, when given, shows the section only to the users for whom it holds
  (the home page's sections by role).

The page calls `sections.page(name).fill(rows, request=..., **page)` and adds the result
(`sections`: the templates to render, plus the providers' values) to its context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    AnyUser = AbstractBaseUser | AnonymousUser

RowsProvider = Callable[..., Mapping[str, Any] | None]


@dataclass(frozen=True)
class Section:
    template: str
    order: int = 100
    rows: RowsProvider | None = None
    visible: Callable[[Any], bool] | None = None


@dataclass
class PageSections:
    """The sections that later apps add to one page, in `order`."""

    page: str
    entries: list[Section] = field(default_factory=list)

    def add(
        self,
        template: str,
        *,
        order: int = 100,
        rows: RowsProvider | None = None,
        visible: Callable[[Any], bool] | None = None,
    ) -> None:
        """Add a section once (a second `ready()` adds nothing)."""
        if any(section.template == template for section in self.entries):
            return
        self.entries.append(Section(template, order, rows, visible))
        self.entries.sort(key=lambda section: section.order)

    def for_user(self, user: AnyUser) -> list[Section]:
        return [s for s in self.entries if s.visible is None or s.visible(user)]

    def templates_for(self, user: AnyUser) -> list[str]:
        return [section.template for section in self.for_user(user)]

    def fill(self, rows: Sequence[Any], *, request: HttpRequest, **page: Any) -> dict[str, Any]:
        """Run each shown section's provider once for all `rows`; return the page's context
        additions: `sections` (the templates) and the providers' page-level values."""
        shown = self.for_user(request.user)
        values: dict[str, Any] = {}
        for section in shown:
            if section.rows is None:
                continue
            extra = section.rows(rows, request=request, **page) or {}
            if clash := (values.keys() | {"sections"}) & extra.keys():
                raise ImproperlyConfigured(
                    f"Sections of {self.page} both provide {sorted(clash)}: {section.template}"
                )
            values.update(extra)
        return {"sections": [section.template for section in shown], **values}


@dataclass
class Sections:
    pages: dict[str, PageSections] = field(default_factory=dict)

    def page(self, name: str) -> PageSections:
        """The sections of the page `name` (its URL name, such as "venues:detail")."""
        if name not in self.pages:
            self.pages[name] = PageSections(name)
        return self.pages[name]


sections = Sections()
