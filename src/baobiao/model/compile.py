"""AST -> Form. A tuple of passes over one context; every pass reports all it finds.

Every value lives in a *scope*: the form's plain rows, or one table. A scope has one axis
(its entries are the cells) or two (rows × columns: the cells are their product). Sums,
其中 rows and rules are declared once on an axis and expanded along the other axis, so a
rule of table 三 written over rows holds in every column.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from baobiao.diagnostics.core import Diagnostic, Related, Severity, diag, has_errors
from baobiao.labels import bare
from baobiao.model.types import (
    UNITS,
    AxisNode,
    Condition,
    Form,
    Item,
    ItemKind,
    LinExpr,
    MetaField,
    NarrativeTerm,
    Rule,
    RuleKind,
    Table,
    Term,
    TermPhrase,
    ValueType,
)
from baobiao.source import Span
from baobiao.syntax import ast
from baobiao.syntax.limits import MAX_VALUES
from baobiao.syntax.parser import gc_paused

MAX_DECIMALS = 6

Decl = ast.IndicatorDecl | ast.SectionDecl | ast.RuleDecl | ast.TableDecl
AxisDecl = ast.IndicatorDecl | ast.SectionDecl


@dataclass
class _Entry:
    """A row or column of a scope, as declared."""

    decl: AxisDecl
    parent: str | None
    children: list[str] = field(default_factory=list)
    unit: str | None = None  # as declared on this row or column (cells may inherit the table's)
    value_type: ValueType | None = None
    formerly: tuple[str, ...] | None = None  # its earlier labels, once computed

    @property
    def id(self) -> str:
        return self.decl.id.text

    @property
    def is_group(self) -> bool:
        return isinstance(self.decl, ast.SectionDecl)

    @property
    def is_part(self) -> bool:
        return isinstance(self.decl, ast.IndicatorDecl) and self.decl.is_part


@dataclass
class _Axis:
    entries: dict[str, _Entry] = field(default_factory=dict)

    def values(self) -> list[str]:
        """Entries that carry values (not group headings), in order."""
        return [e.id for e in self.entries.values() if not e.is_group]

    def parts(self, entry_id: str) -> list[str]:
        """What a total adds up: value entries below it, 其中 rows excluded, groups recursed."""
        out: list[str] = []
        for kid in self.entries[entry_id].children:
            e = self.entries[kid]
            if e.is_group:
                out.extend(self.parts(kid))
            elif not e.is_part:
                out.append(kid)
        return out


@dataclass
class _Scope:
    """The plain rows of the form (``table`` None), or one table."""

    table: ast.TableDecl | None
    first: _Axis = field(default_factory=_Axis)  # rows; a table without rows: its columns
    second: _Axis | None = None  # columns of a two-axis table
    rules: list[ast.RuleDecl] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.table.id.text if self.table else ""

    def axis_of(self, entry_id: str) -> _Axis | None:
        if entry_id in self.first.entries:
            return self.first
        if self.second is not None and entry_id in self.second.entries:
            return self.second
        return None

    def other(self, axis: _Axis) -> list[str | None]:
        """Entries of the other axis a declaration expands over ([None]: no other axis)."""
        if self.second is None:
            return [None]
        return list(self.second.values() if axis is self.first else self.first.values())

    def cell(self, entry_id: str, other: str | None) -> str:
        if other is None:
            return entry_id
        return f"{entry_id}.{other}" if entry_id in self.first.entries else f"{other}.{entry_id}"


@dataclass
class _Context:
    spec: ast.SpecFile
    problems: list[Diagnostic] = field(default_factory=list)
    version: str | None = None
    years: tuple[int, int | None] | None = None
    notes: list[str] = field(default_factory=list)
    decls: dict[str, Decl] = field(default_factory=dict)
    plain: _Scope = field(default_factory=lambda: _Scope(None))
    tables: list[_Scope] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    term_decls: list[ast.TermDecl] = field(default_factory=list)
    carry_decls: list[ast.CarryDecl] = field(default_factory=list)
    carries: list[tuple[str, str]] = field(default_factory=list)
    terms: list[NarrativeTerm] = field(default_factory=list)
    sum_graph: dict[str, list[tuple[str, Span]]] = field(default_factory=dict)
    meta_fields: dict[str, MetaField] = field(default_factory=dict)
    meta_names: dict[str, Span] = field(default_factory=dict)  # where each meta field is declared
    values: int = 0  # indicators and table cells made so far (MAX_VALUES)
    stopped: bool = False  # a limit was exceeded: the passes after this one do not run
    suggestions: int = 0  # ids compared by "did you mean" searches so far (SUGGESTION_WORK at most)
    by_column: dict[str, list[Item]] | None = None  # matrix cells by their column, for row headings

    def report(self, d: Diagnostic) -> None:
        self.problems.append(d)

    def scopes(self) -> Iterator[_Scope]:
        yield self.plain
        yield from self.tables

    def add_rule(self, rule: Rule) -> None:
        self.rules.append(rule)


Pass = Callable[[_Context], None]


# -- pass 1: the form header ----------------------------------------------------------------


def _header(ctx: _Context) -> None:
    seen: dict[str, Span] = {}
    for attr in ctx.spec.header.attrs:
        if isinstance(attr, ast.Note):
            ctx.notes.append(attr.text.value)
            continue
        if isinstance(attr, ast.Extends):
            continue  # resolved before compiling (model.extend)
        if isinstance(attr, ast.MetaDecl):
            _meta_field(ctx, attr)
            continue
        key = "version" if isinstance(attr, ast.Version) else "years"
        if key in seen:
            ctx.report(diag("S211", attr.span, name=key, related=[Related(seen[key], "first-defined")]))
            continue
        seen[key] = attr.span
        if isinstance(attr, ast.Version):
            ctx.version = attr.value.value
        else:
            ctx.years = _years(ctx, attr)


def _meta_field(ctx: _Context, decl: ast.MetaDecl) -> None:
    """``meta level "机关层级" in ...``: a field of the data's meta with a closed vocabulary."""
    name = decl.name.text
    if name in ctx.meta_names:
        ctx.report(diag("S224", decl.name.span, field=name, related=[Related(ctx.meta_names[name], "first-defined")]))
        return
    ctx.meta_names[name] = decl.name.span
    seen: dict[str, Span] = {}  # by the value as data is compared with it (NFKC, no whitespace)
    values: list[str] = []
    for v in decl.values:
        key = unicodedata.normalize("NFKC", "".join(v.value.split()))
        if not key:
            ctx.report(diag("S212", v.span))
        elif key in seen:
            ctx.report(
                diag(
                    "S223",
                    v.span,
                    field=name,
                    label=decl.label.value,
                    value=v.value,
                    related=[Related(seen[key], "first-defined")],
                )
            )
        else:
            seen[key] = v.span
            values.append(v.value)
    ctx.meta_fields[name] = MetaField(name, decl.label.value, tuple(values), decl.span)


