"""Checking: sums, 其中 items, named rules, blanks, signs, decimals and the rounding tolerance
of money cells. Data files are variants of examples/shandong-fao-2017.yaml."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import EXAMPLE_2017, CliResult

from baobiao.diagnostics.core import Diagnostic, Severity
from baobiao.diagnostics.render import hint, message
from baobiao.model import Form
from baobiao.pipeline import DataResult, check_data, compile_source
from baobiao.source import Source

Run = Callable[..., CliResult]

EXAMPLE_TEXT = EXAMPLE_2017.read_text(encoding="utf-8")
FUNDING = "    （四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）: "
TRAINEES = "    （三）接受培训人员数: "


def variant(*pairs: tuple[str, str]) -> str:
    text = EXAMPLE_TEXT
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} should occur exactly once in the example"
        text = text.replace(old, new)
    return text


def check_text(form: Form, tmp_path: Path, text: str, name: str = "data.yaml") -> DataResult:
    """Check a data file; the likely-wrong-cell advice (C410, tested in test_locate.py) is left
    out, so that these tests see the rules' own findings."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = check_data(form, path, {})
    kept = tuple(d for d in result.report.diagnostics if d.code != "C410")
    return dataclasses.replace(result, report=dataclasses.replace(result.report, diagnostics=kept))


def summary(result: DataResult) -> list[tuple[str, str]]:
    return [(d.code, d.severity.value) for d in result.report.diagnostics]


