"""The typed model of a form: what a spec means. Immutable; spans never take part in equality."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from baobiao.diagnostics.core import Severity
from baobiao.source import Span

#: Units of the statistics tables (the order is the order shown in messages).
UNITS: tuple[str, ...] = ("条", "件", "次", "篇", "个", "项", "人", "人次", "元", "万元")


@dataclass(frozen=True, slots=True)
class ValueType:
    """Non-negative integer by default; ``signed`` allows negatives, ``decimals`` places."""

    signed: bool = False
    decimals: int = 0


class ItemKind(StrEnum):
    SECTION = "section"  # a heading: no value
    INDICATOR = "indicator"


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    label: str
    kind: ItemKind
    parent: str | None
    children: tuple[str, ...]
    unit: str | None = None
    value_type: ValueType | None = None
    is_part: bool = False  # a 其中 item of its parent
    notes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names for data keys: a cell's column id
    formerly: tuple[str, ...] = ()  # labels in earlier forms
    span: Span | None = field(default=None, compare=False)

    @property
    def has_value(self) -> bool:
        return self.kind is ItemKind.INDICATOR


@dataclass(frozen=True, slots=True)
class Term:
    coef: Decimal
    id: str
    previous: bool = False  # last year's value of the cell


@dataclass(frozen=True, slots=True)
class LinExpr:
    terms: tuple[Term, ...]
    constant: Decimal = Decimal(0)

    @property
    def ids(self) -> tuple[str, ...]:
        """Ids of this year's cells."""
        return tuple(t.id for t in self.terms if not t.previous)

    @property
    def previous_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.terms if t.previous)


class RuleKind(StrEnum):
    SUM = "sum"  # a total equals the sum of its parts
    PART = "part"  # a 其中 item is at most its parent
    RULE = "rule"  # a named free rule


@dataclass(frozen=True, slots=True)
class Condition:
    """The rule applies when the data's ``meta[field]`` is (``negated``: is not) one of ``values``."""

    field: str
    negated: bool
    values: tuple[str, ...]

    def holds(self, value: str) -> bool:
        return (value.strip() in self.values) != self.negated

    def text(self) -> str:
        return f"{self.field} {'not in' if self.negated else 'in'} {', '.join(self.values)}"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: RuleKind
    severity: Severity
    description: str
    left: LinExpr
    op: str  # "=", "<=", ">=", "<", ">"
    right: LinExpr
    span: Span | None = field(default=None, compare=False)
    condition: Condition | None = None
    #: this year's cells the rule uses, each once
    ids: tuple[str, ...] = field(init=False, repr=False, compare=False)
    #: last year's cells the rule uses (a cross-year rule), each once
    previous_ids: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", tuple(dict.fromkeys(self.left.ids + self.right.ids)))
        object.__setattr__(self, "previous_ids", tuple(dict.fromkeys(self.left.previous_ids + self.right.previous_ids)))


@dataclass(frozen=True, slots=True)
class AxisNode:
    """A row or column of a table as printed: a group label (no value) or a value entry."""

    id: str
    label: str
    is_group: bool
    children: tuple[AxisNode, ...] = ()
    notes: tuple[str, ...] = ()


def value_entries(nodes: tuple[AxisNode, ...]) -> list[AxisNode]:
    """Entries with values, in printed order (a value entry's own children follow it)."""
    out: list[AxisNode] = []
    for n in nodes:
        if not n.is_group:
            out.append(n)
        out.extend(value_entries(n.children))
    return out


def all_entries(nodes: tuple[AxisNode, ...]) -> list[AxisNode]:
    """Every entry, group labels included, in printed order."""
    out: list[AxisNode] = []
    for n in nodes:
        out.append(n)
        out.extend(all_entries(n.children))
    return out


@dataclass(frozen=True, slots=True)
class Table:
    """A printed table, for layout. ``rows`` None: a single row of cells, its columns.
    ``columns`` empty: the form's plain rows, one value each (cell id = row id)."""

    id: str
    label: str
    notes: tuple[str, ...]
    rows: tuple[AxisNode, ...] | None
    columns: tuple[AxisNode, ...]

    def cell_id(self, row: str | None, column: str | None) -> str:
        if row is None:
            assert column is not None
            return column
        return row if column is None else f"{row}.{column}"


@dataclass(frozen=True, slots=True)
class TermPhrase:
    """Words said of a term in a sentence about it: a part of it (``part "维持"``), or that all
    of it is that part (``all "均获维持"``)."""

    words: tuple[str, ...]
    expr: LinExpr


@dataclass(frozen=True, slots=True)
class NarrativeTerm:
    """Words of the narrative that state a figure of the table (``term`` in a spec). Each
    wording may hold "…" between words that may stand apart ("收到…申请")."""

    words: tuple[str, ...]
    unit: str | None
    expr: LinExpr
    span: Span | None = field(default=None, compare=False)
    parts: tuple[TermPhrase, ...] = ()
    wholly: tuple[TermPhrase, ...] = ()  # ``all``: all of the term is this part
    excluded: tuple[str, ...] = ()  # ``not``: in the same clause, another category is meant

    @property
    def name(self) -> str:
        """How findings name the term: its first wording."""
        return self.words[0].replace("…", "")


