"""Reading a report published as a PDF with a text layer, with pdfplumber (pdfminer.six).

Tables:
- ruled (drawn with lines or rectangles): found by pdfplumber's "lines" strategy; the ruling
  lines make the grid, and a cell spanning several of its columns or rows (merged) is one
  cell with those spans. A cell's text is the characters inside it, its lines joined with
  "\\n".
- printed without borders: told from where pieces of text start. A line is cut into pieces
  where two characters are :data:`COLUMN_GAP` characters apart, or :data:`CELL_GAP` with no
  space drawn between them (not two Latin letters or digits): cells of such a table may be
  that close, Chinese text and the space LibreOffice puts beside digits are closer. Lines of
  several pieces close to each other, with at most a few lines of one narrow piece between
  them (a caption, a label over several lines, a merged cell), are a table when at least two
  of them have pieces in columns other lines use too (text split by chance is not). The
  table's cells are rebuilt from where its pieces stand: lines of one cell joined, rows from
  the cells side by side, a merged cell spanning the rows it is centred on (see
  :func:`_unruled`).
- across pages: a table that ends a page and one that starts the next with the same columns
  are joined into one Table with ``continued=True``; ``row_pages`` gives each row's page. A
  ruled table's header rows repeated at the top of the continuation are dropped (a row broken
  across the page break stays two rows); a table without borders is read again as one from the
  lines of both pages (the first line of the next page going on with the cells above it when
  it is only text under text, such as a heading broken across the break).

Paragraphs: the lines outside tables, top to bottom (one column of text). A new paragraph
starts after a vertical gap larger than :data:`PARAGRAPH_GAP` line heights (in a document
whose lines are set wide apart, larger than its usual gap between lines by half that), at an
indented line, after a line ending short of the right margin, at a change of font size and at
a numbered heading; its lines are joined (Chinese directly). A paragraph is a heading when its
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
import itertools
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
    MAX_LABEL_LINES,
    MAX_PDF_BYTES,
    MAX_ROW_PIECES,
    MAX_RUN_LINES,
    MAX_SPAN,
    Blocks,
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
from baobiao.instance.values import ValueKind, parse_value

MAX_OBJECTS = 200_000  # a 300-page report holds ~20,000
MAX_PAGES = 500
MAX_SECONDS = 60.0
MAX_PAGE_CONTENT = 512 * 1024  # bytes of drawing instructions interpreted a page (a page of text: 5-60 KB)
MAX_PAGE_OBJECTS = 30_000  # characters, paths, images and forms drawn on a page (a dense one: ~3,000)
MAX_PAGE_SECONDS = 5.0  # interpreting one page's drawing
MAX_EDGES = 5_000  # ruling lines of a page looked at for tables (a page of table 三: ~100)
COLUMN_GAP = 1.5  # characters: a wider gap in a line separates columns of a table printed without borders
CELL_GAP = 0.3  # characters: so does a wider one with no space drawn in it (not between Latin letters or digits)
LINE_GAP = 0.6  # characters: lines of one cell of a table printed without borders are closer than this
OVERLAP = 0.1  # of the lower one's height: things overlapping more, from top to bottom, are side by side
MAX_TABLE_PIECES = 50_000  # pieces of text of one table printed without borders (more: read as text)
MAX_CELL_LINES = 8  # lines of one piece between rows of a table printed without borders (labels of several lines)
MAX_FIT_ROWS = 2_000  # rows of a table printed without borders among which merged cells are fitted
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
#: an outline number beginning a label ("一、", "（一）", "1.", "（1）", "①"): a new cell, not a cell's next line
_NUMBERED = re.compile(
    r"\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．](?!\d)|[\u2460-\u2473])"
)


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
    spacing: float = 0.0  # the usual gap between the lines of a paragraph (the document's)
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
    lines: list[list[_Piece]] = field(default_factory=list)  # a table printed without borders: its lines, cut
    parts: list[_Part] = field(default_factory=list)  # such a table's parts on several pages, to be read as one


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
                if isinstance(following, _Part) and (joined := _joined_unruled(item, following)) is not None:
                    items[k + 1] = joined
                    continue
                if isinstance(following, _Part) and _continues(item, following):
                    _join(item, following)
                    continue
                for part in _built(item):
                    self.blocks.table(part.cells, part.page, part.continued, part.row_pages if part.continued else ())
                continue
            lines.append(item)
            if following is None or isinstance(following, _Part) or _breaks(item, following):
                self.blocks.paragraph(
                    [_unspaced(unwrapped(line.text for line in lines))], lines[0].page, any(x.large for x in lines)
                )
                lines = []


#: a space between a Chinese character (or full-width punctuation) and a Latin letter or digit:
#: in a PDF it is only the gap typesetters put between the two scripts (LibreOffice's "spacing
#: between Asian and non-Asian text"), never a space the writer typed ("2021 年" is "2021年")
_SCRIPT_GAP = re.compile(
    r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])[ \u00a0]+(?=[0-9A-Za-z])"
    r"|(?<=[0-9A-Za-z%])[ \u00a0]+(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])"
)


def _unspaced(text: str) -> str:
    """A paragraph's text without the gaps between Chinese and Latin script (``_SCRIPT_GAP``)."""
    return _SCRIPT_GAP.sub("", text)


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

    text = page.filter(outside)
    rows = [r for r in text.extract_text_lines(return_chars=True) if not _header_footer(r, page.height)]
    spaces = sorted((c for c in text.chars if c["text"].isspace()), key=lambda c: (c["top"], c["x0"]))
    lines = _lines(rows, number, round(float(page.width)))
    items: list[tuple[float, Item]] = [(p.top, p) for p in parts]
    start = 0
    for run_start, run_end, part in _borderless(rows, number, spaces):
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
    the right one, larger than the body text, and the usual spacing of lines. The margins are
    those of all pages of the same width (a page of a few lines says little of its own), the
    body text's size the most common one, the spacing the most common gap below a line reaching
    the right margin (one that goes on, mostly)."""
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
    gaps = Counter(
        round(2 * (b.top - a.bottom)) / 2
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and a.full and abs(a.size - b.size) <= 1 and 0 <= b.top - a.bottom <= 3 * (a.size or body)
    )
    spacing = gaps.most_common(1)[0][0] if gaps else 0.0
    for line in lines:
        line.spacing = spacing


def _breaks(line: _Line, following: _Line) -> bool:
    """Whether a paragraph ends between two lines."""
    if following.page != line.page:
        joined = following.page == line.page + 1 and line.full and not following.indented
        return not joined or abs(following.size - line.size) > 1
    height = max(line.bottom - line.top, 1.0)
    return (
        following.top - line.bottom > max(PARAGRAPH_GAP, PARAGRAPH_GAP / 2 + line.spacing / height) * height
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


# -- tables printed without borders ----------------------------------------------------------------


@dataclass(slots=True)
class _Piece:
    """A run of text on a line, apart from the rest of the line by a gap: a cell's text on that
    line, in a table printed without borders. ``top`` and ``bottom`` are its own characters'
    (a line gathers characters a few points apart), down its table (pages joined); ``line``:
    its line's index in the table; ``column``: the table's column it starts in."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    size: float
    page: int
    line: int = 0
    column: int = 0
    figure: bool = False  # a value's text (see _figure)

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


