"""A read document -> a baobiao data file (issue 15): the form chosen, the report's meta from
its title, the values of the form's tables (found by :mod:`baobiao.audit.tables`) and its text.

The data file is YAML as docs/data-files.md describes it, written so that a reviewer can
correct a misread value and run ``baobiao check`` on it again: every value is the text printed
(the loader judges units, blanks and junk), on a line of its own with a comment saying where it
was read (``# 表3 第5行第2列``); keys are the document's own labels where the loader reads them
as the same cell (so that its label slips are reported), the form's otherwise. The report's
text is written literally (:func:`baobiao.instance.paragraph.literal`): a published ``{{`` is
never a figure.

The form: the one the report's year calls for (2021 on: 2021; 2019-2020: 2019; earlier: 2017),
unless the tables' labels clearly fit another one (A104 says so); without a year, the one that
fits the labels best.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from baobiao.audit.document import Document, Paragraph, Table, Where
from baobiao.audit.tables import Found, Placed, find_tables
from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.keys import KeyIndex, simplified
from baobiao.instance.load import summable
from baobiao.instance.paragraph import literal
from baobiao.labels import normalize
from baobiao.model import Form, all_entries
from baobiao.model import Table as FormTable
from baobiao.resources import builtin_specs
from baobiao.source import UNSAFE, escape_unsafe

#: Values a form must misplace more than another (and twice as many) for the labels to
#: overrule the year.
CLEARLY = 3
#: Leading paragraphs searched for the title.
TITLE_WINDOW = 8
_CN_DIGITS = str.maketrans("〇○零ＯO一二三四五六七八九", "00000123456789")
_YEAR = re.compile(r"([0-9０-９]{4}|[〇○零ＯO一二三四五六七八九]{4})\s*年")
_DATE = re.compile(
    r"^[0-9０-９〇○零一二三四五六七八九]{4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,3}\s*月"
    r"\s*[0-9０-９一二三四五六七八九十]{1,3}\s*日$"
)
_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_SUBSECTION = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_AGENCY_END = "局委办府院室会厅部署处所心道镇乡社站队馆司行"
_TRIM = " \u3000\t\"'“”‘’《》「」:：,，、.。"


@dataclass(frozen=True, slots=True)
class Title:
    """The report's title lines and what they state."""

    lines: tuple[str, ...]
    agency: str | None
    year: int | None
    end: int  # where the text after the title begins, among the text blocks (0: no title found)


@dataclass(frozen=True)
class Extraction:
    """A document read as a data file of ``form``: ``reason`` says why that form (and
    ``reason_en``); ``meta`` the agency, year, form and (when the text states it) level;
    ``yaml_text`` the data file; ``problems`` what could not be read (A1xx); ``values`` each
    value written, with where it was read."""

    form: Form
    reason: str
    reason_en: str
    meta: Mapping[str, str]
    yaml_text: str
    problems: tuple[Diagnostic, ...]
    values: tuple[Placed, ...] = field(default=())

    def where(self, cell: str) -> Where | None:
        """Where the value of the form cell ``cell`` (an id) was read, if it was."""
        return next((p.where for p in self.values if p.cell == cell), None)


# -- title, year, agency ----------------------------------------------------------------------


def _year_of(text: str) -> int | None:
    for m in _YEAR.finditer(text):
        digits = unicodedata.normalize("NFKC", m.group(1).translate(_CN_DIGITS))
        if digits.isdigit() and 1990 <= int(digits) <= 2100:
            return int(digits)
    return None


def _agency_of(title: str) -> str | None:
    """The agency a title names: before its year (…局2021年…), or after it (二〇一八年度XX局…),
    or before 政府信息公开."""
    m = _YEAR.search(title)
    before = title[: m.start()] if m else title.split("政府信息公开")[0]
    agency = before.removeprefix("关于").strip(_TRIM)
    if not agency and m:
        after = title[m.end() :].removeprefix("度")
        agency = after.split("政府信息公开")[0].strip(_TRIM) if "政府信息公开" in after else ""
    if not 2 <= len(agency) <= 40 or "报告" in agency:
        return None
    return agency


