"""List (default) or delete uploaded files under MEDIA_ROOT that no row names.

    manage.py clean_orphan_media                 # dry run: lists the orphans, deletes nothing
    manage.py clean_orphan_media --delete        # deletes them
    manage.py clean_orphan_media --min-age-hours 72

Safe by construction: only the folders that the models' file fields upload into are
scanned (anything else under MEDIA_ROOT is never touched); the names that rows refer to
are read before the scan; a file younger than `--min-age-hours` (default 24) is skipped,
since it may belong to a save whose transaction has not committed yet. Names kept only by
audit history (the `Historical…` tables) do not count: those rows never serve a file.
"""

from __future__ import annotations

import datetime
from pathlib import PurePosixPath

from django.core.files.storage import Storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.core.media import referenced_names, referencing_fields


def upload_folders() -> dict[Storage, set[str]]:
    """The top-level folders each storage receives uploads in, found by asking every file
    field for a name (RandomFileName and `member_photo_path` ignore the instance). An
    upload_to that writes at the top level, or that cannot be asked, scans the whole
    storage ("")."""
    folders: dict[Storage, set[str]] = {}
    for model, field in referencing_fields():
        try:
            name = field.generate_filename(model(), "probe.bin")
        except Exception:  # an upload_to that needs a real instance
            name = ""
        parts = PurePosixPath(name).parts
        folders.setdefault(field.storage, set()).add(parts[0] if len(parts) > 1 else "")
    for storage, names in folders.items():
        if "" in names:
            folders[storage] = {""}
    return folders


def walk(storage: Storage, folder: str):
    """Every file name under `folder` (relative to the storage), depth first."""
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in sorted(files):
        yield str(PurePosixPath(folder, file)) if folder else file
    for sub in sorted(dirs):
        yield from walk(storage, str(PurePosixPath(folder, sub)) if folder else sub)


class Command(BaseCommand):
    help = (
        "List uploaded files under MEDIA_ROOT that no row refers to; delete them with "
        "--delete. Files younger than --min-age-hours are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete",
            action="store_true",
            help="Delete the orphan files (default: only list them).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list the orphan files (the default; for scripts that say so).",
        )
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=24,
            help="Skip files modified less than this many hours ago (default 24).",
        )

    def handle(self, *args, delete=False, dry_run=False, min_age_hours=24.0, **options):
        delete = delete and not dry_run
        # Read the references first: a file written after this is young and skipped.
        referenced = referenced_names()
        cutoff = timezone.now() - datetime.timedelta(hours=max(min_age_hours, 0))
        orphans = recent = kept = total_bytes = 0
        for storage, folders in upload_folders().items():
            for folder in sorted(folders):
                for name in walk(storage, folder):
                    if name in referenced:
                        kept += 1
                        continue
                    if storage.get_modified_time(name) > cutoff:
                        recent += 1
                        continue
                    size = storage.size(name)
                    orphans += 1
                    total_bytes += size
                    if delete:
                        storage.delete(name)
                        self.stdout.write(f"deleted {name} ({size} bytes)")
                    else:
                        self.stdout.write(f"orphan  {name} ({size} bytes)")
        action = "deleted" if delete else "found (dry run: nothing deleted; use --delete)"
        self.stdout.write(
            f"{orphans} orphan files {action}, {total_bytes / 1024 / 1024:.1f} MB; "
            f"{kept} files in use; {recent} younger than {min_age_hours:g} h skipped."
        )
