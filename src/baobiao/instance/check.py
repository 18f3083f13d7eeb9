"""Model + instance -> findings. Exact arithmetic; every rule either holds, fails, or is
reported as not checkable because of named blank cells: never skipped silently."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from baobiao.diagnostics.core import (
    Cell,
    Comparison,
    Diagnostic,
    Related,
    RuleRef,
    Severity,
    diag,
    sorted_diagnostics,
)
from baobiao.instance.load import Instance
from baobiao.instance.values import ValueKind, format_number, parse_value
from baobiao.model import Form, Item, LinExpr, Rule, RuleKind
from baobiao.source import Span

# (left - right, tolerance) -> the rule holds
_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "=": lambda d, tol: abs(d) <= tol,
    "<=": lambda d, tol: d <= tol,
    ">=": lambda d, tol: d >= -tol,
    # strict comparisons of rounded values cannot be decided within the rounding interval
    "<": lambda d, tol: d <= tol if tol else d < 0,
    ">": lambda d, tol: d >= -tol if tol else d > 0,
}


@dataclass(frozen=True, slots=True)
class Checked:
    """An instance with every finding of the check, sorted."""

    instance: Instance
    findings: tuple[Diagnostic, ...]
    not_checked: tuple[str, ...] = ()  # cross-year rules, for want of last year's data

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


class _Checker:
    def __init__(self, form: Form, instance: Instance, previous: Instance | None) -> None:
        self.form = form
        self.instance = instance
        self.previous = previous
        self.findings: list[Diagnostic] = []
        self.not_checked: list[str] = []

    # -- helpers --------------------------------------------------------------------------
    def _data(self, previous: bool) -> Instance | None:
        return self.previous if previous else self.instance

    def number(self, item_id: str, previous: bool = False) -> Decimal | None:
        data = self._data(previous)
        given = data.values.get(item_id) if data is not None else None
        return given.number if given is not None else None

    def span(self, item_id: str, previous: bool = False) -> Span | None:
        data = self._data(previous)
        given = data.values.get(item_id) if data is not None else None
        return given.span if given is not None else None

    def cell(self, item_id: str, previous: bool = False) -> Cell:
        item = self.form.item(item_id)
        value = self.number(item_id, previous)
        prefix = "上年 " if previous else ""
        absent = previous and self.previous is not None and item_id not in self.previous.values
        return Cell(
            id=item_id,
            label=prefix + item.label + ("（上年数据中没有这一栏）" if absent else ""),
            path=prefix + self.form.path(item_id),
            value=format_number(value) if value is not None else None,
            span=self.span(item_id, previous),
        )

    def data_path(self, item_id: str) -> str:
        given = self.instance.values.get(item_id)
        return given.path if given else f"$.values.{self.form.path(item_id)}"

    # -- cells ----------------------------------------------------------------------------
    def check_cell(self, item: Item) -> None:
        given = self.instance.values.get(item.id)
        data_path, cells = self.data_path(item.id), [self.cell(item.id)]
        if given is None or given.number is None:
            if given is not None and parse_value(given.text).kind is not ValueKind.MISSING:
                return  # unreadable text: reported when loading
            if given is None:
                how = {"how": "（数据文件中没有这一栏）", "how_en": " (not in the data file)"}
            elif given.text.strip():
                how = {"how": f"（填的是“{given.text}”）", "how_en": f" (given as '{given.text}')"}
            else:
                how = {"how": "（留空）", "how_en": " (left blank)"}
            self.findings.append(
                diag("C404", self.span(item.id), data_path=data_path, cells=cells, label=item.label, params=how)
            )
            return
        value, vt = given.number, item.value_type
        assert vt is not None
        args = {"label": item.label, "value": format_number(value), "unit": item.unit or ""}
        if value < 0 and not vt.signed:
            self.findings.append(diag("C406", given.span, data_path=data_path, cells=cells, params=args))
        places = _decimal_places(value)
        if places > vt.decimals:
            code = "C407" if vt.decimals == 0 else "C408"
            self.findings.append(
                diag(code, given.span, data_path=data_path, cells=cells, places=str(vt.decimals), params=args)
            )

    # -- rules ----------------------------------------------------------------------------
    def evaluate(self, expr: LinExpr) -> tuple[Decimal, Decimal]:
        """The value of an expression over filled cells, and its rounding tolerance: each
        decimal cell stands for an interval of half a unit in its last declared place
        (XBRL calculations 1.1); counts are exact."""
        total, tolerance = expr.constant, Decimal(0)
        for term in expr.terms:
            value = self.number(term.id, term.previous)
            assert value is not None
            total += term.coef * value
            vt = self.form.item(term.id).value_type
            if vt is not None and vt.decimals:
                tolerance += abs(term.coef) * Decimal(5).scaleb(-vt.decimals - 1)
        return total, tolerance

    def check_rule(self, rule: Rule) -> None:
        ref = RuleRef(rule.id, rule.description, rule.kind.value)
        declared = [Related(rule.span, "rule-declared")] if rule.span else []
        anchor = self.span(rule.ids[0]) if rule.ids else None
        if rule.condition is not None:
            value = self.instance.meta.get(rule.condition.field, "").strip()
            if not value:
                self.findings.append(
                    diag(
                        "C405",
                        None,
                        rule=ref,
                        data_path=f"$.meta.{rule.condition.field}",
                        related=declared,
                        rule_id=rule.id,
                        description=rule.description,
                        blank=f"meta.{rule.condition.field}",
                    )
                )
                return
            if not rule.condition.holds(value):
                return  # the rule does not apply to this agency
        if rule.previous_ids and self.previous is None:
            self.not_checked.append(rule.id)
            return
        blank = [(i, False) for i in rule.ids if self.number(i) is None]
        blank += [(i, True) for i in rule.previous_ids if self.number(i, True) is None]
        if blank:
            cells = [self.cell(i, prev) for i, prev in blank]
            self.findings.append(
                diag(
                    "C405",
                    anchor,
                    rule=ref,
                    cells=cells,
                    data_path=self.data_path(blank[0][0]),
                    related=declared,
                    rule_id=rule.id,
                    description=rule.description,
                    blank="、".join(c.label for c in cells),
                )
            )
            return
        left, tol_left = self.evaluate(rule.left)
        right, tol_right = self.evaluate(rule.right)
        if _OPS[rule.op](left - right, tol_left + tol_right):
            return
        comparison = Comparison(format_number(left), format_number(right), format_number(left - right), rule.op)
        self.findings.append(_FINDINGS[rule.kind](self, rule, ref, comparison, declared))

    def run(self) -> Checked:
        for item in self.form.indicators:
            self.check_cell(item)
        for rule in self.form.rules:
            self.check_rule(rule)
        return Checked(self.instance, sorted_diagnostics(self.findings), tuple(self.not_checked))


# -- one finding builder per rule kind --------------------------------------------------------

FindingBuilder = Callable[[_Checker, Rule, RuleRef, Comparison, list[Related]], Diagnostic]


def _sum_finding(c: _Checker, rule: Rule, ref: RuleRef, cmp: Comparison, declared: list[Related]) -> Diagnostic:
    total = rule.left.terms[0].id
    cells = [c.cell(total), *(c.cell(p) for p in rule.right.ids)]
    related = [
        Related(part.span, "part-here", {"label": part.label, "value": part.value})
        for part in cells[1:]
        if part.span is not None
    ]
    return diag(
        FINDING_CODES[rule.kind],
        cells[0].span,
        severity=failure_severity(rule),
        rule=ref,
        comparison=cmp,
        data_path=c.data_path(total),
        cells=cells,
        related=related + declared,
        parent=cells[0].label,
        count=str(len(cells) - 1),
        reported=cmp.left,
        computed=cmp.right,
        difference=cmp.difference.lstrip("-"),
    )


def _part_finding(c: _Checker, rule: Rule, ref: RuleRef, cmp: Comparison, declared: list[Related]) -> Diagnostic:
    part, parent = rule.left.terms[0].id, rule.right.terms[0].id
    return diag(
        FINDING_CODES[rule.kind],
        c.span(part),
        severity=failure_severity(rule),
        rule=ref,
        comparison=cmp,
        data_path=c.data_path(part),
        cells=[c.cell(part), c.cell(parent)],
        related=declared,
        part=c.form.item(part).label,
        part_value=cmp.left,
        parent=c.form.item(parent).label,
        parent_value=cmp.right,
        difference=cmp.difference,
    )


def _side(c: _Checker, expr: LinExpr) -> str:
    pieces = []
    for t in expr.terms:
        coef = "" if t.coef == 1 else f"{format_number(t.coef)}×"
        cell = c.cell(t.id, t.previous)
        pieces.append(f"{coef}{cell.label} {cell.value}")
    if expr.constant:
        pieces.append(format_number(expr.constant))
    return " + ".join(pieces) or "0"


def _rule_finding(c: _Checker, rule: Rule, ref: RuleRef, cmp: Comparison, declared: list[Related]) -> Diagnostic:
    terms = f"{_side(c, rule.left)} {rule.op} {_side(c, rule.right)}"
    return diag(
        FINDING_CODES[rule.kind],
        c.span(rule.ids[0]) if rule.ids else None,
        severity=failure_severity(rule),
        rule=ref,
        comparison=cmp,
        data_path=c.data_path(rule.ids[0]) if rule.ids else None,
        cells=[c.cell(i) for i in rule.ids] + [c.cell(i, True) for i in rule.previous_ids],
        related=declared,
        rule_id=rule.id,
        description=rule.description,
        left=cmp.left,
        right=cmp.right,
        difference=cmp.difference.lstrip("-"),
        terms=terms,
    )


#: the code of the finding a rule of each kind gives when it does not hold (its builder below)
FINDING_CODES = {RuleKind.SUM: "C401", RuleKind.PART: "C402", RuleKind.RULE: "C403"}


def failure_severity(rule: Rule) -> Severity:
    """The severity of the finding a rule gives when it does not hold: a named rule's own, the
    code's for sums and 其中 items."""
    from baobiao.diagnostics.codes import CODES

    return rule.severity if rule.kind is RuleKind.RULE else CODES[FINDING_CODES[rule.kind]].severity


_FINDINGS: dict[RuleKind, FindingBuilder] = {
    RuleKind.SUM: _sum_finding,
    RuleKind.PART: _part_finding,
    RuleKind.RULE: _rule_finding,
}


def check_some(form: Form, instance: Instance, rules: Iterable[Rule], cells: Iterable[str]) -> tuple[Diagnostic, ...]:
    """The findings of some rules and cells only (a batch checks the ones its matrix flagged)."""
    checker = _Checker(form, instance, None)
    for cell in cells:
        checker.check_cell(form.item(cell))
    for rule in rules:
        checker.check_rule(rule)
    return sorted_diagnostics(checker.findings)


def check(form: Form, instance: Instance, previous: Instance | None = None) -> Checked:
    """Check an instance against its form; ``previous`` is last year's data for cross-year rules."""
    return _Checker(form, instance, previous).run()
