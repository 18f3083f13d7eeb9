"""Word output through docxtpl, in official-document layout (GB/T 9704 style).

The template (templates/base/report.docx, made by scripts/make_docx_template.py) holds the
page, the styles and the document's order in Jinja paragraph tags; the tables, with their
merged header cells, are built here as sub-documents from the context's grids, because
docxtpl cannot merge a multi-level header from inside a loop.

Pages as an office prints them: a table's caption is kept with the table (``w:keepNext``), a
row never breaks across pages (``w:cantSplit``), header rows repeat on each page
(``w:tblHeader``), a table of up to :data:`KEEP_TOGETHER_ROWS` rows stays on one page (every
row kept with the next), and the columns are as wide as their content needs
(``layout.column_widths``), written both in ``w:tblGrid`` and in every ``w:tcW``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from baobiao.report.layout import ColumnWidth, fit

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
TABLE_SIZE = Pt(10.5)  # 五号
WIDE_TABLE_SIZE = Pt(9)  # 小五, for tables of more than six figure columns
SMALLEST_SIZE = Pt(7.5)  # 六号: for a table whose columns do not fit otherwise
TEXT_WIDTH_TWIPS = 8844  # A4 (11906) less margins of 28 mm and 26 mm, in twentieths of a point
CELL_MARGIN_TWIPS = 57  # 1 mm each side of a cell's text
RULE_TWIPS = 10  # a cell's border, half a point
KEEP_TOGETHER_ROWS = 20  # a table of no more rows is kept on one page


def set_fonts(element: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Write w:rFonts (ascii, hAnsi, eastAsia) and w:lang eastAsia=zh-CN on a run or style."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        b.set(qn("w:val"), "single")
        b.set(qn("w:sz"), "4")
        b.set(qn("w:space"), "0")
        b.set(qn("w:color"), "000000")
        borders.append(b)
    tbl_pr.append(borders)


def _widths(table: Any, widths: list[int]) -> None:
    """Both w:gridCol and every w:tcW (LibreOffice reads one, Word the other), a fixed layout
    (Word would otherwise fit the columns to their text again) and the table's width."""
    tbl_pr = table._tbl.tblPr
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(sum(widths)))
    total.set(qn("w:type"), "dxa")
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    for old in (qn("w:tblW"), qn("w:tblLayout"), qn("w:tblCellMar")):
        for el in tbl_pr.findall(old):
            tbl_pr.remove(el)
    tbl_pr.append(total)  # w:tblPr's order: tblStyle, …, tblW, jc, …, tblBorders, …, tblLayout, tblCellMar
    tbl_pr.append(layout)
    tbl_pr.append(margins)
    _order(tbl_pr)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(w))
    for tr in table._tbl.tr_lst:
        c = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tcw = tc.get_or_add_tcPr().get_or_add_tcW()  # in the schema's place
            tcw.set(qn("w:w"), str(sum(widths[c : c + span])))
            tcw.set(qn("w:type"), "dxa")
            c += span


_TBL_PR_ORDER = [
    qn(f"w:{n}")
    for n in (
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
    )
]


def _order(tbl_pr: Any) -> None:
    """w:tblPr's children in the schema's order (Word refuses a file with them out of order)."""
    children = sorted(tbl_pr, key=lambda el: _TBL_PR_ORDER.index(el.tag) if el.tag in _TBL_PR_ORDER else 99)
    for el in children:
        tbl_pr.append(el)


def _size(t: dict[str, Any]) -> Any:
    """五号, or 小五 for a table of more than six figure columns; smaller still (down to 六号)
    when the columns' least widths do not fit the page at that size."""
    size = WIDE_TABLE_SIZE if int(t["width"]) - int(t["label_columns"]) > 6 else TABLE_SIZE
    least = sum(float(c["least"]) for c in t["columns"])
    padding = len(t["columns"]) * (2 * CELL_MARGIN_TWIPS + RULE_TWIPS) / 20
    while size.pt > SMALLEST_SIZE.pt and least * size.pt + padding > TEXT_WIDTH_TWIPS / 20:
        size = Pt(size.pt - 0.5)
    return size


def _column_widths(t: dict[str, Any], size: Any) -> list[int]:
    """Column widths in twips from the columns' least and most widths (em of the table's
    font, layout.column_widths), filling the text width as a browser fills a page."""
    columns = [ColumnWidth(float(c["least"]), float(c["most"])) for c in t["columns"]]
    cell = 2 * CELL_MARGIN_TWIPS + RULE_TWIPS
    room = (TEXT_WIDTH_TWIPS - cell * len(columns)) / (size.pt * 20)
    widths = [round(w * size.pt * 20) + cell for w in fit(columns, room)]
    if widths:
        widths[-1] += TEXT_WIDTH_TWIPS - sum(widths)
    return widths


