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

import copy
import functools
import io
import re
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import FileSystemLoader, Template
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from baobiao.report.charts import ChartFunction
from baobiao.report.layout import ColumnWidth, fit
from baobiao.report.package import docx_bytes

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


def keep_with_next(paragraph: Any) -> None:
    """w:keepNext on a paragraph: no page break between it and what follows."""
    paragraph.paragraph_format.keep_with_next = True


# -- tables -----------------------------------------------------------------------------------
#
# A table is built as XML directly (lxml): python-docx's cell and merge API walks the whole
# table for each cell, which made a report's three tables take half a second. The XML is the
# same, element for element and attribute for attribute, as python-docx wrote it (add_table,
# the setters of _write, Cell.merge, keep_with_next): tests/test_docx_fast.py holds that
# builder and compares both on every form's tables. Paragraph and run properties are made once
# through python-docx's own setters (so each attribute is where python-docx puts it) and copied.


@functools.cache
def _clark(tag: str) -> str:
    return str(qn(tag))


def _el(parent: Any, tag: str, **attrs: str) -> Any:
    """A new last child of ``parent``: ``tag`` and its attributes (w:… names), in the order given."""
    return etree.SubElement(parent, _clark(tag), {_clark(f"w:{k}"): v for k, v in attrs.items()})


@functools.cache
def _paragraph(kind: str, align: Any = None, indent_pt: float = 0.0, keep: bool = False) -> Any:
    """A ``w:p`` holding only its properties, to be copied: ``kind`` "cell" (a table cell's,
    aligned and indented), "caption", "note", "gap" (the room after a table) or "empty" (the
    paragraph of a cell merged into the one above)."""
    p = Paragraph(OxmlElement("w:p"), None)  # type: ignore[arg-type]  # no parent: no part needed
    if kind != "empty":
        _compact(p)
    if kind == "cell":
        p.alignment = align
        if indent_pt:
            p.paragraph_format.left_indent = Pt(indent_pt)
    elif kind == "caption":
        p.paragraph_format.space_before = Pt(12)
        p.paragraph_format.space_after = Pt(6)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif kind == "gap":
        p.paragraph_format.line_spacing = Pt(8)  # exactly
    if keep:
        keep_with_next(p)
    return p._p


@functools.cache
def _run(size_pt: float | None, bold: bool | None, font: str) -> Any:
    """A ``w:r`` holding only its properties, to be copied."""
    run = Paragraph(OxmlElement("w:p"), None).add_run()  # type: ignore[arg-type]
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.bold = bold
    set_fonts(run._r, font)
    return run._r


_CONTROLS = re.compile(r"(\t|\r|\n)")
_TR, _TR_PR, _CANT_SPLIT, _TBL_HEADER = (_clark(f"w:{n}") for n in ("tr", "trPr", "cantSplit", "tblHeader"))
_TC, _TC_PR, _TC_W, _GRID_SPAN = (_clark(f"w:{n}") for n in ("tc", "tcPr", "tcW", "gridSpan"))
_V_MERGE, _V_ALIGN, _T, _TAB, _BR = (_clark(f"w:{n}") for n in ("vMerge", "vAlign", "t", "tab", "br"))
_TYPE, _WIDTH, _VAL, _XML_SPACE = _clark("w:type"), _clark("w:w"), _clark("w:val"), _clark("xml:space")


def _text_paragraph(proto: Any, runs: Sequence[tuple[Any, str]]) -> Any:
    """A copy of ``proto`` with runs: copies of each run's properties with its text, written as
    python-docx's Run.text writes it (a tab as w:tab, a line break as w:br, spaces kept)."""
    p = proto.__copy__()  # lxml's copy is deep
    for run_proto, text in runs:
        r = run_proto.__copy__()
        for i, piece in enumerate(_CONTROLS.split(text)):
            if i % 2:
                etree.SubElement(r, _TAB if piece == "\t" else _BR)
            elif piece:
                t = etree.SubElement(r, _T)
                t.text = piece
                if len(piece.strip()) < len(piece):
                    t.set(_XML_SPACE, "preserve")
        p.append(r)
    return p


def _placed(
    rows: Sequence[Sequence[dict[str, Any]]],
) -> tuple[dict[tuple[int, int], dict[str, Any]], dict[tuple[int, int], int]]:
    """Where each cell of the grid goes: the cells by (row, column) of their top left corner, and
    the places under a cell spanning rows (row, its column) -> its colspan."""
    anchors: dict[tuple[int, int], dict[str, Any]] = {}
    below: dict[tuple[int, int], int] = {}
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell["rowspan"]), int(cell["colspan"])
            anchors[(r, c)] = cell
            for dr in range(rs):
                if dr:
                    below[(r + dr, c)] = cs
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
    return anchors, below


