"""Many agencies at once: a long CSV (agency, row, column, value), checked with the form's rules
compiled once into a matrix (numpy), so that checking is limited by reading, not by evaluating
rules.

The file is cut into blocks of whole agencies; worker threads read each block (by the compiled
scan of ``scan`` when it is loaded and the block is the usual export, otherwise by pyarrow's CSV
reader) and check it as one matrix (agencies × cells). The matrix pass is a filter: it is
exact for whole numbers and errs only towards flagging for decimals, so every agency whose
figures break a rule, leave a cell blank or hold a value of the wrong kind is flagged; flagged
agencies alone are checked by the exact Decimal checker, which gives their findings. Rules that
depend on meta fields (the CSV has none) or on last year are left to single-file checks."""

from __future__ import annotations

import csv
import ctypes
import io
import mmap
import os
import re
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

import numpy as np
from scipy.sparse import csr_array

from baobiao.diagnostics.core import Diagnostic, Severity, diag
from baobiao.instance import scan
from baobiao.instance.check import check_some, failure_severity
from baobiao.instance.keys import KeyIndex
from baobiao.instance.load import CellValue, Instance, value_problem
from baobiao.instance.scan import OTHER, SPARE, layout_bytes
from baobiao.instance.values import MAX_INTEGER_DIGITS, ValueKind, cell_number, parse_value
from baobiao.model import Form, Rule, semantics

BLOCK = 4 << 20  # bytes of CSV a worker reads and checks at a time
MAX_BYTES = 4 << 30  # larger batch files are refused before reading (D340): about 550,000 agencies of the 2021 form
# A block with more unreadable lines than this (not four fields, a quote never closed, labels of
# no cell), and more than readable ones, is not agencies of the form: reading stops where its
# garbage begins (D343), so that garbage fails in seconds, not hours.
GARBAGE_LINES = 1000
WORKERS = min(4, os.cpu_count() or 1)
NAMES = ("agency", "row", "column", "value")
# header names accepted for the four columns, in this order
HEADER_NAMES = (
    {"agency", "机关", "单位"},
    {"row", "row_id", "行"},
    {"column", "col", "col_id", "列"},
    {"value", "obs_value", "值", "数值"},
)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)
_EXACT_IN_FLOAT = float(2**53)  # below this, sums of whole numbers are exact in float64
_DIGITS = np.zeros(256, dtype=bool)
_DIGITS[ord("0") : ord("9") + 1] = True
_DECIMAL = r"^-?[0-9]{1,15}(\.[0-9]{1,10})?$"  # read exactly as parse_value reads it
_NEWLINE, _CR, _QUOTE, _COMMA = 10, 13, 34, 44
# One field as pyarrow's CSV reader reads it: quoted only when it starts with a quote (inside,
# "" is a quote; what follows the closing quote is kept), else up to the next comma. Atomic and
# possessive, so that a long hostile line costs linear time.
_FIELD_PATTERN = rb'(?>"(?:[^"\r\n]|"")*+"[^,\r\n]*+|[^,"\r\n][^,\r\n]*+|)'
_FIELD = re.compile(_FIELD_PATTERN)
_QUOTED = re.compile(rb'"((?:[^"]|"")*+)"(.*)', re.DOTALL)
_LINE = re.compile(_FIELD_PATTERN + rb"(?:," + _FIELD_PATTERN + rb"){3}\r?")  # four fields
_OPEN = re.compile(rb"(?:" + _FIELD_PATTERN + rb',)*+"(?:[^"\r\n]|"")*+\r?')  # ends inside a quoted field


# -- the rules as a matrix ---------------------------------------------------------------------


@dataclass(frozen=True)
class RuleMatrix:
    ids: tuple[str, ...]
    index: dict[str, int]
    rules: tuple[Rule, ...]
    coef: np.ndarray  # rules × cells: left - right
    constant: np.ndarray  # left - right constants
    tolerance: np.ndarray  # rounding tolerance of the decimal cells a rule uses (0 for whole rules)
    # per rule, the accepted values of left - right (semantics.accepted): from lo to hi (-inf,
    # +inf: no bound), each end open (strict) or closed
    lo: np.ndarray
    hi: np.ndarray
    lo_open: np.ndarray
    hi_open: np.ndarray
    whole: np.ndarray  # rules of whole numbers only: float arithmetic is exact for them
    weight: np.ndarray  # per rule: sum of |coefficients| (bounds the size of left - right)
    lower: np.ndarray  # the least value of each cell (semantics.lower_bound; -inf: none)
    decimals: np.ndarray  # decimal places per cell
    sparse: Any = field(init=False)  # coef, sparse (scipy): products without BLAS, whose threads fight ours
    uses: Any = field(init=False)  # the same, 1.0 where the rule uses the cell

    def __post_init__(self) -> None:
        object.__setattr__(self, "sparse", csr_array(self.coef))
        object.__setattr__(self, "uses", csr_array((self.coef != 0).astype(np.float64)))

    def reordered(self, order: np.ndarray) -> RuleMatrix:
        """The matrix with its cell columns in another order (``order`` lists every cell once)."""
        ids = tuple(self.ids[k] for k in order)
        coef = self.coef[:, order]
        return replace(
            self,
            ids=ids,
            index={i: k for k, i in enumerate(ids)},
            coef=coef,
            lower=self.lower[order],
            decimals=self.decimals[order],
        )


def compile_rules(form: Form) -> RuleMatrix:
    ids = tuple(i.id for i in form.indicators)
    index = {i: k for k, i in enumerate(ids)}
    rules = tuple(r for r in form.rules if r.condition is None and not r.previous_ids)
    coef = np.zeros((len(rules), len(ids)))
    constant = np.zeros(len(rules))
    tolerance = np.zeros(len(rules))
    lo, hi = np.full(len(rules), -np.inf), np.full(len(rules), np.inf)
    lo_open, hi_open = np.zeros(len(rules), dtype=bool), np.zeros(len(rules), dtype=bool)
    whole = np.ones(len(rules), dtype=bool)
    types = [form.item(i).value_type for i in ids]
    decimals = np.array([t.decimals if t is not None else 0 for t in types])
    for k, rule in enumerate(rules):
        for sign, expr in ((1.0, rule.left), (-1.0, rule.right)):
            constant[k] += sign * float(expr.constant)
            whole[k] &= expr.constant == expr.constant.to_integral_value()
            for t in expr.terms:
                coef[k, index[t.id]] += sign * float(t.coef)
                whole[k] &= decimals[index[t.id]] == 0 and t.coef == t.coef.to_integral_value()
        rule_tolerance = semantics.rule_tolerance(form, rule)
        tolerance[k] = float(rule_tolerance)
        ok = semantics.accepted(rule.op, rule_tolerance)
        if ok.lo is not None:
            lo[k], lo_open[k] = float(ok.lo), ok.lo_open
        if ok.hi is not None:
            hi[k], hi_open[k] = float(ok.hi), ok.hi_open
    least = [semantics.lower_bound(t) for t in types]
    lower = np.array([-np.inf if b is None else float(b) for b in least])
    weight = np.abs(coef).sum(axis=1) + np.abs(constant)
    return RuleMatrix(
        ids, index, rules, coef, constant, tolerance, lo, hi, lo_open, hi_open, whole, weight, lower, decimals
    )


