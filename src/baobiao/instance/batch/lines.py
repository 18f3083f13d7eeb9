"""A block's lines as bytes, before any reader: the fields of a line as pyarrow's CSV reader
reads them, the lines it can read told from the others (not four fields, a quote never
closed, a carriage return inside), each reported at its line, and when a block is garbage
rather than agencies of the form."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from baobiao.diagnostics.core import Diagnostic, diag

# A block with more unreadable lines than this (not four fields, a quote never closed, labels of
# no cell), and more than readable ones, is not agencies of the form: reading stops where its
# garbage begins (D343), so that garbage fails in seconds, not hours.
GARBAGE_LINES = 1000
_NEWLINE, _CR, _QUOTE, _COMMA = 10, 13, 34, 44
# One field as pyarrow's CSV reader reads it: quoted only when it starts with a quote (inside,
# "" is a quote; what follows the closing quote is kept), else up to the next comma. Atomic and
# possessive, so that a long hostile line costs linear time.
_FIELD_PATTERN = rb'(?>"(?:[^"\r\n]|"")*+"[^,\r\n]*+|[^,"\r\n][^,\r\n]*+|)'
_FIELD = re.compile(_FIELD_PATTERN)
_QUOTED = re.compile(rb'"((?:[^"]|"")*+)"(.*)', re.DOTALL)
_LINE = re.compile(_FIELD_PATTERN + rb"(?:," + _FIELD_PATTERN + rb"){3}\r?")  # four fields
_OPEN = re.compile(rb"(?:" + _FIELD_PATTERN + rb',)*+"(?:[^"\r\n]|"")*+\r?')  # ends inside a quoted field


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _csv_problem(where: str, zh: str, en: str) -> Diagnostic:
    return diag("D321", None, data_path=where, problem=zh, problem_en=en)


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
        fields.append(_unquoted(match.group()))
        if end >= len(line):
            return fields
        at = end + 1


def _unquoted(field: bytes) -> bytes:
    """A field as pyarrow's reader reads it: a quoted one without its quotes (inside, "" is a
    quote), and what follows the closing quote kept."""
    quoted = _QUOTED.fullmatch(field)
    return quoted[1].replace(b'""', b'"') + quoted[2] if quoted else field


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
