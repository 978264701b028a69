"""The registry of the ledger's sources.

`services.ledger_derive` knows no source model: it asks every registered collector for
the year's *facts* — "member M earns rule R because of record X on date D" — and
reconciles the ledger with them. A source kind is one small function and one call:

    from apps.performance.sources import Fact, register_collector

    def collect_sessions(*, year: int, members: frozenset[int] | None) -> Iterable[Fact]:
        rows = Session.participants.through.objects.filter(
            session__start__year=year, session__state="published"
        ).values_list("session_id", "member_id", "session__start", "session__topic__title")
        for session_id, member_id, start, title in rows:        # one query
            yield Fact(member_id, "session_participation", Fact.type_id(Session),
                       session_id, start.date(), f"参加协商活动：{title}")

    register_collector(
        "session_participation",
        collect_sessions,
        watch={Session: lambda s: [s.start.year]},   # keeps the ledger current on save
    )

Register in an `AppConfig.ready()` (the source app's own, or this app's guarded by
`apps.is_installed(...)`). The contract of a collector:
- keyword-only `year` and `members` (a frozenset of member ids, or None for all);
  `members` is only a hint to narrow the query: facts of other members are dropped;
- a fixed number of queries whatever the number of rows (values_list, no per-row access);
- deterministic: the same records give the same facts (the description included), so
  deriving twice changes nothing;
- the rule code must exist as a `PointRule` of the year to earn points (rules are data);
- a ledger line links to its source's `get_absolute_url()` (sources are prefetched, one
  query per kind): it must not query; otherwise `register_source_link(model, fn)`.

`watch` maps a model to a function giving the year(s) an instance's facts fall in; saving
or deleting such an instance (and changing its many-to-many fields) re-derives those
years once the transaction commits. See `signals.py`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch

from apps.core.access import readable_ids


class Fact(NamedTuple):
    """One reason for points: member, rule code, source record, date, description."""

    member_id: int
    rule_code: str
    source_type_id: int
    source_id: int
    date: datetime.date
    description: str

    @property
    def key(self) -> tuple[int, str, int, int]:
        return (self.member_id, self.rule_code, self.source_type_id, self.source_id)

    @staticmethod
    def type_id(model: type[models.Model]) -> int:
        """The content type id of a source model (cached by Django after the first call)."""
        return ContentType.objects.get_for_model(model, for_concrete_model=True).pk


CollectFn = Callable[..., Iterable[Fact]]
# Takes an instance of the model it is watching: Any, as a mapping of models to functions
# cannot tie each function's parameter to its own key.
YearsFn = Callable[[Any], Iterable[int]]
LinkFn = Callable[[object], str | None]


@dataclass(frozen=True)
class Collector:
    kind: str
    collect: CollectFn
    watch: Mapping[type[models.Model], YearsFn] = field(default_factory=dict)


@dataclass
class SourceRegistry:
    collectors: dict[str, Collector] = field(default_factory=dict)
    # Source models whose ledger link is not their get_absolute_url().
    links: dict[type[models.Model], LinkFn] = field(default_factory=dict)

    def register(
        self,
        kind: str,
        collect: CollectFn,
        *,
        watch: Mapping[type[models.Model], YearsFn] | None = None,
    ) -> Collector:
        collector = Collector(kind, collect, dict(watch or {}))
        self.collectors[kind] = collector
        from .signals import watch_model

        for model, years in collector.watch.items():
            watch_model(model, years, uid=kind)
        return collector

    def unregister(self, kind: str) -> None:
        self.collectors.pop(kind, None)

    def link_for(self, entry) -> str | None:
        """The URL of an entry's source record, or None (an adjustment, a source that
        has no page yet, a deleted source)."""
        if entry.source_type_id is None:
            return None
        model = entry.source_type.model_class()
        try:
            if model in self.links:
                return self.links[model](entry)
            source = entry.source
            if source is None or not hasattr(source, "get_absolute_url"):
                return None
            return source.get_absolute_url()
        except NoReverseMatch:
            return None

    def attach_links(self, entries: Iterable, user) -> None:
        """Set `entry.link` on each ledger entry: its source's URL when `user` may read
        the source (the model's `for_user`; no link for a model without one), else None.
        One query per kind of source, none for staff and leaders."""
        entries = list(entries)
        by_model: dict[type[models.Model], list] = defaultdict(list)
        for entry in entries:
            entry.link = None
            if entry.source_type_id is not None and entry.source is not None:
                by_model[entry.source_type.model_class()].append(entry)
        for model, model_entries in by_model.items():
            scoped = model._default_manager.all()
            if not hasattr(scoped, "for_user"):
                continue
            readable = readable_ids(scoped.for_user(user), (e.source for e in model_entries))
            for entry in model_entries:
                if entry.source.pk in readable:
                    entry.link = self.link_for(entry)


sources = SourceRegistry()


def register_collector(
    kind: str,
    collect: CollectFn,
    *,
    watch: Mapping[type[models.Model], YearsFn] | None = None,
) -> Collector:
    """Add (or replace) the collector of a source kind. See the module docstring."""
    return sources.register(kind, collect, watch=watch)


def register_source_link(model: type[models.Model], link: LinkFn) -> None:
    """How a ledger line links to a source of `model` when its get_absolute_url() does
    not fit; `link(entry)` returns a URL or None and may raise NoReverseMatch."""
    sources.links[model] = link