def rule_flags(matrix: RuleMatrix, grid: np.ndarray, present: np.ndarray) -> np.ndarray:
    """agencies × rules: the rule may not hold, or it uses a blank cell (0 in ``grid``).

    Rules of whole numbers are evaluated exactly (margin 0, tolerance 0), as the exact checker
    does; for the others a rule is taken to hold only when left - right lies inside its accepted
    interval by more than the margin, so that float error can only flag an agency for the exact
    check, never let one through."""
    diff = (matrix.sparse @ grid.T).T + matrix.constant
    largest = float(np.abs(grid).max(initial=0.0))
    size = matrix.weight * max(largest, 1.0)  # bounds |left|, |right| and |left - right|
    margin = np.where(matrix.whole & (size < _EXACT_IN_FLOAT), 0.0, 1e-9 + 1e-12 * size)
    # per rule (computed once per block), the least and greatest left - right that surely hold;
    # at an open end, d > x is d >= the float after x (and d < x is d <= the float before it)
    low, high = matrix.lo + margin, matrix.hi - margin
    low = np.where(matrix.lo_open, np.nextafter(low, np.inf), low)
    high = np.where(matrix.hi_open, np.nextafter(high, -np.inf), high)
    holds = np.asarray((diff >= low) & (diff <= high), dtype=bool)
    blank = ~present
    rows = np.flatnonzero(blank.any(axis=1))
    if rows.size:
        holds[rows] &= (matrix.uses @ blank[rows].T.astype(np.float64)).T == 0
    return ~holds


def suspicious(matrix: RuleMatrix, values: np.ndarray) -> np.ndarray:
    """Rows (agencies × cells, NaN = blank) with a blank cell, a negative value where none may
    be, a value with more decimals than its cell has, or a rule that may not hold."""
    present = ~np.isnan(values)
    grid = np.where(present, values, 0.0)
    scaled = grid * 10.0**matrix.decimals
    wrong = (grid < matrix.lower) | (np.abs(scaled - np.round(scaled)) > 1e-6)
    return np.asarray((~present | wrong).any(axis=1) | rule_flags(matrix, grid, present).any(axis=1), dtype=bool)


# -- results -----------------------------------------------------------------------------------


class AgencyResult:
    """One agency's outcome. ``findings`` may be made only when first asked for: an agency
    whose only faults are whole-number rules that do not hold is known to have them (the matrix
    is exact there), and building its diagnostics is most of the cost of a broken agency, which
    a summary of thousands does not need."""

    __slots__ = ("_findings", "_make", "agency", "errors", "warnings")

    def __init__(
        self,
        agency: str,
        findings: tuple[Diagnostic, ...] = (),
        errors: int = 0,
        warnings: int = 0,
        make: Callable[[], tuple[Diagnostic, ...]] | None = None,
    ) -> None:
        self.agency, self.errors, self.warnings = agency, errors, warnings
        self._findings, self._make = findings, make

    @property
    def findings(self) -> tuple[Diagnostic, ...]:
        if self._make is not None:
            self._findings, self._make = self._make(), None
        return self._findings


@dataclass(frozen=True)
class _Deferred:
    """The findings of an agency whose only faults are these whole-number rules, to be made
    when asked for."""

    rules: tuple[Rule, ...]
    make: Callable[[], list[Diagnostic]]


@dataclass
class BatchSummary:
    path: str
    agencies: int = 0
    with_errors: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    problems: list[Diagnostic] = field(default_factory=list)  # of the file itself


@dataclass(frozen=True)
class _Block:
    """One block's outcome: its agencies in file order, the findings of those that have any,
    problems of the file, how many lines it had, and whether reading must stop (an unreadable
    block). Lines are counted from the block's first line (1): the blocks before it may not be
    read yet, so findings are moved to the file's line numbers once they are (``_rebase``)."""

    size: int
    lines: int
    names: list[str]
    findings: dict[int, tuple[Diagnostic, ...] | _Deferred]
    problems: list[Diagnostic]
    stop: bool = False


def _csv_problem(where: str, zh: str, en: str) -> Diagnostic:
    return diag("D321", None, data_path=where, problem=zh, problem_en=en)


def _apart(where: str, name: str) -> Diagnostic:
    return _csv_problem(where, f"机关“{name}”的行不连续", f"the rows of agency '{name}' are not together")


def _rebase(d: Diagnostic, path: Path, shift: int) -> Diagnostic:
    """A diagnostic of a block, with its line counted from the start of the file."""
    prefix = f"{path}:"
    if d.data_path is None or not d.data_path.startswith(prefix):
        return d
    return replace(d, data_path=f"{prefix}{int(d.data_path[len(prefix) :]) + shift}")


# -- a block's lines: those pyarrow can read, and the others ------------------------------------


@dataclass(frozen=True)
class _Sorted:
    """A block's lines sorted for pyarrow's reader: ``text``, the lines it can read, each one
    row of four fields; ``kept``, their numbers in the block (0-based; None: every line);
    ``lines``, how many lines the block has, ``starts`` where each begins; ``bad``, the lines
    left out that are to be reported, as (number, kind, the line, its fields): kind "columns"
    (not four fields), "quote" (a quote never closed: read, it would take every line after it
    into one value) or "cr" (a carriage return inside the line: pyarrow would make it two).
    Blank lines are left out silently."""

    text: np.ndarray
    kept: np.ndarray | None
    lines: int
    starts: np.ndarray | None  # None: not worked out (the lines read at once)
    bad: list[tuple[int, str, bytes, int]]


def _sort_lines(raw: np.ndarray, size: int) -> _Sorted:
    """Sort the lines of ``raw[:size]``: the lines with three commas, no quote and no lone
    carriage return are told in a few vector passes; only the others are looked at one by one."""
    data = raw[:size]
    ends = np.flatnonzero(data == _NEWLINE)  # each line's end: its line feed, or the block's end
    if size and data[size - 1] != _NEWLINE:
        ends = np.append(ends, size)
    starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64) if len(ends) else ends
    n = len(ends)
    if not n:
        return _Sorted(data, None, 0, starts, [])
    lengths = np.diff(np.append(starts, size))  # each line with its line feed
    # Lines to look at one by one: counted in bytes, not positions (a hostile line may hold
    # millions of commas); a count modulo 256 is exact for the lines shorter than that.
    look = (np.add.reduceat(data == _COMMA, starts, dtype=np.uint8) != 3) | (lengths > 255)
    if (data == _QUOTE).any():
        look |= np.logical_or.reduceat(data == _QUOTE, starts)
    lone = data == _CR
    if lone.any():
        lone[:-1] &= data[1:] != _NEWLINE  # a carriage return not before a line feed (nor at the end)
        lone[-1] = False
        look |= np.logical_or.reduceat(lone, starts)
    del lone
    if not look.any():
        return _Sorted(data, None, n, starts, [])
    keep = np.ones(n, dtype=bool)
    bad: list[tuple[int, str, bytes, int]] = []
    for k in np.flatnonzero(look).tolist():
        line = data[starts[k] : ends[k]].tobytes()
        body = line.removesuffix(b"\r")
        if _LINE.fullmatch(line):
            continue
        keep[k] = False
        if not body:
            continue  # a blank line
        if b"\r" in body:
            bad.append((k, "cr", body, 0))
        elif b'"' in body and _OPEN.fullmatch(line):
            bad.append((k, "quote", body, 0))
        else:
            bad.append((k, "columns", body, _count_fields(body)))
    if keep.all():
        return _Sorted(data, None, n, starts, bad)
    return _Sorted(data[np.repeat(keep, lengths)], np.flatnonzero(keep), n, starts, bad)