class _Block:
    """A cell of a table printed without borders: the pieces of its lines, top down, how far
    they reach, and the rows (bands) it was placed in."""

    def __init__(self, piece: _Piece) -> None:
        self.pieces = [piece]
        self.top, self.bottom, self.column = piece.top, piece.bottom, piece.column
        self.colspan = 1
        self.first = self.last = 0
        self.spans_rows = False  # it lies beside two cells or more of another column
        self.loose = False  # text not level with the top of its row: centred on more rows, maybe

    def add(self, piece: _Piece) -> None:
        self.pieces.append(piece)
        self.bottom = max(self.bottom, piece.bottom)

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def text(self) -> str:
        return joined(p.text for p in self.pieces)

    @property
    def figure(self) -> bool:
        return len(self.pieces) == 1 and self.pieces[0].figure


def _figure(text: str) -> bool:
    """A value's text: a number, with its unit or not, or a blank ("—", "/")."""
    return parse_value(clean(text)).kind is not ValueKind.NOT_A_NUMBER


def _overlap(a: _Piece | _Block, b: _Piece | _Block) -> bool:
    """Whether two things overlap from top to bottom by more than OVERLAP of the lower one."""
    return min(a.bottom, b.bottom) - max(a.top, b.top) > OVERLAP * min(a.height, b.height)


