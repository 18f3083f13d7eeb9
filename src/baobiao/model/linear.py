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

import contextlib
import ctypes
import ctypes.util
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import bmat, csr_matrix, hstack, identity, vstack
from scipy.sparse.csgraph import connected_components

from baobiao.model import Form, Rule, RuleKind, ValueType, semantics
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
    step_of = {t: semantics.step(t) for t in set(types)}  # a form has a few value types
    steps = [step_of[t] for t in types]
    factor = [float(s) for s in steps]
    scale = np.array(factor, dtype=np.float64)
    lower_of = {t: semantics.lower_bound(t) for t in step_of}
    lower = np.array(
        [-MAX_VALUE if lower_of[t] is None else float(lower_of[t] / step_of[t]) for t in types],  # type: ignore[operator]
        dtype=np.float64,
    )
    coef_of: dict[Decimal, float] = {}
    eq_rows: list[dict[int, float]] = []
    ub_rows: list[dict[int, float]] = []
    eq_rhs: list[float] = []
    ub_rhs: list[float] = []
    eq_rules: list[Rule] = []
    ub_rules: list[Rule] = []
    rules = tuple(r for r in form.rules if applicable(r, meta) and keep(r))
    for rule in rules:
        row: dict[int, float] = {}  # sparse: a rule names a few of the form's cells
        for sign, side in ((1.0, rule.left), (-1.0, rule.right)):
            for t in side.terms:
                k = index[t.id]
                coef = coef_of.get(t.coef)
                if coef is None:
                    coef = coef_of[t.coef] = float(t.coef)
                row[k] = row.get(k, 0.0) + sign * coef * factor[k]
        row = {k: v for k, v in row.items() if v != 0.0}
        rhs = rule.right.constant - rule.left.constant  # left - right = row·x - rhs
        # The values are exact (no rounding tolerance): left - right lies in the accepted interval
        # of the rule without tolerance, where an open end needs a difference of at least one step
        # of the cells involved.
        ok = semantics.accepted(rule.op)
        least_step = min((steps[k] for k in row), default=Decimal(1))
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
            ub_rows.append({k: -v for k, v in row.items()})
            ub_rhs.append(-float(rhs + ok.lo) - (float(least_step) if ok.lo_open else 0.0))
    n = len(ids)
    return LinearSystem(
        ids,
        scale,
        lower,
        _sparse(eq_rows, n),
        np.array(eq_rhs, dtype=np.float64),
        _sparse(ub_rows, n),
        np.array(ub_rhs, dtype=np.float64),
        (*eq_rules, *ub_rules),  # in the order of the rows: equalities, then inequalities
    )


def _sparse(rows: list[dict[int, float]], n: int) -> csr_matrix:
    """Rows given as {column: value} as a sparse matrix of n columns (never a dense one: a table
    of 300 × 300 cells has 90,000 columns)."""
    r_idx = [r for r, row in enumerate(rows) for _ in row]
    c_idx = [k for row in rows for k in row]
    data = [v for row in rows for v in row.values()]
    matrix = csr_matrix((data, (r_idx, c_idx)), shape=(len(rows), n), dtype=np.float64)
    matrix.sort_indices()
    return matrix


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


def solve(system: LinearSystem, targets: Sequence[int], budget: float | None = None) -> dict[str, Decimal]:
    """Values nearest the targets (in units of each cell's last decimal place) that satisfy
    every rule of the system. Raises Infeasible. With a ``budget`` (seconds) the program stops
    then, and the best valid values found by then are returned (_OutOfTime when none was)."""
    n = system.size
    distance, fixed, integrality, bounds = _problem(system)
    t = np.clip(np.array(targets, dtype=float), system.lower, MAX_VALUE)
    cost = np.concatenate([np.zeros(n), np.ones(2 * n)])
    problem = {"constraints": [LinearConstraint(distance, t, t), *fixed], "integrality": integrality, "bounds": bounds}
    if budget is None:
        result = milp(cost, **problem)
    else:
        with _quiet_stdout():
            result = milp(cost, options={"time_limit": budget}, **problem)
    if result.x is None or result.status not in (0, 1):  # 1: the time limit, perhaps with values found
        if result.status == 1:
            raise _OutOfTime
        raise Infeasible(str(result.message))
    units = np.rint(result.x[:n]).astype(np.int64)
    return {
        i: Decimal(int(u)).scaleb(-_places(s)) if s < 1 else Decimal(int(u))
        for i, u, s in zip(system.ids, units, system.scale, strict=True)
    }