def _years(ctx: _Context, attr: ast.Years) -> tuple[int, int | None] | None:
    start_text = attr.start.text
    end_text = attr.end.text if attr.end else ""
    try:
        start = int(start_text)
        end = int(end_text) if end_text else None
    except ValueError:
        ctx.report(diag("S210", attr.span, start=start_text, end=end_text))
        return None
    if not 1900 <= start <= 2200 or (end is not None and not start <= end <= 2200):
        ctx.report(diag("S210", attr.span, start=start_text, end=end_text))
        return None
    return (start, end)


# -- pass 2: declarations into scopes, then items -------------------------------------------


def _claim(ctx: _Context, decl: Decl) -> bool:
    """Register an id; a duplicate is reported and its declaration skipped."""
    first = ctx.decls.get(decl.id.text)
    if first is not None:
        ctx.report(diag("S202", decl.id.span, name=decl.id.text, related=[Related(first.id.span, "first-defined")]))
        return False
    ctx.decls[decl.id.text] = decl
    return True


def _axis(ctx: _Context, axis: _Axis, members: tuple[ast.Member, ...], parent: str | None) -> None:
    for m in members:
        if isinstance(m, ast.SectionDecl | ast.IndicatorDecl) and _claim(ctx, m):
            entry = _Entry(m, parent)
            if isinstance(m, ast.IndicatorDecl):
                entry.unit = _unit(ctx, m.unit, None) if m.unit is not None else None
                entry.value_type = _value_type(ctx, m.value_type) if m.value_type is not None else None
            axis.entries[m.id.text] = entry
            if parent is not None:
                axis.entries[parent].children.append(m.id.text)
            _axis(ctx, axis, m.members, m.id.text)


def _collect(ctx: _Context) -> None:
    """Ids, scopes and items, in document order."""

    def visit(member: ast.Member, parent: str | None) -> None:
        if isinstance(member, ast.TermDecl):
            ctx.term_decls.append(member)
        elif isinstance(member, ast.CarryDecl):
            ctx.carry_decls.append(member)
        elif isinstance(member, ast.RuleDecl):
            if _claim(ctx, member):
                ctx.plain.rules.append(member)
        elif isinstance(member, ast.TableDecl):
            if _claim(ctx, member):
                _table(ctx, member, parent)
        elif isinstance(member, ast.SectionDecl | ast.IndicatorDecl):
            if not _claim(ctx, member):
                return
            ctx.plain.first.entries[member.id.text] = _Entry(member, parent)
            if parent is not None and parent in ctx.plain.first.entries:
                ctx.plain.first.entries[parent].children.append(member.id.text)
            _item(ctx, member, parent)
            if isinstance(member, ast.IndicatorDecl):
                ctx.values += 1
            for sub in member.members:
                visit(sub, member.id.text)

    for entry in ctx.spec.items:
        if isinstance(
            entry, ast.SectionDecl | ast.IndicatorDecl | ast.RuleDecl | ast.TableDecl | ast.TermDecl | ast.CarryDecl
        ):
            visit(entry, None)
        if ctx.stopped:
            return
    if ctx.values > MAX_VALUES:
        _too_many_values(ctx, ctx.spec.header.span)
        return
    _link_children(ctx)


def _too_many_values(ctx: _Context, span: Span) -> None:
    ctx.report(diag("S235", span, count=f"{ctx.values:,}", limit=f"{MAX_VALUES:,}"))
    ctx.stopped = True


def _notes(decl: AxisDecl | ast.TableDecl) -> tuple[str, ...]:
    return tuple(m.text.value for m in decl.members if isinstance(m, ast.Note))


def _formerly(decl: AxisDecl) -> tuple[str, ...]:
    return tuple(m.label.value for m in decl.members if isinstance(m, ast.Formerly))


def _label(ctx: _Context, decl: AxisDecl | ast.TableDecl) -> str:
    if not decl.label.value.strip():
        ctx.report(diag("S212", decl.label.span))
    return decl.label.value