def _pieces(chars: Sequence[dict[str, Any]], page: int, spaces: Sequence[tuple[float, float]] = ()) -> list[_Piece]:
    """A line cut where its characters are apart: by COLUMN_GAP characters or more, or by
    CELL_GAP or more where no space is drawn between them (``spaces``: where the line's spaces
    are, left to right) and they are not both Latin letters or digits (a table's columns may be
    that close; a word's letters, Chinese text and the space LibreOffice puts between Chinese
    and digits are closer)."""
    starts = [x0 for x0, _ in spaces]
    pieces: list[_Piece] = []
    for char in sorted((c for c in chars if not c["text"].isspace()), key=lambda c: c["x0"]):
        text = char["text"]
        size = float(char["size"]) or 10.0
        if pieces:
            last = pieces[-1]
            gap = char["x0"] - last.x1
            k = bisect.bisect_left(starts, last.x1 - 1.0)
            spaced = k < len(spaces) and spaces[k][1] <= char["x0"] + 1.0
            latin = last.text[-1:].isascii() and last.text[-1:].isalnum() and text.isascii() and text.isalnum()
            if gap < COLUMN_GAP * size and (spaced or latin or gap < CELL_GAP * size):
                space = " " if gap > 0.2 * size and last.text[-1:].isascii() and text.isascii() else ""
                last.x1, last.text = max(last.x1, char["x1"]), last.text + space + text
                last.top, last.bottom = min(last.top, char["top"]), max(last.bottom, char["bottom"])
                continue
        pieces.append(_Piece(char["x0"], char["x1"], char["top"], char["bottom"], text, size, page))
    for piece in pieces:
        piece.figure = _figure(piece.text)
    return pieces


def _borderless(
    rows: Sequence[dict[str, Any]], page: int, spaces: Sequence[dict[str, Any]] = ()
) -> Iterator[tuple[int, int, _Part]]:
    """Tables printed without borders among the page's lines (``spaces``: the page's space
    characters, which pdfplumber leaves out of its lines, by their tops): (first line, line
    after, the table) for each (see :func:`_runs` and :func:`_unruled`)."""
    tops = [float(c["top"]) for c in spaces]

    def spaced(row: dict[str, Any]) -> list[tuple[float, float]]:
        found = spaces[bisect.bisect_left(tops, row["top"] - 2.0) : bisect.bisect_right(tops, row["bottom"])]
        return sorted((float(c["x0"]), float(c["x1"])) for c in found)

    lines = [_pieces(row["chars"], page, spaced(row)) for row in rows]
    for start, end in _runs(rows, lines):
        run = [[replace(p, line=k) for p in line] for k, line in enumerate(lines[start:end])]
        part = _unruled_part(run, page, rows[start]["top"])
        if part is not None:
            yield start, end, part


