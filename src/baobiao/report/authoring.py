"""Word templates written by users: the report's text written in Word or WPS, the table's
figures as placeholders (``全年共收到政府信息公开申请{{ 本年新收政府信息公开申请数量.总计 }}件``)
and each table where a paragraph holds only its marker (``{{ 表三 }}``).

A template is a user's file and is never a program: it is not rendered by Jinja (docxtpl). Its
placeholders are read by instance/labelrefs.py (printed labels or ids) into the small figure
grammar of instance/paragraph.py, which evaluates them with Decimal; nothing else in the file
is interpreted. docxtpl would also merge a tag's runs into the first one, so that text after
a placeholder in the same run loses its own formatting, and it cannot say where an error is.

Reading (:func:`read_template`): the file passes baobiao.zipsafe's limits, then python-docx
opens it (entities are not resolved). Every paragraph is read — of the body, of Word tables and
text boxes, of headers and footers — as the text of its own runs joined, however Word split
them (proofing marks, bookmarks, revisions and field codes between the runs do not count;
deleted text is not text). Each problem is a diagnostic naming the paragraph ("第 12 段") and
quoting its beginning: malformed placeholders (R501), unknown names with suggestions (R502),
``{% %}`` (R503), names that are not one figure (R511), table markers out of place (R512),
writing prompts left (R513), tables the template does not place (R514), labels read through a
slip (R515). The body's paragraphs also make the report's narrative (headings by style or by
their numbering 一、 （一）), which the check reads for its claims and the HTML and text outputs
print.

Filling (:func:`fill_template`): each placeholder's value is written into the run where its
``{{`` starts, and the runs it covered lose only the placeholder's characters: the writer's
text between placeholders keeps its runs and formatting exactly. A table marker's paragraph is
replaced by the table as the Word back-end builds it; tables the template does not place are
appended at the end. The input file is never written: the template is read into memory and
the filled copy returned as bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.labelrefs import LabelResolver
from baobiao.instance.narrative import Narrative, Para, Section
from baobiao.instance.paragraph import literal, namespace, render_para
from baobiao.model import Form
from baobiao.report.context import RenderInput, printed_tables
from baobiao.report.outline import PROMPT
from baobiao.zipsafe import ZipLimits, zip_refusal

_MIB = 1024 * 1024
#: a template as stored; its parts unpacked; one XML part; paragraphs and placeholders read
MAX_TEMPLATE_BYTES = 32 * _MIB
TEMPLATE_LIMITS = ZipLimits(
    file_bytes=MAX_TEMPLATE_BYTES, parts=1_000, unpacked=256 * _MIB, part_xml=32 * _MIB, ratio=200
)
MAX_PARAGRAPHS = 50_000
MAX_PLACEHOLDERS = 10_000
EXCERPT_CHARS = 24  # characters of a paragraph quoted to say where a finding is

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _T, _TBL, _TXBX = f"{_W}p", f"{_W}t", f"{_W}tbl", f"{_W}txbxContent"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: what a paragraph's text is not: deleted and moved-away revisions, the copies kept for older readers
_NOT_TEXT = frozenset((f"{_W}del", f"{_W}moveFrom", _FALLBACK))
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_MARK = re.compile(r"\\(?=[{｛][{｛]|[}｝][}｝])|[{｛][{｛%#％]|[}｝][}｝]")
_OPEN = re.compile(r"[{｛][{｛]")
_CLOSE = re.compile(r"[}｝][}｝]")
_NUMBERED = {1: re.compile(r"^[一二三四五六七八九十]+、"), 2: re.compile(r"^[（(][一二三四五六七八九十]+[）)]")}
_HEADING_STYLE = re.compile(r"(?i)(?:heading|标题)\s*([12])$")
_TITLE_STYLE = re.compile(r"(?i)(?:^|\s)title$|^标题$")
_DATE = re.compile(
    r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日$"
)
_ATTACHMENT = re.compile(r"^附\s*件\s*[：:]\s*")
_SENTENCE_END = ("。", "；", "！", "？", "：", ".", ";")
MAX_HEADING_CHARS = 40  # a numbered line longer than this is a paragraph starting with a number


class _Unreadable(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


# -- paragraphs of a Word document --------------------------------------------------------------


@dataclass(slots=True)
class _Slot:
    """A paragraph: its own w:t elements (not those of a text box inside it, not deleted text)
    and their text joined; where it is, for messages; whether it is a paragraph of the body;
    whether it is the copy of a text box Word keeps for older readers (filled, not reported);
    its tracked deletions, each with the place in the text where it stands."""

    element: Any
    texts: list[Any]
    text: str
    where: str
    body: bool
    echo: bool
    deleted: list[tuple[Any, int]] = field(default_factory=list)


def _own_texts(p: Any) -> tuple[list[Any], list[tuple[Any, int]]]:
    """The paragraph's own w:t, in order, and its own tracked deletions with their offsets."""
    texts: list[Any] = []
    deleted: list[tuple[Any, int]] = []
    offset = 0
    for element in p.iter(_T, *_NOT_TEXT):
        node = element.getparent()
        while node is not None and node is not p:
            if node.tag == _P or node.tag in _NOT_TEXT:
                break
            node = node.getparent()
        else:
            if element.tag == _T:
                texts.append(element)
                offset += len(element.text or "")
            elif element.tag != _FALLBACK:
                deleted.append((element, offset))
    return texts, deleted