def _count_fields(line: bytes) -> int:
    """How many fields pyarrow's reader would find in a line (without its line end); for a
    line of more than a thousand fields with quotes, its commas and one."""
    if b'"' not in line or line.count(b",") > 1000:
        return line.count(b",") + 1
    count, at = 1, 0
    while True:
        match = _FIELD.match(line, at)
        assert match is not None
        end = match.end()
        if end >= len(line) or line[end] != _COMMA:
            return count
        count, at = count + 1, end + 1


def _line_problem(where: str, kind: str, line: bytes, fields: int) -> Diagnostic:
    text = _text(line[:240])[:80]
    if kind == "quote":
        return diag("D341", None, data_path=where, text=text)
    if kind == "cr":
        return diag("D342", None, data_path=where, text=text)
    return _csv_problem(
        where,
        f"这一行应有 4 列，实有 {fields} 列：{text}",
        f"this line should have 4 columns, not {fields}: {text}",
    )


class _NotAgencies(Exception):
    """A block mostly of lines that are not an agency's (garbage), as far as its lines before
    ``horizon`` (0-based, in the block) tell: of those read by pyarrow, the lines that name a
    cell (``placed``) and those that do not."""

    def __init__(self, placed: np.ndarray, unplaced: np.ndarray, horizon: int) -> None:
        super().__init__(len(placed), len(unplaced), horizon)
        self.placed, self.unplaced, self.horizon = placed, unplaced, horizon


def _garbage_start(lines: _Sorted, garbage: _NotAgencies) -> tuple[int, int]:
    """Where the garbage of a block begins (0-based line) and how many of its lines up to the
    horizon cannot be read: the start of the stretch in which unreadable lines outnumber the
    others most (a maximal suffix sum), so that the agencies before it are still read."""
    status = np.zeros(lines.lines, dtype=np.int64)
    status[garbage.placed] = -1
    status[garbage.unplaced] = 1
    status[[k for k, _, _, _ in lines.bad]] = 1
    known = status[: garbage.horizon]
    sums = np.concatenate(([0], np.cumsum(known)))
    start = len(sums) - 1 - int(np.argmin(sums[::-1]))  # the last of the least
    return start, int(np.count_nonzero(known[start:] > 0))


def _garbage(bad: int, seen: int) -> bool:
    """Whether ``bad`` unreadable lines (or unknown labels) of ``seen`` make a block garbage."""
    return bad > GARBAGE_LINES and 2 * bad > seen


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MB" if size < 1 << 30 else f"{size / (1 << 30):,.2f} GB"


# -- the file: header, blocks of whole agencies --------------------------------------------------