def _runs(rows: Sequence[dict[str, Any]], lines: Sequence[Sequence[_Piece]]) -> Iterator[tuple[int, int]]:
    """Runs of lines that may be a table printed without borders: lines cut into several
    pieces, close to each other (ROW_GAP), and between them at most MAX_CELL_LINES lines of
    one piece that stand in a column (a caption, a label of several lines, a merged cell): no
    wider than one piece of the lines around them, and no further from the line above than the
    rows of the run are from each other. A line of one piece level with the run's first line
    (a heading centred over two header rows) begins it."""

    def several(k: int) -> bool:
        return 2 <= len(lines[k]) <= MAX_ROW_PIECES

    def gap(k: int) -> float:
        return float(rows[k]["top"] - rows[k - 1]["bottom"])

    def near(k: int) -> bool:
        return gap(k) <= ROW_GAP * max(float(rows[k - 1]["bottom"] - rows[k - 1]["top"]), 1.0)

    def label(k: int, above: int, below: int, spacing: float | None) -> bool:
        return (
            len(lines[k]) == 1
            and near(k)
            and (spacing is None or gap(k) <= spacing + ALIGN)
            and _narrow(lines[k][0], lines[above])
            and _narrow(lines[k][0], lines[below])
        )

    i = floor = 0
    while i < len(lines):
        if not several(i):
            i += 1
            continue
        start = i
        while (
            start > floor
            and i - start < MAX_LABEL_LINES
            and len(lines[start - 1]) == 1
            and any(_overlap(lines[start - 1][0], p) for p in lines[start])
            and _narrow(lines[start - 1][0], lines[i])
        ):
            start -= 1
        end, last, spacing = i + 1, i, None
        while end < len(lines) and end - start < MAX_RUN_LINES and near(end):
            if several(end):
                if last == end - 1:
                    spacing = max(spacing or 0.0, gap(end))
                end, last = end + 1, end
                continue
            ahead = next((k for k in range(end, min(end + MAX_CELL_LINES + 1, len(lines))) if several(k)), None)
            if ahead is None or not all(label(k, last, ahead, spacing) for k in range(end, ahead)):
                break
            end = ahead
        yield start, last + 1
        i = floor = last + 1


def _narrow(piece: _Piece, line: Sequence[_Piece]) -> bool:
    """Whether a piece reaches over at most one piece of a line (from left to right)."""
    return sum(1 for p in line if p.x0 < piece.x1 and piece.x0 < p.x1) <= 1


def _unruled_part(lines: list[list[_Piece]], page: int, top: float) -> _Part | None:
    found = _unruled(lines)
    if found is None:
        return None
    cells, columns, row_pages = found
    return _Part(cells, columns, page, top, len(row_pages), row_pages, lines=lines)


def _unruled(lines: list[list[_Piece]]) -> tuple[list[TableCell], tuple[float, ...], list[int]] | None:
    """A table printed without borders, from its lines cut into pieces; None when its pieces do
    not stand in columns (text, not a table).

    Columns: where pieces start (left-aligned cells) on the lines holding figures (or all
    lines of several pieces when fewer than two do), those of one column printed centred or
    aligned right taken as one; at least two lines must have most of their pieces, two or more,
    in columns that other lines use too, and the table a figure or a row of three such pieces
    (two columns of text are a list, or lines of "key: value"). A cell is the pieces of
    consecutive lines in one column closer than LINE_GAP, aligned, neither a figure nor
    numbered below ("2.…" starts a cell), unless another column shows them in two rows (a cell
    level with each, which are not one). Rows: cells beside at most one cell of each other
    column, overlapping from top to bottom, are a row; a cell beside two or more of another
    column spans rows, those it is centred on (or at the top of) among the rows free in its
    column, as many as can be, and so may a cell centred in a taller row. A heading (in a row
    with no figures) reaches right to the next cell of its row; a row of one cell in the first
    column is a caption spanning the table."""
    pieces = [p for line in lines for p in line]
    if len(pieces) > MAX_TABLE_PIECES:
        return None
    starts = _columns(lines)
    if starts is None:
        return None
    for p in pieces:
        p.column = max(0, bisect.bisect_right(starts, p.x0 + ALIGN) - 1)
    lines = [_one_a_column(line) for line in lines]
    blocks = _blocks(lines, starts)
    bands = _bands(blocks, lines)
    if not bands:
        return None
    _spans(blocks, bands)
    width = max(len(starts), *(b.column + b.colspan for b in blocks))
    _widen(blocks, bands, width)
    cells = [TableCell(b.text, b.first, b.column, b.last - b.first + 1, b.colspan) for b in blocks]
    row_pages = [min(p.page for b in band for p in b.pieces) for band in bands]
    return cells, tuple(starts), row_pages


