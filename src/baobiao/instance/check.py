"""Model + instance -> findings. Exact arithmetic; every rule either holds, fails, or is
reported as not checkable because of named blank cells: never skipped silently."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType

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
from baobiao.instance.bounds import Bounded, Key, Verdict, decide, joint
from baobiao.instance.load import GroupValue, Instance
from baobiao.instance.textcheck import Tables, check_text
from baobiao.instance.values import ValueKind, format_number, parse_value
from baobiao.model import Form, Item, LinExpr, Rule, RuleKind, Term, value_entries
from baobiao.source import Span


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


def table_cells(form: Form) -> dict[str, tuple[str, ...]]:
    """The value cells of each printed table (the plain rows are table "")."""
    out: dict[str, tuple[str, ...]] = {}
    for table in form.tables:
        if table.rows is not None and table.columns:
            rows, cols = value_entries(table.rows), value_entries(table.columns)
            out[table.id] = tuple(table.cell_id(r.id, c.id) for r in rows for c in cols)
        else:
            out[table.id] = tuple(n.id for n in value_entries(table.rows or table.columns))
    return out


def _keys(item_id: str, label: str) -> set[str]:
    """What a user may call a table (or the heading above tables) by: its id, its label, its
    number (三, 表三)."""
    from baobiao.labels import bare, normalize

    text = normalize(label)
    number = text.split(".")[0] if "." in text else ""
    keys = {item_id.casefold(), text, bare(label)}
    if number:
        keys |= {number, f"表{number}"}
    return {k for k in keys if k}


def select_tables(form: Form, names: list[str]) -> tuple[frozenset[str], list[str]]:
    """The table ids that ``names`` (ids, printed labels or numbers such as 三, of tables or of
    the headings holding them, such as 二 for table 二's four blocks) stand for, and the names
    that stand for none."""
    from baobiao.labels import normalize

    chosen: set[str] = set()
    unknown: list[str] = []
    tables = [t for t in form.tables if t.id]
    for name in names:
        key = normalize(name).casefold()
        named = {i.id for i in form.items if not i.has_value and key in _keys(i.id, i.label)}
        found = {t.id for t in tables if ({t.id} | {a.id for a in form.ancestors(t.id)}) & named}
        if not found:
            unknown.append(name)
        chosen |= found
    return frozenset(chosen), unknown


class _Checker:
    def __init__(
        self, form: Form, instance: Instance, previous: Instance | None, tables: frozenset[str] | None = None
    ) -> None:
        self.form = form
        self.instance = instance
        self.previous = previous
        self.findings: list[Diagnostic] = []
        self.not_checked: list[str] = []
        cells = table_cells(form)
        self.table_of = {c: t for t, ids in cells.items() for c in ids}
        # cells outside the tables chosen (--tables), and tables not given at all: not checked
        given = set(instance.values) | {c for g in instance.groups for c in g.cells}
        filled = {
            c
            for c, v in instance.values.items()
            if v.number is not None or parse_value(v.text).kind is not ValueKind.MISSING
        }
        filled |= {c for g in instance.groups if g.number is not None for c in g.cells}
        # tables left out, or printed with every cell blank (a skeleton): reported once each
        # (a table of one cell is just that cell: its blank is named as such)
        self.absent = {t: not given & set(ids) for t, ids in cells.items() if len(ids) > 1 and not filled & set(ids)}
        self.skipped = {t for t in cells if tables is not None and t not in tables}
        # a subtotal printed beside its parts (（三）不予公开 with a number of its own, a
        # 法人或其他组织 column) is a rule of this file: it equals the sum of its parts
        split = [g for g in instance.groups if not any(c in instance.values for c in g.cells)]
        self.groups = tuple(split)  # rows of an earlier form, their rows blank: sums for the bounds
        self.subtotals = tuple(_subtotal(g) for g in instance.groups if g not in split and g.number is not None)
        # cells an earlier form's row stands for (a row the form splits): one warning already says so
        self.covered = {c for g in split for c in g.cells}
        self.undecided: list[Bounded] = []
        self.forced: dict[Key, Decimal] = {}  # blanks the rules fix to one value
        self.holding: list[Rule] = []  # hard rules over blanks that may hold: constraints of the joint analysis

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
            label=prefix + self.form.name(item.id) + ("（上年数据中没有这一栏）" if absent else ""),
            path=prefix + self.form.path(item_id),
            value=format_number(value) if value is not None else None,
            span=self.span(item_id, previous),
        )

    def data_path(self, item_id: str) -> str:
        given = self.instance.values.get(item_id)
        return given.path if given else f"$.values.{self.form.path(item_id)}"

    # -- cells ----------------------------------------------------------------------------
    def out_of_scope(self, item_id: str) -> bool:
        table = self.table_of.get(item_id, "")
        return table in self.skipped or table in self.absent

    def check_cell(self, item: Item) -> None:
        if self.out_of_scope(item.id) or item.id in self.covered:
            return
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
                diag(
                    "C404",
                    self.span(item.id),
                    data_path=data_path,
                    cells=cells,
                    label=self.form.name(item.id),
                    params={**how, "implied": "", "implied_en": ""},
                )
            )
            return
        value, vt = given.number, item.value_type
        assert vt is not None
        args = {"label": self.form.name(item.id), "value": format_number(value), "unit": item.unit or ""}
        if value < 0 and not vt.signed:
            self.findings.append(diag("C406", given.span, data_path=data_path, cells=cells, params=args))
        places = _decimal_places(value)
        if places > vt.decimals:
            code = "C407" if vt.decimals == 0 else "C408"
            self.findings.append(
                diag(code, given.span, data_path=data_path, cells=cells, places=str(vt.decimals), params=args)
            )

    # -- rules ----------------------------------------------------------------------------
    def known(self, rule: Rule) -> dict[Key, Decimal]:
        """The rule's cells that have values: (id, last year's) -> value."""
        out: dict[Key, Decimal] = {}
        for t in (*rule.left.terms, *rule.right.terms):
            value = self.number(t.id, t.previous)
            if value is not None:
                out[(t.id, t.previous)] = value
        return out

    def check_rule(self, rule: Rule) -> None:
        ref = RuleRef(rule.id, rule.description, rule.kind.value)
        declared = [Related(rule.span, "rule-declared")] if rule.span else []
        anchor = self.span(rule.ids[0]) if rule.ids else None
        tables = {self.table_of.get(i, "") for i in rule.ids}
        if tables & self.skipped or (tables and tables <= set(self.absent)):
            return  # outside the tables checked, or wholly in a table not given (reported once)
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
                        decide="",
                        decide_en="",
                    )
                )
                return
            if not rule.condition.holds(value):
                return  # the rule does not apply to this agency
        if rule.previous_ids and self.previous is None:
            self.not_checked.append(rule.id)
            return
        known = self.known(rule)
        bounded = decide(self.form, rule, known, self.groups)
        if bounded.verdict is Verdict.FAILS:
            self.findings.append(_FINDINGS[rule.kind](self, rule, ref, self.comparison(bounded), declared))
        elif bounded.verdict is Verdict.ZERO:
            self.forced.update(dict.fromkeys(bounded.blanks, Decimal(0)))
            blank = "、".join(self.cell(i, prev).label for i, prev in bounded.blanks)
            self.findings.append(
                diag(
                    "C413",
                    anchor,
                    rule=ref,
                    cells=[self.cell(i, prev) for i, prev in bounded.blanks],
                    data_path=self.data_path(bounded.blanks[0][0]),
                    related=declared,
                    rule_id=rule.id,
                    description=rule.description,
                    blank=blank,
                )
            )
        elif bounded.verdict is Verdict.UNDECIDED:
            self.undecided.append(bounded)
        if bounded.blanks and bounded.verdict is not Verdict.FAILS and rule.severity is Severity.ERROR:
            self.holding.append(rule)

    def comparison(self, b: Bounded) -> Comparison:
        """Both sides of a failed rule: exact, or (with blanks) what the known cells give."""
        difference = b.known_left - b.known_right
        return Comparison(
            format_number(b.known_left),
            format_number(b.known_right),
            format_number(difference),
            b.rule.op,
            bool(b.blanks),
        )

    def decide_together(self) -> None:
        """The undecided rules, with the hard rules over blanks taken together."""
        if not self.undecided:
            return
        known: dict[Key, Decimal] = {}
        for b in self.undecided:
            known.update(self.known(b.rule))
        for r in self.holding:
            known.update(self.known(r))
        found = joint(self.form, [b.rule for b in self.undecided], self.holding, known, self.groups)
        for conflict in found.conflicts:
            blanks = list(dict.fromkeys(k for r in conflict for k in _blank_keys(r, known)))
            cells = [self.cell(i, prev) for i, prev in blanks]
            self.findings.append(
                diag(
                    "C414",
                    cells[0].span if cells else None,
                    cells=cells,
                    data_path=self.data_path(blanks[0][0]) if blanks else None,
                    related=[Related(r.span, "rule-declared") for r in conflict if r.span is not None],
                    blank="、".join(c.label for c in cells),
                    rules="、".join(f"{r.id}（{r.description}）" for r in conflict),
                    detail=_forced_text(self, found.forced, blanks, "zh"),
                    detail_en=_forced_text(self, found.forced, blanks, "en"),
                )
            )
        self.forced.update(found.forced)
        conflicted = {r.id for c in found.conflicts for r in c}
        for b in self.undecided:
            if b.rule.id in found.implied or b.rule.id in conflicted:
                continue
            ref = RuleRef(b.rule.id, b.rule.description, b.rule.kind.value)
            cells = [self.cell(i, prev) for i, prev in b.blanks]
            self.findings.append(
                diag(
                    "C405",
                    self.span(b.rule.ids[0]) if b.rule.ids else None,
                    rule=ref,
                    cells=cells,
                    data_path=self.data_path(b.blanks[0][0]),
                    related=[Related(b.rule.span, "rule-declared")] if b.rule.span else [],
                    rule_id=b.rule.id,
                    description=b.rule.description,
                    blank="、".join(c.label for c in cells),
                    decide=_forced_text(self, found.forced, list(b.blanks), "zh"),
                    decide_en=_forced_text(self, found.forced, list(b.blanks), "en"),
                )
            )

    def tables_not_given(self) -> None:
        for table in self.form.tables:
            if table.id in self.absent and table.id not in self.skipped:
                why = ("数据中没有这张表的任何一栏", "the data has none of its cells")
                if not self.absent[table.id]:
                    why = ("这张表的各栏全部空白", "every cell of it is blank")
                self.findings.append(
                    diag(
                        "C412", None, data_path=f"$.values.{table.label}", table=table.label, why=why[0], why_en=why[1]
                    )
                )

    def run(self) -> Checked:
        self.tables_not_given()
        for item in self.form.indicators:
            self.check_cell(item)
        for rule in (*self.form.rules, *self.subtotals):
            self.check_rule(rule)
        self.decide_together()
        self.findings = [_with_implied(self, d, self.forced) for d in self.findings]
        unchecked = frozenset(c for c, t in self.table_of.items() if t in self.skipped)
        said, not_checked = check_text(
            Tables(self.form, self.instance, self.previous, tuple(self.holding), self.groups, unchecked)
        )
        self.findings.extend(said)
        self.not_checked.extend(not_checked)
        return Checked(self.instance, sorted_diagnostics(self.findings), tuple(self.not_checked))


def _subtotal(group: GroupValue) -> Rule:
    """The rule that a subtotal given in the data equals the sum of its parts."""
    return Rule(
        id=f"subtotal@{group.heading}"
        + ("" if group.columns else "".join(f".{a}" for a in group.cells[0].split(".")[1:])),
        kind=RuleKind.RULE,
        severity=Severity.ERROR,
        description=f"数据中“{group.label}”的数等于其下各栏之和",
        left=LinExpr((), group.number or Decimal(0)),
        op="=",
        right=LinExpr(tuple(Term(Decimal(1), c) for c in group.cells)),
        span=group.span,
    )


def _with_implied(c: _Checker, d: Diagnostic, forced: Mapping[Key, Decimal]) -> Diagnostic:
    """A blank cell's finding with the value the rules fix it to, where they do."""
    if d.code != "C404" or not d.cells or (d.cells[0].id, False) not in forced:
        return d
    key = (d.cells[0].id, False)
    zh, en = _forced_text(c, forced, [key], "zh"), _forced_text(c, forced, [key], "en")
    return replace(d, args=MappingProxyType({**d.args, "implied": zh, "implied_en": en}))


