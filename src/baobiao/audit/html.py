"""Reading a report published as a web page (.html, .htm), with lxml's HTML parser (the
page's structure is never read with regular expressions).

Encoding: a BOM decides; else the charset the page declares (``<meta charset>``, or
``<meta http-equiv="Content-Type" content="text/html; charset=gb2312">``, found by parsing
the page's first 4 KB; GB2312 and GBK are read as GB18030, their superset); else UTF-8, else
GB18030. Bytes that fit none are reported (A007).

What is read: the page's body, in document order. Scripts, styles, comments, the head and
form controls are left out. Whitespace is collapsed as a browser does, ``&nbsp;`` and
full-width spaces are spaces, full-width digits are kept. Each block (p, div, li, h1-h6, …)
is a paragraph; h1-h6 are headings (and so is a short numbered line such as "一、总体情况");
``<br>`` is a line break inside its paragraph.

Tables: a table's rows are its own ``<tr>`` (directly or in thead, tbody, tfoot), its cells
``<td>`` and ``<th>``, each spanning ``rowspan`` × ``colspan`` slots read as browsers read
them ("2;" is 2) and kept within 1..100 ("0" is 1). A cell's text is its lines (p, div, br
inside it) joined with "\\n". A caption is a paragraph before its table.

Layout tables: a table with a table in one of its cells is a layout table when it has a
single row or a single column, or when a cell holding a table also holds text of its own of
two lines or more (or over 100 characters) — the whole page wrapped in a table, a layout of
navigation beside the content. It is not a table of the report: its cells are read in order
as parts of the page, and the tables in them as tables. Otherwise the tables in its cells are
data tables, each emitted as a table of its own after its parent (whose cells keep only their
own text). Tables are numbered in the order they are emitted.

Limits: the file's size (baobiao.audit.readers); the parser stops at 256 levels of nesting,
and what came after is not read; at most :data:`MAX_ELEMENTS` elements are walked (A004
says what was left)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from baobiao.audit.document import Document
from baobiao.audit.readers import (
    MAX_HTML_BYTES,
    MAX_SLOTS,
    Blocks,
    Spans,
    decode,
    decoding_problems,
    read_bytes,
    span_of,
    unreadable,
)
from baobiao.diagnostics.core import Diagnostic

_DROPPED = frozenset(
    {"head", "title", "script", "style", "noscript", "template", "select", "option", "textarea", "button"}
    | {"input", "iframe", "object", "embed", "svg", "math"}
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = (
    _HEADINGS
    | {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "main", "header"}
    | {
        *("footer", "nav", "aside", "blockquote", "pre", "center", "address", "figure", "figcaption", "form"),
        *("fieldset", "legend", "hr", "body", "html", "caption", "tr", "td", "th"),
    }
)
_ROW_GROUPS = frozenset(("thead", "tbody", "tfoot"))
_CELLS = frozenset(("td", "th"))
_SNIFF_BYTES = 4096  # bytes parsed to find the declared charset
LAYOUT_TEXT_CHARS = 100  # a cell holding a table and more text of its own than this is layout
MAX_DEPTH = 300  # elements walked into (the parser itself stops at 256)
MAX_ELEMENTS = 300_000  # elements walked (a report's page has 1,000-50,000)
_WHITESPACE = str.maketrans({c: " " for c in "\t\n\r\f\v"})


def read_html(path: Path) -> Document:
    """The web page at ``path`` as a Document (see the module)."""
    from lxml import etree

    name = str(path)
    data = read_bytes(path, MAX_HTML_BYTES)
    if isinstance(data, Diagnostic):
        return Document(name, "html", (), (data,))
    decoded = decode(data, _declared(data))
    if decoded is None:
        problem = ("不是网页（大部分字节不是文字）", "not a web page (mostly not text)")
        return Document(name, "html", (), (unreadable(name, *problem),))
    blocks = Blocks(name)
    blocks.problems.extend(decoding_problems(name, decoded))
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8", no_network=True)
    root = etree.fromstring(decoded.text.encode("utf-8", "replace"), parser)
    if root is None:  # nothing but whitespace and comments
        return blocks.document("html")
    body = root.find("body")
    _Page(blocks).read(root if body is None else body)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        blocks.partly("网页元素嵌套超过 256 层，其后的内容", "elements nested over 256 levels deep: what follows")
    return blocks.document("html")


def _declared(data: bytes) -> str | None:
    """The charset the page declares in its first bytes (None: none)."""
    from lxml import etree

    head = etree.fromstring(data[:_SNIFF_BYTES], etree.HTMLParser(encoding="iso-8859-1", no_network=True))
    if head is None:
        return None
    for meta in head.iter("meta"):
        if meta.get("charset"):
            return str(meta.get("charset"))
        if (meta.get("http-equiv") or "").strip().lower() == "content-type":
            charset = (meta.get("content") or "").lower().partition("charset=")[2]
            if charset:
                return charset.split(";")[0].strip()
    return None


def _tag(elem: Any) -> str:
    """An element's name in lower case ("" for a comment or a processing instruction)."""
    return elem.tag.lower() if isinstance(elem.tag, str) else ""


def _rows(table: Any) -> Iterator[Any]:
    """A table's own rows (not those of the tables inside it)."""
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in _ROW_GROUPS:
            yield from (r for r in child if _tag(r) == "tr")


