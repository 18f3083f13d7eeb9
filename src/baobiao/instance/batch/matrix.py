"""The form's rules as a matrix (numpy): rules × cells, left - right, with each rule's
accepted interval and tolerance from ``model.semantics``, so that the rules of many agencies
are evaluated in one product. The pass is a filter: exact for whole numbers, and erring only
towards flagging for decimals."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy.sparse import csr_array

from baobiao.model import Form, Rule, semantics

_EXACT_IN_FLOAT = float(2**53)  # below this, sums of whole numbers are exact in float64


@dataclass(frozen=True)
class RuleMatrix:
    ids: tuple[str, ...]
    index: dict[str, int]
    rules: tuple[Rule, ...]
    coef: np.ndarray  # rules × cells: left - right
    constant: np.ndarray  # left - right constants
    tolerance: np.ndarray  # rounding tolerance of the decimal cells a rule uses (0 for whole rules)
    # per rule, the accepted values of left - right (semantics.accepted): from lo to hi (-inf,
    # +inf: no bound), each end open (strict) or closed
    lo: np.ndarray
    hi: np.ndarray
    lo_open: np.ndarray
    hi_open: np.ndarray
    whole: np.ndarray  # rules of whole numbers only: float arithmetic is exact for them
    weight: np.ndarray  # per rule: sum of |coefficients| (bounds the size of left - right)
    lower: np.ndarray  # the least value of each cell (semantics.lower_bound; -inf: none)
    decimals: np.ndarray  # decimal places per cell
    sparse: Any = field(init=False)  # coef, sparse (scipy): products without BLAS, whose threads fight ours
    uses: Any = field(init=False)  # the same, 1.0 where the rule uses the cell

    def __post_init__(self) -> None:
        object.__setattr__(self, "sparse", csr_array(self.coef))
        object.__setattr__(self, "uses", csr_array((self.coef != 0).astype(np.float64)))

    def reordered(self, order: np.ndarray) -> RuleMatrix:
        """The matrix with its cell columns in another order (``order`` lists every cell once)."""
        ids = tuple(self.ids[k] for k in order)
        coef = self.coef[:, order]
        return replace(
            self,
            ids=ids,
            index={i: k for k, i in enumerate(ids)},
            coef=coef,
            lower=self.lower[order],
            decimals=self.decimals[order],
        )


def batch_checked(rule: Rule) -> bool:
    """Whether a batch checks ``rule``: not a rule that depends on an agency's meta (``when
    level …``) or on last year (``previous``), which a long CSV does not carry."""
    return rule.condition is None and not rule.previous_ids


def compile_rules(form: Form) -> RuleMatrix:
    ids = tuple(i.id for i in form.indicators)
    index = {i: k for k, i in enumerate(ids)}
    rules = tuple(r for r in form.rules if batch_checked(r))
    coef = np.zeros((len(rules), len(ids)))
    constant = np.zeros(len(rules))
    tolerance = np.zeros(len(rules))
    lo, hi = np.full(len(rules), -np.inf), np.full(len(rules), np.inf)
    lo_open, hi_open = np.zeros(len(rules), dtype=bool), np.zeros(len(rules), dtype=bool)
    whole = np.ones(len(rules), dtype=bool)
    types = [form.item(i).value_type for i in ids]
    decimals = np.array([t.decimals if t is not None else 0 for t in types])
    for k, rule in enumerate(rules):
        for sign, expr in ((1.0, rule.left), (-1.0, rule.right)):
            constant[k] += sign * float(expr.constant)
            whole[k] &= expr.constant == expr.constant.to_integral_value()
            for t in expr.terms:
                coef[k, index[t.id]] += sign * float(t.coef)
                whole[k] &= decimals[index[t.id]] == 0 and t.coef == t.coef.to_integral_value()
        rule_tolerance = semantics.rule_tolerance(form, rule)
        tolerance[k] = float(rule_tolerance)
        ok = semantics.accepted(rule.op, rule_tolerance)
        if ok.lo is not None:
            lo[k], lo_open[k] = float(ok.lo), ok.lo_open
        if ok.hi is not None:
            hi[k], hi_open[k] = float(ok.hi), ok.hi_open
    least = [semantics.lower_bound(t) for t in types]
    lower = np.array([-np.inf if b is None else float(b) for b in least])
    weight = np.abs(coef).sum(axis=1) + np.abs(constant)
    return RuleMatrix(
        ids, index, rules, coef, constant, tolerance, lo, hi, lo_open, hi_open, whole, weight, lower, decimals
    )


def rule_flags(matrix: RuleMatrix, grid: np.ndarray, present: np.ndarray) -> np.ndarray:
    """agencies × rules: the rule may not hold, or it uses a blank cell (0 in ``grid``).

    Rules of whole numbers are evaluated exactly (margin 0, tolerance 0), as the exact checker
    does; for the others a rule is taken to hold only when left - right lies inside its accepted
    interval by more than the margin, so that float error can only flag an agency for the exact
    check, never let one through."""
    diff = (matrix.sparse @ grid.T).T + matrix.constant
    largest = float(np.abs(grid).max(initial=0.0))
    size = matrix.weight * max(largest, 1.0)  # bounds |left|, |right| and |left - right|
    margin = np.where(matrix.whole & (size < _EXACT_IN_FLOAT), 0.0, 1e-9 + 1e-12 * size)
    # per rule (computed once per block), the least and greatest left - right that surely hold;
    # at an open end, d > x is d >= the float after x (and d < x is d <= the float before it)
    low, high = matrix.lo + margin, matrix.hi - margin
    low = np.where(matrix.lo_open, np.nextafter(low, np.inf), low)
    high = np.where(matrix.hi_open, np.nextafter(high, -np.inf), high)
    holds = np.asarray((diff >= low) & (diff <= high), dtype=bool)
    blank = ~present
    rows = np.flatnonzero(blank.any(axis=1))
    if rows.size:
        holds[rows] &= (matrix.uses @ blank[rows].T.astype(np.float64)).T == 0
    return ~holds


def suspicious(matrix: RuleMatrix, values: np.ndarray) -> np.ndarray:
    """Rows (agencies × cells, NaN = blank) with a blank cell, a negative value where none may
    be, a value with more decimals than its cell has, or a rule that may not hold."""
    present = ~np.isnan(values)
    grid = np.where(present, values, 0.0)
    scaled = grid * 10.0**matrix.decimals
    wrong = (grid < matrix.lower) | (np.abs(scaled - np.round(scaled)) > 1e-6)
    return np.asarray((~present | wrong).any(axis=1) | rule_flags(matrix, grid, present).any(axis=1), dtype=bool)
