"""apps.core.files.serve_protected: streams a file, or hands it to nginx."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404

from apps.core.files import serve_protected
from apps.members.models import Member

pytestmark = pytest.mark.django_db


def field_file(name: str | None) -> FieldFile:
    return FieldFile(Member(), Member._meta.get_field("photo"), name)


@pytest.fixture
def stored():
    name = default_storage.save("sessions/photos/2021/06/abc123.jpg", ContentFile(b"JPEGDATA"))
    return field_file(name)


def test_streams_the_file_privately(stored):
    response = serve_protected(stored)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"JPEGDATA"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in response
    assert not response["Content-Disposition"].startswith("attachment")


def test_as_attachment_with_a_chinese_file_name(stored):
    response = serve_protected(stored, as_attachment=True, filename="调研报告.jpg")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''%E8%B0%83" in disposition


def test_production_hands_the_file_to_nginx(stored, settings):
    settings.USE_X_ACCEL_REDIRECT = True
    response = serve_protected(stored, as_attachment=True)
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/sessions/photos/2021/06/abc123.jpg"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, max-age=3600"


def test_x_accel_path_is_url_quoted(settings):
    settings.USE_X_ACCEL_REDIRECT = True
    response = serve_protected(field_file("reports/年度 报告.pdf"))
    assert (
        response["X-Accel-Redirect"]
        == "/protected-media/reports/%E5%B9%B4%E5%BA%A6%20%E6%8A%A5%E5%91%8A.pdf"
    )


@pytest.mark.parametrize("name", [None, "", "../etc/passwd", "/etc/passwd", "a/../../b.jpg"])
def test_empty_or_escaping_names_are_not_found(name, settings):
    for accel in (False, True):
        settings.USE_X_ACCEL_REDIRECT = accel
        with pytest.raises(Http404):
            serve_protected(field_file(name))


def test_a_missing_file_is_not_found():
    with pytest.raises(Http404):
        serve_protected(field_file("sessions/photos/missing.jpg"))