def _blank_keys(rule: Rule, known: dict[Key, Decimal]) -> list[Key]:
    return [
        k for k in dict.fromkeys((t.id, t.previous) for t in (*rule.left.terms, *rule.right.terms)) if k not in known
    ]


def _forced_text(c: _Checker, forced: Mapping[Key, Decimal], blanks: list[Key], lang: str) -> str:
    """What the rules say the blanks must be, where they fix them ("按各规则 X 应为 28。")."""
    fixed = [(k, forced[k]) for k in blanks if k in forced]
    if not fixed:
        return ""
    if lang == "zh":
        return "按各规则，" + "、".join(f"“{c.cell(i, p).label}”应为 {format_number(v)}" for (i, p), v in fixed) + "。"
    return (
        "by the rules, "
        + ", ".join(f"'{c.cell(i, p).label}' would be {format_number(v)}" for (i, p), v in fixed)
        + ". "
    )


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
        params={
            **_bounded(cmp, "computed", cmp.right, note=True),
            **_bounded(cmp, "difference", cmp.difference.lstrip("-")),
        },
    )


def _bounded(cmp: Comparison, name: str, value: str, note: bool = False) -> dict[str, object]:
    """A message parameter that is a bound when blanks are involved: "至少 275" / "at least 275"
    (``note``: saying why, once per message)."""
    if not cmp.bounded:
        return {name: value}
    zh, en = ("（另有空白栏，按 0 计）", " (blank cells taken as 0)") if note else ("", "")
    return {name: f"至少 {value}{zh}", f"{name}_en": f"at least {value}{en}"}


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
        part=c.form.name(part),
        part_value=cmp.left,
        parent=c.form.name(parent),
        parent_value=cmp.right,
        params=_bounded(cmp, "difference", cmp.difference, note=True),
    )


def _side(c: _Checker, expr: LinExpr) -> str:
    pieces = []
    for t in expr.terms:
        coef = "" if t.coef == 1 else f"{format_number(t.coef)}×"
        cell = c.cell(t.id, t.previous)
        pieces.append(f"{coef}{cell.label} {cell.value if cell.value is not None else '空白'}")
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
        params=_bounded(cmp, "difference", cmp.difference.lstrip("-"), note=True),
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
    checker.absent = {}  # a batch reports missing lines cell by cell
    for cell in cells:
        checker.check_cell(form.item(cell))
    for rule in rules:
        checker.check_rule(rule)
    checker.decide_together()
    return sorted_diagnostics(checker.findings)


def check(
    form: Form, instance: Instance, previous: Instance | None = None, tables: frozenset[str] | None = None
) -> Checked:
    """Check an instance against its form; ``previous`` is last year's data for cross-year rules;
    ``tables``: the ids of the tables to check (None: all)."""
    return _Checker(form, instance, previous, tables).run()
