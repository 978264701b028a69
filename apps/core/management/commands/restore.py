"""`manage.py restore SNAPSHOT`: check the snapshot against its manifest, restore it into
the (empty) database and media root, and check the result against the manifest again.
A non-empty target is refused without --force. Exits non-zero on any difference."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core import audit, backup, versions


class Command(BaseCommand):
    help = "Restore a snapshot made by `backup` into an empty database and media root."

    def add_arguments(self, parser):
        parser.add_argument("snapshot", help="A snapshot directory, or DIR for its newest.")
        parser.add_argument(
            "--force", action="store_true", help="Restore over a non-empty database or media."
        )

    def handle(self, *args, snapshot: str, force: bool = False, **options):
        try:
            found = backup.find(Path(snapshot))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        problems = backup.verify_snapshot(found)
        if problems:
            raise CommandError("The snapshot fails its manifest check:\n  " + "\n  ".join(problems))
        no_tables, no_files = backup.target_is_empty()
        if not force and not (no_tables and no_files):
            what = [
                w for w, empty in (("database", no_tables), ("media root", no_files)) if not empty
            ]
            raise CommandError(
                f"Not empty: the target {' and '.join(what)}. Restore into an empty one, "
                "or pass --force to restore over it."
            )
        try:
            backup.restore(found, force=force)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            # The dump was loaded outside Django's connections: every cached figure and
            # kept page is of the database before.
            versions.bump_data_version()
        problems = backup.verify_restored(found)
        if problems:
            raise CommandError(
                "The restored data differ from the manifest:\n  " + "\n  ".join(problems)
            )
        manifest = found.manifest
        audit.record(
            "restore",
            target=str(found.path),
            detail={"tables": len(manifest["tables"]), "files": len(manifest["files"])},
        )
        self.stdout.write(
            f"Restored {found.path.name}: {len(manifest['tables'])} tables and "
            f"{len(manifest['files'])} files match the manifest."
        )
