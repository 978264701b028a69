"""Helpers for `seed_xiangcheng`: each app has a `seed.py` with `seed(ctx)` and,
optionally, the demo-user steps run with `--demo-users`: `ensure_demo_users(ctx,
reset_passwords=...)` returning (users by username, credentials to print once) — accounts,
which owns the roles — then `link_demo_users(ctx, users)` in every app that has it.
Everything is get-or-create, so a second run adds nothing and never overwrites what staff
have edited since."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import models

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

_M = TypeVar("_M", bound=models.Model)


@dataclass
class SeedContext:
    stdout: Any
    style: Any
    # A fixed seed: the fictional county is the same on every machine.
    rng: random.Random = field(default_factory=lambda: random.Random(2021))
    created: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, created: bool | int) -> None:
        self.created[label] = self.created.get(label, 0) + int(created)

    def log(self, message: str) -> None:
        self.stdout.write(message)


def read_fixture(name: str) -> list[dict[str, Any]]:
    """Rows of `fixtures/<name>`: a Django-style list of {"model", "fields"} objects."""
    with open(FIXTURES_DIR / name, encoding="utf-8") as handle:
        return [row["fields"] for row in json.load(handle)]


def ensure_rows(
    ctx: SeedContext,
    model: type[_M],
    rows: list[dict[str, Any]],
    key: str | tuple[str, ...],
) -> dict[Any, _M]:
    """get_or_create each row by its key field(s); returns the objects by key."""
    keys = (key,) if isinstance(key, str) else key
    result = {}
    for row in rows:
        lookup = {k: row[k] for k in keys}
        defaults = {k: v for k, v in row.items() if k not in keys}
        obj, created = model._default_manager.get_or_create(**lookup, defaults=defaults)
        ctx.count(str(model._meta.verbose_name_plural), created)
        result[row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)] = obj
    return result
