"""Excel: the fill-in workbook, reading it back (also after a person edited it), and hostile files."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLES, CliResult
from openpyxl import load_workbook
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from baobiao.model import Form
from baobiao.pipeline import check_data, load_data, load_spec
from baobiao.report.workbook import write_workbook

Run = Callable[..., CliResult]


def form_of(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


def filled(form: Form, yaml_path: Path, out: Path, change: tuple[str, object] | None = None) -> Path:
    """The workbook of ``form`` filled by a script through openpyxl with the YAML file's data."""
    written = write_workbook(form)
    wb = load_workbook(io.BytesIO(written.data))
    instance, problems, _ = load_data(form, yaml_path)
    assert instance is not None and problems == []
    for cell_id, cell in instance.values.items():
        sheet, coord = written.cells[cell_id].split("!")
        value = cell.number
        assert value is not None
        wb[sheet][coord] = int(value) if value == value.to_integral_value() else float(value)
    if change is not None:
        sheet, coord = written.cells[change[0]].split("!")
        wb[sheet][coord] = change[1]
    meta = wb["填表说明"]
    for row in range(4, 8):
        key = meta.cell(row, 3).value
        if key in ("agency", "level", "year") and key in instance.meta:
            meta.cell(row, 2).value = instance.meta[key]
    wb.save(out)
    return out


def insert(ws: Worksheet, rows_at: int = 1, rows: int = 0, cols_at: int = 1, cols: int = 0) -> None:
    """Insert blank rows or columns as Excel does, merged cells moving with them (openpyxl's
    insert_rows/insert_cols leave merged ranges behind)."""
    ranges = [CellRange(r.coord) for r in ws.merged_cells.ranges]
    for r in ranges:
        ws.unmerge_cells(r.coord)
    if rows:
        ws.insert_rows(rows_at, rows)
    if cols:
        ws.insert_cols(cols_at, cols)
    for r in ranges:
        r.shift(
            col_shift=cols if cols and r.min_col >= cols_at else 0,
            row_shift=rows if rows and r.min_row >= rows_at else 0,
        )
        ws.merge_cells(r.coord)


def findings(form: Form, path: Path) -> list[tuple[str, str | None, tuple[str, ...]]]:
    report = check_data(form, path, {}).report
    return sorted((d.code, d.rule.id if d.rule else None, tuple(c.id for c in d.cells)) for d in report.diagnostics)


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_workbook_layout(name: str) -> None:
    form = form_of(name)
    written = write_workbook(form)
    wb = load_workbook(io.BytesIO(written.data))
    assert wb.sheetnames[0] == "填表说明" and wb.sheetnames[-1] == "核对"
    assert set(written.cells) == {i.id for i in form.indicators}  # one input cell per value
    for cell_id, address in written.cells.items():
        sheet, coord = address.split("!")
        ws = wb[sheet]
        assert ws.protection.sheet  # labels locked …
        assert ws[coord].protection.locked is False  # … input cells open
        vt = form.item(cell_id).value_type
        kinds = [(dv.type, dv.operator) for dv in ws.data_validations.dataValidation if coord in dv.sqref]
        if vt is not None and vt.decimals:  # 万元 to 2 or 4 places
            assert kinds == [("decimal", "greaterThanOrEqual")] and ws[coord].number_format == "0." + "0" * vt.decimals
        elif vt is not None and vt.signed:  # 本年增/减
            assert kinds == [("whole", "between")]
        else:
            assert kinds == [("whole", "greaterThanOrEqual")] and ws[coord].number_format == "General"
    for ws in wb.worksheets[1:-1]:  # every label of a table locked and bordered
        for row in ws.iter_rows(min_row=3):
            for c in row:
                if isinstance(c.value, str):
                    assert c.protection.locked and c.border.left.style == "thin", (ws.title, c.coordinate)
    check = wb["核对"]
    assert check["B2"].value.startswith("=") and check["C2"].value.startswith("=")
    if name != "gov-disclosure-2017":
        t3 = wb["三、收到和处理政府信息公开申请情况"]
        merged = {str(r) for r in t3.merged_cells.ranges}
        applicants = next(c for row in t3.iter_rows() for c in row if c.value == "申请人情况")
        assert any(r.startswith(applicants.coordinate + ":") for r in merged)  # merged header


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_a_workbook_filled_by_a_script_checks_like_the_yaml(name: str, tmp_path: Path) -> None:
    form = form_of(name)
    book = filled(form, EXAMPLES[name], tmp_path / "book.xlsx")
    assert findings(form, book) == findings(form, EXAMPLES[name]) == []


