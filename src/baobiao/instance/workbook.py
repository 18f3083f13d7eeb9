"""Reading a fill-in workbook (see report.workbook): cells are found by their printed labels, not
by fixed positions, so a workbook a person has edited — columns moved, blank rows inserted,
sheets added or renamed — still reads. Diagnostics point at the sheet and cell (表三!D7).

A workbook is a zip: its size unpacked and its compression ratio are checked before it is
opened (zip bombs), and openpyxl parses its XML through defusedxml (no entity expansion)."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.load import CellValue, Instance, value_problem
from baobiao.instance.meta import resolve_meta
from baobiao.instance.values import Parsed, ValueKind, parse_value
from baobiao.labels import bare
from baobiao.model import AxisNode, Form, Table, all_entries, value_entries

MAX_UNPACKED = 64 * 1024 * 1024
MAX_RATIO = 200
META_LABELS = {"机关名称": "agency", "年度": "year", "表式": "form", "机关层级": "level"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(table: Table) -> str:
    """A table's sheet: its printed label, as Excel allows sheet names."""
    return _BAD_SHEET_CHARS.sub("", table.label or "统计表")[:31] or "统计表"


def _first_line(value: Any) -> str:
    return bare(str(value).split("\n")[0]) if isinstance(value, str) and value.strip() else ""


def _safe(path: Path) -> Diagnostic | None:
    if not zipfile.is_zipfile(path):
        return diag(
            "D320",
            None,
            path=str(path),
            problem="不是 Excel 工作簿（.xlsx）",
            problem_en="not an Excel workbook (.xlsx)",
        )
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        unpacked = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        return diag(
            "D320",
            None,
            path=str(path),
            problem="解压后过大（疑似压缩炸弹）",
            problem_en="too large unpacked (a zip bomb?)",
        )
    return None


class _Sheet:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.title = ws.title
        self.text: dict[tuple[int, int], str] = {}
        for row in ws.iter_rows():
            for cell in row:
                key = _first_line(cell.value)
                if key:
                    self.text[(cell.row, cell.column)] = key

    def find(self, label: str, below: int = 0) -> list[tuple[int, int]]:
        key = bare(label)
        return sorted(pos for pos, t in self.text.items() if t == key and pos[0] > below)


def _rows_in_order(sheet: _Sheet, nodes: list[AxisNode], start: int, exclude_cols: set[int]) -> dict[str, int]:
    """Sheet rows of labelled entries, matched in the printed order (so that repeated labels
    such as （三）其他情形数 go to the right parent); blank or extra rows are skipped."""
    found: dict[str, int] = {}
    pointer = 0
    for row in sorted({r for r, _ in sheet.text if r > start}):
        texts = [t for (r, c), t in sorted(sheet.text.items()) if r == row and c not in exclude_cols]
        for text in texts:  # a row may carry a group's label and its first entry's, left to right
            k = next((k for k in range(pointer, len(nodes)) if bare(nodes[k].label) == text), None)
            if k is not None:
                found[nodes[k].id] = row
                pointer = k + 1
    return found


def _columns_in_order(sheet: _Sheet, leaves: list[AxisNode], start: int) -> dict[str, tuple[int, int]]:
    """(row, column) of each value column's heading, matched left to right."""
    found: dict[str, tuple[int, int]] = {}
    last = 0
    for leaf in leaves:
        candidates = [(c, r) for r, c in sheet.find(leaf.label, start) if c > last]
        if candidates:
            c, r = min(candidates)
            found[leaf.id] = (r, c)
            last = c
    return found


def _number(value: Any) -> tuple[Parsed, str]:
    """A cell's value as read by openpyxl: numbers as they are, text as a person wrote it."""
    if value is None:
        return Parsed(ValueKind.MISSING), ""
    if isinstance(value, bool):
        return Parsed(ValueKind.NOT_A_NUMBER), str(value)
    if isinstance(value, int):
        return Parsed(ValueKind.NUMBER, Decimal(value)), str(value)
    if isinstance(value, float):
        try:
            return Parsed(ValueKind.NUMBER, Decimal(repr(value))), repr(value)
        except InvalidOperation:
            return Parsed(ValueKind.NOT_A_NUMBER), repr(value)
    text = str(value)
    return parse_value(text), text


