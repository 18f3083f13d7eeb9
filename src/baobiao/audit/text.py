"""Reading a report saved as plain text (.txt).

Encoding: UTF-8 with or without a BOM (UTF-16 with a BOM, as Notepad saves "Unicode"), else
GB18030 (which covers GBK and GB2312); bytes that fit none are reported (A007), and a file
that is mostly not text is refused (A001).

Paragraphs: text copied from a page or a PDF is often broken to fit a width, so lines are
joined into one paragraph, unless a line ends a sentence (。！？；：), is short (under
:data:`SHORT_LINE` characters: a title, a signature, a date), or the next line is indented; a
blank line and a numbered heading ("一、…", "（一）…", on a line of its own) end a paragraph too.
Page numbers on a line of their own ("— 3 —", "第 3 页") and form feeds are dropped, and so
are the bookmark marks some converters leave ("[bookmark: _GoBack]").

Tables, in three layouts:
  1. one row a line, its cells separated by "|": a run of at least two such lines with the
     same number of cells (Markdown's ``|---|`` lines dropped); or by tabs, as a browser
     copies a table: a run of such lines whatever their numbers of cells, the spans the copy
     lost rebuilt (a cell merged down is left out of the rows below it, one merged across is
     one cell: see ``_rebuilt``);
  2. one row a line, its cells separated by two or more spaces and aligned in columns (as a
     PDF or this tool's own text output prints a table): the columns are told from where the
     pieces of text sit (East Asian characters two cells wide: baobiao.audit.readers'
     aligned_tables); a line of one piece between rows, such as a group label, is a row of its
     own; rule lines (-----) are dropped;
  3. one cell a line starting with a tab, rows separated by a blank line, as Word's and
     Apache Tika's text export write a Word table: at least two rows of the same number of
     cells (two or more). A line without the tab continues the cell above it; a row broken
     in two by a blank line inside a cell is joined again when its parts together have the
     table's number of cells.
The file's size limit is in baobiao.audit.readers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from baobiao.audit.document import Document, TableCell
from baobiao.audit.readers import (
    MAX_ROW_PIECES,
    MAX_TEXT_BYTES,
    Blocks,
    Piece,
    Spans,
    aligned_tables,
    clean,
    decode,
    decoding_problems,
    is_page_number,
    joined,
    looks_like_heading,
    read_bytes,
    unreadable,
    unwrapped,
)
from baobiao.diagnostics.core import Diagnostic
from baobiao.instance.values import ValueKind, parse_value

SHORT_LINE = 20  # characters: a shorter line is not one broken to fit a width
MAX_LINES = 50_000  # lines read (a report as text has 200-5,000)
_BOOKMARK = re.compile(r"\[bookmark: [^\]\n]{0,200}\]")
_PIECE = re.compile(r"\S+(?: \S+)*")  # text between gaps of two spaces or more
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]"
)
_RULE_LINE = re.compile(r"\s*[-=_—━─]{3,}\s*")
_SENTENCE_END = re.compile(r"(?:[。！？；：!?;…]|[。！？][”’」』）)])$")
_RULE = re.compile(r"[-:=\s]+")

Row = list[Spans]


def read_text(path: Path) -> Document:
    """The text file at ``path`` as a Document (paragraphs and tables; see the module)."""
    name = str(path)
    data = read_bytes(path, MAX_TEXT_BYTES)
    if isinstance(data, Diagnostic):
        return Document(name, "txt", (), (data,))
    decoded = decode(data)
    if decoded is None:
        problem = ("不是文本文件（大部分字节不是 UTF-8 或 GBK 文字）", "not a text file (mostly neither UTF-8 nor GBK)")
        return Document(name, "txt", (), (unreadable(name, *problem),))
    blocks = Blocks(name)
    blocks.problems.extend(decoding_problems(name, decoded))
    lines = _lines(decoded.text)
    if len(lines) > MAX_LINES:
        blocks.partly(f"超过 {MAX_LINES} 行，其后的内容", f"over {MAX_LINES} lines: the rest")
    _read_lines(lines[:MAX_LINES], blocks)
    return blocks.document("txt")


def _lines(text: str) -> list[str]:
    """The text's lines (page numbers blanked): at most MAX_LINES, and one more holding the
    rest when there is more."""
    text = _BOOKMARK.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n"))
    return ["" if is_page_number(line) else line.rstrip(" \u3000") for line in text.split("\n", MAX_LINES)]


def _read_lines(lines: Sequence[str], blocks: Blocks) -> None:
    """Tables (each layout found in one pass over the lines), and paragraphs between them."""
    rows = {**_delimited(lines), **_cell_lines(lines)}
    copied = _copied(lines)
    aligned = {found.start: found for found in aligned_tables([_pieces(line) for line in lines])}
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.paragraph([unwrapped(paragraph)])
            paragraph.clear()

    i = 0
    while i < len(lines) and not blocks.full:
        if i in copied:
            flush()
            for cells in copied[i][0]:
                blocks.table(cells)
            i = copied[i][1]
            continue
        if i in rows:
            flush()
            blocks.table_rows(rows[i][0])
            i = rows[i][1]
            continue
        if i in aligned:
            flush()
            blocks.table(aligned[i].cells)
            i = aligned[i].end
            continue
        line, text = lines[i], clean(lines[i])
        i += 1
        if not text or looks_like_heading(text):
            flush()
            blocks.paragraph([text])
            continue
        if paragraph and line[:1] in ("\t", " ", "\u3000"):
            flush()
        paragraph.append(text)
        if len(text) < SHORT_LINE or _SENTENCE_END.search(text):
            flush()
    flush()


def _fields(line: str) -> list[str] | None:
    """The cells of a line of a table whose cells are separated by "|" ([] for a Markdown rule
    line), or None when the line is not one (fewer than two cells, or a line with tabs)."""
    text = line.strip(" \t\u3000")
    if "|" not in text or "\t" in text:
        return None
    parts = text.strip("|").split("|")
    if len(parts) < 2:
        return None
    if all(_RULE.fullmatch(p) or not p for p in parts) and "-" in text:
        return []
    return [clean(p) for p in parts]


def _tabbed(line: str) -> list[str] | None:
    """The cells of a line whose cells are separated by tabs, as a browser copies a table row
    (an empty cell is an empty string, kept at either end), or None when the line is not one:
    without a tab between two cells (a line of one cell after a tab is layout 3's)."""
    text = line.strip(" \u3000")
    if "\t" not in text.lstrip("\t"):
        return None
    return [clean(p) for p in text.split("\t")]


def _pieces(line: str) -> list[Piece] | None:
    """A line cut where two or more spaces separate its text (positions in character cells,
    a Chinese character two), for tables aligned with spaces; None for a rule line (-----).
    Lines with tabs or "|" are read by their separators instead."""
    if "\t" in line or "|" in line:
        return []
    line = line.replace("\u3000", "  ")
    if _RULE_LINE.fullmatch(line):
        return None
    pieces: list[Piece] = []
    at = column = 0
    for match in _PIECE.finditer(line):
        if len(pieces) == MAX_ROW_PIECES:
            return []
        column += _width(line[at : match.start()])
        end = column + _width(match.group())
        pieces.append((column, end, match.group()))
        column, at = end, match.end()
    return pieces


def _width(text: str) -> int:
    """Character cells: East Asian wide and full-width characters take two."""
    return len(text) + len(_WIDE.findall(text))


Found = dict[int, tuple[list[Row], int]]  # first line of a table -> (its rows, the line after it)
Copied = dict[int, tuple[list[list[TableCell]], int]]  # first line -> (its tables' cells, the line after them)


def _delimited(lines: Sequence[str]) -> Found:
    """Layout 1 with "|": runs of at least two lines with the same number of cells (rule lines
    skipped)."""
    found: Found = {}
    rows: list[Row] = []
    start = end = 0
    for i, line in enumerate([*lines, ""]):
        fields = _fields(line)
        if fields == []:  # a rule line
            continue
        if fields is not None and rows and len(fields) == len(rows[0]):
            rows.append([Spans(f) for f in fields])
            end = i + 1
            continue
        if len(rows) >= 2:
            found[start] = (rows, end)
        rows, start, end = ([[Spans(f) for f in fields]], i, i + 1) if fields else ([], i, i)
    return found


def _copied(lines: Sequence[str]) -> Copied:
    """Layout 1 with tabs: runs of consecutive lines of cells separated by tabs, whatever their
    numbers of cells, with at least two lines of two cells or more that are not empty; the
    table's spans rebuilt (:func:`_rebuilt`)."""
    found: Copied = {}
    run: list[list[str]] = []
    for i, line in enumerate([*lines, ""]):
        fields = _tabbed(line)
        if fields is not None:
            run.append(fields)
            continue
        if sum(1 for row in run if sum(1 for f in row if f) >= 2) >= 2:
            found[i - len(run)] = (_rebuilt(run), i)
        run = []
    return found


# -- a table copied from a web page: its spans rebuilt ---------------------------------------------
#
# A browser copies a table row by row, its cells apart by tabs, and leaves out what HTML's
# spans say: a cell merged across columns is one cell, and the slots a cell merged down covers
# are left out of the rows below it. The grid is rebuilt as HTML would have written it.

_NUMERALS = "一二三四五六七八九十"
#: outline numbers, from the highest level: 一、 （一） 1. （1） ①
_OUTLINE = (
    re.compile(rf"[{_NUMERALS}]{{1,3}}[、.．]"),
    re.compile(rf"[（(][{_NUMERALS}]{{1,3}}[)）]"),
    re.compile(r"\d{1,2}[、.．](?!\d)"),
    re.compile(r"[（(]\d{1,2}[)）]"),
    re.compile("[\u2460-\u2473]"),
)
_COUNTED = frozenset({ValueKind.NUMBER, ValueKind.WITH_UNIT, ValueKind.TOO_LARGE})
MAX_HEADER_ROWS = 6  # header rows of a copied table whose spans are rebuilt
MAX_HEADER_STEPS = 10_000  # ways of spanning a copied header looked at (a real one needs a few)


def _level(text: str) -> int | None:
    """The outline level of a label by its number (0 for "一、", 1 for "（一）", ...)."""
    return next((k for k, pattern in enumerate(_OUTLINE) if pattern.match(text)), None)


def _figure(text: str) -> bool:
    """A value cell's text: a number (with its unit) or a blank ("", "—", "/")."""
    return parse_value(text).kind is not ValueKind.NOT_A_NUMBER


def _holds_figures(row: Sequence[str]) -> bool:
    """A body row: a number or a printed blank ("—") after its first cell."""
    return any(parse_value(t).kind in _COUNTED or (t and _figure(t)) for t in row[1:])


@dataclass(slots=True)
class _Cell:
    """A cell being placed (mutable while its spans are rebuilt)."""

    text: str
    row: int
    column: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False

    def placed(self) -> TableCell:
        return TableCell(self.text, self.row, self.column, self.rowspan, self.colspan)


def _rebuilt(rows: list[list[str]]) -> list[list[TableCell]]:
    """The table of a run of tab-separated rows, with the spans the copy lost.

    Body rows (rows with figures, from the first one on) are aligned on their last cell: a row
    with fewer cells than the table is wide is missing its leading cells, which the cells above
    them in those columns cover (their rowspan extended). Where the labels of some rows stand in
    several columns by their outline level ("三、…" | "（一）…", "（三）…" | "1.…"), a label
    with such a number stands in its level's column (so a row may miss more leading cells than
    the widest row shows, and a higher label spans the columns down to the next one).

    Header rows (above the first body row) are rebuilt as a tree of headings over the value
    columns (:func:`_header`). When that is not certain, the lower header rows that can be
    rebuilt (the row naming each column, at least, when it has a cell for each) stay with the
    body, and the rows above them are a table of their own, as copied, before it: their
    headings are not taken for columns they may not be over. A header printed again lower down
    (its rows as at the top) is rebuilt as the top one."""
    first = next((r for r, row in enumerate(rows) if _holds_figures(row)), None)
    if first is None:
        return [_as_copied(rows)]
    head, body = rows[:first], rows[first:]
    width, pins = _body_width(body)
    values = min(width, max(_trailing_figures(row) for row in body if _holds_figures(row)))
    labels = width - values
    tables: list[list[TableCell]] = []
    cut, top = next(
        ((k, found) for k in range(len(head) + 1) if (found := _header(head[k:], labels, values, k == 0)) is not None),
        (len(head), []),
    )
    if cut:
        tables.append(_as_copied(head[:cut]))
    head = head[cut:]
    cells: list[_Cell] = list(top)
    slots: dict[tuple[int, int], int] = {}
    for k, cell in enumerate(cells):
        _take(slots, cell, k)
    offset, r = len(head), 0
    while r < len(body):
        if head and body[r : r + len(head)] == head:  # the header printed again
            for cell in _header(head, labels, values, not cut) or []:
                cell.row += offset + r
                cells.append(cell)
                _take(slots, cell, len(cells) - 1)
            r += len(head)
            continue
        _place_row(body[r], offset + r, width, pins, cells, slots)
        r += 1
    tables.append([cell.placed() for cell in cells])
    return tables


def _as_copied(rows: Sequence[Sequence[str]]) -> list[TableCell]:
    return [TableCell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)]


