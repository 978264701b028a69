"""Reminders: what `manage.py send_reminders` tells people each day (due and overdue
referrals, meetings tomorrow, duty reports due). Each app registers a source in its
`AppConfig.ready()`:

    from apps.core.reminders import reminders
    reminders.register(consultation_reminders.referrals_due)

A source is `source(today) -> Iterable[Reminder]`. `key` names the item and the day (or
the week, for a slower rhythm): a reminder whose key a recipient already has is not given
again, so running the command twice a day sends each reminder once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reminder:
    recipients: list[Any]
    kind: str
    title: Any
    key: str
    body: Any = ""
    url: str = ""
    target: Any = None


Source = Callable[[datetime.date], Iterable[Reminder]]


@dataclass
class ReminderRegistry:
    sources: list[Source] = field(default_factory=list)

    def register(self, source: Source) -> None:
        if all(s is not source for s in self.sources):
            self.sources.append(source)

    def due(self, today: datetime.date) -> list[Reminder]:
        return [reminder for source in self.sources for reminder in source(today)]


reminders = ReminderRegistry()