def text_blocks(document: Document) -> tuple[tuple[int, Paragraph | Table], ...]:
    """The document's blocks as text is read from them, each with its index: a table of one
    column (a box the page is laid out in, a Word document inside a table) is its lines."""
    out: list[tuple[int, Paragraph | Table]] = []
    for i, block in enumerate(document.blocks):
        if isinstance(block, Table) and block.width == 1:
            lines = (line.strip() for cell in block.cells for line in cell.text.splitlines())
            out.extend((i, Paragraph(line, block.where)) for line in lines if line)
        else:
            out.append((i, block))
    return tuple(out)


def _simplified(text: str) -> str:
    """A text in simplified script (a report in traditional script: 報告, 公開)."""
    text = UNSAFE.sub("\ufffd", text)
    return next(iter(simplified(text)), text)


def read_title(document: Document) -> Title:
    """The title: the first of the leading paragraphs naming a 报告 (with the agency's line
    above it, when the title is printed on two lines); its year, or else the first paragraphs'.
    The agency is given in simplified script."""
    leading: list[tuple[int, str, str]] = []  # (position among the text blocks, text, in simplified script)
    for k, (_, block) in enumerate(text_blocks(document)):
        if not isinstance(block, Paragraph) or len(leading) >= TITLE_WINDOW:
            break
        if text := block.text.strip():
            leading.append((k, text, _simplified(text)))
    named = [n for n, (_, _, text) in enumerate(leading) if "报告" in text and len(text) <= 80]
    at = next((n for n in named if "信息公开" in leading[n][2]), named[0] if named else None)
    if at is None:
        year = next((y for _, _, text in leading[:3] if (y := _year_of(text)) is not None), None)
        return Title((), None, year, 0)
    first = at - 1 if at > 0 and _agency_line(leading[at - 1][2]) else at
    joined = "".join("".join(text.split()) for _, _, text in leading[first : at + 1])
    year = _year_of(joined)
    if year is None:
        year = next((y for _, _, text in leading[at + 1 : at + 4] if (y := _year_of(text)) is not None), None)
    lines = tuple(printed for _, printed, _ in leading[first : at + 1])
    return Title(lines, _agency_of(joined), year, leading[at][0] + 1)


def _agency_line(text: str) -> bool:
    """A title's first line naming the agency alone (某某县市场监督管理局)."""
    return len(text) <= 30 and text[-1:] in _AGENCY_END and not re.search(r"[:：>|]", text)


def _level(form: Form, document: Document) -> str | None:
    """The agency's level, when the text states it plainly (机关层级：县级政府部门)."""
    levels = form.declared("level")
    paragraphs = [block for _, block in text_blocks(document) if isinstance(block, Paragraph)]
    for p in paragraphs[: TITLE_WINDOW * 2]:
        for level in levels:
            if re.search(rf"层级\s*[:：为是]?\s*{re.escape(level)}", p.text):
                return level
    return None


_NO_PLACE = r"(?:(?!市(?!场))[^县区旗省])"  # a character of a department's name, not of a place (市场 is one)
#: agency names whose level they say without doubt (the end of the name, after the place):
#: a 市人民政府 is not among them, since a city may be 设区的市 or a county-level city
_LEVEL_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"街道办事处$"), "街道办事处"),
    (re.compile(r"(乡|镇)人民政府$"), "乡镇人民政府"),
    (re.compile(r"(省|自治区|^北京市|^天津市|^上海市|^重庆市)人民政府$"), "省级人民政府"),
    (re.compile(r"自治州人民政府$"), "自治州人民政府"),
    (re.compile(r"(县|区|旗|自治县)人民政府$"), "县级人民政府"),
    (re.compile(rf"(省|自治区){_NO_PLACE}{{1,15}}(厅|局|委员会|委|办公室|中心)$"), "省级政府部门"),
    (re.compile(rf"(县|区|旗){_NO_PLACE}{{1,15}}(局|委员会|委|办公室|中心|所|处|队)$"), "县级政府部门"),
)


def agency_key(name: str) -> str:
    """An agency's name compared: spaces and brackets aside (for its level, and for pairing its
    reports of consecutive years)."""
    return re.sub(r"[\s（）()]", "", name)