def _slots(doc: Any) -> list[_Slot]:
    """Every paragraph of the document, the body's first, in order, then headers and footers."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    slots: list[_Slot] = []
    body = doc.element.body
    n = 0

    def add(p: Any, where: str, is_body: bool, echo: bool) -> None:
        if len(slots) >= MAX_PARAGRAPHS:
            raise _Unreadable(f"段落超过 {MAX_PARAGRAPHS:,} 个", f"over {MAX_PARAGRAPHS:,} paragraphs")
        texts, deleted = _own_texts(p)
        slots.append(_Slot(p, texts, "".join(t.text or "" for t in texts), where, is_body, echo, deleted))

    for p in body.iter(_P):
        ancestors = set()
        node = p.getparent()
        while node is not None and node is not body:
            ancestors.add(node.tag)
            node = node.getparent()
        is_body = p.getparent() is body
        if is_body:
            n += 1
            where = f"第 {n:>3} 段"  # padded: findings sort by where they are
        elif _TXBX in ancestors:
            where = f"第 {n:>3} 段的文本框中"
        else:
            where = f"第 {n:>3} 段之后的表格中" if _TBL in ancestors else f"第 {n:>3} 段之后"
        add(p, where, is_body, _FALLBACK in ancestors)
    for rel in doc.part.rels.values():
        if rel.is_external or rel.reltype not in (RT.HEADER, RT.FOOTER):
            continue
        where = "页眉" if rel.reltype == RT.HEADER else "页脚"
        for p in rel.target_part.element.iter(_P):
            node, echo = p.getparent(), False
            while node is not None:
                echo = echo or node.tag == _FALLBACK
                node = node.getparent()
            add(p, where, False, echo)
    return slots


def _open(data: bytes) -> Any:
    from docx import Document

    try:
        return Document(io.BytesIO(data))
    except ValueError as exc:  # python-docx: another content type (a .dotx template, a .docm)
        raise _Unreadable(
            "不是 Word 文档（.docx），可能是 Word 模板（.dotx）或启用宏的文档",
            "not a Word document (.docx); perhaps a Word template (.dotx) or a macro-enabled document",
        ) from exc
    except Exception as exc:  # damaged zip or XML (lxml), a part missing (KeyError)
        kind = type(exc).__name__
        raise _Unreadable(f"文件已损坏（{kind}）", f"damaged ({kind})") from exc


# -- placeholders in a paragraph ---------------------------------------------------------------


class _Kind(StrEnum):
    FIGURE = "figure"  # a figure: its value replaces it
    TABLE = "table"  # a table marker: its paragraph becomes the table
    ESCAPED = "escaped"  # \{{ … }}: printed without the backslash
    KEPT = "kept"  # a placeholder with a problem: printed as written


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    kind: _Kind
    shown: str = ""  # ESCAPED, KEPT: the text printed
    expression: str | None = None
    tables: tuple[str, ...] = ()
    scope: str | None = None
    written: str = ""


@dataclass
class _Reader:
    """Reads the placeholders of a template's paragraphs against one form."""

    form: Form
    name: str  # the template as messages name it
    resolver: LabelResolver = field(init=False)
    ones: dict[str, Any] = field(init=False)
    malformed: dict[str, list[Diagnostic]] = field(default_factory=dict)  # by expression, read once
    count: int = 0

    def __post_init__(self) -> None:
        self.resolver = LabelResolver(self.form)
        self.ones = namespace(self.form, {i.id: Decimal(1) for i in self.form.indicators})

    def where(self, slot: _Slot) -> str:
        text = re.sub(r"\s+", " ", slot.text).strip()
        quoted = text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else "")
        return f"{self.name}：{slot.where}“{quoted}”"

    def analyse(self, slot: _Slot) -> tuple[list[_Found], list[Diagnostic]]:
        """The placeholders of a paragraph, and its problems (none for a text box's copy)."""
        text = slot.text
        found: list[_Found] = []
        problems: list[tuple[str, dict[str, str]]] = []
        pos = 0
        while (m := _MARK.search(text, pos)) is not None:
            token = m.group()
            if token == "\\":  # \{{ … }} and \}} are printed as written, without the backslash
                after = m.end()
                close = _CLOSE.search(text, after + 2) if _OPEN.match(text, after) else None
                end = close.end() if close is not None else after + 2
                found.append(_Found(m.start(), end, _Kind.ESCAPED, text[after:end]))
                pos = end
            elif token[1] in "%#％":
                problems.append(("R503", {}))
                pos = m.end()
            elif token[0] in "}｝":
                problems.append(_syntax("“}}”前面没有配对的“{{”", "'}}' without its '{{'"))
                pos = m.end()
            else:
                close, reopen = _CLOSE.search(text, m.end()), _OPEN.search(text, m.end())
                if close is None or (reopen is not None and reopen.start() < close.start()):
                    problems.append(_syntax("“{{”后面没有配对的“}}”", "'{{' without its '}}'"))
                    pos = m.end()
                    continue
                found.append(self._placeholder(slot, m.start(), close.end(), text[m.end() : close.start()], problems))
                pos = close.end()
        for prompt in PROMPT.finditer(text):
            problems.append(("R513", {"prompt": prompt.group()}))
        if slot.echo:
            return found, []
        where = self.where(slot)
        return found, [diag(code, None, data_path=where, params=args) for code, args in problems]

    def _placeholder(
        self, slot: _Slot, start: int, end: int, inner: str, problems: list[tuple[str, dict[str, str]]]
    ) -> _Found:
        written = slot.text[start:end]
        self.count += 1
        if self.count > MAX_PLACEHOLDERS:
            if self.count == MAX_PLACEHOLDERS + 1:
                problems.append(_syntax(f"模板中的 {{{{ }}}} 超过 {MAX_PLACEHOLDERS} 个", "too many placeholders"))
            return _Found(start, end, _Kind.KEPT, written)
        read = self.resolver.read(inner)
        kept = _Found(start, end, _Kind.KEPT, written)
        if read.problems:
            for p in read.problems:
                args = dict(p.args)
                if p.code == "R501":  # say which placeholder: a paragraph may hold several
                    args = {
                        "problem": f"{written}：{args['problem']}",
                        "problem_en": f"{written}: {args['problem_en']}",
                    }
                problems.append((p.code, args))
            return kept
        for slip in read.slips:
            args = {"name": slip.written, "read_as": slip.read_as, "how": slip.how, "how_en": slip.how_en}
            problems.append(("R515", args))
        if read.tables:
            alone = not slot.text[:start].strip() and not slot.text[end:].strip()
            if slot.body and alone:
                return _Found(start, end, _Kind.TABLE, tables=read.tables, scope=read.scope, written=read.written)
            zh, en = (
                ("同一段里还有别的文字", "other text shares its paragraph")
                if slot.body
                else ("它在 Word 表格、文本框、页眉或页脚里", "it is in a Word table, a text box, a header or a footer")
            )
            problems.append(("R512", {"name": read.written, "problem": zh, "problem_en": en}))
            return kept
        assert read.expression is not None
        bad = self.malformed.get(read.expression)
        if bad is None:
            _, found = render_para(Para("{{ " + read.expression + " }}", "", None), self.ones)
            bad = [d for d in found if d.args.get("problem_en") != "division by zero"]  # the ones are no data
            self.malformed[read.expression] = bad
        if bad:
            problem = str(bad[0].args.get("problem", ""))
            problem_en = str(bad[0].args.get("problem_en", problem))
            problems.append(_syntax(f"{written}：{problem}", f"{written}: {problem_en}"))
            return kept
        return _Found(start, end, _Kind.FIGURE, expression=read.expression, written=read.written)


