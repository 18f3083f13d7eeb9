"""A spec that extends another: edits, their errors, and fmt of the built-in matrix forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from baobiao.pipeline import compile_source, load_spec
from baobiao.source import Source, read_source
from baobiao.syntax.printer import format_spec

BASE = """form base-1 "底表"
  version "1"
  years 2014..2018
section s "一、甲"
  a "（一）乙" 件 = sum
    b "1.丙" 件
    c "2.丁" 件
  d "（二）戊" 件
"""


def _compile(tmp_path: Path, derived: str) -> tuple[object, list[str]]:
    (tmp_path / "base.spec").write_text(BASE, encoding="utf-8")
    path = tmp_path / "derived.spec"
    path.write_text(derived, encoding="utf-8")
    result = compile_source(read_source(path))
    return result.form, [d.code for d in result.report.diagnostics]


def test_edits_apply_to_the_base(tmp_path: Path) -> None:
    form, codes = _compile(
        tmp_path,
        'form derived-1 "派生表"\n  extends "base.spec"\n'
        'relabel d "（二）新名称"\n'
        "remove c\n"
        'add after b\n  e "2.己" 件\n'
        'replace s\n  section s "一、甲（新）"\n    a "（一）乙" 件 = sum\n      b "1.丙" 件\n      e "2.己" 件\n'
        '    d "（二）新名称" 件\n      formerly "（二）戊"\n',
    )
    assert codes == []
    assert form is not None
    assert form.version == "1" and form.years == (2014, 2018)  # inherited
    assert form.item("s").label == "一、甲（新）"
    (rule,) = [r for r in form.rules if r.id == "a.sum"]
    assert rule.right.ids == ("b", "e")
    assert form.get("c") is None
    assert form.item("d").formerly == ("（二）戊",)


def test_relabel_keeps_the_old_label(tmp_path: Path) -> None:
    form, codes = _compile(tmp_path, 'form derived-1 "派生表"\n  extends "base.spec"\nrelabel d "（二）新名称"\n')
    assert codes == []
    assert form is not None
    assert form.item("d").label == "（二）新名称"
    assert form.item("d").formerly == ("（二）戊",)


def test_extending_itself_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "loop.spec"
    path.write_text('form loop-1 "环"\n  extends "loop.spec"\n', encoding="utf-8")
    result = compile_source(read_source(path), path)
    assert result.form is None
    assert [d.code for d in result.report.diagnostics] == ["S216"]


def test_a_base_with_a_syntax_error_is_reported_with_its_own_error(tmp_path: Path) -> None:
    (tmp_path / "broken.spec").write_text('form broken-1 "坏"\nx 件\n', encoding="utf-8")
    path = tmp_path / "d.spec"
    path.write_text('form d-1 "派生"\n  extends "broken.spec"\n', encoding="utf-8")
    result = compile_source(read_source(path), path)
    assert sorted(d.code for d in result.report.diagnostics) == ["S102", "S216"]
    syntax = next(d for d in result.report.diagnostics if d.code == "S102")
    assert syntax.span is not None and syntax.span.file.endswith("broken.spec")


def test_an_error_of_meaning_in_the_base_points_into_the_base(tmp_path: Path) -> None:
    (tmp_path / "broken.spec").write_text('form broken-1 "坏"\nx "y" 件\nx "z" 件\n', encoding="utf-8")
    path = tmp_path / "d.spec"
    path.write_text('form d-1 "派生"\n  extends "broken.spec"\n', encoding="utf-8")
    result = compile_source(read_source(path), path)
    codes = sorted(d.code for d in result.report.diagnostics)
    assert codes == ["S202"]
    dup = next(d for d in result.report.diagnostics if d.code == "S202")
    assert dup.span is not None and dup.span.file.endswith("broken.spec")


def test_new_item_with_a_base_id_is_a_duplicate(tmp_path: Path) -> None:
    _, codes = _compile(tmp_path, 'form derived-1 "派生表"\n  extends "base.spec"\nd "（三）重复" 件\n')
    assert codes == ["S202"]


@pytest.mark.parametrize("name", ["gov-disclosure-2017", "gov-disclosure-2019", "gov-disclosure-2021"])
def test_fmt_round_trip_of_builtin_forms(name: str) -> None:
    original = load_spec(name, tree=True)  # the tree even when an earlier test cached the form
    assert original.form is not None and original.ast is not None
    text = format_spec(original.ast)
    again = compile_source(Source(f"<{name}>", text))
    assert again.form == original.form
    assert format_spec(again.ast) == text  # type: ignore[arg-type]


def test_2021_differs_from_2019_as_the_notice_says() -> None:
    f19, f21 = load_spec("gov-disclosure-2019").form, load_spec("gov-disclosure-2021").form
    assert f19 is not None and f21 is not None
    # （六）其他处理: one row in 2019, three in 2021, and （七）总计 adds them up.
    assert f19.item("other_handling").children and f21.item("other_handling").children
    total_2021 = next(r for r in f21.rules if r.id == "results_total.sum@natural")
    assert {"no_supplement.natural", "fee_unpaid.natural", "other_reason.natural"} <= set(total_2021.right.ids)
    assert "other_handling.natural" not in total_2021.right.ids
    # （九）项 removed; 规范性文件 -> 行政规范性文件, the old label kept.
    assert f19.get("item9") is not None and f21.get("item9") is None
    assert f21.item("normative").label == "行政规范性文件"
    assert "规范性文件" in f21.item("normative").formerly
    # the money cell has decimals; 2019's 本年增/减 is signed.
    assert f21.item("fees.fee_amount").value_type.decimals == 4  # type: ignore[union-attr]
    assert f19.item("licensing.licence_change").value_type.signed  # type: ignore[union-attr]


def test_removing_a_table_drops_the_carries_into_it() -> None:
    result = load_spec(str(Path(__file__).resolve().parents[1] / "benchmarks" / "t3-2021.spec"))
    assert result.form is not None, [d.code for d in result.report.diagnostics]
    assert result.form.carries == ()
    assert result.form.get("item1") is None and result.form.get("t3") is not None