def _level_of_agency(form: Form, agency: str) -> str | None:
    """The level an agency's name says without doubt (某某县市场监督管理局: 县级政府部门), when
    the form declares it among its levels; None when the name leaves it open."""
    levels = form.declared("level")
    name = agency_key(agency)
    for pattern, level in _LEVEL_BY_NAME:
        if pattern.search(name):
            return level if level in levels else None
    return None


# -- the form ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def builtin_forms() -> tuple[Form, ...]:
    """The built-in forms, oldest first (by the first year they apply to)."""
    from baobiao.pipeline import load_spec

    forms = [f for name in builtin_specs() if (f := load_spec(name).form) is not None]
    return tuple(sorted(forms, key=lambda f: f.years[0] if f.years else 0))


def form_for_year(forms: tuple[Form, ...], year: int) -> Form:
    """The form a report of ``year`` uses: the latest that applies; before them all, the
    oldest; after them all, the newest."""
    applies = [f for f in forms if f.applies_to(year)]
    if applies:
        return applies[-1]
    return forms[0] if forms[0].years and year < forms[0].years[0] else forms[-1]


@dataclass(frozen=True, slots=True)
class _Choice:
    found: Found
    reason: str
    reason_en: str
    problems: tuple[Diagnostic, ...] = ()


def _choose(document: Document, year: int | None, forms: tuple[Form, ...]) -> _Choice:
    if year is None:
        tried = [find_tables(document, f) for f in forms]
        best = min(reversed(tried), key=lambda f: (f.misfit, -f.fitted))
        return _Choice(
            best,
            f"没有找到报告年度，按表格的栏目选用 {best.form.id}（对上 {best.fitted} 个数值，{best.misfit} 个对不上）",
            f"no year found; {best.form.id} fits the tables' labels best ({best.fitted} values placed, "
            f"{best.misfit} not)",
        )
    expected = find_tables(document, form_for_year(forms, year))
    name = expected.form.id
    if expected.misfit < CLEARLY:
        return _Choice(
            expected,
            f"报告年度 {year} 年适用 {name}，表格的栏目与它相符",
            f"the report is for {year}, whose form is {name}; the tables' labels fit it",
        )
    others = [find_tables(document, f) for f in forms if f is not expected.form]
    best = min(others, key=lambda f: (f.misfit, -f.fitted), default=expected)
    if best.misfit * 2 < expected.misfit and expected.misfit - best.misfit >= CLEARLY:
        why = f"按 {name} 有 {expected.misfit} 个数值对不上，按 {best.form.id} 有 {best.misfit} 个"
        why_en = f"{expected.misfit} values do not fit {name}, {best.misfit} do not fit {best.form.id}"
        problem = diag("A104", year=str(year), expected=name, form=best.form.id, why=why, why_en=why_en)
        return _Choice(
            best,
            f"报告年度 {year} 年适用 {name}，但表格的栏目明显是 {best.form.id} 的格式（{why}）",
            f"the report is for {year}, whose form is {name}, "
            f"but its tables are in the {best.form.id} layout ({why_en})",
            (problem,),
        )
    return _Choice(
        expected,
        f"报告年度 {year} 年适用 {name}（有 {expected.misfit} 个数值对不上它的栏目，其他表式也不更合适）",
        f"the report is for {year}, whose form is {name} "
        f"({expected.misfit} values do not fit it, nor better another form)",
    )


# -- the data file ----------------------------------------------------------------------------


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar reading back as ``text``, on one line, whatever it holds."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch])
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or ch in "\u2028\u2029\ufeff\ufffe\uffff":
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out) + '"'


def _tidy(label: str) -> str:
    """A label as a key: a line break inside it (a cell too narrow for it) dropped, other
    runs of spaces made one (labels match whatever their spaces)."""
    return re.sub(r"\s+", " ", re.sub(r"\s*\n\s*", "", label)).strip()


def _comment(text: str) -> str:
    """Text for a YAML comment: on one line, with what cannot be printed escaped."""
    return escape_unsafe(" ".join(text.split()))


