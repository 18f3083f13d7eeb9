"""The report's text against its tables: each claim the text makes (instance.claims) decided
with the same bounds as the rules (instance.bounds), so a blank cell never silences a claim.

A claim on blank cells is decided by what the known cells and the hard rules allow (a blank
总计 is at least its given parts); when they do not decide it, a note says which claim could not
be checked and which blanks would decide it. A paragraph's ``{{ id }}`` figures are filled in
first (instance.paragraph), so the text checked is the text printed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from baobiao.diagnostics.core import Cell, Diagnostic, diag
from baobiao.instance.bounds import Key, extent
from baobiao.instance.claims import Claim, Kind, read_claims
from baobiao.instance.keys import KeyIndex
from baobiao.instance.load import GroupValue, Instance
from baobiao.instance.narrative import Narrative, Para, Section
from baobiao.instance.paragraph import namespace, render_para
from baobiao.instance.typos import KINDS, typo
from baobiao.instance.values import format_number
from baobiao.model import Form, LinExpr, Rule, RuleKind
from baobiao.source import Span

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Tables:
    """What the check knows of the tables: the values, last year's, the hard rules over blanks
    that may hold, sums given for headings, and cells outside the tables checked."""

    form: Form
    instance: Instance
    previous: Instance | None
    holding: Sequence[Rule]
    groups: Sequence[GroupValue]
    unchecked: frozenset[str]

    def number(self, item_id: str, previous: bool = False) -> Decimal | None:
        data = self.previous if previous else self.instance
        given = data.values.get(item_id) if data is not None else None
        return given.number if given is not None else None

    def known(self) -> dict[Key, Decimal]:
        return {(i, False): v.number for i, v in self.instance.values.items() if v.number is not None}

    def range(self, expr: LinExpr) -> tuple[Decimal | None, Decimal | None]:
        """What ``expr`` may be this year: exact when its cells are given."""
        return extent(self.form, expr, self.holding, self.known(), self.groups)

    def last_year(self, expr: LinExpr) -> Decimal | None:
        total = expr.constant
        for t in expr.terms:
            v = self.number(t.id, previous=True)
            if v is None:
                return None
            total += t.coef * v
        return total


def paragraphs(narrative: Narrative) -> Iterator[Para]:
    """Every piece of text of a narrative, in order."""
    yield from narrative.title
    yield from narrative.preamble

    def walk(section: Section) -> Iterator[Para]:
        yield section.heading
        yield from section.paragraphs
        for sub in section.subsections:
            yield from walk(sub)

    for s in narrative.sections:
        yield from walk(s)
    for p in (narrative.attachment, narrative.signature, narrative.date):
        if p is not None:
            yield p


def table_refs(form: Form, narrative: Narrative) -> Iterator[Diagnostic]:
    """A section's ``tables:`` that name no table of the form."""
    keys = KeyIndex(form)

    def walk(section: Section) -> Iterator[Diagnostic]:
        for ref in section.tables:
            ids = keys.resolve(ref.text).ids
            owners = [t for t in form.tables if t.id and ({t.id} | {a.id for a in form.ancestors(t.id)}) & set(ids)]
            if len(ids) != 1 or not owners:
                names = [t.id for t in form.tables if t.id]
                yield diag(
                    "R502",
                    ref.span,
                    data_path=ref.path,
                    name=ref.text,
                    suggestion=f"可用的表：{'、'.join(names)}",
                    suggestion_en=f"tables: {', '.join(names)}",
                )
        for sub in section.subsections:
            yield from walk(sub)

    for s in narrative.sections:
        yield from walk(s)