def _item(ctx: _Context, decl: AxisDecl, parent: str | None) -> None:
    """An item of the plain scope: a heading, or an indicator with a value."""
    is_section = isinstance(decl, ast.SectionDecl)
    ctx.items[decl.id.text] = Item(
        id=decl.id.text,
        label=_label(ctx, decl),
        kind=ItemKind.SECTION if is_section else ItemKind.INDICATOR,
        parent=parent,
        children=(),
        unit=None if isinstance(decl, ast.SectionDecl) else _unit(ctx, decl.unit, decl.label.span),
        value_type=None if isinstance(decl, ast.SectionDecl) else _value_type(ctx, decl.value_type),
        is_part=isinstance(decl, ast.IndicatorDecl) and decl.is_part,
        notes=_notes(decl),
        formerly=_formerly(decl),
        span=decl.span,
    )


def _table(ctx: _Context, decl: ast.TableDecl, parent: str | None) -> None:
    scope = _Scope(decl)
    ctx.tables.append(scope)
    _axis(ctx, scope.first, decl.rows if decl.rows is not None else decl.columns, None)
    if decl.rows is not None:
        scope.second = _Axis()
        _axis(ctx, scope.second, decl.columns, None)
    scope.rules = [m for m in decl.members if isinstance(m, ast.RuleDecl) and _claim(ctx, m)]
    ctx.items[decl.id.text] = Item(
        decl.id.text, _label(ctx, decl), ItemKind.SECTION, parent, (), notes=_notes(decl), span=decl.span
    )
    defaults = _Defaults(
        _unit(ctx, decl.unit, None) if decl.unit is not None else None, _value_type(ctx, decl.value_type)
    )
    columns = scope.second.values() if scope.second is not None else [None]
    ctx.values += len(scope.first.values()) * len(columns)
    if ctx.values > MAX_VALUES:  # before a single cell is made
        _too_many_values(ctx, decl.span)
        return
    for entry in scope.first.entries.values():
        e_parent = entry.parent or decl.id.text
        if entry.is_group or scope.second is not None:  # a heading, or a row holding cells
            ctx.items[entry.id] = Item(
                entry.id,
                _label(ctx, entry.decl),
                ItemKind.SECTION,
                e_parent,
                (),
                notes=_notes(entry.decl),
                formerly=_formerly(entry.decl),
                span=entry.decl.span,
            )
        else:  # a column of a one-row table: the cell itself
            ctx.items[entry.id] = _cell(ctx, (entry,), defaults, e_parent, entry.id)
        if scope.second is not None and not entry.is_group:
            for col in columns:
                assert col is not None
                cell_id = f"{entry.id}.{col}"
                ctx.items[cell_id] = _cell(ctx, (scope.second.entries[col], entry), defaults, entry.id, cell_id)
    if scope.second is not None:
        for col_entry in scope.second.entries.values():  # labels checked once
            _label(ctx, col_entry.decl)


@dataclass
class _Defaults:
    """A table's unit and value type, for cells whose row and column declare none."""

    unit: str | None
    value_type: ValueType
    unitless: set[str] = field(default_factory=set)  # columns already reported without a unit


def _cell(ctx: _Context, entries: tuple[_Entry, ...], defaults: _Defaults, parent: str, cell_id: str) -> Item:
    """A cell of a table; ``entries`` are (column, row), or (column,) in a table without rows:
    the column's unit and type win over the row's, the row's over the table's."""
    first = entries[0]
    second = entries[-1]
    unit = first.unit if first.unit is not None else second.unit if second.unit is not None else defaults.unit
    if unit is None and first.id not in defaults.unitless:
        defaults.unitless.add(first.id)
        ctx.report(diag("S206", first.decl.label.span, unit="（未写）", unit_en="(none)", units=" ".join(UNITS)))
    value_type = (
        first.value_type
        if first.value_type is not None
        else second.value_type
        if second.value_type is not None
        else defaults.value_type
    )
    if first.formerly is None:
        first.formerly = _formerly(first.decl)
    return Item(
        id=cell_id,
        label=first.decl.label.value,
        kind=ItemKind.INDICATOR,
        parent=parent,
        children=(),
        unit=unit,
        value_type=value_type,
        aliases=(first.id,) if len(entries) == 2 else (),
        formerly=first.formerly,
        span=first.decl.span,
    )


def _link_children(ctx: _Context) -> None:
    kids: dict[str, list[str]] = {}
    for item in ctx.items.values():
        if item.parent is not None:
            kids.setdefault(item.parent, []).append(item.id)
    for item_id, children in kids.items():
        item = ctx.items[item_id]
        ctx.items[item_id] = Item(
            item.id,
            item.label,
            item.kind,
            item.parent,
            tuple(children),
            item.unit,
            item.value_type,
            item.is_part,
            item.notes,
            item.aliases,
            item.formerly,
            item.span,
        )


def _unit(ctx: _Context, unit: ast.Ident | None, where: Span | None) -> str | None:
    if unit is None:
        ctx.report(diag("S206", where, unit="（未写）", unit_en="(none)", units=" ".join(UNITS)))
        return None
    if unit.text not in UNITS:
        ctx.report(diag("S206", unit.span, unit=unit.text, units=" ".join(UNITS)))
        return None
    return unit.text


def _value_type(ctx: _Context, decl: ast.ValueTypeDecl | None) -> ValueType:
    if decl is None:
        return ValueType()
    if decl.decimals is None:
        return ValueType(signed=decl.signed)
    text = decl.decimals.text
    if not text.isdigit() or not 1 <= int(text) <= MAX_DECIMALS:
        ctx.report(diag("S207", decl.decimals.span, places=text))
        return ValueType(signed=decl.signed)
    return ValueType(signed=decl.signed, decimals=int(text))