def _syntax(zh: str, en: str) -> tuple[str, dict[str, str]]:
    return "R501", {"problem": zh, "problem_en": en}


def _as_read(text: str, found: Sequence[_Found]) -> str:
    """A paragraph in the id grammar of a data file's narrative: figures as ``{{ id }}``, all
    other text (placeholders with problems included) literal, so the check reads the text as
    printed without reporting a placeholder twice."""
    out: list[str] = []
    last = 0
    for f in found:
        out.append(literal(text[last : f.start]))
        if f.kind is _Kind.FIGURE:
            out.append("{{ " + (f.expression or "") + " }}")
        elif f.kind is not _Kind.TABLE:
            out.append(literal(f.shown))
        last = f.end
    out.append(literal(text[last:]))
    return "".join(out)


# -- the narrative of the template's body -----------------------------------------------------------


@dataclass
class _Part:
    heading: Para
    paragraphs: list[Para] = field(default_factory=list)
    tables: list[Para] = field(default_factory=list)
    parts: list[_Part] = field(default_factory=list)

    def section(self) -> Section:
        return Section(self.heading, tuple(self.paragraphs), tuple(p.section() for p in self.parts), tuple(self.tables))


class _Styles:
    """Paragraph styles' names and alignments, read once per style (python-docx looks a
    paragraph's style up among all the document's styles each time)."""

    def __init__(self, doc: Any) -> None:
        from docx.enum.style import WD_STYLE_TYPE

        self.names: dict[str | None, str] = {}
        self.aligned: dict[str | None, Any] = {}
        for style in doc.styles:
            try:
                if style.type != WD_STYLE_TYPE.PARAGRAPH:
                    continue
                keys = [style.style_id, *([None] if style.element.default else [])]
                align, base = None, style
                for _ in range(10):  # w:basedOn, followed a few steps
                    if base is None or (align := base.paragraph_format.alignment) is not None:
                        break
                    base = base.base_style
            except Exception:  # a style python-docx cannot read: left out, its paragraphs plain
                continue
            for key in keys:
                self.names[key], self.aligned[key] = str(style.name or ""), align

    def of(self, p: Any) -> tuple[str, Any]:
        """(style name, alignment) of a w:p: its own alignment, else its style's."""
        style_id = p.style
        ppr = p.pPr
        own = ppr.jc_val if ppr is not None else None
        key = style_id if style_id in self.names else None
        return self.names.get(key, ""), own if own is not None else self.aligned.get(key)


