"""Figures named by their printed labels: the placeholders of a Word template written by an
office worker (report/authoring.py), read into the id grammar of instance/paragraph.py.

Inside ``{{ }}`` a name may be an id, as in a data file's narrative (``new.total``,
``recon_total``), or **the labels of the printed table**, row then column, joined by a dot:

    {{ 本年新收政府信息公开申请数量.总计 }}     one cell of table 三
    {{ （一）予以公开.自然人 }}                 numbering may be written or left out
    {{ 不予公开.总计 }}                        a row heading: the sum of its rows in that column
    {{ 行政复议.总计 + 行政诉讼.总计 }}          sums, differences, products, quotients
    {{ 表四.行政复议.总计 }}                   a table first (表四, 表4), when a label is in several
    {{ 予以公开.总计 / 本年新收政府信息公开申请数量.总计 | 百分比(1) }}
    {{ 【本年增/减】 }}                        a label holding + - * / ( ) . | or spaces, in 【】

and a paragraph holding only ``{{ 表三 }}`` (a table's number, label or id) is where that
table goes. Labels are matched as data files' keys are (instance/keys.py): full-width and
half-width alike, numbering optional, a label printed shorter (本年新收) when only one fits;
a label read through a typo, traditional script or an earlier form's wording is read with a
warning. A name that fits no cell is an error with the closest labels; one that fits several,
an error listing them.

Full-width operators typed with a Chinese input method (＋ － ＊ ／ ｜ × ÷) are read as + - * /
|; full-width brackets （） belong to labels, ASCII ( ) group. Formats after ``|``: ``round(1)``
or 保留(1), ``percent(1)`` or 百分比(1), ``thousands`` or 千分位.

Nothing is evaluated here: a placeholder becomes an expression of the id grammar (the sum of a
row heading written out), which instance/paragraph.py evaluates with Decimal as for data files.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from baobiao.instance.keys import KeyIndex, Slip
from baobiao.labels import bare
from baobiao.model import Form, RuleKind, Table

#: characters that end a label: whitespace, operators, the separators . and >, and 【】
_STOP = r"\s" + re.escape("+-*/()|.．>＞【】＋－＊／｜×÷")
_TOKEN = re.compile(
    rf"""(?P<space>\s+)
    |【(?P<quoted>[^】]*)】
    |(?P<label>\d+[.．、](?=[^{_STOP}\d])[^{_STOP}]+|(?!\d)[^{_STOP}]+)
    |(?P<number>\d+(?:[.．]\d+)?)
    |(?P<op>[-+*/()＋－＊／×÷])
    |(?P<sep>[.．>＞])
    |(?P<bar>[|｜])
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
_OPS = {"＋": "+", "－": "-", "＊": "*", "×": "*", "／": "/", "÷": "/"}
#: format names an office worker may write after | (the id grammar's own names work too)
FORMAT_NAMES = {"百分比": "percent", "保留": "round", "千分位": "thousands"}
_NUMERALS = "零一二三四五六七八九十"
_TABLE_NUMBER = re.compile(r"^(?:附?表)\s*(\d{1,2})$")
#: what a form's only table may be called when it has no number (the 2014 statistics table)
ONLY_TABLE_NAMES = frozenset({"表", "附表", "统计表"})
#: slips worth a warning: the writer meant another spelling (a shortened label is the usual way)
WARNED_SLIPS = {
    Slip.TYPO: ("有一两个字不同", "one or two characters differ"),
    Slip.TRADITIONAL: ("繁体字", "traditional script"),
    Slip.FORMER: ("以前表式的名称", "an earlier form's label"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a placeholder cannot be read: a diagnostic code (R501 malformed, R502 unknown name,
    R511 a name that is not one figure) and its message parameters."""

    code: str
    args: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class LabelSlip:
    """A label read through a slip: what was written, the cell it was read as, and how."""

    written: str
    read_as: str
    how: str
    how_en: str


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One ``{{ }}`` read: ``expression`` in the id grammar (None when it has a problem or
    names tables), or ``tables``, the ids of the tables it names (a table marker), and
    ``scope``, the item holding them (t2 for table 二's blocks; None for a form's plain rows)."""

    written: str
    expression: str | None = None
    tables: tuple[str, ...] = ()
    scope: str | None = None
    problems: tuple[Problem, ...] = ()
    slips: tuple[LabelSlip, ...] = field(default_factory=tuple)


class _NotOne(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _syntax(zh: str, en: str) -> _NotOne:
    return _NotOne(Problem("R501", MappingProxyType({"problem": zh, "problem_en": en})))


def _numeral(n: int) -> str:
    if n <= 10:
        return _NUMERALS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")


@dataclass(frozen=True, slots=True)
class _Ref:
    """What a name stands for: an expression of the id grammar, or tables."""

    expression: str | None
    tables: tuple[str, ...] = ()
    slip: LabelSlip | None = None
    scope: str | None = None


class LabelResolver:
    """Reads placeholders against one form (its key index made once)."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.keys = KeyIndex(form)
        self.tables: tuple[Table, ...] = form.tables
        self.table_ids = frozenset(t.id for t in form.tables)
        self._sums = [r for r in form.rules if r.kind is RuleKind.SUM and len(r.left.terms) == 1]
        self._read: dict[str, Placeholder] = {}  # a template repeats its placeholders

    # -- tables -----------------------------------------------------------------------------

    def tables_named(self, text: str) -> tuple[str | None, tuple[str, ...]] | None:
        """(the item a name of tables stands for, the ids of its tables), or None when ``text``
        names no table: a table's number (表三, 表3, 三), id, or printed label, or a heading
        holding tables (表二: its blocks); 表, 附表 and 统计表 for a form's only table."""
        from baobiao.instance.check import select_tables

        name = text.strip()
        number = _TABLE_NUMBER.match(unicodedata.normalize("NFKC", name))
        if number:
            name = f"表{_numeral(int(number.group(1)))}"
        if len(self.tables) == 1 and (name in ONLY_TABLE_NAMES or bare(name) == bare(self.tables[0].label)):
            table = self.tables[0]
            return (table.id or None), (table.id,)
        if not name or name.isdigit():
            return None
        chosen, unknown = select_tables(self.form, [name])
        if unknown or not chosen:
            return None
        ordered = tuple(t.id for t in self.tables if t.id in chosen)
        holding = [i.id for i in self.form.items if not i.has_value and chosen <= {i.id} | self.form.below(i.id)]
        # the innermost item holding them all: t3 for 表三, t2 for 表二's blocks
        scope = max(holding, key=lambda i: len(self.form.ancestors(i)), default=None)
        return scope, ordered

    # -- one placeholder ----------------------------------------------------------------------

    def read(self, inner: str) -> Placeholder:
        """A placeholder's inside (the text between ``{{`` and ``}}``) read against the form."""
        known = self._read.get(inner)
        if known is None:
            known = self._read[inner] = self._read_new(inner)
        return known

    def _read_new(self, inner: str) -> Placeholder:
        written = inner.strip()
        try:
            expression, tables, slips = self._translate(inner)
        except _NotOne as exc:
            return Placeholder(written, problems=(exc.problem,))
        if tables is not None:
            return Placeholder(written, None, tables.tables, tables.scope, slips=tuple(slips))
        return Placeholder(written, expression, slips=tuple(slips))

    def _translate(self, inner: str) -> tuple[str | None, _Ref | None, list[LabelSlip]]:
        tokens: list[tuple[str, str, bool]] = []  # (kind, text, space before)
        rest = ""
        space = False
        for m in _TOKEN.finditer(inner):
            kind = m.lastgroup or "other"
            if kind == "space":
                space = True
                continue
            if kind == "bar":
                rest = inner[m.end() :]
                break
            if kind == "other":
                char = m.group()
                if char == "【":
                    raise _syntax("【 没有配对的 】", "【 without its 】")
                raise _syntax(f"这里不应出现“{char}”", f"unexpected '{char}'")
            tokens.append((kind, m.group(kind), space))
            space = False
        if not tokens:
            raise _syntax("{{ }} 里是空的", "an empty {{ }}")
        out: list[str] = []
        slips: list[LabelSlip] = []
        refs: list[_Ref] = []
        i = 0
        while i < len(tokens):
            kind, text, _ = tokens[i]
            if kind in ("label", "quoted"):
                segments, i = self._segments(tokens, i)
                ref = self._reference(segments)
                refs.append(ref)
                if ref.slip is not None:
                    slips.append(ref.slip)
                out.append(ref.expression or "")
                continue
            if kind == "sep":
                raise _syntax(f"“{text}”前后应是名称", f"'{text}' must stand between names")
            out.append(_OPS.get(text, unicodedata.normalize("NFKC", text)))
            i += 1
        if any(r.tables for r in refs):
            if len(out) == 1 and not rest.strip():  # the placeholder is one name, of tables
                return None, refs[0], slips
            raise _NotOne(
                Problem(
                    "R511",
                    MappingProxyType(
                        {
                            "name": inner.strip(),
                            "problem": "是一张表，不是一个数；表格单独成段，写 {{ 表三 }}",
                            "problem_en": "names a table, not a figure; a table stands alone in its paragraph as "
                            "{{ 表三 }}",
                        }
                    ),
                )
            )
        expression = " ".join(out)
        if rest.strip():
            expression += " | " + self._format(rest)
        return expression, None, slips

    @staticmethod
    def _segments(tokens: Sequence[tuple[str, str, bool]], i: int) -> tuple[list[str], int]:
        """The names joined by . or > from token ``i`` (labels side by side, with only spaces
        between them, are one label: whitespace inside a label does not count)."""
        segments = [tokens[i][1]]
        i += 1
        while i < len(tokens):
            kind, text, _ = tokens[i]
            if kind in ("label", "quoted"):
                segments[-1] += text
                i += 1
            elif kind == "sep" and i + 1 < len(tokens) and tokens[i + 1][0] in ("label", "quoted"):
                segments.append(tokens[i + 1][1])
                i += 2
            else:
                break
        return segments, i

    @staticmethod
    def _format(rest: str) -> str:
        text = unicodedata.normalize("NFKC", rest).strip()
        for name, own in FORMAT_NAMES.items():
            if text.startswith(name):
                return own + text[len(name) :]
        return text

    # -- names ------------------------------------------------------------------------------

    def _reference(self, segments: list[str]) -> _Ref:
        """What ``a.b.c`` stands for: an id or a cell id as written, else labels from the top
        (an optional table first, then a row or heading, then a column)."""
        written = ".".join(segments)
        exact = self.form.get(".".join(s.strip() for s in segments))
        if exact is not None and exact.has_value and len(segments) <= 2:
            return _Ref(self._expression(exact.id))
        scope: str | None = None
        table = ""  # the table named first, as written
        named = self.tables_named(segments[0])
        if named is not None:
            if len(segments) == 1:
                return _Ref(None, named[1], scope=named[0])
            scope, table, segments = named[0], segments[0], segments[1:]
        if len(segments) == 1:
            found = self.keys.resolve(segments[0], within=scope)
            return self._one(written, found.ids, found.slip, within=scope, heading=None, head=table)
        head = self.keys.resolve(" > ".join(segments[:-1]), within=scope)
        above = ".".join([table, *segments[:-1]] if table else segments[:-1])
        if len(head.ids) != 1:
            return self._one(above, head.ids, head.slip, within=scope, heading=None, head=table)
        heading = head.ids[0]
        found = self.keys.resolve(segments[-1], within=heading)
        return self._one(written, found.ids, head.slip or found.slip, within=heading, heading=heading, head=above)

    def _expression(self, item_id: str) -> str:
        """A cell in the id grammar: ``row.column`` for a matrix cell, else its id."""
        item = self.form.item(item_id)
        return f"{item.parent}.{item.aliases[0]}" if item.aliases else item.id

    def _one(
        self,
        written: str,
        ids: tuple[str, ...],
        slip: Slip | None,
        within: str | None,
        heading: str | None,
        head: str = "",
    ) -> _Ref:
        """What the name ``written`` stands for, given the items it was resolved to (``ids``,
        below ``within``); ``heading``: the row or heading named before its last part, ``head``:
        that part as written (suggestions are written after it)."""
        form = self.form
        if not ids:
            raise _NotOne(self._unknown(written, within, head))
        if len(ids) == 1:
            item = form.item(ids[0])
            if item.has_value:
                how = WARNED_SLIPS.get(slip) if slip is not None else None
                noted = LabelSlip(written, form.name(item.id), *how) if how else None
                return _Ref(self._expression(item.id), slip=noted)
            named = self.tables_named(item.id)
            if named is not None:
                return _Ref(None, named[1], scope=named[0])
            columns = [form.item(c).label for c in item.children if form.item(c).has_value]
            example = f"{bare(item.label)}.{columns[-1]}" if columns else ""
            raise _NotOne(
                Problem(
                    "R511",
                    MappingProxyType(
                        {
                            "name": written,
                            "problem": f"是一行的名称，还要写出列名，如 {example}"
                            if example
                            else "是一个标题，下面还有栏目，写出要哪一栏",
                            "problem_en": f"names a row: add its column, e.g. {example}"
                            if example
                            else "names a heading: name the cell below it",
                        }
                    ),
                )
            )
        cells = self._heading_sum(ids, heading)
        if cells:
            return _Ref("(" + " + ".join(self._expression(c) for c in cells) + ")")
        shown = [form.name(i) for i in ids[:4]]
        more = f" 等 {len(ids)} 栏" if len(ids) > 4 else ""
        raise _NotOne(
            Problem(
                "R511",
                MappingProxyType(
                    {
                        "name": written,
                        "problem": f"对应表中多个栏目：{'；'.join(shown)}{more}。写出行名和列名，用“.”连接",
                        "problem_en": f"fits several cells: {'; '.join(shown)}"
                        + (f" and {len(ids) - 4} more" if len(ids) > 4 else "")
                        + ". Write the row and the column, joined by '.'",
                    }
                ),
            )
        )

    def _heading_sum(self, ids: tuple[str, ...], heading: str | None) -> list[str]:
        """The cells to add up when a row heading and a column were named (（三）不予公开.总计:
        its eight rows' 总计), without a total of the others (（七）总计 under 办理结果); [] when
        ``ids`` are not such cells."""
        form = self.form
        cells = [i for i in ids if form.item(i).has_value]  # （七）总计, a row, is also called 总计
        if heading is None or heading in self.table_ids or not cells:
            return []
        if len({bare(form.item(i).label) for i in cells}) != 1:
            return []
        chosen = set(cells)
        for rule in self._sums:
            total = rule.left.terms[0].id
            if total in chosen and set(rule.right.ids) <= chosen and rule.right.ids:
                chosen.discard(total)
        return [c for c in cells if c in chosen]

    def _unknown(self, written: str, within: str | None, head: str) -> Problem:
        """R502 with the closest names (below ``within``, written after ``head``)."""
        last = re.split(r"[>＞.．]", written)[-1]
        close = [f"{head}.{_plain(c)}" if head else _plain(c) for c in self.keys.suggestions(last, within)]
        if not close:  # a shortened name with a slip in it (本年薪收): the labels holding most of it
            from rapidfuzz import fuzz, process

            labels = {bare(self.form.item(i).label): i for i in self.form.below(within)} if within else {}
            labels = labels or {bare(i.label): i.id for i in self.form.items}
            found = process.extract(bare(last), list(labels), scorer=fuzz.partial_ratio, limit=3, score_cutoff=75)
            close = [".".join(x for x in (head, _plain(self.form.item(labels[c]).label)) if x) for c, _, _ in found]
        example = self.example()
        suggestion = f"是不是：{'、'.join(close)}" if close else f"名称要与印刷的表格一致，如 {{{{ {example} }}}}。"
        suggestion_en = (
            f"did you mean: {', '.join(close)}" if close else f"use the printed labels, e.g. {{{{ {example} }}}}."
        )
        return Problem(
            "R502", MappingProxyType({"name": written, "suggestion": suggestion, "suggestion_en": suggestion_en})
        )

    def example(self) -> str:
        """A placeholder of this form for messages: the last column of the first row of its
        largest matrix (本年新收政府信息公开申请数量.总计), else its first indicator's label."""
        form = self.form
        matrices = [t for t in form.tables if t.rows and t.columns]
        if matrices:
            table = max(matrices, key=lambda t: len(form.below(t.id)))
            row = next(i for i in form.indicators if i.aliases and i.parent and i.parent in form.below(table.id))
            last = [i for i in form.indicators if i.parent == row.parent][-1]
            return f"{_plain(form.item(row.parent or '').label)}.{_plain(last.label)}"
        return _plain(form.indicators[0].label) if form.indicators else "名称"


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]|其中：)")


def _plain(label: str) -> str:
    """A label as a template names it: without its numbering or trailing colon (both are
    optional in a name), in 【】 when it holds a character that would end a name."""
    text = label.strip()
    shown = (_NUMBERING.sub("", text, count=1) or text).rstrip("：:")
    return f"【{shown}】" if re.search(f"[{_STOP}]", shown) else shown