def line_of(text: str, needle: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, needle
    return lines[0]


def test_example_checks_clean(form2017: Form) -> None:
    result = check_data(form2017, EXAMPLE_2017, {})
    assert result.report.diagnostics == ()
    assert result.checked is not None and result.checked.ok
    assert result.checked.not_checked == ()
    assert result.instance is not None
    assert len(result.instance.values) == len(form2017.indicators)


# -- sums -------------------------------------------------------------------------------------


@pytest.fixture
def online_two(form2017: Form, tmp_path: Path) -> tuple[str, DataResult]:
    text = variant(("    3.网络申请数: 1", "    3.网络申请数: 2"))
    return text, check_text(form2017, tmp_path, text)


def test_part_off_by_one_gives_one_sum_mismatch(online_two: tuple[str, DataResult]) -> None:
    text, result = online_two
    assert summary(result) == [("C401", "error")]
    d = result.report.diagnostics[0]
    assert d.rule is not None and d.rule.id == "received.sum" and d.rule.kind == "sum"
    ids = [c.id for c in d.cells]
    assert ids[0] == "received"
    assert {"received", "online"} <= set(ids)
    assert ids == ["received", "in_person", "fax", "online", "letter", "other_form"]
    values = {c.id: c.value for c in d.cells}
    assert values["received"] == "1" and values["online"] == "2"
    assert d.comparison is not None
    assert (d.comparison.left, d.comparison.right, d.comparison.difference, d.comparison.operator) == (
        "1",
        "2",
        "-1",
        "=",
    )
    zh = message(d, "zh")
    for piece in ("收到申请数", "报告值 1", "各项合计 2", "相差 1"):
        assert piece in zh
    assert "相差 -1" not in zh
    # the finding stands on the total the user wrote
    assert d.span is not None and d.span.line == line_of(text, "收到申请数")
    assert d.data_path == "$.values.三、依申请公开情况.（一）收到申请数"


def test_sum_mismatch_points_at_each_part(online_two: tuple[str, DataResult]) -> None:
    text, result = online_two
    d = result.report.diagnostics[0]
    part_lines = {r.span.line for r in d.related if r.phrase == "part-here"}
    assert line_of(text, "3.网络申请数") in part_lines
    assert len(part_lines) == 5


def test_sum_mismatch_in_english(online_two: tuple[str, DataResult]) -> None:
    _, result = online_two
    en = message(result.report.diagnostics[0], "en")
    assert "reported 1" in en and "add up to 2" in en and "difference 1" in en


def test_total_too_large_reports_positive_difference(form2017: Form, tmp_path: Path) -> None:
    text = variant(("  七、向图书馆、档案馆等查阅场所报送信息数: 6", "  七、向图书馆、档案馆等查阅场所报送信息数: 10"))
    result = check_text(form2017, tmp_path, text)
    assert summary(result) == [("C401", "error")]
    d = result.report.diagnostics[0]
    assert d.comparison is not None
    assert (d.comparison.left, d.comparison.right, d.comparison.difference) == ("10", "6", "4")
    assert [c.id for c in d.cells] == ["archives", "paper", "electronic"]


def test_nested_sum_mismatch_reports_the_inner_total(form2017: Form, tmp_path: Path) -> None:
    # 涉及国家秘密 1 makes 4.不同意公开答复数 (0) wrong, not (三)申请答复数
    text = variant(("    其中：涉及国家秘密: 0", "    其中：涉及国家秘密: 1"))
    result = check_text(form2017, tmp_path, text)
    assert summary(result) == [("C401", "error")]
    d = result.report.diagnostics[0]
    assert d.rule is not None and d.rule.id == "refused.sum"
    assert d.cells[0].id == "refused"


# -- 其中 ---------------------------------------------------------------------------------------


def test_part_above_its_parent(form2017: Form, tmp_path: Path) -> None:
    text = variant(("    其中：主要负责同志参加新闻发布会次数: 0", "    其中：主要负责同志参加新闻发布会次数: 2"))
    result = check_text(form2017, tmp_path, text)
    assert summary(result) == [("C402", "error")]
    d = result.report.diagnostics[0]
    assert [c.id for c in d.cells] == ["press_leaders", "press_conferences"]
    assert [c.value for c in d.cells] == ["2", "1"]
    assert d.comparison is not None
    assert (d.comparison.left, d.comparison.right, d.comparison.difference) == ("2", "1", "1")
    zh = message(d, "zh")
    assert "主要负责同志参加新闻发布会次数（2）" in zh
    assert "参加或举办新闻发布会总次数（1）" in zh
    assert d.span is not None and d.span.line == line_of(text, "主要负责同志参加新闻发布会次数")


def test_part_equal_to_its_parent_is_fine(form2017: Form, tmp_path: Path) -> None:
    text = variant(("    其中：主要负责同志参加新闻发布会次数: 0", "    其中：主要负责同志参加新闻发布会次数: 1"))
    assert check_text(form2017, tmp_path, text).report.diagnostics == ()


# -- named rules ------------------------------------------------------------------------------


def test_channels_rule(form2017: Form, tmp_path: Path) -> None:
    text = variant(("    （一）主动公开政府信息数: 11307", "    （一）主动公开政府信息数: 99999"))
    result = check_text(form2017, tmp_path, text)
    assert summary(result) == [("C403", "error")]
    d = result.report.diagnostics[0]
    assert d.rule is not None and d.rule.id == "channels_cover"
    assert "channels_cover" in message(d, "zh")
    assert "channels_cover" in message(d, "en")
    assert d.comparison is not None
    assert (d.comparison.left, d.comparison.right, d.comparison.operator) == ("11307", "99999", ">=")
    assert d.comparison.difference == "-88692"
    assert "相差 88692" in message(d, "zh")
    assert "published" in [c.id for c in d.cells]
    assert "（一）主动公开政府信息数 99999" in hint(d, "zh")


def test_channels_rule_holds_at_equality(form2017: Form, tmp_path: Path) -> None:
    # 477 + 9764 + 567 + 499 + 0 = 11307, the published number: the rule is >=, equality holds
    text = variant(("    （一）主动公开政府信息数: 11307", "    （一）主动公开政府信息数: 11307"))
    assert check_text(form2017, tmp_path, text).report.diagnostics == ()
    text = variant(("    （一）主动公开政府信息数: 11307", "    （一）主动公开政府信息数: 11308"))
    assert summary(check_text(form2017, tmp_path, text)) == [("C403", "error")]


WARNING_ONLY = (
    ("    （三）申请答复数: 1", "    （三）申请答复数: 0"),
    ("    2.同意公开答复数: 1", "    2.同意公开答复数: 0"),
)


def test_warning_rule(form2017: Form, tmp_path: Path) -> None:
    result = check_text(form2017, tmp_path, variant(*WARNING_ONLY))
    assert summary(result) == [("C403", "warning")]
    d = result.report.diagnostics[0]
    assert d.severity is Severity.WARNING
    assert d.rule is not None and d.rule.id == "answered_equals_closed"
    assert [c.id for c in d.cells] == ["answered", "closed"]
    assert result.checked is not None and result.checked.ok


def test_warning_only_exits_zero(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(variant(*WARNING_ONLY), encoding="utf-8")
    result = run_cli("check", "gov-disclosure-2017", str(path))
    assert result.exit_code == 0
    assert "警告[C403]" in result.stdout
    assert "answered_equals_closed" in result.stdout
    assert "0 个错误，1 个警告" in result.stderr


# -- blanks -----------------------------------------------------------------------------------


def test_blank_total(form2017: Form, tmp_path: Path) -> None:
    text = variant(("  七、向图书馆、档案馆等查阅场所报送信息数: 6", '  七、向图书馆、档案馆等查阅场所报送信息数: "-"'))
    result = check_text(form2017, tmp_path, text)
    assert sorted(summary(result)) == [("C404", "error"), ("C405", "warning")]
    c404 = next(d for d in result.report.diagnostics if d.code == "C404")
    c405 = next(d for d in result.report.diagnostics if d.code == "C405")
    assert [c.id for c in c404.cells] == ["archives"]
    assert "七、向图书馆、档案馆等查阅场所报送信息数" in message(c404, "zh")
    assert c405.rule is not None and c405.rule.id == "archives.sum"
    assert [(c.id, c.value) for c in c405.cells] == [("archives", None)]
    assert "archives.sum" in message(c405, "zh")
    assert "七、向图书馆、档案馆等查阅场所报送信息数" in message(c405, "zh")


def test_blank_part_is_named_and_others_are_not(form2017: Form, tmp_path: Path) -> None:
    text = variant(("    3.网络申请数: 1", "    3.网络申请数: 无"))
    result = check_text(form2017, tmp_path, text)
    assert sorted(summary(result)) == [("C404", "error"), ("C405", "warning")]
    c405 = next(d for d in result.report.diagnostics if d.code == "C405")
    assert [c.id for c in c405.cells] == ["online"]
    assert "“无”" in message(next(d for d in result.report.diagnostics if d.code == "C404"), "zh")


def test_cell_left_out_of_the_file(form2017: Form, tmp_path: Path) -> None:
    text = variant((TRAINEES + "50\n", ""))
    result = check_text(form2017, tmp_path, text)
    assert summary(result) == [("C404", "error")]
    d = result.report.diagnostics[0]
    assert d.cells[0].id == "trainees"
    assert "数据文件中没有这一栏" in message(d, "zh")


# -- cell types -------------------------------------------------------------------------------


def test_negative_count(form2017: Form, tmp_path: Path) -> None:
    result = check_text(form2017, tmp_path, variant((TRAINEES + "50", TRAINEES + "-50")))
    assert summary(result) == [("C406", "error")]
    d = result.report.diagnostics[0]
    assert "-50" in message(d, "zh")
    assert d.cells[0].id == "trainees"


def test_negative_zero_is_zero(form2017: Form, tmp_path: Path) -> None:
    result = check_text(form2017, tmp_path, variant((TRAINEES + "50", TRAINEES + "-0")))
    assert result.report.diagnostics == ()


def test_fraction_for_a_count(form2017: Form, tmp_path: Path) -> None:
    result = check_text(form2017, tmp_path, variant((TRAINEES + "50", TRAINEES + "1.5")))
    assert summary(result) == [("C407", "error")]
    d = result.report.diagnostics[0]
    assert "1.5" in message(d, "zh")
    assert "人次" in hint(d, "zh")


def test_whole_number_written_with_point_zero_is_a_count(form2017: Form, tmp_path: Path) -> None:
    result = check_text(form2017, tmp_path, variant((TRAINEES + "50", TRAINEES + "50.0")))
    assert result.report.diagnostics == ()


def test_too_many_decimals_for_money(form2017: Form, tmp_path: Path) -> None:
    result = check_text(form2017, tmp_path, variant((FUNDING + "0", FUNDING + "0.123")))
    assert summary(result) == [("C408", "error")]
    d = result.report.diagnostics[0]
    assert d.cells[0].id == "funding"
    assert "0.123" in message(d, "zh")
    assert "2" in message(d, "zh")


@pytest.mark.parametrize("amount", ["0.12", "12.5", "3", "0.10", "1,234.56"])
def test_money_within_its_decimals(form2017: Form, tmp_path: Path, amount: str) -> None:
    result = check_text(form2017, tmp_path, variant((FUNDING + "0", FUNDING + amount)))
    assert result.report.diagnostics == ()
    assert result.instance is not None
    assert result.instance.values["funding"].number == Decimal(amount.replace(",", ""))


# -- money tolerance, on a small spec of our own ----------------------------------------------

MONEY_SPEC = """form money-test "经费表"
  years 2014..2030
funds "经费合计" 万元 decimal(1) = sum
  part_a "甲项经费" 万元 decimal(1)
  part_b "乙项经费" 万元 decimal(1)
  part_c "丙项经费" 万元 decimal(1)
counts "件数合计" 件 = sum
  count_a "甲" 件
  count_b "乙" 件
"""


@pytest.fixture(scope="module")
def money_form() -> Form:
    result = compile_source(Source("money.spec", MONEY_SPEC))
    assert result.form is not None, result.report.diagnostics
    assert result.report.diagnostics == ()
    return result.form


def money_data(
    total: str, a: str = "0.1", b: str = "0.1", c: str = "0.1", counts: tuple[str, str, str] = ("2", "1", "1")
) -> str:
    return (
        "meta:\n  agency: 测试机关\n  year: 2020\n  form: money-test\nvalues:\n"
        f"  经费合计: {total}\n  甲项经费: {a}\n  乙项经费: {b}\n  丙项经费: {c}\n"
        f"  件数合计: {counts[0]}\n  甲: {counts[1]}\n  乙: {counts[2]}\n"
    )


def money_sum(result: DataResult) -> list[Diagnostic]:
    return [d for d in result.report.diagnostics if d.rule is not None and d.rule.id == "funds.sum"]


def test_tenths_add_up_exactly(money_form: Form, tmp_path: Path) -> None:
    result = check_text(money_form, tmp_path, money_data("0.3"))
    assert result.report.diagnostics == ()


# Each decimal(1) cell stands for ±0.05: four cells (total and three parts) allow 0.2.
@pytest.mark.parametrize("total", ["0.2", "0.4", "0.1", "0.5", "0.30"])
def test_difference_within_rounding_tolerance_is_accepted(money_form: Form, tmp_path: Path, total: str) -> None:
    result = check_text(money_form, tmp_path, money_data(total))
    assert result.report.diagnostics == ()


@pytest.mark.parametrize(("total", "difference"), [("0.6", "0.3"), ("0", "-0.3"), ("1.3", "1.0")])
def test_difference_beyond_rounding_tolerance_is_reported(
    money_form: Form, tmp_path: Path, total: str, difference: str
) -> None:
    result = check_text(money_form, tmp_path, money_data(total))
    assert summary(result) == [("C401", "error")]
    d = money_sum(result)[0]
    assert d.comparison is not None
    assert (d.comparison.left, d.comparison.right) == (total, "0.3")
    assert d.comparison.difference == difference  # exact decimal text, no binary float residue


def test_tolerance_scales_with_the_number_of_decimal_cells(money_form: Form, tmp_path: Path) -> None:
    # 1.0 + 1.0 + 1.0 = 3.0; a reported 3.2 is within 4 × 0.05, 3.3 is not
    assert check_text(money_form, tmp_path, money_data("3.2", "1.0", "1.0", "1.0")).report.diagnostics == ()
    assert summary(check_text(money_form, tmp_path, money_data("3.3", "1.0", "1.0", "1.0"))) == [("C401", "error")]


def test_counts_get_no_tolerance(money_form: Form, tmp_path: Path) -> None:
    result = check_text(money_form, tmp_path, money_data("0.3", counts=("3", "1", "1")))
    assert summary(result) == [("C401", "error")]
    d = result.report.diagnostics[0]
    assert d.rule is not None and d.rule.id == "counts.sum"
    assert d.comparison is not None and d.comparison.difference == "1"


def test_extra_decimal_in_a_money_part_is_reported_not_absorbed(money_form: Form, tmp_path: Path) -> None:
    result = check_text(money_form, tmp_path, money_data("0.3", a="0.15", b="0.1", c="0.05"))
    codes = [d.code for d in result.report.diagnostics]
    assert codes.count("C408") == 2
    assert "C401" not in codes  # 0.15 + 0.1 + 0.05 = 0.3 exactly
