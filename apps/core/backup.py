"""Backup and restore (数据备份与恢复): a snapshot directory holds the database (PostgreSQL:
`pg_dump -Fc`; SQLite: its online backup API), a copy of MEDIA_ROOT, and `manifest.json`
with every table's row count and every file's sha256. `manage.py backup DIR` writes one
and rotates old ones; `manage.py restore SNAPSHOT` checks the snapshot against its manifest,
restores into an empty database and media root, and checks the result against it again.

    DIR/xc-20261130T020000/
        manifest.json   {"tables": {"members_member": 256, …}, "files": {"members/…": sha256},
                         "database": {"file": "db.dump", "sha256": …}, …}
        db.dump         (or db.sqlite3)
        media/…
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
PREFIX = "xc-"
FORMAT = 1


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts(conn=None) -> dict[str, int]:
    """Every table of the database and its number of rows (one COUNT each)."""
    conn = conn or connection
    counts = {}
    with conn.cursor() as cursor:
        for name in sorted(conn.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def media_checksums(root: Path) -> dict[str, str]:
    """Relative POSIX path → sha256 of every file under `root`."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _pg_env_and_args() -> tuple[dict[str, str], list[str], str]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, args, str(db["NAME"])


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


@dataclass
class Snapshot:
    path: Path
    manifest: dict


def create(directory: Path) -> Snapshot:
    """A new snapshot under `directory` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    now = timezone.localtime()
    path = directory / f"{PREFIX}{now:%Y%m%dT%H%M%S}"
    suffix = 1
    while path.exists():
        suffix += 1
        path = directory / f"{PREFIX}{now:%Y%m%dT%H%M%S}-{suffix}"
    work = path.with_name(path.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    vendor = connection.vendor
    if vendor == "postgresql":
        db_file = work / "db.dump"
        tables = _dump_postgresql(db_file)
    elif vendor == "sqlite":
        db_file = work / "db.sqlite3"
        tables = _dump_sqlite(db_file)
    else:  # pragma: no cover - the project runs on these two
        raise BackupError(f"Backups of {vendor} are not supported.")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.copytree(media_root, work / "media", symlinks=False)
    else:
        (work / "media").mkdir()
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "engine": vendor,
        "database": {"file": db_file.name, "sha256": sha256(db_file)},
        "tables": tables,
        "files": media_checksums(work / "media"),
    }
    (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    work.rename(path)  # a snapshot is complete or absent
    return Snapshot(path, manifest)


def _dump_postgresql(target: Path) -> dict[str, int]:
    """pg_dump in custom format from an exported snapshot, and the row counts read in the
    same snapshot: the manifest describes exactly what the dump holds."""
    env, args, name = _pg_env_and_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
        _run(
            ["pg_dump", "-Fc", "--snapshot", snapshot_id, *args, "-f", str(target), name],
            env,
        )
        return table_counts()


def _dump_sqlite(target: Path) -> dict[str, int]:
    """SQLite's online backup API from the app's own connection: a consistent copy while
    the app keeps running."""
    connection.ensure_connection()
    destination = sqlite3.connect(str(target))
    try:
        connection.connection.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
        names = [
            row[0]
            for row in destination.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: destination.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for name in sorted(names)
        }
    finally:
        destination.close()


def rotate(directory: Path, *, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Keep the newest snapshot of each of the newest `keep_daily` days and of each of the
    newest `keep_monthly` months; delete the others. Returns the deleted ones."""
    snapshots = sorted(
        (p for p in directory.glob(f"{PREFIX}*") if p.is_dir() and (p / MANIFEST).exists()),
        key=lambda p: p.name,
        reverse=True,
    )
    keep: set[Path] = set(snapshots[:1])
    days: dict[str, Path] = {}
    months: dict[str, Path] = {}
    for snap in snapshots:  # newest first: the first of a day/month is its newest
        stamp = snap.name[len(PREFIX) :]
        days.setdefault(stamp[:8], snap)
        months.setdefault(stamp[:6], snap)
    keep.update(list(days.values())[:keep_daily])
    keep.update(list(months.values())[:keep_monthly])
    removed = [snap for snap in snapshots if snap not in keep]
    for snap in removed:
        shutil.rmtree(snap)
    return removed


def find(path: Path) -> Snapshot:
    """The snapshot at `path`, or the newest one in the directory `path`."""
    if not (path / MANIFEST).exists():
        candidates = sorted(
            (p for p in path.glob(f"{PREFIX}*") if (p / MANIFEST).exists()), key=lambda p: p.name
        )
        if not candidates:
            raise BackupError(f"No snapshot (with {MANIFEST}) at {path}.")
        path = candidates[-1]
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path / MANIFEST} cannot be read: {exc}") from exc
    return Snapshot(path, manifest)


def verify_snapshot(snapshot: Snapshot) -> list[str]:
    """Differences between the snapshot's files and its manifest (empty: intact)."""
    problems = []
    database = snapshot.manifest.get("database", {})
    db_file = snapshot.path / str(database.get("file", ""))
    if not db_file.is_file():
        problems.append(f"database file {db_file.name} is missing")
    elif sha256(db_file) != database.get("sha256"):
        problems.append(f"database file {db_file.name}: checksum differs")
    problems += compare_files(snapshot.manifest.get("files", {}), snapshot.path / "media")
    return problems


def compare_files(expected: dict[str, str], root: Path) -> list[str]:
    actual = media_checksums(root)
    problems = [
        f"file {name}: {'missing' if name not in actual else 'checksum differs'}"
        for name, digest in sorted(expected.items())
        if actual.get(name) != digest
    ]
    problems += [
        f"file {name}: not in the manifest" for name in sorted(set(actual) - set(expected))
    ]
    return problems


def compare_tables(expected: dict[str, int], actual: dict[str, int]) -> list[str]:
    return [
        f"table {name}: {actual.get(name, 'missing')} rows, manifest {count}"
        for name, count in sorted(expected.items())
        if actual.get(name) != count
    ]


def target_is_empty() -> tuple[bool, bool]:
    """(database has no table, media root has no file)."""
    with connection.cursor() as cursor:
        no_tables = not connection.introspection.table_names(cursor)
    media_root = Path(settings.MEDIA_ROOT)
    no_files = not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    return no_tables, no_files


def restore(snapshot: Snapshot, *, force: bool = False) -> None:
    """Into the configured database and MEDIA_ROOT; the caller verified the snapshot."""
    engine = snapshot.manifest.get("engine")
    if engine != connection.vendor:
        raise BackupError(f"The snapshot is of {engine}; the database is {connection.vendor}.")
    db_file = snapshot.path / snapshot.manifest["database"]["file"]
    if engine == "postgresql":
        env, args, name = _pg_env_and_args()
        connection.close()
        clean = ["--clean", "--if-exists"] if force else []
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *clean,
                *args,
                "-d",
                name,
                str(db_file),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(str(db_file))
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    media_root = Path(settings.MEDIA_ROOT)
    if force and media_root.exists():
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    shutil.copytree(snapshot.path / "media", media_root, dirs_exist_ok=True)


def verify_restored(snapshot: Snapshot) -> list[str]:
    """The restored database and media root against the manifest."""
    problems = compare_tables(snapshot.manifest.get("tables", {}), table_counts())
    problems += compare_files(snapshot.manifest.get("files", {}), Path(settings.MEDIA_ROOT))
    return problems