def _header_problem(path: Path) -> Diagnostic | None:
    """What is wrong with the file's start: not UTF-8 (Excel's "CSV" on a Chinese Windows is
    GBK), or a first line that is not the header."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    lines = (head[: head.rfind(b"\n") + 1] or head).splitlines()  # whole lines: no character cut in two
    first = next((line for line in lines if not line.isascii()), b"")  # a single bad line is reported later
    try:
        first.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            first.decode("gb18030")
        except UnicodeDecodeError:
            return _csv_problem(f"{path}:1", "CSV 不是 UTF-8 编码", "the CSV is not in UTF-8")
        return _csv_problem(
            f"{path}:1",
            "CSV 是 GBK（GB18030）编码，不是 UTF-8：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
            "the CSV is in GBK (GB18030), not UTF-8: save it as 'CSV UTF-8 (comma delimited)' in Excel",
        )
    try:
        text = lines[0].decode("utf-8-sig") if lines else ""
        header = [h.strip().lower() for h in next(csv.reader(io.StringIO(text)), [])]
    except (UnicodeDecodeError, csv.Error):
        header = []
    if len(header) >= 4 and all(h in names for h, names in zip(header, HEADER_NAMES, strict=False)):
        return None
    return _csv_problem(
        f"{path}:1", "CSV 第一行应为 agency,row,column,value", "the CSV's first line must be agency,row,column,value"
    )


def _line_at(data: mmap.mmap, start: int) -> bytes:
    """The line starting at ``start``, without its line end."""
    end = data.find(b"\n", start)
    return data[start : end if end >= 0 else len(data)]


def _fields(line: bytes) -> list[bytes] | None:
    """The fields of a line (without its line end) as pyarrow's reader reads them, unquoted;
    None when a quote is never closed (or a carriage return is inside)."""
    line = line.removesuffix(b"\r")
    if b'"' not in line:
        return line.split(b",")
    fields, at = [], 0
    while True:
        match = _FIELD.match(line, at)
        assert match is not None  # a field may be empty: it always matches
        end = match.end()
        if end < len(line) and line[end] != _COMMA:  # stopped at a quote never closed
            return None
        quoted = _QUOTED.fullmatch(match.group())
        fields.append(quoted[1].replace(b'""', b'"') + quoted[2] if quoted else match.group())
        if end >= len(line):
            return fields
        at = end + 1


def _agency_of(data: mmap.mmap, start: int) -> bytes:
    """The first field (the agency) of the line starting at ``start``, unquoted (the line itself
    when it cannot be read: a quote never closed)."""
    line = _line_at(data, start)
    if not line.startswith(b'"'):
        return line.split(b",", 1)[0]
    match = _FIELD.match(line)
    assert match is not None
    if match.end() < len(line) and line[match.end()] != _COMMA:
        return line
    quoted = _QUOTED.fullmatch(match.group())
    return quoted[1].replace(b'""', b'"') + quoted[2] if quoted else match.group()


def _anywhere(line: bytes) -> bool:
    return True


def _agency_cut(data: mmap.mmap, start: int, end: int, placed: Callable[[bytes], bool] = _anywhere) -> int:
    """Where, in ``data[start:end]``, the last agency begins whose lines may go on after
    ``end`` (just after the line before it); ``start`` when all of it may be one agency.

    Lines that are not ``placed`` (garbage, a quote never closed, labels of no cell) belong to no
    agency: they neither end an agency's lines nor begin new ones, so an agency with such a line
    among its own is not cut in two (a long run of them is cut inside)."""
    line = data.rfind(b"\n", start, data.rfind(b"\n", start, end)) + 1  # the last whole line
    if line <= start:
        return start
    name: bytes | None = None
    stray, after = 0, line  # lines not placed one after another; the line after this one
    while True:
        agency = _agency_of(data, line)
        if agency == name:
            stray = 0
        elif placed(_line_at(data, line)):
            if name is not None:
                return after
            name, stray = agency, 0
        else:
            stray += 1
            if stray > GARBAGE_LINES:
                return after
        after = line
        if line <= start:
            return start
        line = max(start, data.rfind(b"\n", start, line - 1) + 1)


def _ranges(
    data: mmap.mmap, size: int = BLOCK, placed: Callable[[bytes], bool] = _anywhere
) -> Iterator[tuple[int, int]]:
    """The lines after the header as (start, end) offsets, in blocks of about ``size`` bytes
    that end where an agency ends, so that blocks can be checked on their own, in any order
    (``placed``: whether a line can be read as a line of an agency; see ``_agency_cut``)."""
    start = data.find(b"\n") + 1
    while 0 < start < len(data):
        end = min(len(data), start + size)
        while end < len(data):
            cut = _agency_cut(data, start, end, placed)
            if cut > start:
                end = cut
                break
            if end - start >= 16 * size:  # an agency longer than 16 blocks is cut at a line's end
                end = data.rfind(b"\n", start, end) + 1 or end
                break
            end = min(len(data), end + size)
        yield start, end
        start = end


# -- one block -----------------------------------------------------------------------------------


class _BlockChecker:
    """Checks blocks of a form's CSV files: the form's rules compiled, its labels' cells as
    they are met. Shared by the worker threads, and kept for the next file of the same form
    (its caches only grow, under the GIL)."""

    def __init__(self, form: Form) -> None:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        self.form = form
        self.matrix = compile_rules(form)
        self.keys = KeyIndex(form, near=False)  # labels of machine exports: exact (no slips read silently)
        self.cells: dict[tuple[str, str], int] = {}  # (row, column) as written -> matrix column
        self.unknowns: dict[str, Diagnostic] = {}  # D305 of a (row, column) that names no cell
        self.layouts: dict[tuple[tuple[bytes, ...], tuple[bytes, ...]], _Layout] = {}
        # bytes, not text: UTF-8 is checked where it matters (names, labels), not in every digit
        self.convert = pacsv.ConvertOptions(column_types=dict.fromkeys(NAMES, pa.binary()), strings_can_be_null=False)

    # (row, column) labels -> cell, once per distinct pair
    def cell(self, row: str, column: str) -> int:
        key = (row, column)
        found = self.cells.get(key)
        if found is None:
            if len(self.cells) >= 1 << 16:  # garbage labels must not pile up across blocks
                self.cells.clear()
            found = self.cells[key] = self._resolve(row, column)
        return found

    def _resolve(self, row: str, column: str) -> int:
        ids = self.keys.resolve(row).ids
        if len(ids) != 1:
            return -1
        found = ids[0] if not column.strip() else None
        if found is None:
            inside = self.keys.resolve(column, ids[0]).ids
            found = inside[0] if len(inside) == 1 else None
        return self.matrix.index.get(found, -1) if found is not None else -1

    def layout(self, rows: list[bytes], cols: list[bytes]) -> _Layout:
        """The layout of an agency's lines, given their row and column texts as written."""
        key = (tuple(rows), tuple(cols))
        if key not in self.layouts:
            cells = np.array([self.cell(_text(r), _text(c)) for r, c in zip(rows, cols, strict=True)], dtype=np.int64)
            complete = len(cells) == len(self.matrix.ids) and set(cells.tolist()) == set(range(len(cells)))
            segs, seg_bounds = layout_bytes(rows, cols)
            self.layouts[key] = _Layout(cells, self.matrix.reordered(cells) if complete else None, segs, seg_bounds)
        return self.layouts[key]

    def first_layout(self, raw: np.ndarray, size: int) -> _Layout | None:
        """The layout of the block's first agency, when its lines are plain (no quotes) and it
        gives every cell once; None otherwise."""
        look = 1 << 13
        while True:  # more of the block until the first agency ends in it
            head = raw[: min(size, look)].tobytes()
            rows, cols, name = [], [], None
            for line in head.split(b"\n")[:-1]:  # whole lines only
                fields = line.removesuffix(b"\r").split(b",")
                if len(fields) != len(NAMES) or b'"' in line:
                    return None
                if name is not None and fields[0] != name:
                    break
                name = fields[0]
                rows.append(fields[1])
                cols.append(fields[2])
            else:
                if len(head) < size:
                    look *= 4
                    continue
            found = self.layout(rows, cols) if rows else None
            return found if found is not None and found.matrix is not None else None

    def placed(self, line: bytes) -> bool:
        """Whether a line (without its line end) is a line of an agency: four fields whose
        row and column name a cell of the form."""
        fields = _fields(line)
        return fields is not None and len(fields) == len(NAMES) and self.cell(_text(fields[1]), _text(fields[2])) >= 0

    def unknown(self, key: str, where: str) -> Diagnostic:
        """D305 for a line's (row, column) that names no cell; the suggestions made once per key."""
        found = self.unknowns.get(key)
        if found is None:
            if len(self.unknowns) >= 4096:
                self.unknowns.clear()
            found = self.unknowns[key] = self.keys.unknown(key)
        return replace(found, data_path=where)

    def check(self, handle: io.BufferedReader, path: Path, start: int, end: int, compiled: bool) -> _Block:
        """The lines at bytes ``start:end`` of the file (whole agencies): by the compiled scan
        when it is to be used and can, otherwise by pyarrow's reader."""
        raw = _read(handle, start, end - start)
        size = len(raw) - SPARE
        scanned = self.scanned(raw, size, str(path)) if compiled else None
        if scanned is not None:
            return scanned
        return self.table(raw, size, path, os.fstat(handle.fileno()).st_size - start)

    def table(self, raw: np.ndarray, size: int, path: Path, rest: int, judge: bool = True) -> _Block:
        """The block read by pyarrow's CSV reader, whatever its lines: those it cannot read
        (not four fields, a quote never closed, a carriage return inside) are left out first and
        reported at their line, so that one of them costs that line only, never the lines after
        it. A block mostly of lines that are not an agency's ends the reading of the file there
        (D343; ``rest``: the bytes from the block's start to the file's end), after the agencies
        before them are read (``judge`` False: no such judgement)."""
        table = self.plain(raw[:size])
        lines = _sort_lines(raw, size) if table is None else _Sorted(raw[:size], None, table.num_rows, None, [])
        where = f"{path}:"
        kept = lines.kept if lines.kept is not None else np.arange(lines.lines)
        try:
            if judge and _garbage(len(lines.bad), lines.lines):  # the lines left out say so already
                raise _NotAgencies(kept, kept[:0], lines.lines)
            return self.read(lines, kept, size, path, judge, table)
        except _NotAgencies as garbage:
            if lines.starts is None:
                lines = _sort_lines(raw, size)
            assert lines.starts is not None
            line, bad = _garbage_start(lines, garbage)
            before = self.table(raw, int(lines.starts[line]), path, rest, judge=False) if line else None
            stop = diag(
                "D343",
                None,
                data_path=f"{where}{line + 1}",
                lines=garbage.horizon - line,
                bad=bad,
                rest=_megabytes(rest - int(lines.starts[line]) if line < lines.lines else 0),
            )
            return _Block(
                size,
                lines.lines,
                before.names if before else [],
                before.findings if before else {},
                [*(before.problems if before else ()), stop],
                stop=True,
            )

    def plain(self, data: np.ndarray) -> Any | None:
        """The lines read by pyarrow at once, when each is surely one row of four fields for it
        (no quote, no carriage return but before a line feed, and pyarrow finds no line of
        another length); None otherwise: then they are sorted first (``_sort_lines``)."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        if (data == _QUOTE).any():
            return None
        returns = np.flatnonzero(data == _CR)
        returns = returns[returns + 1 < len(data)]
        if len(returns) and not (data[returns + 1] == _NEWLINE).all():
            return None
        try:  # without a handler: a line of another length ends the reading, at once
            return pacsv.read_csv(
                pa.py_buffer(data),
                read_options=pacsv.ReadOptions(column_names=list(NAMES), use_threads=False, block_size=len(data) + 1),
                parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
                convert_options=self.convert,
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None

    def read(
        self, lines: _Sorted, kept: np.ndarray, size: int, path: Path, judge: bool, table: Any | None = None
    ) -> _Block:
        """The lines pyarrow can read (``kept``) of a block of ``size`` bytes, read by it (unless
        ``table`` holds them already) and checked; raises _NotAgencies (when ``judge``) for a
        block mostly of lines that name no cell."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        where = f"{path}:"
        problems = [_line_problem(f"{where}{k + 1}", kind, text, n) for k, kind, text, n in lines.bad]
        skipped: list[int | None] = []  # rows pyarrow left out (1-based in what it read): none expected

        def invalid(row: Any) -> str:
            skipped.append(row.number)
            return "skip"

        if not len(kept):  # no line pyarrow can read
            return _Block(size, lines.lines, [], {}, problems)
        try:
            if table is None:
                table = pacsv.read_csv(
                    pa.py_buffer(lines.text),
                    read_options=pacsv.ReadOptions(
                        column_names=list(NAMES), use_threads=False, block_size=len(lines.text) + 1
                    ),
                    parse_options=pacsv.ParseOptions(invalid_row_handler=invalid, ignore_empty_lines=False),
                    convert_options=self.convert,
                )
            if table.num_rows + len(skipped) != len(kept) or None in skipped:
                raise pa.ArrowInvalid(f"{table.num_rows} rows of {len(kept)} lines")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:  # not expected: the lines were sorted
            first = int(kept[0]) + 1 if len(kept) else 1
            problem = _csv_problem(
                f"{where}{first}",
                f"从这一行起的 {len(kept)} 行无法读取：{str(exc)[:120]}",
                f"the {len(kept)} lines from here could not be read: {str(exc)[:120]}",
            )
            return _Block(size, lines.lines, [], {}, [*problems, problem])
        if skipped:
            gone = sorted(int(r) - 1 for r in skipped if r is not None)
            for r in gone:
                problems.append(_csv_problem(f"{where}{kept[r] + 1}", "这一行无法读取", "this line could not be read"))
            kept = np.delete(kept, gone)
        reader = _TableLines(self, str(path), table, 1 + kept, problems)
        return reader.run(size, lines.lines, len(lines.bad) if judge else None)

    def scanned(self, raw: np.ndarray, size: int, file: str) -> _Block | None:
        """The block read by the compiled scan, when it is loaded and every agency has the
        first one's plain lines (the usual export); None when it must be read by pyarrow's
        general reader."""
        import pyarrow as pa
        import pyarrow.compute as pc

        kernel = scan.loaded()
        layout = self.first_layout(raw, size) if kernel is not None else None
        if kernel is None or layout is None:
            return None
        count, values, names, name_bounds, others = scan.scan_block(kernel, raw, size, layout.segs, layout.seg_bounds)
        if count <= 0:
            return None
        width = len(layout.seg_bounds) - 1
        offsets = pa.py_buffer(name_bounds[: count + 1].astype(np.int32))
        try:
            texts = pc.cast(
                pa.Array.from_buffers(pa.binary(), count, [None, offsets, pa.py_buffer(names)]), pa.string()
            )
        except pa.ArrowInvalid:  # a name not in UTF-8: reported by the general reader
            return None
        agencies = texts.to_pylist()
        if not all(name.strip() for name in agencies):
            return None
        values = values[: count * width]
        spans = others[: np.count_nonzero(values == OTHER)].tolist()
        written = {row: raw[first:last].tobytes() for row, first, last in spans}
        return _ScannedLines(self, file, layout, values, written).run(size, agencies)