def _take(slots: dict[tuple[int, int], int], cell: _Cell, k: int) -> None:
    for r in range(cell.row, cell.row + cell.rowspan):
        for c in range(cell.column, cell.column + cell.colspan):
            slots[(r, c)] = k


def _trailing_figures(row: Sequence[str]) -> int:
    """How many cells end the row with figures (its first cell only if it is a number: a
    blank there is a label left blank)."""
    n = 0
    while n < len(row) - 1 and _figure(row[len(row) - 1 - n]):
        n += 1
    return n + (n == len(row) - 1 and parse_value(row[0]).kind in _COUNTED)


def _leading_levels(row: Sequence[str]) -> list[int]:
    """The outline levels of the row's leading labels, while they go down."""
    levels: list[int] = []
    for text in row:
        level = _level(text)
        if level is None or (levels and level <= levels[-1]):
            break
        levels.append(level)
    return levels


def _body_width(body: Sequence[Sequence[str]]) -> tuple[int, dict[int, int]]:
    """The table's width, and the column of each outline level that has one: the levels of
    labels printed side by side in some row (三、 | （一）), in their order. The table is as wide
    as its widest row, or wider when a row whose first label has a column needs it."""
    side_by_side = sorted({level for row in body for level in _leading_levels(row) if len(_leading_levels(row)) >= 2})
    pins = {level: k for k, level in enumerate(side_by_side)}
    width = max(len(row) for row in body)
    for row in body:
        levels = _leading_levels(row)
        if levels and levels[0] in pins:
            width = max(width, pins[levels[0]] + len(row))
    return width, pins


