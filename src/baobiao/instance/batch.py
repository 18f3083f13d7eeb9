"""Many agencies at once: a long CSV (agency, row, column, value) read in blocks by pyarrow,
checked with the form's rules compiled once into a matrix (numpy), so that checking is limited
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
from typing import Any

import numpy as np

from baobiao.diagnostics.core import Diagnostic, Severity, diag
from baobiao.instance.check import check_some
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
    bad_cells, bad_rules = flags(matrix, values)
    return np.asarray(bad_cells.any(axis=1) | bad_rules.any(axis=1), dtype=bool)


def flags(matrix: RuleMatrix, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(agencies × cells: blank or of the wrong type, agencies × rules: does not hold or uses a
    blank cell)."""
    blank = np.isnan(values)
    filled = np.nan_to_num(values)
    scaled = filled * matrix.scale
    bad_cells = blank | ((filled < 0) & matrix.unsigned) | (np.abs(scaled - np.round(scaled)) > 1e-6)
    diff = np.nan_to_num(values) @ matrix.coef.T + matrix.constant
    tol = matrix.tolerance
    op = matrix.op
    holds = np.where(
        op == 0,
        np.abs(diff) <= tol,
        np.where(op == 1, diff <= tol, np.where(op == 2, diff >= -tol, np.where(op == 3, diff < tol, diff > -tol))),
    )
    uses_blank = (blank.astype(np.float64) @ (matrix.coef != 0).T.astype(np.float64)) > 0
    return bad_cells, ~holds | uses_blank


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


class _Reader:
    """Resolves (row, column) labels to cells, once per distinct pair."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.keys = KeyIndex(form)
        self.cache: dict[tuple[str, str], str | None] = {}

    def cache_cell(self, row: str, column: str) -> str | None:
        key = (row, column)
        if key not in self.cache:
            self.cache[key] = self._resolve(row, column)
        return self.cache[key]

    def unknown(self, row: str, column: str, where: str) -> Diagnostic:
        return self.keys.unknown(f"{row} > {column}" if column else row, data_path=where)

    def _resolve(self, row: str, column: str) -> str | None:
        ids = self.keys.resolve(row).ids
        if len(ids) != 1:
            return None
        item = self.form.item(ids[0])
        if not column.strip():
            return item.id if item.has_value else None
        inside = self.keys.resolve(column, item.id).ids
        return inside[0] if len(inside) == 1 and self.form.item(inside[0]).has_value else None


_NUMERIC = r"^[+-]?[0-9]+(\.[0-9]+)?$"


def _header_ok(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = [h.strip().lower() for h in next(csv.reader(handle), [])]
    except (UnicodeDecodeError, csv.Error):
        return False
    return len(header) >= 4 and all(h in names for h, names in zip(header, HEADER_NAMES, strict=False))


def check_csv(
    form: Form,
    path: Path,
    on_agency: Callable[[AgencyResult], None],
    progress: Callable[[int], None] = lambda n: None,
) -> BatchSummary:
    """Check every agency of a long CSV; ``on_agency`` receives each result, in file order.

    The file is read in blocks by pyarrow's CSV reader; each block's (row, column) pairs are
    dictionary-encoded and resolved once per distinct pair, its values parsed as a column and
    scattered into an agencies × cells matrix. Memory is bounded by the block size."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    matrix = compile_rules(form)
    summary = BatchSummary(str(path))
    if not _header_ok(path):
        summary.problems.append(
            diag(
                "D304",
                None,
                data_path=f"{path}:1",
                problem="CSV 第一行应为 agency,row,column,value",
                problem_en="the CSV's first line must be agency,row,column,value",
            )
        )
        return summary
    reader = _Reader(form)
    names = ["agency", "row", "column", "value"]
    read = pacsv.ReadOptions(column_names=names)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, include_columns=names
    )
    seen: set[str] = set()
    state = {"line": 2}

    def process(table: Any) -> None:
        n = table.num_rows
        if n == 0:
            return
        first_line = state["line"]
        state["line"] += n
        agency_codes = pc.dictionary_encode(table.column("agency").combine_chunks())
        a_idx = np.asarray(agency_codes.indices, dtype=np.int64)
        agencies = agency_codes.dictionary.to_pylist()
        runs = 1 + int(np.count_nonzero(a_idx[1:] != a_idx[:-1]))
        again = seen.intersection(agencies)
        if runs != len(agencies) or again:
            name = next(iter(again)) if again else agencies[0]
            summary.problems.append(
                diag(
                    "D304",
                    None,
                    data_path=f"{path}:{first_line}",
                    problem=f"机关“{name}”的行不连续",
                    problem_en=f"the rows of agency '{name}' are not together",
                )
            )
        seen.update(agencies)
        keys = pc.dictionary_encode(
            pc.binary_join_element_wise(table.column("row"), table.column("column"), "\x1f").combine_chunks()
        )
        k_idx = np.asarray(keys.indices, dtype=np.int64)
        lookup = np.array(
            [matrix.index.get(reader.cache_cell(*k.split("\x1f", 1)) or "", -1) for k in keys.dictionary.to_pylist()],
            dtype=np.int64,
        )
        cell = lookup[k_idx]
        text = table.column("value").combine_chunks()
        numeric = np.asarray(pc.match_substring_regex(pc.utf8_trim_whitespace(text), _NUMERIC), dtype=bool)
        values = np.full(n, np.nan)
        if numeric.any():
            values[numeric] = np.asarray(pc.cast(pc.filter(text, pa.array(numeric)), pa.float64()))
        problems: dict[int, list[Diagnostic]] = {}
        texts = None
        for i in np.flatnonzero(~numeric | (cell < 0)):  # the rare lines that need a closer look
            texts = texts if texts is not None else text.to_pylist()
            where = f"{path}:{first_line + int(i)}"
            a = int(a_idx[i])
            if cell[i] < 0:
                row, column = table.column("row")[int(i)].as_py(), table.column("column")[int(i)].as_py()
                problems.setdefault(a, []).append(reader.unknown(row, column, where))
                continue
            parsed = parse_value(texts[i])
            if parsed.kind is ValueKind.NUMBER and parsed.number is not None:
                values[i] = float(parsed.number)
            elif parsed.kind is not ValueKind.MISSING:
                label = form.item(matrix.ids[cell[i]]).label
                problems.setdefault(a, []).append(diag("D308", None, data_path=where, label=label, text=texts[i][:80]))
        grid = np.full((len(agencies), len(matrix.ids)), np.nan)
        ok = cell >= 0
        grid[a_idx[ok], cell[ok]] = values[ok]
        bad_cells, bad_rules = flags(matrix, grid)
        flagged = np.asarray(bad_cells.any(axis=1) | bad_rules.any(axis=1), dtype=bool)
        for a, name in enumerate(agencies):
            findings: list[Diagnostic] = list(problems.get(a, []))
            if flagged[a] and not findings:
                rules = [matrix.rules[k] for k in np.flatnonzero(bad_rules[a])]
                cells = [matrix.ids[k] for k in np.flatnonzero(bad_cells[a])]
                findings = _exact(form, matrix, path, name, table, a_idx == a, cell, first_line, rules, cells)
            errors = sum(1 for d in findings if d.severity is Severity.ERROR)
            warnings = sum(1 for d in findings if d.severity is Severity.WARNING)
            summary.agencies += 1
            summary.with_errors += errors > 0
            summary.rules.update(d.rule.id.split("@")[0] for d in findings if d.rule and d.severity is Severity.ERROR)
            on_agency(AgencyResult(name, tuple(findings), errors, warnings))

    pending = None
    for block in _blocks(path):
        progress(len(block))
        try:
            table = pacsv.read_csv(pa.py_buffer(block), read_options=read, convert_options=convert)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:  # bad UTF-8, a broken line
            summary.problems.append(
                diag(
                    "D304",
                    None,
                    data_path=f"{path}:{state['line']}",
                    problem=f"CSV 无法读取（需 UTF-8、每行四列、值中不换行）：{str(exc)[:120]}",
                    problem_en="unreadable CSV (UTF-8, four columns a line, no line breaks in values): "
                    + str(exc)[:120],
                )
            )
            return summary
        if pending is not None:
            table = pa.concat_tables([pending, table])
        names_col = np.asarray(
            pc.equal(table.column("agency"), table.column("agency")[-1]).combine_chunks(), dtype=bool
        )
        trailing = len(names_col) - int(np.argmin(names_col[::-1])) if not names_col.all() else 0
        process(table.slice(0, trailing))  # the last agency may go on in the next block
        pending = table.slice(trailing)
    if pending is not None:
        process(pending)
    return summary