# -- name resolution --------------------------------------------------------------------------

_KINDS = {
    "section": ("没有数值的标题栏", "a heading without a value"),
    "rule": ("一条规则", "a rule"),
    "leaf": ("没有下级栏目的指标", "an indicator without parts"),
    "cell": ("表格的一个单元格（行.列）", "one cell of a table (row.column)"),
    "row": ("表格“{table}”的一行", "a row of table '{table}'"),
    "column": ("表格“{table}”的一列", "a column of table '{table}'"),
    "table": ("一张表格（“{table}”）", "a table ('{table}')"),
    "sum-or-previous": ("sum(…) 或 previous(…)", "sum(…) or previous(…)"),
}


def _not_an_indicator(
    span: Span | None, name: str, kind: str, suggestion: str, suggestion_en: str, table: str = ""
) -> Diagnostic:
    zh, en = (k.format(table=table) for k in _KINDS[kind])
    return diag("S209", span, name=name, kind=zh, kind_en=en, suggestion=suggestion, suggestion_en=suggestion_en)


def _in_a_table(ctx: _Context, name: ast.Ident) -> Diagnostic:
    """S209 for a table, or a row or column of one, used outside it (in a rule of the plain
    rows): said as what it is, with where the rule belongs. A rule is added to a table of the
    form extended with ``add after`` one of the table's rules."""
    for scope in ctx.tables:
        assert scope.table is not None
        axis = scope.axis_of(name.text)
        if axis is None and name.text != scope.name:
            continue
        kind = "table" if axis is None else "row" if axis is scope.first and scope.second is not None else "column"
        zh, en = f"把规则缩进写进 table {scope.name}", f"indent the rule in table {scope.name}"
        if scope.second is not None and axis is not None:  # a matrix: the rule holds along the other axis
            zh += f"（表格的规则只写一次，对每一{'列' if kind == 'row' else '行'}都检查）"
            en += f" (a table's rule is written once and holds in every {'column' if kind == 'row' else 'row'})"
        if scope.rules:
            last = scope.rules[-1].id.text
            zh += f"；继承表式时写 add after {last}，规则缩进写在它下面"
            en += f"; in a spec that extends the form, write add after {last} with the rule indented below it"
        return _not_an_indicator(name.span, name.text, kind, zh + "。", en + ".", scope.table.label.value)
    return _not_an_indicator(
        name.span,
        name.text,
        "section",
        "表格里的栏目只能在表格自己的规则中使用。",
        "use table cells in the table's own rules.",
    )


SUGGESTION_WORK = 100_000  # ids and labels compared by all the "did you mean" searches of a spec


def _close(ctx: _Context, name: str, candidates: list[str]) -> list[str]:
    """Ids spelled like ``name``, while the spec's budget of comparisons lasts (a spec with
    thousands of unknown names among thousands of ids would otherwise take quadratic time)."""
    if ctx.suggestions + len(candidates) > SUGGESTION_WORK:
        return []
    ctx.suggestions += len(candidates)
    return difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)


def _suggest(
    ctx: _Context, candidates: Callable[[], list[str]], labels: Callable[[], dict[str, str]], name: str
) -> dict[str, str]:
    """The hint for an unknown name: "did you mean" the ids whose label is the name, or ids
    spelled alike, while the budget of comparisons lasts (then the general hint). Neither list
    is made when the budget could not pay for it."""
    close: list[str] = []
    if ctx.suggestions + 2 * (len(ctx.decls) + len(ctx.items)) <= SUGGESTION_WORK:
        by_label = labels()
        ctx.suggestions += len(by_label)
        key = bare(name)
        close = [i for i, label in by_label.items() if bare(label) == key] or _close(ctx, name, candidates())
    if close:
        return {"suggestion": f"是不是：{'、'.join(close)}", "suggestion_en": f"did you mean: {', '.join(close)}"}
    return {
        "suggestion": "检查拼写；规则里要写指标编号，不是印刷名称。",
        "suggestion_en": "check the spelling; rules use ids, not printed labels.",
    }


def _resolve(ctx: _Context, scope: _Scope, name: ast.Ident, *, group: bool) -> tuple[_Axis, str] | None:
    """A name used in a scope's sum or rule: an entry of one of its axes. ``group``: a heading
    is wanted (sum(x)); otherwise an entry with a value. Problems are reported."""
    axis = scope.axis_of(name.text)
    if axis is not None:
        entry = axis.entries[name.text]
        if entry.is_group and not group:
            ctx.report(
                _not_an_indicator(
                    name.span,
                    name.text,
                    "section",
                    f"对分组求和请写 sum({name.text})。",
                    f"to add up a group, write sum({name.text}).",
                )
            )
            return None
        return axis, name.text
    decl = ctx.decls.get(name.text)
    if isinstance(decl, ast.RuleDecl):
        ctx.report(
            _not_an_indicator(name.span, name.text, "rule", "规则只能引用指标。", "rules may use indicators only.")
        )
    elif decl is not None and scope.table is not None:
        candidates = list(scope.first.entries) + list(scope.second.entries if scope.second else [])
        close = _close(ctx, name.text, candidates)
        ctx.report(
            diag(
                "S217",
                name.span,
                name=name.text,
                table=scope.name,
                suggestion=f"本表的行和列：{'、'.join(close or candidates[:8])}",
                suggestion_en=f"rows and columns of this table: {', '.join(close or candidates[:8])}",
            )
        )
    elif decl is not None:
        ctx.report(_in_a_table(ctx, name))
    else:

        def labels() -> dict[str, str]:
            entries = {**scope.first.entries, **(scope.second.entries if scope.second else {})}
            return {i: e.decl.label.value for i, e in entries.items()}

        params = _suggest(ctx, lambda: list(ctx.decls), labels, name.text)
        ctx.report(diag("S201", name.span, name=name.text, params=params))
    return None


