"""To-dos (待办): what waits on a user, computed from the records (never a stored flag that
can drift) once per data version and cached per user (`TodoRegistry.for_user`). Each app
registers providers in its `AppConfig.ready()`:

    # apps/consultation/apps.py
    from apps.core.todos import todos
    todos.register(consultation_todos.for_staff)

A provider is `provider(user, today) -> Iterable[Todo]`. It returns nothing quickly for a
user it does not concern (decide by role first: no query), and otherwise reads the records
in a fixed number of queries. Each `Todo` links to the page where it is done, one tap away.
The home page lists them (`core/home_todos.html`, a home section) and the navigation counts
them lazily (`core:badge`, fetched by htmx after the page loads).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone, translation

from . import versions

# A list of records shows this many one by one, then a "N more" item to the full list.
MAX_ITEMS = 5


@dataclass(frozen=True)
class Todo:
    """One thing to do. `count` > 1 stands for several records behind one link; `urgent`
    marks overdue or returned work (shown first, in red)."""

    label: Any
    url: str
    due: datetime.date | None = None
    count: int = 1
    urgent: bool = False
    hint: Any = ""
    kind: str = ""


Provider = Callable[[Any, datetime.date], Iterable[Todo]]


def listed(
    items: Sequence[Todo], *, more_label: Any, more_url: str, total: int | None = None
) -> list[Todo]:
    """The first MAX_ITEMS of `items` one by one and the rest as one item to the list."""
    total = len(items) if total is None else total
    shown = list(items[:MAX_ITEMS])
    if total > len(shown):
        rest = total - len(shown)
        kind = shown[0].kind if shown else ""
        shown.append(Todo(more_label, more_url, count=rest, kind=kind))
    return shown


@dataclass
class TodoRegistry:
    providers: list[tuple[int, Provider]] = field(default_factory=list)

    def register(self, provider: Provider, *, order: int = 100) -> None:
        """Add a provider once (a second `ready()` adds nothing)."""
        if all(p is not provider for _, p in self.providers):
            self.providers.append((order, provider))
            self.providers.sort(key=lambda entry: entry[0])

    def for_user(self, user: Any, today: datetime.date | None = None) -> list[Todo]:
        """Every provider's items for `user`: urgent first, then by due date. Computed
        once per data version (`apps.core.versions`: every committed write of a record
        moves it, so a to-do done or added shows at once) and cached under the user, their
        permissions (the providers decide by role), the date (due soon, overdue, the
        coming week) and the language of the labels; the home page and the navigation's
        badge of a staff user otherwise count a dozen queries on every visit."""
        if not user.is_authenticated:
            return []
        today = today or timezone.localdate()
        parts = [
            str(user.pk),
            versions.permissions_key(user),
            today.isoformat(),
            translation.get_language() or "",
        ]
        return versions.cached("todos", parts, lambda: self.compute_for(user, today))

    def compute_for(self, user: Any, today: datetime.date) -> list[Todo]:
        """`for_user` afresh: every provider asked (labels made plain strings, so the
        list can be cached)."""
        items: list[Todo] = []
        for _order, provider in self.providers:
            items.extend(
                replace(item, label=str(item.label), hint=str(item.hint))
                for item in provider(user, today)
            )
        far = datetime.date.max
        # A stable sort: within the same urgency and date, the providers' order.
        return sorted(items, key=lambda t: (not t.urgent, t.due or far))

    def count_for(self, user: Any, today: datetime.date | None = None) -> int:
        return sum(item.count for item in self.for_user(user, today))


todos = TodoRegistry()
