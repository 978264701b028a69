"""Where an uploaded roster waits between its preview and the confirmation.

A file of 10,000 rows is some megabytes of JSON: kept in the session it would be read
and written with every page the person opens meanwhile. So the rows and their preview
results wait in one JSON file per upload under MEDIA_ROOT/roster-imports/ (never served:
MEDIA_ROOT has no public URL), named by a random token that only the uploader's session
holds; the file also names its uploader. Written to a temporary name and renamed, so a
reader sees a whole file or none. `claim()` renames it away in one step, so of two
confirmations of the same preview (a double click, two tabs) only one goes on. Files of
previews never confirmed are deleted after MAX_AGE_SECONDS.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from .roster_io import RawRow, RowResult

FOLDER = "roster-imports"
MAX_AGE_SECONDS = 24 * 3600
TOKEN = re.compile(r"[0-9a-f]{32}")


@dataclass
class PendingImport:
    token: str
    user_id: int
    filename: str
    example_lines: list[int]
    results: list[RowResult]  # in the file's order
    formulas: dict[int, list[str]]  # line → fields whose cell is a formula

    @property
    def rows(self) -> list[RawRow]:
        return [
            RawRow(line=r.line, values=r.values, formulas=self.formulas.get(r.line, []))
            for r in self.results
        ]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        for result in self.results:
            counts[result.status] += 1
        return counts


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def _path(token: str) -> Path:
    if not TOKEN.fullmatch(token):
        raise ValueError("not an import token")
    return _folder() / f"{token}.json"


def save(
    *,
    user_id: int,
    filename: str,
    rows: list[RawRow],
    results: list[RowResult],
    example_lines: list[int],
) -> PendingImport:
    """Store a validated upload under a new token (and delete stale ones)."""
    pending = PendingImport(
        token=uuid.uuid4().hex,
        user_id=user_id,
        filename=filename[:100],
        example_lines=example_lines,
        results=results,
        formulas={r.line: r.formulas for r in rows if r.formulas},
    )
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _delete_stale(folder)
    document = {
        "user": user_id,
        "filename": pending.filename,
        "example_lines": example_lines,
        "results": [r.to_json() for r in results],
        "formulas": {str(line): names for line, names in pending.formulas.items()},
    }
    target = _path(pending.token)
    temporary = target.with_suffix(f".{uuid.uuid4().hex}.tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, target)
    return pending


def load(token: str | None, *, user_id: int) -> PendingImport | None:
    """The upload stored under `token` if it is still there and `user_id` uploaded it."""
    try:
        path = _path(token or "")
        document = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None
    return _from_document(token or "", document, user_id)


def _from_document(token: str, document: dict[str, Any], user_id: int) -> PendingImport | None:
    if document.get("user") != user_id:
        return None
    return PendingImport(
        token=token,
        user_id=user_id,
        filename=str(document["filename"]),
        example_lines=[int(n) for n in document["example_lines"]],
        results=[RowResult.from_json(r) for r in document["results"]],
        formulas={int(k): [str(n) for n in v] for k, v in document["formulas"].items()},
    )


def claim(token: str | None, *, user_id: int) -> PendingImport | None:
    """Take the upload for its confirmation: of two claims only one gets it. Call
    `delete_claimed` after saving, or `release` to put it back."""
    try:
        path = _path(token or "")
        claimed = path.with_suffix(".claimed")
        os.rename(path, claimed)  # atomic: a second claim finds nothing
    except (ValueError, OSError):
        return None
    try:
        document = json.loads(claimed.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None
    pending = _from_document(token or "", document, user_id)
    if pending is None:
        os.rename(claimed, path)  # someone else's: left as it was
    return pending


def release(pending: PendingImport) -> None:
    path = _path(pending.token)
    os.replace(path.with_suffix(".claimed"), path)


def delete_claimed(pending: PendingImport) -> None:
    _path(pending.token).with_suffix(".claimed").unlink(missing_ok=True)


def delete(token: str | None) -> None:
    with contextlib.suppress(ValueError):
        _path(token or "").unlink(missing_ok=True)


def _delete_stale(folder: Path) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