def load_workbook_instance(
    form: Form, path: Path, strict_labels: bool = False
) -> tuple[Instance | None, list[Diagnostic]]:
    """Read a filled workbook by its printed labels (its labels are the form's own, matched
    exactly; ``strict_labels`` applies to the meta values, such as the agency level)."""
    problem = _safe(path)
    if problem is not None:
        return None, [problem]
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        return None, [diag("D320", None, path=str(path), problem=type(exc).__name__, problem_en=type(exc).__name__)]
    sheets = [_Sheet(ws) for ws in wb.worksheets]
    problems: list[Diagnostic] = []
    values: dict[str, CellValue] = {}
    meta = _meta(sheets)

    def take(cell_id: str, sheet: _Sheet, row: int, col: int) -> None:
        cell = sheet.ws.cell(row, col)
        parsed, text = _number(cell.value)
        where = f"{sheet.title}!{cell.coordinate}"
        problem = value_problem(form.item(cell_id), text, parsed, data_path=where)
        if problem is not None:
            problems.append(problem)
        number = parsed.number if parsed.kind is ValueKind.NUMBER else None
        values[cell_id] = CellValue(cell_id, number, text, where, None)

    for table in form.tables:
        sheet = _sheet_of(sheets, table)
        if sheet is None:
            problems.append(diag("D319", None, table=table.label, sheet=sheet_name(table)))
            continue
        if not table.columns:  # label | unit | value
            heads = sheet.find("统计数")
            if not heads:
                problems.append(diag("D319", None, table=table.label, sheet=sheet.title))
                continue
            head_row, value_col = heads[0]
            rows = _rows_in_order(sheet, all_entries(table.rows or ()), head_row, {value_col})
            for node in all_entries(table.rows or ()):
                if not node.is_group and node.id in rows:
                    take(node.id, sheet, rows[node.id], value_col)
            continue
        leaves = value_entries(table.columns)
        columns = _columns_in_order(sheet, leaves, 0)
        if not columns:
            problems.append(diag("D319", None, table=table.label, sheet=sheet.title))
            continue
        header_bottom = max(r for r, _ in columns.values())
        if table.rows is None:
            data_row = next(
                (
                    r
                    for r in range(header_bottom + 1, sheet.ws.max_row + 1)
                    if any(sheet.ws.cell(r, c).value is not None for _, c in columns.values())
                ),
                header_bottom + 1,
            )
            for leaf in leaves:
                if leaf.id in columns:
                    take(table.cell_id(None, leaf.id), sheet, data_row, columns[leaf.id][1])
            continue
        value_cols = {c for _, c in columns.values()}
        rows = _rows_in_order(sheet, all_entries(table.rows), header_bottom, value_cols)
        for node in value_entries(table.rows):
            for leaf in leaves:
                if node.id in rows and leaf.id in columns:
                    take(table.cell_id(node.id, leaf.id), sheet, rows[node.id], columns[leaf.id][1])
    year = int(meta["year"]) if meta.get("year", "").isdigit() else None
    resolved, meta_problems = resolve_meta(form, meta, strict=strict_labels)
    problems.extend(meta_problems)
    return Instance(str(path), MappingProxyType(resolved), year, MappingProxyType(values)), problems


def _sheet_of(sheets: list[_Sheet], table: Table) -> _Sheet | None:
    wanted = sheet_name(table)
    for sheet in sheets:
        if sheet.title == wanted:
            return sheet
    key = bare(table.label)
    return next((s for s in sheets if any(t == key for (r, _), t in s.text.items() if r <= 3)), None)


def _meta(sheets: list[_Sheet]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for sheet in sheets:
        for (row, col), text in list(sheet.text.items()):
            for label, field in META_LABELS.items():
                if text == bare(label) and field not in meta:
                    value = sheet.ws.cell(row, col + 1).value
                    if value is not None and str(value).strip():
                        meta[field] = (
                            str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
                        )
    return meta
