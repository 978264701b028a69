"""manage.py clean_orphan_media: lists (default) or deletes files no row names, never a
referenced, recent or foreign one."""

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests.consultation.factories import ReportFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def write(name: str, age_seconds: float = 2 * DAY, data: bytes = b"DATA") -> str:
    name = default_storage.save(name, ContentFile(data))
    past = time.time() - age_seconds
    os.utime(default_storage.path(name), (past, past))
    return name


def run(*args) -> str:
    out = StringIO()
    call_command("clean_orphan_media", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def media(settings):
    """Two referenced files (a member photo, a report file shared by its version), two old
    orphans, a recent orphan, and a file outside the upload folders."""
    member = MemberFactory(photo=ContentFile(b"JPEG", name="p.jpg"))
    report = ReportFactory(attachment=ContentFile(b"%PDF-", name="r.pdf"))
    report.versions.update(attachment=report.attachment.name)
    for name in (member.photo.name, report.attachment.name):
        past = time.time() - 2 * DAY
        os.utime(default_storage.path(name), (past, past))
    return {
        "kept": [member.photo.name, report.attachment.name],
        "orphans": [
            write("sessions/photos/2021/06/orphan.jpg", data=b"x" * 10),
            write("performance/duty_reports/2021/06/orphan.doc"),
        ],
        "recent": write("reports/2026/11/uploading.pdf", age_seconds=60),
        "foreign": write("backup-notes.txt"),
    }


def test_the_default_is_a_dry_run_that_lists_and_keeps_everything(media):
    out = run()
    for name in media["orphans"]:
        assert f"orphan  {name} " in out
        assert default_storage.exists(name)
    assert "2 orphan files found (dry run: nothing deleted; use --delete)" in out
    assert "2 files in use; 1 younger than 24 h skipped." in out
    for name in [*media["kept"], media["recent"], media["foreign"]]:
        assert name not in out


def test_dry_run_wins_over_delete(media):
    run("--delete", "--dry-run")
    assert all(default_storage.exists(name) for name in media["orphans"])


def test_delete_removes_only_old_orphans_in_upload_folders(media):
    out = run("--delete")
    assert "2 orphan files deleted" in out
    assert not any(default_storage.exists(name) for name in media["orphans"])
    for name in [*media["kept"], media["recent"], media["foreign"]]:
        assert default_storage.exists(name), name
    assert run().startswith("0 orphan files")


def test_the_age_limit_is_an_option(media):
    out = run("--delete", "--min-age-hours", "0")
    assert "3 orphan files deleted" in out
    assert not default_storage.exists(media["recent"])
    assert default_storage.exists(media["foreign"])


def test_an_empty_media_root_is_fine(settings):
    assert not Path(settings.MEDIA_ROOT).exists()
    assert run().startswith("0 orphan files found")