def _place_row(
    row: Sequence[str], r: int, width: int, pins: dict[int, int], cells: list[_Cell], slots: dict[tuple[int, int], int]
) -> None:
    """A body row placed: aligned on its last cell, its numbered labels in their levels' columns
    (each cell spanning to the next one), the columns left of its first cell covered by the
    cells above them."""
    n = len(row)
    columns = [width - n + i for i in range(n)]
    for i, level in enumerate(_leading_levels(row)):
        column = pins.get(level)
        if column is None or column > columns[i] or (i and column <= columns[i - 1]):
            break
        columns[i] = column
    for c in range(columns[0] if row else width):
        if (r, c) in slots:
            continue
        above = slots.get((r - 1, c))
        if above is None:
            continue
        cell = cells[above]
        if cell.header or cell.column + cell.colspan > columns[0] or cell.row + cell.rowspan != r:
            continue
        cell.rowspan += 1
        _take(slots, cell, above)
    for i, text in enumerate(row):
        end = columns[i + 1] if i + 1 < n else width
        cell = _Cell(text, r, columns[i], 1, end - columns[i])
        cells.append(cell)
        _take(slots, cell, len(cells) - 1)


def _header(rows: Sequence[Sequence[str]], labels: int, values: int, corner: bool = True) -> list[_Cell] | None:
    """Header rows over a body of ``labels`` label columns and ``values`` value columns, as a
    tree of headings; None when the copy does not tell it ([] for no rows).

    A row with a cell for each column is read as it is. Otherwise the first row's first cell is
    the corner over the label columns, spanning down the header (unless ``corner`` is False:
    the rows are the lower part of a header); the other cells are headings over the value
    columns: the top row's cover them all, and each heading either has the cells of the row
    below it under it (at least two, when that can be) or spans down to the next row. The
    numbers of cells alone tell how many headings span down at each row, when only one count
    fits; those are the first and last of their row (then the second and the one before the
    last...), and the cells below are shared evenly among the others (when they cannot be, the
    header is not certain)."""
    width = labels + values
    if not rows:
        return []
    if len(rows) > MAX_HEADER_ROWS:
        return None
    out: list[_Cell] = []
    tops: list[list[str]] = []  # each row's cells over the value columns
    spanning: _Cell | None = None
    for r, row in enumerate(rows):
        if len(row) == width:
            out.extend(_Cell(text, r, c, header=True) for c, text in enumerate(row[:labels]))
            tops.append(list(row[labels:]))
            spanning = None
        elif r == 0 and labels and corner:
            spanning = _Cell(row[0], 0, 0, 1, labels, header=True)
            out.append(spanning)
            tops.append(list(row[1:]))
        else:
            tops.append(list(row))
            if spanning is not None:
                spanning.rowspan += 1
            elif labels:  # a label cell of a row read as it is spans down to here
                for cell in out:
                    if cell.column < labels and cell.row + cell.rowspan == r:
                        cell.rowspan += 1
    tree = _tree([len(t) for t in tops], values)
    if tree is None:
        return None
    for r, column, rowspan, colspan, k in tree:
        out.append(_Cell(tops[r][k], r, labels + column, rowspan, colspan, header=True))
    return out


