"""`manage.py backup DIR`: a consistent snapshot of the database and the media files with
a manifest (row counts, sha256), then rotation (BACKUP_KEEP_DAILY, BACKUP_KEEP_MONTHLY).
See apps/core/backup.py and the README's "Backup and restore"."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core import audit, backup


class Command(BaseCommand):
    help = "Back up the database and media files into a new snapshot under DIR, then rotate."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where snapshots are kept.")
        parser.add_argument("--no-rotate", action="store_true", help="Keep every snapshot.")

    def handle(self, *args, directory: str, no_rotate: bool = False, **options):
        root = Path(directory)
        try:
            snapshot = backup.create(root)
        except (backup.BackupError, OSError) as exc:
            audit.record("backup", target=str(root), result=audit.FAILURE, detail=str(exc))
            raise CommandError(str(exc)) from exc
        manifest = snapshot.manifest
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{snapshot.path}: {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files."
        )
        removed = []
        if not no_rotate:
            removed = backup.rotate(
                root,
                keep_daily=settings.BACKUP_KEEP_DAILY,
                keep_monthly=settings.BACKUP_KEEP_MONTHLY,
            )
            for path in removed:
                self.stdout.write(f"Removed old snapshot {path.name}.")
        audit.record(
            "backup",
            target=str(snapshot.path),
            detail={"tables": len(manifest["tables"]), "rows": rows, "removed": len(removed)},
        )
