"""The form's tables found in a read document by their printed labels, never by position.

A document table is read row by row (its grid: a label merged down several rows is the label
of each of them):

- its **label columns** are the leading columns whose cells are text in the rows holding
  numbers (the 2017 table's unit column 件/条 is one of them; units are dropped from labels;
  a blank continuing a merged label counts as a label);
- a row whose one cell spans the whole width is a **caption** (表三 收到和处理…, 第二十条第（五）项):
  it names the form table (or the heading holding several, 二、主动公开政府信息情况) that the
  rows below belong to, as the heading paragraph just before the table does;
- a row of text over the value columns is a **header row**; consecutive header rows are one
  header (several levels, merged); a header printed again (after a page break, or for each
  kind of item of table 二) replaces the one before; a table printed without one (the second
  part of a table split in two) keeps the previous table's;
- any other row is a **body row**: its labels are matched to a row of the form with the
  project's key matching (:class:`~baobiao.instance.keys.KeyIndex`: exact labels first, then
  the slips it tolerates), preferring the table the rows above were in, then the tables the
  caption or heading names, then those the header fits (a label that several tables of one
  of these hold is not guessed); its values go to the columns their headings name. A label
  printed over several rows (a text file, a PDF without ruling lines) is joined when the
  joined label is the form's; a row naming a column of a one-row table (table 四 printed
  down the page, 行政复议 > 结果维持 | 1) holds that cell.

A heading row with numbers of its own (（三）不予公开) and a column group with a 小计 (法人或其他组织
小计) are read as subtotals, as the loader reads them. What cannot be placed is a finding
(A102), a form table found nowhere is one (A101), a cell printed twice with different text is
one (A103): nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from baobiao.audit.document import Document, Paragraph, TableCell, Where
from baobiao.audit.document import Table as Grid
from baobiao.diagnostics.core import Diagnostic, Severity, diag
from baobiao.instance.keys import KeyIndex, Resolution, Slip
from baobiao.instance.load import summable
from baobiao.instance.values import ValueKind, parse_value, quote
from baobiao.labels import bare
from baobiao.model import UNITS, AxisNode, Form, Table, all_entries, value_entries
from baobiao.source import UNSAFE

#: A paragraph (or caption) longer than this is text, not a heading naming a table.
MAX_HEADING = 40
#: Characters of a row's labels (or a column's headings) beyond which they are text, not labels.
MAX_LABEL = 300
_NUMERIC = frozenset({ValueKind.NUMBER, ValueKind.WITH_UNIT, ValueKind.TOO_LARGE})
_UNIT = re.compile(rf"^[(（]?(?:单位[:：])?\s*(?:{'|'.join(sorted(UNITS, key=len, reverse=True))})[)）]?$")
_SUBTOTAL = ("小计", "合计")
_TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+[、.．]")


@dataclass(frozen=True, slots=True)
class Placed:
    """A value of the document read into the form table ``table`` (its id; "" for the plain
    rows of the 2017 form): ``row`` and ``column`` are the form's ids (``row`` None in a
    one-row table, ``column`` None in the plain rows). ``cell``: the form cell's id, or None for
    a subtotal printed beside its parts (a heading row, or a column group). ``labels`` and
    ``heading``: the row's labels and the column's headings as printed."""

    table: str
    row: str | None
    column: str | None
    cell: str | None
    text: str
    where: Where
    labels: tuple[str, ...] = ()
    heading: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.table, self.row, self.column)


@dataclass(frozen=True, slots=True)
class Found:
    """The form's tables as found in a document. ``placed``: the values read, in the order of
    the document, each form cell once; ``again``: later printings of a cell (kept for the
    reviewer); ``shown``: (block index, form table id) for each document table holding a form
    table; ``misfit``: values the form could not place, and rows read by an earlier form's
    label (how badly the form fits the document); ``fitted``: values placed; ``aside``:
    subtotals of subtotals (a 小计 row's 小计 column), which neither the form nor a data file
    holds (kept for the reviewer)."""

    form: Form
    placed: tuple[Placed, ...]
    again: tuple[Placed, ...]
    problems: tuple[Diagnostic, ...]
    shown: tuple[tuple[int, str], ...]
    misfit: int
    fitted: int
    aside: tuple[Placed, ...] = ()


@dataclass(frozen=True, slots=True)
class _Line:
    """A row of a document table as read: ``full`` the text of one cell spanning it; ``labels``
    the texts over the label columns; ``values`` the cells over the value columns that start
    in this row, with their offset from the first value column; ``texts`` the texts over the
    value columns (header reading)."""

    row: int
    full: str | None
    labels: tuple[str, ...]
    values: tuple[tuple[int, TableCell], ...]
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Column:
    id: str
    group: bool = False  # a column group (its subtotal), not a column of the form


def _kind(text: str) -> ValueKind:
    return parse_value(text).kind


def _is_text(text: str) -> bool:
    return bool(text.strip()) and _kind(text) is ValueKind.NOT_A_NUMBER


def _blank(text: str) -> bool:
    return _kind(text) is ValueKind.MISSING


def _label_text(text: str) -> str | None:
    """A label as matched: stripped; None for a blank or a unit (件, 单位：件)."""
    text = text.strip()
    return None if not text or _UNIT.match(text) else text


def label_columns(grid: Grid) -> int:
    """How many leading columns hold labels: in each row holding numbers, its leading text
    cells (or, where its first label is a blank continuing a merged label, the columns left of
    its first number); the usual count wins. In a table of blanks, the usual leading text."""
    with_numbers: Counter[int] = Counter()
    others: Counter[int] = Counter()
    for r in range(grid.height):
        prefix = 0
        while prefix < grid.width and grid.slots[r][prefix] >= 0 and _is_text(grid.text(r, prefix)):
            prefix += 1
        first = next((c for c in range(grid.width) if _kind(grid.text(r, c)) in _NUMERIC), None)
        if first is not None:
            with_numbers[min(prefix, first) or first] += 1
        elif 0 < prefix < grid.width:
            others[prefix] += 1
    counts = with_numbers or others
    if not counts:
        return 0
    most = max(counts.values())
    return min(c for c, n in counts.items() if n == most)


def read_line(grid: Grid, r: int, lead: int) -> _Line:
    first: dict[int, int] = {}  # cell index -> first column in this row
    for c, k in enumerate(grid.slots[r]):
        if k >= 0 and k not in first:
            first[k] = c
    cells = [grid.cells[k] for k in first]
    if len(first) == 1 and -1 not in grid.slots[r]:
        return _Line(r, cells[0].text.strip(), (), (), ())
    labels = tuple(t for cell in cells if cell.column < lead and (t := _label_text(cell.text)) is not None)
    if len(labels) > 1 and bare(labels[-1]) in _SUBTOTAL:  # （三）不予公开 > 小计: the heading's own row
        labels = labels[:-1]
    values = tuple((cell.column - lead, cell) for cell in cells if cell.column >= lead and cell.row == r)
    texts = tuple(cell.text for cell in cells if cell.column >= lead)
    return _Line(r, None, labels, values, texts)


def _joined(above: tuple[str, ...], below: tuple[str, ...]) -> tuple[str, ...]:
    """The labels of a row whose label is printed over two rows: the labels both rows share (a
    merged heading) once, then the rest of the label above and of the one below, joined."""
    same = 0
    while same < min(len(above), len(below)) and above[same] == below[same]:
        same += 1
    rest = "".join(above[same:]) + "".join(below[same:])
    return (*below[:same], rest) if rest else below


def _filled(line: _Line) -> bool:
    return any(cell.text.strip() for _, cell in line.values)


@dataclass
class _Reading:
    """Where the reading of one document table is (mutable while it runs)."""

    index: int
    grid: Grid
    lead: int
    findings: list[Diagnostic] = field(default_factory=list)
    known: bool = False  # a caption, a header or a row of the form was found
    block: list[int] = field(default_factory=list)  # the header rows being read
    held: _Line | None = None  # a row of labels without figures: its label may go on below
    waiting: _Line | None = None  # a row of figures whose label fits nothing: it may go on below


class _Mapper:
    """One pass over a document for one form (mutable while it runs; the result is frozen)."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.keys = KeyIndex(form)
        self.tables = form.tables
        self.scope: dict[str, str | None] = {t.id: t.id if form.get(t.id) else None for t in self.tables}
        self.rows: dict[str, dict[str, AxisNode]] = {
            t.id: {n.id: n for n in all_entries(t.rows or ())} for t in self.tables
        }
        self.heads = {t.id for t in self.tables if form.get(t.id)} | {
            a.id for t in self.tables if form.get(t.id) for a in form.ancestors(t.id)
        }
        self._cache: dict[tuple[str, str | None, bool], Resolution] = {}
        self._columns: dict[tuple[str, tuple[str, ...]], _Column | None] = {}
        # the reading state
        self.pending: tuple[Table, ...] | None = None  # tables a heading paragraph named
        self.context: tuple[Table, ...] = ()
        self.current: Table | None = None
        self.prev_row: str | None = None
        self.header: tuple[tuple[str, ...], ...] = ()
        self.header_where: tuple[Where, ...] = ()
        self.header_tables: tuple[Table, ...] = ()
        self.lost_columns: set[Where] = set()  # headings of columns reported as not placed
        self.in_order: dict[tuple[str, int], _Column] = {}  # (table, header column) -> column, by order
        # the results
        self.placed: dict[tuple[str, str | None, str | None], Placed] = {}
        self.again: list[Placed] = []
        self.aside: list[Placed] = []
        self.problems: list[Diagnostic] = []
        self.shown: list[tuple[int, str]] = []
        self.misfit = 0

    # -- matching -------------------------------------------------------------------------
    def resolve(self, key: str, within: str | None, exact: bool = False) -> Resolution:
        found = self._cache.get((key, within, exact))
        if found is None:  # text that is not text (a lone surrogate) cannot be a label: matched as "�"
            found = self.keys.resolve(UNSAFE.sub("\ufffd", key), within, exact=exact)
            self._cache[(key, within, exact)] = found
        return found

    def owners(self, text: str) -> tuple[Table, ...]:
        """The form tables a caption or heading names: a table, or a heading holding tables."""
        text = text.strip()
        if not text or len(text) > MAX_HEADING:
            return ()
        plain = [t for t in self.tables if not self.scope[t.id] and bare(t.label) and bare(t.label) in bare(text)]
        if plain:
            return tuple(plain)
        ids = [i for i in self.resolve(text, None).ids if i in self.heads]
        if len(ids) != 1:
            return ()
        return tuple(t for t in self.tables if t.id == ids[0] or ids[0] in {a.id for a in self.form.ancestors(t.id)})

    def _tiers(self) -> list[list[Table]]:
        """The form tables a row may belong to, most likely first."""
        seen: set[str] = set()
        tiers: list[list[Table]] = []
        for tier in ((self.current,) if self.current else (), self.context, self.header_tables, self.tables):
            part = [t for t in tier if t.rows and t.id not in seen]
            seen.update(t.id for t in part)
            if part:
                tiers.append(part)
        return tiers

    def _scopes(self, table: Table) -> list[str | None]:
        """Where a row's label is looked up in ``table``: under the row above (and its headings:
        the 2017 table's repeated labels, （二）被依法纠错数, are told apart so), then the table."""
        rows, scopes = self.rows[table.id], []
        if self.prev_row in rows:
            chain = [a.id for a in self.form.ancestors(self.prev_row)] + [self.prev_row]
            scopes = [i for i in reversed(chain) if i in rows]
        return [*scopes, self.scope[table.id]]

    def row_hit(self, labels: tuple[str, ...], exact: bool = False) -> tuple[Table, str, Slip | None] | None:
        """The form row that a row's labels name (the whole path of labels, then its endings):
        exact labels first, in the likeliest tables, then (unless ``exact``) the slips. A label
        that several tables of a tier hold names none of them (the heading above the table tells
        them apart)."""
        if not labels or sum(map(len, labels)) > MAX_LABEL:
            return None
        keys = [" > ".join(labels[i:]) for i in range(len(labels))]
        tiers = self._tiers()
        for strict in (True, False) if not exact else (True,):
            for tier in tiers:
                hits = [hit for table in tier if (hit := self._hit_in(table, keys, strict)) is not None]
                if hits:
                    return hits[0] if len(hits) == 1 else None
        return None

    def _hit_in(self, table: Table, keys: list[str], exact: bool) -> tuple[Table, str, Slip | None] | None:
        for scope in self._scopes(table):
            for key in keys if exact else dict.fromkeys((keys[0], keys[-1])):
                if hit := self._only(self.resolve(key, scope, exact), table):
                    return hit
        return None

    def _only(self, found: Resolution, table: Table) -> tuple[Table, str, Slip | None] | None:
        ids = [i for i in found.ids if i in self.rows[table.id]]
        return (table, ids[0], found.slip) if len(ids) == 1 else None

    def column(self, table: Table, path: tuple[str, ...]) -> _Column | None:
        """The column of ``table`` that a column's headings (top down) name."""
        key = (table.id, path)
        if not table.columns:  # the plain rows: no columns
            return None
        if key not in self._columns:
            self._columns[key] = self._column(table, path) if path and sum(map(len, path)) <= MAX_LABEL else None
        return self._columns[key]

    def _column(self, table: Table, path: tuple[str, ...]) -> _Column | None:
        if table.rows is None:  # a one-row table: its columns are the form's items
            endings = [" > ".join(path[i:]) for i in range(len(path))]
            leaves = {c.id for c in value_entries(table.columns)}
            for exact in (True, False):
                for key in endings:
                    ids = [i for i in self.resolve(key, table.id, exact).ids if i in leaves]
                    if len(ids) == 1:
                        return _Column(ids[0])
            return None
        entries = value_entries(table.rows)
        if not entries:
            return None
        first = entries[0].id
        cells = [
            i
            for i in self.resolve(path[-1], first).ids
            if self.form.item(i).aliases and self.form.item(i).parent == first
        ]
        if len(cells) == 1:
            return _Column(self.form.item(cells[0]).aliases[0])
        return self._group_column(table, path)

    def _group_column(self, table: Table, path: tuple[str, ...]) -> _Column | None:
        """A column group printed as a column of its own (法人或其他组织, 法人或其他组织小计, or
        小计 under it): a subtotal beside its parts."""
        leaf = bare(path[-1])
        named = path if leaf in _SUBTOTAL else path[-1:]
        for text in reversed(named):
            written = bare(text)
            for node in all_entries(table.columns):
                label = bare(node.label)
                if node.is_group and (
                    written == label or (written.startswith(label) and written[len(label) :] in _SUBTOTAL)
                ):
                    return _Column(node.id, group=True)
        return None

    # -- reading --------------------------------------------------------------------------
    def paragraph(self, p: Paragraph) -> None:
        text = p.text.strip()
        if not text or text.endswith("。") or len(text) > MAX_HEADING:
            return
        owners = self.owners(text)
        if owners:
            self.pending = owners
        elif p.heading or _TOP_HEADING.match(text):
            self.pending = ()  # a heading of another part of the report

    def table(self, index: int, grid: Grid) -> None:
        if grid.width < 2:  # no room for a label and a figure: a box of text (audit.extract reads it)
            return
        if self.pending is not None:
            self.context, self.current, self.prev_row, self.pending = self.pending, None, None, None
        reading = _Reading(index, grid, label_columns(grid))
        if len(self.header) != grid.width - reading.lead:  # the previous table's header does not fit this one
            self._forget_header()
        for r in range(grid.height):
            self._row(reading, read_line(grid, r, reading.lead))
        self._settle(reading)
        if reading.known:
            self.problems.extend(reading.findings)
        elif any(cell.text.strip() for cell in grid.cells):
            text = quote(" ".join(c.text.strip() for c in grid.cells if c.text.strip()))
            self.problems.append(_unplaced(grid.where, "表格", "table", text, Severity.NOTE))

    def _row(self, reading: _Reading, line: _Line) -> None:
        if line.full is not None:
            self._settle(reading)
            reading.known |= self._caption(line.full)
            reading.block, reading.held = [], None
            return
        hit = self.row_hit(line.labels)
        if reading.waiting is not None:
            line, hit = self._continued(reading, line, hit)
        elif hit is None and reading.held is not None and line.labels:  # a label over several rows
            labels = _joined(reading.held.labels, line.labels)
            if (joined := self.row_hit(labels, exact=True)) is not None:
                line, hit = replace(line, labels=labels), joined
        if hit is None and self._is_header(line):
            reading.block = [*reading.block, line.row] if reading.block[-1:] == [line.row - 1] else [line.row]
            reading.known |= self._set_header(reading.grid, reading.block, reading.lead)
        elif hit is None and line.labels and _filled(line) and self._one_row() is None:
            reading.waiting = line  # its label may go on in the row below (a page break, a text file)
        elif line.labels or _filled(line):
            reading.known |= self._body(reading.index, reading.grid, line, hit, reading.findings)
        if line.labels and not _filled(line):
            held = reading.held
            reading.held = replace(line, labels=_joined(held.labels, line.labels)) if held and hit is None else line
        else:
            reading.held = None

    def _continued(
        self, reading: _Reading, line: _Line, hit: tuple[Table, str, Slip | None] | None
    ) -> tuple[_Line, tuple[Table, str, Slip | None] | None]:
        """The row waiting above, when this row of labels alone goes on with its label; else
        the waiting row is read as it is, and then this one."""
        waiting = reading.waiting
        assert waiting is not None
        if line.labels and not _filled(line):
            labels = _joined(waiting.labels, line.labels)
            if (joined := self.row_hit(labels, exact=True)) is not None:
                reading.waiting = None
                return replace(waiting, labels=labels), joined
        self._settle(reading)
        return line, hit

    def _settle(self, reading: _Reading) -> None:
        """The row waiting for the rest of its label read as it is (not placed, most likely)."""
        if reading.waiting is not None:
            line, reading.waiting = reading.waiting, None
            reading.known |= self._body(reading.index, reading.grid, line, None, reading.findings)

    def _caption(self, text: str) -> bool:
        """A row spanning the table: a caption naming form tables, or a heading row."""
        owners = self.owners(text)
        if owners:
            self.context, self.current, self.prev_row = owners, None, None
            self._forget_header()
            return True
        hit = self.row_hit((text,)) if _label_text(text) else None
        if hit is not None:  # a heading row spanning the table (the 2017 table's 一、主动公开情况)
            self.current, self.prev_row = hit[0], hit[1]
        return hit is not None

    def _is_header(self, line: _Line) -> bool:
        return not any(_kind(t) in _NUMERIC for t in line.texts) and any(_is_text(t) for t in line.texts)

    def _set_header(self, grid: Grid, block: list[int], lead: int) -> bool:
        """The header read from its rows (each value column's headings, top down), and the form
        tables whose columns it names; whether it is the form's."""
        paths: list[tuple[str, ...]] = []
        wheres: list[Where] = []
        for c in range(lead, grid.width):
            seen: list[int] = []
            for r in block:
                k = grid.slots[r][c]
                if k >= 0 and grid.cells[k].column >= lead and k not in seen:
                    seen.append(k)
            texts = tuple(t for k in seen if (t := _label_text(grid.cells[k].text)) is not None)
            paths.append(texts)
            cell = grid.cells[seen[-1]] if seen else None
            wheres.append(grid.where_of(cell.row, cell.column) if cell else grid.where_of(block[-1], c))
        self.header, self.header_where = tuple(paths), tuple(wheres)
        self.in_order = {(t.id, i): c for t in self.tables if t.rows is None for i, c in self._in_order(t).items()}
        scores = {t.id: sum(1 for i in range(len(paths)) if self._header_column(t, i)) for t in self.tables}
        best = max(scores.values(), default=0)
        self.header_tables = tuple(t for t in self.tables if best and scores.get(t.id) == best)
        self.current = None
        # the form's header, though no table's columns are told apart by it (table 四's upper levels alone)
        return bool(best) or any(self.resolve(t, None, exact=True).ids for path in paths for t in path)

    def _forget_header(self) -> None:
        self.header, self.header_where, self.header_tables, self.in_order = (), (), (), {}

    def _in_order(self, table: Table) -> dict[int, _Column]:
        """A one-row table's columns told apart by their order alone (its lowest headings printed
        without the levels above: 结果维持 … 总计 three times): when every heading names the
        form's column at its place."""
        leaves = value_entries(table.columns)
        if len(self.header) != len(leaves) or not all(self.header):
            return {}
        for path, leaf in zip(self.header, leaves, strict=True):
            if leaf.id not in self.resolve(path[-1], table.id).ids:
                return {}
        return {i: _Column(leaf.id) for i, leaf in enumerate(leaves)}

    def _header_column(self, table: Table, offset: int) -> _Column | None:
        """The column of ``table`` under the header's ``offset``-th column."""
        path = self.header[offset] if offset < len(self.header) else ()
        return self.column(table, path) or self.in_order.get((table.id, offset))

    def _one_row(self) -> Table | None:
        for table in (self.current, *self.header_tables):
            if table is not None and table.rows is None:
                return table
        return None

    def _body(
        self, index: int, grid: Grid, line: _Line, hit: tuple[Table, str, Slip | None] | None, out: list[Diagnostic]
    ) -> bool:
        """A body row's values placed; whether the row is the form's."""
        if hit is None:
            if self._transposed(index, grid, line, out):
                return True
            one_row = self._one_row()
            if one_row is None:
                self._lost_row(grid, line, out)
                return False
            table, row = one_row, None
        else:
            table, row, slip = hit
            self.misfit += slip is Slip.FORMER
        self._found(index, table, row)
        if not table.columns:
            assert row is not None
            self._plain(grid, table, row, line, out)
        else:
            for offset, cell in line.values:
                self._value(grid, table, row, line, offset, cell, out)
        return True

    def _found(self, index: int, table: Table, row: str | None) -> None:
        self.current, self.prev_row = table, row or self.prev_row
        if (index, table.id) not in self.shown:
            self.shown.append((index, table.id))

    def _plain(self, grid: Grid, table: Table, row: str, line: _Line, out: list[Diagnostic]) -> None:
        """A row of the plain rows (label, unit, value): its first value; any other is not placed."""
        for n, (_, cell) in enumerate(line.values):
            where = grid.where_of(cell.row, cell.column)
            if n:
                self._lost_cell(cell, where, " > ".join(line.labels), out)
            elif self.form.item(row).has_value or not _blank(cell.text):  # a heading's blanks are no value
                self._record(Placed(table.id, row, None, row, cell.text, where, line.labels), out)

    def _transposed(self, index: int, grid: Grid, line: _Line, out: list[Diagnostic]) -> bool:
        """A row naming a column of a one-row table (table 四 printed down the page: 行政复议 >
        结果维持 | 1) holds that cell's figure."""
        tables = [t for t in self.tables if t.rows is None]
        found = [(t, c) for t in tables if (c := self.column(t, line.labels)) is not None] if line.labels else []
        filled = [cell for _, cell in line.values if cell.text.strip()]
        if len(found) != 1 or len(filled) > 1 or not line.values:
            return False
        (table, column), cell = found[0], (filled or [line.values[0][1]])[0]
        self._found(index, table, None)
        where = grid.where_of(cell.row, cell.column)
        self._record(Placed(table.id, None, column.id, column.id, cell.text, where, (), line.labels), out)
        return True

    def _lost_row(self, grid: Grid, line: _Line, out: list[Diagnostic]) -> None:
        filled = [cell for _, cell in line.values if cell.text.strip()]
        if not filled:
            return
        self.misfit += len(filled)
        text = quote(" > ".join(line.labels) or " ".join(c.text.strip() for c in filled))
        out.append(_unplaced(replace(grid.where_of(line.row, 0), column=None), "行", "row", text))

    def _value(
        self,
        grid: Grid,
        table: Table,
        row: str | None,
        line: _Line,
        offset: int,
        cell: TableCell,
        out: list[Diagnostic],
    ) -> None:
        """A value of a matrix row (or of a one-row table: ``row`` None) in the column its
        headings name."""
        where = grid.where_of(cell.row, cell.column)
        path = self.header[offset] if offset < len(self.header) else ()
        column = self._header_column(table, offset)
        if column is None:
            self._lost_column(offset, path, cell, where, out)
            return
        placed = Placed(table.id, row, column.id, None, cell.text, where, line.labels, path)
        if row is None:
            self._record(replace(placed, cell=column.id), out)
            return
        node = self.rows[table.id][row]
        if column.group and node.is_group:
            self.aside.append(placed)  # a subtotal of subtotals: no cell of the form, nor a rule
            return
        if column.group or (node.is_group and summable(self.form, row)):
            self._record(placed, out)
        elif not node.is_group and self.form.get(f"{row}.{column.id}") is not None:
            self._record(replace(placed, cell=f"{row}.{column.id}"), out)
        else:
            self._lost_cell(cell, where, f"{' > '.join(line.labels)} / {' > '.join(path)}", out)

    def _lost_cell(self, cell: TableCell, where: Where, place: str, out: list[Diagnostic]) -> None:
        if cell.text.strip():
            self.misfit += 1
            out.append(_unplaced(where, "单元格", "cell", quote(f"{place}: {cell.text.strip()}")))

    def _lost_column(
        self, offset: int, path: tuple[str, ...], cell: TableCell, where: Where, out: list[Diagnostic]
    ) -> None:
        if not cell.text.strip():
            return
        self.misfit += 1
        if not path:
            out.append(_unplaced(where, "单元格", "cell", quote(cell.text.strip())))
            return
        heading = self.header_where[offset]
        if heading not in self.lost_columns:  # once for the column, not for each of its cells
            self.lost_columns.add(heading)
            out.append(_unplaced(heading, "栏目", "column", quote(" > ".join(path))))

    def _record(self, placed: Placed, out: list[Diagnostic]) -> None:
        old = self.placed.get(placed.key)
        if old is None:
            self.placed[placed.key] = placed
            return
        if _blank(old.text) and not _blank(placed.text):
            self.placed[placed.key], placed, old = placed, old, placed
        self.again.append(placed)
        if not _blank(placed.text) and placed.text.strip() != old.text.strip():
            out.append(
                diag(
                    "A103",
                    cell=self._name(old),
                    first=old.where.describe(),
                    first_en=old.where.describe("en"),
                    second=placed.where.describe(),
                    second_en=placed.where.describe("en"),
                    text=quote(old.text.strip()),
                    other=quote(placed.text.strip()),
                )
            )

    def _name(self, p: Placed) -> str:
        if p.cell is not None:
            return self.form.name(p.cell)
        assert p.row is not None and p.column is not None
        return f"{self.form.name(p.row)} / {' > '.join(p.heading) or p.column}"

    # -- the result -----------------------------------------------------------------------
    def result(self) -> Found:
        rows = {p.row for p in self.placed.values() if p.row is not None}
        below = {a.id for row in rows for a in self.form.ancestors(row)}  # headings with rows read
        headings = {p.key[:2] for p in self.placed.values() if p.cell is None and self._row_group(p)}
        blank = {h for h in headings if all(_blank(q.text) for q in self.placed.values() if q.key[:2] == h)}
        # a heading row printed with blank cells above its rows is no subtotal
        placed = [p for p in self.placed.values() if not (p.key[:2] in blank and p.row in below)]
        # a heading given as one row (an earlier form's, 2019's （六）其他处理 in a 2021 table) fits less
        misfit = self.misfit + sum(1 for _, row in headings if row not in below)
        problems = [*self.problems, *self._missing({p.table for p in placed})]
        fitted = sum(1 for p in placed if not _blank(p.text))
        return Found(
            self.form,
            tuple(placed),
            tuple(self.again),
            tuple(problems),
            tuple(self.shown),
            misfit,
            fitted,
            tuple(self.aside),
        )

    def _row_group(self, p: Placed) -> bool:
        return p.row is not None and self.rows[p.table][p.row].is_group

    def _missing(self, found: set[str]) -> Iterable[Diagnostic]:
        """A101 for each form table found nowhere (once for a heading all of whose tables are)."""
        missing = [t for t in self.tables if t.id not in found]
        named: set[str] = set()
        for t in missing:
            if t.id in named:
                continue
            top = self.form.ancestors(t.id)[:1] if self.scope[t.id] else ()
            siblings = [u for u in self.tables if top and top[0].id in {a.id for a in self.form.ancestors(u.id)}]
            if top and len(siblings) > 1 and all(u in missing for u in siblings):
                named.update(u.id for u in siblings)
                yield diag("A101", table=top[0].label, data_path=f"$.values.{top[0].label}")
            else:
                name = self.form.path(t.id) if self.scope[t.id] else t.label
                yield diag("A101", table=name, data_path=f"$.values.{name}")


def _unplaced(where: Where, what: str, what_en: str, text: str, severity: Severity | None = None) -> Diagnostic:
    return diag(
        "A102",
        severity=severity,
        where=where.describe(),
        where_en=where.describe("en"),
        what=what,
        what_en=what_en,
        text=text,
    )


def find_tables(document: Document, form: Form) -> Found:
    """The form's tables found in ``document``: every value placed, with where it was read, and
    what could not be placed."""
    mapper = _Mapper(form)
    for index, block in enumerate(document.blocks):
        if isinstance(block, Paragraph):
            mapper.paragraph(block)
        else:
            mapper.table(index, block)
    return mapper.result()
