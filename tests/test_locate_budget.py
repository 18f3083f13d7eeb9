"""Budgets for the expensive analyses (issue 14, item 4): the likely-wrong-cell search stops at
its budget and says so (C420, C421) instead of running for minutes; instance generation stops at
its budget too."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from random import Random

import pytest
from hypothesis import given, settings

from baobiao.diagnostics.core import Severity
from baobiao.diagnostics.render import message
from baobiao.instance import locate
from baobiao.instance.check import check
from baobiao.instance.load import Instance
from baobiao.instance.locate import LOCATE_BUDGET, default_weights, likely_wrong
from baobiao.model import Form, linear
from baobiao.model.linear import linear_system, localise
from baobiao.pipeline import check_data, load_spec
from baobiao.testing import Broken, broken_instances, instance_yaml, make_instance, strategies
from baobiao.testing.strategies import OutOfBudget, valid_instances


def form_of(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


def _broken(form: Form, cells: int, seed: int = 0) -> Instance:
    """A valid instance (one draw) with ``cells`` cells of equalities changed."""
    drawn: list[Instance] = []

    @settings(max_examples=1, database=None)
    @given(valid_instances(form))
    def draw(instance: Instance) -> None:
        drawn.append(instance)

    draw()
    values = {i: c.number for i, c in drawn[0].values.items()}
    rng = Random(seed)
    equal = [i.id for i in form.indicators if any(i.id in r.ids and r.op == "=" for r in form.rules)]
    for cell in rng.sample(equal, cells):
        values[cell] = (values[cell] or Decimal(0)) + rng.randint(1, 99)
    return make_instance(form, drawn[0].meta, values)


def test_forty_broken_cells_stop_at_the_budget_with_a_note() -> None:
    """40 broken cells ran for 712 s before the budget; now the search stops at it and says so."""
    form = form_of("gov-disclosure-2021")
    instance = _broken(form, 40)
    findings = check(form, instance).findings
    for budget in (0.3, 1.0):
        start = time.perf_counter()
        notes = likely_wrong(form, instance, findings, budget=budget)
        spent = time.perf_counter() - start
        assert spent < budget + 1.5, spent  # HiGHS looks at its clock between steps
        assert [d.code for d in notes] == ["C420"]
        assert notes[0].severity is Severity.NOTE
        failed = {d.rule.id for d in findings if d.code in locate.RULE_CODES and d.rule}
        assert f"({len(failed)})" in message(notes[0], "en") and "budget" in message(notes[0], "en")


@pytest.mark.parametrize("name", ["gov-disclosure-2019", "gov-disclosure-2021"])
def test_a_whole_check_of_a_badly_broken_file_takes_seconds(name: str, tmp_path: Path) -> None:
    """`check` of a data file with 40 broken cells, with the default budget: within 5 s."""
    form = form_of(name)
    path = tmp_path / "broken.yaml"
    path.write_text(instance_yaml(form, _broken(form, 40, seed=1)), encoding="utf-8")
    start = time.perf_counter()
    report = check_data(form, path, load_spec(name).report.sources).report
    assert time.perf_counter() - start < LOCATE_BUDGET + 3.0
    codes = [d.code for d in report.diagnostics]
    assert "C420" in codes or "C410" in codes


def test_the_budgeted_search_finds_what_the_unbounded_one_finds() -> None:
    """With time enough, the search within a budget gives the sets ``linear.localise`` gives
    (it only skips single cells that some failed rule does not name)."""
    form = form_of("gov-disclosure-2021")

    @settings(max_examples=min(settings().max_examples, 25))
    @given(broken_instances(form))
    def run(broken: Broken) -> None:
        hard = {r.id for r in form.rules if r.severity is Severity.ERROR}
        if not broken.failing & hard:
            return
        findings = check(form, broken.instance).findings
        notes = likely_wrong(form, broken.instance, findings, budget=60.0)
        assert [d.code for d in notes] == ["C410"]
        values = {i: c.number for i, c in broken.instance.values.items()}
        system = linear_system(form, broken.instance.meta, keep=lambda r: r.severity is Severity.ERROR)
        failed = {d.rule.id for d in findings if d.code in locate.RULE_CODES and d.rule} & hard
        suspects = [i for r in form.rules if r.id in failed for i in r.ids]
        sets = [loc.cells for loc in localise(system, values, default_weights(form), suspects).found]
        assert tuple(c.id for c in notes[0].cells) == sets[0]

    run()


def test_a_search_stopped_while_listing_alternatives_says_the_list_may_be_incomplete(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two wrong cells (no single cell explains the failures): when the deadline comes after the
    first smallest set is found, C410 names it and C421 says others may exist."""
    form = form_of("gov-disclosure-2021")
    instance = _broken(form, 2, seed=5)
    findings = check(form, instance).findings
    full = likely_wrong(form, instance, findings, budget=60.0)
    assert [d.code for d in full][:1] == ["C410"] and len(full[0].cells) >= 2
    calls = []
    solve = linear._milp  # the search's programs, stopped at its deadline

    def once(deadline, cost, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) > 2:  # the full program, then the nearest values of its set: then no more time
            raise linear._OutOfTime
        return solve(deadline, cost, **kwargs)

    monkeypatch.setattr(linear, "_milp", once)
    notes = likely_wrong(form, instance, findings, budget=60.0)
    assert [d.code for d in notes] == ["C410", "C421"]
    assert notes[0].cells == full[0].cells
    assert "1 smallest set" in message(notes[1], "en")


def test_a_single_wrong_cell_is_still_found_at_once() -> None:
    form = form_of("gov-disclosure-2021")
    instance = _broken(form, 1, seed=2)
    findings = check(form, instance).findings
    start = time.perf_counter()
    notes = likely_wrong(form, instance, findings)
    assert time.perf_counter() - start < 1.0
    assert [d.code for d in notes] == ["C410"]


def test_instance_generation_respects_its_budget() -> None:
    """The program behind valid_instances stops at its budget: the values are valid (the best
    found by then) or, when none were found yet, OutOfBudget says so, and says so at once for
    that system afterwards (hypothesis, shrinking, would otherwise wait out every try)."""
    form = form_of("gov-disclosure-2021")
    meta = {"agency": "某某机关", "year": "2021", "form": form.id, "level": strategies.DEFAULT_LEVEL}
    system = strategies._system(form, frozenset(meta.items()))
    targets = [Random(k).randint(0, 10**6) for k in range(system.size)]
    start = time.perf_counter()
    try:
        values = strategies._solve(system, targets, budget=1e-4)
    except OutOfBudget as exc:
        assert "within" in str(exc)
        again = time.perf_counter()
        with pytest.raises(OutOfBudget):
            strategies._solve(system, [t + 1 for t in targets], budget=1e-4)
        assert time.perf_counter() - again < 0.05
        values = strategies._solve(system, targets, budget=10.0)  # more time: tried again
        assert not [d for d in check(form, make_instance(form, meta, values)).findings if d.severity is Severity.ERROR]
    else:
        instance = make_instance(form, meta, values)
        assert not [d for d in check(form, instance).findings if d.severity is Severity.ERROR]
    assert time.perf_counter() - start < 2.0
