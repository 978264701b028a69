"""Small pieces every app's pages share: the signed-in user handed to a form, and the
year a page shows (`?year=`) with the years its picker offers. One copy here; the apps
import it rather than keep their own."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.core.numbers import is_number

from .registry import registry

if TYPE_CHECKING:
    from django.http import HttpRequest

# The first year of the system's records (the 11th term's first full year).
FIRST_YEAR = 2021
# What a `?year=` may name unless a page asks for the recorded years only.
PLAUSIBLE_YEARS = (2000, 2100)


class UserFormKwargsMixin:
    """Hands the signed-in user to the form (`user=` among its kwargs): the forms limit
    their choices to what that user may pick. Mixed into a generic form view."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class PageMixin:
    """Every paginated list's paginator: `?page=` past the end shows the last page, and
    anything unreadable (`abc`, `0`, `-1`, empty) the first, never a 404 (`page=last` is
    the last page, as in Django). Mixed in before the generic list view; the same two
    queries (count, rows) as Django's own."""

    page_kwarg: str
    kwargs: dict
    request: HttpRequest

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        raw = str(self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or "")
        page = paginator.page(page_number(raw, paginator.num_pages))
        return paginator, page, page.object_list, page.has_other_pages()


def page_number(raw: str, num_pages: int) -> int:
    """The page `raw` names, between 1 and `num_pages`: a number past the end (or "last")
    is the last page, anything else unreadable or below 1 the first."""
    if raw == "last":
        return num_pages
    number = int(raw) if is_number(raw) else 1
    return max(min(number, num_pages), 1)


def year_choices(*, next_year: bool = True) -> list[int]:
    """The years a year picker offers, newest first: next year (unless `next_year` is
    False), this year, and back to FIRST_YEAR."""
    current = timezone.localdate().year
    newest = current + 1 if next_year else current
    return list(range(newest, FIRST_YEAR - 1, -1))


def year_param(request: HttpRequest, *, recorded_only: bool = False) -> int | None:
    """`?year=` when it names a year the page accepts, else None. Accepted: 2000–2100
    (PLAUSIBLE_YEARS), or with `recorded_only` the years of the records, FIRST_YEAR to
    next year. Malformed input is ignored, never an error."""
    if recorded_only:
        first, last = FIRST_YEAR, timezone.localdate().year + 1
    else:
        first, last = PLAUSIBLE_YEARS
    raw = request.GET.get("year", "")
    if is_number(raw) and first <= int(raw) <= last:
        return int(raw)
    return None


def latest_year(today: datetime.date | None = None) -> int:
    """The latest year up to `today` that has records (sessions, research, meetings … as
    the apps register them: `registry.add_record_years`), else this year. The overview's
    "最新" and the default year of every page: one query per registered app."""
    today = today or timezone.localdate()
    years = [provider(today) for provider in registry.record_year_providers]
    return max((y for y in years if y), default=today.year)


def as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day a year's figures are counted against: today in the current year (and
    later ones), the year's last day for a past year. "Without contact for 90 days" and
    "idle for 60 days" of 2021 are counted at 2021-12-31, not today."""
    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31))


def selected_year(
    request: HttpRequest, default: int | None = None, *, recorded_only: bool = False
) -> int:
    """The year a page shows: `?year=` when `year_param` accepts it, else `default`
    (None: `latest_year()`, the year the overview's "最新" shows)."""
    year = year_param(request, recorded_only=recorded_only)
    if year is not None:
        return year
    return latest_year() if default is None else default
