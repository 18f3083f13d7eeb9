"""Reading a report as a Word document (.docx), as Word and WPS write it.

Safety: the package must pass :data:`DOCX_LIMITS` (baobiao.zipsafe: file size, parts, size
unpacked, compression ratio, size of each XML part) before anything in it is parsed. Its XML is
parsed through defusedxml (an entity declaration, such as a "billion laughs" document, is
refused) and ``word/document.xml`` is streamed one body element (a paragraph, a table) at a
time, each dropped once read: at most :data:`MAX_XML_DEPTH` levels of nesting,
:data:`MAX_BLOCK_ELEMENTS` elements in one body element and :data:`MAX_ELEMENTS` in all.
Beyond a limit, or when the XML is broken part-way, what was read is kept and the rest is
reported (A004).

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
- automatic numbering (``w:numPr``, on the paragraph or its style): the number Word shows is
  written before the paragraph's text, so a heading typed "总体情况" in a list "%1、" reads
  "一、总体情况" and a row label "予以公开" at a level "（%2）" reads "（一）予以公开"; see
  :class:`_Lists` for what of ``word/numbering.xml`` is read and how Word counts. Bullets
  are left out (they are no label's number); a "custom" number format (Word 2010) is read
  as the standard format written beside it.
Headers, footers, footnotes and comments are other parts and are not read. The old binary
format (.doc) is not read (baobiao.audit.readers says to save it as .docx).

The styles and numbering parts are found from the main part's relationships (else beside it,
``styles.xml``, ``numbering.xml``) and read through the same limits as the body
(:func:`~baobiao.zipsafe.stream`: defusedxml, nesting, and :data:`MAX_ELEMENTS`). A damaged
styles part costs the heading styles and the numbering linked to styles; a damaged numbering
part costs the numbers (each said, A004); a missing one costs nothing."""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from xml.etree.ElementTree import Element

from baobiao.audit.document import Document, TableCell
from baobiao.audit.numformats import format_number
from baobiao.audit.readers import MAX_DOCX_BYTES, MAX_SPAN, Blocks, joined, over_limit, span_of, unreadable
from baobiao.zipsafe import Unreadable, ZipLimits, has_part, local, stream, zip_refusal

_MIB = 1024 * 1024
DOCX_LIMITS = ZipLimits(file_bytes=MAX_DOCX_BYTES, parts=1_000, unpacked=128 * _MIB, part_xml=16 * _MIB, ratio=200)
MAX_XML_DEPTH = 100  # a text box in a table nested in a table needs about 30
MAX_BLOCK_ELEMENTS = 200_000  # elements of one paragraph or table of the body (a table 三: ~10,000)
MAX_ELEMENTS = 1_000_000  # elements of document.xml read (a 100-page report: ~50,000); of styles and numbering too
MAX_STYLE_CHAIN = 10  # w:basedOn links followed (and w:numStyleLink links)
MAX_LABEL_CHARS = 64  # a number as shown ("（一）", "第十二条", "3.2.1"); Word allows 255 in w:lvlText
_LEVELS = 9  # list levels, w:ilvl 0-8
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
            parts = _related(z, main)
            styles = _styles(z, parts["styles"], blocks)
            lists = _lists(z, parts["numbering"], styles, blocks)
            _Body(blocks, styles.headings, _Counters(lists, styles) if lists is not None else None).read(z, main)
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


def _related(z: zipfile.ZipFile, main: str) -> dict[str, str]:
    """The main part's styles and numbering parts, from its relationships (the targets are
    relative to the main part's folder), else (none, or damaged) the usual names beside it."""
    folder, base = posixpath.split(main)
    usual = {"styles": posixpath.join(folder, "styles.xml"), "numbering": posixpath.join(folder, "numbering.xml")}
    rels = posixpath.join(folder, "_rels", base + ".rels")
    found = dict(usual)
    try:
        if has_part(z, rels):
            for event, elem, _ in stream(z, rels):
                kind = elem.get("Type", "").rpartition("/")[2]
                if (
                    event == "end"
                    and local(elem.tag) == "Relationship"
                    and kind in found
                    and not elem.get("TargetMode")
                ):
                    target = elem.get("Target", "")
                    part = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                    if has_part(z, posixpath.normpath(part)):
                        found[kind] = posixpath.normpath(part)
    except Exception:  # broken XML, defusedxml's refusals: the usual names
        return usual
    return found