@dataclass(frozen=True, slots=True)
class MetaField:
    """A field of the data's meta with a closed vocabulary (``meta level "机关层级" in ...``)."""

    name: str
    label: str
    values: tuple[str, ...]
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Form:
    id: str
    title: str
    version: str | None
    years: tuple[int, int | None] | None
    notes: tuple[str, ...]
    items: tuple[Item, ...]  # document order
    rules: tuple[Rule, ...]
    tables: tuple[Table, ...] = ()  # printed tables, for layout; the plain rows as table "" first
    terms: tuple[NarrativeTerm, ...] = ()
    carries: tuple[tuple[str, str], ...] = ()  # (cell of an earlier form, cell of this one)
    meta_fields: tuple[MetaField, ...] = ()  # meta fields with declared values
    # the forms this one extends, nearest first (gov-disclosure-2021: gov-disclosure-2019): where
    # its report templates are looked up after its own. Provenance, like spans: not in equality,
    # so a form printed whole (`fmt --resolved`) compiles to a form equal to the one it came from
    lineage: tuple[str, ...] = field(default=(), compare=False)
    _index: Mapping[str, Item] = field(init=False, repr=False, compare=False)
    _paths: Mapping[str, str] = field(init=False, repr=False, compare=False)
    _names: Mapping[str, str] = field(init=False, repr=False, compare=False)
    _below: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType({i.id: i for i in self.items}))
        paths: dict[str, str] = {}
        below: dict[str, set[str]] = {}
        for item in self.items:
            ancestors = self.ancestors(item.id)
            paths[item.id] = " > ".join([a.label for a in ancestors] + [item.label])
            for ancestor in ancestors:
                below.setdefault(ancestor.id, set()).add(item.id)
        object.__setattr__(self, "_paths", MappingProxyType(paths))
        object.__setattr__(self, "_below", MappingProxyType({k: frozenset(v) for k, v in below.items()}))
        object.__setattr__(self, "_names", MappingProxyType(_names(self)))

    def item(self, item_id: str) -> Item:
        return self._index[item_id]

    def get(self, item_id: str) -> Item | None:
        return self._index.get(item_id)

    @property
    def indicators(self) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.has_value)

    def declared(self, field_name: str) -> tuple[str, ...]:
        """The values a meta field may take (``meta level "机关层级" in …``); () when the form
        declares none."""
        return next((f.values for f in self.meta_fields if f.name == field_name), ())

    def below(self, item_id: str) -> frozenset[str]:
        """The ids of the items under a heading or table, at any depth."""
        return self._below.get(item_id, frozenset())

    def ancestors(self, item_id: str) -> tuple[Item, ...]:
        """From the root down to the item's parent."""
        chain: list[Item] = []
        parent = self._index[item_id].parent
        while parent is not None:
            node = self._index[parent]
            chain.append(node)
            parent = node.parent
        return tuple(reversed(chain))

    def path(self, item_id: str) -> str:
        """The label path from the top, joined by ' > '."""
        return self._paths[item_id]

    def name(self, item_id: str) -> str:
        """How findings name a cell: a matrix cell by its row and column
        (``（四）无法提供： > 1.本机关不掌握相关政府信息 / 自然人``), other items by their label,
        with as many headings above it as make it unique in its table."""
        return self._names[item_id]

    def years_text(self) -> str:
        if self.years is None:
            return "-"
        start, end = self.years
        return f"{start}..{end}" if end is not None else f"{start}.."

    def applies_to(self, year: int) -> bool:
        if self.years is None:
            return True
        start, end = self.years
        return start <= year and (end is None or year <= end)


def _suffixes(paths: Mapping[str, tuple[str, ...]], keep: int = 1) -> dict[str, str]:
    """Each path shortened to its shortest ending (at least ``keep`` labels) that no other path
    of the group ends with."""
    from collections import Counter

    from baobiao.labels import bare

    out: dict[str, str] = {}
    bared = {key: tuple(bare(x) for x in path) for key, path in paths.items()}  # each label once
    longest = max((len(p) for p in bared.values()), default=0)
    counts = [Counter(p[-n:] for p in bared.values()) for n in range(1, longest + 1)]
    for key, path in paths.items():
        n = min(keep, len(path))
        while n < len(path) and counts[n - 1][bared[key][-n:]] > 1:
            n += 1
        out[key] = " > ".join(path[-n:])
    return out


def _axis_paths(nodes: tuple[AxisNode, ...], above: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Value entries of an axis with the labels from the top of the axis down to them."""
    out: dict[str, tuple[str, ...]] = {}
    for node in nodes:
        path = (*above, node.label)
        if not node.is_group:
            out[node.id] = path
        out.update(_axis_paths(node.children, path))
    return out


def _names(form: Form) -> dict[str, str]:
    """Form.name for every item (see there)."""
    names = {i.id: i.label for i in form.items}
    for table in form.tables:
        if table.rows is None or not table.columns:  # a one-row table, or the plain rows
            entries = _axis_paths(table.rows or table.columns)
            names.update(_suffixes(entries))
            continue
        rows = _suffixes(_axis_paths(table.rows), keep=2)  # a row with the group it stands in
        columns = _suffixes(_axis_paths(table.columns))
        for row, row_name in rows.items():
            for column, column_name in columns.items():
                names[table.cell_id(row, column)] = f"{row_name} / {column_name}"
    return names