def _places(scale: float) -> int:
    return round(-float(np.log10(scale)))


def restricted(system: LinearSystem, rows: Sequence[int], cells: np.ndarray) -> LinearSystem:
    """The system of the rules numbered ``rows`` (equalities first, then inequalities) over
    ``cells`` only: a component of the rules (``components``) as a system of its own."""
    n_eq = system.eq.shape[0]
    eq = [r for r in rows if r < n_eq]
    ub = [r - n_eq for r in rows if r >= n_eq]
    return LinearSystem(
        tuple(system.ids[k] for k in cells),
        system.scale[cells],
        system.lower[cells],
        system.eq[eq][:, cells],
        system.eq_rhs[eq],
        system.ub[ub][:, cells],
        system.ub_rhs[ub],
        (*(system.rules[r] for r in eq), *(system.rules[n_eq + r] for r in ub)),
    )


@dataclass(frozen=True)
class Localisation:
    """A smallest set of cells whose change makes every rule hold, with values that would."""

    cells: tuple[str, ...]
    values: Mapping[str, Decimal]


@dataclass(frozen=True)
class Search:
    """The smallest sets found (fewest cells first), and whether the deadline stopped the
    search before it had listed them all."""

    found: list[Localisation]
    stopped: bool = False


def _units(system: LinearSystem, values: Mapping[str, Decimal | None]) -> list[float | None]:
    return [
        None if values.get(i) is None else float(Decimal(values[i]) / Decimal(str(s)))  # type: ignore[arg-type]
        for i, s in zip(system.ids, system.scale, strict=True)
    ]


def _nearest_with(
    system: LinearSystem, units: list[float | None], free: set[int], deadline: float | None
) -> np.ndarray | None:
    """Values satisfying every rule with every cell outside ``free`` (and not blank) kept."""
    n = system.size
    distance, fixed, integrality, bounds = _problem(system)
    targets = np.array([u if u is not None else 0.0 for u in units])
    lower, upper = bounds.lb.copy(), bounds.ub.copy()
    for k, u in enumerate(units):
        if k not in free and u is not None:
            lower[k] = upper[k] = u
    cost = np.concatenate([np.zeros(n), np.ones(2 * n)])
    result = _milp(
        deadline,
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
    common: set[str] | None = None,
    deadline: float | None = None,
) -> Search:
    """The Fellegi-Holt principle: the smallest sets of cells (fewest first; among as many,
    least total weight first) whose change makes every rule hold, each with values that would.
    Blank cells are free and never part of a set. Several sets of the same size are all listed
    (up to ``alternatives`` + 1). Empty when the rules hold already or cannot be made to.

    ``suspects`` (the cells of the failed rules) are tried one at a time first: most reports
    have one wrong figure, and each such try is a small problem; the full program runs only
    when no single cell explains every failure. ``common``: the only suspects worth trying
    alone (a single cell explains every failure only if each failed rule names it); None tries
    them all. Every program stops at ``deadline`` (time.monotonic()); the search then returns
    what it found, saying that it stopped."""
    units = _units(system, values)
    index = {i: k for k, i in enumerate(system.ids)}
    found: list[Localisation] = []
    singles = [c for c in dict.fromkeys(suspects) if common is None or c in common]
    try:
        for cell in sorted(singles, key=lambda c: weights.get(c, 1.0)):
            k = index.get(cell)
            if k is None or units[k] is None:
                continue
            nearest = _nearest_with(system, units, {k}, deadline)
            if nearest is not None:
                found.append(Localisation((cell,), {cell: _decimal(nearest[k], system.scale[k])}))
                if len(found) > alternatives:
                    break
        if not found:
            _fewest(system, units, weights, [index[c] for c in suspects if c in index], alternatives, deadline, found)
    except _OutOfTime:
        return Search(found, True)
    return Search(found)


