"""Reading a published report (a web page, a Word document, a PDF, a text file) into a
:class:`~baobiao.audit.document.Document`: :func:`read_document`, which never raises. Every
problem (not found, not a regular file, too large, damaged, an unknown kind, a scan without
text, a limit reached) is a diagnostic in ``Document.problems`` (A001-A008); a document of
which nothing could be read has no blocks.

The reader is chosen by a registry from the file's extension (.html/.htm, .docx, .pdf, .txt).
The first bytes are looked at too, since files published on government sites often carry the
wrong extension (a ".doc" that is a web page or a .docx): a readable kind under another
extension is read as what it is, with a warning (A008). The old binary formats (.doc, .wps,
.xls) and RTF are not read (A002). The readers are imported when first needed (pdfplumber and
lxml are not loaded to read a text file).

Limits. The file is looked at with stat before anything is opened: a folder, a device or a
pipe is refused (A001), and so is a file over its kind's size (A003); reading then takes at
most that many bytes, whatever the file grows to meanwhile.

    kind   file size   other limits (in its module)
    html    8 MiB      nesting: the parser stops at 256 levels (A004 says what was left)
    txt     8 MiB
    docx   32 MiB      1,000 parts, 128 MiB unpacked, 16 MiB an XML part, ratio 200,
                       100 levels of XML, 200,000 elements in one table or paragraph,
                       1,000,000 elements in all
    pdf    64 MiB      200,000 objects, 500 pages, 60 s (checked between pages); a page:
                       30,000 things drawn, 512 KiB of drawing instructions, 5 s,
                       5,000 ruling lines for tables

For every kind: at most :data:`MAX_BLOCKS` paragraphs and tables a document, a table of at
most :data:`MAX_SLOTS` slots (rows × columns; rows beyond are cut, A004), a cell spanning at
most :data:`MAX_SPAN` rows or columns (``colspan="100000"`` is read as 100).

What the readers share is here as well: cleaning a line of text, spans, headings and page
numbers told from text, decoding text in the encodings Chinese sites use, and :class:`Blocks`,
which collects a document's blocks with its tables numbered in reading order."""

from __future__ import annotations

import bisect
import codecs
import importlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import cast

from baobiao.audit.document import Block, Document, Paragraph, Table, TableCell, Where
from baobiao.diagnostics.core import Diagnostic, Severity, diag
from baobiao.source import UNSAFE

_MIB = 1024 * 1024
MAX_HTML_BYTES = 8 * _MIB  # a report's page is 50-500 KB; a Word "save as web page" a few MB
MAX_TEXT_BYTES = 8 * _MIB  # a report as text is 10-100 KB
MAX_DOCX_BYTES = 32 * _MIB  # images make a .docx large; its text is in document.xml
MAX_PDF_BYTES = 64 * _MIB  # a report's PDF is 0.1-5 MB; a scanned one 10-50 MB
MAX_BLOCKS = 50_000  # paragraphs and tables of a document (a 100-page report has ~2,000)
MAX_SLOTS = 100_000  # rows × columns of one table (table 三 of 2021 has 26 × 9)
MAX_SPAN = 100  # rows or columns one cell spans
MAX_LABEL_LINES = 4  # lines of one piece (a label broken over lines) inside a table printed without borders
MAX_ROW_PIECES = 200  # pieces of a line that may be a row of a table printed without borders
MAX_RUN_LINES = 5_000  # lines of one table printed without borders (a longer run is cut into several)
_HEAD = 1024  # bytes looked at to tell what a file holds
_NOT_REGULAR = ("不是普通文件（文件夹、设备或管道）", "not a regular file (a folder, a device, a pipe)")

