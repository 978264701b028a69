"""Roster CSV files in every encoding a spreadsheet program writes (issue 10, item 2):
UTF-8 or GBK, with or without the UTF-8 mark (BOM); anything else is refused with a
message that names the encodings, never a server error."""

import codecs
import contextlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.members import roster_io
from tests.members.factories import SectorFactory
from tests.members.roster_files import GOOD_ROWS, HEADERS, csv_bytes

HEADER_LINE = ",".join(HEADERS) + "\n"
BOMS = {
    "none": b"",
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
}
ENCODINGS = ["utf-8", "gbk", "gb18030", "utf-16-le", "big5", "latin-1"]
gbk_text = st.text(st.characters(codec="gbk", exclude_categories=["Cs"]), max_size=40)


@given(
    text=gbk_text,
    bom=st.sampled_from(["none", "utf-8"]),
    encoding=st.sampled_from(["utf-8", "gbk", "gb18030"]),
)
def test_utf8_or_gbk_text_reads_back_whatever_the_mark(text, bom, encoding):
    """A roster file (it starts with the header row) in UTF-8 or GBK reads back as it
    was written, with the UTF-8 mark in front or not."""
    data = BOMS[bom] + (HEADER_LINE + text).encode(encoding)
    assert roster_io.decode_csv(data) == HEADER_LINE + text


@given(
    text=st.text(max_size=40),
    bom=st.sampled_from(sorted(BOMS)),
    encoding=st.sampled_from(ENCODINGS),
)
def test_any_mark_and_encoding_is_text_or_a_reason(text, bom, encoding):
    try:
        data = BOMS[bom] + (HEADER_LINE + text).encode(encoding)
    except UnicodeEncodeError:
        data = BOMS[bom] + (HEADER_LINE + text).encode(encoding, errors="replace")
    try:
        decoded = roster_io.decode_csv(data)
    except roster_io.ImportFileError as error:
        assert "UTF-8" in str(error) and "GBK" in str(error)
    else:
        assert isinstance(decoded, str)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.binary(max_size=200), bom=st.sampled_from(sorted(BOMS)))
def test_any_bytes_read_as_rows_or_refused_with_a_reason(data, bom):
    """The whole reading path (decoding, CSV, header) refuses with an ImportFileError,
    never another exception."""
    with contextlib.suppress(roster_io.ImportFileError):
        roster_io.read_roster_file("roster.csv", BOMS[bom] + data)


def test_a_mark_before_unreadable_text_names_the_mark_and_the_encodings():
    with pytest.raises(roster_io.ImportFileError) as refused:
        roster_io.decode_csv(codecs.BOM_UTF8 + b"\xff\xfe\xff")
    assert "BOM" in str(refused.value) and "GBK" in str(refused.value)


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_utf8_mark_before_gbk_text_is_previewed(client_for, encoding):
    """What some Excel/WPS versions write: answered 500 before."""
    for name in ["经济界", "民盟", "中共"]:
        SectorFactory(name=name)
    staff = client_for("staff_user")
    content = codecs.BOM_UTF8 + csv_bytes(GOOD_ROWS, encoding=encoding)
    response = staff.post(
        reverse("members:import"), {"file": SimpleUploadedFile("wps.csv", content)}
    )
    assert response.status_code == 302
    page = staff.get(reverse("members:import_preview"))
    names = [r.values["name"] for r in page.context["results"]]
    assert names == ["张三", "曾丽", "单建国"]


@pytest.mark.django_db
def test_a_mark_before_text_in_another_encoding_is_refused_with_a_reason(client_for):
    staff = client_for("staff_user")
    content = codecs.BOM_UTF8 + "届次,委员编号,姓名\n".encode("utf-16-le")
    response = staff.post(
        reverse("members:import"), {"file": SimpleUploadedFile("odd.csv", content)}
    )
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode() and "GBK" in response.content.decode()
