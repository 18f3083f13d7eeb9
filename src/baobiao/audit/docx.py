"""Reading a report as a Word document (.docx), as Word and WPS write it.

Safety: the package must pass :data:`DOCX_LIMITS` (baobiao.zipsafe: file size, parts, size
unpacked, compression ratio, size of each XML part) before anything in it is parsed. Its XML is
parsed through defusedxml (an entity declaration, such as a "billion laughs" document, is
refused) and ``word/document.xml`` is streamed one body element (a paragraph, a table) at a
time, each dropped once read: at most :data:`MAX_XML_DEPTH` levels of nesting,
:data:`MAX_BLOCK_ELEMENTS` elements in one body element and :data:`MAX_ELEMENTS` in all.
Beyond a limit, or when the XML is broken part-way, what was read is kept and the rest is
reported (A004); a damaged styles part costs only the heading styles.

What is read, in body order:
- paragraphs (``w:p``): the text of ``w:t``, ``w:tab`` as a space, ``w:br`` and ``w:cr`` as
  line breaks; deleted text and field codes are not text. A paragraph is a heading when its
  style is one (its id or name "Heading 1"…, "标题 1"…, "Title", or a style with an outline
  level, itself or through ``w:basedOn``), when it has an outline level of its own
  (``w:outlineLvl``), or when it is a short numbered line ("一、总体情况").
- tables (``w:tbl``/``w:tr``/``w:tc``): ``w:gridSpan``, ``w:vMerge`` restart and continue (a
  ``w:vMerge`` without ``w:val`` continues, as WPS writes it), ``w:gridBefore`` (empty slots
  before a row's first cell, as WPS writes them); ``w:tblGrid`` is not needed. A cell's text is
  its paragraphs joined with "\\n". Tables nested in a cell are tables of their own, after
  their parent (whose cell keeps its own text).
- text boxes (``w:txbxContent``): their paragraphs and tables, after the paragraph (or the
  table) that anchors them. In ``mc:AlternateContent`` only the first ``mc:Choice`` is read:
  ``mc:Fallback`` repeats it for older readers.
- content controls (``w:sdt``), custom XML, smart tags, hyperlinks, tracked insertions: their
  content, as if they were not there.
Headers, footers, footnotes and comments are other parts and are not read. The old binary
format (.doc) is not read (baobiao.audit.readers says to save it as .docx)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from baobiao.audit.document import Document, TableCell
from baobiao.audit.readers import MAX_DOCX_BYTES, MAX_SPAN, Blocks, joined, over_limit, span_of, unreadable
from baobiao.zipsafe import Unreadable, ZipLimits, has_part, local, stream, zip_refusal

_MIB = 1024 * 1024
DOCX_LIMITS = ZipLimits(file_bytes=MAX_DOCX_BYTES, parts=1_000, unpacked=128 * _MIB, part_xml=16 * _MIB, ratio=200)
MAX_XML_DEPTH = 100  # a text box in a table nested in a table needs about 30
MAX_BLOCK_ELEMENTS = 200_000  # elements of one paragraph or table of the body (a table 三: ~10,000)
MAX_ELEMENTS = 1_000_000  # elements of document.xml read (a 100-page report: ~50,000)
MAX_STYLE_CHAIN = 10  # w:basedOn links followed
_MAIN = "word/document.xml"
_OFFICE_DOCUMENT = "/officeDocument"  # the relationship type's end, transitional or strict
_HEADING_STYLE = re.compile(r"(?i)(?:heading|标题)\s*[1-9]|title|标题")
#: elements whose content is not text of the paragraph they are in
_NOT_TEXT = frozenset(("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "fldData", "Fallback", "tblPr"))
#: elements read as if only their content were there
_TRANSPARENT = frozenset(("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "hyperlink", "fldSimple"))


def read_docx(path: Path) -> Document:
    """The Word document at ``path`` as a Document (see the module)."""
    name = str(path)
    try:
        refused = zip_refusal(path, DOCX_LIMITS, "Word 文档（.docx）", "a Word document (.docx)")
    except Exception as exc:  # a damaged zip directory (zipfile, zlib)
        return _broken(name, exc)
    if refused is not None and refused.size is not None:
        what = f"{refused.where} 有 {refused.size} 字节，上限 {refused.limit} 字节"
        return Document(
            name, "docx", (), (over_limit(name, what, f"{refused.where}: {refused.size} bytes, limit {refused.limit}"),)
        )
    if refused is not None:
        return Document(name, "docx", (), (unreadable(name, refused.zh, refused.en),))
    blocks = Blocks(name)
    try:
        with zipfile.ZipFile(path) as z:
            main = _main_part(z)
            if main is None:
                problem = (
                    "其中没有 word/document.xml，不是 Word 文档",
                    "no word/document.xml inside: not a Word document",
                )
                return Document(name, "docx", (), (unreadable(name, *problem),))
            _Body(blocks, _styles(z, posixpath.join(posixpath.dirname(main), "styles.xml"), blocks)).read(z, main)
    except Unreadable as exc:
        blocks.partly(f"{exc.zh}，其后的内容", f"{exc.en}: what follows")
    except Exception as exc:  # broken XML or zip data, defusedxml's refusals: what was read is kept
        if not blocks.blocks:
            return _broken(name, exc)
        blocks.partly(
            f"文件在中途损坏（{type(exc).__name__}），其后的内容", f"damaged part-way ({type(exc).__name__}): the rest"
        )
    return blocks.document("docx")


def _broken(name: str, exc: Exception) -> Document:
    kind = type(exc).__name__
    if "Forbidden" in kind:  # defusedxml: EntitiesForbidden, DTDForbidden, ExternalReferenceForbidden
        problem = (
            f"含有不允许的 XML 内容（{kind}，可能是恶意构造的文件）",
            f"holds XML that is not allowed ({kind}; a hostile file?)",
        )
    else:
        problem = (f"文件已损坏（{kind}）", f"damaged ({kind})")
    return Document(name, "docx", (), (unreadable(name, *problem),))


def _attr(elem: Element | None, name: str) -> str | None:
    """An attribute by its local name (``w:val``, in whichever namespace)."""
    if elem is None:
        return None
    return next((value for key, value in elem.attrib.items() if local(key) == name), None)


def _child(elem: Element | None, name: str) -> Element | None:
    if elem is None:
        return None
    return next((c for c in elem if local(c.tag) == name), None)


def _content(elem: Element, *names: str) -> Iterator[Element]:
    """``elem``'s children named one of ``names``, looking through content controls and the
    like."""
    for child in elem:
        tag = local(child.tag)
        if tag in names:
            yield child
        elif tag in _TRANSPARENT:
            yield from _content(child, *names)


def _number(raw: str | None, default: int) -> int:
    return int(raw) if raw is not None and raw.isdigit() and len(raw) < 6 else default


def _main_part(z: zipfile.ZipFile) -> str | None:
    """The main document part: from the package's relationships, else word/document.xml."""
    if has_part(z, "_rels/.rels"):
        for event, elem, _ in stream(z, "_rels/.rels"):
            if event == "end" and local(elem.tag) == "Relationship" and elem.get("Type", "").endswith(_OFFICE_DOCUMENT):
                target = elem.get("Target", "").lstrip("/")
                if has_part(z, target):
                    return target
    return _MAIN if has_part(z, _MAIN) else None