def _tree(counts: list[int], leaves: int) -> list[tuple[int, int, int, int, int]] | None:
    """Headings over ``leaves`` columns, ``counts[r]`` of them printed in row r: each as (row,
    column, rowspan, colspan, index in its row), or None when not certain (see :func:`_header`)."""
    if not counts or min(counts) < 1 or leaves < 1 or leaves > MAX_ROW_PIECES:
        return None
    spans: list[int] | None = None
    for least in (2, 1):
        found = _span_counts(counts, leaves, least)
        if len(found) > 1:
            return None
        if found:
            spans = found[0]
            break
    if spans is None:
        return None
    # a node: (row, index in its row); children of each node
    active: list[tuple[int, int]] = [(0, k) for k in range(counts[0])]
    children: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for r, down in enumerate(spans):
        p = len(active)
        order = [k for pair in zip(range(p), range(p - 1, -1, -1), strict=True) for k in pair]
        keep = set(list(dict.fromkeys(order))[:down])
        parents = [node for k, node in enumerate(active) if k not in keep]
        if counts[r + 1] % len(parents):
            return None
        share = counts[r + 1] // len(parents)
        below = [(r + 1, k) for k in range(counts[r + 1])]
        nxt: list[tuple[int, int]] = []
        for k, node in enumerate(active):
            if k in keep:
                nxt.append(node)
            else:
                kids, below = below[:share], below[share:]
                children[node] = kids
                nxt.extend(kids)
        active = nxt
    column = {node: c for c, node in enumerate(active)}
    last = len(counts) - 1
    out: list[tuple[int, int, int, int, int]] = []

    def place(node: tuple[int, int]) -> tuple[int, int]:
        kids = children.get(node)
        if not kids:
            first = end = column[node]
            rowspan = last - node[0] + 1
        else:
            ranges = [place(kid) for kid in kids]
            first, end = ranges[0][0], ranges[-1][1]
            rowspan = kids[0][0] - node[0]
        out.append((node[0], first, rowspan, end - first + 1, node[1]))
        return first, end

    for k in range(counts[0]):
        place((0, k))
    return sorted(out)


