"""No file is left behind by a rolled-back save, and none is kept once nothing names it:
session photos and research report files (apps.core.media)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.consultation import services
from apps.consultation.models import Report, ReportVersion, Session, SessionPhoto
from apps.core.uploads import check_document
from tests.consultation.factories import (
    ReportFactory,
    SessionFactory,
    SessionPhotoFactory,
    jpeg_upload,
)
from tests.consultation.test_session_form import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def head(client_for, venue):
    return client_for("office_head_user")


@pytest.fixture
def fail_after_photos(monkeypatch):
    """An error later in the same transaction, after the photos were written."""
    save_photos = services._save_photos

    def save_then_fail(*args, **kwargs):
        save_photos(*args, **kwargs)
        assert media_files()  # the files are on disk at this point
        raise ValidationError("存储检查失败", code="late_failure")

    monkeypatch.setattr(services, "_save_photos", save_then_fail)


def test_a_session_whose_save_fails_after_its_photos_leaves_no_file(head, venue, fail_after_photos):
    data = form_data(venue, new_topic_title="新议题", photos=[jpeg_upload(), jpeg_upload("b.jpg")])
    response = head.post(reverse("consultation:create"), data)
    assert response.status_code == 200
    assert "存储检查失败" in response.content.decode()
    assert not Session.objects.exists() and not SessionPhoto.objects.exists()
    assert media_files() == []


def test_an_edit_that_fails_keeps_the_old_photos_and_drops_the_new(
    head, venue, fail_after_photos, django_capture_on_commit_callbacks
):
    session = SessionFactory(venue=venue)
    old = SessionPhotoFactory(session=session)
    before = media_files()
    data = form_data(
        venue, topic=session.topic, suggestions=(), photos=[jpeg_upload()], remove_photos=[old.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(reverse("consultation:update", args=[session.pk]), data)
    assert response.status_code == 200
    assert list(session.photos.all()) == [old]
    assert media_files() == before


def test_deleting_a_session_deletes_its_photo_files(django_capture_on_commit_callbacks):
    session, other = SessionFactory(), SessionFactory()
    SessionPhotoFactory(session=session)
    SessionPhotoFactory(session=session)
    kept = SessionPhotoFactory(session=other)
    assert len(media_files()) == 6  # image and thumbnail each
    with django_capture_on_commit_callbacks(execute=True):
        session.delete()
    assert media_files() == sorted([Path(kept.image.path), Path(kept.thumbnail.path)])


def document(name="报告.pdf", data=PDF) -> services.DocumentInput:
    checked = check_document(SimpleUploadedFile(name, data))
    return services.DocumentInput(file=checked, name=checked.original_name, size=checked.size)


def test_a_report_whose_version_fails_leaves_no_file(staff_user, monkeypatch):
    report = Report(project=ReportFactory().project, title="新报告", submitted_on="2021-06-01")
    before = media_files()

    def fail(**kwargs):
        raise ValidationError("版本保存失败")

    monkeypatch.setattr(ReportVersion.objects, "create", fail)
    with pytest.raises(ValidationError):
        services.report_save(report=report, user=staff_user, attachment=document())
    assert media_files() == before
    assert not Report.objects.filter(title="新报告").exists()


def test_a_replaced_report_file_stays_while_a_version_names_it(
    staff_user, django_capture_on_commit_callbacks
):
    report = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_save(report=report, user=staff_user, attachment=document("一稿.pdf"))
        first = report.attachment.name
        services.report_save(report=report, user=staff_user, attachment=document("二稿.pdf"))
        second = report.attachment.name
        services.report_save(report=report, user=staff_user, remove_attachment=True)
    # Versions 2 and 3 still name the two files: both are kept.
    assert {Path(p).name for p in (first, second)} <= {p.name for p in media_files()}
    # Deleting the report (with its versions) frees them.
    other = ReportFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_save(report=other, user=staff_user, attachment=document("他人.pdf"))
        Report.objects.get(pk=report.pk).delete()
    assert [p.name for p in media_files()] == [Path(other.attachment.name).name]