def _columns(lines: Sequence[Sequence[_Piece]]) -> list[float] | None:
    several = [line for line in lines if len(line) >= 2]
    body = [line for line in several if any(p.figure for p in line)]
    source = body if len(body) >= 2 else several
    starts = _positions(p.x0 for line in source for p in line)
    members: list[list[_Piece]] = [[] for _ in starts]
    for line in source:
        for p in line:
            members[_index(starts, p.x0)].append(p)
    k = 0
    while k + 1 < len(starts):  # one column printed centred or aligned right: starts apart, never on one line
        a, b = members[k], members[k + 1]
        if not {p.line for p in a} & {p.line for p in b} and _same_column(a, b) and _same_column(b, a):
            members[k] += members.pop(k + 1)
            starts.pop(k + 1)
        else:
            k += 1
    used = {k for k, found in enumerate(members) if len({p.line for p in found}) >= 2}
    shared = [sum(1 for p in line if _index(starts, p.x0) in used) for line in several]
    aligned = sum(1 for line, n in zip(several, shared, strict=True) if n >= 2 and 3 * n >= 2 * len(line))
    if not body and max(shared, default=0) < 3:  # two columns of text: a list, lines of "key: value"
        return None
    return starts if aligned >= 2 and len(starts) >= 2 else None


def _same_column(these: Sequence[_Piece], those: Sequence[_Piece]) -> bool:
    """Whether most of ``these`` pieces are centred, or end, where one of ``those`` does."""
    centres = sorted(p.x0 + p.x1 for p in those)
    ends = sorted(p.x1 for p in those)

    def near(values: list[float], value: float, within: float) -> bool:
        k = bisect.bisect_left(values, value - within)
        return k < len(values) and values[k] <= value + within

    matched = sum(1 for p in these if near(centres, p.x0 + p.x1, 2 * ALIGN) or near(ends, p.x1, ALIGN))
    return 2 * matched >= len(these)


def _one_a_column(line: list[_Piece]) -> list[_Piece]:
    """A line's pieces, those that fall in one column joined (a line not among those the
    columns were told from may have two there)."""
    out: list[_Piece] = []
    for p in line:
        if out and out[-1].column == p.column:
            last = out[-1]
            text = f"{last.text} {p.text}"
            out[-1] = replace(
                last, x1=max(last.x1, p.x1), text=text, bottom=max(last.bottom, p.bottom), figure=_figure(text)
            )
        else:
            out.append(p)
    return out


def _blocks(lines: Sequence[Sequence[_Piece]], starts: Sequence[float]) -> list[_Block]:
    """The table's cells: in each column, consecutive pieces that are lines of one cell joined."""
    columns: dict[int, list[_Piece]] = {}
    for line in lines:
        for p in line:
            columns.setdefault(p.column, []).append(p)
    rows: dict[tuple[int, int], list[tuple[_Piece, _Piece]]] = {}
    blocks: list[_Block] = []
    for column in sorted(columns):
        current: _Block | None = None
        for q in sorted(columns[column], key=lambda p: p.top):
            if current is not None and _same_cell(current.pieces[-1], q, lines, rows):
                current.add(q)
                continue
            current = _Block(q)
            blocks.append(current)
    for block in blocks:
        reach = max(bisect.bisect_left(starts, p.x1 - ALIGN) for p in block.pieces)
        block.colspan = max(1, reach - block.column)
    return blocks