def _counted(z: zipfile.ZipFile, part: str, keep: str) -> Iterator[tuple[str, Element, Element | None]]:
    """:func:`stream` of a styles or numbering part, within :data:`MAX_ELEMENTS`."""
    elements = 0
    for event, elem, parent in stream(z, part, keep=keep):
        if event == "start":
            elements += 1
            if elements > MAX_ELEMENTS:
                raise Unreadable(f"{part} 的元素超过 {MAX_ELEMENTS} 个", f"{part} has over {MAX_ELEMENTS} elements")
        yield event, elem, parent


# -- styles --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Styles:
    """What the styles part says about paragraphs: the ids of the heading styles; each
    paragraph style's list (``w:numId``, ``w:ilvl``, either None when neither the style nor
    any style it is based on sets it); the default paragraph style (a paragraph without
    ``w:pStyle`` has it); and each numbering style's ``w:numId`` (``w:numStyleLink`` names
    one)."""

    headings: frozenset[str] = frozenset()
    numbered: Mapping[str, tuple[str | None, int | None]] = field(default_factory=dict)
    default: str | None = None
    lists: Mapping[str, str] = field(default_factory=dict)


_NO_STYLES = _Styles()


@dataclass(frozen=True, slots=True)
class _Style:
    """A paragraph style as written: a heading itself, based on, its own list settings."""

    heading: bool
    based_on: str | None
    num_id: str | None
    level: int | None


def _styles(z: zipfile.ZipFile, part: str, blocks: Blocks) -> _Styles:
    """The styles (see :class:`_Styles`); none when the styles part is damaged (said, and the
    body is read)."""
    try:
        return _read_styles(z, part)
    except Exception as exc:  # broken XML, defusedxml's refusals, nesting, too many elements
        blocks.partly(
            f"样式（{part}）已损坏（{type(exc).__name__}），其中的标题样式和样式所带的自动编号",
            f"the styles ({part}) are damaged: their heading styles and the numbering they carry",
        )
        return _NO_STYLES


def _read_styles(z: zipfile.ZipFile, part: str) -> _Styles:
    if not has_part(z, part):
        return _NO_STYLES
    styles: dict[str, _Style] = {}
    lists: dict[str, str] = {}
    default = None
    for event, elem, _ in _counted(z, part, "style"):
        if event != "end" or local(elem.tag) != "style":
            continue
        sid = _attr(elem, "styleId") or ""
        ppr = _child(elem, "pPr")
        num_pr = _child(ppr, "numPr")
        num_id = _attr(_child(num_pr, "numId"), "val")
        kind = _attr(elem, "type")
        if kind == "numbering" and num_id is not None:
            lists.setdefault(sid, num_id)
        if kind != "paragraph" or sid in styles:
            continue
        if default is None and _attr(elem, "default") is not None and _on(_attr(elem, "default")):
            default = sid
        level = _attr(_child(ppr, "outlineLvl"), "val")
        named = _HEADING_STYLE.fullmatch(_attr(_child(elem, "name"), "val") or "") or _HEADING_STYLE.fullmatch(sid)
        styles[sid] = _Style(
            bool(named) or _number(level, 9) < 9,
            _attr(_child(elem, "basedOn"), "val"),
            num_id,
            _level(_attr(_child(num_pr, "ilvl"), "val")),
        )

    def chain(sid: str) -> Iterator[_Style]:
        seen: set[str] = set()
        current: str | None = sid
        while current in styles and current not in seen and len(seen) < MAX_STYLE_CHAIN:
            seen.add(current)
            yield styles[current]
            current = styles[current].based_on

    numbered: dict[str, tuple[str | None, int | None]] = {}
    for sid in styles:
        list_id = next((s.num_id for s in chain(sid) if s.num_id is not None), None)
        list_level = next((s.level for s in chain(sid) if s.level is not None), None)
        if list_id is not None or list_level is not None:
            numbered[sid] = (list_id, list_level)
    headings = frozenset(sid for sid in styles if any(s.heading for s in chain(sid)))
    return _Styles(headings, numbered, default, lists)


# -- numbering -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Level:
    """A list level (``w:lvl``) as it is shown: its number format (``w:numFmt``), its text
    (``w:lvlText``, "%1、", "（%2）", "%1.%2": %N is level N's number, N = ``w:ilvl`` + 1),
    its start (``w:start``), when it restarts (``w:lvlRestart``: None when any level above it
    is used, 0 never, N when a level from the first to the Nth is used), legal
    numbering (``w:isLgl``: every number of its text in digits), what follows the number
    (``w:suff``), the paragraph style it is linked to (``w:pStyle``) and whether the number
    is hidden (``w:vanish``)."""

    fmt: str = "decimal"
    text: str = ""
    start: int = 0
    restart: int | None = None
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None
    hidden: bool = False


