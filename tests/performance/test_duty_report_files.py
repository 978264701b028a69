"""Duty report files: checked by content like research reports, plus legacy .doc and .wps;
downloaded as "<委员>-<年>年述职报告.<detected extension>"."""

import io
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.performance.models import DutyReport
from tests.members.factories import MemberFactory

from .factories import YEAR, DutyReportFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture
def standing(db):
    return MemberFactory(name="刘常委", is_standing=True, user=None)


@pytest.fixture
def other_standing(db):
    return MemberFactory(name="赵常委", is_standing=True, user=None)


def form_data(member, **extra) -> dict:
    return {
        "member": member.pk,
        "year": YEAR,
        "status": "submitted",
        "submitted_on": "2021-12-01",
        "text": "",
        **extra,
    }


def download_name(response) -> str:
    return response["Content-Disposition"]


@pytest.mark.parametrize(
    ("data", "uploaded", "extension"),
    [
        (PDF, "我的述职.pdf", "pdf"),
        (docx_bytes(), "我的述职.docx", "docx"),
        (OLE, "我的述职.doc", "doc"),
        (OLE, "我的述职.wps", "wps"),
        (OLE, "我的述职.DOC", "doc"),
        (PDF, "我的述职.doc", "pdf"),  # named by its content, not its extension
    ],
    ids=["pdf", "docx", "doc", "wps", "upper-doc", "pdf-named-doc"],
)
def test_a_real_document_is_stored_under_its_detected_extension_and_downloads(
    client_for, standing, data, uploaded, extension
):
    client = client_for("staff_user")
    upload = SimpleUploadedFile(uploaded, data, content_type="application/octet-stream")
    response = client.post(
        reverse("performance:dutyreport_create"), form_data(standing, attachment=upload)
    )
    assert response.status_code == 302
    report = DutyReport.objects.get(member=standing)
    assert report.attachment.name.startswith("performance/duty_reports/")
    assert report.attachment.name.endswith(f".{extension}")
    assert uploaded not in report.attachment.name  # the stored name is random
    download = client.get(reverse("performance:dutyreport_file", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    expected = quote(f"刘常委-{YEAR}年述职报告.{extension}")
    assert download["Content-Disposition"] == f"attachment; filename*=utf-8''{expected}"


@pytest.mark.parametrize(
    ("data", "uploaded"),
    [
        (b"This is a text file renamed to .pdf", "述职.pdf"),
        ("改了扩展名的文本".encode(), "述职.doc"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "扫描件.wps"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "照片.doc"),
    ],
    ids=["text-as-pdf", "text-as-doc", "png-as-wps", "jpeg-as-doc"],
)
def test_a_renamed_file_is_refused_next_to_the_field_and_the_form_is_kept(
    client_for, standing, data, uploaded
):
    client = client_for("staff_user")
    upload = SimpleUploadedFile(uploaded, data, content_type="application/pdf")
    response = client.post(
        reverse("performance:dutyreport_create"),
        form_data(standing, text="本年度参加常委会会议五次。", attachment=upload),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["attachment"] == [
        f"“{uploaded}”不是 PDF、Word（.doc、.docx）或 WPS（.wps）文档。"
    ]
    assert list(form.errors) == ["attachment"]
    html = response.content.decode()
    assert "不是 PDF、Word（.doc、.docx）或 WPS（.wps）文档" in html
    # What was typed is kept.
    assert "本年度参加常委会会议五次。" in html
    assert form["member"].value() == str(standing.pk)
    assert form["submitted_on"].value() == "2021-12-01"
    assert not DutyReport.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_an_oversized_file_is_refused_with_the_document_limit(client_for, standing, settings):
    settings.UPLOAD_DOCUMENT_MAX_MB = 1
    big = SimpleUploadedFile("述职.pdf", PDF + b"0" * (1024 * 1024))
    response = client_for("staff_user").post(
        reverse("performance:dutyreport_create"),
        form_data(standing, text="报告", attachment=big),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attachment"] == [
        "“述职.pdf”超过 1 MB，请压缩后再上传。"
    ]
    assert not DutyReport.objects.exists()


def test_the_form_says_which_files_it_takes(client_for, settings):
    settings.UPLOAD_DOCUMENT_MAX_MB = 20
    response = client_for("staff_user").get(reverse("performance:dutyreport_create"))
    html = response.content.decode()
    assert "PDF、Word（.doc、.docx）或 WPS（.wps），不超过 20 MB。" in html
    assert 'accept=".pdf,.docx,.doc,.wps,' in html


def test_editing_a_report_keeps_its_stored_file_without_reading_it(
    client_for, standing, other_standing
):
    # given: an old row whose file was stored as ".bin" before the content check existed
    report = DutyReportFactory(member=standing, attachment="performance/duty_reports/old.bin")
    other = DutyReportFactory(member=other_standing)
    # when: staff change only the text
    response = client_for("staff_user").post(
        reverse("performance:dutyreport_update", args=[report.pk]),
        form_data(standing, text="补充了正文"),
    )
    # then
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.text == "补充了正文"
    assert report.attachment.name == "performance/duty_reports/old.bin"
    other.refresh_from_db()
    assert other.text == "本年度履职情况报告"


# --------------------------------------------------------------------------- no orphan files


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def with_file(member, name="旧.pdf") -> DutyReport:
    return DutyReportFactory(member=member, attachment=SimpleUploadedFile(name, PDF))


def test_a_replaced_attachment_is_deleted_after_commit(
    client_for, standing, other_standing, django_capture_on_commit_callbacks
):
    report, other = with_file(standing), with_file(other_standing)
    old = Path(report.attachment.path)
    new = SimpleUploadedFile("新.docx", docx_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("staff_user").post(
            reverse("performance:dutyreport_update", args=[report.pk]),
            form_data(standing, attachment=new),
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert media_files() == sorted([Path(report.attachment.path), Path(other.attachment.path)])
    assert not old.exists()


def test_a_cleared_attachment_is_deleted_after_commit(
    client_for, standing, django_capture_on_commit_callbacks
):
    report = with_file(standing)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("staff_user").post(
            reverse("performance:dutyreport_update", args=[report.pk]),
            form_data(standing, text="改为正文", **{"attachment-clear": "on"}),
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert not report.attachment
    assert media_files() == []


def test_a_deleted_reports_file_is_deleted_after_commit(
    standing, other_standing, django_capture_on_commit_callbacks
):
    report, other = with_file(standing), with_file(other_standing)
    with django_capture_on_commit_callbacks(execute=True):
        report.delete()
    assert media_files() == [Path(other.attachment.path)]


def test_a_save_that_rolls_back_removes_the_new_file_and_keeps_the_old(
    client_for, standing, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.performance.views import duty_reports as views

    report = with_file(standing)
    before = media_files()

    def fail(self, cleaned_data):  # runs after the save, inside the same transaction
        raise RuntimeError("late failure")

    monkeypatch.setattr(views.DutyReportUpdateView, "get_success_message", fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        client_for("staff_user").post(
            reverse("performance:dutyreport_update", args=[report.pk]),
            form_data(standing, attachment=SimpleUploadedFile("新.doc", OLE)),
        )
    assert media_files() == before
    report.refresh_from_db()
    assert Path(report.attachment.path) == before[0]
