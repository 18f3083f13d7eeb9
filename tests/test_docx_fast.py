"""The Word back-end's fast paths write what the plain ones wrote: tables built as XML against
the python-docx builder they replace (kept here as the reference: add_table, the cell setters,
Cell.merge, keep_with_next), the template parsed once and copied, its texts compiled once, the
tables placed after docxtpl's passes, the package deflated with kept members — every member of
the .docx byte for byte the same as a cold render through docxtpl's own path, for each form's
example, drafts and generated instances, and again in a warm process."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from hypothesis import HealthCheck, given, settings
from lxml import etree

import baobiao.report.backends as backends
import baobiao.report.docx as word
from baobiao.pipeline import check_data, load_spec
from baobiao.report.context import RenderInput, build_context
from baobiao.report.docx import (
    BODY_FONT,
    CELL_MARGIN_TWIPS,
    HEADING1_FONT,
    KEEP_TOGETHER_ROWS,
    _column_widths,
    _compact,
    _size,
    find_template,
    keep_with_next,
    render_docx,
    set_fonts,
)
from baobiao.report.env import environment, search_path
from baobiao.testing import valid_instances

# -- the reference: the builder and the render as they were, through python-docx's API --------------


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


def reference_table(subdoc: Any, t: dict[str, Any], spacer: bool = True) -> None:
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


def reference_render(context: dict[str, Any], dirs: list[Path]) -> bytes:
    """A cold render through docxtpl's own path: a fresh environment, the template opened from
    its file, each table a Subdoc built by the reference builder, docxtpl's save."""
    env = environment(dirs)
    tpl = DocxTemplate(str(find_template(env)))
    ctx = dict(context)
    chart = context.get("chart")
    if chart is not None and hasattr(chart, "for_word"):  # charts, as the back-end gives them
        ctx["chart"] = chart.for_word(tpl)

    def with_subdocs(tables: list[dict[str, Any]], spacer: bool = True) -> list[dict[str, Any]]:
        out = []
        for t in tables:
            subdoc = tpl.new_subdoc()
            reference_table(subdoc, t, spacer)
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


# -- the comparisons ------------------------------------------------------------------------------


def members(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def order(docx: bytes) -> list[tuple[str, int, int]]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return [(i.filename, i.compress_type, i.external_attr) for i in z.infolist()]


def contexts(name: str, data: Path) -> list[dict[str, Any]]:
    spec = load_spec(name)
    assert spec.form is not None
    result = check_data(spec.form, data, spec.report.sources)
    assert result.instance is not None
    out = []
    for draft in (False, True):
        context = build_context(RenderInput(spec.form, result.instance, draft=draft))
        context["findings"] = (
            [{"severity": "警告", "code": "C411", "message": "R&D <5%", "where": "x:1"}] if draft else []
        )
        out.append(context)
    return out


def assert_same(context: dict[str, Any], dirs: list[Path]) -> None:
    expected = reference_render(context, dirs)
    got = render_docx(backends.environment_for("docx", dirs), context)
    assert order(got) == order(expected)
    assert members(got) == members(expected)


CASES = [*EXAMPLES.items(), ("gov-disclosure-2021", ROOT / "examples" / "county-dept-2020.yaml")]


@pytest.mark.parametrize(("name", "data"), CASES, ids=[f"{n}-{p.stem}" for n, p in CASES])
def test_the_word_file_is_the_one_docxtpl_wrote(name: str, data: Path) -> None:
    form = load_spec(name).form
    assert form is not None
    for context in contexts(name, data):
        assert_same(context, search_path(form))


def test_a_cold_render_and_a_warm_one_are_the_same() -> None:
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    context = contexts("gov-disclosure-2021", EXAMPLES["gov-disclosure-2021"])[0]
    dirs = search_path(form)
    word._TEMPLATES.clear()  # nothing kept from other tests: parsed, compiled and deflated anew
    backends._environment.cache_clear()
    from baobiao.report import package

    package._kept.clear()
    cold = render_docx(backends.environment_for("docx", dirs), context)
    warm = [render_docx(backends.environment_for("docx", dirs), context) for _ in range(2)]
    assert word._TEMPLATES and package._kept  # kept for the next render
    assert all(members(w) == members(cold) and order(w) == order(cold) for w in warm)
    assert members(cold) == members(reference_render(context, dirs))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_generated_instances(name: str) -> None:
    form = load_spec(name).form
    assert form is not None
    dirs = search_path(form)

    @settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(valid_instances(form))
    def same(instance: Any) -> None:
        assert_same(build_context(RenderInput(form, instance)) | {"findings": []}, dirs)

    same()


def test_tables_on_a_document_as_word_templates_use_them() -> None:
    """report.authoring puts the builder's tables into a python-docx Document."""
    form = load_spec("gov-disclosure-2019").form
    assert form is not None
    context = contexts("gov-disclosure-2019", EXAMPLES["gov-disclosure-2019"])[0]
    tables = [t for s in context["sections"] for t in s["tables"]] + context["appendix"]
    assert tables
    for spacer in (True, False):
        built, expected = Document(), Document()
        for t in tables:
            word._table(built, t, spacer)
            reference_table(expected, t, spacer)
        assert etree.tostring(built.element.body) == etree.tostring(expected.element.body)


def test_text_with_tabs_line_breaks_and_spaces() -> None:
    """Run text as python-docx writes it: a tab as w:tab, a line break as w:br, spaces kept."""
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    context = contexts("gov-disclosure-2021", EXAMPLES["gov-disclosure-2021"])[0]
    t = context["appendix"][0] if context["appendix"] else context["sections"][1]["tables"][0]
    cell = t["body"][0][0]
    t = {**t, "caption": " 标题\t有 制表符 ", "show_caption": True, "notes": ["注：\n第二行", " 前后有空格 "]}
    t["body"] = [[{**cell, "text": "甲\t乙\r\n丙 ", "notes": ["一", " 二"]}, *t["body"][0][1:]], *t["body"][1:]]
    built, expected = Document(), Document()
    word._table(built, t)
    reference_table(expected, t)
    assert etree.tostring(built.element.body) == etree.tostring(expected.element.body)
