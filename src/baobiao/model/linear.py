"""A form's rules as a linear system, and mixed-integer programs over it: the nearest values
that satisfy every rule (valid instances for testing) and the fewest cells to change so that
every rule holds (the likely wrong cells).

The rules of a compiled form are linear (in)equalities over its cells; the type of each cell
makes it an integer multiple of 10^-decimals, non-negative unless signed. One MILP (scipy's
HiGHS) minimises the L1 distance to the targets subject to all of them: a general method, no
per-form code and no rejection sampling. Conditional rules are kept when the chosen meta
satisfies them; cross-year rules are left out (an instance has no previous year).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack, identity

from baobiao.model import Form, Rule, ValueType, semantics
from baobiao.model.semantics import applicable

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
    rules: tuple[Rule, ...]  # one per row: the equalities' rows first, then the inequalities'

    @property
    def size(self) -> int:
        return len(self.ids)


def linear_system(
    form: Form, meta: Mapping[str, str], keep: Callable[[Rule], bool] = lambda rule: True
) -> LinearSystem:
    """The rules that apply to an instance with this meta (and that ``keep`` keeps)."""
    ids = tuple(i.id for i in form.indicators)
    index = {i: k for k, i in enumerate(ids)}
    types = [form.item(i).value_type or ValueType() for i in ids]
    steps = [semantics.step(t) for t in types]
    scale = np.array([float(s) for s in steps], dtype=np.float64)
    least = [semantics.lower_bound(t) for t in types]
    lower = np.array(
        [-MAX_VALUE if b is None else float(b / s) for b, s in zip(least, steps, strict=True)], dtype=np.float64
    )
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    eq_rules: list[Rule] = []
    ub_rules: list[Rule] = []
    rules = tuple(r for r in form.rules if applicable(r, meta) and keep(r))
    for rule in rules:
        row = np.zeros(len(ids))
        for t in rule.left.terms:
            row[index[t.id]] += float(t.coef) * scale[index[t.id]]
        for t in rule.right.terms:
            row[index[t.id]] -= float(t.coef) * scale[index[t.id]]
        rhs = rule.right.constant - rule.left.constant  # left - right = row·x - rhs
        # The values are exact (no rounding tolerance): left - right lies in the accepted interval
        # of the rule without tolerance, where an open end needs a difference of at least one step
        # of the cells involved.
        ok = semantics.accepted(rule.op)
        least_step = min((steps[k] for k in np.flatnonzero(row).tolist()), default=Decimal(1))
        if ok.lo is not None and ok.lo == ok.hi:
            eq_rows.append(row)
            eq_rhs.append(float(rhs + ok.lo))
            eq_rules.append(rule)
            continue
        if ok.hi is not None:  # row·x <= rhs + hi (- a step)
            ub_rules.append(rule)
            ub_rows.append(row)
            ub_rhs.append(float(rhs + ok.hi) - (float(least_step) if ok.hi_open else 0.0))
        if ok.lo is not None:  # -row·x <= -(rhs + lo) (- a step)
            ub_rules.append(rule)
            ub_rows.append(-row)
            ub_rhs.append(-float(rhs + ok.lo) - (float(least_step) if ok.lo_open else 0.0))
    n = len(ids)
    return LinearSystem(
        ids,
        scale,
        lower,
        csr_matrix(np.array(eq_rows) if eq_rows else np.zeros((0, n))),
        np.array(eq_rhs),
        csr_matrix(np.array(ub_rows) if ub_rows else np.zeros((0, n))),
        np.array(ub_rhs),
        (*eq_rules, *ub_rules),  # in the order of the rows: equalities, then inequalities
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


@dataclass(frozen=True)
class Localisation:
    """A smallest set of cells whose change makes every rule hold, with values that would."""

    cells: tuple[str, ...]
    values: Mapping[str, Decimal]


def _units(system: LinearSystem, values: Mapping[str, Decimal | None]) -> list[float | None]:
    return [
        None if values.get(i) is None else float(Decimal(values[i]) / Decimal(str(s)))  # type: ignore[arg-type]
        for i, s in zip(system.ids, system.scale, strict=True)
    ]


def _nearest_with(system: LinearSystem, units: list[float | None], free: set[int]) -> np.ndarray | None:
    """Values satisfying every rule with every cell outside ``free`` (and not blank) kept."""
    n = system.size
    distance, fixed, integrality, bounds = _problem(system)
    targets = np.array([u if u is not None else 0.0 for u in units])
    lower, upper = bounds.lb.copy(), bounds.ub.copy()
    for k, u in enumerate(units):
        if k not in free and u is not None:
            lower[k] = upper[k] = u
    cost = np.concatenate([np.zeros(n), np.ones(2 * n)])
    result = milp(
        cost,
        constraints=[LinearConstraint(distance, targets, targets), *fixed],
        integrality=integrality,
        bounds=Bounds(lower, upper),
    )
    return result.x[:n] if result.success and result.x is not None else None


def localise(
    system: LinearSystem,
    values: Mapping[str, Decimal | None],
    weights: Mapping[str, float],
    suspects: Sequence[str] = (),
    alternatives: int = 4,
) -> list[Localisation]:
    """The Fellegi-Holt principle: the smallest sets of cells (fewest first; among as many,
    least total weight first) whose change makes every rule hold, each with values that would.
    Blank cells are free and never part of a set. Several sets of the same size are all listed
    (up to ``alternatives`` + 1). Empty when the rules hold already or cannot be made to.

    ``suspects`` (the cells of the failed rules) are tried one at a time first: most reports
    have one wrong figure, and each such try is a small problem; the full program runs only
    when no single cell explains every failure."""
    n = system.size
    units = _units(system, values)
    index = {i: k for k, i in enumerate(system.ids)}
    singles = []
    for cell in sorted(dict.fromkeys(suspects), key=lambda c: weights.get(c, 1.0)):
        k = index.get(cell)
        if k is None or units[k] is None:
            continue
        nearest = _nearest_with(system, units, {k})
        if nearest is not None:
            singles.append(Localisation((cell,), {cell: _decimal(nearest[k], system.scale[k])}))
    if singles:
        return singles[: alternatives + 1]
    # Only cells linked to the suspects through rules can take part; the others stay as they are
    # (which also keeps big-M small: a huge figure elsewhere must not blur the program).
    linked = _linked(system, {index[c] for c in suspects if c in index}) if suspects else set(range(n))
    given = [k for k, u in enumerate(units) if u is not None and k in linked]
    big = 2 * sum(abs(units[k] or 0.0) for k in given) + 1000.0
    # variables: x (n integers), z (n binaries: cell k changed)
    cost = np.concatenate([np.zeros(n), [1.0 + 0.001 * weights.get(i, 1.0) for i in system.ids]])
    # |x_k - v_k| <= big * z_k, as x_k - big z_k <= v_k and -x_k - big z_k <= -v_k
    r_idx, c_idx, data, hi = [], [], [], []
    for row, (k, sign) in enumerate((k, sign) for k in given for sign in (1.0, -1.0)):
        r_idx += [row, row]
        c_idx += [k, n + k]
        data += [sign, -big]
        hi.append(sign * float(units[k] or 0.0))
    deviation = csr_matrix((data, (r_idx, c_idx)), shape=(len(hi), 2 * n))
    constraints = [LinearConstraint(deviation, -np.inf, np.array(hi))] if hi else []
    for m, r_lo, r_hi in (
        (system.eq, system.eq_rhs, system.eq_rhs),
        (system.ub, np.full(system.ub.shape[0], -np.inf), system.ub_rhs),
    ):
        if m.shape[0]:
            constraints.append(LinearConstraint(hstack([m, csr_matrix((m.shape[0], n))]).tocsr(), r_lo, r_hi))
    lower = np.concatenate([system.lower, np.zeros(n)])
    upper = np.concatenate([np.full(n, MAX_VALUE), [1.0 if k in given else 0.0 for k in range(n)]])
    for k, u in enumerate(units):  # cells beyond the suspects' reach keep their values
        if u is not None and k not in linked:
            lower[k] = upper[k] = u
    integrality = np.ones(2 * n)
    found: list[Localisation] = []
    size: int | None = None
    for _ in range(alternatives + 1):
        result = milp(cost, constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper))
        if not result.success or result.x is None:
            break
        chosen = [k for k in given if result.x[n + k] > 0.5]
        if not chosen or (size is not None and len(chosen) > size):
            break
        size = len(chosen)
        nearest = _nearest_with(system, units, set(chosen))
        if nearest is None:
            break
        found.append(
            Localisation(
                tuple(system.ids[k] for k in chosen),
                {system.ids[k]: _decimal(nearest[k], system.scale[k]) for k in chosen},
            )
        )
        cut = np.zeros(2 * n)  # not this set again, and no larger one
        cut[[n + k for k in chosen]] = 1.0
        constraints.append(LinearConstraint(cut, -np.inf, len(chosen) - 1))
        card = np.concatenate([np.zeros(n), np.ones(n)])
        constraints.append(LinearConstraint(card, -np.inf, size))
    return found


def _linked(system: LinearSystem, start: set[int]) -> set[int]:
    """Cells connected to ``start`` through the rules of the system."""
    rows = [m.tocsr() for m in (system.eq, system.ub) if m.shape[0]]
    cells_of = [set(m.indices[m.indptr[r] : m.indptr[r + 1]].tolist()) for m in rows for r in range(m.shape[0])]
    seen, frontier = set(start), set(start)
    while frontier:
        reached = set().union(*(c for c in cells_of if c & frontier)) if cells_of else set()
        frontier = reached - seen
        seen |= reached
    return seen


def _decimal(unit_value: float, scale: float) -> Decimal:
    u = int(np.rint(unit_value))
    return Decimal(u).scaleb(-_places(scale)) if scale < 1 else Decimal(u)


# -- rule-set analysis (baobiao lint) ----------------------------------------------------------


def _feasible(
    system: LinearSystem,
    rows: Sequence[int],
    objective: np.ndarray | None = None,
) -> tuple[bool, float]:
    """LP over the rules numbered ``rows`` (equalities first, then inequalities): feasible?
    With ``objective``, the maximum of objective·x (inf when unbounded)."""
    n = system.size
    n_eq = system.eq.shape[0]
    constraints = []
    eq_rows = [r for r in rows if r < n_eq]
    ub_rows = [r - n_eq for r in rows if r >= n_eq]
    if eq_rows:
        constraints.append(LinearConstraint(system.eq[eq_rows], system.eq_rhs[eq_rows], system.eq_rhs[eq_rows]))
    if ub_rows:
        constraints.append(LinearConstraint(system.ub[ub_rows], -np.inf, system.ub_rhs[ub_rows]))
    cost = -objective if objective is not None else np.zeros(n)
    result = milp(cost, constraints=constraints, integrality=np.zeros(n), bounds=Bounds(system.lower, np.inf))
    if result.status == 3:  # unbounded
        return True, float("inf")
    if not result.success:
        return False, 0.0
    return True, float(-result.fun) if objective is not None else 0.0


def conflict(system: LinearSystem) -> list[Rule]:
    """An irreducible set of rules that no data can satisfy together (deletion filter), or []."""
    total = system.eq.shape[0] + system.ub.shape[0]
    rows = list(range(total))
    if _feasible(system, rows)[0]:
        return []
    for r in list(rows):
        trial = [x for x in rows if x != r]
        if not _feasible(system, trial)[0]:
            rows = trial
    return [system.rules[k] for k in rows]


def forced_zero(system: LinearSystem) -> list[str]:
    """Cells the rules allow to be 0 only."""
    rows = list(range(system.eq.shape[0] + system.ub.shape[0]))
    out = []
    for k, cell in enumerate(system.ids):
        direction = np.zeros(system.size)
        direction[k] = 1.0
        up = _feasible(system, rows, objective=direction)[1]
        down = -_feasible(system, rows, objective=-direction)[1]
        if abs(up) < 1e-9 and abs(down) < 1e-9:
            out.append(cell)
    return out


def redundant(system: LinearSystem) -> list[Rule]:
    """Rules implied by the rules kept before them (with the cells' signs): each could be
    dropped. Where several rules imply each other in a ring (a table's row and column totals),
    all but one are kept, so dropping every rule reported leaves an equivalent rule set."""
    n_eq = system.eq.shape[0]
    kept = list(range(n_eq + system.ub.shape[0]))
    out = []
    for r in list(reversed(kept)):  # derived rules (written last) are tried first
        others = [x for x in kept if x != r]
        row = (system.eq[r] if r < n_eq else system.ub[r - n_eq]).toarray().ravel()
        rhs = float(system.eq_rhs[r] if r < n_eq else system.ub_rhs[r - n_eq])
        if _feasible(system, others, objective=row)[1] > rhs + 1e-9:
            continue
        if r < n_eq and -_feasible(system, others, objective=-row)[1] < rhs - 1e-9:
            continue
        kept = others
        out.append(system.rules[r])
    return out
