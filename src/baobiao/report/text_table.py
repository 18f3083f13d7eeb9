"""Tables as aligned plain text. Widths are display widths (wcwidth: a Chinese character
takes two cells); long labels wrap, and a row's figures stand on its label's last line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from wcwidth import wcswidth, wcwidth

DEFAULT_WIDTH = 100
MIN_LABEL = 16


def width(text: str) -> int:
    w = wcswidth(text)
    return w if w >= 0 else sum(max(0, wcwidth(ch)) for ch in text)


# Chinese line breaking: these may not begin a line (they stay at the end of the previous one).
NO_LINE_START = set("）)]】〕〉》」』，。、；：！？,.;:!?%％”’")


def wrap(text: str, limit: int) -> list[str]:
    """Break text into lines of at most ``limit`` display cells (CJK text has no spaces); a
    closing bracket or punctuation mark is never put at the start of a line."""
    lines, line, used = [], "", 0
    for ch in text:
        w = max(0, wcwidth(ch))
        if used + w > limit and line and ch not in NO_LINE_START:
            lines.append(line)
            line, used = "", 0
        line += ch
        used += w
    return [*lines, line] if line or not lines else lines


def pad(text: str, cells: int, right: bool = False) -> str:
    gap = max(0, cells - width(text))
    return " " * gap + text if right else text + " " * gap


def _label_lines(cells: Sequence[Mapping[str, Any]], level: int) -> tuple[list[tuple[str, int]], int]:
    """A body row's label cells: group labels that start on this row come first, each on a
    line of its own; the row's own label last. Returns ((text, indent) lines, new level)."""
    labels = [c for c in cells if c["header"]]
    lines: list[tuple[str, int]] = []
    for c in labels[:-1]:
        lines.append((str(c["text"]), level))
        lines.extend((n, level) for n in c["notes"])
        level += 1
    if labels:
        own = labels[-1]
        indent = level + int(own["indent"])
        lines.append((str(own["text"]), indent))
        lines.extend((n, indent) for n in own["notes"])
    return lines, level


def _spans(row: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, Mapping[str, Any]]]:
    """(first value column, columns spanned, cell) of a row's cells right of its labels: its
    figures, or in a heading row of a block (table 二) its column headings."""
    cells = [c for c in row if not c["header"]]
    if row and all(c["header"] for c in row) and len(row) > 1:
        cells = list(row[1:])  # a block's heading row: 信息内容 | 本年制发件数 | …
    out, col = [], 0
    for c in cells:
        out.append((col, int(c["colspan"]), c))
        col += int(c["colspan"])
    return out


def _heading_row(row: Sequence[Mapping[str, Any]]) -> bool:
    return bool(row) and all(c["header"] for c in row) and len(row) > 1


def _title_row(row: Sequence[Mapping[str, Any]], label_columns: int) -> bool:
    """A block's title across the table (第二十条第（一）项)."""
    return len(row) == 1 and bool(row[0]["header"]) and int(row[0]["colspan"]) > label_columns