def _styles(z: zipfile.ZipFile, part: str, blocks: Blocks) -> frozenset[str]:
    """The heading styles; none when the styles part is damaged (said, and the body is read)."""
    try:
        return _heading_styles(z, part)
    except Exception as exc:  # broken XML, defusedxml's refusals, nesting
        blocks.partly(
            f"样式（{part}）已损坏（{type(exc).__name__}），其中的标题样式", f"the styles ({part}) are damaged"
        )
        return frozenset()


def _heading_styles(z: zipfile.ZipFile, part: str) -> frozenset[str]:
    """The ids of the paragraph styles that are headings (see the module)."""
    if not has_part(z, part):
        return frozenset()
    styles: dict[str, tuple[bool, str | None]] = {}  # id -> (a heading itself, based on)
    for event, elem, _ in stream(z, part, keep="style"):
        if event != "end" or local(elem.tag) != "style" or _attr(elem, "type") != "paragraph":
            continue
        sid = _attr(elem, "styleId") or ""
        level = _attr(_child(_child(elem, "pPr"), "outlineLvl"), "val")
        named = _HEADING_STYLE.fullmatch(_attr(_child(elem, "name"), "val") or "") or _HEADING_STYLE.fullmatch(sid)
        styles[sid] = (bool(named) or _number(level, 9) < 9, _attr(_child(elem, "basedOn"), "val"))

    def heading(sid: str | None) -> bool:
        for _ in range(MAX_STYLE_CHAIN):
            if sid not in styles:
                return False
            itself, sid = styles[sid]
            if itself:
                return True
        return False

    return frozenset(sid for sid in styles if heading(sid))