def _level(text: str, style: str) -> int | None:
    by_style = _HEADING_STYLE.search(style.strip())
    if by_style:
        return int(by_style.group(1))
    if len(text) > MAX_HEADING_CHARS or text.endswith(_SENTENCE_END):
        return None
    return next((level for level, pattern in _NUMBERED.items() if pattern.match(text)), None)


def _narrative(items: Sequence[tuple[_Slot, list[_Found], str]], styles: _Styles) -> Narrative:
    """The body's paragraphs as a narrative: title lines (centred, or in a title style, before
    anything else), preamble, sections and subsections (headings by style or numbering), each
    table marker as a table of its section, 附件： as the attachment (tables after it are the
    appendix), and the signature and date when the text ends with a date."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    title: list[Para] = []
    preamble: list[Para] = []
    parts: list[_Part] = []
    current: _Part | None = None
    attachment: Para | None = None
    last: list[tuple[Para, str, Any]] = []  # the last paragraphs of the current part, with text and alignment
    for slot, found, where in items:
        text = slot.text.strip()
        if not text:
            continue
        markers = [f for f in found if f.kind is _Kind.TABLE]
        if markers:
            if current is not None and attachment is None and markers[0].scope is not None:
                current.tables.append(Para(markers[0].scope, where, None))
            continue
        para = Para(_as_read(slot.text, found).strip(), where, None)
        style, align = styles.of(slot.element)
        level = _level(text, style)
        if level is not None:
            part = _Part(para)
            if level == 1 or not parts:
                parts.append(part)
            else:
                parts[-1].parts.append(part)
            current, last = part, []
        elif _ATTACHMENT.match(text):
            attachment = Para(_ATTACHMENT.sub("", para.text), where, None)
        elif not parts and not preamble and (align == WD_ALIGN_PARAGRAPH.CENTER or _TITLE_STYLE.search(style)):
            title.append(para)
        elif current is None:
            preamble.append(para)
        else:
            current.paragraphs.append(para)
            last.append((para, text, align))
    signature = date = None
    target = current.paragraphs if current is not None else preamble
    dated = last and (_DATE.match(re.sub(r"\s+", "", last[-1][1])) or PROMPT.fullmatch(last[-1][1]))
    if dated and target and target[-1] is last[-1][0]:
        date = target.pop()
        last.pop()
        if last and target and target[-1] is last[-1][0]:
            text, align = last[-1][1], last[-1][2]
            if align == WD_ALIGN_PARAGRAPH.RIGHT or (
                len(text) <= MAX_HEADING_CHARS and not text.endswith(_SENTENCE_END)
            ):
                signature = target.pop()
    return Narrative(
        title=tuple(title),
        preamble=tuple(preamble),
        sections=tuple(p.section() for p in parts),
        attachment=attachment,
        signature=signature,
        date=date,
    )


# -- reading ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordTemplate:
    """A template read: its bytes (the file is never read again, never written), the narrative
    of its body, the tables it places, and its problems."""

    name: str
    data: bytes
    narrative: Narrative
    placed: frozenset[str]
    findings: tuple[Diagnostic, ...]


def _unreadable(name: str, zh: str, en: str) -> Diagnostic:
    return diag("R510", None, path=name, problem=zh, problem_en=en)


def read_template(path: Path, form: Form, name: str | None = None) -> tuple[WordTemplate | None, list[Diagnostic]]:
    """Read a Word template against ``form``: None and the reason when the file cannot be read
    (never an exception); else the template with its findings (see the module)."""
    shown = name or str(path)
    try:
        refused = zip_refusal(path, TEMPLATE_LIMITS, "Word 文档（.docx）", "a Word document (.docx)")
        if refused is not None and refused.size is not None:
            return None, [diag("F003", None, path=refused.where, size=str(refused.size), limit=str(refused.limit))]
        if refused is not None:
            return None, [_unreadable(shown, refused.zh, refused.en)]
        data = path.read_bytes()
    except OSError as exc:
        return None, [_unreadable(shown, exc.strerror or type(exc).__name__, exc.strerror or type(exc).__name__)]
    except Exception as exc:  # a damaged zip directory (zipfile, zlib)
        kind = type(exc).__name__
        return None, [_unreadable(shown, f"文件已损坏（{kind}）", f"damaged ({kind})")]
    try:
        doc = _open(data)
        reader = _Reader(form, shown)
        slots = _slots(doc)
        findings: list[Diagnostic] = []
        analysed = []
        for slot in slots:
            found, problems = reader.analyse(slot)
            findings.extend(problems)
            analysed.append((slot, found))
        body = [(s, f) for s, f in analysed if s.body]
        narrative = _narrative([(s, f, reader.where(s)) for s, f in body], _Styles(doc))
    except _Unreadable as exc:
        return None, [_unreadable(shown, exc.zh, exc.en)]
    except Exception as exc:  # python-docx meeting XML it does not expect: the file is not usable
        kind = type(exc).__name__
        return None, [_unreadable(shown, f"无法解析（{kind}）", f"cannot be parsed ({kind})")]
    placed = frozenset(t for _, found in body for f in found if f.kind is _Kind.TABLE for t in f.tables)
    missing = [t for t in form.tables if t.id not in placed]
    if missing:
        findings.append(_not_placed(form, missing))
    return WordTemplate(shown, data, narrative, placed, tuple(findings)), findings


def _not_placed(form: Form, missing: Sequence[Any]) -> Diagnostic:
    resolver = LabelResolver(form)
    names = []
    for table in missing:
        top = form.ancestors(table.id)[0].label if table.id and form.ancestors(table.id) else table.label
        number = re.match(r"^([一二三四五六七八九十]+)、", top or "")
        names.append(f"表{number.group(1)}" if number else (top or "统计表"))
    names = list(dict.fromkeys(names))
    example = next((n for n in names if resolver.tables_named(n) is not None), names[0])
    return diag("R514", None, tables="、".join(names), tables_en=", ".join(names), example=example)


# -- filling -------------------------------------------------------------------------------------------


def _rewrite(slot: _Slot, pieces: Sequence[tuple[int, int, str]]) -> None:
    """Replace the spans ``pieces`` (start, end, new text) of the paragraph's joined text: the
    new text goes into the w:t where its span starts, the other w:t lose only the characters
    the span covers, and a tracked deletion inside a span goes with it (it was part of the
    placeholder, not of the text)."""
    for element, at in slot.deleted:
        if any(start < at < end for start, end, _ in pieces) and element.getparent() is not None:
            element.getparent().remove(element)
    text = slot.text
    offset = 0
    for t in slot.texts:
        a = offset
        b = offset + len(t.text or "")
        offset = b
        touching = [(start, end, new) for start, end, new in pieces if start < b and end > a]
        if not touching:
            continue
        out: list[str] = []
        pos = a
        for start, end, new in touching:
            if start > pos:
                out.append(text[pos:start])
            if start >= a:
                out.append(new)
            pos = max(pos, min(end, b))
        out.append(text[pos:b])
        new_text = "".join(out)
        t.text = new_text
        if new_text != new_text.strip():
            t.set(_XML_SPACE, "preserve")


def _value(expression: str, names: Mapping[str, Any]) -> tuple[str | None, Diagnostic | None]:
    text, problems = render_para(Para("{{ " + expression + " }}", "", None), names)
    return (None, problems[0]) if problems else (text, None)


def _tables_xml(dicts: Sequence[dict[str, Any]]) -> list[Any]:
    """The elements of the tables as the Word back-end builds them (caption, table, notes),
    made in a scratch document: they hold direct formatting only, no relationships, so they
    move into the template's body as they are."""
    from docx import Document

    from baobiao.report.docx import _table as build_table  # the back-end's own table builder

    scratch = Document()
    body = scratch.element.body
    for child in list(body):
        if child.tag != f"{_W}sectPr":
            body.remove(child)
    for t in dicts:
        build_table(scratch, t)
    return [child for child in body if child.tag != f"{_W}sectPr"]


