"""Reading a report published as a PDF with a text layer, with pdfplumber (pdfminer.six).

Tables:
- ruled (drawn with lines or rectangles): found by pdfplumber's "lines" strategy; the ruling
  lines make the grid, and a cell spanning several of its columns or rows (merged) is one
  cell with those spans. A cell's text is the characters inside it, its lines joined with
  "\\n".
- printed without borders: told from the column positions of aligned words. A line is split
  into pieces where the gap between two characters is :data:`COLUMN_GAP` characters wide or
  more; at least two consecutive lines of two pieces or more, whose pieces fall into the same
  columns, are a table (a line of one short piece between them is a row with only its first
  cell filled, such as a group label).
- across pages: a table that ends a page and one that starts the next with the same columns
  are joined into one Table with ``continued=True``; header rows repeated at the top of the
  continuation are dropped, and ``row_pages`` gives each row's page. (A row broken across the
  page break stays two rows.)

Paragraphs: the lines outside tables, top to bottom (one column of text). A new paragraph
starts after a vertical gap larger than :data:`PARAGRAPH_GAP` line heights, at an indented
line, after a line ending short of the right margin, at a change of font size and at a
numbered heading; its lines are joined (Chinese directly). A paragraph is a heading when its
font is larger than the page's body text or it is a short numbered line ("一、总体情况"). A
paragraph running on at the top of the next page is joined to its start. Page headers and
footers holding a page number ("— 3 —", "第 3 页", "3 / 10", a bare number) in the top or
bottom tenth of a page are dropped.

Scans: a page with images and no characters has no text layer. When every page is such,
the document is a scan (A005: OCR is not done); when some are, those pages are named (A004).

Limits: the file's size (baobiao.audit.readers); before parsing, the objects it holds
(``endobj`` and the largest ``/Size`` declared, :data:`MAX_OBJECTS`, A003: a PDF of a million
objects ends there, in well under a second); then at most :data:`MAX_PAGES` pages, and
:data:`MAX_SECONDS` of reading checked between pages (the rest is not read, A004). Each page
has a budget while pdfminer interprets it: :data:`MAX_PAGE_OBJECTS` characters, paths, images
and forms drawn, :data:`MAX_PAGE_CONTENT` bytes of drawing instructions (a form's again each
time it is drawn; each stream measured by a bounded decompression before pdfminer decodes it,
so a compression bomb is never inflated) and :data:`MAX_PAGE_SECONDS`; over budget, the page
is skipped (A004), so one page takes at most a few seconds. On a page drawing more than
:data:`MAX_EDGES` lines, ruled tables are not looked for (its text is read as lines, A004)."""

from __future__ import annotations

import bisect
import functools
import io
import logging
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from baobiao.audit.document import Document, TableCell
from baobiao.audit.readers import (
    MAX_PDF_BYTES,
    Blocks,
    aligned_tables,
    clean,
    is_page_number,
    joined,
    looks_like_heading,
    over_limit,
    read_bytes,
    unreadable,
    unwrapped,
)
from baobiao.diagnostics.core import Diagnostic, diag

MAX_OBJECTS = 200_000  # a 300-page report holds ~20,000
MAX_PAGES = 500
MAX_SECONDS = 60.0
MAX_PAGE_CONTENT = 512 * 1024  # bytes of drawing instructions interpreted a page (a page of text: 5-60 KB)
MAX_PAGE_OBJECTS = 30_000  # characters, paths, images and forms drawn on a page (a dense one: ~3,000)
MAX_PAGE_SECONDS = 5.0  # interpreting one page's drawing
MAX_EDGES = 5_000  # ruling lines of a page looked at for tables (a page of table 三: ~100)
COLUMN_GAP = 1.5  # characters: a wider gap in a line separates columns of a table printed without borders
PARAGRAPH_GAP = 0.8  # line heights: a wider gap between lines separates paragraphs
MARGIN = 0.1  # of the page's height: where headers and footers are
ALIGN = 2.0  # points: column boundaries this close are the same
ROW_GAP = 2.5  # line heights: a wider gap between two lines ends a table printed without borders
_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
# pdfminer logs a warning for each malformed thing it meets; with no handler of the
# application's, Python would print each one on stderr. Problems are diagnostics here.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
_BARE_NUMBER = re.compile(r"\d{1,4}")
_RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass(slots=True)
class _Line:
    """A line of text outside tables, and how it sits on its page."""

    text: str
    page: int
    top: float
    bottom: float
    size: float
    x0: float
    x1: float
    width: float  # the page's
    indented: bool = False
    full: bool = False  # reaches the right margin: the paragraph may run on
    large: bool = False  # larger than the page's body text


