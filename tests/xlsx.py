"""Reading the .xlsx downloads in tests (`apps.core.spreadsheets`)."""

from __future__ import annotations

import io

from openpyxl import load_workbook


def body(response) -> bytes:
    """A download's bytes (a FileResponse streams them)."""
    if not getattr(response, "streaming", False):
        return response.content
    if not hasattr(response, "read_body"):  # a stream reads once: keep it for the next look
        response.read_body = b"".join(response.streaming_content)
    return response.read_body


def workbook(response):
    return load_workbook(io.BytesIO(body(response)))


def table_sheet(response):
    """The first sheet as a plain table: the title row and the 序号 column taken away, so
    the header is row 1 and the values start in column A (cells keep their types)."""
    sheet = workbook(response).worksheets[0]
    sheet.delete_rows(1)
    if sheet.cell(row=1, column=1).value == "序号":
        sheet.delete_cols(1)
    return sheet