def check_text(tables: Tables) -> tuple[list[Diagnostic], list[str]]:
    """Findings about the text (its ``{{ }}`` figures and its claims), and the claims left
    unchecked for want of last year's data."""
    form, instance = tables.form, tables.instance
    findings: list[Diagnostic] = list(table_refs(form, instance.narrative))
    names = namespace(form, {i.id: tables.number(i.id) for i in form.indicators})
    not_checked: list[str] = []
    for para in paragraphs(instance.narrative):
        text, problems = render_para(para, names)
        findings.extend(problems)
        for claim in read_claims(text, form.terms):
            if set(_cells(claim)) & tables.unchecked:
                continue
            if claim.kind is Kind.CHANGE and tables.previous is None:
                not_checked.append(f"{claim.words}{claim.stated}")
                continue
            finding = _DECIDE[claim.kind](tables, claim)
            if finding is not None:
                findings.append(_placed(finding, para, text, claim))
    return findings, not_checked


def _cells(claim: Claim) -> list[str]:
    exprs = [claim.expr, *(p.expr for p in claim.parts), *claim.bases]
    return [t.id for e in exprs for t in e.terms]


# -- one finding per kind of claim -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Finding:
    code: str
    args: Mapping[str, object]
    cells: tuple[Cell, ...]


def _range_text(low: Decimal | None, high: Decimal | None, lang: str) -> str:
    if low is not None and low == high:
        return format_number(low)
    if high is None and low is not None:
        return f"至少 {format_number(low)}" if lang == "zh" else f"at least {format_number(low)}"
    if (low is None or low == 0) and high is not None:  # a count: 0 is no bound worth saying
        return f"至多 {format_number(high)}" if lang == "zh" else f"at most {format_number(high)}"
    if low is not None and high is not None:
        return f"{format_number(low)}～{format_number(high)}"
    return "?"


def _cell_list(tables: Tables, expr: LinExpr, previous: bool = False) -> tuple[Cell, ...]:
    form = tables.form
    out = []
    for t in expr.terms:
        v = tables.number(t.id, previous)
        out.append(Cell(t.id, form.name(t.id), form.path(t.id), format_number(v) if v is not None else None))
    return tuple(out)


def _cells_text(tables: Tables, expr: LinExpr) -> str:
    names = [tables.form.name(t.id) for t in expr.terms]
    return " + ".join(names) if len(names) <= 3 else f"{names[0]} 等 {len(names)} 栏之和"


def _table_text(tables: Tables, expr: LinExpr, low: Decimal | None, high: Decimal | None, lang: str) -> str:
    """What the table gives: a value, or the range its known cells and rules allow."""
    shown = _range_text(low, high, lang)
    if all(tables.number(t.id) is not None for t in expr.terms):
        return shown
    return (
        f"{shown}（有空白栏，按已知各栏和规则推出）"
        if lang == "zh"
        else f"{shown} (blank cells; from the known cells and rules)"
    )


def _blank_text(tables: Tables, expr: LinExpr) -> str:
    return "、".join(tables.form.name(t.id) for t in expr.terms if tables.number(t.id) is None)


def _undecided(
    tables: Tables, claim: Claim, expr: LinExpr, low: Decimal | None = None, high: Decimal | None = None
) -> _Finding:
    return _Finding(
        "C419",
        {
            "claim": f"{claim.words}{claim.stated}",
            "blank": _blank_text(tables, expr) or _cells_text(tables, expr),
            "table": _range_text(low, high, "zh"),
        },
        _cell_list(tables, expr),
    )


def _contradicts(
    low: Decimal | None, high: Decimal | None, table_low: Decimal | None, table_high: Decimal | None
) -> bool | None:
    """True: no table value is within what the text admits; False: every one is; None: some."""
    below = high is not None and table_low is not None and table_low > high
    above = low is not None and table_high is not None and table_high < low
    if below or above:
        return True
    inside = (low is None or (table_low is not None and table_low >= low)) and (
        high is None or (table_high is not None and table_high <= high)
    )
    return False if inside else None