def test_the_same_mistake_gives_the_same_findings(tmp_path: Path) -> None:
    form = form_of("gov-disclosure-2021")
    yaml_text = EXAMPLES["gov-disclosure-2021"].read_text(encoding="utf-8")
    wrong_yaml = tmp_path / "wrong.yaml"
    wrong_yaml.write_text(
        yaml_text.replace(
            "一、本年新收政府信息公开申请数量: {自然人: 23", "一、本年新收政府信息公开申请数量: {自然人: 32"
        ),
        encoding="utf-8",
    )
    book = filled(form, EXAMPLES["gov-disclosure-2021"], tmp_path / "book.xlsx", change=("new.natural", 32))
    got = findings(form, book)
    assert got == findings(form, wrong_yaml)
    assert (
        "C401",
        "total.sum@new",
        (
            "new.total",
            "new.natural",
            "new.commercial",
            "new.research",
            "new.social",
            "new.legal_service",
            "new.other_org",
        ),
    ) in got


def test_an_edited_workbook_still_reads(tmp_path: Path) -> None:
    form = form_of("gov-disclosure-2021")
    book = filled(form, EXAMPLES["gov-disclosure-2021"], tmp_path / "book.xlsx")
    wb = load_workbook(book)
    t3 = wb["三、收到和处理政府信息公开申请情况"]
    first_row = next(c.row for row in t3.iter_rows() for c in row if c.value == "一、本年新收政府信息公开申请数量")
    insert(t3, rows_at=first_row, rows=3)  # blank rows between the headings and the figures
    insert(t3, cols_at=1, cols=2)  # every column moved right
    wb["第二十条第（一）项"].title = "表二（一）"  # a renamed sheet
    wb.create_sheet("我的笔记")["A1"] = "自然人"  # an extra sheet
    wb.move_sheet("我的笔记", offset=-3)
    wb.save(book)
    instance, problems, _ = load_data(form, book)
    assert problems == [] and instance is not None
    assert instance.values["new.natural"].number == Decimal(23)
    assert findings(form, book) == []


def test_diagnostics_point_at_the_sheet_and_cell(tmp_path: Path) -> None:
    form = form_of("gov-disclosure-2017")
    written = write_workbook(form)
    book = filled(form, EXAMPLES["gov-disclosure-2017"], tmp_path / "book.xlsx", change=("online", "1件"))
    report = check_data(form, book, {}).report
    (d,) = [d for d in report.diagnostics if d.code == "D314"]
    assert d.data_path == written.cells["online"]  # e.g. 政府信息公开工作情况统计表!C32


def test_cli_writes_a_workbook_and_checks_it(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    assert run_cli("workbook", "gov-disclosure-2021", "-o", str(out)).exit_code == 0
    result = run_cli("check", "gov-disclosure-2021", str(out))
    # nothing filled in: each printed table of several cells (表二's blocks (一)(六), 表三, 表四) is
    # reported once as blank, not cell by cell; a block of one cell ((五), (八)) is that cell
    assert result.exit_code == 1 and result.stdout.count("[C412]") == 4 and result.stdout.count("[C404]") == 2
    assert "全部空白" in result.stdout


@pytest.mark.parametrize("kind", ["not-a-zip", "zip-bomb", "entity-expansion", "garbage-zip"])
def test_a_hostile_workbook_ends_in_a_diagnostic(tmp_path: Path, kind: str) -> None:
    form = form_of("gov-disclosure-2017")
    path = tmp_path / "bad.xlsx"
    if kind == "not-a-zip":
        path.write_bytes(b"PK\x03\x04 not really a workbook")
    elif kind == "zip-bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml", b"0" * (80 * 1024 * 1024))
    elif kind == "entity-expansion":
        laughs = (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(f'<!ENTITY lol{i} "{"&lol%s;" % (i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
            + ']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol9;</workbook>'
        )
        good = io.BytesIO(write_workbook(form).data)
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                data = laughs.encode() if info.filename == "xl/workbook.xml" else src.read(info.filename)
                dst.writestr(info, data)
    else:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "not a workbook")
    instance, problems, _ = load_data(form, path)
    assert instance is None
    assert [d.code for d in problems] == ["D320"]