def _joinable(p: _Piece, q: _Piece) -> bool:
    """Whether ``q`` may be the line after ``p`` in one cell (see :func:`_same_cell`)."""
    return (
        p.line != q.line
        and p.column == q.column
        and q.top - p.bottom < LINE_GAP * min(p.size, q.size)
        and not p.figure
        and not q.figure
        and not _NUMBERED.match(q.text)
        and (abs(p.x0 - q.x0) <= ALIGN or abs(p.x0 + p.x1 - q.x0 - q.x1) <= 2 * ALIGN)
    )


def _same_cell(
    p: _Piece, q: _Piece, lines: Sequence[Sequence[_Piece]], rows: dict[tuple[int, int], list[tuple[_Piece, _Piece]]]
) -> bool:
    """Whether ``q`` is the line after ``p`` in one cell: joinable, and no other column has a
    cell level with ``p`` and another level with ``q`` (two rows, then). ``rows``: for two
    lines, the pairs of pieces, one on each in the same column, that are not one cell (kept
    as they are found)."""
    if not _joinable(p, q):
        return False
    key = (p.line, q.line)
    pairs = rows.get(key)
    if pairs is None:
        below = {b.column: b for b in lines[q.line]}
        pairs = rows[key] = [
            (a, b)
            for a in lines[p.line]
            if (b := below.get(a.column)) is not None and not _overlap(a, b) and not _joinable(a, b)
        ]
    return not any(a.column != p.column and _level(a, p) and _level(b, q) for a, b in pairs)


def _level(a: _Piece, b: _Piece) -> bool:
    return abs(a.top - b.top) <= 1.0 or abs(a.bottom - b.bottom) <= 1.0


def _bands(blocks: list[_Block], lines: Sequence[Sequence[_Piece]]) -> list[list[_Block]]:
    """The table's rows: the cells beside at most one cell of each other column, those that
    overlap from top to bottom together, top down. The others are marked as spanning rows."""
    by_column: dict[int, list[_Block]] = {}
    for block in sorted(blocks, key=lambda b: b.top):
        by_column.setdefault(block.column, []).append(block)
    tops = {column: [b.top for b in found] for column, found in by_column.items()}
    bottoms = {column: [b.bottom for b in found] for column, found in by_column.items()}
    spread = sorted((min(p.top for p in line), max(p.bottom for p in line)) for line in lines if line)
    line_tops = [top for top, _ in spread]
    reach = max((bottom - top for top, bottom in spread), default=0.0)
    for block in blocks:
        # a cheap test first: most cells are beside the lines of their own row only
        k = bisect.bisect_left(line_tops, block.bottom)
        low = bisect.bisect_left(line_tops, block.top - reach)
        if sum(1 for top, bottom in spread[low:k] if bottom > block.top) < 2:
            continue
        block.spans_rows = any(
            column != block.column and _beside(tops[column], bottoms[column], found, block) >= 2
            for column, found in by_column.items()
        )
    bands: list[list[_Block]] = []
    extents: list[tuple[float, float]] = []
    for block in sorted((b for b in blocks if not b.spans_rows), key=lambda b: b.top):
        if bands and min(block.bottom, extents[-1][1]) - max(block.top, extents[-1][0]) > OVERLAP * min(
            block.height, extents[-1][1] - extents[-1][0]
        ):
            bands[-1].append(block)
            extents[-1] = (extents[-1][0], max(extents[-1][1], block.bottom))
        else:
            bands.append([block])
            extents.append((block.top, block.bottom))
    for k, band in enumerate(bands):
        for block in band:
            block.first = block.last = k
    starts = [top for top, _ in extents]
    for block in blocks:
        if not block.spans_rows:
            continue
        beside = [
            k
            for k in range(max(0, bisect.bisect_left(starts, block.top) - 1), bisect.bisect_left(starts, block.bottom))
            if min(extents[k][1], block.bottom) - max(extents[k][0], block.top)
            > OVERLAP * min(block.height, max(extents[k][1] - extents[k][0], 1.0))
        ]
        if beside:
            block.first, block.last = beside[0], beside[-1]
        else:  # beside no row: the row nearest to it
            block.spans_rows = False
            block.first = block.last = max(0, bisect.bisect_right(starts, block.top) - 1)
    return bands


