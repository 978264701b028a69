"""An issue of 《襄城政协·社情民意》 as a .docx, laid out like the printed bulletin: the
masthead, the issue line (year, number, editor, date), each item with its title, source
and the text as sent up, and the recipients at the foot. Fonts as every document of the
project (`apps.core.documents`)."""

from __future__ import annotations

from typing import IO

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from apps.core.documents import new_document, plain
from apps.core.spreadsheets import temp_file

from .models import OpinionIssue, OpinionItem

MASTHEAD = "襄城政协·社情民意"
EDITOR = "政协襄城县委员会办公室"


def issue_docx(issue: OpinionIssue, items: list[OpinionItem]) -> IO[bytes]:
    document = new_document()
    heading = document.add_heading(MASTHEAD, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line = document.add_paragraph(
        _("%(year)s, issue %(number)s") % {"year": issue.year, "number": issue.number}
    )
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"{EDITOR}　　{issue.compiled_on:%Y年%m月%d日}")
    if issue.editor_note:
        document.add_paragraph(plain(issue.editor_note))
    for item in items:
        document.add_heading(plain(item.sent_title), level=1)
        source = item.source_name
        if item.township_id and item.township:
            source = f"{source}（{item.township.name}）"
        document.add_paragraph(plain(_("Reported by: %(source)s") % {"source": source}))
        for paragraph in item.sent_text.split("\n"):
            if paragraph.strip():
                document.add_paragraph(plain(paragraph.strip()))
    if issue.recipients:
        document.add_paragraph("")
        document.add_paragraph(
            plain(_("Sent to: %(recipients)s") % {"recipients": issue.recipients})
        )
    file = temp_file(".docx")
    document.save(file)
    return file