BLOCK = 8 << 20


def _blocks(path: Path) -> Iterator[bytes]:
    """The file after its header line, in blocks of whole lines of about BLOCK bytes: reading
    them ourselves keeps memory to a few blocks, whatever the file's size."""
    with path.open("rb") as handle:
        head = handle.readline()
        del head
        rest = b""
        while chunk := handle.read(BLOCK):
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1
            if cut == 0:
                rest = chunk
                continue
            rest = chunk[cut:]
            yield chunk[:cut]
        if rest.strip():
            yield rest if rest.endswith(b"\n") else rest + b"\n"


def _exact(
    form: Form,
    matrix: RuleMatrix,
    path: Path,
    name: str,
    table: Any,
    rows: np.ndarray,
    cell: np.ndarray,
    first_line: int,
    rules: list[Rule],
    cells: list[str],
) -> list[Diagnostic]:
    """The exact (Decimal) check of the rules and cells the matrix flagged for one agency."""
    values: dict[str, CellValue] = {}
    texts = table.column("value")
    for i in np.flatnonzero(rows):
        if cell[i] < 0:
            continue
        raw = texts[int(i)].as_py()
        parsed = parse_value(raw)
        number = parsed.number if parsed.kind is ValueKind.NUMBER else None
        cell_id = matrix.ids[cell[i]]
        values[cell_id] = CellValue(cell_id, number, raw, f"{path}:{first_line + int(i)}", None)
    instance = Instance(str(path), MappingProxyType({"agency": name}), None, MappingProxyType(values))
    return list(check_some(form, instance, rules, cells))


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
