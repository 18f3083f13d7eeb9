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
  1. one row a line, its cells separated by tabs or "|": a run of at least two such lines
     with the same number of cells (Markdown's ``|---|`` lines dropped);
  2. one row a line, its cells separated by two or more spaces and aligned in columns (as a
     PDF or this tool's own text output prints a table): the columns are told from where the
     pieces of text sit (East Asian characters two cells wide), as for a PDF printed without
     borders (baobiao.audit.readers' aligned_tables); a line of one piece between rows, such
     as a group label, is a row of its own; rule lines (-----) are dropped;
  3. one cell a line starting with a tab, rows separated by a blank line, as Word's and
     Apache Tika's text export write a Word table: at least two rows of the same number of
     cells (two or more). A line without the tab continues the cell above it; a row broken
     in two by a blank line inside a cell is joined again when its parts together have the
     table's number of cells.
The file's size limit is in baobiao.audit.readers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from baobiao.audit.document import Document
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
    aligned = {found.start: found for found in aligned_tables([_pieces(line) for line in lines])}
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.paragraph([unwrapped(paragraph)])
            paragraph.clear()

    i = 0
    while i < len(lines) and not blocks.full:
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
    """The cells of a line of a table whose cells are separated by tabs or "|" ([] for a
    Markdown rule line), or None when the line is not one (fewer than two cells)."""
    text = line.strip(" \t\u3000")
    if "|" in text:
        parts = text.strip("|").split("|")
    elif "\t" in text:
        parts = text.split("\t")
    else:
        return None
    if len(parts) < 2:
        return None
    if all(_RULE.fullmatch(p) or not p for p in parts) and "-" in text:
        return []
    return [clean(p) for p in parts]


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


def _delimited(lines: Sequence[str]) -> Found:
    """Layout 1: runs of at least two lines with the same number of cells separated by tabs
    or "|" (rule lines skipped)."""
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
