"""AST -> Form. A tuple of passes over one context; every pass reports all it finds."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from baobiao.diagnostics.core import Diagnostic, Related, Severity, diag, has_errors
from baobiao.model.types import (
    UNITS,
    Form,
    Item,
    ItemKind,
    LinExpr,
    Rule,
    RuleKind,
    Term,
    ValueType,
)
from baobiao.source import Span
from baobiao.syntax import ast

MAX_DECIMALS = 6


@dataclass
class _Context:
    spec: ast.SpecFile
    problems: list[Diagnostic] = field(default_factory=list)
    version: str | None = None
    years: tuple[int, int | None] | None = None
    notes: list[str] = field(default_factory=list)
    items: dict[str, Item] = field(default_factory=dict)
    decls: dict[str, ast.IndicatorDecl | ast.SectionDecl | ast.RuleDecl] = field(default_factory=dict)
    rule_decls: list[ast.RuleDecl] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    def report(self, d: Diagnostic) -> None:
        self.problems.append(d)


Pass = Callable[[_Context], None]


# -- pass 1: the form header ----------------------------------------------------------------


def _header(ctx: _Context) -> None:
    seen: dict[str, Span] = {}
    for attr in ctx.spec.header.attrs:
        if isinstance(attr, ast.Note):
            ctx.notes.append(attr.text.value)
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


# -- pass 2: items ----------------------------------------------------------------------------


def _collect(ctx: _Context) -> None:
    order: list[str] = []
    children: dict[str | None, list[str]] = {}
    pending: dict[str, tuple[ast.IndicatorDecl | ast.SectionDecl, str | None]] = {}

    def visit(member: ast.Member, parent: str | None) -> None:
        if isinstance(member, ast.Note):
            return
        if not _claim(ctx, member):
            return
        if isinstance(member, ast.RuleDecl):
            ctx.rule_decls.append(member)
            return
        order.append(member.id.text)
        pending[member.id.text] = (member, parent)
        children.setdefault(parent, []).append(member.id.text)
        for sub in member.members:
            visit(sub, member.id.text)

    for item in ctx.spec.items:
        visit(item, None)

    for item_id in order:
        decl, parent = pending[item_id]
        notes = tuple(m.text.value for m in decl.members if isinstance(m, ast.Note))
        if not decl.label.value.strip():
            ctx.report(diag("S212", decl.label.span))
        kids = tuple(children.get(item_id, ()))
        if isinstance(decl, ast.SectionDecl):
            ctx.items[item_id] = Item(
                item_id, decl.label.value, ItemKind.SECTION, parent, kids, notes=notes, span=decl.span
            )
            continue
        ctx.items[item_id] = Item(
            id=item_id,
            label=decl.label.value,
            kind=ItemKind.INDICATOR,
            parent=parent,
            children=kids,
            unit=_unit(ctx, decl),
            value_type=_value_type(ctx, decl.value_type),
            is_part=decl.is_part,
            notes=notes,
            span=decl.span,
        )


def _claim(ctx: _Context, decl: ast.IndicatorDecl | ast.SectionDecl | ast.RuleDecl) -> bool:
    """Register an id; a duplicate is reported and its declaration skipped."""
    first = ctx.decls.get(decl.id.text)
    if first is not None:
        ctx.report(
            diag(
                "S202",
                decl.id.span,
                name=decl.id.text,
                related=[Related(first.id.span, "first-defined")],
            )
        )
        return False
    ctx.decls[decl.id.text] = decl
    return True


def _unit(ctx: _Context, decl: ast.IndicatorDecl) -> str | None:
    if decl.unit is None:
        ctx.report(diag("S206", decl.label.span, unit="（未写）", unit_en="(none)", units=" ".join(UNITS)))
        return None
    if decl.unit.text not in UNITS:
        ctx.report(diag("S206", decl.unit.span, unit=decl.unit.text, units=" ".join(UNITS)))
        return None
    return decl.unit.text


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


def _suggest(ctx: _Context, name: str) -> dict[str, str]:
    by_label = [i.id for i in ctx.items.values() if _loose(i.label) == _loose(name)]
    close = by_label or difflib.get_close_matches(name, list(ctx.decls), n=3, cutoff=0.6)
    if close:
        return {
            "suggestion": f"是不是：{'、'.join(close)}",
            "suggestion_en": f"did you mean: {', '.join(close)}",
        }
    return {
        "suggestion": "检查拼写；规则里要写指标编号，不是印刷名称。",
        "suggestion_en": "check the spelling; rules use ids, not printed labels.",
    }


def _loose(text: str) -> str:
    from baobiao.labels import bare

    return bare(text)


_KINDS = {
    "section": ("没有数值的标题栏", "a heading without a value"),
    "rule": ("一条规则", "a rule"),
    "leaf": ("没有下级栏目的指标", "an indicator without parts"),
}


def _not_an_indicator(span: Span | None, name: str, kind: str, suggestion: str, suggestion_en: str) -> Diagnostic:
    zh, en = _KINDS[kind]
    return diag("S209", span, name=name, kind=zh, kind_en=en, suggestion=suggestion, suggestion_en=suggestion_en)


def _indicator(ctx: _Context, name: ast.Ident) -> Item | None:
    """Resolve a name that must be an indicator with a value; report if it is not."""
    item = ctx.items.get(name.text)
    if item is not None and item.has_value:
        return item
    if item is not None:
        ctx.report(
            _not_an_indicator(
                name.span,
                name.text,
                "section",
                f"对分组求和请写 sum({name.text})。",
                f"to add up a group, write sum({name.text}).",
            )
        )
    elif isinstance(ctx.decls.get(name.text), ast.RuleDecl):
        ctx.report(
            _not_an_indicator(name.span, name.text, "rule", "规则只能引用指标。", "rules may use indicators only.")
        )
    elif name.text in ctx.decls:
        return None  # a duplicate already reported
    else:
        ctx.report(diag("S201", name.span, name=name.text, params=_suggest(ctx, name.text)))
    return None


def _value_children(ctx: _Context, item: Item) -> list[str]:
    """Ids a total adds up: the items below it that are not 其中 items; headings recursed."""
    out: list[str] = []
    for kid_id in item.children:
        kid = ctx.items[kid_id]
        if kid.has_value and not kid.is_part:
            out.append(kid_id)
        elif not kid.has_value:
            out.extend(_value_children(ctx, kid))
    return out


# -- pass 3: sums and 其中 items -------------------------------------------------------------


def _sums(ctx: _Context) -> None:
    for item_id, decl in ctx.decls.items():
        if not isinstance(decl, ast.IndicatorDecl) or decl.relation is None:
            continue
        total = ctx.items.get(item_id)
        if total is None:
            continue
        relation = decl.relation
        if relation.parts is None:
            parts = _value_children(ctx, total)
        else:
            parts = []
            for name in relation.parts:
                if name.text == item_id:
                    ctx.report(diag("S203", name.span, name=item_id))
                    continue
                part = _indicator(ctx, name)
                if part is not None:
                    parts.append(part.id)
        if not parts:
            if relation.parts is None:
                ctx.report(diag("S208", relation.span, name=item_id))
            continue
        labels = "、".join(ctx.items[p].label for p in parts)
        ctx.rules.append(
            Rule(
                id=f"{item_id}.sum",
                kind=RuleKind.SUM,
                severity=Severity.ERROR,
                description=f"{total.label} 等于 {labels} 之和",
                left=LinExpr((Term(Decimal(1), item_id),)),
                op="=",
                right=LinExpr(tuple(Term(Decimal(1), p) for p in parts)),
                span=relation.span,
            )
        )


def _parts(ctx: _Context) -> None:
    for item in list(ctx.items.values()):
        if not item.is_part or item.parent is None:
            continue
        parent = ctx.items[item.parent]
        if not parent.has_value:
            ctx.report(
                _not_an_indicator(
                    item.span,
                    parent.id,
                    "section",
                    "“其中”项要写在有数值的指标下面。",
                    "a 其中 item belongs under an indicator with a value.",
                )
            )
            continue
        ctx.rules.append(
            Rule(
                id=f"{item.id}.part",
                kind=RuleKind.PART,
                severity=Severity.ERROR,
                description=f"{item.label} 不大于 {parent.label}",
                left=LinExpr((Term(Decimal(1), item.id),)),
                op="<=",
                right=LinExpr((Term(Decimal(1), parent.id),)),
                span=item.span,
            )
        )


# -- pass 4: named rules ----------------------------------------------------------------------


def _linear(ctx: _Context, rule_id: str, expr: ast.Expr) -> dict[str, Decimal] | None:
    """An expression as coefficients by id, the constant under the key ''; None if a name
    did not resolve (reported). Both sides of every operator are resolved, so that one run
    reports every unknown name."""
    if isinstance(expr, ast.Ref):
        if expr.name.text == rule_id:
            ctx.report(diag("S203", expr.name.span, name=rule_id))
            return None
        item = _indicator(ctx, expr.name)
        return {item.id: Decimal(1)} if item is not None else None
    if isinstance(expr, ast.SumRef):
        group = ctx.items.get(expr.name.text)
        if group is None:
            _indicator(ctx, expr.name)  # reports an unknown name or a rule
            return None
        ids = _value_children(ctx, group)
        if not ids:
            ctx.report(
                _not_an_indicator(expr.name.span, group.id, "leaf", f"直接写 {group.id}。", f"write {group.id} itself.")
            )
            return None
        return dict.fromkeys(ids, Decimal(1))
    if isinstance(expr, ast.Const):
        return {"": _number(expr.value.text)}
    if isinstance(expr, ast.Scaled):
        factor = _number(expr.factor.text)
        inner = _linear(ctx, rule_id, expr.operand)
        return None if inner is None else {k: v * factor for k, v in inner.items()}
    if isinstance(expr, ast.Negated):
        inner = _linear(ctx, rule_id, expr.operand)
        return None if inner is None else {k: -v for k, v in inner.items()}
    left = _linear(ctx, rule_id, expr.left)
    right = _linear(ctx, rule_id, expr.right)
    if left is None or right is None:
        return None
    sign = 1 if expr.op == "+" else -1
    for k, v in right.items():
        left[k] = left.get(k, Decimal(0)) + sign * v
    return left


def _number(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # the grammar admits only digits; keep the transformer total
        return Decimal(0)


def _to_linexpr(coefs: dict[str, Decimal]) -> LinExpr:
    constant = coefs.pop("", Decimal(0))
    return LinExpr(tuple(Term(c, i) for i, c in coefs.items()), constant)


def _named_rules(ctx: _Context) -> None:
    for decl in ctx.rule_decls:
        sides = [_linear(ctx, decl.id.text, s) for s in (decl.constraint.left, decl.constraint.right)]
        if sides[0] is None or sides[1] is None:
            continue
        ctx.rules.append(
            Rule(
                id=decl.id.text,
                kind=RuleKind.RULE,
                severity=Severity.WARNING if decl.severity == "warning" else Severity.ERROR,
                description=decl.description.value,
                left=_to_linexpr(sides[0]),
                op=decl.constraint.op,
                right=_to_linexpr(sides[1]),
                span=decl.span,
            )
        )


# -- pass 5: cycles among sums ---------------------------------------------------------------


def _cycles(ctx: _Context) -> None:
    graph = {r.left.terms[0].id: r.right.ids for r in ctx.rules if r.kind is RuleKind.SUM}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []
    reported: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                loop = [*stack[stack.index(nxt) :], nxt]
                key = frozenset(loop)
                if key not in reported:
                    reported.add(key)
                    span = ctx.items[node].span
                    ctx.report(diag("S204", span, cycle=" → ".join(loop)))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)


# -- pass 6: units ----------------------------------------------------------------------------


def _units(ctx: _Context) -> None:
    """Sums and 其中 items add like with like. Named rules may compare across units on
    purpose (the 2014 table weighs 篇 of interpretations against 次 of responses)."""
    for rule in ctx.rules:
        if rule.kind is RuleKind.RULE:
            continue
        ids = rule.ids
        anchor = ctx.items[ids[0]]
        for other_id in ids[1:]:
            other = ctx.items[other_id]
            if anchor.unit and other.unit and other.unit != anchor.unit:
                ctx.report(
                    diag("S205", other.span, name=anchor.id, unit=anchor.unit, other=other.id, other_unit=other.unit)
                )


PASSES: tuple[Pass, ...] = (_header, _collect, _sums, _parts, _named_rules, _cycles, _units)


def compile_spec(spec: ast.SpecFile) -> tuple[Form | None, list[Diagnostic]]:
    """Compile an AST to a form; None when there are errors (all of them reported)."""
    ctx = _Context(spec)
    for run in PASSES:
        run(ctx)
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
        ),
        ctx.problems,
    )