@dataclass(slots=True)
class _Part:
    """A table as found on one page (cells at their slots in this part)."""

    cells: list[TableCell]
    columns: tuple[float, ...]  # where its columns start (and the last one ends, when ruled)
    page: int
    top: float
    rows: int
    row_pages: list[int] = field(default_factory=list)
    continued: bool = False


Item = _Line | _Part


def read_pdf(path: Path) -> Document:
    """The PDF at ``path`` as a Document (see the module)."""
    name = str(path)
    data = read_bytes(path, MAX_PDF_BYTES)
    if isinstance(data, Diagnostic):
        return Document(name, "pdf", (), (data,))
    if b"%PDF-" not in data[:1024]:
        return Document(name, "pdf", (), (unreadable(name, "不是 PDF 文档", "not a PDF document"),))
    objects = max([data.count(b"endobj"), *(int(m) for m in _SIZE.findall(data))])
    if objects > MAX_OBJECTS:
        what = (f"含有 {objects} 个对象，上限 {MAX_OBJECTS} 个", f"{objects} objects, limit {MAX_OBJECTS}")
        return Document(name, "pdf", (), (over_limit(name, *what),))
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
    except Exception as exc:  # pdfplumber wraps pdfminer's errors: the one wrapped says which
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(cause, PDFPasswordIncorrect):
            problem = ("PDF 已加密，需要密码才能打开", "the PDF is encrypted and needs a password")
        else:
            problem = (f"PDF 已损坏（{type(cause).__name__}）", f"the PDF is damaged ({type(cause).__name__})")
        return Document(name, "pdf", (), (unreadable(name, *problem),))
    # not pdf.close(): it makes every page of the file (and raises on a damaged page tree);
    # the pages read are closed one by one, and the bytes are in memory
    return _Reader(name, pdf).read()


class _Reader:
    def __init__(self, name: str, pdf: Any) -> None:
        self.pdf = pdf
        self.blocks = Blocks(name)
        self.scanned: list[int] = []
        self.pages = 0

    def read(self) -> Document:
        items: list[Item] = []
        for number, page in self._pages():
            try:
                found = _page_items(page, number)
                if len(page.edges) > MAX_EDGES:
                    self.blocks.partly(
                        f"第 {number} 页的线条超过 {MAX_EDGES} 条，其中表格的框线",
                        f"page {number} draws over {MAX_EDGES} lines: its table rulings",
                    )
            except _PageTooLarge:
                self.blocks.partly(
                    f"第 {number} 页绘制的内容过多（超过 {MAX_PAGE_OBJECTS} 个字符和图形、"
                    f"{MAX_PAGE_CONTENT // 1024} KiB 的绘制指令或 {MAX_PAGE_SECONDS:.0f} 秒），该页",
                    f"page {number} draws too much (over {MAX_PAGE_OBJECTS} characters and shapes, "
                    f"{MAX_PAGE_CONTENT // 1024} KiB of drawing instructions or {MAX_PAGE_SECONDS:.0f} s)",
                )
                continue
            except Exception as exc:  # a damaged page: the others are read
                self.blocks.partly(f"第 {number} 页已损坏（{type(exc).__name__}），其内容", f"page {number} is damaged")
                continue
            finally:
                page.close()
            if found is None:
                self.scanned.append(number)
            else:
                items.extend(found)
        _place([item for item in items if isinstance(item, _Line)])
        self._emit(items)
        if self.scanned and not items and self.pages == len(self.scanned):
            self.blocks.problems.append(diag("A005", path=self.blocks.name, pages=self.pages))
        elif self.scanned:
            shown = "、".join(map(str, self.scanned[:20])) + ("等" if len(self.scanned) > 20 else "")
            self.blocks.partly(
                f"第 {shown} 页只有图像（扫描件），其文字", f"page(s) {shown} are images only (scanned): their text"
            )
        return self.blocks.document("pdf", self.pages or None)

    def _pages(self) -> Iterator[tuple[int, Any]]:
        """The pages to read, within the limits (each one said when reached)."""
        from pdfminer.pdfpage import PDFPage
        from pdfplumber.page import Page

        start = time.monotonic()
        try:
            for number, page in enumerate(PDFPage.create_pages(self.pdf.doc), 1):
                self.pages = number
                if number > MAX_PAGES:
                    self.blocks.partly(f"超过 {MAX_PAGES} 页，其后各页", f"over {MAX_PAGES} pages: the later pages")
                    return
                if time.monotonic() - start > MAX_SECONDS:
                    self.blocks.partly(
                        f"读取超过 {MAX_SECONDS:.0f} 秒，第 {number} 页起",
                        f"over {MAX_SECONDS:.0f} s: from page {number}",
                    )
                    return
                yield number, Page(self.pdf, page, page_number=number)
        except Exception as exc:  # a damaged page tree: the pages found are kept
            self.blocks.partly(
                f"页面目录已损坏（{type(exc).__name__}），其后各页", "the page tree is damaged: the later pages"
            )

    def _emit(self, items: list[Item]) -> None:
        """Paragraphs and tables in reading order, joining what runs on across pages."""
        lines: list[_Line] = []
        for k, item in enumerate(items):
            following = items[k + 1] if k + 1 < len(items) else None
            if isinstance(item, _Part):
                if isinstance(following, _Part) and _continues(item, following):
                    _join(item, following)
                    continue
                self.blocks.table(item.cells, item.page, item.continued, item.row_pages if item.continued else ())
                continue
            lines.append(item)
            if following is None or isinstance(following, _Part) or _breaks(item, following):
                self.blocks.paragraph(
                    [unwrapped(line.text for line in lines)], lines[0].page, any(x.large for x in lines)
                )
                lines = []


