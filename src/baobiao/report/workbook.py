"""A fill-in Excel workbook from any form (`baobiao workbook`): one sheet per printed table,
laid out as printed (merged headers, labels, units), labels locked and only the input cells
open, each input cell validated (a non-negative whole number, or a decimal, or signed), and a
核对 sheet that shows each total beside the sum of its parts as the person types.

Every text written (labels, names, notes, rule descriptions) goes through
instance.workbook.text_cell: a string cell, never a formula, whatever it starts with (a label
"=HYPERLINK(…)" from a hostile spec stays text). The only formulas are the 核对 sheet's sums,
which baobiao builds from cell addresses itself."""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable, Mapping
from copy import copy
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from baobiao.instance.workbook import sheet_name, text_cell
from baobiao.model import Form, RuleKind, Table, ValueType
from baobiao.report.layout import grid
from baobiao.source import UNSAFE

META_SHEET = "填表说明"
CHECK_SHEET = "核对"
META_FIELDS = (("agency", "机关名称"), ("year", "年度"), ("form", "表式"), ("level", "机关层级"))
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT = PatternFill("solid", fgColor="FFF8DC")


@dataclass
class Written:
    data: bytes
    cells: dict[str, str]  # cell id -> "sheet!A1"


# the validation of an input cell, by the kind of number it takes
_VALIDATIONS: dict[str, dict[str, str]] = {
    "whole": {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0", "error": "请填写 0 或正整数"},
    "signed": {
        "type": "whole",
        "operator": "between",
        "formula1": "-999999999999",
        "formula2": "999999999999",
        "error": "请填写整数",
    },
    "decimal": {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0", "error": "请填写 0 或正数"},
}


def _number_kind(vt: ValueType | None) -> str:
    if vt is not None and vt.decimals:
        return "decimal"
    return "signed" if vt is not None and vt.signed else "whole"


class _Styles:
    """Each kind of cell styled once, its style copied to every other cell of that kind:
    openpyxl hashes every style object on each assignment, which took most of the time of a
    large form's workbook."""

    def __init__(self) -> None:
        self._made: dict[Hashable, Any] = {}

    def put(self, cell: Cell, kind: Hashable, style: Callable[[Cell], None]) -> None:
        made = self._made.get(kind)
        if made is None:
            style(cell)
            self._made[kind] = copy(cell._style)
        else:
            cell._style = copy(made)


def _style_text(header: bool, indent: int) -> Callable[[Cell], None]:
    def style(cell: Cell) -> None:
        cell.border = _BORDER
        cell.alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="center" if header else "left", indent=indent * 2
        )
        if header:
            cell.font = Font(bold=True)

    return style


def _style_input(decimals: int) -> Callable[[Cell], None]:
    def style(cell: Cell) -> None:
        cell.border = _BORDER
        cell.protection = Protection(locked=False)
        cell.fill = _INPUT
        cell.alignment = Alignment(horizontal="right")
        if decimals:
            cell.number_format = "0." + "0" * decimals

    return style


def _style_border(cell: Cell) -> None:
    cell.border = _BORDER


def _table_sheet(wb: Workbook, form: Form, table: Table, cells: dict[str, str]) -> None:
    ws: Worksheet = wb.create_sheet(sheet_name(table))
    g = grid(form, table, lambda _: "")
    text_cell(ws, 1, 1, table.label).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, g.width))
    rows = [*g.header, *g.body]
    taken: set[tuple[int, int]] = set()
    top = 3
    styles = _Styles()
    opened: dict[str, list[tuple[int, int]]] = {kind: [] for kind in _VALIDATIONS}
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rs, cs = cell.rowspan, cell.colspan
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
                    if dr or dc:  # the cells a merge covers keep their borders
                        styles.put(ws.cell(top + r + dr, 1 + c + dc), "border", _style_border)
            if rs > 1 or cs > 1:
                ws.merge_cells(start_row=top + r, start_column=1 + c, end_row=top + r + rs - 1, end_column=c + cs)
            if cell.cell_id is None:
                text = "\n".join([cell.text, *cell.notes]) if cell.text or cell.notes else None
                header = r < len(g.header)
                styles.put(ws.cell(top + r, 1 + c), ("text", header, cell.indent), _style_text(header, cell.indent))
                text_cell(ws, top + r, 1 + c, text)  # after the style: it may mark the text quoted
            else:
                vt = form.item(cell.cell_id).value_type
                decimals = vt.decimals if vt is not None else 0
                target = ws.cell(top + r, 1 + c)
                styles.put(target, ("input", decimals), _style_input(decimals))
                opened[_number_kind(vt)].append((1 + c, top + r))
                cells[cell.cell_id] = f"{ws.title}!{target.coordinate}"
            c += cs
    for kind, where in opened.items():
        if where:
            ws.add_data_validation(
                DataValidation(
                    **_VALIDATIONS[kind],
                    allow_blank=True,
                    errorTitle="数值有误",
                    showErrorMessage=True,
                    sqref=_column_runs(where),
                )
            )
    for col in range(1, g.width + 1):
        is_label = col <= g.label_columns
        ws.column_dimensions[get_column_letter(col)].width = (
            36 if is_label and g.label_columns == 1 else (18 if is_label else 12)
        )
    ws.protection.sheet = True  # labels locked; only the input cells are open


