"""Bounds of the whole numbers people type (counts, sort orders, terms), so that SQLite
and PostgreSQL agree: SQLite stores 10^12 in a "small integer" column that PostgreSQL
refuses. Each such field carries `AtMost(limit)` (the form's message by the field) and
its model a `at_most_constraint(...)` (the database refuses a raw save on both engines).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


def is_number(raw: str) -> bool:
    """A whole number written in ASCII digits: what `int()` reads. (`str.isdigit` also
    accepts "²" or "١", which `int()` refuses or reads otherwise: a crafted ?id= would
    answer 500.) Every id or number read from a query string or a file is checked here."""
    return raw.isascii() and raw.isdigit()


# Counts of people or posts typed on a form (other attendees, authorized posts).
COUNT_MAX = 9999
# A list's position typed by staff.
SORT_ORDER_MAX = 9999
# The committee's term (届): the 11th now.
TERM_MAX = 99


@deconstructible(path="apps.core.numbers.AtMost")
class AtMost(MaxValueValidator):
    """MaxValueValidator with the project's Chinese message; deconstructs to its limit."""

    message = _("Enter a number no greater than %(limit_value)s.")

    def __init__(self, limit_value: int):
        super().__init__(limit_value)


class FieldBoundConstraint(models.CheckConstraint):
    """A CheckConstraint on one field whose bound that field's validator already checks
    (same bound or stricter): model validation (forms, admin, imports) skips it and runs
    no query per row; the database still enforces it on every write."""

    def validate(self, *args, **kwargs) -> None:
        return None


def at_most_constraint(model: str, field: str, limit: int) -> FieldBoundConstraint:
    """`field <= limit` in the database, named `<model>_<field>_max`."""
    return FieldBoundConstraint(
        condition=Q(**{f"{field}__lte": limit}),
        name=f"{model}_{field}_max",
    )
