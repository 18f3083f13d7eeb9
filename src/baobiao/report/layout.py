"""A printed table as a grid of cells with merges (rowspan/colspan), computed once here so
that every back-end only prints: headers from the column hierarchy, row labels from the row
hierarchy, as on the official form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

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

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "rowspan": self.rowspan,
            "colspan": self.colspan,
            "header": self.header,
            "scope": self.scope,
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
        return {
            "header": [[c.as_dict() for c in row] for row in self.header],
            "body": [[c.as_dict() for c in row] for row in self.body],
            "width": self.width,
            "label_columns": self.label_columns,
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