class _Writer:
    """The values of a Found as YAML lines, keyed as the loader reads them back."""

    def __init__(self, found: Found) -> None:
        self.form = found.form
        self.keys = KeyIndex(found.form)
        self.found = found
        self.again: dict[tuple[str, str | None, str | None], list[Placed]] = {}
        for p in found.again:
            self.again.setdefault(p.key, []).append(p)
        self.lines: list[str] = ["values:"]

    def key(self, target: str, within: str | None, candidates: Iterable[str], exact: bool = False) -> str:
        """The first candidate that the loader reads as ``target`` there (else the id); a text
        with characters the loader would clean is never one."""
        tidy = (_tidy(c) for c in candidates)
        for text in dict.fromkeys(c for c in tidy if c and not UNSAFE.search(c)):
            if self.keys.resolve(text, within, exact=exact).ids == (target,):
                return text
        return target

    def write(self) -> list[str]:
        opened: list[str] = []
        by_table: dict[str, list[Placed]] = {}
        for p in self.found.placed:
            by_table.setdefault(p.table, []).append(p)
        for table in self.form.tables:
            if table.id not in by_table:
                continue
            chain = [*(a.id for a in self.form.ancestors(table.id)), table.id] if self.form.get(table.id) else []
            same = 0
            while same < min(len(opened), len(chain)) and opened[same] == chain[same]:
                same += 1
            for depth in range(same, len(chain)):
                item = self.form.item(chain[depth])
                key = self.key(item.id, chain[depth - 1] if depth else None, [item.label])
                self.lines.append(f"{'  ' * (depth + 1)}{yaml_quoted(key)}:")
            opened = chain
            self._table(table, by_table[table.id], len(chain) + 1, chain[-1] if chain else None)
        return self.lines if len(self.lines) > 1 else ["values: {}"]

    def _value(self, indent: int, key: str, p: Placed) -> None:
        pad = "  " * indent
        self.lines.append(f"{pad}{yaml_quoted(key)}: {yaml_quoted(p.text)}  # {p.where.describe()}")
        for other in self.again.get(p.key, []):
            self.lines.append(f"{pad}# 另见 {other.where.describe()}：{_comment(other.text) or '（空白）'}")

    def _table(self, table: FormTable, placed: list[Placed], indent: int, scope: str | None) -> None:
        order = {n.id: i for i, n in enumerate(all_entries(table.rows or ()))}
        # a one-row table's columns in the form's order; a row's cells as printed (a subtotal after its parts)
        columns = {n.id: i for i, n in enumerate(all_entries(table.columns))} if table.rows is None else {}
        placed = sorted(
            placed,
            key=lambda p: (
                order.get(p.row or "", -1),
                columns.get(p.column or "", -1),
                p.where.table or 0,
                p.where.column or 0,
            ),
        )
        if table.rows is None:  # a one-row table: a path of column headings per value
            for p in placed:
                assert p.cell is not None
                self._value(indent, self._path_key(p.cell, p.heading, scope), p)
            return
        if not table.columns:  # plain rows: a label (path) per value
            for p in placed:
                assert p.row is not None
                self._value(indent, self._path_key(p.row, p.labels, scope), p)
            return
        for row, cells in itertools.groupby(placed, key=lambda p: p.row):
            first, *rest = cells
            assert row is not None
            key = self._path_key(row, first.labels, scope)
            self.lines.append(f"{'  ' * indent}{yaml_quoted(key)}:  # {_row_where(first.where)}")
            for p in (first, *rest):
                self._value(indent + 1, self._column_key(table, p), p)
            for p in (a for a in self.found.aside if (a.table, a.row) == (table.id, row)):
                pad, key, text = "  " * (indent + 1), self._column_key(table, p), yaml_quoted(p.text)
                self.lines.append(f"{pad}# {key}: {text}  # {p.where.describe()}：小计的小计，表式没有这一栏，未读取")

    def _path_key(self, target: str, printed: tuple[str, ...], scope: str | None) -> str:
        """A row's (or a one-row table's column's) key: the labels as printed, or their ending;
        the form's headings above the printed label; the form's path; the id."""
        above = [
            a
            for a in self.form.ancestors(target)
            if scope is None or scope in {b.id for b in self.form.ancestors(a.id)}
        ]
        item = self.form.item(target)
        label = item.label
        if printed and normalize(printed[-1]) in {normalize(label + note) for note in item.notes}:
            printed = (*printed[:-1], label)  # the note the form prints under the label
        leaves = [printed[-1], label] if printed else [label]
        formed = [
            " > ".join([a.label for a in above[len(above) - k :]] + [leaf])
            for leaf in leaves
            for k in range(len(above) + 1)
        ]
        return self.key(target, scope, [*(" > ".join(printed[i:]) for i in range(len(printed))), *formed])

    def _column_key(self, table: FormTable, p: Placed) -> str:
        assert p.row is not None and p.column is not None
        node = next(n for n in all_entries(table.columns) if n.id == p.column)
        if node.is_group:  # a subtotal column: the loader reads a group's name with 小计
            return f"{node.label}小计"
        printed = [p.heading[-1]] if p.heading else []
        if p.cell is None:  # a subtotal row: its keys are read exactly, as columns of its first row
            first = summable(self.form, p.row)[0]
            return self.key(f"{first}.{p.column}", first, [*printed, node.label, p.column], exact=True)
        return self.key(p.cell, p.row, [*printed, node.label, p.column])