def _read_level(lvl: Element) -> _Level:
    restart = _attr(_child(lvl, "lvlRestart"), "val")
    legal = _child(lvl, "isLgl")
    return _Level(
        fmt=_num_fmt(lvl),
        text=(_attr(_child(lvl, "lvlText"), "val") or "")[:MAX_LABEL_CHARS],
        start=_number(_attr(_child(lvl, "start"), "val"), 0),
        restart=None if restart is None else _number(restart, 0),
        legal=legal is not None and _on(_attr(legal, "val")),
        suffix=_attr(_child(lvl, "suff"), "val") or "tab",
        style=_attr(_child(_child(lvl, "pPr"), "pStyle"), "val") or _attr(_child(lvl, "pStyle"), "val"),
        hidden=_vanished(_child(lvl, "rPr")),
    )


def _num_fmt(lvl: Element) -> str:
    """A level's number format: ``w:numFmt``, or in ``mc:AlternateContent`` (Word 2010 writes
    a "custom" format in ``mc:Choice`` and its nearest standard format in ``mc:Fallback``)."""
    direct = _attr(_child(lvl, "numFmt"), "val")
    if direct is not None:
        return direct
    for alternate in (c for c in lvl if local(c.tag) == "AlternateContent"):
        for option in alternate:
            fmt = _attr(_child(option, "numFmt"), "val")
            if fmt is not None and fmt != "custom":
                return fmt
    return "decimal"


@dataclass(slots=True)
class _Num:
    """A list (``w:num``): its definition (``w:abstractNumId``), the levels it redefines and
    the starts it overrides (``w:lvlOverride``, ``w:startOverride``)."""

    abstract: str | None = None
    levels: dict[int, _Level] = field(default_factory=dict)
    starts: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _List:
    """A list resolved: whose counters it uses (its definition's id), its levels, its starts."""

    counters: str
    levels: Mapping[int, _Level]
    starts: Mapping[int, int]


class _Lists:
    """``word/numbering.xml``: list definitions (``w:abstractNum``: levels ``w:lvl``) and the
    lists paragraphs name (``w:num``: ``w:abstractNumId``, ``w:lvlOverride`` with
    ``w:startOverride`` or a whole ``w:lvl``). A definition may be a numbering style's
    (``w:numStyleLink`` to a style whose ``w:numId`` is the list to use).

    How Word counts (:class:`_Counters`): lists of the same definition share its counters, so
    a second ``w:num`` over one ``w:abstractNum`` continues the numbers (Word and LibreOffice
    do; counting each ``w:num`` on its own numbers a list split over two of them 1, 2, 1),
    unless it overrides a level's start: where it is first used at that level, the count
    starts again there ("restart at 1" in Word writes such a ``w:num``). A
    level restarts when a level above it is used (``w:lvlRestart`` otherwise). Paragraphs
    are counted in document order (the body, table cells, text boxes), an empty paragraph
    too, as Word counts them."""

    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.style_links: dict[str, str] = {}  # abstractNum -> the numbering style it takes its levels from
        self.nums: dict[str, _Num] = {}
        self._resolved: dict[str, _List | None] = {}

    def read(self, z: zipfile.ZipFile, part: str) -> None:
        abstract: str | None = None
        num: _Num | None = None
        override: int | None = None
        for event, elem, parent in _counted(z, part, "lvl"):
            tag = local(elem.tag)
            if event == "start":
                if tag == "abstractNum":
                    abstract = _attr(elem, "abstractNumId")
                    if abstract is not None and abstract in self.abstracts:
                        abstract = None  # a second definition of one id: the first counts
                    elif abstract is not None:
                        self.abstracts[abstract] = {}
                elif tag == "num":
                    num_id = _attr(elem, "numId")
                    num = None if num_id is None or num_id in self.nums else self.nums.setdefault(num_id, _Num())
                elif tag == "lvlOverride":
                    override = _level(_attr(elem, "ilvl"))
                continue
            within = local(parent.tag) if parent is not None else ""
            if tag == "lvl":
                index = _level(_attr(elem, "ilvl"))
                if within == "abstractNum" and abstract is not None and index is not None:
                    self.abstracts[abstract].setdefault(index, _read_level(elem))
                elif within == "lvlOverride" and num is not None and override is not None:
                    num.levels[override] = _read_level(elem)
            elif tag == "numStyleLink" and within == "abstractNum" and abstract is not None:
                self.style_links[abstract] = _attr(elem, "val") or ""
            elif tag == "abstractNumId" and within == "num" and num is not None:
                num.abstract = _attr(elem, "val")
            elif tag == "startOverride" and within == "lvlOverride" and num is not None and override is not None:
                num.starts[override] = _number(_attr(elem, "val"), 0)
            elif tag == "abstractNum":
                abstract = None
            elif tag == "num":
                num = None
            elif tag == "lvlOverride":
                override = None

    def resolve(self, num_id: str) -> _List | None:
        """The list ``num_id`` names, or None (no such list, or its definition is missing)."""
        if num_id not in self._resolved:
            self._resolved[num_id] = self._resolve(num_id)
        return self._resolved[num_id]

    def _resolve(self, num_id: str) -> _List | None:
        num = self.nums.get(num_id)
        if num is None or num.abstract is None:
            return None
        abstract = num.abstract
        for _ in range(MAX_STYLE_CHAIN):  # w:numStyleLink -> style -> w:numId -> its definition
            link = self.style_links.get(abstract)
            linked = self.nums.get(self.styles.lists.get(link, "")) if link is not None else None
            if linked is None or linked.abstract is None:
                break
            abstract = linked.abstract
        if abstract not in self.abstracts:
            return None
        levels = {**self.abstracts[abstract], **num.levels}
        return _List(abstract, MappingProxyType(levels), MappingProxyType(dict(num.starts)))