def _value(tables: Tables, claim: Claim) -> _Finding | None:
    low, high = tables.range(claim.expr)
    verdict = _contradicts(claim.low, claim.high, low, high)
    if verdict is None:
        return _undecided(tables, claim, claim.expr, low, high)
    if not verdict:
        return None
    slip = ""
    slip_en = ""
    if low is not None and low == high and claim.low == claim.high and claim.low is not None:
        kind = typo(claim.low, low)
        if kind:
            slip = f"可能是笔误（{KINDS[kind][0]}）：{format_number(claim.low)} → {format_number(low)}。"
            slip_en = f"maybe a typo ({KINDS[kind][1]}): {format_number(claim.low)} -> {format_number(low)}. "
    return _Finding(
        "C411",
        {
            "words": claim.words,
            "stated": claim.stated,
            "cells_text": _cells_text(tables, claim.expr),
            "table": _range_text(low, high, "zh"),
            "table_text": _table_text(tables, claim.expr, low, high, "zh"),
            "table_text_en": _table_text(tables, claim.expr, low, high, "en"),
            "slip": slip,
            "slip_en": slip_en,
        },
        _cell_list(tables, claim.expr),
    )


def _whole(form: Form, expr: LinExpr) -> LinExpr | None:
    """The smallest total of the form that ``expr``'s cells are parts of."""
    cells = {t.id for t in expr.terms}
    best: Rule | None = None
    for rule in form.rules:
        if rule.kind is not RuleKind.SUM or rule.condition is not None:
            continue
        parts = set(rule.right.ids)
        if cells <= parts and cells != parts and (best is None or len(parts) < len(best.right.ids)):
            best = rule
    return best.left if best is not None else None


def _share(tables: Tables, claim: Claim) -> _Finding | None:
    """A percentage: the part over the whole named, else over the form's total of the part or
    a total stated before it in the sentence ("收到申请95件，其中予以公开40件，占42.1%"): it is
    wrong only when no whole it may mean gives it."""
    whole = _whole(tables.form, claim.expr)
    bases = list(claim.bases) if claim.named else [*([whole] if whole else []), *claim.bases]
    if not bases:
        return None
    part_low, part_high = tables.range(claim.expr)
    shown: tuple[Decimal, Decimal, LinExpr] | None = None
    for base in bases:
        base_low, base_high = tables.range(base)
        if part_low is None or part_low != part_high or base_low is None or base_low != base_high:
            return _undecided(tables, claim, LinExpr((*claim.expr.terms, *base.terms), Decimal(0)))
        if base_low == 0:
            return None
        ratio = part_low / base_low * HUNDRED
        if _contradicts(claim.low, claim.high, ratio, ratio) is False:
            return None
        shown = shown or (ratio, base_low, base)
    assert shown is not None and part_low is not None
    ratio, base_value, base = shown
    return _Finding(
        "C416",
        {
            "words": claim.words,
            "stated": claim.stated,
            "part": format_number(part_low),
            "whole": format_number(base_value),
            "whole_name": _cells_text(tables, base),
            "ratio": _percent(ratio, claim.stated),
        },
        _cell_list(tables, LinExpr((*claim.expr.terms, *base.terms), Decimal(0))),
    )


def _percent(ratio: Decimal, stated: str) -> str:
    written = stated.rstrip("%％")
    places = len(written.split(".")[1]) if "." in written else 0
    return f"{ratio.quantize(Decimal(1).scaleb(-places - 1), rounding=ROUND_HALF_UP)}%"


def _change(tables: Tables, claim: Claim) -> _Finding | None:
    now_low, now_high = tables.range(claim.expr)
    before = tables.last_year(claim.expr)
    if now_low is None or now_low != now_high or before is None:
        blanks = LinExpr(claim.expr.terms, Decimal(0))
        return _undecided(tables, claim, blanks)
    if claim.relative:
        if before == 0:
            return None
        change = (now_low - before) / before * HUNDRED
        shown = _percent(change, claim.stated)
    else:
        change = now_low - before
        shown = format_number(change)
    if _contradicts(claim.low, claim.high, change, change) is False:
        return None
    return _Finding(
        "C417",
        {
            "words": claim.words,
            "stated": claim.stated,
            "now": format_number(now_low),
            "before": format_number(before),
            "change": shown,
        },
        _cell_list(tables, claim.expr),
    )


