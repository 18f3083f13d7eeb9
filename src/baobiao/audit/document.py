"""A published report as read from its file (HTML, Word, PDF or plain text), before anything
is known about its form: a sequence of blocks in reading order, each a paragraph of text or a
table, with where it was found. The readers (audit.readers) make it; the mapping (audit.tables)
finds the form's tables in it by their printed labels.

A table is a rectangular grid of slots: a merged cell (rowspan, colspan, gridSpan, vMerge, a
PDF cell spanning ruling lines) covers several slots and is one :class:`TableCell`; every slot
it covers refers to it, so a label merged down three rows is the label of each of them, and a
heading merged across columns is the parent of each column under it."""

from __future__ import annotations

from dataclasses import dataclass, field

from baobiao.diagnostics.core import Diagnostic


@dataclass(frozen=True, slots=True)
class Where:
    """Where a block or a cell was read, for people: the page (PDF; Word and HTML have none),
    the table's number in the document (1-based), and the row and column in that table's grid
    (1-based)."""

    page: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None

    def describe(self, lang: str = "zh") -> str:
        """``第2页 表3 第5行第2列`` / ``page 2, table 3, row 5, column 2``."""
        if lang == "zh":
            place = " ".join(p for p in (self._zh("第{}页", self.page), self._zh("表{}", self.table)) if p)
            cell = self._zh("第{}行", self.row) + self._zh("第{}列", self.column)
            return " ".join(p for p in (place, cell) if p)
        words = [
            f"page {self.page}" if self.page is not None else "",
            f"table {self.table}" if self.table is not None else "",
            f"row {self.row}" if self.row is not None else "",
            f"column {self.column}" if self.column is not None else "",
        ]
        return ", ".join(w for w in words if w)

    @staticmethod
    def _zh(pattern: str, number: int | None) -> str:
        return pattern.format(number) if number is not None else ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of running text (a heading is a paragraph too: ``heading`` is True when the
    source marks it as one, h1-h6, a Word heading style, a larger font in a PDF)."""

    text: str
    where: Where = Where()
    heading: bool = False


@dataclass(frozen=True, slots=True)
class TableCell:
    """One cell as printed: its text (whitespace inside kept as read, line breaks as "\\n"),
    its top-left slot (0-based) and how many rows and columns it spans."""

    text: str
    row: int
    column: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Table:
    """A table as a grid: ``slots[r][c]`` is the index in ``cells`` of the cell covering slot
    (r, c), or -1 where no cell does (a short row). Every row has ``width`` slots. ``where``:
    the table's number and first page. ``continued``: the reader joined this table from parts
    (a table split across pages, or printed in two with its header repeated). ``row_pages``:
    the page of each row when the table was joined across pages (empty otherwise: every row is
    on ``where.page``)."""

    cells: tuple[TableCell, ...]
    slots: tuple[tuple[int, ...], ...]
    where: Where = Where()
    continued: bool = False
    row_pages: tuple[int, ...] = ()

    @property
    def height(self) -> int:
        return len(self.slots)

    @property
    def width(self) -> int:
        return len(self.slots[0]) if self.slots else 0

    def cell(self, row: int, column: int) -> TableCell | None:
        k = self.slots[row][column]
        return self.cells[k] if k >= 0 else None

    def text(self, row: int, column: int) -> str:
        cell = self.cell(row, column)
        return cell.text if cell is not None else ""

    def where_of(self, row: int, column: int) -> Where:
        """The slot's place for people (1-based row and column of the grid; the row's own page
        in a table joined across pages)."""
        page = self.row_pages[row] if row < len(self.row_pages) else self.where.page
        return Where(page, self.where.table, row + 1, column + 1)


Block = Paragraph | Table


@dataclass(frozen=True)
class Document:
    """A report read from ``path`` (its ``kind``: html, docx, pdf, txt): its blocks in reading
    order, and the problems met reading it (diagnostics, never exceptions). ``pages``: a PDF's
    page count (None for other kinds)."""

    path: str
    kind: str
    blocks: tuple[Block, ...]
    problems: tuple[Diagnostic, ...] = field(default=())
    pages: int | None = None

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))


def grid(rows: list[list[TableCell]], where: Where = Where(), continued: bool = False) -> Table:
    """A Table from cells given row by row as printed (each row lists the cells that start in
    it, left to right; slots already covered by a rowspan from above are skipped, as in HTML):
    the readers' own placing (audit.readers.placed_rows, then placed). Spans reaching past the
    last row are cut there; short rows are padded with -1."""
    from baobiao.audit.readers import Spans, placed, placed_rows  # the readers import this module

    cells, _ = placed_rows([[Spans(c.text, max(1, c.rowspan), max(1, c.colspan)) for c in row] for row in rows])
    return placed(cells, where, continued)[0]