Reader = Callable[[Path], Document]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of document: its name (``Document.kind``), the module of baobiao.audit and
    the function there that read it, its size limit, and what it is called in messages."""

    name: str
    module: str
    function: str
    max_bytes: int
    zh: str
    en: str

    def reader(self) -> Reader:
        module = importlib.import_module(f"baobiao.audit.{self.module}")
        return cast(Reader, getattr(module, self.function))


KINDS = MappingProxyType(
    {
        "html": Kind("html", "html", "read_html", MAX_HTML_BYTES, "网页", "a web page"),
        "docx": Kind("docx", "docx", "read_docx", MAX_DOCX_BYTES, "Word 文档（.docx）", "a Word document (.docx)"),
        "pdf": Kind("pdf", "pdf", "read_pdf", MAX_PDF_BYTES, "PDF 文档", "a PDF document"),
        "txt": Kind("txt", "text", "read_text", MAX_TEXT_BYTES, "文本文件", "a text file"),
    }
)
#: extension -> kind read
SUFFIXES = MappingProxyType({".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf", ".txt": "txt"})
#: extensions and contents known and not read -> (zh, en) what they are
UNSUPPORTED = MappingProxyType(
    {
        ".doc": ("旧版 Word 文档（.doc）", "an old Word document (.doc)"),
        ".wps": ("WPS 文档（.wps）", "a WPS document (.wps)"),
        ".xls": ("旧版 Excel 工作簿（.xls）", "an old Excel workbook (.xls)"),
        ".xlsx": ("Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)"),
        ".rtf": ("RTF 文档", "an RTF document"),
        ".mht": ("单个文件网页（.mht）", "a single-file web page (.mht)"),
        ".mhtml": ("单个文件网页（.mht）", "a single-file web page (.mht)"),
        "ole": ("旧版 Office/WPS 二进制文档（如 .doc、.wps）", "an old Office/WPS binary document (.doc, .wps)"),
        "rtf": ("RTF 文档", "an RTF document"),
        "mhtml": ("单个文件网页（.mht）", "a single-file web page (.mht)"),
        "zip": ("压缩包（如 .zip、.xlsx）", "a zip archive (.zip, .xlsx)"),
    }
)
#: the first bytes of a file -> what it holds (a kind above, or a key of UNSUPPORTED)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"{\\rtf", "rtf"),
    (b"MIME-Version:", "mhtml"),
)
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<meta", b"<body")
_WORD_SUFFIXES = frozenset((".docx", ".doc", ".wps"))  # a zip under these is read as a .docx


def read_document(path: Path) -> Document:
    """The report at ``path`` as a :class:`Document`; never raises (see the module's notes)."""
    name = str(path)
    try:
        return _read(path, name)
    except Exception as exc:  # a library's surprise (a malformed file it does not catch): reported
        problem = ("读取时出错（{}）", "failed while reading ({})")
        return _failed(name, path.suffix.lower().lstrip("."), *(p.format(type(exc).__name__) for p in problem))


def _read(path: Path, name: str) -> Document:
    suffix = path.suffix.lower()
    try:
        info = os.stat(path)
    except OSError as exc:
        reason = "找不到文件" if isinstance(exc, FileNotFoundError) else exc.strerror or type(exc).__name__
        reason_en = "not found" if isinstance(exc, FileNotFoundError) else exc.strerror or type(exc).__name__
        return _failed(name, suffix.lstrip("."), reason, reason_en)
    if not stat.S_ISREG(info.st_mode):
        return _failed(name, suffix.lstrip("."), *_NOT_REGULAR)
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except OSError as exc:
        return _failed(name, suffix.lstrip("."), exc.strerror or type(exc).__name__, exc.strerror or type(exc).__name__)
    found = _sniff(head)
    if found == "zip":  # a Word document, or another package (.xlsx) or archive
        found = "docx" if suffix in _WORD_SUFFIXES else "zip"
    claimed = SUFFIXES.get(suffix)
    if found in UNSUPPORTED or (found is None and claimed is None):
        zh, en = UNSUPPORTED.get(suffix) or UNSUPPORTED.get(found or "") or _unknown(suffix)
        return Document(name, suffix.lstrip("."), (), (diag("A002", path=name, kind=zh, kind_en=en),))
    kind = KINDS[found or claimed or ""]
    problems: list[Diagnostic] = []
    if claimed != kind.name:
        right = next(s for s, k in SUFFIXES.items() if k == kind.name)
        problems.append(
            diag(
                "A008",
                path=name,
                suffix=suffix or "（无）",
                suffix_en=suffix or "(none)",
                kind=kind.zh,
                kind_en=kind.en,
                right=right,
            )
        )
    if info.st_size > kind.max_bytes:
        return Document(name, kind.name, (), (*problems, too_large(name, info.st_size, kind.max_bytes)))
    document = kind.reader()(path)
    if not problems:
        return document
    return Document(document.path, document.kind, document.blocks, (*problems, *document.problems), document.pages)


def _sniff(head: bytes) -> str | None:
    """What the first bytes say the file holds (None: nothing known, such as plain text)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"%PDF-" in head:  # a PDF may start after some junk
        return "pdf"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_HTML_STARTS) or (start.startswith(b"<") and b"<html" in head.lower()):
        return "html"
    return None


def _unknown(suffix: str) -> tuple[str, str]:
    shown = suffix or "无扩展名"
    return f"不认识的文件类型（{shown}）", f"a kind of file not known ({suffix or 'no extension'})"


def _failed(name: str, kind: str, zh: str, en: str) -> Document:
    return Document(name, kind, (), (unreadable(name, zh, en),))


def unreadable(name: str, zh: str, en: str) -> Diagnostic:
    """A001: nothing of ``name`` could be read, ``zh``/``en`` say why."""
    return diag("A001", path=name, problem=zh, problem_en=en)


def too_large(name: str, size: int, limit: int) -> Diagnostic:
    """A003 for a file of ``size`` bytes over ``limit``."""
    return over_limit(name, f"文件 {size} 字节，上限 {limit} 字节", f"{size} bytes, limit {limit}")


def over_limit(name: str, zh: str, en: str) -> Diagnostic:
    """A003: ``name`` is over a limit (``zh``/``en``: which, with the figures) and not read."""
    return diag("A003", path=name, what=zh, what_en=en)


def read_bytes(path: Path, limit: int) -> bytes | Diagnostic:
    """The file's bytes, at most ``limit`` of them: a file that is not regular, or larger
    (even one growing while it is read), gives a diagnostic instead."""
    name = str(path)
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return unreadable(name, *_NOT_REGULAR)
            if info.st_size > limit:
                return too_large(name, info.st_size, limit)
            data = handle.read(limit + 1)
    except OSError as exc:
        return unreadable(name, exc.strerror or type(exc).__name__, exc.strerror or type(exc).__name__)
    if len(data) > limit:
        return too_large(name, len(data), limit)
    return data


# -- text ----------------------------------------------------------------------------------------

#: no-break, full-width and other fixed-width spaces are spaces; zero-width characters and BOMs
#: are nothing
_SPACES = str.maketrans(
    {
        **dict.fromkeys(["\xa0", "\u3000", "\u202f", "\u205f", *map(chr, range(0x2000, 0x200B))], " "),
        **dict.fromkeys(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\xad"], None),
    }
)


def clean(text: str) -> str:
    """One line of text as it reads: no-break and full-width spaces as spaces, zero-width and
    control characters (a tab is a space) left out, stripped. Full-width digits are kept."""
    return UNSAFE.sub("", text.replace("\t", " ").translate(_SPACES)).strip()


def joined(lines: Iterable[str]) -> str:
    """The text of a paragraph or a cell: its lines cleaned, empty ones left out, joined with
    "\\n"."""
    return "\n".join(line for line in map(clean, lines) if line)


def unwrapped(lines: Iterable[str]) -> str:
    """Lines of one paragraph broken only to fit the width, joined again: Chinese lines
    directly, with a space between two Latin letters or digits ("annual" / "report")."""
    text = ""
    for line in map(clean, lines):
        if text and line and text[-1].isascii() and text[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            text += " "
        text += line
    return text


def span_of(raw: str | int | None) -> int:
    """A rowspan, colspan or gridSpan as written, read as browsers do (the leading digits:
    "2;" is 2) and kept within 1..MAX_SPAN ("0", "", "x": 1)."""
    if isinstance(raw, int):
        return max(1, min(raw, MAX_SPAN))
    digits = re.match(r"\s*\+?(\d{1,9})", raw or "")
    return max(1, min(int(digits.group(1)), MAX_SPAN)) if digits else 1


_NUMERAL = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"(?:[{_NUMERAL}]{{1,3}}[、.．]|[（(][{_NUMERAL}]{{1,3}}[)）]|第[{_NUMERAL}百零]{{1,4}}[章节部分篇])\s*\S"
)
MAX_HEADING_CHARS = 40


def looks_like_heading(text: str) -> bool:
    """A numbered heading of a report, told from its text: "一、总体情况", "（二）主动公开",
    "第三部分 …", short and not a sentence ("（一）主动公开。本年度……" is a paragraph)."""
    return len(text) <= MAX_HEADING_CHARS and "\n" not in text and "。" not in text and bool(_HEADING.match(text))


_PAGE_NUMBER = re.compile(
    r"[-—–－―~～]+\s*\d{1,4}\s*[-—–－―~～]+"  # — 3 —, - 3 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页, 第3页 共10页
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"  # 3 / 10
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?"
)


_DIGIT = re.compile(r"\d")


def is_page_number(text: str) -> bool:
    """A page header or footer holding the page number: "— 3 —", "第 3 页", "第3页 共10页",
    "3 / 10", "Page 3 of 10" (a bare "3" is not: it may be a figure)."""
    return len(text) < 40 and _DIGIT.search(text) is not None and _PAGE_NUMBER.fullmatch(clean(text)) is not None


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, the encoding used, and how many undecodable byte sequences
    were replaced by U+FFFD (0: it decoded entirely)."""

    text: str
    encoding: str
    bad: int = 0


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: declared names of the Chinese encodings, all read as GB18030 (a superset: pages declaring
#: GB2312 use GBK characters)
_GB = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "windows-936", "euc-cn", "hz-gb-2312", "csgb2312"})


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> Decoded | None:
    """Text in the encodings Chinese sites use: a BOM decides; else the ``declared``
    encoding, UTF-8 and GB18030 are tried in turn. When none decodes entirely, the one with
    fewest undecodable sequences is used. None: not text (NUL bytes, or more than one byte in
    a hundred undecodable)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            return _text_or_none(Decoded(text, codec, text.count("\ufffd")), len(data))
    tried = list(dict.fromkeys(c for c in (_codec(declared), "utf-8", "gb18030") if c))
    for codec in tried:
        try:
            return _text_or_none(Decoded(data.decode(codec), codec), len(data))
        except (UnicodeDecodeError, LookupError):
            continue
    best = min(
        (Decoded(text, codec, text.count("\ufffd")) for codec in tried for text in [data.decode(codec, "replace")]),
        key=lambda d: d.bad,
    )
    return _text_or_none(best, len(data))


def _text_or_none(decoded: Decoded, size: int) -> Decoded | None:
    if "\x00" in decoded.text or decoded.bad > max(4, size // 100):
        return None
    return decoded


def decoding_problems(name: str, decoded: Decoded) -> list[Diagnostic]:
    """A007 when some bytes could not be decoded."""
    if not decoded.bad:
        return []
    return [diag("A007", path=name, encoding=decoded.encoding, count=decoded.bad)]


# -- tables and blocks ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Spans:
    """A cell as a reader finds it in a row, before it is placed: its text and spans."""

    text: str
    rowspan: int = 1
    colspan: int = 1


def placed_rows(rows: Sequence[Sequence[Spans]]) -> tuple[list[TableCell], bool]:
    """Cells given row by row as HTML gives them (each row lists the cells that start in it;
    slots covered by a rowspan from above are skipped) placed at their slots, within
    :data:`MAX_SLOTS` covered slots (:func:`~baobiao.audit.document.grid` uses it too).
    The second value: True when rows were cut at that limit."""
    taken: set[tuple[int, int]] = set()
    cells: list[TableCell] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rowspan = max(1, min(cell.rowspan, len(rows) - r))
            if len(taken) + rowspan * cell.colspan > MAX_SLOTS:
                return cells, True
            taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(cell.colspan))
            cells.append(TableCell(cell.text, r, c, rowspan, cell.colspan))
            c += cell.colspan
    return cells, False


def placed(
    cells: Sequence[TableCell], where: Where, continued: bool = False, row_pages: Sequence[int] = ()
) -> tuple[Table, bool]:
    """A table from cells at their slots. Where cells overlap the first placed keeps the
    slot (a later one keeps the slots still free, and is left out if none is). Rows beyond
    :data:`MAX_SLOTS` slots are cut: the second value says so."""
    height = max((c.row + c.rowspan for c in cells), default=0)
    width = max((c.column + c.colspan for c in cells), default=0)
    keep = min(height, MAX_SLOTS // max(width, 1))
    slots = [[-1] * width for _ in range(keep)]
    kept: list[TableCell] = []
    for cell in cells:
        if cell.row >= keep:
            continue
        cell = TableCell(cell.text, cell.row, cell.column, min(cell.rowspan, keep - cell.row), cell.colspan)
        free = [
            (r, c)
            for r in range(cell.row, cell.row + cell.rowspan)
            for c in range(cell.column, cell.column + cell.colspan)
            if slots[r][c] < 0
        ]
        if not free:
            continue
        for r, c in free:
            slots[r][c] = len(kept)
        kept.append(cell)
    table = Table(tuple(kept), tuple(map(tuple, slots)), where, continued, tuple(row_pages[:keep]))
    return table, keep < height


Piece = tuple[float, float, str]  # a run of text on a line: where it starts and ends, and its text


@dataclass(frozen=True, slots=True)
class Aligned:
    """A table printed without borders, found among lines cut into pieces: the lines it takes
    (``start`` to ``end``, not included), its cells, where its columns start, its rows."""

    start: int
    end: int
    cells: tuple[TableCell, ...]
    columns: tuple[float, ...]
    rows: int


def aligned_tables(
    lines: Sequence[Sequence[Piece] | None], near: Callable[[int], bool] = lambda k: True, tolerance: float = 0.0
) -> Iterator[Aligned]:
    """Tables printed without borders, told from the column positions of aligned pieces
    (positions in character cells, for text aligned with spaces; a PDF's tables without
    borders are read from where their text stands, in baobiao.audit.pdf). A run of lines each cut into two
    pieces or more, or of one piece followed by such a line (a group label, a label broken in
    two), is a table when it has two lines of two pieces or more whose pieces fall into the same
    columns: a piece never shares a column with another of its line. A line of one piece is a
    row with that cell only, spanning the columns it reaches. ``None`` for a line is a rule
    (``-----``): it neither ends a run nor is a row. ``near(k)``: line k is close enough to the
    line before it to continue a run. A run that does not align is tried again without its
    first line, then without its last, and is text otherwise: each line is looked at a bounded
    number of times."""
    i = 0
    while i < len(lines):
        if not _several(lines[i]):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and end - i < MAX_RUN_LINES and near(end) and _in_run(lines, end):
            end += 1
        while not _several(lines[end - 1]):
            end -= 1
        for start, stop in ((i, end), (i + 1, end), (i, end - 1)):
            found = _aligned([line for line in lines[start:stop] if line is not None], tolerance)
            if found is not None:
                cells, columns = found
                yield Aligned(start, stop, cells, columns, 1 + max(c.row for c in cells))
                break
        i = max(end, i + 1) if found is None else stop


def _several(line: Sequence[Piece] | None) -> bool:
    return line is not None and len(line) >= 2


def _in_run(lines: Sequence[Sequence[Piece] | None], k: int) -> bool:
    """Whether line ``k`` continues a run: cut into pieces, a rule, or one of at most
    MAX_LABEL_LINES lines of one piece followed by a line cut into pieces."""
    ahead = (line for line in lines[k : k + 2 * MAX_LABEL_LINES + 2] if line is not None)
    for count, line in enumerate(ahead):
        if len(line) != 1 or count > MAX_LABEL_LINES:
            return len(line) >= 2
    return lines[k] is None


def _aligned(
    lines: Sequence[Sequence[Piece]], tolerance: float
) -> tuple[tuple[TableCell, ...], tuple[float, ...]] | None:
    if sum(1 for line in lines if len(line) >= 2) < 2:
        return None
    columns: list[list[float]] = []
    for x0, x1 in sorted((x0, x1) for line in lines if len(line) >= 2 for x0, x1, _ in line):
        if columns and x0 <= columns[-1][1] + tolerance:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    if len(columns) < 2:
        return None
    starts = [c[0] for c in columns]
    cells: list[TableCell] = []
    for r, line in enumerate(lines):
        taken = [max(0, bisect.bisect_right(starts, x0 + tolerance) - 1) for x0, _, _ in line]
        if len(set(taken)) != len(taken):
            return None
        for (_, x1, text), c in zip(line, taken, strict=True):
            reach = bisect.bisect_left(starts, x1 - tolerance) if len(line) == 1 else c + 1
            cells.append(TableCell(clean(text), r, c, 1, max(1, reach - c)))
    return tuple(cells), tuple(starts)


class Blocks:
    """A document's blocks as a reader finds them, in reading order: paragraphs cleaned
    (empty ones left out, headings marked by the source or told from their text), tables
    numbered as they come and kept within the limits, and the problems met (each limit said
    once)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.blocks: list[Block] = []
        self.problems: list[Diagnostic] = []
        self.tables = 0
        self._said: set[str] = set()

    def paragraph(self, lines: Iterable[str], page: int | None = None, heading: bool = False) -> None:
        text = joined(lines)
        if text and self._room():
            self.blocks.append(Paragraph(text, Where(page=page), heading or looks_like_heading(text)))

    def table(
        self,
        cells: Sequence[TableCell],
        page: int | None = None,
        continued: bool = False,
        row_pages: Sequence[int] = (),
    ) -> None:
        """A table of cells at their slots (see :func:`placed`); an empty one is left out."""
        if not any(c.text for c in cells) or not self._room():
            return
        self.tables += 1
        number = self.tables
        table, cut = placed(cells, Where(page=page, table=number), continued, row_pages)
        if cut:
            self.partly(
                f"表{number}超过 {MAX_SLOTS} 格，其后各行", f"table {number} is over {MAX_SLOTS} slots: its later rows"
            )
        if table.height:
            self.blocks.append(table)
        else:  # too wide for a single row: said, and its number is the next table's
            self.tables -= 1

    def table_rows(self, rows: Sequence[Sequence[Spans]], page: int | None = None) -> None:
        """A table of cells given row by row, HTML-style (see :func:`placed_rows`)."""
        cells, cut = placed_rows(rows)
        if cut:
            number = self.tables + 1
            self.partly(
                f"表{number}超过 {MAX_SLOTS} 格，其后各行", f"table {number} is over {MAX_SLOTS} slots: its later rows"
            )
        self.table(cells, page)

    def partly(self, zh: str, en: str) -> None:
        """A004, once for each ``zh``: ``zh``/``en`` name what was not read ("第 3 页")."""
        if zh not in self._said:
            self._said.add(zh)
            self.problems.append(diag("A004", path=self.name, what=f"{zh}未读取", what_en=f"{en} not read"))

    @property
    def full(self) -> bool:
        """MAX_BLOCKS were read: a reader stops (and the limit is said once the next block
        comes, or now)."""
        return not self._room()

    def _room(self) -> bool:
        if len(self.blocks) < MAX_BLOCKS:
            return True
        self.partly(f"超过 {MAX_BLOCKS} 个段落和表格，其后的内容", f"over {MAX_BLOCKS} paragraphs and tables: the rest")
        return False

    def document(self, kind: str, pages: int | None = None) -> Document:
        """The document read; A006 when it holds nothing and no error says why already."""
        problems = list(self.problems)
        if not self.blocks and not any(p.severity is Severity.ERROR for p in problems):
            problems.append(diag("A006", path=self.name))
        return Document(self.name, kind, tuple(self.blocks), tuple(problems), pages)
