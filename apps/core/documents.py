"""Word documents (python-docx) every app writes the same way: the fonts named for both
Latin and East Asian text (w:ascii/w:hAnsi and w:eastAsia), 宋体 for the body and 黑体 for
the headings, so Word and WPS open them without substituting fonts. The file goes out
through `apps.core.spreadsheets.download` (kind "docx"), the one exit of every download."""

from __future__ import annotations

import re
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

# Characters XML 1.0 does not allow (a control character typed or pasted into a text):
# python-docx refuses them, and the download would answer 500.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def plain(value: Any) -> str:
    """A text as a document may hold it: the characters XML does not allow dropped."""
    return NOT_XML.sub("", str(value))


BODY_FONT = ("SimSun", "宋体")
HEADING_FONT = ("SimHei", "黑体")


def set_font(style, font: tuple[str, str], size: float | None = None) -> None:
    """Name the style's font for Latin (ascii, hAnsi) and Chinese (eastAsia) text."""
    latin, chinese = font
    style.font.name = latin
    if size:
        style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), chinese)
    # A theme font would override the names above in Word.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def new_document():
    """An empty document with the body and heading fonts named."""
    document = Document()
    set_font(document.styles["Normal"], BODY_FONT, 12)
    for name, size in (("Title", 20), ("Heading 1", 16), ("Heading 2", 14)):
        style = document.styles[name]
        set_font(style, HEADING_FONT, size)
        style.font.color.rgb = None
    return document
