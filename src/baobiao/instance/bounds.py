"""Rules over blank cells, decided where the known cells decide them.

A blank (or unreadable) cell is not a zero, but it is not anything either: it holds a value of
its type (a count is >= 0), and a sum given for a heading whose rows are blank (2019's single
（六）其他处理 row in a 2021 table) says what those rows add up to. So a rule touching blanks is

- FAILS when no values of the blanks make it hold (parts that already add up to more than
  their total): an error like any broken rule;
- HOLDS when every value does: nothing to say about the rule (the blanks are findings of
  their own);
- ZERO when it holds only if the blanks are all 0 (a note: "若空白栏均为 0 则成立");
- UNDECIDED otherwise, left to :func:`joint`, which looks at the hard rules together
  (a blank total is fixed by its parts, and then decides the rules over the total):
  contradictory rules are an error naming the blanks (C414); a rule the others imply is
  decided; only the rest is "not checkable" (C405), with the values that would decide it.

The semantics of an operator and its tolerance come from model.semantics; the linear programs
use scipy's HiGHS, imported only when some rule is undecided.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from baobiao.instance.load import GroupValue
from baobiao.model import Form, LinExpr, Rule, Term
from baobiao.model.semantics import ZERO, Accepted, accepted, lower_bound, rule_tolerance, step

Key = tuple[str, bool]  # (cell id, last year's)

#: the joint analysis stops after this many seconds per file and leaves the rest undecided
JOINT_BUDGET = 2.0
#: blank cells whose forced value is worked out, at most, per file
MAX_FORCED = 40


class Verdict(StrEnum):
    FAILS = "fails"
    HOLDS = "holds"
    ZERO = "zero"
    UNDECIDED = "undecided"


@dataclass(frozen=True, slots=True)
class Bounded:
    """A rule over blanks: the range of ``left - right`` over the blanks' possible values
    (None: unbounded on that side), the part of it the known cells give, and the verdict."""

    rule: Rule
    verdict: Verdict
    low: Decimal | None
    high: Decimal | None
    known_left: Decimal  # the left side over the known cells (and given sums)
    known_right: Decimal
    blanks: tuple[Key, ...]


def _terms(rule: Rule) -> list[tuple[Decimal, Key]]:
    """(coefficient, cell) of left - right."""
    out = [(t.coef, (t.id, t.previous)) for t in rule.left.terms]
    return out + [(-t.coef, (t.id, t.previous)) for t in rule.right.terms]


def _substitute(
    terms: list[tuple[Decimal, Key]], known: Mapping[Key, Decimal], groups: Sequence[GroupValue]
) -> tuple[list[tuple[Decimal, Key]], list[Decimal]]:
    """Blank terms that a given sum covers (all of its cells, with one coefficient) replaced by
    that sum: (the blank terms left, the replacements' values as terms of left - right)."""
    blank = {k: c for c, k in terms if k not in known}
    values: list[Decimal] = []
    replaced: set[Key] = set()
    for g in groups:
        keys = [(c, False) for c in g.cells]
        if g.number is None or not all(k in blank for k in keys):
            continue
        coefs = {blank[k] for k in keys}
        if len(coefs) == 1:
            values.append(coefs.pop() * g.number)
            replaced.update(keys)
    return [(c, k) for c, k in terms if k not in known and k not in replaced], values


def decide(form: Form, rule: Rule, known: Mapping[Key, Decimal], groups: Sequence[GroupValue] = ()) -> Bounded:
    """The verdict on a rule some of whose cells are blank (``known``: the cells with values)."""
    blanks, given = _substitute(_terms(rule), known, groups)

    def side(expr_terms: tuple[Term, ...], constant: Decimal) -> Decimal:
        return constant + sum(
            (t.coef * known[(t.id, t.previous)] for t in expr_terms if (t.id, t.previous) in known), ZERO
        )

    left = side(rule.left.terms, rule.left.constant) + sum((v for v in given if v > 0), ZERO)
    right = side(rule.right.terms, rule.right.constant) - sum((v for v in given if v < 0), ZERO)
    base = left - right
    low: Decimal | None = base
    high: Decimal | None = base
    for coef, (cell, _) in blanks:
        bound = lower_bound(form.item(cell).value_type)  # the least value; there is no greatest
        if coef > 0:
            high = None
            low = None if low is None or bound is None else low + coef * bound
        else:
            low = None
            high = None if high is None or bound is None else high + coef * bound
    ok = accepted(rule.op, rule_tolerance(form, rule))
    keys = tuple(dict.fromkeys(k for _, k in blanks))
    if not blanks:
        verdict = Verdict.HOLDS if ok.contains(base) else Verdict.FAILS
    elif not ok.meets(low, high):
        verdict = Verdict.FAILS
    elif ok.covers(low, high):
        verdict = Verdict.HOLDS
    else:
        at_bounds = base + sum((c * (lower_bound(form.item(k[0]).value_type) or ZERO) for c, k in blanks), ZERO)
        verdict = Verdict.ZERO if _only(ok, low, high, at_bounds) else Verdict.UNDECIDED
    return Bounded(rule, verdict, low, high, left, right, keys)


def _only(ok: Accepted, low: Decimal | None, high: Decimal | None, point: Decimal) -> bool:
    """Whether ``point``, an end of the range from ``low`` to ``high``, is the only value of the
    range that the rule accepts (then the blanks must all be at their bounds: 0)."""
    if not ok.contains(point):
        return False
    if point == high:  # the range runs down from the point: nothing below it is accepted
        return ok.lo == point
    if point == low:
        return ok.hi == point
    return False


# -- the hard rules together ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Joint:
    """What the rules together say about the undecided ones."""

    conflicts: tuple[tuple[Rule, ...], ...]  # sets of rules no values of the blanks satisfy together
    implied: frozenset[str]  # rule ids the others decide: they hold whatever the blanks are
    forced: Mapping[Key, Decimal]  # blanks the rules fix to one value
    complete: bool  # False: stopped at the budget (or scipy missing); the rest undecided


class _Program:
    """The rules over blank cells as a mixed-integer program (numpy and scipy, imported by the
    caller): one variable per blank cell, at least its type's least value, integral for counts."""

    def __init__(
        self,
        form: Form,
        rows: Sequence[Rule],
        known: Mapping[Key, Decimal],
        groups: Sequence[GroupValue],
        extra: Sequence[Key] = (),
    ) -> None:
        import numpy as np

        self.np = np
        self.form = form
        self.known = known
        cells = list(dict.fromkeys([*(k for r in rows for _, k in _terms(r) if k not in known), *extra]))
        cells += [k for g in groups for k in ((c, False) for c in g.cells) if k not in known and k not in cells]
        self.cells = cells
        self.index = {k: n for n, k in enumerate(cells)}
        self.n = n = len(cells)
        types = [form.item(c).value_type for c, _ in cells]
        self.lower = np.array([float(b) if (b := lower_bound(t)) is not None else -np.inf for t in types])
        self.integrality = np.array([0 if t is not None and t.decimals else 1 for t in types])
        self.fixed = []
        for g in groups:
            if g.number is None:
                continue
            vec = np.zeros(n)
            for c in g.cells:
                if (c, False) in self.index:
                    vec[self.index[(c, False)]] = 1.0
            given = sum((known[(c, False)] for c in g.cells if (c, False) in known), Decimal(0))
            self.fixed.append((vec, float(g.number - given), float(g.number - given)))
        self.built = {r.id: self.row_of(r) for r in rows}

    def vector(self, terms: Sequence[tuple[Decimal, Key]]) -> tuple[Any, Decimal]:
        """Coefficients over the blanks, and the value over the known cells."""
        vec = self.np.zeros(self.n)
        base = Decimal(0)
        for coef, key in terms:
            if key in self.known:
                base += coef * self.known[key]
            else:
                vec[self.index[key]] += float(coef)
        return vec, base

    def row_of(self, rule: Rule) -> tuple[Any, float, float]:
        np = self.np
        vec, base = self.vector(_terms(rule))
        base += rule.left.constant - rule.right.constant
        ok = accepted(rule.op, rule_tolerance(self.form, rule))
        unit = min((step(self.form.item(k[0]).value_type) for _, k in _terms(rule)), default=Decimal(1))
        lo = -np.inf if ok.lo is None else float(ok.lo - base + (unit if ok.lo_open else 0))
        hi = np.inf if ok.hi is None else float(ok.hi - base - (unit if ok.hi_open else 0))
        return vec, lo, hi

    def solve(self, use: Sequence[Rule], objective: Any = None) -> tuple[bool, float]:
        """Whether the rules can hold together, and the least value of ``objective`` if so
        (-inf: unbounded)."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        np = self.np
        parts = [self.built[r.id] for r in use] + self.fixed
        cons = (
            [LinearConstraint(np.array([p[0] for p in parts]), [p[1] for p in parts], [p[2] for p in parts])]
            if parts
            else []
        )
        cost = objective if objective is not None else np.zeros(self.n)
        res = milp(cost, constraints=cons, integrality=self.integrality, bounds=Bounds(self.lower, np.inf))
        if res.status == 3 or (objective is not None and res.status == 4):  # unbounded (or not told apart)
            return True, -np.inf
        if not res.success:
            return False, 0.0
        return True, float(res.fun)


def extent(
    form: Form,
    expr: LinExpr,
    constraints: Sequence[Rule],
    known: Mapping[Key, Decimal],
    groups: Sequence[GroupValue] = (),
) -> tuple[Decimal | None, Decimal | None]:
    """The least and greatest values of ``expr`` (this year's cells) that the hard rules over
    blanks allow (None: no bound that side), the blanks at least their type's least value."""
    terms = [(t.coef, (t.id, t.previous)) for t in expr.terms]
    blanks = [k for _, k in terms if k not in known]
    fixed = expr.constant + sum((c * known[k] for c, k in terms if k in known), ZERO)
    if not blanks:
        return fixed, fixed
    try:
        program = _Program(form, constraints, known, groups, blanks)
    except ImportError:  # pragma: no cover - scipy is a dependency of the [solve] analyses
        return None, None
    vec, _ = program.vector(terms)
    feasible, smallest = program.solve(constraints, vec)
    if not feasible:  # the rules contradict each other: reported as such; nothing to add here
        return None, None
    _, largest = program.solve(constraints, -vec)
    places = min((step(form.item(k[0]).value_type) for k in blanks), default=Decimal(1))

    def exact(x: float) -> Decimal | None:
        if x in (float("inf"), float("-inf")):
            return None
        return fixed + Decimal(str(round(x / float(places)))) * places

    return exact(smallest), exact(-largest)


def joint(
    form: Form,
    undecided: Sequence[Rule],
    constraints: Sequence[Rule],
    known: Mapping[Key, Decimal],
    groups: Sequence[GroupValue] = (),
    budget: float = JOINT_BUDGET,
) -> Joint:
    """Decide ``undecided`` rules with the hard ``constraints`` (rules over blanks that may
    hold) taken together, as linear programs over the blank cells."""
    try:
        import numpy as np

        program = _Program(form, list(dict.fromkeys([*constraints, *undecided])), known, groups)
    except ImportError:  # pragma: no cover - scipy is a dependency of the [solve] analyses
        return Joint((), frozenset(), {}, False)
    start = time.monotonic()
    if not program.cells:
        return Joint((), frozenset(), {}, True)
    index, n, built, solve = program.index, program.n, program.built, program.solve

    def out_of_time() -> bool:
        return time.monotonic() - start > budget

    conflicts: list[tuple[Rule, ...]] = []
    active = list(constraints)
    for _ in range(4):  # a few independent conflicts, at most
        if out_of_time() or solve(active)[0]:
            break
        core = list(active)
        for r in list(core):
            trial = [x for x in core if x is not r]
            if not solve(trial)[0]:
                core = trial
            if out_of_time():
                break
        if not core:
            break
        conflicts.append(tuple(core))
        active = [r for r in active if r not in core]
    implied: set[str] = set()
    for rule in undecided:
        if out_of_time():
            return Joint(tuple(conflicts), frozenset(implied), {}, False)
        if any(rule in c for c in conflicts):
            continue
        others = [r for r in active if r is not rule]
        vec, lo, hi = built[rule.id]
        feasible, smallest = solve(others, vec)
        if not feasible:
            continue
        feasible, largest = solve(others, -vec)
        largest = -largest
        if smallest >= lo - 1e-9 and largest <= hi + 1e-9:
            implied.add(rule.id)
    forced: dict[Key, Decimal] = {}
    # blanks alone in a rule first: those are the ones the rules are likely to fix
    ranked = sorted(undecided, key=lambda r: sum(1 for _, k in _terms(r) if k in index))
    wanted = [k for r in ranked for _, k in _terms(r) if k in index]
    for key in list(dict.fromkeys(wanted))[:MAX_FORCED]:
        if out_of_time():
            return Joint(tuple(conflicts), frozenset(implied), forced, False)
        unit = np.zeros(n)
        unit[index[key]] = 1.0
        ok_low, low = solve(active, unit)
        ok_high, high = solve(active, -unit)
        if ok_low and ok_high and abs(low + high) < 1e-9 and np.isfinite(low):
            vt = form.item(key[0]).value_type
            places = vt.decimals if vt is not None else 0
            forced[key] = Decimal(round(low)) if not places else Decimal(str(round(low, places)))
    return Joint(tuple(conflicts), frozenset(implied), forced, True)