# -- pass 3: sums and 其中 rows -------------------------------------------------------------


def _labels(scope: _Scope, ids: list[str]) -> str:
    labels = []
    for i in ids:
        axis = scope.axis_of(i)
        assert axis is not None
        labels.append(axis.entries[i].decl.label.value)
    return "、".join(labels)


def _along(scope: _Scope, axis: _Axis, other: str | None) -> str:
    """' @col' in rule ids and '（自然人）' in descriptions, for expanded rules."""
    if other is None:
        return ""
    other_axis = scope.second if axis is scope.first else scope.first
    assert other_axis is not None
    return other_axis.entries[other].decl.label.value


def _expand(
    ctx: _Context,
    scope: _Scope,
    axis: _Axis,
    rule_id: str,
    kind: RuleKind,
    severity: Severity,
    description: str,
    op: str,
    sides: Callable[[str | None], tuple[LinExpr, LinExpr]],
    span: Span | None,
    condition: Condition | None = None,
) -> None:
    """A rule declared once on an axis, added for every entry of the other axis (id RULE@OTHER,
    the other entry's label after the description), or once where there is no other axis."""
    for other in scope.other(axis):
        where = _along(scope, axis, other)
        left, right = sides(other)
        ctx.add_rule(
            Rule(
                id=rule_id + (f"@{other}" if other else ""),
                kind=kind,
                severity=severity,
                description=description + (f"（{where}）" if where else ""),
                left=left,
                op=op,
                right=right,
                span=span,
                condition=condition,
            )
        )


def _sums(ctx: _Context) -> None:
    for scope in ctx.scopes():
        axes = [scope.first] + ([scope.second] if scope.second else [])
        for axis in axes:
            for entry in list(axis.entries.values()):
                decl = entry.decl
                if not isinstance(decl, ast.IndicatorDecl) or decl.relation is None:
                    continue
                parts = _sum_parts(ctx, scope, axis, entry, decl.relation)
                if parts is None:
                    continue
                ctx.sum_graph[entry.id] = [(p, decl.relation.span) for p in parts]
                written = [n.text for n in decl.relation.parts] if decl.relation.parts else parts
                _expand(
                    ctx,
                    scope,
                    axis,
                    f"{entry.id}.sum",
                    RuleKind.SUM,
                    Severity.ERROR,
                    f"{decl.label.value} 等于 {_labels(scope, written)} 之和",
                    "=",
                    lambda other, sc=scope, e=entry.id, ps=parts: (  # type: ignore[misc]
                        LinExpr((Term(Decimal(1), sc.cell(e, other)),)),
                        LinExpr(tuple(Term(Decimal(1), sc.cell(p, other)) for p in ps)),
                    ),
                    decl.relation.span,
                )


def _sum_parts(ctx: _Context, scope: _Scope, axis: _Axis, entry: _Entry, relation: ast.SumDecl) -> list[str] | None:
    if relation.parts is None:
        parts = axis.parts(entry.id)
        if not parts:
            ctx.report(diag("S208", relation.span, name=entry.id))
            return None
        return parts
    parts = []
    ok = True
    for name in relation.parts:
        if name.text == entry.id:
            ctx.report(diag("S203", name.span, name=entry.id))
            ok = False
            continue
        found = _resolve(ctx, scope, name, group=True)
        if found is None:
            ok = False
            continue
        found_axis, found_id = found
        if found_axis is not axis:
            ctx.report(_mixed(entry.id, [entry.id], [found_id], name.span, axis is scope.first))
            ok = False
        elif found_axis.entries[found_id].is_group:
            parts.extend(p for p in found_axis.parts(found_id) if p != entry.id)
        else:
            parts.append(found_id)
    return list(dict.fromkeys(parts)) if ok and parts else None


def _mixed(name: str, first: list[str], second: list[str], span: Span | None, first_is_rows: bool) -> Diagnostic:
    rows, cols = (first, second) if first_is_rows else (second, first)
    return diag(
        "S213",
        span,
        name=name,
        rows="行 " + "、".join(rows),
        rows_en="rows " + ", ".join(rows),
        columns="列 " + "、".join(cols),
        columns_en="columns " + ", ".join(cols),
    )


def _parts(ctx: _Context) -> None:
    for scope in ctx.scopes():
        for axis in [scope.first] + ([scope.second] if scope.second else []):
            for entry in axis.entries.values():
                if not entry.is_part:
                    continue
                parent = axis.entries.get(entry.parent) if entry.parent else None
                if parent is None or parent.is_group:
                    ctx.report(
                        _not_an_indicator(
                            entry.decl.span,
                            entry.parent or entry.id,
                            "section",
                            "“其中”项要写在有数值的指标下面。",
                            "a 其中 item belongs under an indicator with a value.",
                        )
                    )
                    continue
                _expand(
                    ctx,
                    scope,
                    axis,
                    f"{entry.id}.part",
                    RuleKind.PART,
                    Severity.ERROR,
                    f"{entry.decl.label.value} 不大于 {parent.decl.label.value}",
                    "<=",
                    lambda other, sc=scope, e=entry.id, p=parent.id: (  # type: ignore[misc]
                        LinExpr((Term(Decimal(1), sc.cell(e, other)),)),
                        LinExpr((Term(Decimal(1), sc.cell(p, other)),)),
                    ),
                    entry.decl.span,
                )