def _table_properties(tbl: Any, widths: list[int]) -> None:
    """Centred, bordered, a fixed layout (Word would otherwise fit the columns to their text
    again) and the columns' widths in w:gridCol; the cells carry them too (w:tcW: LibreOffice
    reads one, Word the other)."""
    tbl_pr = _el(tbl, "w:tblPr")
    _el(tbl_pr, "w:tblW", w=str(sum(widths)), type="dxa")
    _el(tbl_pr, "w:jc", val="center")
    borders = _el(tbl_pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _el(borders, f"w:{side}", val="single", sz="4", space="0", color="000000")
    _el(tbl_pr, "w:tblLayout", type="fixed")
    margins = _el(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        _el(margins, f"w:{side}", w=str(CELL_MARGIN_TWIPS), type="dxa")
    look = {"firstColumn": "1", "firstRow": "1", "lastColumn": "0", "lastRow": "0", "noHBand": "0", "noVBand": "1"}
    _el(tbl_pr, "w:tblLook", **look, val="04A0")
    grid = _el(tbl, "w:tblGrid")
    for w in widths:
        _el(grid, "w:gridCol", w=str(w))


def _table(document: Any, t: dict[str, Any], spacer: bool = True) -> None:
    """Append a table of the context to a python-docx Document's body (:func:`_table_elements`)."""
    body = document.element.body
    end = body.find(_clark("w:sectPr"))
    for element in _table_elements(t, spacer):
        if end is not None:
            end.addprevious(element)
        else:
            body.append(element)


def _table_elements(t: dict[str, Any], spacer: bool = True) -> list[Any]:
    """A table of the context (``t``: its grid, caption and notes) as Word elements: its
    caption (kept with it), the table, its notes and, with ``spacer``, a little room before the
    text that follows (none at the end: no blank page). Rows never break across pages; header
    rows repeat on every page and, with a block's title and headings inside the body (table
    二), stay with the row after them; a short table is kept on one page (each row with the
    next). Each element is the root of its own tree, to be moved once into the document (moved
    twice, through a body of their own, lxml took 20 ms to move a large table the second time)."""
    size = _size(t)
    elements: list[Any] = []
    if t["show_caption"]:
        caption = _text_paragraph(
            _paragraph("caption", keep=True), [(_run(None, True, HEADING1_FONT), str(t["caption"]))]
        )
        elements.append(caption)  # a table is never parted from its caption
    rows = [*t["header"], *t["body"]]
    width, header = int(t["width"]), len(t["header"])
    widths = _column_widths(t, size)
    # a block's title and headings inside the body (table 二): every cell a heading
    heading_rows = {r for r, row in enumerate(rows) if r >= header and all(c["header"] for c in row)}
    heading_rows = {r for r in heading_rows if len(rows[r]) > 1 or int(rows[r][0]["colspan"]) > int(t["label_columns"])}
    anchors, below = _placed(rows)
    whole = len(rows) <= KEEP_TOGETHER_ROWS
    tbl = OxmlElement("w:tbl")
    _table_properties(tbl, widths)
    sub = etree.SubElement
    for r in range(len(rows)):
        tr = sub(tbl, _TR)
        tr_pr = sub(tr, _TR_PR)
        sub(tr_pr, _CANT_SPLIT)
        if r < header:
            sub(tr_pr, _TBL_HEADER)
        keep = r < len(rows) - 1 and (whole or r < header or r in heading_rows)
        header_row = r < header or r in heading_rows
        c = 0
        while c < width:
            cell = anchors.get((r, c))
            span = int(cell["colspan"]) if cell is not None else below.get((r, c), 1)
            tc = sub(tr, _TC)
            tc_pr = sub(tc, _TC_PR)
            sub(tc_pr, _TC_W, {_TYPE: "dxa", _WIDTH: str(sum(widths[c : c + span]))})
            if span > 1:
                sub(tc_pr, _GRID_SPAN, {_VAL: str(span)})
            if cell is None:  # under a cell spanning rows (or a place no cell takes)
                if (r, c) in below:
                    sub(tc_pr, _V_MERGE)
                tc.append(_paragraph("empty", keep=keep).__copy__())
            else:
                if int(cell["rowspan"]) > 1:
                    sub(tc_pr, _V_MERGE, {_VAL: "restart"})
                sub(tc_pr, _V_ALIGN, {_VAL: "center"})
                align = (
                    WD_ALIGN_PARAGRAPH.RIGHT
                    if cell["numeric"]
                    else WD_ALIGN_PARAGRAPH.CENTER
                    if header_row
                    else WD_ALIGN_PARAGRAPH.LEFT
                )
                run = _run(size.pt, header_row, BODY_FONT)
                texts = [str(cell["text"]), *("\n" + str(note) for note in cell["notes"])]
                proto = _paragraph("cell", align, size.pt * int(cell["indent"]), keep)
                tc.append(_text_paragraph(proto, [(run, text) for text in texts]))
            c += span
    elements.append(tbl)
    for note in t["notes"]:
        elements.append(_text_paragraph(_paragraph("note"), [(_run(size.pt, None, BODY_FONT), str(note))]))
    if spacer:
        elements.append(_paragraph("gap").__copy__())
    return elements


class _Fragment:
    """Elements for the Word template to place (a table with its caption and notes), where it
    would place a docxtpl Subdoc. The template prints a marker paragraph; the elements take its
    place once docxtpl has rendered (:func:`_place`). Given to docxtpl as text (a Subdoc's XML),
    they went through its passes over the whole rendered XML — line breaks in text, tables'
    columns, a parse — which find nothing to change in them and took a third of its time; and
    a Subdoc opens python-docx's default document each time (a table needs no relationships)."""

    def __init__(self, elements: list[Any]) -> None:
        self.elements = elements
        self.key = f"baobiao-fragment-{id(self)}"

    def __html__(self) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="{self.key}"/></w:pPr></w:p>'

    __str__ = __html__


def _place(body: Any, fragments: Sequence[_Fragment]) -> None:
    """Each marker paragraph in ``body`` replaced by its fragment's elements (copies of them
    where a template prints a fragment twice)."""
    by_key = {f.key: f for f in fragments}
    placed: dict[str, list[Any]] = {}
    for style in list(body.iter(_clark("w:pStyle"))):
        key = style.get(_clark("w:val"))
        if key not in by_key:
            continue
        marker = style.getparent().getparent()
        if key in placed:
            elements = [copy.deepcopy(el) for el in placed[key]]
        else:
            elements = placed[key] = by_key[key].elements
        for element in elements:
            marker.addprevious(element)
        marker.getparent().remove(marker)


def find_template(env: SandboxedEnvironment, name: str = "report.docx") -> Path:
    loader = env.loader
    assert isinstance(loader, FileSystemLoader)
    for folder in loader.searchpath:
        for candidate in (Path(folder) / name, Path(folder) / "base" / name):
            if candidate.is_file():
                return candidate
    from jinja2 import TemplateNotFound

    raise TemplateNotFound(name)


def _template_document(path: Path) -> Any:
    """A copy of the Word template ``path`` as python-docx opens it: the file is parsed once per
    process for each content it has had, and each render gets a deep copy (half the time of a
    parse: its styles are 0.8 MB of XML), as docxtpl would open it anew."""
    data = path.read_bytes()
    with _TEMPLATES_LOCK:
        pristine = _TEMPLATES.get(data)
    if pristine is None:
        pristine = Document(io.BytesIO(data))
        with _TEMPLATES_LOCK:
            if len(_TEMPLATES) >= 8:  # templates of many folders in one process
                _TEMPLATES.clear()
            _TEMPLATES[data] = pristine
    return copy.deepcopy(pristine)


_TEMPLATES: dict[bytes, Any] = {}
_TEMPLATES_LOCK = threading.Lock()


class _Compiling:
    """The Jinja environment docxtpl is given: ``env``, each text compiled once (docxtpl compiles
    the document's XML, its header's, its footer's and its properties' on every render; the
    texts are those of the template file, patched, so that a changed file is compiled anew)."""

    autoescape = True  # docxtpl sets it; ``env`` has it already

    def __init__(self, env: SandboxedEnvironment) -> None:
        self._env = env
        self._compiled = _COMPILED.setdefault(env, {})

    def from_string(self, source: str) -> Template:
        template = self._compiled.get(source)
        if template is None:
            if len(self._compiled) >= 64:  # templates of many files in one environment
                self._compiled.clear()
            template = self._compiled[source] = self._env.from_string(source)
        return template


_COMPILED: weakref.WeakKeyDictionary[SandboxedEnvironment, dict[str, Template]] = weakref.WeakKeyDictionary()


def render_docx(env: SandboxedEnvironment, context: dict[str, Any]) -> bytes:
    """The Word report: the template found along ``env``'s search path, rendered by docxtpl with
    ``env`` (autoescaping switched on in it), its tables built here. An ``env`` used again
    (report.backends.environment_for) keeps the template's compiled texts."""
    path = find_template(env)
    tpl = DocxTemplate(str(path))
    tpl.docx = _template_document(path)
    env.autoescape = True
    ctx = dict(context)
    if isinstance(chart := context.get("chart"), ChartFunction):  # a chart: its PNG as a picture
        ctx["chart"] = chart.for_word(tpl)

    fragments: list[_Fragment] = []

    def with_subdocs(tables: list[dict[str, Any]], spacer: bool = True) -> list[dict[str, Any]]:
        out = []
        for t in tables:
            fragment = _Fragment(_table_elements(t, spacer))
            fragments.append(fragment)
            out.append({**t, "subdoc": fragment})
        return out

    def sections(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**s, "tables": with_subdocs(s["tables"]), "subsections": sections(s["subsections"])} for s in items]

    ctx["sections"] = sections(context["sections"])
    ctx["appendix"] = with_subdocs(context["appendix"], spacer=False)
    tpl.render(ctx, jinja_env=cast(Any, _Compiling(env)), autoescape=True)
    _place(tpl.docx.element.body, fragments)
    if tpl.pics_to_replace or tpl.crc_to_new_media or tpl.crc_to_new_embedded or tpl.zipname_to_replace:
        buffer = io.BytesIO()  # docxtpl replaces them as it saves
        tpl.save(buffer)
        return buffer.getvalue()
    return docx_bytes(tpl.docx)  # as tpl.save writes it, the template's styles deflated once
