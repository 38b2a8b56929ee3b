"""DOCX layout after GB/T 9704 (REFERENCE.md §4), shared by every generated document.

A4 with margins 37/35/28/26 mm; the title in 小标宋 at 二号 (22 pt), the body in 仿宋 at 三号
(16 pt) on 28 pt lines with a two-character first-line indent; headings "一、" in 黑体 and
"（一）" in 楷体; page numbers "— 5 —". Every run names its font for Latin and East-Asian text
(w:ascii and w:eastAsia), so Word uses these fonts where they are installed.

Runs are written by copying a prebuilt one with its fonts already named: building every run's
properties element by element cost python-docx ten times the SQL of a large report.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .validators import strip_control_characters

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
TABLE_SIZE = Pt(12)  # 小4号, so a table fits the 156 mm text block
LINE_SPACING = Pt(28)
HEADING_NUMBERS = "一二三四五六七八九十"
KAITI_FONT = "楷体_GB2312"


def chinese_date(day: dt.date) -> str:
    """2026年11月22日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def set_font(run_or_style: Any, name: str, size: Pt, *, bold: bool = False) -> None:
    """Name the font for Latin and East-Asian text (w:eastAsia), so Word really uses it."""
    font = run_or_style.font
    font.name, font.size, font.bold = name, size, bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


_RUNS: dict[tuple[str, int, bool], Any] = {}


def _run_template(name: str, size: Pt, bold: bool) -> Any:
    """A `w:r` with its fonts set by `set_font` and an empty `w:t`, built once per style."""
    key = (name, int(size), bold)
    if key not in _RUNS:
        r = OxmlElement("w:r")
        set_font(Run(r, None), name, size, bold=bold)  # type: ignore[arg-type]
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        r.append(t)
        _RUNS[key] = r
    return _RUNS[key]


def add_text(
    paragraph: Any, text: str, name: str = BODY_FONT, size: Pt = BODY_SIZE, *, bold: bool = False
) -> None:
    """A run of `text` in the font, the same XML as `paragraph.add_run(text)` + `set_font`.
    Control characters are left out: XML cannot hold them, and text stored before the forms
    refused them must not break the document."""
    text = strip_control_characters(text)
    r = copy.deepcopy(_run_template(name, size, bold))
    paragraph._p.append(r)
    if any(c in text for c in "\t\n\r"):
        r.remove(r[-1])
        Run(r, paragraph).text = text  # tabs and line breaks become <w:tab/> and <w:br/>
    else:
        r[-1].text = text


def new_paragraph(document: Any) -> Paragraph:
    """A new last paragraph of the body, before its section properties."""
    body = document.element.body
    p = OxmlElement("w:p")
    last = body[-1] if len(body) else None
    if last is not None and last.tag == qn("w:sectPr"):
        last.addprevious(p)
    else:
        body.append(p)
    return Paragraph(p, document._body)


def new_document() -> Any:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    set_font(normal, BODY_FONT, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.first_line_indent = Pt(32)  # two characters of 16 pt
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, LINE_SPACING
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    page_number_footer(section)
    return document


def page_number_footer(section: Any) -> None:
    """'— 5 —' page numbers, 4号 (14 pt)."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    set_font(paragraph.add_run("— "), BODY_FONT, Pt(14))
    run = paragraph.add_run()
    set_font(run, BODY_FONT, Pt(14))
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    set_font(paragraph.add_run(" —"), BODY_FONT, Pt(14))


def title(document: Any, text: str) -> None:
    paragraph = new_paragraph(document)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(36)
    add_text(paragraph, text, TITLE_FONT, TITLE_SIZE)
    new_paragraph(document)  # a blank line under the title


def heading(document: Any, number: int, text: str) -> None:
    add_text(new_paragraph(document), f"{HEADING_NUMBERS[number - 1]}、{text}", HEADING_FONT, BODY_SIZE)


def body(document: Any, text: str) -> Any:
    paragraph = new_paragraph(document)
    add_text(paragraph, text)
    return paragraph


def signature(document: Any, org_name: str, day: dt.date) -> None:
    new_paragraph(document)
    for text in (org_name, chinese_date(day)):
        paragraph = body(document, text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)


def table(document: Any, header: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, values in enumerate([header, *rows]):
        cells = table.rows[0].cells if index == 0 else table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing = Pt(20)
            add_text(paragraph, str(value), BODY_FONT, TABLE_SIZE, bold=index == 0)


def save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def subheading(document: Any, number: int, text: str) -> None:
    """ "（一）text" in 楷体, indented like the body."""
    add_text(new_paragraph(document), f"（{HEADING_NUMBERS[number - 1]}）{text}", KAITI_FONT, BODY_SIZE)


def chinese_number(number: int) -> str:
    """1 → 一, 12 → 十二 (for numbered headings)."""
    if number <= 10:
        return HEADING_NUMBERS[number - 1]
    tens, ones = divmod(number, 10)
    return f"{HEADING_NUMBERS[tens - 1] if tens > 1 else ''}十{HEADING_NUMBERS[ones - 1] if ones else ''}"