def _row_where(where: Where) -> str:
    return Where(where.page, where.table, where.row).describe()


def _meta_lines(meta: Mapping[str, str]) -> list[str]:
    lines = ["meta:"]
    for name in ("agency", "year", "form", "level"):
        if name in meta:
            lines.append(f"  {name}: {meta[name] if name == 'year' else yaml_quoted(meta[name])}")
    return lines


# -- the report's text ------------------------------------------------------------------------


@dataclass
class _Section:  # built while reading, then written
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    subsections: list[_Section] = field(default_factory=list)


def _is_heading(p: Paragraph, pattern: re.Pattern[str]) -> bool:
    text = p.text.strip()
    return bool(pattern.match(text)) and (p.heading or (len(text) <= 40 and "。" not in text[:-1]))


class _Text:
    """The report's text by sections, read in order after the title. A table's own title and
    notes printed as paragraphs (the caption 三、收到和处理…, 第二十条第（一）项, （注：…）) are the
    table's, not text: the data file shows the table there instead (``tables:``)."""

    def __init__(self, found: Found) -> None:
        form = found.form
        shown = {t for _, t in found.shown}
        self.own = {normalize(t.label) for t in form.tables if t.id in shown}
        self.own |= {normalize(n) for n in (*form.notes, *(n for t in form.tables for n in t.notes))}
        self.tables: dict[int, list[str]] = {}
        for index, table_id in found.shown:
            if table_id:
                self.tables.setdefault(index, []).append(table_id)
        self.preamble: list[str] = []
        self.sections: list[_Section] = []

    def target(self) -> _Section | None:
        if not self.sections:
            return None
        return self.sections[-1].subsections[-1] if self.sections[-1].subsections else self.sections[-1]

    def read(self, index: int, block: Paragraph | Table) -> None:
        target = self.target()
        if not isinstance(block, Paragraph):
            if target is not None:
                target.tables.extend(t for t in self.tables.get(index, []) if t not in target.tables)
            return
        text = block.text.strip()
        if not text or (self.sections and normalize(text) == normalize(self.sections[-1].heading)):
            return  # a section's heading printed again as its table's caption
        if _is_heading(block, _SECTION):
            self.sections.append(_Section(text))
        elif normalize(text) in self.own:
            return
        elif self.sections and _is_heading(block, _SUBSECTION):
            self.sections[-1].subsections.append(_Section(text))
        elif target is not None:
            target.paragraphs.append(text)
        else:
            self.preamble.append(text)

    def closing(self) -> dict[str, str]:
        """The date, the signature above it and 附件：… above that, near the end of the last
        section (taken out of it); what follows the date is the attachment's title."""
        last = self.target()
        paragraphs = last.paragraphs if last is not None else []
        at = next((i for i in range(len(paragraphs) - 1, -1, -1) if _DATE.match(paragraphs[i])), None)
        if at is None or at < len(paragraphs) - 6:
            return {}
        after = paragraphs[at + 1 :]
        tail = {"date": paragraphs[at]}
        del paragraphs[at:]
        if paragraphs and len(paragraphs[-1]) <= 30 and not re.search(r"[。；;:：]", paragraphs[-1]):
            tail["signature"] = paragraphs.pop()
        if paragraphs and re.match(r"^附件[:：]", paragraphs[-1]):
            tail["attachment"] = re.sub(r"^附件[:：]\s*", "", paragraphs.pop())
        paragraphs.extend(p for p in after if p != tail.get("attachment"))
        return tail

    def lines(self, title: Title) -> list[str]:
        tail = self.closing()
        lines = ["report:", *_texts("title", list(title.lines), 1), *_texts("preamble", self.preamble, 1)]
        if self.sections:
            lines.append("  sections:")
            for s in self.sections:
                lines += _section(s, 2)
        for name in ("attachment", "signature", "date"):
            if name in tail:
                lines.append(f"  {name}: {yaml_quoted(literal(tail[name]))}")
        return lines if len(lines) > 1 else []


