"""The likely wrong cells (Fellegi-Holt): when hard rules fail, the fewest cells whose change
makes every one of them hold, found by a mixed-integer program (scipy's HiGHS). Totals weigh a
little less than other cells, so that between equally small explanations a total is blamed
first; a wrong cell that breaks several rules is reported once, with the rules under it.

The search has a time budget per file (``LOCATE_BUDGET``): with many wrong cells the program can
take minutes, so every program it solves stops at the deadline, and a search stopped before it
found the fewest cells says so (C420), one stopped while listing equally small sets says that
the list may be incomplete (C421)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from baobiao.diagnostics.core import Cell, Diagnostic, Severity, diag
from baobiao.instance.load import Instance
from baobiao.instance.typos import KINDS, typo
from baobiao.instance.values import format_number
from baobiao.model import Form, RuleKind
from baobiao.model.semantics import applicable

if TYPE_CHECKING:
    import numpy as np

    from baobiao.model.linear import LinearSystem, Localisation

RULE_CODES = ("C401", "C402", "C403")
TOTAL_WEIGHT, CELL_WEIGHT = 0.0, 1.0
LOCATE_BUDGET = 2.0  # seconds per file for the likely-wrong-cell search; C420 when it runs out


def default_weights(form: Form) -> dict[str, float]:
    """Totals (the left side of a sum) weigh less than other cells."""
    totals = {r.left.terms[0].id for r in form.rules if r.kind is RuleKind.SUM}
    return {i.id: TOTAL_WEIGHT if i.id in totals else CELL_WEIGHT for i in form.indicators}


def likely_wrong(
    form: Form,
    instance: Instance,
    findings: Sequence[Diagnostic],
    weights: Mapping[str, float] | None = None,
    budget: float = LOCATE_BUDGET,
) -> list[Diagnostic]:
    """A C410 finding for the most likely wrong cells, when hard rules of this year failed (a
    cross-year rule alone is no reason: the cell at fault may be last year's). The search stops
    after ``budget`` seconds: then a C420 note instead (or a C421 note beside C410 when it
    stopped while listing other sets as small)."""
    hard = {r.id: r for r in form.rules if applicable(r, instance.meta)}
    failed = {d.rule.id for d in findings if d.code in RULE_CODES and d.severity is Severity.ERROR and d.rule} & set(
        hard
    )
    if not failed:
        return []
    from baobiao.model.linear import linear_system  # scipy: imported only when rules fail

    deadline = time.monotonic() + budget
    system = linear_system(form, instance.meta, keep=lambda r: r.severity is Severity.ERROR)
    values = {i.id: (c.number if (c := instance.values.get(i.id)) else None) for i in form.indicators}
    suspects = [i for r in form.rules if r.id in failed for i in r.ids]
    # a single cell explains every failure only if each failed rule names it
    common = set.intersection(*(set(r.ids) for r in form.rules if r.id in failed))
    search = _localise(system, values, weights or default_weights(form), suspects, common, deadline)
    found = [
        loc
        for loc in search.found
        if all(loc.values[c] != values[c] for c in loc.cells)  # a note that proposes no change says nothing
    ]
    seconds = f"{budget:g}"
    if not found:
        return [diag("C420", None, count=str(len(failed)), budget=seconds)] if search.stopped else []
    best, others = found[0], found[1:]
    parts_zh, parts_en, cells = [], [], []
    for cell_id in best.cells:
        reported, likely = values[cell_id], best.values[cell_id]
        assert reported is not None
        name = form.name(cell_id)
        slip = typo(reported, likely)
        note_zh = (
            f"，可能是笔误（{KINDS[slip][0]}）：{format_number(reported)} → {format_number(likely)}" if slip else ""
        )
        note_en = (
            f", maybe a typo ({KINDS[slip][1]}): {format_number(reported)} -> {format_number(likely)}" if slip else ""
        )
        parts_zh.append(f"“{name}”报告值 {format_number(reported)}，若为 {format_number(likely)} 则各规则成立{note_zh}")
        parts_en.append(
            f"'{name}' reported {format_number(reported)}; {format_number(likely)} would satisfy every rule{note_en}"
        )
        given = instance.values.get(cell_id)
        cells.append(Cell(cell_id, name, form.path(cell_id), format_number(reported), given.span if given else None))
    broken = [r for r in form.rules if r.id in failed and set(r.ids) & set(best.cells)]

    def fix(alt: Localisation, lang: str) -> str:
        arrow = "改为" if lang == "zh" else "->"
        return ("、" if lang == "zh" else ", ").join(
            f"{form.name(c)} {format_number(values[c] or Decimal(0))} {arrow} {format_number(alt.values[c])}"
            for c in alt.cells
        )

    notes = [
        diag(
            "C410",
            cells[0].span,
            cells=cells,
            data_path=instance.values[best.cells[0]].path if best.cells[0] in instance.values else None,
            count=str(len(best.cells)),
            cells_text="；".join(parts_zh),
            cells_text_en="; ".join(parts_en),
            rules="、".join(f"{r.id}（{r.description}）" for r in broken),
            alternatives=f"同样只改 {len(best.cells)} 个栏目也可以：{'；'.join(fix(a, 'zh') for a in others)}"
            if others
            else "",
            alternatives_en=(
                f"changing {len(best.cells)} other cell(s) would do as well: {'; '.join(fix(a, 'en') for a in others)}"
                if others
                else ""
            ),
        )
    ]
    if search.stopped:
        notes.append(diag("C421", None, found=str(len(found)), budget=seconds))
    return notes


# -- the search, within a budget -------------------------------------------------------------------


@dataclass(frozen=True)
class _Search:
    """The smallest sets found, and whether the deadline stopped the search."""

    found: list[Localisation]
    stopped: bool


def _nearest(system: LinearSystem, units: list[float | None], free: set[int], deadline: float) -> np.ndarray | None:
    """Values satisfying every rule with every cell outside ``free`` (and not blank) kept."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint

    from baobiao.model.linear import _milp, _problem

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


def _localise(
    system: LinearSystem,
    values: Mapping[str, Decimal | None],
    weights: Mapping[str, float],
    suspects: Sequence[str],
    common: set[str],
    deadline: float,
    alternatives: int = 4,
) -> _Search:
    """``model.linear.localise`` within a deadline: the smallest sets of cells (fewest first;
    among as many, least total weight first) whose change makes every rule hold, up to
    ``alternatives`` + 1 of them. ``suspects`` are the cells of the failed rules, ``common``
    those every failed rule names: only they can explain every failure alone, and they are
    tried one at a time first; the full program runs only when none does."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint
    from scipy.sparse import csr_matrix, hstack

    from baobiao.model.linear import MAX_VALUE, Localisation, _decimal, _linked, _milp, _OutOfTime, _units

    n = system.size
    units = _units(system, values)
    index = {i: k for k, i in enumerate(system.ids)}
    found: list[Localisation] = []
    try:
        for cell in sorted(dict.fromkeys(c for c in suspects if c in common), key=lambda c: weights.get(c, 1.0)):
            k = index.get(cell)
            if k is None or units[k] is None:
                continue
            nearest = _nearest(system, units, {k}, deadline)
            if nearest is not None:
                found.append(Localisation((cell,), {cell: _decimal(nearest[k], system.scale[k])}))
                if len(found) > alternatives:
                    break
    except _OutOfTime:
        return _Search(found, True)
    if found:
        return _Search(found, False)
    # Only cells linked to the suspects through rules can take part; the others stay as they are
    # (which also keeps big-M small: a huge figure elsewhere must not blur the program).
    linked = _linked(system, {index[c] for c in suspects if c in index}) if suspects else set(range(n))
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
    try:
        for _ in range(alternatives + 1):
            result = _milp(
                deadline, cost, constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper)
            )
            if not result.success or result.x is None:
                break
            chosen = [k for k in given if result.x[n + k] > 0.5]
            if not chosen or (size is not None and len(chosen) > size):
                break
            size = len(chosen)
            nearest = _nearest(system, units, set(chosen), deadline)
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
    except _OutOfTime:
        return _Search(found, True)
    return _Search(found, False)


def grouped(findings: Sequence[Diagnostic], notes: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The findings, with the broken rules of each likely wrong cell (C410) in one group (and
    the note itself, when it names that one cell), so that one wrong figure reads as one
    problem, not one per rule it breaks."""
    from dataclasses import replace

    out = list(findings)
    for note in notes:
        single = len(note.cells) == 1
        for cell in note.cells:
            key = f"cell:{cell.id}"
            members = [
                k
                for k, d in enumerate(out)
                if d.code in RULE_CODES and d.group is None and cell.id in {c.id for c in d.cells}
            ]
            for k in members:
                out[k] = replace(out[k], group=key)
        out.append(replace(note, group=f"cell:{note.cells[0].id}") if single else note)
    return out