# -- pass 4: named rules ----------------------------------------------------------------------

# An expression over axis entries: (entry id, previous year?) -> coefficient; constant at ("", False).
_Coefs = dict[tuple[str, bool], Decimal]
_K = TypeVar("_K")


@dataclass
class _Linear:
    ctx: _Context
    scope: _Scope
    rule_id: str
    axes: dict[str, _Axis] = field(default_factory=dict)  # entry id -> its axis

    def run(self, expr: ast.Expr) -> _Coefs | None:
        """None if a name did not resolve (reported). Both sides of every operator are
        resolved, so one run reports every unknown name."""
        if isinstance(expr, ast.Ref | ast.PreviousRef):
            if expr.name.text == self.rule_id:
                self.ctx.report(diag("S203", expr.name.span, name=self.rule_id))
                return None
            found = _resolve(self.ctx, self.scope, expr.name, group=False)
            if found is None:
                return None
            self.axes[found[1]] = found[0]
            return {(found[1], isinstance(expr, ast.PreviousRef)): Decimal(1)}
        if isinstance(expr, ast.SumRef):
            return self._sum(expr)
        if isinstance(expr, ast.CellRef):  # rules are written once per table axis, not per cell
            self.ctx.report(
                _not_an_indicator(
                    expr.span,
                    f"{expr.row.text}.{expr.column.text}",
                    "cell",
                    f"表格规则只写行（或只写列），对每一列（行）都检查，例如 {expr.row.text}。",
                    f"a table rule names rows (or columns) and holds in every column (row), e.g. {expr.row.text}.",
                )
            )
            return None
        if isinstance(expr, ast.Const):
            return {("", False): _number(expr.value.text)}
        if isinstance(expr, ast.Scaled | ast.Negated):
            inner = self.run(expr.operand)
            factor = _number(expr.factor.text) if isinstance(expr, ast.Scaled) else Decimal(-1)
            return None if inner is None else {k: v * factor for k, v in inner.items()}
        return _chain([self.run(expr.first), *(self.run(term) for _, term in expr.rest)], expr)

    def _sum(self, expr: ast.SumRef) -> _Coefs | None:
        found = _resolve(self.ctx, self.scope, expr.name, group=True)
        if found is None:
            return None
        axis, entry_id = found
        ids = axis.parts(entry_id)
        if not ids:
            self.ctx.report(
                _not_an_indicator(expr.name.span, entry_id, "leaf", f"直接写 {entry_id}。", f"write {entry_id} itself.")
            )
            return None
        for i in ids:
            self.axes[i] = axis
        return {(i, False): Decimal(1) for i in ids}


def _chain(terms: list[dict[_K, Decimal] | None], chain: ast.Chain) -> dict[_K, Decimal] | None:
    """``a + b - c`` of linear expressions given as coefficients (None: unresolved), each term
    resolved already, so that every unknown name is reported."""
    if any(t is None for t in terms):
        return None
    first, *rest = terms
    assert first is not None
    for (op, _), term in zip(chain.rest, rest, strict=True):
        assert term is not None
        sign = 1 if op == "+" else -1
        for k, v in term.items():
            first[k] = first.get(k, Decimal(0)) + sign * v
    return first


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # the grammar admits only digits; keep the compiler total
        return Decimal(0)


def _expr(scope: _Scope, coefs: _Coefs, other: str | None) -> LinExpr:
    constant = coefs.get(("", False), Decimal(0))
    terms = tuple(Term(c, scope.cell(i, other), prev) for (i, prev), c in coefs.items() if i)
    return LinExpr(terms, constant)


def _condition(decl: ast.RuleDecl) -> Condition | None:
    c = decl.condition
    if c is None:
        return None
    return Condition(c.key.text, c.negated, tuple(v.value for v in c.values))


def _meta_conditions(ctx: _Context) -> None:
    """A ``when`` condition on a field with declared values uses only those values."""
    for scope in ctx.scopes():
        for decl in scope.rules:
            c = decl.condition
            declared = ctx.meta_fields.get(c.key.text) if c is not None else None
            if c is None or declared is None:
                continue  # a field without a declaration takes any text
            for v in c.values:
                if v.value not in declared.values:
                    ctx.report(
                        diag(
                            "S222",
                            v.span,
                            field=declared.name,
                            label=declared.label,
                            value=v.value,
                            params=_value_suggestion(declared, v.value),
                        )
                    )


def _value_suggestion(declared: MetaField, value: str) -> dict[str, str]:
    close = difflib.get_close_matches(value, declared.values, n=3, cutoff=0.6)
    if close:
        return {
            "suggestion": "是不是：" + "、".join(f"“{c}”" for c in close) + "？",
            "suggestion_en": "did you mean: " + ", ".join(f"'{c}'" for c in close) + "?",
        }
    return {
        "suggestion": "声明的取值：" + "、".join(f"“{c}”" for c in declared.values) + "。",
        "suggestion_en": "the declared values: " + ", ".join(f"'{c}'" for c in declared.values) + ".",
    }


