"""Many agencies at once: a long CSV (agency, row, column, value) read as a stream, checked in
chunks with the form's rules compiled once into a matrix (numpy), so that checking is limited
by reading, not by evaluating rules.

The matrix pass is a filter: it finds the agencies whose figures break a rule or leave one blank
(float64 holds every integer of a report exactly, and a decimal cell's rounding tolerance is far
larger than float error); those agencies are then checked by the exact Decimal checker, which
gives their findings. Rules that depend on meta fields (the CSV has none) or on last year are
left to single-file checks."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

import numpy as np

from baobiao.diagnostics.core import Diagnostic, Severity, diag
from baobiao.instance.check import check
from baobiao.instance.keys import KeyIndex
from baobiao.instance.load import CellValue, Instance
from baobiao.instance.values import ValueKind, parse_value
from baobiao.model import Form, Rule

CHUNK = 2000
COLUMNS = ("agency", "row", "column", "value")
# header names accepted for the four columns, in this order
HEADER_NAMES = (
    {"agency", "机关", "单位"},
    {"row", "row_id", "行"},
    {"column", "col", "col_id", "列"},
    {"value", "obs_value", "值", "数值"},
)


@dataclass(frozen=True)
class RuleMatrix:
    ids: tuple[str, ...]
    index: dict[str, int]
    rules: tuple[Rule, ...]
    coef: np.ndarray  # rules x cells: left - right
    constant: np.ndarray  # left - right constants
    op: np.ndarray  # 0 "=", 1 "<=", 2 ">=", 3 "<", 4 ">"
    tolerance: np.ndarray
    unsigned: np.ndarray  # cells that may not be negative
    scale: np.ndarray  # 10^decimals per cell: value * scale must be whole


def compile_rules(form: Form) -> RuleMatrix:
    ids = tuple(i.id for i in form.indicators)
    index = {i: k for k, i in enumerate(ids)}
    rules = tuple(r for r in form.rules if r.condition is None and not r.previous_ids)
    coef = np.zeros((len(rules), len(ids)))
    constant = np.zeros(len(rules))
    tolerance = np.zeros(len(rules))
    ops = {"=": 0, "<=": 1, ">=": 2, "<": 3, ">": 4}
    for k, rule in enumerate(rules):
        for sign, expr in ((1.0, rule.left), (-1.0, rule.right)):
            constant[k] += sign * float(expr.constant)
            for t in expr.terms:
                coef[k, index[t.id]] += sign * float(t.coef)
                vt = form.item(t.id).value_type
                if vt is not None and vt.decimals:
                    tolerance[k] += abs(float(t.coef)) * 0.5 * 10.0**-vt.decimals
    types = [form.item(i).value_type for i in ids]
    unsigned = np.array([not (t is not None and t.signed) for t in types])
    scale = np.array([10.0 ** (t.decimals if t is not None else 0) for t in types])
    op = np.array([ops[r.op] for r in rules])
    return RuleMatrix(ids, index, rules, coef, constant, op, tolerance + 1e-9, unsigned, scale)


def suspicious(matrix: RuleMatrix, values: np.ndarray) -> np.ndarray:
    """Rows (agencies) with a blank cell, a value of the wrong type or a rule that does not hold;
    ``values`` NaN = blank."""
    blank = np.isnan(values).any(axis=1)
    filled = np.nan_to_num(values)
    negative = ((filled < 0) & matrix.unsigned).any(axis=1)
    scaled = filled * matrix.scale
    fraction = (np.abs(scaled - np.round(scaled)) > 1e-6).any(axis=1)
    diff = np.nan_to_num(values) @ matrix.coef.T + matrix.constant
    tol = matrix.tolerance
    op = matrix.op
    holds = np.where(
        op == 0,
        np.abs(diff) <= tol,
        np.where(op == 1, diff <= tol, np.where(op == 2, diff >= -tol, np.where(op == 3, diff < tol, diff > -tol))),
    )
    result: np.ndarray = blank | negative | fraction | ~holds.all(axis=1)
    return result


@dataclass
class AgencyResult:
    agency: str
    findings: tuple[Diagnostic, ...]
    errors: int
    warnings: int


@dataclass
class BatchSummary:
    path: str
    agencies: int = 0
    with_errors: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    problems: list[Diagnostic] = field(default_factory=list)  # of the file itself


@dataclass
class _Agency:
    name: str
    values: dict[str, CellValue] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)


class _Reader:
    def __init__(self, form: Form, path: Path, summary: BatchSummary) -> None:
        self.form, self.path, self.summary = form, path, summary
        self.keys = KeyIndex(form)
        self.cache: dict[tuple[str, str], str | None] = {}

    def cell(self, row: str, column: str, where: str, agency: _Agency) -> str | None:
        key = (row, column)
        if key not in self.cache:
            self.cache[key] = self._resolve(row, column)
        cell = self.cache[key]
        if cell is None:
            names = self.keys.suggestions(f"{row} > {column}" if column else row)
            agency.problems.append(
                diag(
                    "D305",
                    None,
                    data_path=where,
                    key=f"{row} > {column}" if column else row,
                    suggestion=f"是不是：{'、'.join(names)}" if names else "检查名称。",
                    suggestion_en=f"did you mean: {', '.join(names)}" if names else "check the label.",
                )
            )
        return cell

    def _resolve(self, row: str, column: str) -> str | None:
        ids = self.keys.resolve(row).ids
        if len(ids) != 1:
            return None
        item = self.form.item(ids[0])
        if not column.strip():
            return item.id if item.has_value else None
        inside = self.keys.resolve(column, item.id).ids
        return inside[0] if len(inside) == 1 and self.form.item(inside[0]).has_value else None

    def agencies(self, progress: Callable[[int], None]) -> Iterator[_Agency]:
        seen: set[str] = set()
        current: _Agency | None = None
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lower() for h in next(reader, [])]
            if len(header) < 4 or not all(h in names for h, names in zip(header, HEADER_NAMES, strict=False)):
                self.summary.problems.append(
                    diag(
                        "D304",
                        None,
                        data_path=f"{self.path}:1",
                        problem="CSV 第一行应为 agency,row,column,value",
                        problem_en="the CSV's first line must be agency,row,column,value",
                    )
                )
                return
            for line_no, record in enumerate(reader, start=2):
                progress(sum(len(x) for x in record) + len(record))
                if not record or not any(x.strip() for x in record):
                    continue
                agency, row, column, value = [*record, "", "", "", ""][:4]
                where = f"{self.path}:{line_no}"
                if current is None or agency != current.name:
                    if current is not None:
                        yield current
                    if agency in seen:
                        self.summary.problems.append(
                            diag(
                                "D304",
                                None,
                                data_path=where,
                                problem=f"机关“{agency}”的行不连续",
                                problem_en=f"the rows of agency '{agency}' are not together",
                            )
                        )
                    seen.add(agency)
                    current = _Agency(agency)
                cell = self.cell(row, column, where, current)
                if cell is None:
                    continue
                parsed = parse_value(value)
                if parsed.kind not in (ValueKind.NUMBER, ValueKind.MISSING):
                    current.problems.append(
                        diag("D308", None, data_path=where, label=self.form.item(cell).label, text=value[:80])
                    )
                number = parsed.number if parsed.kind is ValueKind.NUMBER else None
                current.values[cell] = CellValue(cell, number, value, where, None)
        if current is not None:
            yield current


def check_csv(
    form: Form,
    path: Path,
    on_agency: Callable[[AgencyResult], None],
    progress: Callable[[int], None] = lambda n: None,
) -> BatchSummary:
    """Check every agency of a long CSV; ``on_agency`` receives each result as it is ready."""
    matrix = compile_rules(form)
    summary = BatchSummary(str(path))
    reader = _Reader(form, path, summary)
    chunk: list[_Agency] = []

    def flush() -> None:
        values = np.full((len(chunk), len(matrix.ids)), np.nan)
        for r, agency in enumerate(chunk):
            for cell_id, cell in agency.values.items():
                if cell.number is not None:
                    values[r, matrix.index[cell_id]] = float(cell.number)
        flagged = suspicious(matrix, values) if chunk else np.zeros(0, dtype=bool)
        for r, agency in enumerate(chunk):
            findings: list[Diagnostic] = list(agency.problems)
            if flagged[r] and not agency.problems:
                instance = Instance(
                    str(path), MappingProxyType({"agency": agency.name}), None, MappingProxyType(agency.values)
                )
                findings += [
                    d
                    for d in check(form, instance).findings
                    if d.rule is None or d.rule.id in {x.id for x in matrix.rules} or d.code == "C404"
                ]
            errors = sum(1 for d in findings if d.severity is Severity.ERROR)
            warnings = sum(1 for d in findings if d.severity is Severity.WARNING)
            summary.agencies += 1
            summary.with_errors += errors > 0
            summary.rules.update(d.rule.id.split("@")[0] for d in findings if d.rule and d.severity is Severity.ERROR)
            on_agency(AgencyResult(agency.name, tuple(findings), errors, warnings))
        chunk.clear()

    for agency in reader.agencies(progress):
        chunk.append(agency)
        if len(chunk) >= CHUNK:
            flush()
    flush()
    return summary


def aggregate(form: Form, instances: list[Instance], name: str) -> Instance:
    """One instance whose every cell is the sum over the instances (blank when any is blank)."""
    totals: dict[str, Decimal | None] = {}
    for item in form.indicators:
        numbers = [inst.values[item.id].number if item.id in inst.values else None for inst in instances]
        given = [n for n in numbers if n is not None]
        totals[item.id] = sum(given, Decimal(0)) if numbers and len(given) == len(numbers) else None
    cells = {i: CellValue(i, v, "" if v is None else str(v), f"$.values.{i}", None) for i, v in totals.items()}
    years = {inst.year for inst in instances if inst.year is not None}
    meta = {"agency": name, "form": form.id} | ({"year": str(years.pop())} if len(years) == 1 else {})
    return Instance(
        "<aggregate>", MappingProxyType(meta), int(meta["year"]) if "year" in meta else None, MappingProxyType(cells)
    )
