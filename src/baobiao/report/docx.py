"""Word output through docxtpl, in official-document layout (GB/T 9704 style).

The template (templates/base/report.docx, made by scripts/make_docx_template.py) holds the
page, the styles and the document's order in Jinja paragraph tags; the tables, with their
merged header cells, are built here as sub-documents from the context's grids, because
docxtpl cannot merge a multi-level header from inside a loop.
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
from docxtpl import DocxTemplate
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
TABLE_SIZE = Pt(10.5)  # 五号
WIDE_TABLE_SIZE = Pt(9)  # 小五, for tables of more than six figure columns
TEXT_WIDTH_TWIPS = 8844  # A4 (11906) less margins of 28 mm and 26 mm, in twentieths of a point


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
    """Both w:gridCol and every w:tcW: LibreOffice reads one, Word the other."""
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(w))
    for row in table.rows:
        for idx, cell in enumerate(row.cells):
            if idx < len(widths):
                tcpr = cell._tc.get_or_add_tcPr()
                tcw = tcpr.find(qn("w:tcW"))
                if tcw is None:
                    tcw = OxmlElement("w:tcW")
                    tcpr.append(tcw)
                tcw.set(qn("w:w"), str(widths[idx]))
                tcw.set(qn("w:type"), "dxa")


def _column_widths(t: dict[str, Any]) -> list[int]:
    """Figure columns as narrow as their headings allow; the label columns share the rest, the
    innermost (which holds the longest labels) taking half of it."""
    width, labels = int(t["width"]), int(t["label_columns"])
    if labels == 0:
        return [TEXT_WIDTH_TWIPS // width] * width
    values = width - labels
    value_w = min(1800, max(820, int(TEXT_WIDTH_TWIPS * 0.5) // max(1, values)))
    rest = TEXT_WIDTH_TWIPS - value_w * values
    if labels == 1:
        return [rest] + [value_w] * values
    outer = rest // 2 // (labels - 1)
    return [outer] * (labels - 1) + [rest - outer * (labels - 1)] + [value_w] * values


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


def _row_properties(table: Any, header_rows: int) -> None:
    """Rows never break across pages; header rows repeat on every page."""
    for r, tr in enumerate(table._tbl.tr_lst):
        tr_pr = tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if r < header_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))


def _table(subdoc: Any, t: dict[str, Any]) -> None:
    size = WIDE_TABLE_SIZE if int(t["width"]) - int(t["label_columns"]) > 6 else TABLE_SIZE
    if t["show_caption"]:
        caption = subdoc.add_paragraph()
        _compact(caption)
        caption.paragraph_format.space_before = Pt(12)
        caption.paragraph_format.space_after = Pt(6)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
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
            header_row = r < len(t["header"])
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
    _widths(table, _column_widths(t))
    _row_properties(table, len(t["header"]))
    for note in t["notes"]:
        p = subdoc.add_paragraph()
        _compact(p)
        r = p.add_run(str(note))
        r.font.size = size
        set_fonts(r._r, BODY_FONT)


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

    def with_subdocs(tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for t in tables:
            subdoc = tpl.new_subdoc()
            _table(subdoc, t)
            out.append({**t, "subdoc": subdoc})
        return out

    def sections(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**s, "tables": with_subdocs(s["tables"]), "subsections": sections(s["subsections"])} for s in items]

    ctx["sections"] = sections(context["sections"])
    ctx["appendix"] = with_subdocs(context["appendix"])
    tpl.render(ctx, jinja_env=env, autoescape=True)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()
