"""The likely wrong cell (Fellegi-Holt) and typo hints."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baobiao.diagnostics.core import Severity
from baobiao.diagnostics.render import hint, message
from baobiao.instance.check import check
from baobiao.instance.locate import default_weights, likely_wrong
from baobiao.instance.typos import typo
from baobiao.model import Form
from baobiao.model.linear import linear_system, localise
from baobiao.pipeline import check_data, load_spec
from baobiao.testing import Broken, broken_instances, make_instance, valid_instances

ROOT = Path(__file__).resolve().parents[1]


def form_of(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


def explanations(form: Form, broken: Broken) -> list[tuple[str, ...]]:
    values = {i: c.number for i, c in broken.instance.values.items()}
    system = linear_system(form, broken.instance.meta, keep=lambda r: r.severity is Severity.ERROR)
    failed = [r for r in system.rules if r.id in broken.failing]
    return [
        loc.cells
        for loc in localise(
            system, values, default_weights(form), [i for r in failed for i in r.ids], alternatives=500
        ).found
    ]


@pytest.mark.parametrize("name", ["gov-disclosure-2019", "gov-disclosure-2021"])
def test_a_single_wrong_cell_is_found(name: str) -> None:
    """Injected anywhere: the injected cell is the one reported, or, where the data cannot tell
    (a cell in one sum only: its total would do as well), among the equally small explanations."""
    form = form_of(name)

    @settings(max_examples=min(settings().max_examples, 60))
    @given(broken_instances(form))
    def run(broken: Broken) -> None:
        hard = {r.id for r in form.rules if r.severity is Severity.ERROR}
        if not broken.failing & hard:
            return  # only warnings broke: nothing to localise
        sets = explanations(form, broken)
        assert sets and all(len(s) == 1 for s in sets)
        assert (broken.cell,) in sets
        rules_of = {i for r in form.rules if r.id in broken.failing for i in r.ids}
        if (
            sum(1 for r in form.rules if r.id in broken.failing and broken.cell in r.ids) >= 2
            and len([r for r in form.rules if r.id in broken.failing]) >= 2
        ):
            # a cell breaking two rules or more is identifiable: it alone explains them
            assert sets == [(broken.cell,)], (sets, rules_of)

    run()


def _t3_with(form: Form, changes: dict[str, Decimal], data: st.DataObject) -> tuple[object, dict[str, Decimal]]:
    valid = data.draw(valid_instances(form))
    values = {i: c.number for i, c in valid.values.items()}
    for cell, delta in changes.items():
        values[cell] = (values[cell] or Decimal(0)) + delta
    return make_instance(form, valid.meta, values), values


@settings(max_examples=min(settings().max_examples, 30))  # each case solves a MILP of the whole form
@given(st.data(), st.integers(1, 50), st.integers(1, 50))
def test_two_wrong_cells_of_table_3_are_both_found(data: st.DataObject, a: int, b: int) -> None:
    """Two leaves in different rows and columns, each breaking its row total, its column's
    result total and (for 一) the flow: identifiable, and reported as the pair."""
    form = form_of("gov-disclosure-2021")
    instance, _ = _t3_with(form, {"public.natural": Decimal(a), "not_held.commercial": Decimal(b)}, data)
    findings = check(form, instance).findings  # type: ignore[arg-type]
    (located,) = likely_wrong(form, instance, findings)  # type: ignore[arg-type]
    assert {c.id for c in located.cells} == {"public.natural", "not_held.commercial"}
    assert located.args["count"] == "2"


def test_a_wrong_cell_breaking_three_rules_is_reported_once_with_the_rules() -> None:
    form = form_of("gov-disclosure-2021")
    text = (ROOT / "examples" / "county-dept-2021.yaml").read_text(encoding="utf-8")
    wrong = text.replace(
        "一、本年新收政府信息公开申请数量: {自然人: 23", "一、本年新收政府信息公开申请数量: {自然人: 32"
    )
    assert wrong != text
    path = ROOT / "tests" / ".tmp-wrong.yaml"
    path.write_text(wrong, encoding="utf-8")
    try:
        report = check_data(form, path, {}).report
    finally:
        path.unlink()
    located = [d for d in report.diagnostics if d.code == "C410"]
    assert len(located) == 1
    (cell,) = located[0].cells
    assert cell.id == "new.natural" and cell.value == "32"
    text_zh = message(located[0], "zh")
    assert "报告值 32" in text_zh and "若为 23" in text_zh and "两位数字颠倒" in text_zh
    failed = {d.rule.id for d in report.diagnostics if d.rule is not None and d.code in ("C401", "C403")}
    assert failed == {"flow@natural", "total.sum@new"}
    for rule_id in failed:  # the rules it breaks, listed under it
        assert rule_id in hint(located[0], "zh")


def test_independent_mistakes_get_a_likely_wrong_cell_each(tmp_path: Path) -> None:
    """Two mistakes in tables whose rules share no cell (三's 自然人 23 typed 32; 四's 行政复议
    总计 2 typed 3): each is a problem of its own, answered by its own C410 with its own rules,
    not one note that must change both (and not a whole-form program that a large form makes
    slow)."""
    form = form_of("gov-disclosure-2021")
    text = (ROOT / "examples" / "county-dept-2021.yaml").read_text(encoding="utf-8")
    wrong = text.replace("{自然人: 23", "{自然人: 32").replace("尚未审结: 1, 总计: 2}", "尚未审结: 1, 总计: 3}")
    assert wrong.count("32") > text.count("32") and "总计: 3}" in wrong
    path = tmp_path / "wrong.yaml"
    path.write_text(wrong, encoding="utf-8")
    located = [d for d in check_data(form, path, {}).report.diagnostics if d.code == "C410"]
    assert sorted((c.id, c.value, d.args["count"]) for d in located for c in d.cells) == [
        ("new.natural", "32", "1"),
        ("recon_total", "3", "1"),
    ]
    recon = next(d for d in located if d.cells[0].id == "recon_total")
    assert "若为 2" in message(recon, "zh") and "flow@natural" not in hint(recon, "zh")


@pytest.mark.parametrize(
    ("reported", "likely", "kind"),
    [
        ("1086", "1066", "digit"),
        ("32", "23", "swap"),
        ("1324", "1234", "swap"),
        ("-5", "5", "sign"),
        ("108", "1086", "dropped"),
        ("10866", "1086", "added"),
        ("1.86", "1.68", "swap"),
        ("1", "2", None),  # any change of a one-digit figure: no hint
        ("1086", "2000", None),
        ("99", "100", None),
    ],
)
def test_typo_kinds(reported: str, likely: str, kind: str | None) -> None:
    assert typo(Decimal(reported), Decimal(likely)) == kind


def test_the_data_is_never_changed() -> None:
    form = form_of("gov-disclosure-2017")
    path = ROOT / "examples" / "mistakes" / "shandong-fao-2017-mistakes.yaml"
    before = path.read_bytes()
    report = check_data(form, path, {}).report
    assert any(d.code == "C410" for d in report.diagnostics)
    assert path.read_bytes() == before
