"""What a rule means (model/semantics.py) and that its users agree on it: the rounding tolerance
of a rule over decimal cells (minus signs included), strict comparisons of whole numbers and of
rounded ones, the accepted intervals over blank cells, and the batch matrix against the exact
checker on small specs with random values."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baobiao.instance.batch.check import AgencyResult, check_csv
from baobiao.instance.batch.matrix import RuleMatrix, compile_rules, rule_flags
from baobiao.instance.check import check
from baobiao.instance.values import format_number
from baobiao.model import Form
from baobiao.model.linear import linear_system
from baobiao.model.semantics import (
    Accepted,
    accepted,
    cell_tolerance,
    holds,
    lower_bound,
    rule_tolerance,
    step,
)
from baobiao.pipeline import compile_source
from baobiao.source import Source
from baobiao.testing.strategies import make_instance

H = 'form t-1 "测试"\n'
D = Decimal


def form_of(text: str) -> Form:
    result = compile_source(Source("t.spec", text))
    assert result.form is not None, [(d.code, dict(d.args)) for d in result.report.diagnostics]
    return result.form


def cells(names: str, kind: str) -> str:
    return "".join(f'{n} "格{n}" 万元 {kind}\n' for n in names)


def rule(name: str, text: str) -> str:
    return f'rule {name} "规则{name}"\n  {text}\n'


# a = b - c over money cells: each of the three cells stands for ±0.005, whatever its sign
MINUS = form_of(H + cells("abc", "decimal(2)") + rule("r", "a = b - c"))
# strict comparisons: of whole numbers, and of rounded (decimal) ones
STRICT = form_of(
    H
    + cells("abcd", "integer")
    + cells("xypq", "decimal(2)")
    + rule("lt", "a < b")
    + rule("gt", "c > d")
    + rule("dlt", "x < y")
    + rule("dgt", "p > q")
)


def failing(form: Form, values: dict[str, Decimal | None]) -> set[str]:
    """The rules the exact checker finds broken (errors) for these values."""
    found = check(form, make_instance(form, {"agency": "甲"}, values)).findings
    return {d.rule.id for d in found if d.rule is not None and d.severity.value == "error"}


def flags(matrix: RuleMatrix, values: dict[str, Decimal]) -> dict[str, bool]:
    """Rule id -> whether the batch matrix flags it for these values (every cell given)."""
    grid = np.array([[float(values[i]) for i in matrix.ids]])
    present = np.ones_like(grid, dtype=bool)
    flagged = rule_flags(matrix, grid, present)[0]
    return {r.id: bool(f) for r, f in zip(matrix.rules, flagged, strict=True)}


def write_csv(path: Path, agencies: list[dict[str, Decimal | None]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["agency", "row", "column", "value"])
        for k, values in enumerate(agencies):
            for cell_id, number in values.items():
                out.writerow([f"机关{k}", cell_id, "", "-" if number is None else format_number(number)])


def batch_failing(form: Form, path: Path, agencies: list[dict[str, Decimal | None]]) -> list[set[str]]:
    """Per agency, the rules the batch path finds broken (errors), from its findings and from its
    counts (whole-number rules are counted from the matrix alone)."""
    write_csv(path, agencies)
    results: list[AgencyResult] = []
    check_csv(form, path, results.append, every=True, compiled=False)
    assert [r.agency for r in results] == [f"机关{k}" for k in range(len(agencies))]
    out = []
    for r in results:
        broken = {d.rule.id for d in r.findings if d.rule is not None and d.severity.value == "error"}
        assert r.errors == sum(d.severity.value == "error" for d in r.findings)
        out.append(broken)
    return out


# -- the rounding tolerance: |coefficient| of every cell, minus signs included -------------------


def test_a_minus_sign_does_not_shrink_the_tolerance() -> None:
    (r,) = MINUS.rules
    assert rule_tolerance(MINUS, r) == D("0.015")  # 0.005 x 3, not 0.005 x (1 + 1 - 1)
    assert accepted(r.op, rule_tolerance(MINUS, r)) == Accepted(D("-0.015"), D("0.015"))
    matrix = compile_rules(MINUS)
    assert matrix.tolerance.tolist() == pytest.approx([0.015])
    assert (matrix.lo.tolist(), matrix.hi.tolist()) == (pytest.approx([-0.015]), pytest.approx([0.015]))
    assert not matrix.lo_open[0] and not matrix.hi_open[0]


@pytest.mark.parametrize("off", [D("0.01"), D("-0.01"), D("0.00")])
def test_a_minus_rule_holds_within_three_half_cents(off: Decimal) -> None:
    """a - (b - c) = ±0.01 is within ±0.015: the checker, and the batch matrix surely (no exact
    re-check needed)."""
    values = {"a": D("5.00") + off, "b": D("7.50"), "c": D("2.50")}
    assert failing(MINUS, dict(values)) == set()
    assert flags(compile_rules(MINUS), values) == {"r": False}


@pytest.mark.parametrize("off", [D("0.02"), D("-0.02")])
def test_a_minus_rule_breaks_beyond_its_tolerance(off: Decimal) -> None:
    values = {"a": D("5.00") + off, "b": D("7.50"), "c": D("2.50")}
    assert failing(MINUS, dict(values)) == {"r"}
    assert flags(compile_rules(MINUS), values) == {"r": True}


def test_a_minus_rule_in_a_csv_is_judged_as_in_a_single_file(tmp_path: Path) -> None:
    agencies: list[dict[str, Decimal | None]] = [
        {"a": D("5.01"), "b": D("7.50"), "c": D("2.50")},
        {"a": D("4.99"), "b": D("7.50"), "c": D("2.50")},
        {"a": D("5.02"), "b": D("7.50"), "c": D("2.50")},
    ]
    assert batch_failing(MINUS, tmp_path / "m.csv", agencies) == [set(), set(), {"r"}]
    assert [failing(MINUS, dict(a)) for a in agencies] == [set(), set(), {"r"}]


# -- strict comparisons ------------------------------------------------------------------------


def test_strict_comparisons_of_whole_numbers_are_strict() -> None:
    assert not holds("<", D(0)) and holds("<", D(-1))
    assert not holds(">", D(0)) and holds(">", D(1))
    assert accepted("<") == Accepted(None, D(0), hi_open=True)
    assert accepted(">") == Accepted(D(0), None, lo_open=True)
    matrix = compile_rules(STRICT)
    money = {"x": D("1.00"), "y": D("1.00"), "p": D("1.00"), "q": D("1.00")}
    equal = money | {"a": D(3), "b": D(3), "c": D(3), "d": D(3)}
    assert failing(STRICT, dict(equal)) == {"lt", "gt"}
    flagged = flags(matrix, equal)
    assert flagged["lt"] and flagged["gt"]  # exact for whole numbers: equal sides break both
    apart = equal | {"a": D(2), "c": D(4)}
    assert failing(STRICT, dict(apart)) == set()
    assert flags(matrix, apart) == dict.fromkeys(("lt", "gt", "dlt", "dgt"), False)


def test_strict_comparisons_of_rounded_values_are_not_strict_within_the_tolerance() -> None:
    """x < y over decimal(2) cells: each stands for ±0.005, so x - y up to 0.01 may be < 0."""
    assert holds("<", D("0.01"), D("0.01")) and holds("<", D(0), D("0.01"))
    assert not holds("<", D("0.02"), D("0.01"))
    assert holds(">", D("-0.01"), D("0.01")) and not holds(">", D("-0.02"), D("0.01"))
    assert accepted("<", D("0.01")) == Accepted(None, D("0.01"))
    assert accepted(">", D("0.01")) == Accepted(D("-0.01"), None)
    matrix = compile_rules(STRICT)
    k = {r.id: n for n, r in enumerate(matrix.rules)}
    assert not matrix.hi_open[k["dlt"]] and not matrix.lo_open[k["dgt"]]
    assert matrix.hi_open[k["lt"]] and matrix.lo_open[k["gt"]]
    base = {"a": D(3), "b": D(3), "c": D(3), "d": D(3)}  # lt and gt broken
    for x, y, broken in [
        ("1.00", "1.00", set()),  # x - y = 0 (and p - q = 0): within the tolerance
        ("1.01", "1.00", set()),  # x - y = 0.01 (and p - q = 0.01): x < y within the tolerance
        ("1.00", "1.01", set()),  # x - y = -0.01 (and p - q = -0.01): p > q within it
        ("1.02", "1.00", {"dlt"}),
        ("1.00", "1.02", {"dgt"}),
    ]:
        values = base | {"x": D(x), "y": D(y), "p": D(x), "q": D(y)}
        assert failing(STRICT, dict(values)) == {"lt", "gt"} | broken, (x, y)
        flagged = flags(matrix, values)
        if x == y:  # well inside: surely holds
            assert not flagged["dlt"] and not flagged["dgt"]
        for r in broken:
            assert flagged[r]


def test_strict_comparisons_in_a_csv_are_judged_as_in_a_single_file(tmp_path: Path) -> None:
    agencies: list[dict[str, Decimal | None]] = [
        {"a": D(3), "b": D(3), "c": D(3), "d": D(3), "x": D("1.01"), "y": D("1.00"), "p": D("1.00"), "q": D("1.01")},
        {"a": D(2), "b": D(3), "c": D(4), "d": D(3), "x": D("1.00"), "y": D("1.01"), "p": D("1.01"), "q": D("1.00")},
        {"a": D(4), "b": D(3), "c": D(2), "d": D(3), "x": D("1.02"), "y": D("1.00"), "p": D("1.00"), "q": D("1.02")},
    ]
    expected = [failing(STRICT, dict(a)) for a in agencies]
    assert expected == [{"lt", "gt"}, set(), {"lt", "gt", "dlt", "dgt"}]
    assert batch_failing(STRICT, tmp_path / "s.csv", agencies) == expected


def test_the_linear_system_needs_a_step_for_a_strict_rule() -> None:
    """The MILP makes exact values: a < b needs b - a >= 1 for counts, 0.01 for decimal(2)."""
    system = linear_system(STRICT, {})
    assert system.ids == tuple("abcdxypq")
    assert list(system.scale) == [1.0] * 4 + [0.01] * 4
    assert list(system.lower) == [0.0] * 8
    assert system.eq.shape[0] == 0
    rows = {r.id: k for k, r in enumerate(system.rules)}
    ub, rhs = system.ub.toarray(), system.ub_rhs
    z = [0.0] * 4
    assert ub[rows["lt"]].tolist() == [1.0, -1.0, 0.0, 0.0, *z] and rhs[rows["lt"]] == -1.0
    assert ub[rows["gt"]].tolist() == [0.0, 0.0, -1.0, 1.0, *z] and rhs[rows["gt"]] == -1.0
    assert ub[rows["dlt"]].tolist() == [*z, 0.01, -0.01, 0.0, 0.0] and rhs[rows["dlt"]] == -0.01
    assert ub[rows["dgt"]].tolist() == [*z, 0.0, 0.0, -0.01, 0.01] and rhs[rows["dgt"]] == -0.01


# -- cells ---------------------------------------------------------------------------------------


def test_cells_steps_and_lower_bounds() -> None:
    form = form_of(H + cells("a", "integer") + cells("m", "decimal(2)") + 'd "差" 件 signed\n')
    a, m, d = (form.item(i).value_type for i in "amd")
    assert (step(a), step(m), step(d), step(None)) == (D(1), D("0.01"), D(1), D(1))
    assert (cell_tolerance(a), cell_tolerance(m), cell_tolerance(None)) == (D(0), D("0.005"), D(0))
    assert (lower_bound(a), lower_bound(m), lower_bound(d), lower_bound(None)) == (D(0), D(0), None, D(0))
    matrix = compile_rules(form)
    assert dict(zip(matrix.ids, matrix.lower.tolist(), strict=True)) == {"a": 0.0, "m": 0.0, "d": -np.inf}
    system = linear_system(form, {})
    assert dict(zip(system.ids, system.lower.tolist(), strict=True)) == {"a": 0.0, "m": 0.0, "d": -1e9}


# -- accepted intervals over blank cells: meets (some value accepted), covers (every one) ---------


@pytest.mark.parametrize(
    ("ok", "low", "high", "meets", "covers"),
    [
        # a < b exactly: d in (-inf, 0)
        (accepted("<"), D(-3), D(-1), True, True),
        (accepted("<"), D(-3), D(0), True, False),  # 0 itself is not accepted
        (accepted("<"), D(0), D(5), False, False),  # touches the open end only
        (accepted("<"), None, D(-1), True, True),
        (accepted("<"), D(-1), None, True, False),
        (accepted("<"), None, None, True, False),
        # a > b exactly: d in (0, inf)
        (accepted(">"), D(-5), D(0), False, False),
        (accepted(">"), D(0), D(2), True, False),
        (accepted(">"), D(1), D(2), True, True),
        # a < b within 0.01: d in (-inf, 0.01], closed
        (accepted("<", D("0.01")), D("0.01"), D(5), True, False),
        (accepted("<", D("0.01")), D(-1), D("0.01"), True, True),
        (accepted("<", D("0.01")), D("0.02"), D(5), False, False),
        # a = b within 0.015: d in [-0.015, 0.015]
        (accepted("=", D("0.015")), D("0.015"), D(1), True, False),
        (accepted("=", D("0.015")), D("-0.015"), D("0.015"), True, True),
        (accepted("=", D("0.015")), D("0.016"), D(1), False, False),
        (accepted("=", D("0.015")), None, D("-0.016"), False, False),
        (accepted("=", D("0.015")), D("-0.01"), None, True, False),
        # a = b exactly: d = 0
        (accepted("="), D(0), D(0), True, True),
        (accepted("="), D(-1), D(1), True, False),
        # a <= b, a >= b: closed at 0
        (accepted("<="), D(0), D(3), True, False),
        (accepted("<="), None, D(0), True, True),
        (accepted(">="), D(-3), D(0), True, False),
        (accepted(">="), D(0), None, True, True),
        (accepted(">="), None, D(-1), False, False),
    ],
)
def test_accepted_meets_and_covers(
    ok: Accepted, low: Decimal | None, high: Decimal | None, meets: bool, covers: bool
) -> None:
    assert ok.meets(low, high) is meets
    assert ok.covers(low, high) is covers
    if low is not None and high is not None and low == high:
        assert ok.contains(low) is meets is covers


# -- the batch matrix against the exact checker ---------------------------------------------------

DIFFERENTIAL = form_of(
    H
    + cells("abcd", "integer")
    + cells("mnpq", "decimal(2)")
    + rule("eq", "a = b - c")
    + rule("le", "a + d <= b + c")
    + rule("lt", "a < b - d")
    + rule("gt", "c > d")
    + rule("ge", "2 * a - b >= c - 3")
    + rule("meq", "m = n - p + q")
    + rule("mle", "m - n <= p")
    + rule("mlt", "m < n - q")
    + rule("mgt", "p > q + 1")
    + rule("mix", "a - 2 * m >= n - q")
)

# small whole numbers make equal sides (the edge of every rule) likely
COUNTS = st.integers(0, 6).map(Decimal)
MONEY = st.integers(0, 800).map(lambda n: Decimal(n).scaleb(-2))


@st.composite
def agencies(draw: st.DrawFn) -> dict[str, Decimal | None]:
    values: dict[str, Decimal | None] = {i: draw(COUNTS) for i in "abcd"}
    values |= {i: draw(MONEY) for i in "mnpq"}
    if draw(st.booleans()):  # near the edge of a money rule: m = n - p + q, give or take a cent
        n, p, q = values["n"], values["p"], values["q"]
        assert n is not None and p is not None and q is not None
        values["m"] = max(Decimal("0.00"), n - p + q + draw(st.integers(-3, 3)) * Decimal("0.01"))
    return values


def test_the_batch_finds_the_rules_the_exact_checker_finds(tmp_path: Path) -> None:
    form = DIFFERENTIAL
    matrix = compile_rules(form)
    assert {r.id for r in matrix.rules} == {r.id for r in form.rules}

    @settings(max_examples=max(settings().max_examples, 60), deadline=None)
    @given(st.lists(agencies(), min_size=1, max_size=6))
    def run(batch: list[dict[str, Decimal | None]]) -> None:
        expected = [failing(form, dict(values)) for values in batch]
        assert batch_failing(form, tmp_path / "d.csv", batch) == expected
        for values, broken in zip(batch, expected, strict=True):
            given_values = {i: v for i, v in values.items() if v is not None}
            flagged = flags(matrix, given_values)
            assert {r for r, f in flagged.items() if f} >= broken  # never lets a broken rule through
            for r in matrix.rules:  # whole-number rules are exact
                if matrix.whole[matrix.rules.index(r)]:
                    assert flagged[r.id] == (r.id in broken), r.id

    run()
