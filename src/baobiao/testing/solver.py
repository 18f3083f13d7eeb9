"""Valid instances of any form by mixed-integer programming: from target values (drawn by
hypothesis) to the nearest values that satisfy every rule of the form.

The rules of a compiled form are linear (in)equalities over its cells; the type of each cell
makes it an integer multiple of 10^-decimals, non-negative unless signed. One MILP (scipy's
HiGHS) minimises the L1 distance to the targets subject to all of them: a general method, no
per-form code and no rejection sampling. Conditional rules are kept when the chosen meta
satisfies them; cross-year rules are left out (an instance has no previous year).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack, identity

from baobiao.model import Form, Rule, ValueType

MAX_VALUE = 10**9  # the largest magnitude generated (in the cell's unit)


class Infeasible(Exception):
    """The form's rules admit no values near the targets (a contradictory spec)."""


@dataclass(frozen=True, eq=False)  # hashed by identity, for the cache of MILP parts
class LinearSystem:
    """A form's rules as matrices over its cells, each cell in units of 10^-decimals."""

    ids: tuple[str, ...]
    scale: np.ndarray  # 10^-decimals per cell
    lower: np.ndarray
    eq: csr_matrix
    eq_rhs: np.ndarray
    ub: csr_matrix
    ub_rhs: np.ndarray
    rules: tuple[Rule, ...]

    @property
    def size(self) -> int:
        return len(self.ids)


def applicable(rule: Rule, meta: Mapping[str, str]) -> bool:
    """A rule an instance with this meta and no previous year must satisfy."""
    if rule.previous_ids:
        return False
    if rule.condition is None:
        return True
    value = meta.get(rule.condition.field, "")
    return bool(value) and rule.condition.holds(value)


def linear_system(form: Form, meta: Mapping[str, str]) -> LinearSystem:
    ids = tuple(i.id for i in form.indicators)
    index = {i: k for k, i in enumerate(ids)}
    types = [form.item(i).value_type or ValueType() for i in ids]
    scale = np.array([10.0**-t.decimals for t in types], dtype=np.float64)
    lower = np.array([-MAX_VALUE if t.signed else 0 for t in types], dtype=np.float64)
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    rules = tuple(r for r in form.rules if applicable(r, meta))
    for rule in rules:
        row = np.zeros(len(ids))
        for t in rule.left.terms:
            row[index[t.id]] += float(t.coef) * scale[index[t.id]]
        for t in rule.right.terms:
            row[index[t.id]] -= float(t.coef) * scale[index[t.id]]
        rhs = float(rule.right.constant - rule.left.constant)  # left - right (op) 0
        if rule.op == "=":
            eq_rows.append(row)
            eq_rhs.append(rhs)
        elif rule.op in ("<=", "<"):
            ub_rows.append(row)
            ub_rhs.append(rhs - (1 if rule.op == "<" else 0) * min(scale[row != 0], default=1))
        else:
            ub_rows.append(-row)
            ub_rhs.append(-rhs - (1 if rule.op == ">" else 0) * min(scale[row != 0], default=1))
    n = len(ids)
    return LinearSystem(
        ids,
        scale,
        lower,
        csr_matrix(np.array(eq_rows).reshape(-1, n)),
        np.array(eq_rhs),
        csr_matrix(np.array(ub_rows).reshape(-1, n)),
        np.array(ub_rhs),
        rules,
    )


@functools.lru_cache(maxsize=32)
def _problem(system: LinearSystem) -> tuple[csr_matrix, list[LinearConstraint], np.ndarray, Bounds]:
    """The parts of the MILP that do not depend on the targets, built once per system."""
    n = system.size
    eye = identity(n, format="csr")
    # variables: x (integers, in units), then over and under (x - t = over - under), both >= 0
    distance = hstack([eye, -eye, eye]).tocsr()
    fixed = []
    if system.eq.shape[0]:
        matrix = hstack([system.eq, csr_matrix((system.eq.shape[0], 2 * n))]).tocsr()
        fixed.append(LinearConstraint(matrix, system.eq_rhs, system.eq_rhs))
    if system.ub.shape[0]:
        matrix = hstack([system.ub, csr_matrix((system.ub.shape[0], 2 * n))]).tocsr()
        fixed.append(LinearConstraint(matrix, -np.inf, system.ub_rhs))
    integrality = np.concatenate([np.ones(n), np.zeros(2 * n)])
    bounds = Bounds(
        np.concatenate([system.lower, np.zeros(2 * n)]),
        np.concatenate([np.full(n, MAX_VALUE), np.full(2 * n, np.inf)]),
    )
    return distance, fixed, integrality, bounds


def solve(system: LinearSystem, targets: Sequence[int]) -> dict[str, Decimal]:
    """Values nearest the targets (in units of each cell's last decimal place) that satisfy
    every rule of the system. Raises Infeasible."""
    n = system.size
    distance, fixed, integrality, bounds = _problem(system)
    t = np.clip(np.array(targets, dtype=float), system.lower, MAX_VALUE)
    cost = np.concatenate([np.zeros(n), np.ones(2 * n)])
    result = milp(cost, constraints=[LinearConstraint(distance, t, t), *fixed], integrality=integrality, bounds=bounds)
    if not result.success or result.x is None:
        raise Infeasible(str(result.message))
    units = np.rint(result.x[:n]).astype(np.int64)
    return {
        i: Decimal(int(u)).scaleb(-_places(s)) if s < 1 else Decimal(int(u))
        for i, u, s in zip(system.ids, units, system.scale, strict=True)
    }


def _places(scale: float) -> int:
    return round(-float(np.log10(scale)))