def _fewest(
    system: LinearSystem,
    units: list[float | None],
    weights: Mapping[str, float],
    suspects: list[int],
    alternatives: int,
    deadline: float | None,
    found: list[Localisation],
) -> None:
    """The full program of ``localise``: the smallest sets of cells to change, appended to
    ``found`` one by one (so that a search stopped at its deadline keeps those found)."""
    n = system.size
    # Only cells linked to the suspects through rules can take part; the others stay as they are
    # (which also keeps big-M small: a huge figure elsewhere must not blur the program).
    linked = _linked(system, set(suspects)) if suspects else set(range(n))
    given = [k for k, u in enumerate(units) if u is not None and k in linked]
    big = 2 * sum(abs(units[k] or 0.0) for k in given) + 1000.0
    # variables: x (n integers), z (n binaries: cell k changed)
    cost = np.concatenate([np.zeros(n), [1.0 + 0.001 * weights.get(i, 1.0) for i in system.ids]])
    # |x_k - v_k| <= big * z_k, as x_k - big z_k <= v_k and -x_k - big z_k <= -v_k
    r_idx: list[int] = []
    c_idx: list[int] = []
    data: list[float] = []
    hi: list[float] = []
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
    size: int | None = None
    for _ in range(alternatives + 1):
        result = _milp(deadline, cost, constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper))
        if not result.success or result.x is None:
            return
        chosen = [k for k in given if result.x[n + k] > 0.5]
        if not chosen or (size is not None and len(chosen) > size):
            return
        size = len(chosen)
        nearest = _nearest_with(system, units, set(chosen), deadline)
        if nearest is None:
            return
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
#
# Rules that share no cell never constrain each other: each question is asked of the rules of
# one component (rules linked through their cells) and of that component's cells only, and a
# rule alone in its component is answered without a linear program. The analyses take a
# ``deadline`` (time.monotonic(); None: none), stop every program at it, and say whether they
# finished.


class _OutOfTime(Exception):
    """A linear program reached the deadline."""