def _read(handle: io.BufferedReader, start: int, size: int) -> np.ndarray:
    """Bytes ``start:start+size`` of a file, then ``SPARE`` zero bytes for the scan, read
    without holding the GIL (reading the file through its memory map would fault its pages in
    while holding it, one thread at a time), into this thread's buffer: valid until the
    thread reads its next block (what is kept of a block is copied out of it)."""
    buffer: np.ndarray | None = getattr(_buffers, "buffer", None)
    if buffer is None or len(buffer) < size + SPARE:
        buffer = _buffers.buffer = np.empty(size + SPARE, dtype=np.uint8)
    done = 0
    while done < size:
        got = _read_at(handle, buffer.data[done:size], start + done)
        if got <= 0:  # the file got shorter meanwhile
            break
        done += got
    buffer[done : done + SPARE] = 0
    return buffer[: done + SPARE]


def _read_at(handle: io.BufferedReader, into: memoryview, at: int) -> int:
    """Read into ``into`` from byte ``at``: with ``os.preadv`` where there is one (Linux, the
    BSDs, macOS), without touching the file's position; elsewhere (Windows) by seeking the
    shared handle, one thread at a time."""
    if _PREADV is not None:
        return int(_PREADV(handle.fileno(), [into], at))
    with _seeking:
        handle.seek(at)
        return handle.readinto(into) or 0


_PREADV = getattr(os, "preadv", None)
_seeking = threading.Lock()
_buffers = threading.local()  # each worker thread's block buffer


_CHECKERS: dict[int, _BlockChecker] = {}  # by id(form): each holds its form, so the id stays its own


