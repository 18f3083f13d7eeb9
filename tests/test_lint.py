"""baobiao lint: contradictions (and check exiting 2 on them), cells that can only be 0,
redundant rules, indicators no rule uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE_2017, CliResult

from baobiao.model.lint import lint
from baobiao.pipeline import compile_source, load_spec
from baobiao.source import Source

Run = Callable[..., CliResult]
H = 'form t-1 "测试"\n'


def codes(text: str) -> list[str]:
    result = compile_source(Source("t.spec", text))
    if result.form is None:
        return [d.code for d in result.report.diagnostics]
    return [d.code for d in lint(result.form)]


def test_contradicting_rules_are_a_spec_error(run_cli: Run, tmp_path: Path) -> None:
    spec = tmp_path / "c.spec"
    spec.write_text(
        H + 'a "甲" 件 = sum\n  b "乙" 件\n  c "丙" 件\nrule r1 "乙多于甲"\n  b >= a + 1\n', encoding="utf-8"
    )
    result = run_cli("check", str(spec), str(EXAMPLE_2017))
    assert result.exit_code == 2
    assert "[S218]" in result.stdout and "a.sum" in result.stdout and "r1" in result.stdout
    assert run_cli("lint", str(spec)).exit_code == 2


def test_cells_that_can_only_be_zero() -> None:
    text = H + 'a "甲" 件\nb "乙" 件\nrule r1 "d"\n  a >= b + a\nrule r2 "e"\n  a <= 0\n'
    assert codes(text).count("S219") == 1


def test_a_rule_implied_by_others_is_redundant() -> None:
    text = H + 'a "甲" 件 = sum\n  b "乙" 件\n  c "丙" 件\nrule r1 "乙不多于甲"\n  b <= a\n'
    assert "S220" in codes(text)


def test_an_indicator_no_rule_uses() -> None:
    assert codes(H + 'a "甲" 件\n') == ["S221"]


def test_builtin_forms_have_no_contradiction_and_the_grand_totals_are_redundant(run_cli: Run) -> None:
    for name in ("gov-disclosure-2017", "gov-disclosure-2019", "gov-disclosure-2021"):
        form = load_spec(name).form
        assert form is not None
        found = lint(form)
        assert not [d for d in found if d.code in ("S218", "S219")]
        redundant = sorted(str(d.args["rule_id"]) for d in found if d.code == "S220")
        assert redundant == ([] if name.endswith("2017") else ["flow@total", "total.sum@results_total"])
        assert run_cli("lint", name).exit_code == 0
