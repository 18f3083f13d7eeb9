"""A printed table as a grid of cells with merges (rowspan/colspan), computed once here so
that every back-end only prints: headers from the column hierarchy, row labels from the row
hierarchy, as on the official form. A section's small tables (table 二 of the national
formats) make one grid of blocks (:func:`section_grid`), and every grid carries its columns'
widths measured from its content (:func:`column_widths`, :func:`fit`), so that the Word and
the HTML output agree: labels readable, figures never wrapped."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from wcwidth import wcwidth

from baobiao.model import AxisNode, Form, Table, value_entries


@dataclass
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False  # a heading cell: <th>
    scope: str | None = None  # "col" or "row" for heading cells
    numeric: bool = False  # a value: right-aligned
    indent: int = 0  # levels of indentation of a row label
    notes: list[str] = field(default_factory=list)  # printed notes under a label
    cell_id: str | None = None

    def _scope(self) -> str | None:
        """The scope as HTML wants it: a heading over several columns (rows) is a colgroup
        (rowgroup)."""
        if self.scope in ("col", "colgroup"):
            return "colgroup" if self.colspan > 1 else "col"
        if self.scope in ("row", "rowgroup"):
            return "rowgroup" if self.rowspan > 1 else "row"
        return self.scope

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "rowspan": self.rowspan,
            "colspan": self.colspan,
            "header": self.header,
            "scope": self._scope(),
            "numeric": self.numeric,
            "indent": self.indent,
            "notes": list(self.notes),
            "id": self.cell_id,
        }


@dataclass
class Grid:
    header: list[list[GridCell]]
    body: list[list[GridCell]]
    width: int  # columns
    label_columns: int

    def as_dict(self) -> dict[str, object]:
        widths = column_widths(self)
        least: dict[int, float] = {}  # id(cell) -> its column's least, for heading cells of one column
        for _, c, cell in placed(self):
            if cell.header and cell.colspan == 1 and c < len(widths):
                least[id(cell)] = round(widths[c].least, 1)

        def row(cells: list[GridCell]) -> list[dict[str, object]]:
            return [{**c.as_dict(), "min_width": least.get(id(c))} for c in cells]

        return {
            "header": [row(r) for r in self.header],
            "body": [row(r) for r in self.body],
            "width": self.width,
            "label_columns": self.label_columns,
            # each column's width in em of the table's font, padding left out: the least that
            # keeps its figures on one line and its labels readable, and the most it can use
            # (every cell on one line); heading and label cells carry their column's least as
            # ``min_width``, so that a narrow screen scrolls the table instead of squeezing it
            "columns": [{"least": round(w.least, 2), "most": round(w.most, 2)} for w in widths],
        }


Values = Callable[[str], str]  # cell id -> formatted value ("" when blank)

PLAIN_HEADER = ("统计指标", "单位", "统计数")


def _depth(nodes: tuple[AxisNode, ...]) -> int:
    """Levels of headings: leaves count 1, each group adds one."""
    return max((1 + _depth(n.children) if n.is_group else 1 for n in nodes), default=0)


def _leaves(node: AxisNode) -> list[AxisNode]:
    if not node.is_group:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def _column_header(columns: tuple[AxisNode, ...], corner: GridCell | None) -> list[list[GridCell]]:
    levels = _depth(columns)
    rows: list[list[GridCell]] = [[] for _ in range(levels)]
    if corner is not None:
        corner.rowspan = levels
        rows[0].append(corner)

    def place(node: AxisNode, level: int) -> None:
        if not node.is_group:
            rows[level].append(GridCell(node.label, rowspan=levels - level, header=True, scope="col"))
            return
        below = _depth(node.children)
        span = levels - below - level
        rows[level].append(GridCell(node.label, rowspan=span, colspan=len(_leaves(node)), header=True, scope="col"))
        for child in node.children:
            place(child, level + span)

    for node in columns:
        place(node, 0)
    return rows


def _row_labels(rows: tuple[AxisNode, ...], label_columns: int) -> list[tuple[AxisNode, list[GridCell]]]:
    """For each value row, the label cells that start on its line."""
    lines: list[tuple[AxisNode, list[GridCell]]] = []

    def walk(nodes: tuple[AxisNode, ...], column: int, indent: int) -> None:
        for n in nodes:
            if n.is_group:
                leaves = value_entries(n.children)
                if not leaves:
                    continue
                cell = GridCell(n.label, rowspan=len(leaves), header=True, scope="rowgroup", notes=list(n.notes))
                start = len(lines)
                walk(n.children, column + 1, 0)
                if start < len(lines):
                    lines[start][1].insert(0, cell)
            else:
                cell = GridCell(
                    n.label,
                    colspan=label_columns - column,
                    header=True,
                    scope="row",
                    indent=indent,
                    notes=list(n.notes),
                )
                lines.append((n, [cell]))
                walk(n.children, column, indent + 1)

    walk(rows, 0, 0)
    return lines


def grid(form: Form, table: Table, value: Values) -> Grid:
    if not table.columns:  # the form's plain rows: label, unit, value
        return _plain(form, table, value)
    value_columns = value_entries(table.columns)
    if table.rows is None:
        header = _column_header(table.columns, None)
        body = [[_value(table.cell_id(None, c.id), value) for c in value_columns]]
        return Grid(header, body, len(value_columns), 0)
    label_columns = max(1, _group_depth(table.rows))
    corner = GridCell(table.notes[0] if table.notes else "", colspan=label_columns, header=True)
    header = _column_header(table.columns, corner)
    body = []
    for node, labels in _row_labels(table.rows, label_columns):
        body.append(labels + [_value(table.cell_id(node.id, c.id), value) for c in value_columns])
    return Grid(header, body, label_columns + len(value_columns), label_columns)


def _group_depth(nodes: tuple[AxisNode, ...]) -> int:
    """Label columns of a row hierarchy: one per level of groups, plus one."""
    return max((1 + _group_depth(n.children) if n.is_group else 1 for n in nodes), default=1)


def _value(cell_id: str, value: Values) -> GridCell:
    return GridCell(value(cell_id), numeric=True, cell_id=cell_id)


def _plain(form: Form, table: Table, value: Values) -> Grid:
    header = [[GridCell(h, header=True, scope="col") for h in PLAIN_HEADER]]
    body: list[list[GridCell]] = []

    def walk(nodes: tuple[AxisNode, ...], indent: int) -> None:
        for n in nodes:
            item = form.item(n.id)
            label = GridCell(n.label, header=True, scope="row", indent=indent, notes=list(n.notes))
            if n.is_group:
                body.append([label, GridCell(""), GridCell("")])
            else:
                body.append([label, GridCell(item.unit or ""), _value(n.id, value)])
            walk(n.children, indent + 1)

    walk(table.rows or (), 0)
    return Grid(header, body, 3, 1)


# -- a section's tables as one ----------------------------------------------------------------


def combinable(tables: Sequence[Table]) -> bool:
    """Tables that print as blocks of one table: two or more, each of rows without groups
    under columns without groups (table 二's 第二十条第（一）项 … 第二十条第（八）项)."""
    return len(tables) > 1 and all(
        t.rows and t.columns and _depth(t.columns) == 1 and _group_depth(t.rows) == 1 for t in tables
    )


def section_grid(tables: Sequence[Table], value: Values) -> Grid:
    """Several tables of a section as the national format prints table 二: one table of
    blocks, each a row with the table's label across the table, a row of headings (its note,
    信息内容, over the labels) and its rows. A block with fewer columns than the widest spans
    its last heading and figure over the rest. No row is a header row: each block has its own."""
    width = 1 + max(len(value_entries(t.columns)) for t in tables)
    body: list[list[GridCell]] = []
    for t in tables:
        columns = value_entries(t.columns)
        spans = [1] * (len(columns) - 1) + [width - len(columns)]
        body.append([GridCell(t.label, colspan=width, header=True, scope="colgroup")])
        corner = GridCell(t.notes[0] if t.notes else "", header=True, scope="col")
        body.append(
            [corner]
            + [GridCell(c.label, colspan=s, header=True, scope="col") for c, s in zip(columns, spans, strict=True)]
        )
        for node, labels in _row_labels(t.rows or (), 1):
            cells = [_value(t.cell_id(node.id, c.id), value) for c in columns]
            for cell, span in zip(cells, spans, strict=True):
                cell.colspan = span
            body.append(labels + cells)
    return Grid([], body, width, 1)


def by_section(form: Form, tables: Sequence[Table]) -> list[tuple[str | None, list[Table]]]:
    """Tables in runs of those under the same heading (the table's parent; None: none)."""
    runs: list[tuple[str | None, list[Table]]] = []
    for t in tables:
        parent = form.item(t.id).parent if t.id and form.get(t.id) is not None else None
        if runs and parent is not None and runs[-1][0] == parent:
            runs[-1][1].append(t)
        else:
            runs.append((parent, [t]))
    return runs


# -- column widths from the content ----------------------------------------------------------

#: em a half-width character takes: digits of DejaVu Serif, which stands in for Times New Roman
#: where it is missing (Times's are 0.5 em): a figure measured so is never too wide for its cell
NARROW_EM = 0.64
#: a column heading of up to three characters stays on one line (自然人); a longer one wraps in
#: two balanced lines of at least two characters (商业/企业, 社会公/益组织), or three when its lines
#: would be longer than four
HEAD_ONE_LINE = 3.0
HEAD_LINE = 2.0
HEAD_LINE_MOST = 4.0
#: a row label keeps at least this many characters a line; a group label spanning rows, which
#: may wrap at no cost, is given two balanced lines (三、本年度/办理结果)
LABEL_LINE = 8.0
GROUP_LINE = 4.0


def em(text: str) -> float:
    """Printed width in em: a Chinese character (wcwidth 2) is one, others :data:`NARROW_EM`."""
    return sum(1.0 if wcwidth(ch) == 2 else NARROW_EM for ch in text if wcwidth(ch) != 0)


@dataclass(frozen=True, slots=True)
class ColumnWidth:
    """A column's width in em of the table's font, padding left out: ``least`` keeps figures
    on one line and labels readable, ``most`` prints every cell on one line."""

    least: float
    most: float


def placed(grid: Grid) -> Iterator[tuple[int, int, GridCell]]:
    """(row, column, cell) of every cell, header rows first, merged cells once at their
    top-left position."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate([*grid.header, *grid.body]):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            yield r, c, cell
            c += cell.colspan


def _needs(cell: GridCell) -> tuple[float, float]:
    """(least, most) of one cell."""
    full = max(em(line) for line in [cell.text, *cell.notes]) + cell.indent
    if cell.numeric or not cell.header:  # figures and units: on one line
        return full, full
    if cell.scope in ("col", "colgroup"):  # a column heading: on one line up to three characters,
        lines = 1 if full <= HEAD_ONE_LINE else 2 if full <= 2 * HEAD_LINE_MOST else 3  # else balanced
        return max(min(full, HEAD_LINE), float(math.ceil(full / lines))), full
    if cell.scope is None:  # the corner note: it wraps over the heading rows
        least = min(full, max(LABEL_LINE, float(math.ceil(full / 4))))
        return least, least
    if cell.rowspan > 1:  # a group label beside its rows
        least = min(full, max(GROUP_LINE, float(math.ceil(full / 2))))
        return least, least
    return min(full, LABEL_LINE + cell.indent), full


def column_widths(grid: Grid) -> list[ColumnWidth]:
    """Each column's least and most width: from its own cells first, then the cells spanning
    several columns widen those they span where they need more."""
    least = [0.0] * grid.width
    most = [0.0] * grid.width
    spanning: list[tuple[int, int, float, float]] = []
    for _, c, cell in placed(grid):
        lo, hi = _needs(cell)
        if cell.colspan == 1:
            least[c], most[c] = max(least[c], lo), max(most[c], hi)
        else:
            spanning.append((c, cell.colspan, lo, hi))
    for c, span, lo, hi in sorted(spanning, key=lambda s: s[1]):
        cols = range(c, min(c + span, grid.width))
        for target, need in ((least, lo), (most, hi)):
            have = sum(target[i] for i in cols)  # and the padding between them: room to spare
            if need > have:
                for i in cols:
                    target[i] += (need - have) * (target[i] / have if have else 1 / len(cols))
    return [ColumnWidth(lo, max(lo, hi)) for lo, hi in zip(least, most, strict=True)]


def fit(columns: Sequence[ColumnWidth], room: float) -> list[float]:
    """Widths that fill ``room`` em, as a browser lays out a table: everything on one line
    when it fits (the rest shared in proportion); else each column its least and the rest
    shared by how much more each would take; else (too many columns) the least, scaled down."""
    least = sum(c.least for c in columns)
    most = sum(c.most for c in columns)
    if not columns:
        return []
    if most <= room:
        return [c.most + (room - most) * (c.most / most if most else 1 / len(columns)) for c in columns]
    if least <= room:
        return [c.least + (room - least) * (c.most - c.least) / (most - least) for c in columns]
    return [c.least * room / least for c in columns] if least else [room / len(columns)] * len(columns)