def _cells(row: Any) -> Iterator[Any]:
    return (c for c in row if _tag(c) in _CELLS)


class _Flow:
    """Text gathered between two block boundaries: finished lines and the line under way."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.parts: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text.translate(_WHITESPACE))

    def line_break(self) -> None:
        self.lines.append("".join(self.parts))
        self.parts.clear()

    def take(self) -> list[str]:
        self.line_break()
        lines = [" ".join(line.split()) for line in self.lines]
        self.lines = []
        return lines


class _Budget:
    """The elements a page may still have walked (its cells' walkers share it)."""

    def __init__(self) -> None:
        self.left = MAX_ELEMENTS


class _Walker:
    """Walks elements in document order into a flow of text; what a block boundary and a
    table mean is the subclass's: a paragraph and a table of the page, or a line break and a
    table nested in a cell."""

    def __init__(self, budget: _Budget) -> None:
        self.flow = _Flow()
        self.headings = 0
        self.too_deep = False
        self.budget = budget

    def boundary(self) -> None:
        raise NotImplementedError

    def table(self, table: Any, depth: int) -> None:
        raise NotImplementedError

    def stopped(self) -> bool:
        return False

    def walk(self, elem: Any, depth: int) -> None:
        """``elem``'s text and children (each followed by its tail)."""
        if depth > MAX_DEPTH:
            self.too_deep = True
            return
        self.flow.add(elem.text)
        for child in elem:
            self.budget.left -= 1
            if self.budget.left < 0 or self.stopped():
                return
            tag = _tag(child)
            if tag == "br":
                self.flow.line_break()
            elif tag == "table":
                self.table(child, depth + 1)
            elif tag in _BLOCKS:
                self.boundary()
                self.headings += tag in _HEADINGS
                self.walk(child, depth + 1)
                self.boundary()
                self.headings -= tag in _HEADINGS
            elif tag and tag not in _DROPPED:
                self.walk(child, depth + 1)
            self.flow.add(child.tail)


class _Cell(_Walker):
    """A data table's cell: blocks are lines of its text, tables in it are kept for later."""

    def __init__(self, budget: _Budget) -> None:
        super().__init__(budget)
        self.nested: list[Any] = []

    def boundary(self) -> None:
        self.flow.line_break()

    def table(self, table: Any, depth: int) -> None:
        self.nested.append(table)


def _cell_text(cell: Any, budget: _Budget, nested: list[Any] | None = None) -> str:
    """A cell's text, lines joined with "\\n"; the tables in it go to ``nested``."""
    walker = _Cell(budget)
    walker.walk(cell, 0)
    if nested is not None:
        nested.extend(walker.nested)
    return "\n".join(line for line in walker.flow.take() if line)


def _is_layout(table: Any, budget: _Budget) -> bool:
    """See the module: a table holding tables, with one row or one column, or with a cell
    holding both a table and text of its own."""
    if next(itertools.islice(table.iter("table"), 1, None), None) is None:  # none inside (itself first)
        return False
    rows = list(_rows(table))
    cells = [list(_cells(row)) for row in rows]
    holders = [cell for row in cells for cell in row if next(cell.iter("table"), None) is not None]
    if not holders:
        return False
    if len(rows) == 1 or max(map(len, cells)) == 1:
        return True
    texts = [_cell_text(cell, budget) for cell in holders]
    return any("\n" in text or len(text) > LAYOUT_TEXT_CHARS for text in texts)


class _Page(_Walker):
    """The page: blocks are paragraphs, tables are the page's tables."""

    def __init__(self, blocks: Blocks) -> None:
        super().__init__(_Budget())
        self.blocks = blocks

    def read(self, body: Any) -> None:
        self.walk(body, 0)
        self.boundary()
        if self.too_deep:
            self.blocks.partly(f"嵌套超过 {MAX_DEPTH} 层的内容", f"content nested over {MAX_DEPTH} levels deep")
        if self.budget.left < 0:
            self.blocks.partly(f"网页元素超过 {MAX_ELEMENTS} 个，其后的内容", f"over {MAX_ELEMENTS} elements: the rest")

    def stopped(self) -> bool:
        return self.budget.left < 0 or self.blocks.full

    def boundary(self) -> None:
        self.blocks.paragraph(self.flow.take(), heading=self.headings > 0)

    def table(self, table: Any, depth: int, nested: bool = False) -> None:
        self.boundary()
        for caption in (c for c in table if _tag(c) == "caption"):
            self.blocks.paragraph([_cell_text(caption, self.budget)])
        if not nested and _is_layout(table, self.budget):
            for cell in (cell for row in _rows(table) for cell in _cells(row)):
                self.walk(cell, depth + 1)
                self.boundary()
            return
        inner: list[Any] = []
        read: list[list[Spans]] = []
        slots = 0
        for row in _rows(table):  # cut past MAX_SLOTS, where placed_rows cuts (and says so)
            if slots > MAX_SLOTS or self.stopped():
                break
            spans = [(span_of(cell.get("rowspan")), span_of(cell.get("colspan"))) for cell in _cells(row)]
            read.append(
                [Spans(_cell_text(cell, self.budget, inner), *s) for cell, s in zip(_cells(row), spans, strict=True)]
            )
            slots += sum(r * c for r, c in spans)
        self.blocks.table_rows(read)
        for child in inner:
            self.table(child, depth + 1, nested=True)
