"""What every .xlsx download shares: the content type, the Content-Disposition with a
Chinese file name, and text cells a spreadsheet shows but never runs."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Text starting like this is a formula (or a DDE payload) to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def mark_as_text(cell, value: Any) -> None:
    """Set `cell` (a worksheet cell or a write-only cell) to `value`; text that starts
    like a formula is stored as a text cell with the quote prefix (the spreadsheet's own
    "this is text" mark), never as a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = True


def text_safe_cell(sheet, value: Any):
    """A cell for a write-only sheet's `append`, with `mark_as_text` applied."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    mark_as_text(cell, value)
    return cell


def text_safe_row(sheet, values) -> list:
    """A row for a write-only sheet's `append`: every value through `text_safe_cell`, so no
    column can carry a formula, whatever users typed into it."""
    return [text_safe_cell(sheet, value) for value in values]


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stamp_export(workbook, user) -> None:
    """Mark a workbook that holds personal data with who exported it and when (个人信息保护):
    the file's author, title and description properties, which every spreadsheet program
    shows under File → Properties."""
    from django.utils import timezone

    when = timezone.localtime()
    who = getattr(user, "get_full_name", lambda: str(user))() or str(user)
    props = workbook.properties
    props.creator = props.lastModifiedBy = f"{who} ({user.get_username()})"
    props.created = props.modified = when.replace(tzinfo=None)
    props.description = (
        f"由 {who}（{user.get_username()}）于 {when:%Y-%m-%d %H:%M} 导出；"
        "含个人信息，仅限工作使用。"
    )
    props.keywords = "personal-data"


def xlsx_response(
    content: bytes,
    *,
    filename: str,
    display_name: str = "",
    request=None,
    rows: int | None = None,
) -> HttpResponse:
    """An .xlsx download saved as `filename` (ASCII), or as `display_name` (which may be
    Chinese) by browsers that read RFC 6266's filename*. Every download is an "export"
    event of the security audit trail: which file, which filter (the query string), how
    many rows."""
    from . import audit

    record_request = request or audit.current_request()
    query = record_request.GET.urlencode() if record_request is not None else ""
    audit.record(
        "export",
        request=request,
        target=display_name or filename,
        detail={"filter": query, "rows": rows},
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    disposition = f'attachment; filename="{filename}"'
    if display_name:
        disposition += f"; filename*=UTF-8''{quote(display_name)}"
    response["Content-Disposition"] = disposition
    return response