def _decoded_size(stream: Any) -> int:
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    if stream.data is not None:
        return len(stream.data)
    raw = stream.rawdata or b""
    if stream.decipher is not None:
        raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
    filters = stream.get_filters()
    if filters and filters[0][0] in LITERALS_FLATE_DECODE:
        try:
            return len(zlib.decompressobj().decompress(raw, MAX_PAGE_CONTENT + 1))
        except zlib.error:
            return len(raw)
    return len(raw)


# -- one page ------------------------------------------------------------------------------------


class _PageTooLarge(Exception):
    """A page draws more than MAX_PAGE_OBJECTS things, or takes more than MAX_PAGE_SECONDS."""


@functools.cache
def _budgeted() -> tuple[type, type]:
    """pdfplumber's device and pdfminer's interpreter, keeping count of what a page draws: its
    characters, paths, images and forms (MAX_PAGE_OBJECTS), the drawing instructions
    interpreted, a form's again each time it is drawn (MAX_PAGE_CONTENT, measured by a bounded
    decompression before pdfminer decodes them), and the time (MAX_PAGE_SECONDS). Over any of
    them, the page stops (_PageTooLarge)."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class Device(PDFPageAggregatorWithMarkedContent):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.drawn = self.spent = 0
            self.deadline = time.monotonic() + MAX_PAGE_SECONDS

        def count(self, drawn: int = 1, spent: int = 0) -> None:
            self.drawn += drawn
            self.spent += spent
            if self.drawn > MAX_PAGE_OBJECTS or self.spent > MAX_PAGE_CONTENT or time.monotonic() > self.deadline:
                raise _PageTooLarge

        def render_char(self, *args: Any, **kwargs: Any) -> Any:
            self.count()
            return super().render_char(*args, **kwargs)

        def paint_path(self, *args: Any, **kwargs: Any) -> None:
            self.count()
            super().paint_path(*args, **kwargs)

        def render_image(self, *args: Any, **kwargs: Any) -> None:
            self.count()
            super().render_image(*args, **kwargs)

        def begin_figure(self, *args: Any, **kwargs: Any) -> None:
            self.count()
            super().begin_figure(*args, **kwargs)

    class Interpreter(PDFPageInterpreter):
        def render_contents(self, resources: Any, streams: Any, *args: Any, **kwargs: Any) -> None:
            sizes = (_decoded_size(s) for s in map(resolve1, streams) if isinstance(s, PDFStream))
            self.device.count(0, sum(sizes))  # type: ignore[attr-defined]
            super().render_contents(resources, streams, *args, **kwargs)

    return Device, Interpreter


def _interpret(page: Any) -> None:
    """The page's drawing interpreted within its budget (see _budgeted), kept where pdfplumber
    looks for it (``Page.layout``, which would interpret it without one)."""
    device, interpreter = _budgeted()
    drawn = device(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    interpreter(page.pdf.rsrcmgr, drawn).process_page(page.page_obj)
    page._layout = drawn.get_result()


def _page_items(page: Any, number: int) -> list[Item] | None:
    """The page's lines and tables from top to bottom; None: images and no characters (a
    scanned page); [] for a blank page."""
    _interpret(page)
    if not page.chars:
        return None if page.images else []
    ruled = [t for t in page.find_tables(_RULED) if len(t.cells) >= 2] if len(page.edges) <= MAX_EDGES else []
    boxes = [t.bbox for t in ruled]
    parts = [p for p in (_ruled_part(page, t, number) for t in ruled) if p is not None]

    def outside(obj: dict[str, Any]) -> bool:
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    rows = [r for r in page.filter(outside).extract_text_lines(return_chars=True) if not _header_footer(r, page.height)]
    lines = _lines(rows, number, round(float(page.width)))
    items: list[tuple[float, Item]] = [(p.top, p) for p in parts]
    start = 0
    for run_start, run_end, part in _borderless(rows, number):
        items.extend((line.top, line) for line in lines[start:run_start])
        items.append((part.top, part))
        start = run_end
    items.extend((line.top, line) for line in lines[start:])
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _header_footer(row: dict[str, Any], height: float) -> bool:
    text = clean(row["text"])
    in_margin = row["bottom"] < height * MARGIN or row["top"] > height * (1 - MARGIN)
    return in_margin and (is_page_number(text) or _BARE_NUMBER.fullmatch(text) is not None)


def _size(chars: Iterable[dict[str, Any]]) -> float:
    sizes = Counter(round(float(c["size"]) * 2) / 2 for c in chars if not c["text"].isspace())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _lines(rows: Sequence[dict[str, Any]], page: int, width: float) -> list[_Line]:
    return [
        _Line(clean(row["text"]), page, row["top"], row["bottom"], _size(row["chars"]), row["x0"], row["x1"], width)
        for row in rows
    ]


def _place(lines: Sequence[_Line]) -> None:
    """Each line's place among the document's lines: indented from the left margin, reaching
    the right one, larger than the body text. The margins are those of all pages of the same
    width (a page of a few lines says little of its own), the body text's size the most common
    one."""
    body = Counter(line.size for line in lines).most_common(1)[0][0] if lines else 0.0
    left: dict[float, float] = {}
    right: dict[float, float] = {}
    for line in lines:
        left[line.width] = min(left.get(line.width, line.x0), line.x0)
        right[line.width] = max(right.get(line.width, line.x1), line.x1)
    for line in lines:
        size = line.size or body
        line.indented = line.x0 > left[line.width] + size
        line.full = line.x1 >= right[line.width] - 2 * size
        line.large = size > body + 1


def _breaks(line: _Line, following: _Line) -> bool:
    """Whether a paragraph ends between two lines."""
    if following.page != line.page:
        joined = following.page == line.page + 1 and line.full and not following.indented
        return not joined or abs(following.size - line.size) > 1
    height = max(line.bottom - line.top, 1.0)
    return (
        following.top - line.bottom > PARAGRAPH_GAP * height
        or following.indented
        or not line.full
        or abs(following.size - line.size) > 1
        or line.large
        or looks_like_heading(line.text)
        or looks_like_heading(following.text)
    )


# -- tables ----------------------------------------------------------------------------------------


def _positions(values: Iterable[float]) -> list[float]:
    """Distinct coordinates, those within ALIGN of each other taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > ALIGN:
            out.append(v)
    return out