def _lists(z: zipfile.ZipFile, part: str, styles: _Styles, blocks: Blocks) -> _Lists | None:
    """The numbering part read, or None: there is none, or it defines nothing, or it is
    damaged (said; the text is read without its numbers)."""
    if not has_part(z, part):
        return None
    lists = _Lists(styles)
    try:
        lists.read(z, part)
    except Exception as exc:  # broken XML, defusedxml's refusals, nesting, too many elements
        blocks.partly(
            f"自动编号（{part}）已损坏（{type(exc).__name__}），段落和表格中的自动编号",
            f"the numbering ({part}) is damaged: the automatic numbers of paragraphs and cells",
        )
        return None
    return lists if lists.nums else None


class _Counters:
    """The numbers of a document's paragraphs, as Word shows them, counted in document order
    (see :class:`_Lists`)."""

    def __init__(self, lists: _Lists, styles: _Styles) -> None:
        self.lists = lists
        self.styles = styles
        self.counts: dict[str, list[int | None]] = {}  # definition -> each level's last number
        self.used: set[tuple[str, int]] = set()  # (numId, level) met: a start override is applied once

    def label(self, p: Element) -> tuple[str, str]:
        """The number shown before paragraph ``p`` ("" for none, a bullet, a hidden one) and
        what follows it (``w:suff``). An empty paragraph in a list is counted and shows its
        number, as in Word (a cell of a 序号 column numbered automatically)."""
        ppr = _child(p, "pPr")
        num_pr = _child(ppr, "numPr")
        style = _attr(_child(ppr, "pStyle"), "val") or self.styles.default
        style_list, style_level = self.styles.numbered.get(style or "", (None, None))
        num_id = _attr(_child(num_pr, "numId"), "val") or style_list
        if num_id is None or num_id == "0":  # numId 0: numbering taken off
            return "", ""
        found = self.lists.resolve(num_id)
        if found is None:
            return "", ""
        raw = _attr(_child(num_pr, "ilvl"), "val")
        linked = next((i for i, lv in sorted(found.levels.items()) if style and lv.style == style), None)
        if raw is not None:  # the paragraph's own level
            index = _level(raw)
        elif linked is not None and style_list is not None:  # a style's list: the level linked to the style
            index = linked  # (ECMA-376 17.9.23: it decides, not the style's w:ilvl)
        else:
            index = 0 if style_level is None else style_level
        level = found.levels.get(index) if index is not None else None
        if index is None or level is None:
            return "", ""
        counts = self._count(num_id, found, index)
        if level.fmt == "bullet" or level.hidden or _vanished(_child(ppr, "rPr")):
            return "", ""
        return _shown(level, found, counts), level.suffix

    def _count(self, num_id: str, found: _List, index: int) -> list[int | None]:
        counts = self.counts.setdefault(found.counters, [None] * _LEVELS)
        first = (num_id, index) not in self.used
        self.used.add((num_id, index))
        last = counts[index]
        if (first and index in found.starts) or last is None:
            counts[index] = found.starts.get(index, found.levels[index].start)
        else:
            counts[index] = last + 1
        for deeper in range(index + 1, _LEVELS):
            below = found.levels.get(deeper)
            restart = below.restart if below is not None else None
            if restart is None or restart > deeper or index < restart:
                counts[deeper] = None
        return counts