def text_table(table: Mapping[str, Any], total_width: int = DEFAULT_WIDTH) -> str:
    """Header: the value columns' own labels; body: label, then the figures right-aligned. A
    table of blocks (table 二) prints each block's title, its headings and a rule over its rows."""
    if not table["label_columns"]:
        return _transposed(table, total_width)
    header_rows: list[list[Mapping[str, Any]]] = table["header"]
    body: list[list[Mapping[str, Any]]] = table["body"]
    label_columns = int(table["label_columns"])
    leaf_heads = _leaf_headers(header_rows, label_columns)
    rows = [_spans(row) for row in body]
    count = max([len(leaf_heads)] + [col + span for row in rows for col, span, _ in row])
    col_w = [max([width(str(leaf_heads[i])) if i < len(leaf_heads) else 0, 2]) for i in range(count)]
    for placed in rows:
        for col, span, cell in sorted(placed, key=lambda x: x[1]):
            need = width(str(cell["text"])) - sum(col_w[col : col + span]) - 2 * (span - 1)
            if need > 0:
                col_w[col + span - 1] += need
    figures_w = sum(w + 2 for w in col_w)
    label_w = max(MIN_LABEL, total_width - figures_w)
    rule = "-" * min(total_width, label_w + figures_w)
    lines: list[str] = []
    if leaf_heads:
        corner = str(header_rows[0][0]["text"]) if label_columns else ""
        head = corner if width(corner) <= label_w else ""
        if corner and not head:  # a long corner note stands above the column heads
            lines.extend(wrap(corner, total_width))
        lines.extend(_row(head, [(i, 1, h) for i, h in enumerate(leaf_heads)], col_w, label_w, right=False))
        lines.append(rule)
    open_groups: list[int] = []  # rows left under each open group label
    for row, cells in zip(body, rows, strict=True):
        if _title_row(row, label_columns):
            lines.extend(
                ["", *wrap(str(row[0]["text"]), total_width)] if lines else wrap(str(row[0]["text"]), total_width)
            )
            continue
        if _heading_row(row):
            heads = [(col, span, str(c["text"])) for col, span, c in cells]
            lines.extend(_row(str(row[0]["text"]), heads, col_w, label_w, right=True))
            lines.append(rule)
            continue
        level = len(open_groups)
        label_lines, _ = _label_lines(row, level)
        open_groups.extend(int(c["rowspan"]) for c in row if c["header"] and int(c["rowspan"]) > 1)
        wrapped = [
            "  " * indent + part for text, indent in label_lines for part in wrap(text, max(4, label_w - 2 * indent))
        ]
        for extra in wrapped[:-1]:
            lines.append(extra.rstrip())
        figures = [(col, span, str(c["text"])) for col, span, c in cells]
        lines.extend(_row(wrapped[-1] if wrapped else "", figures, col_w, label_w, True))
        open_groups = [n - 1 for n in open_groups if n > 1]
    return "\n".join(line.rstrip() for line in lines)


def _row(
    label: str, cells: Sequence[tuple[int, int, str]], col_w: Sequence[int], label_w: int, right: bool
) -> list[str]:
    """A line: the label, then each (first column, columns spanned, text) in its columns."""
    line = pad(label, label_w)
    for col, span, text in cells:
        start = label_w + sum(w + 2 for w in col_w[:col])
        line = pad(line, start) + "  " + pad(text, sum(col_w[col : col + span]) + 2 * (span - 1), right=right)
    return [line]


def _column_paths(header_rows: Sequence[Sequence[Mapping[str, Any]]], label_columns: int) -> list[list[str]]:
    """For each value column, left to right, the headings above it, top down."""
    if not header_rows:
        return []
    depth = len(header_rows)
    grid: list[list[str | None]] = [[] for _ in range(depth)]
    for r, row in enumerate(header_rows):
        col = 0
        for cell in row:
            while col < len(grid[r]) and grid[r][col] is not None:
                col += 1
            for dr in range(int(cell["rowspan"])):
                target = grid[r + dr] if r + dr < depth else None
                if target is None:
                    continue
                for dc in range(int(cell["colspan"])):
                    while len(target) <= col + dc:
                        target.append(None)
                    target[col + dc] = str(cell["text"])
            col += int(cell["colspan"])
    columns = max(len(g) for g in grid)
    paths = []
    for c in range(label_columns, columns):
        path: list[str] = []
        for r in range(depth):
            text = grid[r][c] if c < len(grid[r]) else None
            if text and (not path or path[-1] != text):
                path.append(text)
        paths.append(path)
    return paths


def _leaf_headers(header_rows: Sequence[Sequence[Mapping[str, Any]]], label_columns: int) -> list[str]:
    return [p[-1] if p else "" for p in _column_paths(header_rows, label_columns)]


def _transposed(table: Mapping[str, Any], total_width: int) -> str:
    """A single row of many cells (table 四): one line per cell, its headings as the label."""
    paths = _column_paths(table["header"], 0)
    cells = table["body"][0] if table["body"] else []
    value_w = max([width(str(c["text"])) for c in cells] + [1])
    label_w = max(MIN_LABEL, total_width - value_w - 2)
    lines: list[str] = []
    for path, cell in zip(paths, cells, strict=False):
        label = " > ".join(path)
        wrapped = wrap(label, label_w)
        lines.extend(w.rstrip() for w in wrapped[:-1])
        lines.append(pad(wrapped[-1], label_w) + "  " + pad(str(cell["text"]), value_w, right=True))
    return "\n".join(lines)
