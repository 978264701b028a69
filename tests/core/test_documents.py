"""apps.core.uploads: documents (PDF, DOCX) are recognised by their content."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from apps.core.uploads import (
    LEGACY_DOCUMENT_FORMATS,
    DocumentFileValidator,
    DocumentUploadField,
    check_document,
    document_format,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def docx_bytes(with_document=True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
        else:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def upload(data: bytes, name: str, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_a_real_pdf_is_accepted_and_named_by_its_content():
    checked = check_document(upload(PDF, "调研报告.PDF"))
    assert checked.document_format == "pdf"
    assert checked.name == "调研报告.pdf"
    assert checked.original_name == "调研报告.PDF"
    assert checked.content_type == "application/pdf"


def test_a_docx_is_accepted_even_under_another_extension():
    checked = check_document(upload(docx_bytes(), "报告.pdf"))
    assert checked.document_format == "docx"
    assert checked.name == "报告.docx"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"This is a plain text file, renamed.", "报告.pdf"),
        ("纯文本改了扩展名".encode(), "报告.docx"),
        (docx_bytes(with_document=False), "表格.docx"),  # an .xlsx is not a Word document
        (b"PK\x03\x04not really a zip", "坏.docx"),
        (b"%PD", "short.pdf"),
    ],
)
def test_renamed_or_broken_files_are_refused_in_chinese(data, name):
    with pytest.raises(ValidationError) as error:
        check_document(upload(data, name))
    assert error.value.code == "invalid_document"
    assert "不是 PDF 或 Word" in error.value.messages[0]
    assert name in error.value.messages[0]


def test_an_oversized_file_is_refused_before_reading(settings):
    settings.UPLOAD_DOCUMENT_MAX_MB = 1
    big = upload(PDF + b"0" * (1024 * 1024), "大报告.pdf")
    with pytest.raises(ValidationError) as error:
        check_document(big)
    assert error.value.code == "too_large"
    assert error.value.messages == ["“大报告.pdf”超过 1 MB，请压缩后再上传。"]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        check_document(upload(b"", "空.pdf"))
    assert error.value.messages == ["“空.pdf”是空文件。"]


def test_the_detection_leaves_the_file_at_its_start():
    file = upload(docx_bytes(), "a.docx")
    assert document_format(file) == "docx"
    assert file.read(2) == b"PK"


def test_the_form_field_cleans_to_the_checked_file_and_shows_the_limit(settings):
    settings.UPLOAD_DOCUMENT_MAX_MB = 20
    field = DocumentUploadField(required=False)
    assert "20 MB" in str(field.help_text)
    assert field.clean(upload(PDF, "a.pdf")).document_format == "pdf"
    assert field.clean(None) is None
    with pytest.raises(ValidationError):
        field.clean(upload(b"hello", "a.pdf"))


# --- legacy formats: .doc and .wps (OLE2 compound files) --------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def test_an_ole_file_is_recognised_by_its_header():
    assert document_format(upload(OLE, "述职.doc")) == "ole"
    assert document_format(upload(OLE[:7], "short.doc")) is None


def test_research_reports_still_refuse_legacy_word_files():
    with pytest.raises(ValidationError) as error:
        check_document(upload(OLE, "旧报告.doc"))
    assert error.value.messages == ["“旧报告.doc”不是 PDF 或 Word（.docx）文档。"]


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("述职报告.doc", "述职报告.doc"),
        ("述职报告.WPS", "述职报告.wps"),
        ("述职报告.pdf", "述职报告.doc"),  # an OLE file named .pdf: Word is the likelier
        ("述职报告", "述职报告.doc"),
    ],
)
def test_legacy_formats_keep_doc_or_wps_and_default_to_doc(name, stored):
    checked = check_document(upload(OLE, name), formats=LEGACY_DOCUMENT_FORMATS)
    assert checked.name == stored
    assert checked.document_format == stored.rsplit(".", 1)[1]
    assert checked.original_name == name


def test_legacy_formats_still_detect_pdf_and_docx_by_content():
    pdf = check_document(upload(PDF, "述职.doc"), formats=LEGACY_DOCUMENT_FORMATS)
    docx = check_document(upload(docx_bytes(), "述职.wps"), formats=LEGACY_DOCUMENT_FORMATS)
    assert (pdf.name, docx.name) == ("述职.pdf", "述职.docx")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"Plain text, renamed to look like Word.", "述职.doc"),
        (png_bytes(), "扫描件.pdf"),
        (png_bytes(), "扫描件.wps"),
        (b"\xd0\xcf\x11\xe0 truncated", "坏.doc"),
    ],
    ids=["text", "image-as-pdf", "image-as-wps", "truncated-ole"],
)
def test_legacy_formats_refuse_text_and_images_with_a_message_naming_them(data, name):
    with pytest.raises(ValidationError) as error:
        check_document(upload(data, name), formats=LEGACY_DOCUMENT_FORMATS)
    assert error.value.code == "invalid_document"
    assert error.value.messages == [f"“{name}”不是 PDF、Word（.doc、.docx）或 WPS（.wps）文档。"]


def test_the_legacy_field_says_what_it_takes(settings):
    settings.UPLOAD_DOCUMENT_MAX_MB = 15
    field = DocumentUploadField(required=False, formats=LEGACY_DOCUMENT_FORMATS)
    assert str(field.help_text) == "PDF、Word（.doc、.docx）或 WPS（.wps），不超过 15 MB。"
    accept = field.widget.attrs["accept"].split(",")
    assert {".pdf", ".docx", ".doc", ".wps", "application/msword"} <= set(accept)
    assert ".doc" not in DocumentUploadField().widget.attrs["accept"].split(",")
    assert field.clean(upload(OLE, "a.wps")).name == "a.wps"


def test_the_model_validator_checks_new_uploads_only(settings):
    from apps.performance.models import DutyReport

    validator = DocumentFileValidator(LEGACY_DOCUMENT_FORMATS)
    report = DutyReport()
    report.attachment = upload(b"just text", "a.doc")
    with pytest.raises(ValidationError):
        validator(report.attachment)
    report.attachment = upload(OLE, "a.doc")
    validator(report.attachment)
    # A stored file (committed) is not read again: an old row stays editable.
    report.attachment = "performance/duty_reports/2021/06/old.bin"
    validator(report.attachment)