def fill_template(
    template: WordTemplate,
    given: RenderInput,
    *,
    draft: bool = False,
    findings: Sequence[Mapping[str, str]] = (),
) -> tuple[bytes, list[Diagnostic]]:
    """The template with its figures and tables filled in from ``given``, as the bytes of a
    .docx; and the figures that could not be computed (a division by 0), each a diagnostic at
    its paragraph (printed as written). ``draft``: marked 草稿 at the top, ``findings``
    (report.context.describe_findings) listed at the end."""
    form = given.form
    numbers = {
        i.id: (v.number if (v := given.instance.values.get(i.id)) is not None else None) for i in form.indicators
    }
    names = namespace(form, numbers)
    doc = _open(template.data)
    reader = _Reader(form, template.name)
    problems: list[Diagnostic] = []
    markers: list[tuple[_Slot, _Found, str]] = []
    values: dict[str, tuple[str | None, Diagnostic | None]] = {}
    above = ""  # the last heading before a marker: a table under a heading of its own label has no caption
    styles = _Styles(doc)
    for slot in _slots(doc):
        if slot.body and _level(slot.text.strip(), styles.of(slot.element)[0]) is not None:
            above = slot.text.strip()
        found, _ = reader.analyse(slot)
        pieces: list[tuple[int, int, str]] = []
        for f in found:
            if f.kind is _Kind.FIGURE and f.expression is not None:
                if f.expression not in values:  # a template repeats its figures
                    values[f.expression] = _value(f.expression, names)
                value, problem = values[f.expression]
                if problem is not None and not slot.echo:
                    args = dict(problem.args)
                    zh, en = str(args.get("problem", "")), str(args.get("problem_en", args.get("problem", "")))
                    problems.append(
                        diag("R501", None, data_path=reader.where(slot), problem=f"{f.written}：{zh}", problem_en=en)
                    )
                pieces.append((f.start, f.end, value if value is not None else slot.text[f.start : f.end]))
            elif f.kind is _Kind.ESCAPED:
                pieces.append((f.start, f.end, f.shown))
            elif f.kind is _Kind.TABLE:
                markers.append((slot, f, above))
        if pieces:
            _rewrite(slot, pieces)
    placed: set[str] = set()
    for slot, marker, heading in markers:
        for element in _tables_xml(printed_tables(given, marker.tables, heading)):
            slot.element.addprevious(element)
        slot.element.getparent().remove(slot.element)
        placed.update(marker.tables)
    rest = [t.id for t in form.tables if t.id not in placed]
    if rest:
        _append_page_break(doc)
        _append(doc, _tables_xml(printed_tables(given, rest)))
    if draft:
        _mark_draft(doc, findings)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue(), problems


def _append(doc: Any, elements: Sequence[Any]) -> None:
    body = doc.element.body
    end = body.find(f"{_W}sectPr")
    for element in elements:
        if end is not None:
            end.addprevious(element)
        else:
            body.append(element)


def _append_page_break(doc: Any) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _mark_draft(doc: Any, findings: Sequence[Mapping[str, str]]) -> None:
    """草稿（未通过校验） in red at the top, and the findings at the end."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    from baobiao.report.docx import HEADING1_FONT, set_fonts

    def red(paragraph: Any, text: str) -> None:
        run = paragraph.add_run(text)
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0, 0)
        set_fonts(run._r, HEADING1_FONT)

    first = doc.paragraphs[0] if doc.paragraphs else None
    mark = first.insert_paragraph_before() if first is not None else doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    red(mark, "草稿（未通过校验）")
    red(doc.add_paragraph(), "校验结果")
    for f in findings:
        doc.add_paragraph(f"{f['severity']}[{f['code']}] {f['message']}（{f['where']}）")