def _span_counts(counts: list[int], leaves: int, least: int) -> list[list[int]]:
    """The ways (at most two) of choosing how many headings of each row span down to the next
    one, the others having at least ``least`` cells of the next row each, so that the last row
    has ``leaves`` headings in all."""
    found: list[list[int]] = []
    budget = [MAX_HEADER_STEPS]

    def walk(r: int, active: int, chosen: list[int]) -> None:
        budget[0] -= 1
        if budget[0] < 0:  # too many ways to look at: as if two fitted (not certain)
            found.extend([chosen, chosen][: 2 - len(found)])
        if len(found) > 1 or active > leaves:
            return
        if r == len(counts) - 1:
            if active == leaves:
                found.append(chosen)
            return
        for down in range(active):
            if counts[r + 1] >= least * (active - down):
                walk(r + 1, down + counts[r + 1], [*chosen, down])

    walk(0, counts[0], [])
    return found


def _cell_lines(lines: Sequence[str]) -> Found:
    """Layout 3: blocks of lines (between blank lines) each holding a row, one cell a line
    starting with a tab; a table is at least two rows of the same number of cells (two or
    more). Lines of a block before its first tab line (a caption) end a table; a row broken in
    two by a blank line is joined again."""
    found: Found = {}
    rows: list[Row] = []
    pending: list[list[str]] = []  # the first part of a broken row
    start = end = 0
    for captioned, first, after, cells in [*_groups(lines), (True, len(lines), len(lines), [])]:
        width = len(rows[0]) if rows else 0
        if rows and not captioned and pending and len(pending) + len(cells) == width:
            cells, pending = pending + cells, []
        elif rows and not captioned and not pending and 0 < len(cells) < width:
            pending = cells
            continue
        elif not rows or captioned or pending or len(cells) != width:
            if len(rows) >= 2:
                found[start] = (rows, end)
            rows, pending, start = [], [], first
            if len(cells) < 2:
                continue
        rows.append([Spans(joined(cell)) for cell in cells])
        end = after
    return found


def _groups(lines: Sequence[str]) -> Iterator[tuple[bool, int, int, list[list[str]]]]:
    """Each block of non-blank lines: whether lines come before its first tab line, that line,
    the line after the block, and its cells from there (each a list of lines: a line without
    the tab continues the cell above). A block without a tab line has no cells."""
    i = 0
    while i < len(lines):
        if lines[i] == "":
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i] != "":
            i += 1
        first = next((k for k in range(start, i) if lines[k].startswith("\t")), i)
        cells: list[list[str]] = []
        for line in lines[first:i]:
            if line.startswith("\t"):
                cells.append([line[1:]])
            else:
                cells[-1].append(line)
        yield first > start, first, i, cells
