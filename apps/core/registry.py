"""Extension points that apps fill in their `AppConfig.ready()`.

The shell (navigation, home page, seed command) knows no app; each app registers
its navigation entries and home-page figures here, so adding an app touches no
shared template.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone, translation

from . import versions
from .sections import sections

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser

    # The project's user model (accounts, above core) is an AbstractUser.
    User = AbstractUser | AnonymousUser


# Seconds a cached overview is kept (memory hygiene only: the data version and the date
# in its key decide whether it is current).
FIGURES_MAX_AGE = 60 * 60 * 24


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


@dataclass
class Registry:
    nav: list[NavItem] = field(default_factory=list)
    # (order, provider, whether it takes the `year` keyword: read once, at registration)
    figure_providers: list[tuple[int, Callable[..., Iterable[Figure]], bool]] = field(
        default_factory=list
    )

    def add_nav(self, item: NavItem) -> None:
        if item not in self.nav:
            self.nav.append(item)
            self.nav.sort(key=lambda i: i.order)

    def add_figures(self, provider: Callable[..., Iterable[Figure]], order: int = 100) -> None:
        if all(p is not provider for _, p, _y in self.figure_providers):
            takes_year = "year" in inspect.signature(provider).parameters
            self.figure_providers.append((order, provider, takes_year))
            self.figure_providers.sort(key=lambda p: p[0])

    def add_home_section(
        self, template: str, visible: Callable[[Any], bool], order: int = 100
    ) -> None:
        """A template included on the home page of users for whom `visible(user)` holds;
        it renders with the request context. The home page's sections are those of
        `apps.core.sections` (page "home"), like the sections of any other page."""
        sections.page("home").add(template, order=order, visible=visible)

    def nav_for(self, user: User) -> list[NavItem]:
        return [item for item in self.nav if item.is_visible_to(user)]

    def figures_for(self, user: User, *, year: int | None = None) -> list[Figure]:
        """Every provider's figures; providers that take a `year` keyword get the year
        the overview shows (None: their own default, e.g. the latest year with work)."""
        figures: list[Figure] = []
        for _, provider, takes_year in self.figure_providers:
            if takes_year:
                figures.extend(provider(user, year=year))
            else:
                figures.extend(provider(user))
        return figures

    def cached_figures_for(self, user: User, *, year: int | None = None) -> list[Figure]:
        """`figures_for`, computed once per data version: cached (Django's cache, a day at
        most) under the year, the data version (`apps.core.versions`: it moves on every
        committed write of a project record), today's date (figures such as "overdue" or
        "stationed" count against today), the language and the user's permissions (a
        provider may depend on the user through them only). A transaction that has
        written computes them afresh and stores nothing."""
        if versions.wrote_in_transaction():
            return self.figures_for(user, year=year)
        perms = ",".join(sorted(user.get_all_permissions())) + f"|{user.is_superuser}"
        key = (
            "xc:figures:"
            + ":".join(
                [
                    str(year or "-"),
                    str(versions.data_version()),  # before the records are read
                    timezone.localdate().isoformat(),
                    translation.get_language() or "",
                    hashlib.sha256(perms.encode()).hexdigest()[:16],
                ]
            )
        )
        figures = cache.get(key)
        if figures is None:
            figures = [
                replace(f, label=str(f.label), hint=str(f.hint))
                for f in self.figures_for(user, year=year)
            ]
            cache.set(key, figures, timeout=FIGURES_MAX_AGE)
        return figures

    def home_sections_for(self, user: User) -> list[str]:
        return sections.page("home").templates_for(user)


registry = Registry()