def _named_rules(ctx: _Context) -> None:
    for scope in ctx.scopes():
        for decl in scope.rules:
            lin = _Linear(ctx, scope, decl.id.text)
            sides = [lin.run(decl.constraint.left), lin.run(decl.constraint.right)]
            left, right = sides
            if left is None or right is None:
                continue
            axes = {id(a): a for a in lin.axes.values()}
            if len(axes) > 1:
                first = [i for i, a in lin.axes.items() if a is scope.first]
                second = [i for i, a in lin.axes.items() if a is not scope.first]
                ctx.report(_mixed(decl.id.text, first, second, decl.constraint.span, True))
                continue
            axis = next(iter(axes.values()), scope.first)
            _expand(
                ctx,
                scope,
                axis,
                decl.id.text,
                RuleKind.RULE,
                Severity.WARNING if decl.severity == "warning" else Severity.ERROR,
                decl.description.value,
                decl.constraint.op,
                lambda other, sc=scope, lt=left, rt=right: (_expr(sc, lt, other), _expr(sc, rt, other)),  # type: ignore[misc]
                decl.span,
                _condition(decl),
            )


# -- narrative terms ---------------------------------------------------------------------------


def _value_ids(ctx: _Context) -> list[str]:
    return [i for i, it in ctx.items.items() if it.has_value]


def _row_heading_cells(ctx: _Context, row: str, column: str) -> list[str]:
    """The cells in ``column`` of the rows under a matrix row heading (（三）不予公开)."""

    def under(item_id: str | None) -> bool:
        while item_id is not None:
            if item_id == row:
                return True
            parent = ctx.items.get(item_id)
            item_id = parent.parent if parent is not None else None
        return False

    if ctx.by_column is None:  # made once: a spec may have many terms
        ctx.by_column = {}
        for i in ctx.items.values():
            if i.has_value and i.aliases:
                ctx.by_column.setdefault(i.aliases[0], []).append(i)
    return [i.id for i in ctx.by_column.get(column, ()) if under(i.parent)]


def _term_expr(ctx: _Context, expr: ast.Expr) -> dict[str, Decimal] | None:
    """A term's figure: indicators by id, matrix cells as row.column (a row heading: the sum of
    its rows' cells), constants, + - and N *."""
    if isinstance(expr, ast.CellRef) and f"{expr.row.text}.{expr.column.text}" not in ctx.items:
        cells = _row_heading_cells(ctx, expr.row.text, expr.column.text)
        if cells:
            return dict.fromkeys(cells, Decimal(1))
    if isinstance(expr, ast.Ref | ast.CellRef):
        name = expr.name if isinstance(expr, ast.Ref) else expr.row
        cell = name.text if isinstance(expr, ast.Ref) else f"{expr.row.text}.{expr.column.text}"
        item = ctx.items.get(cell)
        if item is None or not item.has_value:
            ctx.report(diag("S201", name.span, name=cell, params=_suggest(ctx, lambda: _value_ids(ctx), dict, cell)))
            return None
        return {cell: Decimal(1)}
    if isinstance(expr, ast.Const):
        return {"": _number(expr.value.text)}
    if isinstance(expr, ast.Scaled | ast.Negated):
        inner = _term_expr(ctx, expr.operand)
        factor = _number(expr.factor.text) if isinstance(expr, ast.Scaled) else Decimal(-1)
        return None if inner is None else {k: v * factor for k, v in inner.items()}
    if isinstance(expr, ast.Chain):
        return _chain([_term_expr(ctx, expr.first), *(_term_expr(ctx, term) for _, term in expr.rest)], expr)
    ctx.report(
        _not_an_indicator(
            expr.span,
            expr.name.text,
            "sum-or-previous",
            "术语只写本年的指标（矩阵单元格写 行编号.列编号），用 + 相加。",
            "a term names this year's indicators (row.column for matrix cells), added with +.",
        )
    )
    return None


def _carries(ctx: _Context) -> None:
    for decl in ctx.carry_decls:
        item = ctx.items.get(decl.new.text)
        if item is None or not item.has_value:
            params = _suggest(ctx, lambda: _value_ids(ctx), dict, decl.new.text)
            ctx.report(diag("S201", decl.new.span, name=decl.new.text, params=params))
        else:
            ctx.carries.append((decl.old.text, decl.new.text))


def _term_linexpr(ctx: _Context, expr: ast.Expr) -> LinExpr | None:
    coefs = _term_expr(ctx, expr)
    if coefs is None:
        return None
    constant = coefs.pop("", Decimal(0))
    return LinExpr(tuple(Term(c, i) for i, c in coefs.items()), constant)


def _terms(ctx: _Context) -> None:
    for decl in ctx.term_decls:
        expr = _term_linexpr(ctx, decl.expr)
        unit = _unit(ctx, decl.unit, None) if decl.unit is not None else None
        phrases: dict[str, list[TermPhrase]] = {"part": [], "all": []}
        for p in decl.phrases:
            if p.expr is not None and (said := _term_linexpr(ctx, p.expr)) is not None:
                phrases[p.kind].append(TermPhrase(tuple(w.value for w in p.words), said))
        excluded = tuple(w.value for p in decl.phrases if p.kind == "not" for w in p.words)
        if expr is not None:
            words = tuple(w.value for w in decl.words)
            parts, wholly = tuple(phrases["part"]), tuple(phrases["all"])
            ctx.terms.append(NarrativeTerm(words, unit, expr, decl.span, parts, wholly, excluded))


# -- pass 5: cycles among sums ---------------------------------------------------------------