def _column_runs(cells: list[tuple[int, int]]) -> MultiCellRange:
    """The cells (column, row) as ranges of consecutive rows in one column, built at once:
    adding cells to a validation one by one is quadratic in openpyxl (each add scans every
    range already there), 190 s for a form of 20,000 indicators."""
    runs: list[list[int]] = []  # [column, first row, last row]
    for col, row in sorted(cells):
        if runs and runs[-1][0] == col and runs[-1][2] == row - 1:
            runs[-1][2] = row
        else:
            runs.append([col, row, row])
    return MultiCellRange([CellRange(min_col=c, min_row=a, max_col=c, max_row=b) for c, a, b in runs])


def _meta_sheet(wb: Workbook, form: Form, meta: Mapping[str, str]) -> None:
    ws: Worksheet = wb.active
    ws.title = META_SHEET
    text_cell(ws, 1, 1, f"{form.title}（{form.id}）").font = Font(bold=True, size=13)
    text_cell(ws, 2, 1, "在黄色格子里填写：数字只填数字，没有发生的填 0；空白不等于 0。各表的合计可在“核对”表中对照。")
    for k, (field, label) in enumerate(META_FIELDS, start=4):
        text_cell(ws, k, 1, label).font = Font(bold=True)
        value = text_cell(ws, k, 2, form.id if field == "form" else meta.get(field))
        if field != "form":
            value.protection = Protection(locked=False)
            value.fill = _INPUT
        text_cell(ws, k, 3, field)  # the key, for readers
        choices = _choices(form, field, label)
        if choices is not None:
            ws.add_data_validation(choices)
            choices.add(value.coordinate)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 40
    ws.protection.sheet = True


def _choices(form: Form, field: str, label: str) -> DataValidation | None:
    """A drop-down of the values the form declares for a meta field (``meta level ... in``);
    None without a declaration, or when the list cannot be written inline (Excel takes at most
    255 characters, and no commas, quotes or control characters inside a value)."""
    values = form.declared(field)
    inline = ",".join(values)
    if not values or len(inline) > 255 or any("," in v or '"' in v or UNSAFE.search(v) for v in values):
        return None
    return DataValidation(
        type="list",
        formula1=f'"{inline}"',
        allow_blank=True,
        error=f"{label}请从列表中选择",
        errorTitle=f"{label}有误",
        showErrorMessage=True,
        showDropDown=False,  # openpyxl's name is inverted: False shows the in-cell arrow
    )


def _check_sheet(wb: Workbook, form: Form, cells: dict[str, str]) -> None:
    ws: Worksheet = wb.create_sheet(CHECK_SHEET)
    for col, head in enumerate(("规则", "填报的合计", "各项之和", "相差"), start=1):
        text_cell(ws, 1, col, head).font = Font(bold=True)
    row = 2
    for rule in form.rules:
        if rule.kind is not RuleKind.SUM or rule.left.terms[0].id not in cells:
            continue
        refs = [_ref(cells[t.id]) for t in rule.right.terms if t.id in cells]
        text_cell(ws, row, 1, rule.description)
        # the only formulas: sums baobiao builds from the addresses of its own cells
        ws.cell(row, 2, f"={_ref(cells[rule.left.terms[0].id])}")
        ws.cell(row, 3, "=" + "+".join(refs) if refs else 0)
        ws.cell(row, 4, f"=B{row}-C{row}")
        row += 1
    ws.column_dimensions["A"].width = 60
    ws.protection.sheet = True


def _ref(address: str) -> str:
    """A cell reference in a formula: the sheet's name quoted, an apostrophe in it doubled (so
    a name cannot end the quotes and write formula text of its own)."""
    sheet, cell = address.rsplit("!", 1)
    return "'" + sheet.replace("'", "''") + "'!" + cell


def write_workbook(form: Form, meta: Mapping[str, str] | None = None) -> Written:
    """The fill-in workbook of ``form``; ``meta``: the 填表说明 fields filled in already
    (agency, year, level; ``baobiao new``), still open to change."""
    wb = Workbook()
    _meta_sheet(wb, form, meta or {})
    cells: dict[str, str] = {}
    for table in form.tables:
        _table_sheet(wb, form, table, cells)
    _check_sheet(wb, form, cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return Written(buffer.getvalue(), cells)