def _milp(deadline: float | None, cost: np.ndarray, **kwargs: Any) -> Any:
    """scipy's milp, stopped at the deadline (raises _OutOfTime)."""
    if deadline is None:
        return milp(cost, **kwargs)
    left = deadline - time.monotonic()
    if left <= 0:
        raise _OutOfTime
    with _quiet_stdout():
        result = milp(cost, options={"time_limit": left}, **kwargs)
    if result.status == 1:  # the time limit
        raise _OutOfTime
    return result


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints a line of its own (a C printf, "Highs::returnFromOptimizeModel: ...") on the
    process's standard output when a time limit stops it in some phases, which would corrupt
    `--format json`: during a time-limited program, file descriptor 1 is the null device, and C's
    buffers are flushed before it is given back. (Other threads' standard output is silenced
    meanwhile too.)"""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):  # no file descriptor 1
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        _flush_c_stdio()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


@functools.cache
def _c_fflush() -> Callable[[None], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("ucrtbase" if sys.platform == "win32" else "c"))
        flush: Callable[[None], int] = libc.fflush
    except (OSError, AttributeError, TypeError):
        return None
    return flush


def _flush_c_stdio() -> None:
    flush = _c_fflush()
    if flush is not None:
        flush(None)


def components(system: LinearSystem) -> tuple[list[list[int]], list[np.ndarray], np.ndarray]:
    """The rules (as rows: equalities first, then inequalities) grouped into components, rules
    linked through the cells they share; the cells of each component; and the component of
    every row (a cell in no rule belongs to no component listed)."""
    n = system.size
    rows = vstack([system.eq, system.ub]).tocsr()
    m = rows.shape[0]
    if not m:
        return [], [], np.zeros(0, dtype=np.int64)
    links = rows.copy()
    links.data = np.ones_like(links.data)
    graph = bmat([[None, links.T], [links, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    row_labels, cell_labels = labels[n:].tolist(), labels[:n].tolist()
    number = {label: k for k, label in enumerate(dict.fromkeys(row_labels))}  # in the order of their first rule
    grouped: list[list[int]] = [[] for _ in number]
    for r, label in enumerate(row_labels):
        grouped[number[label]].append(r)
    cells: list[list[int]] = [[] for _ in number]
    for k, label in enumerate(cell_labels):
        if label in number:
            cells[number[label]].append(k)
    part_of_row = np.array([number[label] for label in row_labels], dtype=np.int64)
    return grouped, [np.array(c, dtype=np.int64) for c in cells], part_of_row


def _feasible(
    system: LinearSystem,
    rows: Sequence[int],
    objective: np.ndarray | None = None,
    cells: np.ndarray | None = None,
    deadline: float | None = None,
) -> tuple[bool, float]:
    """LP over the rules numbered ``rows`` (equalities first, then inequalities): feasible?
    With ``objective``, the maximum of objective·x (inf when unbounded). ``cells``: the only
    cells the rows and the objective name (their component), to keep the program small.
    Raises _OutOfTime at the deadline."""
    n_eq = system.eq.shape[0]
    cols = np.arange(system.size) if cells is None else cells
    eq_rows = [r for r in rows if r < n_eq]
    ub_rows = [r - n_eq for r in rows if r >= n_eq]
    if not len(cols):  # rules without cells (0 <= 1): constants only
        holds = np.all(np.abs(system.eq_rhs[eq_rows]) <= 1e-9) and np.all(system.ub_rhs[ub_rows] >= -1e-9)
        return bool(holds), 0.0
    constraints = []
    if eq_rows:
        rhs = system.eq_rhs[eq_rows]
        constraints.append(LinearConstraint(system.eq[eq_rows][:, cols], rhs, rhs))
    if ub_rows:
        constraints.append(LinearConstraint(system.ub[ub_rows][:, cols], -np.inf, system.ub_rhs[ub_rows]))
    cost = -objective[cols] if objective is not None else np.zeros(len(cols))
    bounds = Bounds(system.lower[cols], np.inf)
    result = _milp(deadline, cost, constraints=constraints, integrality=np.zeros(len(cols)), bounds=bounds)
    if result.status == 3:  # unbounded
        return True, float("inf")
    if not result.success:
        return False, 0.0
    return True, float(-result.fun) if objective is not None else 0.0


def conflict(system: LinearSystem, deadline: float | None = None) -> tuple[list[Rule], bool]:
    """A set of rules that no data can satisfy together, or [] (a deletion filter inside the
    first component without a solution). Whether there is one is always decided; the set is
    irreducible unless the deadline stopped the filter (then False: every rule listed takes
    part, some may not be needed)."""
    total = system.eq.shape[0] + system.ub.shape[0]
    if _feasible(system, range(total))[0]:
        return [], True
    rows, cells = list(range(total)), None
    groups, cells_of, _ = components(system)
    for members, part_cells in zip(groups, cells_of, strict=True):
        if not _feasible(system, members, cells=part_cells)[0]:
            rows, cells = members, part_cells
            break
    try:
        for r in list(rows):
            trial = [x for x in rows if x != r]
            if not _feasible(system, trial, cells=cells, deadline=deadline)[0]:
                rows = trial
    except _OutOfTime:
        return [system.rules[k] for k in rows], False
    return [system.rules[k] for k in rows], True


def forced_zero(system: LinearSystem, deadline: float | None = None) -> tuple[list[str], bool]:
    """Cells the rules allow to be 0 only, and whether every cell was decided before the
    deadline.

    A cell that some solution makes non-zero is not: the obvious solution is tried first
    (:func:`_witness`); for the unsigned cells it leaves at 0, one program maximises the sum of
    y_k <= min(x_k, 1): every cell with y_k > 0 can be positive, and when the maximum is 0 none
    of them can (solutions are convex, so a few rounds decide all). A signed cell is asked on
    its own, up and down, within its component."""
    rows = vstack([system.eq, system.ub]).tocsr()
    named = np.unique(rows.indices)  # a cell in no rule can take any value
    if not len(named):
        return [], True
    witness = _witness(system, rows)
    shown = (lambda k: witness[k] != 0) if witness is not None else (lambda k: False)
    undecided = [int(k) for k in named if system.lower[k] >= 0 and not shown(k)]
    signed = [int(k) for k in named if system.lower[k] < 0 and not shown(k)]
    zero: list[int] = []
    try:
        while undecided:
            positive = _can_be_positive(system, rows, named, undecided, deadline)
            if positive is None:  # no solution at all: a contradiction, reported as such
                return [], True
            if not positive:
                zero.extend(undecided)
                break
            undecided = [k for k in undecided if k not in positive]
        groups, cells_of, _ = components(system) if signed else ([], [], None)
        part_of_cell = {int(k): p for p, cells in enumerate(cells_of) for k in cells}
        for k in signed:
            part = part_of_cell[k]
            direction = np.zeros(system.size)
            direction[k] = 1.0
            up = _feasible(system, groups[part], objective=direction, cells=cells_of[part], deadline=deadline)[1]
            down = -_feasible(system, groups[part], objective=-direction, cells=cells_of[part], deadline=deadline)[1]
            if abs(up) < 1e-9 and abs(down) < 1e-9:
                zero.append(k)
    except _OutOfTime:
        return [system.ids[k] for k in sorted(zero)], False
    return [system.ids[k] for k in sorted(zero)], True


def _witness(system: LinearSystem, rows: csr_matrix) -> np.ndarray | None:
    """The obvious solution, if it satisfies every rule: each cell that is no total at 1, each
    total the sum of its parts (totals in the order they depend on each other, Kahn's); else
    None. Values in units of each cell's last decimal place."""
    index = {cell: k for k, cell in enumerate(system.ids)}
    parts: dict[int, list[int]] = {}
    for rule in system.rules:
        if rule.kind is RuleKind.SUM and len(rule.left.terms) == 1:
            parts.setdefault(index[rule.left.terms[0].id], [index[t.id] for t in rule.right.terms])
    waiting = {total: sum(1 for p in ps if p in parts) for total, ps in parts.items()}
    users: dict[int, list[int]] = {}
    for total, ps in parts.items():
        for p in ps:
            if p in parts:
                users.setdefault(p, []).append(total)
    values = [1.0] * system.size
    ready = [total for total, count in waiting.items() if count == 0]
    while ready:
        total = ready.pop()
        values[total] = sum(values[p] for p in parts[total])
        for user in users.get(total, ()):
            waiting[user] -= 1
            if not waiting[user]:
                ready.append(user)
    if any(waiting.values()):
        return None
    x: np.ndarray = np.array(values) / system.scale
    got = rows @ x
    n_eq = system.eq.shape[0]
    if np.all(np.abs(got[:n_eq] - system.eq_rhs) <= 1e-6) and np.all(got[n_eq:] <= system.ub_rhs + 1e-6):
        return x
    return None


def _can_be_positive(
    system: LinearSystem, rows: csr_matrix, named: np.ndarray, undecided: list[int], deadline: float | None
) -> set[int] | None:
    """Of the ``undecided`` (unsigned) cells, those some solution makes positive (None: no
    solution). Variables: the cells named by rules, then one y per undecided cell."""
    n_eq = system.eq.shape[0]
    x = len(named)
    y = len(undecided)
    position = {int(k): p for p, k in enumerate(named)}
    ys = np.arange(y)
    link = csr_matrix(  # y_j - x_k <= 0
        (
            np.concatenate([np.ones(y), -np.ones(y)]),
            (np.concatenate([ys, ys]), np.concatenate([x + ys, [position[k] for k in undecided]])),
        ),
        shape=(y, x + y),
    )
    constraints = [LinearConstraint(link, -np.inf, 0.0)]
    if n_eq:
        eq = hstack([rows[:n_eq][:, named], csr_matrix((n_eq, y))]).tocsr()
        constraints.append(LinearConstraint(eq, system.eq_rhs, system.eq_rhs))
    if rows.shape[0] > n_eq:
        ub = hstack([rows[n_eq:][:, named], csr_matrix((rows.shape[0] - n_eq, y))]).tocsr()
        constraints.append(LinearConstraint(ub, -np.inf, system.ub_rhs))
    cost = np.concatenate([np.zeros(x), -np.ones(y)])
    bounds = Bounds(
        np.concatenate([system.lower[named], np.zeros(y)]), np.concatenate([np.full(x, np.inf), np.ones(y)])
    )
    result = _milp(deadline, cost, constraints=constraints, integrality=np.zeros(x + y), bounds=bounds)
    if not result.success or result.x is None:
        return None
    return {k for j, k in enumerate(undecided) if result.x[x + j] > 1e-6}


def redundant(system: LinearSystem, deadline: float | None = None) -> tuple[list[Rule], int]:
    """Rules implied by the rules kept before them (with the cells' signs): each could be
    dropped. Where several rules imply each other in a ring (a table's row and column totals),
    all but one are kept, so dropping every rule reported leaves an equivalent rule set.
    Returns the rules found and how many rules were tried before the deadline (all of them
    when it did not stop the analysis)."""
    n_eq = system.eq.shape[0]
    total = n_eq + system.ub.shape[0]
    groups, cells_of, part_of_row = components(system)
    kept = [list(g) for g in groups]
    out: list[Rule] = []
    took = [0.0] * len(groups)  # how long the last rule of each component took
    for tried, r in enumerate(reversed(range(total))):  # derived rules (written last) are tried first
        part = int(part_of_row[r])
        if deadline is not None and deadline - time.monotonic() < took[part]:
            return out, tried  # it would not finish: the time left goes unused rather than over
        others = [x for x in kept[part] if x != r]
        matrix, rhs, k = (system.eq, system.eq_rhs, r) if r < n_eq else (system.ub, system.ub_rhs, r - n_eq)
        row, bound = matrix[k].toarray().ravel(), float(rhs[k])
        start = time.monotonic()
        try:
            implied = not _exceeds(system, others, row, bound, cells_of[part], deadline) and not (
                r < n_eq and _exceeds(system, others, -row, -bound, cells_of[part], deadline)
            )
        except _OutOfTime:
            return out, tried
        took[part] = time.monotonic() - start
        if not implied:
            continue
        kept[part] = others
        out.append(system.rules[r])
    return out, total


def _exceeds(
    system: LinearSystem,
    rows: list[int],
    objective: np.ndarray,
    bound: float,
    cells: np.ndarray,
    deadline: float | None,
) -> bool:
    """Whether objective·x can exceed ``bound`` under the rules numbered ``rows``, or under the
    cells' bounds alone (no linear program) when there are none: +inf if any coefficient is
    positive (no cell has an upper bound), else its value at the lower bounds."""
    if not rows:
        most = float("inf") if (objective > 0).any() else float(objective @ system.lower)
        return most > bound + 1e-9
    return _feasible(system, rows, objective=objective, cells=cells, deadline=deadline)[1] > bound + 1e-9
