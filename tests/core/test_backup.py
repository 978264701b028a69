"""Backup and restore (数据备份与恢复): a snapshot's manifest, rotation, and the restore's
refusals (a tampered file, a non-empty target). The full drill (seed → backup → restore
into a fresh database → every count and checksum equal) runs in CI on PostgreSQL
(.ci/run); here the snapshot is made of the test database (SQLite)."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from apps.core import backup
from apps.core.models import SecurityEvent
from tests.members.factories import MemberFactory

# SQLite's backup API waits for a writer's transaction to end: no test transaction here.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="pg_dump runs outside the test transaction: CI's drill covers PostgreSQL",
    ),
]


@pytest.fixture
def snapshot(tmp_path):
    MemberFactory.create_batch(3)
    default_storage.save("members/photos/a.jpg", ContentFile(b"JPEG-A"))
    default_storage.save("consultation/reports/b.pdf", ContentFile(b"%PDF-B"))
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    (path,) = (tmp_path / "backups").glob("xc-*")
    return path


def test_a_snapshot_holds_the_database_media_and_a_manifest(snapshot):
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite"
    assert manifest["tables"]["members_member"] == 3
    assert manifest["files"]["members/photos/a.jpg"] == backup.sha256(
        snapshot / "media/members/photos/a.jpg"
    )
    assert (snapshot / manifest["database"]["file"]).is_file()
    assert backup.verify_snapshot(backup.find(snapshot)) == []
    assert SecurityEvent.objects.filter(kind="backup").exists()


def test_a_restore_with_a_tampered_file_fails_the_manifest_check(snapshot):
    (snapshot / "media/members/photos/a.jpg").write_bytes(b"EVIL")
    with pytest.raises(CommandError, match="manifest check"):
        call_command("restore", str(snapshot))
    shutil.copy(snapshot / "manifest.json", snapshot / "manifest.bak")
    (snapshot / "media/members/photos/a.jpg").write_bytes(b"JPEG-A")
    (snapshot / "db.sqlite3").write_bytes(b"not a database")
    with pytest.raises(CommandError, match="database file"):
        call_command("restore", str(snapshot.parent))  # the newest snapshot of DIR


def test_a_restore_refuses_a_non_empty_target_without_force(snapshot):
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(snapshot))


def test_restored_data_are_compared_with_the_manifest():
    tables = {"a": 1, "b": 2}
    assert backup.compare_tables(tables, {"a": 1, "b": 2, "c": 5}) == []
    assert backup.compare_tables(tables, {"a": 1, "b": 3}) == ["table b: 3 rows, manifest 2"]


def make_snapshot(root: Path, stamp: str) -> Path:
    path = root / f"xc-{stamp}"
    path.mkdir(parents=True)
    (path / "manifest.json").write_text("{}")
    return path


def test_rotation_keeps_the_newest_of_each_recent_day_and_month(tmp_path):
    stamps = [
        "20260115T020000",
        "20260220T020000",
        "20260301T020000",
        "20260301T120000",
        "20260302T020000",
        "20260303T020000",
    ]
    for stamp in stamps:
        make_snapshot(tmp_path, stamp)
    removed = backup.rotate(tmp_path, keep_daily=2, keep_monthly=2)
    kept = sorted(p.name[3:] for p in tmp_path.glob("xc-*"))
    # Days: 03-03, 03-02; months: March (03-03), February (02-20).
    assert kept == ["20260220T020000", "20260302T020000", "20260303T020000"]
    assert len(removed) == 3
