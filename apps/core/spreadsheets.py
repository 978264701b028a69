"""Every .xlsx (and .docx) download goes through this module.

`xlsx_download(request, …)` writes a spreadsheet people can hand on: a title row naming
what was exported (the filter), the day and who exported it; a bold header row frozen
under it; 序号 (the row number, never a database id) in the first column; real date cells;
column widths fit to Chinese text (a CJK character counts as two); text that starts like
a formula stored as text. The rows stream through openpyxl's write-only mode into a temp
file that is returned as a FileResponse, so memory stays flat with the number of rows.

`download(request, file, …)` is the one exit for every generated file (.xlsx, .docx): the
place to record who downloaded what.
"""

from __future__ import annotations

import datetime
import io
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import IO, TYPE_CHECKING, Any

from django import forms
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.http import HttpRequest

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# Text starting like this is a formula (or a DDE payload) to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Widths are measured on the header and the first rows (the rest stream after them).
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# The sheet's first rows: the title, then the headers (frozen below them).
TITLE_ROWS = 1
HEADER_ROW = TITLE_ROWS + 1


def mark_as_text(cell, value: Any) -> None:
    """Set `cell` (a worksheet cell or a write-only cell) to `value`; text that starts
    like a formula is stored as a text cell with the quote prefix (the spreadsheet's own
    "this is text" mark), never as a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = True


def workbook_bytes(workbook) -> bytes:
    """A small workbook built in memory (the roster import's template) as bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_width(value: Any) -> int:
    """The width a value needs in a spreadsheet column: a wide (CJK) character counts as
    two, every other as one; the longest line of a multi-line text."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in str(value).split("\n")
        ),
        default=0,
    )


def _cell(sheet, value: Any, *, font=None):
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.replace(tzinfo=None)
    cell = WriteOnlyCell(sheet)
    mark_as_text(cell, value)
    if isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    if isinstance(value, str) and "\n" in value:
        from openpyxl.styles import Alignment

        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if font is not None:
        cell.font = font
    return cell


@dataclass(frozen=True)
class Sheet:
    """One worksheet of an export: `headers`, `rows` (an iterable of value sequences in
    the headers' order; dates as date/datetime, choices as their labels), its `name`,
    and `numbered` (a 序号 column in front)."""

    name: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    numbered: bool = True


def exported_by(request: HttpRequest) -> str:
    user = request.user
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or getattr(user, "username", "") or ""


def title_line(request: HttpRequest, title: str, filter_text: str = "") -> str:
    """The title row: what, which filter, when and by whom."""
    parts = [title]
    parts.append(
        _("Filter: %(filter)s") % {"filter": filter_text} if filter_text else _("Filter: none")
    )
    parts.append(
        _("Exported %(date)s by %(who)s")
        % {"date": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": exported_by(request)}
    )
    return " · ".join(parts)


def write_sheet(workbook, sheet: Sheet, *, title: str = "") -> int:
    """Append `sheet` to a write-only workbook: title row, frozen header, 序号, widths.
    Returns the number of rows written (below the header)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(sheet.name[:31])
    headers = [str(h) for h in sheet.headers]
    if sheet.numbered:
        headers = [_("No."), *headers]
    rows = iter(sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))

    def numbered(values: Iterable[Sequence[Any]], start: int = 1):
        for number, row in enumerate(values, start=start):
            yield [number, *row] if sheet.numbered else list(row)

    widths = [text_width(h) for h in headers]
    for row in numbered(sample):
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], text_width(value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    # Rows above and the header stay in view while the rows scroll.
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if title:
        ws.append([_cell(ws, title, font=Font(bold=True, size=12))])
    bold = Font(bold=True)
    ws.append([_cell(ws, h, font=bold) for h in headers])
    count = 0
    for row in numbered(chain(sample, rows)):
        ws.append([_cell(ws, value) for value in row])
        count += 1
    return count


def xlsx_download(
    request: HttpRequest,
    *sheets: Sheet,
    title: str,
    filename: str,
    filter_text: str = "",
    display_name: str = "",
    personal: bool = False,
) -> FileResponse:
    """The spreadsheet of `sheets` as a download saved as `filename` (ASCII) or
    `display_name` (may be Chinese); each sheet starts with the title row
    (`title_line`: what, which filter, when, by whom). `personal`: the file holds
    unmasked personal data, and its properties say so too (`stamp_export`)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    line = title_line(request, title, filter_text)
    rows = 0
    for sheet in sheets:
        rows += write_sheet(workbook, sheet, title=line)
    if personal:
        stamp_export(workbook, request.user)
    file = temp_file(".xlsx")
    workbook.save(file)
    return download(
        request,
        file,
        filename=filename,
        display_name=display_name,
        kind="xlsx",
        title=title,
        rows=rows,
        filter_text=filter_text,
    )


def stamp_export(workbook, user) -> None:
    """Mark a workbook (openpyxl) or a document (python-docx) that holds personal data
    with who exported it and when (个人信息保护): the file's author, description and
    keywords properties, which every office program shows under File → Properties."""
    when = timezone.localtime()
    who = getattr(user, "get_full_name", lambda: str(user))() or str(user)
    author = f"{who} ({user.get_username()})"
    description = (
        f"由 {who}（{user.get_username()}）于 {when:%Y-%m-%d %H:%M} 导出；"
        "含个人信息，仅限工作使用。"
    )
    if hasattr(workbook, "core_properties"):  # a python-docx Document
        core = workbook.core_properties
        core.author = core.last_modified_by = author
        core.created = core.modified = when.replace(tzinfo=None)
        core.comments = description
        core.keywords = "personal-data"
        return
    props = workbook.properties
    props.creator = props.lastModifiedBy = author
    props.created = props.modified = when.replace(tzinfo=None)
    props.description = description
    props.keywords = "personal-data"


def temp_file(suffix: str) -> IO[bytes]:
    """A temp file for a download: deleted when closed, and FileResponse closes it once
    sent (so no context manager here)."""
    return tempfile.TemporaryFile(suffix=suffix)


def download(
    request: HttpRequest,
    file: IO[bytes],
    *,
    filename: str,
    display_name: str = "",
    kind: str,
    title: str = "",
    rows: int | None = None,
    filter_text: str = "",
) -> FileResponse:
    """The one exit for every generated download (`kind` "xlsx" or "docx"): `file` (a
    temp file, read from its start) as an attachment named `display_name` (Chinese,
    through RFC 6266's filename*) with `filename` as the ASCII fallback. Every download
    is an "export" event of the security audit trail: which file, which filter, how many
    rows."""
    from . import audit

    audit.record(
        "export",
        request=request,
        target=display_name or filename,
        detail={
            "title": str(title),
            "filter": filter_text or request.GET.urlencode(),
            "rows": rows,
            "kind": kind,
        },
    )
    file.seek(0)
    content_type = {"xlsx": XLSX_CONTENT_TYPE, "docx": DOCX_CONTENT_TYPE}[kind]
    response = FileResponse(
        file, as_attachment=True, filename=display_name or filename, content_type=content_type
    )
    if display_name:
        # FileResponse writes filename*; keep the ASCII name for old clients as well.
        disposition = response["Content-Disposition"]
        response["Content-Disposition"] = disposition.replace(
            "attachment; ", f'attachment; filename="{filename}"; ', 1
        )
    return response


def filter_summary(form) -> str:
    """The filters of a bound filter form in words ("年份：2021；乡镇：城关镇"), for the
    title row: each filled field's label and shown value."""
    if form is None or not form.is_bound or not hasattr(form, "cleaned_data"):
        return ""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if value is False and isinstance(field.widget, forms.CheckboxInput):
            continue  # an unticked box filters nothing
        if isinstance(value, bool):
            shown: Any = _("Yes") if value else _("No")
        elif hasattr(value, "pk") or not hasattr(field, "choices"):
            shown = value  # a model choice reads as its name, without a query
        else:
            choices = {str(k): v for k, v in field.choices}
            shown = choices.get(str(value), value)
        parts.append(f"{field.label}：{shown}")
    return "；".join(parts)
