"""Extension points that apps fill in their `AppConfig.ready()`.

The shell (navigation, home page, seed command) knows no app; each app registers
its navigation entries and home-page figures here, so adding an app touches no
shared template.
"""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation

from . import versions
from .sections import sections

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser

    # The project's user model (accounts, above core) is an AbstractUser.
    User = AbstractUser | AnonymousUser


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation, shown to users holding `permission`
    (or passing `visible`, a predicate on the user)."""

    label: Any
    url_name: str
    permission: str | None = None
    visible: Callable[[Any], bool] | None = None
    order: int = 100
    icon: str = ""

    def is_visible_to(self, user: User) -> bool:
        if self.visible is not None and not self.visible(user):
            return False
        return self.permission is None or user.has_perm(self.permission)


@dataclass(frozen=True)
class Figure:
    """One number on the overview of staff and leaders."""

    label: Any
    value: int | str
    url: str = ""
    hint: Any = ""
    warn: bool = False
    # (label, url) of each thing counted, when the figure names them (a few at most).
    items: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Chart:
    """A chart of the overview or the annual report, with the table it draws: `columns`
    are the table's headers (the first names the categories: months, townships …),
    `rows` its rows (a label, then one number per series). The page renders the table
    and hands the same rows to the browser as JSON (`json_script`), so the picture and
    the table can never differ. `kind`: "bar", "line", "stacked" or "pie"; `percent`
    marks series of rates (0–100). `urls` optionally links each row's label."""

    key: str
    title: Any
    columns: tuple[Any, ...]
    rows: tuple[tuple[Any, ...], ...]
    kind: str = "bar"
    percent: bool = False
    urls: tuple[str, ...] = ()
    note: Any = ""

    @property
    def element_id(self) -> str:
        return f"chart-data-{self.key}"

    def data(self) -> dict[str, Any]:
        """What the browser draws (static/js/charts.js): labels and one series per column."""
        return {
            "kind": self.kind,
            "percent": self.percent,
            "labels": [str(row[0]) for row in self.rows],
            "series": [
                {"name": str(column), "values": [row[i] for row in self.rows]}
                for i, column in enumerate(self.columns[1:], start=1)
            ],
        }

    def table_rows(self) -> list[tuple[str, tuple[Any, ...]]]:
        """(url or "", row) for the template."""
        urls = self.urls or ("",) * len(self.rows)
        return list(zip(urls, self.rows, strict=True))


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    # Each app's latest year with records up to a day (see `apps.core.mixins.latest_year`).
    record_year_providers: list[Callable[[datetime.date], int | None]] = field(default_factory=list)
    chart_providers: list[tuple[int, Callable[..., Iterable[Chart]]]] = field(default_factory=list)
    # (order, provider, the keywords of `year`/`today` it takes: read once, at registration)
    figure_providers: list[tuple[int, Callable[..., Iterable[Figure]], frozenset[str]]] = field(
        default_factory=list
    )

    def add_nav(self, item: NavItem) -> None:
        if item not in self.nav:
            self.nav.append(item)
            self.nav.sort(key=lambda i: i.order)

    def add_figures(self, provider: Callable[..., Iterable[Figure]], order: int = 100) -> None:
        if all(p is not provider for _, p, _y in self.figure_providers):
            takes = frozenset(inspect.signature(provider).parameters) & {"year", "today"}
            self.figure_providers.append((order, provider, takes))
            self.figure_providers.sort(key=lambda p: p[0])

    def add_record_years(self, provider: Callable[[datetime.date], int | None]) -> None:
        """`provider(today)`: the latest year up to `today` in which the app has records
        (None: none). The default year of every page is the latest of them."""
        if provider not in self.record_year_providers:
            self.record_year_providers.append(provider)

    def add_charts(self, provider: Callable[..., Iterable[Chart]], order: int = 100) -> None:
        """`provider(user, *, year, today)`: the app's charts of the year for the overview
        and the annual report (nothing for users who may not see the data)."""
        if all(p is not provider for _, p in self.chart_providers):
            self.chart_providers.append((order, provider))
            self.chart_providers.sort(key=lambda p: p[0])

    def charts_for(self, user: User, *, year: int, today: datetime.date) -> list[Chart]:
        charts: list[Chart] = []
        for _, provider in self.chart_providers:
            charts.extend(provider(user, year=year, today=today))
        return charts

    def add_home_section(
        self, template: str, visible: Callable[[Any], bool], order: int = 100
    ) -> None:
        """A template included on the home page of users for whom `visible(user)` holds;
        it renders with the request context. The home page's sections are those of
        `apps.core.sections` (page "home"), like the sections of any other page."""
        sections.page("home").add(template, order=order, visible=visible)

    def nav_for(self, user: User) -> list[NavItem]:
        return [item for item in self.nav if item.is_visible_to(user)]

    def figures_for(
        self, user: User, *, year: int | None = None, today: datetime.date | None = None
    ) -> list[Figure]:
        """Every provider's figures; providers that take a `year` keyword get the year
        the overview shows (None: their own default, e.g. the latest year with work), and
        those that take `today` the day the page is made (None: the real today). The
        figures are a function of (user's permissions, year, today)."""
        values = {"year": year, "today": today}
        figures: list[Figure] = []
        for _, provider, takes in self.figure_providers:
            figures.extend(provider(user, **{k: values[k] for k in takes}))
        return figures

    def cached_figures_for(
        self, user: User, *, year: int | None = None, today: datetime.date | None = None
    ) -> list[Figure]:
        """`figures_for`, computed once per data version: cached (Django's cache, a day at
        most) under the year, the data version (`apps.core.versions`: it moves on every
        committed write of a project record), today's date (figures such as "overdue" or
        "stationed" count against today), the language and the user's permissions (a
        provider may depend on the user through them only). A transaction that has
        written computes them afresh and stores nothing."""
        return self._cached(
            "figures",
            user,
            year,
            today,
            lambda: [
                replace(f, label=str(f.label), hint=str(f.hint))
                for f in self.figures_for(user, year=year, today=today)
            ],
        )

    def cached_charts_for(
        self, user: User, *, year: int, today: datetime.date | None = None
    ) -> list[Chart]:
        """`charts_for`, cached like `cached_figures_for` (same key, same invalidation)."""
        today = today or timezone.localdate()
        return self._cached(
            "charts",
            user,
            year,
            today,
            lambda: [
                replace(c, title=str(c.title), note=str(c.note))
                for c in self.charts_for(user, year=year, today=today)
            ],
        )

    def _cached(self, name: str, user: User, year, today, compute: Callable[[], list]) -> list:
        parts = [
            str(year or "-"),
            (today or timezone.localdate()).isoformat(),
            translation.get_language() or "",
            versions.permissions_key(user),
        ]
        return versions.cached(name, parts, compute)

    def home_sections_for(self, user: User) -> list[str]:
        return sections.page("home").templates_for(user)


registry = Registry()