def _beside(tops: Sequence[float], bottoms: Sequence[float], column: Sequence[_Block], block: _Block) -> int:
    """How many cells of a column (top down, ``tops`` and ``bottoms`` theirs) overlap ``block``
    (the cells of a column do not overlap each other: their bottoms go down too)."""
    first = bisect.bisect_right(bottoms, block.top)
    end = bisect.bisect_left(tops, block.bottom)
    if end - first > 3:
        return end - first
    return sum(1 for other in column[first:end] if _overlap(other, block))


def _spans(blocks: Sequence[_Block], bands: Sequence[Sequence[_Block]]) -> None:
    """The rows of each cell that spans rows (see :func:`_free`): in each column, the rows free
    between the cells of the other rows, shared out so that each is centred on its rows (or at
    their top), taking as many as can be (a dynamic programme over the column's cells)."""
    extents = [(min(b.top for b in band), max(b.bottom for b in band)) for band in bands]
    if len(extents) > MAX_FIT_ROWS:
        return
    for block in blocks:
        block.loose = not block.figure and abs(block.top - extents[block.first][0]) > ALIGN
    covering: dict[int, list[_Block]] = {}
    for block in blocks:
        for column in range(block.column, block.column + block.colspan):
            covering.setdefault(column, []).append(block)
    for column in sorted({b.column for b in blocks if _free(b, b.column)}):
        _fit(sorted(covering[column], key=lambda b: (b.first, b.last)), column, extents)


def _free(block: _Block, column: int) -> bool:
    """Whether the rows a cell spans are to be found in this column: a cell of one column
    beside two or more cells of another, or centred in a taller row (and maybe on the rows
    around it, free in its column)."""
    return (block.spans_rows or block.loose) and block.colspan == 1 and block.column == column


def _fit(items: Sequence[_Block], column: int, extents: Sequence[tuple[float, float]]) -> None:
    Entry = tuple[float, int, int, int, int]  # misfit, rows taken, the last row before, first row, last row
    steps: list[dict[int, Entry]] = []
    states: dict[int, Entry] = {-1: (0.0, 0, -1, -1, -1)}  # by the last row taken so far
    for k, item in enumerate(items):
        new: dict[int, Entry] = {}
        if _free(item, column):
            following = items[k + 1].first if k + 1 < len(items) else len(extents)
            ranked = sorted(states.items())
            best: tuple[int, Entry] | None = None
            at = 0
            for lo in range(max(0, item.first - MAX_SPAN), item.first + 1):
                while at < len(ranked) and ranked[at][0] < lo:
                    if best is None or (ranked[at][1][0], -ranked[at][1][1]) < (best[1][0], -best[1][1]):
                        best = ranked[at]
                    at += 1
                if best is None:
                    continue
                before, (misfit, taken, *_) = best
                for hi in range(item.last, min(max(item.last, following - 1), item.last + MAX_SPAN) + 1):
                    _offer(new, hi, (misfit + _misfit(item, extents, lo, hi), taken + hi - lo + 1, before, lo, hi))
        if not new:  # a cell of fixed rows (or one with no free rows around it)
            for before, (misfit, taken, *_) in states.items():
                _offer(new, max(before, item.last), (misfit, taken, before, item.first, item.last))
        steps.append(new)
        states = new
    key = min(states, key=lambda r: (states[r][0], -states[r][1]))
    for item, step in zip(reversed(items), reversed(steps), strict=True):
        _, _, before, first, last = step[key]
        item.first, item.last = first, last
        key = before