def _index(positions: list[float], value: float) -> int:
    """The index of the position nearest to ``value``."""
    i = bisect.bisect_left(positions, value)
    if i == len(positions) or (i > 0 and value - positions[i - 1] < positions[i] - value):
        i -= 1
    return i


def _ruled_part(page: Any, table: Any, number: int) -> _Part | None:
    """A ruled table: its grid from the cells' edges, each cell's text from the characters
    whose centre is inside it."""
    from pdfplumber.utils.text import extract_text

    xs = _positions(x for cell in table.cells for x in (cell[0], cell[2]))
    ys = _positions(y for cell in table.cells for y in (cell[1], cell[3]))
    boxes = []
    for x0, top, x1, bottom in table.cells:
        col, row = _index(xs, x0), _index(ys, top)
        boxes.append((row, col, max(1, _index(ys, bottom) - row), max(1, _index(xs, x1) - col)))
    owner: dict[tuple[int, int], int] = {}
    for k, (row, col, rowspan, colspan) in enumerate(boxes):
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                owner.setdefault((r, c), k)
    chars: list[list[dict[str, Any]]] = [[] for _ in boxes]
    left, top, right, bottom = table.bbox
    for char in page.chars:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        if left <= x <= right and top <= y <= bottom:
            held = owner.get((bisect.bisect_right(ys, y) - 1, bisect.bisect_right(xs, x) - 1))
            if held is not None:
                chars[held].append(char)
    cells = [
        TableCell(joined(extract_text(found).split("\n")), row, col, rowspan, colspan)
        for found, (row, col, rowspan, colspan) in zip(chars, boxes, strict=True)
    ]
    if not any(cell.text for cell in cells):
        return None
    rows = len(ys) - 1
    return _Part(cells, tuple(xs), number, top, rows, [number] * rows)


