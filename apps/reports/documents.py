"""The annual work report as a .docx (python-docx) for the staff to edit: the chapters as
headings, each figure a line, each chart its table. The fonts are named for both Latin and
East Asian text (w:ascii/w:hAnsi and w:eastAsia), 宋体 for the body and 黑体 for the
headings, so Word and WPS open it without substituting fonts (`apps.core.documents`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Emu

from apps.core.documents import new_document, plain
from apps.core.spreadsheets import exported_by, stamp_export, temp_file
from apps.members.personal import export_value

if TYPE_CHECKING:
    from .chapters import FilledChapter
    from .member_file import MemberFile


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
            document.add_heading(plain(part.title), level=2)
            for figure in part.figures:
                line = f"{figure.label}：{figure.value}"
                if figure.hint:
                    line += f"（{figure.hint}）"
                document.add_paragraph(plain(line), style="List Bullet")
            for label, _url in part.items:
                document.add_paragraph(plain(label), style="List Number")
            for chart in part.charts:
                document.add_paragraph(plain(chart.title)).runs[0].bold = True
                table = document.add_table(rows=1, cols=len(chart.columns))
                table.style = "Table Grid"
                for cell, column in zip(table.rows[0].cells, chart.columns, strict=True):
                    cell.text = plain(column)
                for row in chart.rows:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row, strict=True):
                        cell.text = plain(value)
    file = temp_file(".docx")
    document.save(file)
    return file


def xml_text(value: Any) -> str:
    return escape(plain(value))


class FastWriter:
    """Paragraphs, headings and tables written as WordprocessingML text, parsed once per
    `flush` and put into the body before its section properties. python-docx's own
    `add_paragraph`/`add_table` look the style up by name (a scan of every style) and
    insert before the section properties (a scan of every block so far): quadratic in
    the length of the document — forty seconds for the whole roster's files."""

    def __init__(self, document):
        self.document = document
        self.ids = {
            name: document.styles[name].style_id
            for name in ("Title", "Heading 1", "Heading 2", "Table Grid")
        }
        self.width = document._block_width
        self.parts: list[str] = []

    def paragraph(self, text: str, style: str = "") -> None:
        properties = f'<w:pPr><w:pStyle w:val="{self.ids[style]}"/></w:pPr>' if style else ""
        run = f'<w:r><w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>' if text else ""
        self.parts.append(f"<w:p>{properties}{run}</w:p>")

    def page_break(self) -> None:
        self.parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')

    def table(self, columns: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
        """A "Table Grid" table: the header row in bold, then `rows`; the columns share
        the text width evenly (as python-docx's `add_table`)."""
        twips = Emu(self.width // len(columns)).twips
        cell = f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/></w:tcPr><w:p><w:r>'

        def row(values, bold: bool = False) -> str:
            weight = "<w:rPr><w:b/></w:rPr>" if bold else ""
            cells = "".join(
                f'{cell}{weight}<w:t xml:space="preserve">{xml_text(v)}</w:t></w:r></w:p></w:tc>'
                for v in values
            )
            return f"<w:tr>{cells}</w:tr>"

        grid = "".join(f'<w:gridCol w:w="{twips}"/>' for _column in columns)
        self.parts.append(
            f'<w:tbl><w:tblPr><w:tblStyle w:val="{self.ids["Table Grid"]}"/>'
            '<w:tblW w:type="auto" w:w="0"/>'
            '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0"'
            ' w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{row(columns, bold=True)}"
            + "".join(row(values) for values in rows)
            + "</w:tbl>"
        )

    def flush(self) -> None:
        """Parse what was written and put it into the body, before its section
        properties."""
        if not self.parts:
            return
        body = self.document.element.body
        written = parse_xml(f"<w:body {nsdecls('w')}>{''.join(self.parts)}</w:body>")
        self.parts = []
        end = body.sectPr
        for block in list(written):
            if end is not None:
                end.addprevious(block)
            else:
                body.append(block)


def file_title(member_file: MemberFile) -> str:
    return _("Member's file of %(name)s, term %(term)s") % {
        "name": member_file.member.name,
        "term": member_file.term,
    }


def member_files_docx(request, files: Sequence[MemberFile]) -> IO[bytes]:
    """The members' files as one .docx, each starting on a new page: the sections as
    headings, their facts as lines, their records as tables. Personal fields as the
    exporter may read them (`export_value`); the file is stamped with who made it."""
    document = new_document()
    write = FastWriter(document)
    user = request.user
    made = _("Made %(date)s by %(who)s from the records of the system.") % {
        "date": f"{timezone.localdate():%Y-%m-%d}",
        "who": exported_by(request),
    }
    for number, member_file in enumerate(files):
        if number:
            write.page_break()
        member = member_file.member
        write.flush()  # one parse per member: the text of one file at a time
        write.paragraph(file_title(member_file), "Title")
        years = member_file.years
        span = f"{years[0]}—{years[-1]}" if years else "—"
        write.paragraph(f"{span} · {made}")
        for section in member_file.sections:
            write.paragraph(str(section.title), "Heading 1")
            for fact in section.facts:
                value = export_value(member, fact.personal, user) if fact.personal else fact.value
                if hasattr(value, "isoformat"):
                    value = value.isoformat()
                write.paragraph(f"{fact.label}：{value if value != '' else '—'}")
            if section.lines:
                write.table(section.columns, (line.cells for line in section.lines))
            elif section.columns:
                write.paragraph(str(section.empty))
    write.flush()
    stamp_export(document, user)
    file = temp_file(".docx")
    document.save(file)
    return file