class _Text:
    """The text of a paragraph as it is gathered: lines, and the text boxes met on the way."""

    def __init__(self) -> None:
        self.lines: list[str] = [""]
        self.boxes: list[Element] = []

    def gather(self, elem: Element) -> None:
        for child in elem:
            tag = local(child.tag)
            if tag == "t":
                self.lines[-1] += child.text or ""
            elif tag == "tab":
                self.lines[-1] += " "
            elif tag in ("br", "cr"):
                self.lines.append("")
            elif tag == "noBreakHyphen":
                self.lines[-1] += "-"
            elif tag == "txbxContent":
                self.boxes.append(child)
            elif tag == "AlternateContent":
                choice = _child(child, "Choice")
                if choice is not None:
                    self.gather(choice)
            elif tag not in _NOT_TEXT:
                self.gather(child)


class _Body:
    """The body's blocks, read into ``blocks``: one handler a kind of element."""

    def __init__(self, blocks: Blocks, headings: frozenset[str]) -> None:
        self.blocks = blocks
        self.headings = headings
        self.handlers: dict[str, Callable[[Element], None]] = {
            "p": self.paragraph,
            "tbl": self.table,
            "txbxContent": self.container,
            **dict.fromkeys(_TRANSPARENT, self.container),
        }

    def read(self, z: zipfile.ZipFile, part: str) -> None:
        elements = total = 0
        for event, elem, parent in stream(z, part, keep="body", depth=MAX_XML_DEPTH):
            if event == "start":
                elements, total = elements + 1, total + 1
                if elements > MAX_BLOCK_ELEMENTS or total > MAX_ELEMENTS:
                    raise Unreadable(
                        f"元素过多（一个段落或表格超过 {MAX_BLOCK_ELEMENTS} 个，或全文超过 {MAX_ELEMENTS} 个）",
                        f"too many elements (over {MAX_BLOCK_ELEMENTS} in a paragraph or table, {MAX_ELEMENTS} in all)",
                    )
            elif parent is not None and local(parent.tag) == "body":
                self.block(elem)
                parent.remove(elem)
                elements = 0
                if self.blocks.full:
                    return

    def block(self, elem: Element) -> None:
        handler = self.handlers.get(local(elem.tag))
        if handler is not None:
            handler(elem)

    def container(self, elem: Element) -> None:
        for child in elem:
            self.block(child)

    def paragraph(self, p: Element) -> None:
        text = _Text()
        text.gather(p)
        ppr = _child(p, "pPr")
        style = _attr(_child(ppr, "pStyle"), "val")
        level = _number(_attr(_child(ppr, "outlineLvl"), "val"), 9)
        self.blocks.paragraph(text.lines, heading=style in self.headings or level < 9)
        for box in text.boxes:
            self.container(box)

    def table(self, tbl: Element) -> None:
        later: list[Element] = []  # tables and text boxes in its cells, read after it
        cells: list[_Cell] = []
        above: dict[int, _Cell] = {}  # column -> the cell a vMerge continues there
        for r, tr in enumerate(_content(tbl, "tr")):
            c = min(_number(_attr(_child(_child(tr, "trPr"), "gridBefore"), "val"), 0), MAX_SPAN)
            merging: dict[int, _Cell] = {}
            for tc in _content(tr, "tc"):
                tcpr = _child(tc, "tcPr")
                span = span_of(_attr(_child(tcpr, "gridSpan"), "val"))
                vmerge = _child(tcpr, "vMerge")
                restart = vmerge is not None and _attr(vmerge, "val") == "restart"
                text = self._cell_text(tc, later)
                if vmerge is not None and not restart and c in above:
                    merging[c] = above[c]
                    above[c].rowspan += 1
                else:
                    cells.append(_Cell(text, r, c, span))
                    if restart:
                        merging[c] = cells[-1]
                c += span
            above = merging
        self.blocks.table([TableCell(c.text, c.row, c.column, c.rowspan, c.colspan) for c in cells])
        for elem in later:
            self.block(elem)

    def _cell_text(self, tc: Element, later: list[Element]) -> str:
        """A cell's paragraphs as lines; its tables and text boxes go to ``later``."""
        lines: list[str] = []
        for elem in _content(tc, "p", "tbl"):
            if local(elem.tag) == "tbl":
                later.append(elem)
                continue
            text = _Text()
            text.gather(elem)
            lines.extend(text.lines)
            later.extend(text.boxes)
        return joined(lines)


@dataclass(slots=True)
class _Cell:
    """A cell while its table is read (a vMerge below adds to its rowspan)."""

    text: str
    row: int
    column: int
    colspan: int
    rowspan: int = 1
