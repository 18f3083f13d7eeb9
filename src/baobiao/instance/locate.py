"""The likely wrong cells (Fellegi-Holt): when hard rules fail, the fewest cells whose change
makes every one of them hold, found by a mixed-integer program (scipy's HiGHS). Totals weigh a
little less than other cells, so that between equally small explanations a total is blamed
first; a wrong cell that breaks several rules is reported once, with the rules under it. Rules
that share no cell, directly or through other rules, are separate problems: each group of them
is solved as a program over its own cells and gets its own note.

The search has a time budget per file (``LOCATE_BUDGET``): with many wrong cells the program can
take minutes, so every program it solves stops at the deadline, and a search stopped before it
found the fewest cells says so (C420), one stopped while listing equally small sets says that
the list may be incomplete (C421)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from baobiao.diagnostics.core import Cell, Diagnostic, Severity, diag
from baobiao.instance.load import Instance
from baobiao.instance.typos import KINDS, typo
from baobiao.instance.values import format_number
from baobiao.model import Form, Rule, RuleKind
from baobiao.model.semantics import applicable

if TYPE_CHECKING:
    from baobiao.model.linear import Localisation

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
    cross-year rule alone is no reason: the cell at fault may be last year's): one for each
    group of failed rules that share cells, directly or through other rules (rules that share
    no cell are independent problems, and each is solved as a program of its own cells). The
    search stops after ``budget`` seconds: a C420 note then counts the failed rules left
    without an answer (and a C421 note follows a C410 whose list was cut short)."""
    hard = {r.id: r for r in form.rules if applicable(r, instance.meta)}
    failed = {d.rule.id for d in findings if d.code in RULE_CODES and d.severity is Severity.ERROR and d.rule} & set(
        hard
    )
    if not failed:
        return []
    from baobiao.model.linear import components, linear_system, localise, restricted  # scipy: only when rules fail

    deadline = time.monotonic() + budget
    system = linear_system(form, instance.meta, keep=lambda r: r.severity is Severity.ERROR)
    values = {i.id: (c.number if (c := instance.values.get(i.id)) else None) for i in form.indicators}
    weights = weights or default_weights(form)
    seconds = f"{budget:g}"
    notes: list[Diagnostic] = []
    unanswered: set[str] = set()
    for rows, cells in zip(*components(system)[:2], strict=True):
        here = [r for r in {system.rules[k].id: system.rules[k] for k in rows}.values() if r.id in failed]
        if not here:
            continue
        suspects = [i for r in here for i in r.ids]
        common = set.intersection(*(set(r.ids) for r in here))
        search = localise(restricted(system, rows, cells), values, weights, suspects, common=common, deadline=deadline)
        found = [
            loc
            for loc in search.found
            if all(loc.values[c] != values[c] for c in loc.cells)  # a note that proposes no change says nothing
        ]
        if not found:
            unanswered |= {r.id for r in here} if search.stopped else set()
            continue
        notes.append(_located(form, instance, values, found, here))
        if search.stopped:
            notes.append(diag("C421", None, found=str(len(found)), budget=seconds))
    if unanswered:
        notes.append(diag("C420", None, count=str(len(unanswered)), budget=seconds))
    return notes


def _located(
    form: Form,
    instance: Instance,
    values: Mapping[str, Decimal | None],
    found: Sequence[Localisation],
    failed: Sequence[Rule],
) -> Diagnostic:
    """The C410 note of the smallest sets found for these failed rules."""
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
    broken = [r for r in failed if set(r.ids) & set(best.cells)]

    def fix(alt: Localisation, lang: str) -> str:
        arrow = "改为" if lang == "zh" else "->"
        return ("、" if lang == "zh" else ", ").join(
            f"{form.name(c)} {format_number(values[c] or Decimal(0))} {arrow} {format_number(alt.values[c])}"
            for c in alt.cells
        )

    return diag(
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
