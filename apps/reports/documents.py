"""The annual work report as a .docx (python-docx) for the staff to edit: the chapters as
headings, each figure a line, each chart its table. The fonts are named for both Latin and
East Asian text (w:ascii/w:hAnsi and w:eastAsia), 宋体 for the body and 黑体 for the
headings, so Word and WPS open it without substituting fonts (`apps.core.documents`)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.documents import new_document
from apps.core.spreadsheets import exported_by, temp_file

if TYPE_CHECKING:
    from .chapters import FilledChapter


def title(year: int) -> str:
    return _("Work report material of %(year)s") % {"year": year}


def report_docx(request, *, year: int, chapters: list[FilledChapter]) -> IO[bytes]:
    document = new_document()
    document.add_heading(title(year), level=0)
    document.add_paragraph(
        _(
            "Made %(date)s by %(who)s from the records of the system; "
            "every figure is what its list shows."
        )
        % {"date": f"{timezone.localdate():%Y-%m-%d}", "who": exported_by(request)}
    )
    for number, chapter in enumerate(chapters, start=1):
        document.add_heading(f"{number}. {chapter.title}", level=1)
        for part in chapter.parts:
            document.add_heading(str(part.title), level=2)
            for figure in part.figures:
                line = f"{figure.label}：{figure.value}"
                if figure.hint:
                    line += f"（{figure.hint}）"
                document.add_paragraph(line, style="List Bullet")
            for label, _url in part.items:
                document.add_paragraph(label, style="List Number")
            for chart in part.charts:
                document.add_paragraph(str(chart.title)).runs[0].bold = True
                table = document.add_table(rows=1, cols=len(chart.columns))
                table.style = "Table Grid"
                for cell, column in zip(table.rows[0].cells, chart.columns, strict=True):
                    cell.text = str(column)
                for row in chart.rows:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row, strict=True):
                        cell.text = str(value)
    file = temp_file(".docx")
    document.save(file)
    return file