def _narrative(document: Document, title: Title, found: Found) -> list[str]:
    text = _Text(found)
    for index, block in text_blocks(document)[title.end :]:
        text.read(index, block)
    return text.lines(title)


def _texts(name: str, texts: list[str], indent: int) -> list[str]:
    if not texts:
        return []
    pad = "  " * indent
    return [f"{pad}{name}:", *(f"{pad}  - {yaml_quoted(literal(t))}" for t in texts)]


def _section(s: _Section, indent: int) -> Iterator[str]:
    pad = "  " * indent
    yield f"{pad}- heading: {yaml_quoted(literal(s.heading))}"
    yield from _texts("paragraphs", s.paragraphs, indent + 1)
    if s.tables:
        yield f"{pad}  tables:"
        yield from (f"{pad}    - {yaml_quoted(t)}" for t in s.tables)
    if s.subsections:
        yield f"{pad}  subsections:"
        for sub in s.subsections:
            yield from _section(sub, indent + 2)


# -- the whole --------------------------------------------------------------------------------


def _meta(document: Document, title: Title, form: Form) -> tuple[dict[str, str], list[Diagnostic]]:
    meta: dict[str, str] = {}
    problems: list[Diagnostic] = []
    if title.agency:
        meta["agency"] = title.agency
    else:
        problems.append(diag("A105", field="机关名称", field_en="agency", data_path="$.meta.agency"))
    if title.year is not None:
        meta["year"] = str(title.year)
    else:
        problems.append(diag("A105", field="年度", field_en="year", data_path="$.meta.year"))
    meta["form"] = form.id
    level = _level(form, document)
    if level is None and title.agency:
        level = _level_of_agency(form, title.agency)
        if level is not None:
            problems.append(diag("A106", agency=title.agency, level=level, data_path="$.meta.level"))
    if level is not None:
        meta["level"] = level
    return meta, problems


def extract(document: Document, form: Form | None = None) -> Extraction:
    """``document`` as a data file: of ``form``, or of the built-in form its year and its
    tables' labels call for."""
    title = read_title(document)
    if form is not None:
        choice = _Choice(find_tables(document, form), f"按指定的表式 {form.id}", f"{form.id}, as asked")
    else:
        choice = _choose(document, title.year, builtin_forms())
    found = choice.found
    meta, problems = _meta(document, title, found.form)
    header = [
        f"# baobiao audit 从 {_comment(document.path)} 读出的数据",
        f"# 表式：{_comment(choice.reason)}",
        "# 每个数值后的注释是它在原文中的位置；改正读错的数值后，可用 baobiao check 重新核对。",
    ]
    lines = [*header, *_meta_lines(meta), *_Writer(found).write(), *_narrative(document, title, found)]
    return Extraction(
        form=found.form,
        reason=choice.reason,
        reason_en=choice.reason_en,
        meta=MappingProxyType(meta),
        yaml_text="\n".join(lines) + "\n",
        problems=(*problems, *choice.problems, *found.problems),
        values=found.placed,
    )
