"""Reading a block: by the compiled scan (``scan``, numba) when it is loaded and the block
is the usual export, otherwise by pyarrow's CSV reader, whatever its lines. Both give a
block's agencies, each row's cell and value, to ``flagged._Lines``; a test holds that they
read every file alike."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance import scan
from baobiao.instance.batch.blocks import NAMES, _megabytes, _read
from baobiao.instance.batch.flagged import _Block, _Lines
from baobiao.instance.batch.lines import (
    _CR,
    _NEWLINE,
    _QUOTE,
    _csv_problem,
    _fields,
    _garbage,
    _garbage_start,
    _line_problem,
    _NotAgencies,
    _sort_lines,
    _Sorted,
    _text,
)
from baobiao.instance.batch.matrix import RuleMatrix, compile_rules
from baobiao.instance.keys import KeyIndex
from baobiao.instance.scan import OTHER, SPARE, layout_bytes
from baobiao.instance.values import MAX_INTEGER_DIGITS
from baobiao.model import Form

_DIGITS = np.zeros(256, dtype=bool)
_DIGITS[ord("0") : ord("9") + 1] = True


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

        if (data == _QUOTE).any():
            return None
        returns = np.flatnonzero(data == _CR)
        returns = returns[returns + 1 < len(data)]
        if len(returns) and not (data[returns + 1] == _NEWLINE).all():
            return None
        try:  # without a handler: a line of another length ends the reading, at once
            return self.csv_table(data)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None

    def csv_table(self, data: np.ndarray, invalid: Callable[[Any], str] | None = None) -> Any:
        """``data`` read by pyarrow's CSV reader as the four columns, bytes, in one block on this
        thread; ``invalid``: what to do with a row of another length (None: raise)."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        return pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=list(NAMES), use_threads=False, block_size=len(data) + 1),
            parse_options=pacsv.ParseOptions(invalid_row_handler=invalid, ignore_empty_lines=False),
            convert_options=self.convert,
        )

    def read(
        self, lines: _Sorted, kept: np.ndarray, size: int, path: Path, judge: bool, table: Any | None = None
    ) -> _Block:
        """The lines pyarrow can read (``kept``) of a block of ``size`` bytes, read by it (unless
        ``table`` holds them already) and checked; raises _NotAgencies (when ``judge``) for a
        block mostly of lines that name no cell."""
        import pyarrow as pa

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
                table = self.csv_table(lines.text, invalid)
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


_CHECKERS: dict[int, _BlockChecker] = {}  # by id(form): each holds its form, so the id stays its own


def _checker(form: Form) -> _BlockChecker:
    """The block checker of a form, made once (compiling its rules) for all its files."""
    found = _CHECKERS.get(id(form))
    if found is None:
        while len(_CHECKERS) >= 8:
            _CHECKERS.pop(next(iter(_CHECKERS)))
        found = _CHECKERS[id(form)] = _BlockChecker(form)
    return found


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


class _TableLines(_Lines):
    """A block read by pyarrow's CSV reader, whatever its lines: agencies, cells and values as
    arrays."""

    owner: _BlockChecker

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
