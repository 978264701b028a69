"""The one rule for the dates (and years) the domain stores: what a person can type and
the system keeps. Every date and datetime field of the domain models carries one of
these validators (`tests/core/test_dates.py` walks the models to make sure); forms and
the admin run model validation, so the message stands next to the field.

- Work dates (a meeting, a session, a pairing, a referral, a joining…) fall in the
  committee's era: from WORK_ERA_START (2000-01-01, before the first records of the
  system, which start in 2021) to 31 December of next year — a plan may be dated next
  year, nothing further.
- Dates of birth are a plausible past for a sitting member: from BIRTH_EARLIEST
  (1920-01-01: no living member is older) to today minus MIN_MEMBER_AGE (18) years.
- Years (a topic's, a point rule's, a duty report's) follow the work dates' years.

The upper bounds move with the calendar, so they are computed at validation time and
never frozen into migrations (the validators deconstruct without arguments). The
database keeps a fixed guard where a year is stored as a number (`YEAR_DB_RANGE`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .numbers import FieldBoundConstraint

WORK_ERA_START = datetime.date(2000, 1, 1)
BIRTH_EARLIEST = datetime.date(1920, 1, 1)
MIN_MEMBER_AGE = 18
# What a CheckConstraint on a stored year allows: the database's fixed guard, wider than
# the validators' moving bound (a constraint cannot read the clock).
YEAR_DB_RANGE = (2000, 2100)


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()
    return value


def _years_ago(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def work_date_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last work date accepted today: 2000-01-01 to 31 December of next year."""
    today = today or timezone.localdate()
    return WORK_ERA_START, datetime.date(today.year + 1, 12, 31)


def birth_date_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The earliest and latest date of birth accepted today: 1920-01-01 to 18 years ago."""
    today = today or timezone.localdate()
    return BIRTH_EARLIEST, _years_ago(today, MIN_MEMBER_AGE)


@deconstructible(path="apps.core.dates.WorkDateValidator")
class WorkDateValidator:
    """A date or datetime (its local date) within the committee's era."""

    code = "work_date_range"

    def __call__(self, value: datetime.date | datetime.datetime | None) -> None:
        if value is None:
            return
        first, last = work_date_bounds()
        if not first <= _as_date(value) <= last:
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s."),
                code=self.code,
                params={"first": first.isoformat(), "last": last.isoformat()},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkDateValidator)

    def __hash__(self) -> int:
        return hash(self.code)


@deconstructible(path="apps.core.dates.BirthDateValidator")
class BirthDateValidator:
    """A date of birth in a plausible past: not in the future, an adult, not before 1920."""

    code = "birth_date_range"

    def __call__(self, value: datetime.date | None) -> None:
        if value is None:
            return
        value = _as_date(value)
        if value > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."), code=self.code)
        first, last = birth_date_bounds()
        if not first <= value <= last:
            raise ValidationError(
                _("Enter a date of birth between %(first)s and %(last)s."),
                code=self.code,
                params={"first": first.isoformat(), "last": last.isoformat()},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BirthDateValidator)

    def __hash__(self) -> int:
        return hash(self.code)


@deconstructible(path="apps.core.dates.WorkYearValidator")
class WorkYearValidator:
    """A year of the work dates' era: 2000 to next year."""

    code = "work_year_range"

    def __call__(self, value: int | None) -> None:
        if value is None:
            return
        first, last = (bound.year for bound in work_date_bounds())
        if not first <= value <= last:
            raise ValidationError(
                _("Enter a year between %(first)s and %(last)s."),
                code=self.code,
                params={"first": first, "last": last},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkYearValidator)

    def __hash__(self) -> int:
        return hash(self.code)


DATE_VALIDATORS = (WorkDateValidator, BirthDateValidator)


def year_range_constraint(model: str, field: str = "year") -> FieldBoundConstraint:
    """The database's fixed guard of a stored year (YEAR_DB_RANGE), `<model>_<field>_range`."""
    first, last = YEAR_DB_RANGE
    return FieldBoundConstraint(
        condition=Q(**{f"{field}__gte": first, f"{field}__lte": last}),
        name=f"{model}_{field}_range",
    )