def _checker(form: Form) -> _BlockChecker:
    """The block checker of a form, made once (compiling its rules) for all its files."""
    found = _CHECKERS.get(id(form))
    if found is None:
        while len(_CHECKERS) >= 8:
            _CHECKERS.pop(next(iter(_CHECKERS)))
        found = _CHECKERS[id(form)] = _BlockChecker(form)
    return found


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _utf8(raw: bytes) -> str:
    """The text of some bytes, or "" when they are not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return ""


def _parts(array: Any) -> tuple[np.ndarray, np.ndarray]:
    """A pyarrow binary array's offsets and bytes, as numpy views."""
    _, offsets, data = array.buffers()
    start = np.frombuffer(offsets, dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return start, raw


def _repeats(array: Any, period: int) -> bool:
    """Whether a binary array is its first ``period`` values over and over."""
    if period == 0 or len(array) % period:
        return False
    offsets, raw = _parts(array)
    times = len(array) // period
    lengths = np.diff(offsets).reshape(times, period)
    if not (lengths == lengths[0]).all():
        return False
    chars = raw[offsets[0] : offsets[-1]].reshape(times, -1)
    return bool((chars == chars[0]).all())


@dataclass(frozen=True)
class _Layout:
    """The lines of an agency as written: each line's cell, the matrix with its columns in the
    lines' order when they give every cell once (else None), and their ``,row,column,``
    parts for the compiled scan."""

    cells: np.ndarray
    matrix: RuleMatrix | None
    segs: np.ndarray
    seg_bounds: np.ndarray


class _Lines:
    """One block's lines, once read: the matrix pass over its agencies, then the exact check
    of the agencies it flags. Subclasses read the lines (pyarrow's table, or the compiled
    scan). ``cells`` index ``self.matrix``, which is the form's matrix with its columns in the
    order of the agencies' lines when every agency has the same lines (``regular``)."""

    def __init__(self, owner: _BlockChecker, file: str, lines: np.ndarray, problems: list[Diagnostic]) -> None:
        self.owner, self.matrix, self.file = owner, owner.matrix, file
        self.lines = lines  # each row's line, counted from the block's first
        self.problems = problems  # of the file
        self.line_problems: dict[int, list[Diagnostic]] = {}  # row -> its problems
        self.regular = False

    def where(self, row: int) -> str:
        return f"{self.file}:{int(self.lines[row])}"

    def written(self, start: int, end: int) -> Callable[[int], str]:
        """The values of rows ``start..end`` as written, taken now: row ``start + k`` -> text."""
        raise NotImplementedError

    def others(
        self, rows: np.ndarray, texts: Any, cells: np.ndarray, numbers: np.ndarray, has: np.ndarray, closer: np.ndarray
    ) -> None:
        """Read the values of some rows that are not plain digits (``texts``, pyarrow binary):
        decimal numbers at once (pyarrow), the rest one by one (parse_value). Negative
        numbers and those with more places than their cell are marked for the exact check;
        unreadable values are reported."""
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            decimal = np.asarray(pc.match_substring_regex(pc.cast(texts, pa.string()), _DECIMAL), dtype=bool)
        except pa.ArrowInvalid:  # not UTF-8: each value on its own
            decimal = np.zeros(len(rows), dtype=bool)
        if decimal.any():
            chosen = rows[decimal]
            found = pc.cast(texts.filter(pa.array(decimal)), pa.string())
            numbers[chosen] = np.asarray(pc.cast(found, pa.float64()))
            has[chosen] = True
            dot = np.asarray(pc.find_substring(found, "."))
            places = np.where(dot >= 0, np.asarray(pc.binary_length(found)) - dot - 1, 0)
            closer[chosen] = (places > self.matrix.decimals[cells[chosen]]) | (numbers[chosen] < 0)
        for row, raw in zip(rows[~decimal].tolist(), texts.filter(pa.array(~decimal)).to_pylist(), strict=True):
            parsed = parse_value(_text(raw))
            item = self.owner.form.item(self.matrix.ids[cells[row]])
            number = cell_number(parsed, item.unit)
            if number is not None:
                numbers[row], has[row] = float(number), True
                closer[row] = number < 0 or number != number.to_integral_value()
                if parsed.kind is ValueKind.NUMBER:
                    continue
            problem = value_problem(item, _text(raw), parsed, data_path=self.where(row))
            if problem is not None:
                self.line_problems.setdefault(row, []).append(problem)

    def judge(
        self,
        size: int,
        lines: int,
        names: list[str],
        bounds: np.ndarray,
        cells: np.ndarray,
        values: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> _Block:
        """The block's outcome (``size`` bytes, ``lines`` lines), from its agencies (``names``,
        the rows where each starts and the end), each row's cell and its value (number,
        whether given, whether the exact check must look at it)."""
        numbers, has, closer = values

        def agency(rows: np.ndarray) -> np.ndarray:  # the agencies of some rows
            return np.searchsorted(bounds, rows, side="right") - 1

        if len(set(names)) != len(names):
            again = next(n for k, n in enumerate(names) if n in names[:k])
            self.problems.append(_apart(self.where(int(bounds[names.index(again, names.index(again) + 1)])), again))
        if self.regular:  # the rows are the matrix's columns, in order
            grid, present, twice = numbers.reshape(len(names), -1), has.reshape(len(names), -1), np.zeros(0, np.int64)
        else:
            grid, present, twice = self.grid(bounds, cells, numbers, has)
        broken = rule_flags(self.matrix, grid, present)
        flagged = np.asarray(broken.any(axis=1) | ~present.all(axis=1), dtype=bool)
        by_agency: dict[int, list[Diagnostic]] = {}
        for row, found in sorted(self.line_problems.items()):
            by_agency.setdefault(int(agency(np.array(row))), []).extend(found)
        whole = set(agency(twice).tolist())  # agencies with a cell given twice: check every rule
        flagged[agency(np.flatnonzero(closer))] = True
        flagged[list(by_agency) + list(whole)] = True
        findings: dict[int, tuple[Diagnostic, ...] | _Deferred] = {}
        for a in np.flatnonzero(flagged).tolist():
            start, end = int(bounds[a]), int(bounds[a + 1])
            if a in whole:
                rules, look = list(self.matrix.rules), list(range(len(self.matrix.ids)))
            else:
                failed = np.flatnonzero(broken[a])
                rules = [self.matrix.rules[k] for k in failed]
                look = sorted(
                    set(np.flatnonzero(~present[a]).tolist()) | set(cells[start:end][closer[start:end]].tolist())
                )
                if not look and a not in by_agency and self.matrix.whole[failed].all():
                    findings[a] = _Deferred(tuple(rules), self.exact(names[a], start, end, cells, rules, look))
                    continue
            found = by_agency.get(a, []) + self.exact(names[a], start, end, cells, rules, look)()
            if found:
                findings[a] = tuple(found)
        return _Block(size, lines, names, findings, self.problems)

    def grid(
        self, bounds: np.ndarray, cells: np.ndarray, numbers: np.ndarray, has: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """agencies × cells: the numbers (0 where blank), whether each cell has one, and the
        rows that give a cell its agency has already been given (reported as D307)."""
        width, agencies = len(self.matrix.ids), len(bounds) - 1
        agency = np.repeat(np.arange(agencies), np.diff(bounds))
        grid = np.zeros((agencies, width))
        present = np.zeros((agencies, width), dtype=bool)
        known = cells >= 0
        flat = agency * width + np.where(known, cells, 0)
        counts = np.bincount(flat[known], minlength=agencies * width)
        twice = np.flatnonzero(known & (counts[flat] > 1))
        first: dict[int, int] = {}
        for row in twice.tolist():  # a cell given twice: the first value counts, as in YAML files
            if first.setdefault(int(flat[row]), row) != row:
                label = self.owner.form.item(self.matrix.ids[cells[row]]).label
                self.line_problems.setdefault(row, []).append(
                    diag("D307", None, data_path=self.where(row), label=label)
                )
        given = known & has
        given[twice] = False
        given[list(first.values())] = has[list(first.values())]
        grid.ravel()[flat[given]] = numbers[given]
        present.ravel()[flat[given]] = True
        return grid, present, twice

    def exact(
        self, name: str, start: int, end: int, cells: np.ndarray, rules: list[Rule], look: list[int]
    ) -> Callable[[], list[Diagnostic]]:
        """The exact (Decimal) check of some rules and cells of one agency (rows start..end):
        its rows are copied now (the block's arrays are not kept), the check is made when it
        is called."""
        written, lines, mine = self.written(start, end), self.lines[start:end].copy(), cells[start:end].copy()
        ids, index, form, file = self.matrix.ids, self.matrix.index, self.owner.form, self.file

        def check() -> list[Diagnostic]:
            needed = {index[i] for i in {ids[c] for c in look} | {i for rule in rules for i in rule.ids}}
            values: dict[str, CellValue] = {}
            line_of = lines.tolist()
            for k, c in enumerate(mine.tolist()):
                if c not in needed or ids[c] in values:  # a cell given twice: the first value counts
                    continue
                text = written(k)
                number = cell_number(parse_value(text), form.item(ids[c]).unit)
                values[ids[c]] = CellValue(ids[c], number, text, f"{file}:{line_of[k]}", None)
            instance = Instance(file, MappingProxyType({"agency": name}), None, MappingProxyType(values))
            return list(check_some(form, instance, rules, [ids[c] for c in look]))

        return check


class _TableLines(_Lines):
    """A block read by pyarrow's CSV reader, whatever its lines: agencies, cells and values as
    arrays."""

    def __init__(
        self, owner: _BlockChecker, file: str, table: Any, lines: np.ndarray, problems: list[Diagnostic]
    ) -> None:
        import pyarrow.compute as pc

        agency = table.column("agency").combine_chunks()
        offsets, _ = _parts(agency)
        if table.num_rows and (offsets[1:] == offsets[:-1]).any():  # an agency left empty: blank lines?
            empty = pc.equal(agency, b"")
            for name in NAMES[1:]:
                empty = pc.and_(empty, pc.equal(table.column(name), b""))
            keep = pc.invert(empty)
            table, lines = table.filter(keep), lines[np.asarray(keep)]
            agency = table.column("agency").combine_chunks()
        super().__init__(owner, file, lines, problems)
        self.table, self.agency = table, agency
        self.n = table.num_rows
        self.value = table.column("value").combine_chunks()

    def run(self, size: int, lines: int, unreadable: int | None) -> _Block:
        """The block's outcome (``lines`` lines, ``unreadable`` of them left out before); raises
        _NotAgencies when it is mostly lines that are not an agency's (None: never)."""
        if self.n == 0:
            return _Block(size, lines, [], {}, self.problems)
        runs = self.runs()
        cells = self.cells(runs, unreadable is not None)
        unplaced = np.flatnonzero(cells < 0)
        if unreadable is not None and len(unplaced) and _garbage(unreadable + len(unplaced), lines):
            raise _NotAgencies(self.lines[cells >= 0] - 1, self.lines[unplaced] - 1, lines)
        if len(unplaced):
            cells = self.leave_out(unplaced, cells)
            if self.n == 0:
                return _Block(size, lines, [], {}, self.problems)
            runs = self.runs()
        names, bounds = self.agencies(runs)
        return self.judge(size, lines, names, bounds, cells, self.values(cells))

    def leave_out(self, rows: np.ndarray, cells: np.ndarray) -> np.ndarray:
        """Leave out the lines whose (row, column) names no cell of the form, each reported
        (D305) with the agency of its name when a line beside it, or another line of the block,
        has that name, else as a problem of the file. So a stray line among an agency's lines
        does not cut it in two, and a name none of whose lines names a cell is no agency.
        Returns the cells of the lines kept."""
        import pyarrow as pa

        picked = pa.array(rows)
        names = self.agency.take(picked).to_pylist()
        written = zip(
            self.table.column("row").take(picked).to_pylist(),
            self.table.column("column").take(picked).to_pylist(),
            strict=True,
        )
        found = []
        for row, (written_row, written_col) in zip(rows.tolist(), written, strict=True):
            key = f"{_text(written_row)} > {_text(written_col)}" if _text(written_col).strip() else _text(written_row)
            found.append(self.owner.unknown(key, self.where(row)))
        keep = np.ones(self.n, dtype=bool)
        keep[rows] = False
        self.table, self.lines = self.table.filter(pa.array(keep)), self.lines[keep]
        self.agency = self.table.column("agency").combine_chunks()
        self.value = self.table.column("value").combine_chunks()
        self.n = self.table.num_rows
        before = np.cumsum(keep)[rows].tolist()  # the lines kept before each line left out
        first: dict[bytes, int] | None = None  # each name's first line kept
        for name, problem, at in zip(names, found, before, strict=True):
            near = [k for k in (at - 1, at) if 0 <= k < self.n and self.agency[k].as_py() == name]
            if not near and self.n:
                if first is None:
                    first = {}
                    for k, other in enumerate(self.agency.to_pylist()):
                        first.setdefault(other, k)
                near = [first[name]] if name in first else []
            if near:
                self.line_problems.setdefault(near[0], []).append(problem)
            else:
                self.problems.append(problem)
        return cells[keep]

    def written(self, start: int, end: int) -> Callable[[int], str]:
        offsets, raw = _parts(self.value)
        text, edges = raw[offsets[start] : offsets[end]].tobytes(), (offsets[start : end + 1] - offsets[start]).tolist()
        return lambda k: _text(text[edges[k] : edges[k + 1]])

    def runs(self) -> np.ndarray:
        """Where each run of lines of one name starts, with the end after them."""
        import pyarrow.compute as pc

        change = np.asarray(pc.not_equal(self.agency[1:], self.agency[:-1]), dtype=bool)
        return np.concatenate(([0], np.flatnonzero(change) + 1, [self.n])).astype(np.int64)

    def agencies(self, runs: np.ndarray) -> tuple[list[str], np.ndarray]:
        """The agencies' names in order, and where each agency's rows start (with the end
        after them), given where each run of lines of one name starts (``runs``)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        agency = self.agency
        starts = runs[:-1]
        firsts = agency.take(pa.array(starts))
        try:
            names = pc.cast(firsts, pa.string()).to_pylist()  # UTF-8 checked at once
        except pa.ArrowInvalid:
            names = [_utf8(raw) for raw in firsts.to_pylist()]
        for k in [k for k, name in enumerate(names) if not name.strip()]:
            where = self.where(int(starts[k]))
            self.line_problems.setdefault(int(starts[k]), []).append(
                _csv_problem(where, "机关名称为空或不是 UTF-8 编码", "the agency's name is empty or not UTF-8")
            )
            names[k] = names[k] or _text(firsts[k].as_py())
        return names, np.append(starts, self.n)

    def cells(self, bounds: np.ndarray, judge: bool = False) -> np.ndarray:
        """Each row's cell (a column of ``self.matrix``), -1 where its (row, column) names
        none. When the row and column texts repeat the first agency's exactly, its cells are
        repeated; otherwise the texts are dictionary-encoded and each distinct pair resolved
        (``judge``: until the labels met so far are mostly unknown: raises _NotAgencies)."""
        import pyarrow.compute as pc

        rows = self.table.column("row").combine_chunks()
        cols = self.table.column("column").combine_chunks()
        first = int(bounds[1] - bounds[0])
        same = len(bounds) - 1 == self.n // first and bool((np.diff(bounds) == first).all())
        if same and _repeats(rows, first) and _repeats(cols, first):
            layout = self.owner.layout(rows[:first].to_pylist(), cols[:first].to_pylist())
            if layout.matrix is not None:
                self.matrix, self.regular = layout.matrix, True
                return np.tile(np.arange(first), self.n // first)
            return np.tile(layout.cells, self.n // first)
        row_codes, col_codes = pc.dictionary_encode(rows), pc.dictionary_encode(cols)
        width = len(col_codes.dictionary)
        pairs = np.asarray(row_codes.indices, dtype=np.int64) * width + np.asarray(col_codes.indices, dtype=np.int64)
        distinct, met, inverse = np.unique(pairs, return_index=True, return_inverse=True)
        found = np.empty(len(distinct), dtype=np.int64)
        row_dict, col_dict = row_codes.dictionary, col_codes.dictionary
        inverse = np.ravel(inverse)
        unknown = 0
        # the pairs that occur (not every row text with every column text), in the order met:
        # garbage is told by its many unknown labels before they are all looked up
        for j in np.argsort(met).tolist():
            r, c = divmod(int(distinct[j]), width)
            found[j] = self.owner.cell(_text(row_dict[r].as_py()), _text(col_dict[c].as_py()))
            unknown += int(found[j] < 0)
            if judge and found[j] < 0 and _garbage(unknown, int(met[j]) + 1):  # each a line, at least
                known = found[inverse[: met[j] + 1]]  # the lines so far: their pairs are all looked up
                lines = self.lines[: met[j] + 1] - 1
                raise _NotAgencies(lines[known >= 0], lines[known < 0], int(lines[-1]) + 1)
        return np.asarray(found[inverse], dtype=np.int64)

    def values(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's number (float), whether it has one, and whether its cell must be looked
        at exactly (negative, decimals). Plain digits are read at once, the rest by
        ``others``."""
        import pyarrow as pa
        import pyarrow.compute as pc

        offsets, raw = _parts(self.value)
        lengths = np.diff(offsets)
        plain = (lengths >= 1) & (lengths <= MAX_INTEGER_DIGITS)
        not_digit = np.flatnonzero(~_DIGITS[raw[offsets[0] : offsets[-1]]]) + offsets[0]
        if not_digit.size:
            plain[np.searchsorted(offsets, not_digit, side="right") - 1] = False
        has = plain.copy()
        closer = np.zeros(self.n, dtype=bool)
        digits = pa.Array.from_buffers(pa.string(), len(self.value), self.value.buffers(), offset=self.value.offset)
        if plain.all():  # ASCII digits, at most 15: exact as int64 and as float64
            return np.asarray(pc.cast(digits, pa.int64())).astype(np.float64), has, closer
        numbers = np.zeros(self.n)
        if plain.any():
            numbers[plain] = np.asarray(pc.cast(digits.filter(pa.array(plain)), pa.int64()))
        rest = np.flatnonzero(~plain & (cells >= 0))
        self.others(rest, self.value.take(pa.array(rest)), cells, numbers, has, closer)
        return numbers, has, closer


class _ScannedLines(_Lines):
    """A block read by the compiled scan: every agency has the layout's lines, in its order."""

    def __init__(
        self, owner: _BlockChecker, file: str, layout: _Layout, values: np.ndarray, written: dict[int, bytes]
    ) -> None:
        super().__init__(owner, file, np.arange(1, len(values) + 1), [])
        assert layout.matrix is not None
        self.matrix, self.regular = layout.matrix, True
        self.values = values  # each row's number, BLANK or OTHER
        self.texts = written  # the values of the OTHER rows

    def run(self, size: int, names: list[str]) -> _Block:
        import pyarrow as pa

        width = len(self.matrix.ids)
        cells = np.tile(np.arange(width), len(names))
        has = self.values >= 0
        numbers = np.where(has, self.values, 0).astype(np.float64)
        closer = np.zeros(len(self.values), dtype=bool)
        if self.texts:
            rows = np.array(list(self.texts), dtype=np.int64)
            self.others(rows, pa.array(list(self.texts.values()), pa.binary()), cells, numbers, has, closer)
        bounds = np.arange(len(names) + 1) * width
        return self.judge(size, len(self.values), names, bounds, cells, (numbers, has, closer))

    def written(self, start: int, end: int) -> Callable[[int], str]:
        numbers = self.values[start:end].tolist()
        texts = {row - start: _text(text) for row, text in self.texts.items() if start <= row < end}
        return lambda k: texts[k] if k in texts else str(numbers[k]) if numbers[k] >= 0 else ""


# -- the whole file --------------------------------------------------------------------------------


def check_csv(
    form: Form,
    path: Path,
    on_agency: Callable[[AgencyResult], None] | None = None,
    progress: Callable[[int], None] = lambda n: None,
    workers: int = WORKERS,
    every: bool = False,
    block_size: int = BLOCK,
    compiled: bool | None = None,
    max_bytes: int = MAX_BYTES,
) -> BatchSummary:
    """Check every agency of a long CSV; ``on_agency`` receives the result of each agency with
    findings (``every``: of each agency), in file order.

    Blocks of whole agencies are checked by ``workers`` threads (the scan, pyarrow and numpy work
    outside the GIL), at most a few blocks ahead of the one being reported, so memory is bounded by
    the block size, not by the file's.

    ``compiled``: read the usual export with the compiled scan (``scan``): True loads it if
    this process has not (about half a second, once), False reads with pyarrow only; None uses it when
    it is loaded, or when the file is large enough to repay loading it.

    A file larger than ``max_bytes`` is refused before it is read (D340). Every line that
    cannot be read as an agency's is reported at its line, and the lines after it are read as
    usual; a block mostly of such lines ends the reading (D343). ``agencies`` in the summary
    counts the distinct agencies read."""
    summary = BatchSummary(str(path))
    size = path.stat().st_size
    if size > max_bytes:
        summary.problems.append(
            diag("D340", None, data_path=f"{path}:1", size=_megabytes(size), limit=_megabytes(max_bytes))
        )
        return summary
    problem = _header_problem(path)
    if problem is not None:
        summary.problems.append(problem)
        return summary
    _retain_freed_memory()
    if compiled or (compiled is None and scan.loaded() is None and size >= scan.WORTH_LOADING):
        scan.load()
    scanning = compiled is not False and scan.loaded() is not None
    checker = _checker(form)
    seen: set[str] = set()
    line = 2  # of the block being reported
    pending: deque[Future[_Block]] = deque()
    with path.open("rb") as handle, _mapped(handle) as data, ThreadPoolExecutor(max(1, workers)) as pool:
        ranges = _ranges(data, block_size, checker.placed)
        try:
            while True:
                while len(pending) < 3 * workers and (item := next(ranges, None)) is not None:  # a few blocks ahead
                    pending.append(pool.submit(checker.check, handle, path, *item, scanning))
                if not pending:
                    break
                block = pending.popleft().result()
                progress(block.size)
                summary.problems.extend(_rebase(d, path, line - 1) for d in block.problems)
                again = seen.intersection(block.names)
                if again:
                    name = min(again)
                    summary.problems.append(_apart(str(path), name))
                seen.update(block.names)
                summary.agencies = len(seen)  # an agency whose lines are apart is one agency
                _report(summary, block, line - 1, on_agency, every)
                line += block.lines
                if block.stop:
                    break
        finally:
            for future in pending:
                future.cancel()
            wait(pending)
    return summary


def _retain_freed_memory() -> None:
    """Each block allocates a few arrays of a megabyte or so (numpy, through malloc). glibc's
    malloc maps such arrays fresh from the kernel and unmaps them when freed, so every block
    pays thousands of page faults, which doubled the time of a batch. Raising its thresholds
    keeps freed memory in the process for the next block (no-op without glibc)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30)
    libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # glibc's largest


@contextmanager
def _mapped(handle: BinaryIO) -> Iterator[mmap.mmap]:
    """The file mapped into memory, read only (an empty file as an empty mapping of nothing)."""
    if os.fstat(handle.fileno()).st_size == 0:
        yield mmap.mmap(-1, 1)  # nothing to read: an anonymous page
        return
    data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield data
    finally:
        data.close()


def _made(deferred: _Deferred, path: Path, shift: int) -> tuple[Diagnostic, ...]:
    return tuple(_rebase(d, path, shift) for d in deferred.make())


def _report(
    summary: BatchSummary, block: _Block, shift: int, on_agency: Callable[[AgencyResult], None] | None, every: bool
) -> None:
    path = Path(summary.path)
    results: dict[int, AgencyResult] = {}
    for a, found in block.findings.items():
        if isinstance(found, _Deferred):
            failing = [(r.id, failure_severity(r)) for r in found.rules]
            made: tuple[Diagnostic, ...] = ()
            make = partial(_made, found, path, shift)
        else:
            made = tuple(_rebase(d, path, shift) for d in found)
            failing = [(d.rule.id if d.rule else "", d.severity) for d in made]
            make = None
        count = Counter(severity for _, severity in failing)
        results[a] = AgencyResult(block.names[a], made, count[Severity.ERROR], count[Severity.WARNING], make)
        summary.with_errors += count[Severity.ERROR] > 0
        summary.rules.update(i.split("@")[0] for i, severity in failing if i and severity is Severity.ERROR)
    if on_agency is not None and every:
        for a, name in enumerate(block.names):
            on_agency(results.get(a) or AgencyResult(name, (), 0, 0))
    elif on_agency is not None:
        for a in sorted(results):
            on_agency(results[a])


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
