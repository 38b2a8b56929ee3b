"""HTML → PDF with WeasyPrint, on an A4 page laid out in the spirit of GB/T 9704 (党政机关公文格式).

    from gonghui.core import pdf
    content = pdf.html_to_pdf(html)                       # the base page and fonts
    content = pdf.html_to_pdf(html, css="td { font-size: 10.5pt; }")
    content = pdf.render_to_pdf("voting/pdf/result_sheet.html", {"sheet": sheet})
    return pdf.pdf_response(content, "选举结果报告单.pdf")

The page: A4, margins 37 mm top, 35 mm bottom, 28 mm left (订口), 26 mm right, so the text block is
156 × 225 mm; the title in a bold serif at 22 pt (二号, standing in for 方正小标宋), headings in
a bold sans (黑体), the body in a serif at 16 pt (三号, standing in for 仿宋_GB2312) with 28 pt lines
and a two-character first-line indent; page numbers "— 1 —" in 14 pt at the foot, odd pages
right, even pages left.

Fonts: Noto Serif CJK SC and Noto Sans CJK SC (Debian's fonts-noto-cjk, found through fontconfig;
scripts/test-deps.sh installs it). @font-face rules bind those family names to the installed
faces by `local()` (regular and bold), so the document asks for exactly these faces; WeasyPrint embeds the subset of glyphs it uses, and a
reader without the fonts shows the same text. WeasyPrint itself needs pango (libpango-1.0-0,
libpangoft2-1.0-0), and is imported only when a PDF is made, so it costs nothing at start-up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string

PDF = "application/pdf"

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"

FONT_FACES = f"""
@font-face {{ font-family: "{SERIF}"; font-weight: 400; src: local("{SERIF}"), local("NotoSerifCJKsc-Regular"); }}
@font-face {{ font-family: "{SERIF}"; font-weight: 700; src: local("{SERIF} Bold"), local("NotoSerifCJKsc-Bold"); }}
@font-face {{ font-family: "{SANS}"; font-weight: 400; src: local("{SANS}"), local("NotoSansCJKsc-Regular"); }}
@font-face {{ font-family: "{SANS}"; font-weight: 700; src: local("{SANS} Bold"), local("NotoSansCJKsc-Bold"); }}
"""

# Then common Chinese fonts, should the Noto faces be missing.
SERIF_STACK = f'"{SERIF}", "Source Han Serif SC", "FangSong", "STFangsong", serif'
SANS_STACK = f'"{SANS}", "Source Han Sans SC", "SimHei", "STHeiti", sans-serif'

BASE_CSS = (
    FONT_FACES
    + f"""
@page {{
  size: A4;
  margin: 37mm 26mm 35mm 28mm;
}}
@page :right {{
  @bottom-right {{ content: "— " counter(page) " —"; font-family: {SERIF_STACK}; font-size: 14pt;
                   margin-right: 7mm; vertical-align: top; padding-top: 7mm; }}
}}
@page :left {{
  @bottom-left {{ content: "— " counter(page) " —"; font-family: {SERIF_STACK}; font-size: 14pt;
                  margin-left: 7mm; vertical-align: top; padding-top: 7mm; }}
}}
html {{ font-family: {SERIF_STACK}; font-size: 16pt; line-height: 28pt; color: #000; }}
body {{ margin: 0; }}
h1 {{ font-family: {SERIF_STACK}; font-weight: 700; font-size: 22pt; line-height: 36pt;
      text-align: center; margin: 0 0 28pt; }}
h2 {{ font-family: {SANS_STACK}; font-weight: 400; font-size: 16pt; line-height: 28pt;
      text-indent: 2em; margin: 0; }}
h3 {{ font-family: {SERIF_STACK}; font-weight: 700; font-size: 16pt; line-height: 28pt;
      text-indent: 2em; margin: 0; }}
p {{ text-indent: 2em; margin: 0; text-align: justify; }}
p.flush {{ text-indent: 0; }}
table {{ width: 100%; border-collapse: collapse; font-size: 12pt; line-height: 20pt; margin: 6pt 0 12pt; }}
th, td {{ border: 0.75pt solid #000; padding: 2pt 4pt; text-align: center; vertical-align: middle; }}
th {{ font-weight: 700; }}
thead {{ display: table-header-group; }}
tr {{ page-break-inside: avoid; }}
.signature {{ margin-top: 28pt; text-align: right; page-break-inside: avoid; }}
.signature p {{ text-indent: 0; text-align: right; }}
.pre {{ white-space: pre-wrap; }}
"""
)


def html_to_pdf(html: str, *, css: str = "", base_url: str | None = None) -> bytes:
    """The PDF of an HTML document, with BASE_CSS and then `css` applied (later rules win)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheets = [CSS(string=BASE_CSS, font_config=fonts)]
    if css:
        stylesheets.append(CSS(string=css, font_config=fonts))
    document = HTML(string=html, base_url=base_url)
    return bytes(document.write_pdf(stylesheets=stylesheets, font_config=fonts))


def render_to_pdf(template_name: str, context: dict[str, Any], *, css: str = "") -> bytes:
    """Render a Django template to HTML, then to PDF."""
    return html_to_pdf(render_to_string(template_name, context), css=css)


def pdf_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A download (or, with `inline`, a view in the browser) of a PDF, the name in UTF-8."""
    response = HttpResponse(content, content_type=PDF)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response