_PLACEHOLDER = re.compile(r"%([1-9])")


def _shown(level: _Level, found: _List, counts: list[int | None]) -> str:
    """A level's text with its placeholders replaced: %N by level N's number in its format
    (in digits when the level is legal numbering). A level not used since it restarted shows
    one less than its start, as Word does ("0.1" under no "1")."""

    def number(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        other = found.levels.get(index, _Level())
        value = counts[index]
        if value is None:
            value = found.starts.get(index, other.start) - 1
        fmt = "decimal" if level.legal and other.fmt not in ("none", "bullet") else other.fmt
        return "" if fmt == "bullet" else format_number(value, fmt)

    return _PLACEHOLDER.sub(number, level.text)[:MAX_LABEL_CHARS]


def _level(raw: str | None) -> int | None:
    """A list level (``w:ilvl``), 0-8; None when absent or out of range."""
    value = _number(raw, -1)
    return value if 0 <= value < _LEVELS else None


def _on(raw: str | None) -> bool:
    """An on/off value as written (``w:default="1"``; ``<w:isLgl/>`` has none: on)."""
    return raw is None or raw.lower() not in ("0", "false", "off")


def _vanished(rpr: Element | None) -> bool:
    """Hidden text (``w:vanish``) in run properties."""
    vanish = _child(rpr, "vanish")
    return vanish is not None and _on(_attr(vanish, "val"))


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

    def number(self, label: str, suffix: str) -> None:
        """Write the paragraph's number before its text (on its first line with text). A tab or
        a space follows the number in Word: it is kept as a space after a letter or a digit
        ("1 属于国家秘密"), not after punctuation ("一、总体情况", "（一）予以公开")."""
        at = next((i for i, line in enumerate(self.lines) if line.strip()), 0)
        kind = unicodedata.category(label[-1])
        gap = " " if suffix != "nothing" and kind[0] in "LN" and kind != "No" else ""
        self.lines[at] = label + gap + self.lines[at].lstrip()


class _Body:
    """The body's blocks, read into ``blocks``: one handler a kind of element."""

    def __init__(self, blocks: Blocks, headings: frozenset[str], counters: _Counters | None = None) -> None:
        self.blocks = blocks
        self.headings = headings
        self.counters = counters
        self.labels: dict[Element, tuple[str, str]] = {}  # paragraph -> its number and what follows it
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
                if self.counters is not None:
                    self.count(elem)
                self.block(elem)
                self.labels.clear()
                parent.remove(elem)
                elements = 0
                if self.blocks.full:
                    return

    def count(self, elem: Element) -> None:
        """Number the paragraphs of a body element in document order, before it is read (its
        nested tables and text boxes are read after it, but Word counts them where they are);
        the same paragraphs as are read: only ``mc:Choice``, no deleted text."""
        assert self.counters is not None
        tag = local(elem.tag)
        if tag == "p":
            label, suffix = self.counters.label(elem)
            if label:
                self.labels[elem] = (label, suffix)
        choice = _child(elem, "Choice") if tag == "AlternateContent" else None
        for child in (choice,) if choice is not None else elem if tag != "AlternateContent" else ():
            if local(child.tag) not in _NOT_TEXT:
                self.count(child)

    def block(self, elem: Element) -> None:
        handler = self.handlers.get(local(elem.tag))
        if handler is not None:
            handler(elem)

    def container(self, elem: Element) -> None:
        for child in elem:
            self.block(child)

    def text(self, p: Element) -> _Text:
        """A paragraph's text, its number before it."""
        text = _Text()
        text.gather(p)
        if p in self.labels:
            text.number(*self.labels[p])
        return text

    def paragraph(self, p: Element) -> None:
        text = self.text(p)
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
            text = self.text(elem)
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
