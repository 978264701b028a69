"""The shapes of a member's file (履职档案, `member_file`): the term's years, a section's
facts and lines, and what every section reads (`FileContext`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.core.mixins import FIRST_YEAR
from apps.members.models import Member

# A CPPCC term (届) lasts five years; the current term (settings.CURRENT_TERM) began in the
# first year of the system's records (apps.core.mixins.FIRST_YEAR: the 11th 襄城县政协's
# first plenary session, 2021). Earlier terms count back by five years.
TERM_YEARS = 5


def term_years(term: int, today: datetime.date | None = None) -> list[int]:
    """The years of `term` up to this year (an unfinished term ends today)."""
    today = today or timezone.localdate()
    first = FIRST_YEAR + TERM_YEARS * (term - settings.CURRENT_TERM)
    return [year for year in range(first, first + TERM_YEARS) if year <= today.year]


def short(text: str, length: int = 40) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else f"{text[:length]}…"


def ymd(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value:%Y-%m-%d}"


@dataclass(frozen=True)
class Fact:
    """A line of a section's head: "label: value", linked when `url`; `personal` names a
    personal field of the member (`value` is then empty: the page and the .docx show it
    as the reader may read it)."""

    label: Any
    value: Any = ""
    url: str = ""
    personal: str = ""


@dataclass(frozen=True)
class Line:
    """A row of a section's table; `url` is its record's page (None: the reader may not
    open it), linked on the cell `FileSection.link_column`."""

    cells: tuple[Any, ...]
    url: str | None = None


NONE_IN_TERM = gettext_lazy("None in this term.")


@dataclass
class FileSection:
    key: str
    title: Any
    facts: list[Fact] = field(default_factory=list)
    columns: tuple[Any, ...] = ()
    lines: list[Line] = field(default_factory=list)
    link_column: int = 1
    empty: Any = NONE_IN_TERM


@dataclass
class FileContext:
    """What every section reads: the reader, the term, its years and date range, and
    the reading rights for links (one query per kind of record, none for staff and
    leaders)."""

    user: Any
    term: int
    years: list[int]
    today: datetime.date

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.years[0], 1, 1)

    @property
    def last(self) -> datetime.date:
        return datetime.date(self.years[-1], 12, 31)

    def links(self, model: type[models.Model], pks: Iterable[int]) -> set[int]:
        """The pks among `pks` of `model` whose page `user` may open (its `for_user`)."""
        pks = set(pks)
        scoped: Any = model._default_manager.all()
        if not pks or not hasattr(scoped, "for_user"):
            return set()
        scoped = scoped.for_user(self.user)
        if not scoped.query.has_filters():
            return pks
        return set(scoped.filter(pk__in=pks).values_list("pk", flat=True))


SectionFn = Callable[[Sequence[Member], FileContext], Mapping[int, FileSection]]


def url_if(readable: set[int], pk: int, url: str) -> str | None:
    return url if pk in readable else None
