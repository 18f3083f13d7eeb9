"""The command line on real-report data: --tables, --strict-labels, --format short,
--max-findings, a broken last-year file, findings grouped by their cause."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult

Run = Callable[..., CliResult]
ROOT = Path(__file__).resolve().parents[1]
MESSY = ROOT / "tests" / "data" / "messy"
COUNTY_2021 = ROOT / "examples" / "county-dept-2021.yaml"
COUNTY_2020 = ROOT / "examples" / "county-dept-2020.yaml"
F2021 = "gov-disclosure-2021"


def test_tables_option_checks_only_the_tables_named(run_cli: Run) -> None:
    data = str(MESSY / "table4-absent-2021.yaml")
    assert run_cli("check", F2021, data).exit_code == 1  # table 四 is not given
    for names in ("二,三", "t2,t3", "表二,三、收到和处理政府信息公开申请情况"):
        result = run_cli("check", F2021, data, "--tables", names)
        assert result.exit_code == 0, (names, result.stdout)
        assert "C412" not in result.stdout
    only_four = run_cli("check", F2021, data, "--tables", "四")
    assert only_four.exit_code == 1 and "[C412]" in only_four.stdout
    unknown = run_cli("check", F2021, data, "--tables", "五")
    assert unknown.exit_code == 2 and "五" in unknown.stderr


def test_tables_option_leaves_out_the_rules_of_other_tables(run_cli: Run) -> None:
    data = str(MESSY / "old-row-wrong-2021.yaml")  # two sums of table 三 broken
    assert "[C401]" in run_cli("check", F2021, data).stdout
    result = run_cli("check", F2021, data, "--tables", "四", "--format", "short")
    assert result.exit_code == 0 and "C401" not in result.stdout


def test_strict_labels_turn_slips_into_errors(run_cli: Run) -> None:
    data = str(MESSY / "labels-2021.yaml")
    assert run_cli("check", F2021, data).exit_code == 0
    strict = run_cli("check", F2021, data, "--strict-labels", "--format", "short")
    assert strict.exit_code == 1
    lines = strict.stdout.splitlines()
    assert sum(1 for line in lines if "错误[D324]" in line) == 4
    assert sum(1 for line in lines if "错误[D316]" in line) == 1
    assert "警告[D324]" not in strict.stdout


def test_short_format_is_one_line_per_finding_and_max_findings_keeps_errors(run_cli: Run) -> None:
    data = str(MESSY / "cut-short-2021.yaml")  # 7 blanks (errors) and 5 notes
    short = run_cli("check", F2021, data, "--format", "short")
    lines = short.stdout.splitlines()
    assert len(lines) == 12
    assert all("[C404]" in line or "[C413]" in line for line in lines)
    first = run_cli("check", F2021, data, "--format", "short", "--max-findings", "3")
    kept = first.stdout.splitlines()
    assert len(kept) == 3 and all("错误[C404]" in line for line in kept)
    assert "7 个错误" in first.stderr  # the summary still counts every finding
    assert first.exit_code == 1


def test_broken_last_year_file_still_checks_this_year(run_cli: Run, tmp_path: Path) -> None:
    """Last year's file has an unknown label: its problem is reported under its own name, and
    this year's cross-year rules still run on what it gave (here 上年结转 / 自然人 3 against
    last year's 结转下年度 2)."""
    last = COUNTY_2020.read_text(encoding="utf-8")
    last = last.replace(
        "  三、收到和处理政府信息公开申请情况:",
        "  三、收到和处理政府信息公开申请情况:\n    五、没有这一行: {自然人: 1}",
        1,
    )
    broken = tmp_path / "last.yaml"
    broken.write_text(last, encoding="utf-8")
    this = COUNTY_2021.read_text(encoding="utf-8")
    this = this.replace(
        "一、本年新收政府信息公开申请数量: {自然人: 23", "一、本年新收政府信息公开申请数量: {自然人: 22", 1
    )
    this = this.replace(
        "二、上年结转政府信息公开申请数量: {自然人: 2,", "二、上年结转政府信息公开申请数量: {自然人: 3,", 1
    )
    this = this.replace("总计: 28}", "总计: 27}", 1).replace("其他: 0, 总计: 2}", "其他: 0, 总计: 3}", 1)
    data = tmp_path / "this.yaml"
    data.write_text(this, encoding="utf-8")
    result = run_cli("check", F2021, str(data), "--previous", str(broken), "--format", "short")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(str(broken)) and "[D305]" in line for line in lines)
    assert any(line.startswith(str(data)) and "carried_from_last_year@natural" in line for line in lines)
