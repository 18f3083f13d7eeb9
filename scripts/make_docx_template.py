"""Write templates/base/report.docx: the Word template of a report (docxtpl tags in paragraphs).

Run after changing the layout: `python scripts/make_docx_template.py`. The page and styles
follow GB/T 9704: A4; margins 37/35/28/26 mm; title 方正小标宋简体 二号; level-1 headings 黑体 三号;
level-2 headings 楷体_GB2312 三号; body 仿宋_GB2312 三号 with a two-character first-line indent;
page numbers at the foot. Fonts are written with their East Asian attributes. Charts
(``render --charts``, report/charts.py) follow the table they chart, each a picture centred in
a paragraph of its own (single line spacing: the body's exact 28 pt would crop it).

Pages break as an office wants them: the title, every heading and the paragraph just before a
table are kept with what follows (``w:keepNext``, on the style and on the paragraph itself, so
that it is there whatever the reader makes of styles), paragraphs keep two lines together at a
break (widow control), the signature stays with the date, and a draft's mark stands in the
page header, so that it is on every page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from baobiao.report.docx import BODY_FONT, HEADING1_FONT, HEADING2_FONT, TITLE_FONT, set_fonts

OUT = Path(__file__).resolve().parents[1] / "templates" / "base" / "report.docx"
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号


def _style(doc, name, font, size, bold=False, align=None, indent_chars=0, base="Normal", keep=False):  # type: ignore[no-untyped-def]
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
    if name != "Normal":
        style.base_style = styles[base]
    style.font.size = size
    style.font.bold = bold
    set_fonts(style.element, font)
    fmt = style.paragraph_format
    fmt.line_spacing = Pt(28)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if align is not None:
        fmt.alignment = align
    if indent_chars:
        fmt.first_line_indent = Pt(size.pt * indent_chars)
    fmt.widow_control = True
    if keep:
        fmt.keep_with_next = True
        fmt.keep_together = True
    return style


def _draft_header(section) -> None:  # type: ignore[no-untyped-def]
    """The draft mark in the page header: on every page of a draft, nothing otherwise."""
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("{% if draft %}{{ draft_mark }}{% endif %}")
    run.font.size = Pt(12)
    run.bold = True
    run.font.color.rgb = RGBColor(0xC0, 0, 0)
    set_fonts(run._r, HEADING1_FONT)


def _page_number(section) -> None:  # type: ignore[no-untyped-def]
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ").font.size = Pt(14)
    run = p.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    run.font.size = Pt(14)
    set_fonts(run._r, "宋体")
    p.add_run(" —").font.size = Pt(14)


def main() -> None:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number(section)
    _draft_header(section)

    _style(doc, "Normal", BODY_FONT, SIZE_3)
    title = _style(doc, "Report Title", TITLE_FONT, SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True)
    title.paragraph_format.line_spacing = Pt(35)
    _style(doc, "Report Body", BODY_FONT, SIZE_3, indent_chars=2)
    _style(doc, "Report Body Before Table", BODY_FONT, SIZE_3, indent_chars=2, base="Report Body", keep=True)
    _style(doc, "Report Heading 1", HEADING1_FONT, SIZE_3, indent_chars=2, keep=True)
    _style(doc, "Report Heading 2", HEADING2_FONT, SIZE_3, indent_chars=2, keep=True)
    _style(doc, "Report Signature", BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True)
    date = _style(doc, "Report Date", BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(SIZE_3.pt * 4)  # the date stands four characters in
    _style(doc, "Report Mark", HEADING1_FONT, SIZE_3, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    chart = _style(doc, "Report Chart", BODY_FONT, SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER)
    chart.paragraph_format.line_spacing = 1.0  # single: a picture sets the line's height
    chart.paragraph_format.space_before = Pt(6)
    chart.paragraph_format.space_after = Pt(12)

    doc.paragraphs[0]._p.getparent().remove(doc.paragraphs[0]._p) if doc.paragraphs else None

    def tag(text: str) -> None:
        doc.add_paragraph(text, style="Normal")

    def para(text: str, style: str, keep: bool = False) -> None:
        paragraph = doc.add_paragraph(text, style=style)
        if keep:  # on the paragraph too: a reader that ignores the style still keeps it
            paragraph.paragraph_format.keep_with_next = True

    def body(paragraphs: str, tables: str) -> None:
        """Paragraphs; the last one before a table kept with the table."""
        tag(f"{{%p for p in {paragraphs} %}}")
        tag(f"{{%p if loop.last and {tables} %}}")
        para("{{ p }}", "Report Body Before Table", keep=True)
        tag("{%p else %}")
        para("{{ p }}", "Report Body")
        tag("{%p endif %}")
        tag("{%p endfor %}")

    def charts(table: str) -> None:
        """The charts drawn of a table (``render --charts``), after it, a paragraph each."""
        tag(f"{{%p for c in {table}.charts %}}")
        para("{{ chart(c) }}", "Report Chart")
        tag("{%p endfor %}")

    tag("{%p if draft %}")
    mark = doc.add_paragraph("{{ draft_mark }}", style="Report Mark")
    mark.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
    tag("{%p endif %}")
    tag("{%p for line in title %}")
    para("{{ line }}", "Report Title", keep=True)
    tag("{%p endfor %}")
    para("", "Normal", keep=True)  # a blank line between title and body
    tag("{%p for p in preamble %}")
    para("{{ p }}", "Report Body")
    tag("{%p endfor %}")
    tag("{%p for s in sections %}")
    para("{{ s.title }}", "Report Heading 1", keep=True)
    body("s.paragraphs", "s.tables")
    tag("{%p for t in s.tables %}")
    tag("{{p t.subdoc }}")
    charts("t")
    tag("{%p endfor %}")
    tag("{%p for sub in s.subsections %}")
    para("{{ sub.title }}", "Report Heading 2", keep=True)
    body("sub.paragraphs", "sub.tables")
    tag("{%p for t in sub.tables %}")
    tag("{{p t.subdoc }}")
    charts("t")
    tag("{%p endfor %}")
    tag("{%p endfor %}")
    tag("{%p endfor %}")
    tag("{%p if attachment %}")
    para("附件：{{ attachment }}", "Report Body")
    tag("{%p endif %}")
    para("", "Normal", keep=True)
    para("{{ signature }}", "Report Signature", keep=True)
    para("{{ date }}", "Report Date")
    tag("{%p if appendix %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)  # the attachment starts a new page
    tag("{%p endif %}")
    tag("{%p for t in appendix %}")
    tag("{{p t.subdoc }}")
    charts("t")
    tag("{%p endfor %}")
    tag("{%p if draft %}")
    para("校验结果", "Report Heading 1", keep=True)
    tag("{%p for f in findings %}")
    para("{{ f.severity }}[{{ f.code }}] {{ f.message }}（{{ f.where }}）", "Report Body")
    tag("{%p endfor %}")
    tag("{%p endif %}")

    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(OUT))
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