def _compact(paragraph: Any) -> None:
    """Single spacing and no first-line indent: table text does not follow the body's 28 pt grid."""
    fmt = paragraph.paragraph_format
    fmt.line_spacing = 1.0
    fmt.first_line_indent = Pt(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _write(cell: Any, text: str, notes: list[str], bold: bool, align: Any, indent: int, size: Any) -> None:
    paragraph = cell.paragraphs[0]
    _compact(paragraph)
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.left_indent = Pt(size.pt * indent)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for i, piece in enumerate([text, *notes]):
        run = paragraph.add_run(piece if i == 0 else "\n" + piece)
        run.font.size = size
        run.bold = bold
        set_fonts(run._r, BODY_FONT)


def keep_with_next(paragraph: Any) -> None:
    """w:keepNext on a paragraph: no page break between it and what follows."""
    paragraph.paragraph_format.keep_with_next = True


def _row_properties(table: Any, header_rows: int, heading_rows: set[int]) -> None:
    """Rows never break across pages; header rows repeat on every page and, with a block's
    title and headings (``heading_rows``), stay with the row after them; a short table is
    kept on one page (each row with the next)."""
    rows = table._tbl.tr_lst
    whole = len(rows) <= KEEP_TOGETHER_ROWS
    for r, tr in enumerate(rows):
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if r < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))
        if r < len(rows) - 1 and (whole or r < header_rows or r in heading_rows):
            for tc in tr.tc_lst:
                for p in tc.p_lst:
                    keep_with_next(Paragraph(p, table))


def _table(subdoc: Any, t: dict[str, Any], spacer: bool = True) -> None:
    size = _size(t)
    if t["show_caption"]:
        caption = subdoc.add_paragraph()
        _compact(caption)
        caption.paragraph_format.space_before = Pt(12)
        caption.paragraph_format.space_after = Pt(6)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        keep_with_next(caption)  # a table is never parted from its caption
        run = caption.add_run(str(t["caption"]))
        run.bold = True
        set_fonts(run._r, HEADING1_FONT)
    rows = [*t["header"], *t["body"]]
    width = int(t["width"])
    table = subdoc.add_table(rows=len(rows), cols=width)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    # Write every cell through its w:tc first (table.cell() is slow on big tables), then
    # merge, last merge first, so that earlier positions are not disturbed.
    tcs = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
    taken: set[tuple[int, int]] = set()
    merges: list[tuple[int, int, int, int]] = []
    # a block's title and headings inside the body (table 二): every cell a heading
    heading_rows = {r for r, row in enumerate(rows) if r >= len(t["header"]) and all(c["header"] for c in row)}
    heading_rows = {r for r in heading_rows if len(rows[r]) > 1 or int(rows[r][0]["colspan"]) > int(t["label_columns"])}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell["rowspan"]), int(cell["colspan"])
            if rs > 1 or cs > 1:
                merges.append((r, c, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            header_row = r < len(t["header"]) or r in heading_rows
            align = (
                WD_ALIGN_PARAGRAPH.RIGHT
                if cell["numeric"]
                else WD_ALIGN_PARAGRAPH.CENTER
                if header_row
                else WD_ALIGN_PARAGRAPH.LEFT
            )
            target = _Cell(tcs[r][c], table)
            _write(target, str(cell["text"]), list(cell["notes"]), header_row, align, int(cell["indent"]), size)
            c += cs
    for r, c, rs, cs in reversed(merges):
        table.cell(r, c).merge(table.cell(r + rs - 1, c + cs - 1))
    _widths(table, _column_widths(t, size))
    _row_properties(table, len(t["header"]), heading_rows)
    for note in t["notes"]:
        p = subdoc.add_paragraph()
        _compact(p)
        r = p.add_run(str(note))
        r.font.size = size
        set_fonts(r._r, BODY_FONT)
    if spacer:  # a little room before the text that follows (none at the end: no blank page)
        gap = subdoc.add_paragraph()
        _compact(gap)
        gap.paragraph_format.line_spacing = Pt(8)  # exactly


def find_template(env: SandboxedEnvironment, name: str = "report.docx") -> Path:
    loader = env.loader
    assert isinstance(loader, FileSystemLoader)
    for folder in loader.searchpath:
        for candidate in (Path(folder) / name, Path(folder) / "base" / name):
            if candidate.is_file():
                return candidate
    from jinja2 import TemplateNotFound

    raise TemplateNotFound(name)


def render_docx(env: SandboxedEnvironment, context: dict[str, Any]) -> bytes:
    tpl = DocxTemplate(str(find_template(env)))
    ctx = dict(context)

    def with_subdocs(tables: list[dict[str, Any]], spacer: bool = True) -> list[dict[str, Any]]:
        out = []
        for t in tables:
            subdoc = tpl.new_subdoc()
            _table(subdoc, t, spacer)
            out.append({**t, "subdoc": subdoc})
        return out

    def sections(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**s, "tables": with_subdocs(s["tables"]), "subsections": sections(s["subsections"])} for s in items]

    ctx["sections"] = sections(context["sections"])
    ctx["appendix"] = with_subdocs(context["appendix"], spacer=False)
    tpl.render(ctx, jinja_env=env, autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()