def _state(tables: Tables, claim: Claim) -> _Finding | None:
    """ZERO and ALL: the expression (the term, or what is not the part) is 0."""
    low, high = tables.range(claim.expr)
    verdict = _contradicts(Decimal(0), Decimal(0), low, high)
    if verdict is None:
        return _undecided(tables, claim, claim.expr, low, high)
    if not verdict:
        return None
    nonzero = [
        f"{tables.form.name(t.id)} {format_number(v)}"
        for t in claim.expr.terms
        if (v := tables.number(t.id)) is not None and v != 0
    ]
    return _Finding(
        "C418",
        {
            "words": claim.stated,
            "what": "、".join(nonzero)
            or f"{_cells_text(tables, claim.expr)} {_table_text(tables, claim.expr, low, high, 'zh')}",
            "what_en": "、".join(nonzero)
            or f"{_cells_text(tables, claim.expr)} {_table_text(tables, claim.expr, low, high, 'en')}",
        },
        _cell_list(tables, claim.expr),
    )


def _sum(tables: Tables, claim: Claim) -> _Finding | None:
    """The parts listed before a bare 共: the longest run just before it that are parts of one
    total of the form, with no cell twice."""
    parts = _listed_parts(tables.form, claim.parts)
    if parts is None or claim.low is None:
        return None
    added = sum((p.low for p in parts if p.low is not None), Decimal(0))
    if added == claim.low:
        return None
    return _Finding(
        "C415",
        {
            "stated": claim.stated,
            "parts": " + ".join(f"{p.words} {p.stated}" for p in parts),
            "sum": format_number(added),
        },
        (),
    )


def _listed_parts(form: Form, claims: Sequence[Claim]) -> list[Claim] | None:
    for begin in range(len(claims) - 1):
        run = list(claims[begin:])
        if any(c.low is None or c.low != c.high for c in run):
            continue
        cells = [t.id for c in run for t in c.expr.terms]
        if len(set(cells)) != len(cells) or any(t.coef != 1 for c in run for t in c.expr.terms):
            continue
        if any(set(cells) <= whole for whole in _wholes(form)):
            return run
    return None


def _wholes(form: Form) -> list[set[str]]:
    """Totals whose parts a text may list: the form's sums, and its terms that add cells."""
    sums = [set(r.right.ids) for r in form.rules if r.kind is RuleKind.SUM and r.condition is None]
    return sums + [{t.id for t in term.expr.terms} for term in form.terms if len(term.expr.terms) > 1]


_DECIDE = {
    Kind.VALUE: _value,
    Kind.SHARE: _share,
    Kind.CHANGE: _change,
    Kind.ZERO: _state,
    Kind.ALL: _state,
    Kind.SUM: _sum,
}


# -- where the finding points ------------------------------------------------------------------


def _placed(found: _Finding, para: Para, text: str, claim: Claim) -> Diagnostic:
    span = _figure_span(para, text, claim) or para.span
    return diag(
        found.code,
        span,
        data_path=para.path,
        cells=list(found.cells),
        params={"sentence": claim.sentence.strip(), "figure": claim.stated, **found.args},
    )


def _figure_span(para: Para, text: str, claim: Claim) -> Span | None:
    """The figure's place in the data file, when the paragraph is one line there, as written."""
    span = para.span
    if span is None or span.line != span.end_line or text != para.text:
        return None
    width = span.end_column - span.column
    quoted = width == len(text) + 2
    if width != len(text) and not quoted:
        return None
    at = text.find(claim.sentence) + claim.start
    column = span.column + (1 if quoted else 0) + at
    return Span(span.file, span.line, column, span.line, column + (claim.end - claim.start))