def _cycles(ctx: _Context) -> None:
    """One S204 per group of sums that reach each other (a strongly connected component of the
    graph of sums and their parts): the shortest loop through its first sum, reported at the part
    that closes it. No recursion, however long the chains."""
    graph = ctx.sum_graph
    order = {node: k for k, node in enumerate(graph)}
    for component in _components(graph):
        if len(component) < 2:  # a sum of itself is S203, and never in the graph
            continue
        start = min(component, key=lambda node: order.get(node, len(order)))  # the first written
        loop, span = _loop(graph, set(component), start)
        ctx.report(diag("S204", span, cycle=_loop_text(loop, "zh"), cycle_en=_loop_text(loop, "en")))


def _loop_text(loop: list[str], lang: str) -> str:
    """a → b → a; a long loop with its middle left out."""
    if len(loop) <= 12:
        return " → ".join(loop)
    left_out = len(loop) - 9
    middle = f"…（另 {left_out} 项）…" if lang == "zh" else f"… ({left_out} more) …"
    return " → ".join([*loop[:6], middle, *loop[-3:]])


def _components(graph: dict[str, list[tuple[str, Span]]]) -> list[list[str]]:
    """Tarjan's strongly connected components, with an explicit stack; each component is listed
    with the node first reached last."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []

    def enter(node: str) -> tuple[str, Iterator[tuple[str, Span]]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return node, iter(graph.get(node, ()))

    for root in graph:
        if root in index:
            continue
        work = [enter(root)]
        while work:
            node, edges = work[-1]
            for nxt, _ in edges:
                if nxt not in index:
                    work.append(enter(nxt))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    out.append(component)
    return out


def _loop(graph: dict[str, list[tuple[str, Span]]], component: set[str], start: str) -> tuple[list[str], Span]:
    """The shortest loop from ``start`` back to it inside ``component`` (breadth first), and the
    span of the part that closes it."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        reached: list[str] = []
        for node in frontier:
            for nxt, span in graph.get(node, ()):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start], span
                if nxt in component and nxt not in came_from:
                    came_from[nxt] = node
                    reached.append(nxt)
        frontier = reached
    raise AssertionError("a strongly connected component has a loop through each of its nodes")


# -- pass 6: units ----------------------------------------------------------------------------


def _units(ctx: _Context) -> None:
    """Sums and 其中 rows add like with like. Named rules may compare across units on purpose
    (the 2014 table weighs 篇 of interpretations against 次 of responses)."""
    seen: set[tuple[str, str]] = set()
    for rule in ctx.rules:
        if rule.kind is RuleKind.RULE:
            continue
        anchor = ctx.items[rule.ids[0]]
        for other_id in rule.ids[1:]:
            other = ctx.items[other_id]
            if anchor.unit and other.unit and other.unit != anchor.unit and (anchor.label, other.label) not in seen:
                seen.add((anchor.label, other.label))
                ctx.report(
                    diag("S205", other.span, name=anchor.id, unit=anchor.unit, other=other.id, other_unit=other.unit)
                )


def _nodes(axis: _Axis, ids: list[str]) -> tuple[AxisNode, ...]:
    return tuple(
        AxisNode(
            i,
            axis.entries[i].decl.label.value,
            axis.entries[i].is_group,
            _nodes(axis, axis.entries[i].children),
            _notes(axis.entries[i].decl),
        )
        for i in ids
    )


def _roots(axis: _Axis) -> list[str]:
    return [e.id for e in axis.entries.values() if e.parent is None]


def _layout(ctx: _Context) -> list[Table]:
    """The printed tables: the plain rows (if any carries a value), then each table."""
    tables = []
    plain = ctx.plain.first
    if any(not e.is_group for e in plain.entries.values()):
        tables.append(Table("", ctx.spec.header.title.value, tuple(ctx.notes), _nodes(plain, _roots(plain)), ()))
    for scope in ctx.tables:
        assert scope.table is not None
        notes = _notes(scope.table)
        if scope.second is None:
            tables.append(
                Table(scope.name, scope.table.label.value, notes, None, _nodes(scope.first, _roots(scope.first)))
            )
        else:
            rows, cols = _nodes(scope.first, _roots(scope.first)), _nodes(scope.second, _roots(scope.second))
            tables.append(Table(scope.name, scope.table.label.value, notes, rows, cols))
    return tables


PASSES: tuple[Pass, ...] = (
    _header,
    _collect,
    _sums,
    _parts,
    _named_rules,
    _meta_conditions,
    _terms,
    _carries,
    _cycles,
    _units,
)


def compile_spec(spec: ast.SpecFile) -> tuple[Form | None, list[Diagnostic]]:
    """Compile an AST (a merged one, for a spec that extends another) to a form; None when
    there are errors, all of them reported."""
    with gc_paused():
        return _compile(spec)


def _compile(spec: ast.SpecFile) -> tuple[Form | None, list[Diagnostic]]:
    ctx = _Context(spec)
    for run in PASSES:
        run(ctx)
        if ctx.stopped:
            break
    if has_errors(ctx.problems):
        return None, ctx.problems
    return (
        Form(
            id=spec.header.id.text,
            title=spec.header.title.value,
            version=ctx.version,
            years=ctx.years,
            notes=tuple(ctx.notes),
            items=tuple(ctx.items.values()),
            rules=tuple(ctx.rules),
            tables=tuple(_layout(ctx)),
            terms=tuple(ctx.terms),
            carries=tuple(ctx.carries),
            meta_fields=tuple(ctx.meta_fields.values()),
            lineage=spec.lineage,
        ),
        ctx.problems,
    )
