"""What a rule means, in one place: the range of each cell, the rounding tolerance of a rule,
and for each operator the values of ``left - right`` for which the rule holds.

The exact checker, the batch matrix, the bounds over blank cells, the linear system (lint,
localisation, instance generation) and the test strategies all take their semantics from here,
so that they cannot drift apart.

- A cell holds a multiple of 10^-decimals (its *step*); it is >= 0 unless its type is signed.
- A cell with decimals stands for an interval of half a step around what is written (XBRL
  calculations 1.1), so a rule over decimal cells holds within the sum of those half-steps,
  each weighed by the absolute value of its coefficient. Counts are exact (tolerance 0).
- A strict comparison of rounded values cannot be decided within the rounding interval: with
  a tolerance, ``<`` is taken as ``<=`` within it; without one, it is strict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from baobiao.model.types import Form, LinExpr, Rule, ValueType

OPERATORS = ("=", "<=", ">=", "<", ">")
ZERO = Decimal(0)


def step(value_type: ValueType | None) -> Decimal:
    """The smallest difference between two values of a cell: 1, or 10^-decimals."""
    return Decimal(1).scaleb(-(value_type.decimals if value_type else 0))


def cell_tolerance(value_type: ValueType | None) -> Decimal:
    """Half a step for a cell with decimals (its rounding interval); 0 for whole numbers."""
    if value_type is None or not value_type.decimals:
        return ZERO
    return Decimal(5).scaleb(-value_type.decimals - 1)


def lower_bound(value_type: ValueType | None) -> Decimal | None:
    """The least value a cell may hold: 0, or None (no bound) for a signed cell."""
    return None if value_type is not None and value_type.signed else ZERO


def expr_tolerance(form: Form, expr: LinExpr) -> Decimal:
    """The rounding tolerance of an expression: sum of |coef| x half a step of each cell."""
    return sum((abs(t.coef) * cell_tolerance(form.item(t.id).value_type) for t in expr.terms), ZERO)


def rule_tolerance(form: Form, rule: Rule) -> Decimal:
    return expr_tolerance(form, rule.left) + expr_tolerance(form, rule.right)


@dataclass(frozen=True, slots=True)
class Accepted:
    """The values of ``left - right`` for which a rule holds: from ``lo`` to ``hi`` (None: no
    bound on that side), each end open or closed."""

    lo: Decimal | None
    hi: Decimal | None
    lo_open: bool = False
    hi_open: bool = False

    def contains(self, d: Decimal) -> bool:
        if self.lo is not None and (d < self.lo or (self.lo_open and d == self.lo)):
            return False
        return not (self.hi is not None and (d > self.hi or (self.hi_open and d == self.hi)))

    def meets(self, low: Decimal | None, high: Decimal | None) -> bool:
        """Whether some value from ``low`` to ``high`` (None: unbounded, ends closed) is accepted."""
        if self.lo is not None and high is not None and (high < self.lo or (self.lo_open and high == self.lo)):
            return False
        return not (self.hi is not None and low is not None and (low > self.hi or (self.hi_open and low == self.hi)))

    def covers(self, low: Decimal | None, high: Decimal | None) -> bool:
        """Whether every value from ``low`` to ``high`` (None: unbounded, ends closed) is accepted."""
        if self.lo is not None and (low is None or not self.contains(low)):
            return False
        return not (self.hi is not None and (high is None or not self.contains(high)))


def accepted(op: str, tolerance: Decimal = ZERO) -> Accepted:
    """The accepted values of ``left - right`` for an operator and a rounding tolerance."""
    strict = not tolerance  # a strict comparison within a rounding interval is taken as non-strict
    return {
        "=": Accepted(-tolerance, tolerance),
        "<=": Accepted(None, tolerance),
        ">=": Accepted(-tolerance, None),
        "<": Accepted(None, tolerance, hi_open=strict),
        ">": Accepted(-tolerance, None, lo_open=strict),
    }[op]


def holds(op: str, difference: Decimal, tolerance: Decimal = ZERO) -> bool:
    """Whether a rule ``left op right`` holds, given ``left - right`` and its tolerance."""
    return accepted(op, tolerance).contains(difference)


def applicable(rule: Rule, meta: Mapping[str, str]) -> bool:
    """A rule that an instance with this meta and no previous year must satisfy: not a
    cross-year rule, and its condition (if any) holds for the meta given."""
    if rule.previous_ids:
        return False
    if rule.condition is None:
        return True
    value = meta.get(rule.condition.field, "")
    return bool(value) and rule.condition.holds(value)