def _pieces(chars: Sequence[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """A line cut where characters are COLUMN_GAP characters apart or more: (x0, x1, text)."""
    pieces: list[tuple[float, float, str]] = []
    for char in sorted((c for c in chars if not c["text"].isspace()), key=lambda c: c["x0"]):
        size = float(char["size"]) or 10.0
        if pieces and char["x0"] - pieces[-1][1] < COLUMN_GAP * size:
            x0, x1, text = pieces[-1]
            space = " " if char["x0"] - x1 > 0.2 * size and text[-1:].isascii() and char["text"].isascii() else ""
            pieces[-1] = (x0, max(x1, char["x1"]), text + space + char["text"])
        else:
            pieces.append((char["x0"], char["x1"], char["text"]))
    return pieces


def _borderless(rows: Sequence[dict[str, Any]], page: int) -> Iterator[tuple[int, int, _Part]]:
    """Tables printed without borders among the page's lines (baobiao.audit.readers'
    aligned_tables): (first line, line after, the table) for each."""

    def near(k: int) -> bool:
        height = max(rows[k - 1]["bottom"] - rows[k - 1]["top"], 1.0)
        return bool(rows[k]["top"] - rows[k - 1]["bottom"] <= ROW_GAP * height)

    for found in aligned_tables([_pieces(row["chars"]) for row in rows], near, ALIGN):
        part = _Part(list(found.cells), found.columns, page, rows[found.start]["top"], found.rows, [page] * found.rows)
        yield found.start, found.end, part


def _row_texts(part: _Part, row: int) -> tuple[str, ...]:
    return tuple(c.text for c in sorted(part.cells, key=lambda c: c.column) if c.row == row)


def _continues(part: _Part, following: _Part) -> bool:
    """Whether ``following`` (first on the next page) continues ``part`` (last on its page)."""
    return (
        following.page == part.row_pages[-1] + 1
        and len(following.columns) == len(part.columns)
        and all(abs(a - b) <= ALIGN for a, b in zip(following.columns, part.columns, strict=True))
    )


def _join(part: _Part, following: _Part) -> None:
    """``following`` made the rest of ``part``, which it replaces in the items: header rows it
    repeats are dropped, and a merged cell cut by the page break (an empty cell at the top of
    the continuation, under a cell of several rows with the same columns) is made one again."""
    repeated = 0
    for k in range(1, min(part.rows, following.rows - 1, 3) + 1):
        if all(_row_texts(part, r) == _row_texts(following, r) for r in range(k)):
            repeated = k
    offset = part.rows - repeated
    cells = list(part.cells)
    for cell in (c for c in following.cells if c.row >= repeated):
        moved = replace(cell, row=cell.row + offset)
        cut = (
            k
            for k, c in enumerate(cells)
            if c.text
            and c.rowspan > 1
            and c.row + c.rowspan == part.rows
            and (c.column, c.colspan) == (cell.column, cell.colspan)
        )
        above = next(cut, None) if moved.row == part.rows and not moved.text else None
        if above is None:
            cells.append(moved)
        else:
            cells[above] = replace(cells[above], rowspan=cells[above].rowspan + moved.rowspan)
    following.cells = cells
    following.row_pages = part.row_pages + following.row_pages[repeated:]
    following.rows = offset + following.rows
    following.page, following.top, following.continued = part.page, part.top, True