def _offer(
    states: dict[int, tuple[float, int, int, int, int]], key: int, entry: tuple[float, int, int, int, int]
) -> None:
    """``entry`` kept as the state ending at row ``key`` if it fits better (or as well, taking more rows)."""
    old = states.get(key)
    if old is None or (entry[0], -entry[1]) < (old[0], -old[1]):
        states[key] = entry


def _misfit(block: _Block, extents: Sequence[tuple[float, float]], first: int, last: int) -> float:
    """How far a cell is from the middle (or the top) of rows ``first`` to ``last``: 0 within
    ALIGN."""
    top, bottom = extents[first][0], extents[last][1]
    off = min(abs(block.top + block.bottom - top - bottom) / 2, abs(block.top - top))
    return 0.0 if off <= ALIGN else off


def _widen(blocks: Sequence[_Block], bands: Sequence[Sequence[_Block]], width: int) -> None:
    """Headings (cells of rows without figures) reach right to the next cell of their rows; a
    row of one cell, in the first column, is a caption spanning the table."""
    figures = {b.first for b in blocks if b.figure}
    rows: list[list[_Block]] = [[] for _ in bands]
    for block in blocks:
        for r in range(block.first, block.last + 1):
            rows[r].append(block)
    for block in blocks:
        if block.figure or any(r in figures for r in range(block.first, block.last + 1)):
            continue
        right = [b.column for r in range(block.first, block.last + 1) for b in rows[r] if b.column > block.column]
        if right:
            block.colspan = max(block.colspan, min(right) - block.column)
        elif block.column == 0 and block.first == block.last and len(rows[block.first]) == 1:
            block.colspan = width


def _row_texts(part: _Part, row: int) -> tuple[str, ...]:
    return tuple(c.text for c in sorted(part.cells, key=lambda c: c.column) if c.row == row)


def _joined_unruled(part: _Part, following: _Part) -> _Part | None:
    """``following`` (first on the next page) as the rest of ``part`` (last on its page), both
    printed without borders and in the same columns (those of one among the other's: the rows
    on a page may not use them all): one table read again from the lines of both. The lines of
    the next page go on below, as the next row, or as the next lines of the cells above when
    the first of them is only text under text."""
    if not (part.lines and following.lines) or following.page != part.row_pages[-1] + 1:
        return None
    fewer, more = sorted((part.columns, following.columns), key=len)
    if sum(1 for x in fewer if any(abs(x - y) <= ALIGN for y in more)) < max(2, len(fewer)):
        return None
    if sum(map(len, part.lines)) + sum(map(len, following.lines)) > MAX_TABLE_PIECES:
        return None
    last, first = part.lines[-1], following.lines[0]
    going_on = all(not p.figure and any(abs(p.x0 - q.x0) <= ALIGN and not q.figure for q in last) for p in first)
    size = max(p.size for p in last)
    shift = max(p.bottom for p in last) + (CELL_GAP if going_on else 1.0) * size - min(p.top for p in first)
    lines = part.lines + [
        [replace(p, top=p.top + shift, bottom=p.bottom + shift, line=p.line + len(part.lines)) for p in line]
        for line in following.lines
    ]
    parts = (part.parts or [part]) + [following]
    return _Part([], following.columns, part.page, part.top, 0, following.row_pages, True, lines, parts)


def _built(part: _Part) -> list[_Part]:
    """A table printed without borders over several pages read as one (once all its parts are
    known), or its parts as they were when that fails."""
    if not part.parts:
        return [part]
    found = _unruled(part.lines)
    if found is None:
        return part.parts
    part.cells, columns, part.row_pages = found
    part.columns, part.rows = columns, len(part.row_pages)
    return [part]


def _continues(part: _Part, following: _Part) -> bool:
    """Whether ``following`` (first on the next page) continues ``part`` (last on its page)."""
    return (
        not (part.lines or following.lines)  # ruled, both
        and following.page == part.row_pages[-1] + 1
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
