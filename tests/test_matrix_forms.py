"""The 2019 and 2021 national forms end to end: matrix tables (二、三、四) filled in by hand,
one broken cell per hard or soft rule of formats.md A2, blanks, old labels, column ids,
cross-year rules with --previous, and whole folders."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml
from conftest import ROOT, CliResult

from baobiao.instance.check import check
from baobiao.model import Form
from baobiao.pipeline import load_data, load_spec

Run = Callable[..., CliResult]

EXAMPLES = ROOT / "examples"
COUNTY_2021 = EXAMPLES / "county-dept-2021.yaml"
COUNTY_2020 = EXAMPLES / "county-dept-2020.yaml"
CITY_2019 = EXAMPLES / "city-gov-2019.yaml"
F2019, F2021 = "gov-disclosure-2019", "gov-disclosure-2021"
FORM_OF = {COUNTY_2021: F2021, COUNTY_2020: F2019, CITY_2019: F2019}

# Printed labels, as the example files use them.
T2 = "二、主动公开政府信息情况"
T3 = "三、收到和处理政府信息公开申请情况"
T4 = "四、政府信息公开行政复议、行政诉讼情况"
ITEM1, ITEM5, ITEM6, ITEM8, ITEM9 = (f"第二十条第（{n}）项" for n in ("一", "五", "六", "八", "九"))
NEW = "一、本年新收政府信息公开申请数量"
CARRIED = "二、上年结转政府信息公开申请数量"
RESULTS = "三、本年度办理结果"
FORWARD = "四、结转下年度继续办理"
PUBLIC = "（一）予以公开"
OTHER_HANDLING = "（六）其他处理"
RESULTS_TOTAL = "（七）总计"
LITIGATION = "行政诉讼"

ERROR, WARNING = "error", "warning"


# -- helpers --------------------------------------------------------------------------------------


def load_doc(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def dump_doc(doc: dict[str, Any], path: Path) -> Path:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def node_at(doc: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    node = doc["values"]
    for key in keys:
        assert key in node, f"{key!r} not in {list(node)}"
        node = node[key]
    assert isinstance(node, dict)
    return node


def get_value(doc: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return node_at(doc, keys[:-1])[keys[-1]]


def set_value(doc: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    parent = node_at(doc, keys[:-1])
    assert keys[-1] in parent, f"{keys[-1]!r} not in {list(parent)}"
    parent[keys[-1]] = value


def changed_copy(tmp_path: Path, example: Path, keys: tuple[str, ...], value: Any) -> Path:
    doc = load_doc(example)
    set_value(doc, keys, value)
    return dump_doc(doc, tmp_path / example.name)


def check_json(run: Run, spec: str, *args: str) -> tuple[CliResult, list[dict[str, Any]]]:
    result = run("check", spec, *args, "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["schema"] == "baobiao.diagnostics"
    for file in doc["files"]:  # the likely-wrong-cell advice is tested in test_locate.py
        file["diagnostics"] = [d for d in file["diagnostics"] if d["code"] != "C410"]
    return result, doc["files"]


def cell_ids(finding: dict[str, Any]) -> list[str]:
    return [c["id"] for c in finding["cells"]]


def rule_id(finding: dict[str, Any]) -> str | None:
    return finding["rule"]["id"] if finding["rule"] else None


def describe(findings: list[dict[str, Any]]) -> list[tuple[str, str, str | None, list[str]]]:
    return [(f["code"], f["severity"], rule_id(f), cell_ids(f)) for f in findings]


@pytest.fixture(scope="module")
def forms() -> dict[str, Form]:
    out = {}
    for name in (F2019, F2021):
        result = load_spec(name)
        assert result.form is not None, result.report.diagnostics
        out[name] = result.form
    return out


# -- (a) the specs compile and the examples check clean -------------------------------------------


@pytest.mark.parametrize("name", [F2019, F2021])
def test_spec_compiles_without_diagnostics(name: str) -> None:
    result = load_spec(name)
    assert result.form is not None
    assert result.report.diagnostics == ()


@pytest.mark.parametrize("example", list(FORM_OF), ids=lambda p: p.name)
def test_example_checks_clean(run_cli: Run, example: Path) -> None:
    result, files = check_json(run_cli, FORM_OF[example], str(example))
    assert result.exit_code == 0, result.stdout
    assert files[0]["diagnostics"] == []
    assert files[0]["errors"] == files[0]["warnings"] == 0


@pytest.mark.parametrize("example", list(FORM_OF), ids=lambda p: p.name)
def test_example_human_output_says_clean(run_cli: Run, example: Path) -> None:
    result = run_cli("check", FORM_OF[example], str(example))
    assert result.exit_code == 0
    assert result.stdout.strip() == ""
    assert f"{example}：通过校验" in result.stderr


@pytest.mark.parametrize("example", list(FORM_OF), ids=lambda p: p.name)
def test_example_fills_every_cell_of_tables_2_3_4(forms: dict[str, Form], example: Path) -> None:
    form = forms[FORM_OF[example]]
    instance, problems, _ = load_data(form, example)
    assert problems == [] and instance is not None
    assert set(instance.values) == {i.id for i in form.indicators}
    assert all(v.number is not None for v in instance.values.values())
    assert instance.meta["agency"] and instance.meta["level"]


def test_examples_are_the_same_department_in_2020_and_2021(forms: dict[str, Form]) -> None:
    this_year, _, _ = load_data(forms[F2021], COUNTY_2021)
    last_year, _, _ = load_data(forms[F2019], COUNTY_2020)
    assert this_year is not None and last_year is not None
    assert this_year.meta["agency"] == last_year.meta["agency"]
    assert (this_year.year, last_year.year) == (2021, 2020)
    columns = ("natural", "commercial", "research", "social", "legal_service", "other_org", "total")
    for col in columns:
        assert this_year.values[f"carried.{col}"].number == last_year.values[f"forward.{col}"].number


def test_levels_decide_the_guizhang_rule(forms: dict[str, Form]) -> None:
    """The county department reports 规章 = 0; the 设区的市 government makes 规章."""
    county, _, _ = load_data(forms[F2021], COUNTY_2021)
    city, _, _ = load_data(forms[F2019], CITY_2019)
    assert county is not None and city is not None
    assert county.meta["level"] == "县级政府部门"
    assert all(county.values[f"guizhang.{c}"].number == 0 for c in ("issued", "repealed", "in_force"))
    assert city.meta["level"] == "设区的市级人民政府"
    assert city.values["guizhang.newly_made"].number > 0


# -- (b) one changed cell per rule ----------------------------------------------------------------

# (case id, example, label path of the cell, new value, code, rule id or None, severity, cell id)
ONE_CELL_CASES: list[tuple[str, Path, tuple[str, ...], Any, str, str | None, str, str]] = [
    # R-T3-FLOW: 一 + 二 = 三（七）+ 四, in every column including 总计
    ("flow-natural-2021", COUNTY_2021, (T3, NEW, "自然人"), 24, "C403", "flow@natural", ERROR, "new.natural"),
    (
        "flow-legal-2020",
        COUNTY_2020,
        (T3, CARRIED, "法律服务机构"),
        1,
        "C403",
        "flow@legal_service",
        ERROR,
        "carried.legal_service",
    ),
    ("flow-total-2019", CITY_2019, (T3, FORWARD, "总计"), 13, "C403", "flow@total", ERROR, "forward.total"),
    ("flow-other-2021", COUNTY_2021, (T3, FORWARD, "其他"), 1, "C403", "flow@other_org", ERROR, "forward.other_org"),
    # R-T3-RESULTSUM: （七）总计 = sum of the results rows, per column
    (
        "resultsum-public-2021",
        COUNTY_2021,
        (T3, RESULTS, PUBLIC, "自然人"),
        10,
        "C401",
        "results_total.sum@natural",
        ERROR,
        "public.natural",
    ),
    (
        "resultsum-2021-sixth-sub-row",
        COUNTY_2021,
        (T3, RESULTS, OTHER_HANDLING, "3.其他", "商业企业"),
        1,
        "C401",
        "results_total.sum@commercial",
        ERROR,
        "other_reason.commercial",
    ),
    (
        "resultsum-2021-no-supplement",
        COUNTY_2021,
        (T3, RESULTS, OTHER_HANDLING, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "科研机构"),
        2,
        "C401",
        "results_total.sum@research",
        ERROR,
        "no_supplement.research",
    ),
    (
        "resultsum-2019-sixth-row",
        CITY_2019,
        (T3, RESULTS, OTHER_HANDLING, "社会公益组织"),
        0,
        "C401",
        "results_total.sum@social",
        ERROR,
        "other_handling.social",
    ),
    (
        "resultsum-total-row-2020",
        COUNTY_2020,
        (T3, RESULTS, RESULTS_TOTAL, "自然人"),
        17,
        "C401",
        "results_total.sum@natural",
        ERROR,
        "results_total.natural",
    ),
    (
        "resultsum-refused-2019",
        CITY_2019,
        (T3, RESULTS, "8.属于行政查询事项", "总计"),
        5,
        "C401",
        "results_total.sum@total",
        ERROR,
        "query_matters.total",
    ),
    # R-T3-ROWSUM: 自然人 + 法人或其他组织 (5 columns) = 总计, per row
    ("rowsum-new-2021", COUNTY_2021, (T3, NEW, "总计"), 27, "C401", "total.sum@new", ERROR, "new.total"),
    (
        "rowsum-repeated-2019",
        CITY_2019,
        (T3, RESULTS, "2.重复申请", "商业企业"),
        2,
        "C401",
        "total.sum@repeated",
        ERROR,
        "repeated.commercial",
    ),
    (
        "rowsum-forward-2020",
        COUNTY_2020,
        (T3, FORWARD, "科研机构"),
        1,
        "C401",
        "total.sum@forward",
        ERROR,
        "forward.research",
    ),
    # R-T4-SUM: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计, three times
    (
        "t4-reconsideration",
        COUNTY_2021,
        (T4, "行政复议", "结果纠正"),
        1,
        "C401",
        "recon_total.sum",
        ERROR,
        "recon_corrected",
    ),
    (
        "t4-direct-total",
        COUNTY_2021,
        (T4, LITIGATION, "未经复议直接起诉", "总计"),
        2,
        "C401",
        "direct_total.sum",
        ERROR,
        "direct_total",
    ),
    (
        "t4-after-review",
        CITY_2019,
        (T4, LITIGATION, "复议后起诉", "尚未审结"),
        3,
        "C401",
        "review_total.sum",
        ERROR,
        "review_pending",
    ),
    ("t4-recon-total-2020", COUNTY_2020, (T4, "行政复议", "总计"), 1, "C401", "recon_total.sum", ERROR, "recon_total"),
    # R-T2-ITEMS (2019): 上一年项目数量 + 本年增/减 >= 0
    (
        "items-licensing",
        CITY_2019,
        (T2, ITEM5, "行政许可", "本年增/减"),
        -387,
        "C403",
        "licence_items_nonnegative@licensing",
        ERROR,
        "licensing.licence_change",
    ),
    (
        "items-other-services",
        COUNTY_2020,
        (T2, ITEM5, "其他对外管理服务事项", "本年增/减"),
        -13,
        "C403",
        "licence_items_nonnegative@other_services",
        ERROR,
        "other_services.licence_change",
    ),
    (
        "items-enforcement",
        COUNTY_2020,
        (T2, ITEM6, "行政强制", "本年增/减"),
        -26,
        "C403",
        "sanction_items_nonnegative@enforcement",
        ERROR,
        "enforcement.sanction_change",
    ),
    (
        "items-fees",
        CITY_2019,
        (T2, ITEM8, "行政事业性收费", "本年增/减"),
        -48,
        "C403",
        "fee_items_nonnegative@fees",
        ERROR,
        "fees.fee_change",
    ),
    # R-NONNEG: counts and money are >= 0
    ("nonneg-t3", COUNTY_2021, (T3, NEW, "自然人"), -1, "C406", None, ERROR, "new.natural"),
    ("nonneg-t4", COUNTY_2020, (T4, LITIGATION, "复议后起诉", "结果维持"), -1, "C406", None, ERROR, "review_upheld"),
    (
        "nonneg-t2-2021",
        COUNTY_2021,
        (T2, ITEM6, "行政处罚", "本年处理决定数量"),
        -326,
        "C406",
        None,
        ERROR,
        "penalty.sanction_decisions",
    ),
    (
        "nonneg-money-2021",
        COUNTY_2021,
        (T2, ITEM8, "行政事业性收费", "本年收费金额（单位：万元）"),
        -1.86,
        "C406",
        None,
        ERROR,
        "fees.fee_amount",
    ),
    (
        "nonneg-t2-2019",
        CITY_2019,
        (T2, ITEM1, "规范性文件", "对外公开总数量"),
        -318,
        "C406",
        None,
        ERROR,
        "normative.total_published",
    ),
    (
        "nonneg-money-2019",
        COUNTY_2020,
        (T2, ITEM9, "政府集中采购", "采购总金额"),
        -186.42,
        "C406",
        None,
        ERROR,
        "procurement.purchase_amount",
    ),
    # R-INT: counts are whole numbers (even the signed 本年增/减)
    ("int-t3", COUNTY_2021, (T3, NEW, "自然人"), 23.5, "C407", None, ERROR, "new.natural"),
    ("int-t4", CITY_2019, (T4, "行政复议", "结果维持"), 14.5, "C407", None, ERROR, "recon_upheld"),
    (
        "int-signed-2019",
        CITY_2019,
        (T2, ITEM6, "行政处罚", "本年增/减"),
        -56.5,
        "C407",
        None,
        ERROR,
        "penalty.sanction_change",
    ),
    (
        "int-t2-2021",
        COUNTY_2021,
        (T2, ITEM5, "行政许可", "本年处理决定数量"),
        4862.5,
        "C407",
        None,
        ERROR,
        "licensing.licence_decisions",
    ),
    # R-MONEY: 万元 with at most 4 decimals
    (
        "money-decimals-2021",
        COUNTY_2021,
        (T2, ITEM8, "行政事业性收费", "本年收费金额（单位：万元）"),
        "1.86001",
        "C408",
        None,
        ERROR,
        "fees.fee_amount",
    ),
    # soft rules: warnings
    (
        "stock-2021",
        COUNTY_2021,
        (T2, ITEM1, "行政规范性文件", "本年制发件数"),
        11,
        "C403",
        "stock@normative",
        WARNING,
        "normative.issued",
    ),
    (
        "newly-published-2019",
        CITY_2019,
        (T2, ITEM1, "规范性文件", "本年新公开数量"),
        319,
        "C403",
        "published_within_total@normative",
        WARNING,
        "normative.newly_published",
    ),
    (
        "guizhang-2021",
        COUNTY_2021,
        (T2, ITEM1, "规章", "本年废止件数"),
        1,
        "C403",
        "guizhang_level@repealed",
        WARNING,
        "guizhang.repealed",
    ),
    (
        "guizhang-2019",
        COUNTY_2020,
        (T2, ITEM1, "规章", "对外公开总数量"),
        2,
        "C403",
        "guizhang_level@total_published",
        WARNING,
        "guizhang.total_published",
    ),
]


@pytest.mark.parametrize(
    ("example", "keys", "value", "code", "rule", "severity", "cell"),
    [c[1:] for c in ONE_CELL_CASES],
    ids=[c[0] for c in ONE_CELL_CASES],
)
def test_one_changed_cell_breaks_its_rule(
    run_cli: Run,
    tmp_path: Path,
    example: Path,
    keys: tuple[str, ...],
    value: Any,
    code: str,
    rule: str | None,
    severity: str,
    cell: str,
) -> None:
    assert get_value(load_doc(example), keys) != value
    data = changed_copy(tmp_path, example, keys, value)
    result, files = check_json(run_cli, FORM_OF[example], str(data))
    findings = files[0]["diagnostics"]
    hits = [f for f in findings if f["code"] == code and rule_id(f) == rule and cell in cell_ids(f)]
    assert len(hits) == 1, describe(findings)
    assert hits[0]["severity"] == severity
    assert hits[0]["location"] is not None and hits[0]["location"]["file"] == str(data)
    # every finding is about the changed cell
    assert all(cell in cell_ids(f) for f in findings), describe(findings)
    has_errors = any(f["severity"] == ERROR for f in findings)
    assert result.exit_code == (1 if has_errors else 0)
    if severity == WARNING:
        assert result.exit_code == 0


def test_flow_finding_reports_both_sides(run_cli: Run, tmp_path: Path) -> None:
    data = changed_copy(tmp_path, COUNTY_2021, (T3, NEW, "自然人"), 24)
    _, files = check_json(run_cli, F2021, str(data))
    (flow,) = [f for f in files[0]["diagnostics"] if rule_id(f) == "flow@natural"]
    assert flow["comparison"] == {"left": "26", "right": "25", "difference": "1", "operator": "=", "bounded": False}
    assert cell_ids(flow) == ["new.natural", "carried.natural", "results_total.natural", "forward.natural"]
    assert flow["data_path"] == f"$.values.{T3}.{NEW}.自然人"


def test_results_sum_names_all_22_parts_in_2021(run_cli: Run, tmp_path: Path) -> None:
    data = changed_copy(tmp_path, COUNTY_2021, (T3, RESULTS, RESULTS_TOTAL, "总计"), 30)
    _, files = check_json(run_cli, F2021, str(data))
    (total,) = [f for f in files[0]["diagnostics"] if rule_id(f) == "results_total.sum@total"]
    assert total["code"] == "C401"
    ids = cell_ids(total)
    assert ids[0] == "results_total.total"
    assert len(ids) == 1 + 21  # （一）（二）, 8 + 3 + 5 reasons, 3 sub-rows of （六）
    assert {"no_supplement.total", "fee_unpaid.total", "other_reason.total"} <= set(ids)
    assert total["comparison"]["left"] == "30" and total["comparison"]["right"] == "29"


def test_signed_items_may_be_negative_in_2019(run_cli: Run, tmp_path: Path) -> None:
    """本年增/减 takes negatives (the city's example already has some); only the sum is bounded."""
    data = changed_copy(tmp_path, CITY_2019, (T2, ITEM5, "行政许可", "本年增/减"), -386)
    result, files = check_json(run_cli, F2019, str(data))
    assert result.exit_code == 0
    assert files[0]["diagnostics"] == []


def test_guizhang_allowed_for_a_city_government(run_cli: Run, tmp_path: Path) -> None:
    doc = load_doc(CITY_2019)
    doc["meta"]["level"] = "县级人民政府"
    result, files = check_json(run_cli, F2019, str(dump_doc(doc, tmp_path / "county.yaml")))
    found = {rule_id(f) for f in files[0]["diagnostics"]}
    assert found == {f"guizhang_level@{c}" for c in ("newly_made", "newly_published", "total_published")}
    assert {f["severity"] for f in files[0]["diagnostics"]} == {WARNING}
    assert result.exit_code == 0


def test_guizhang_rule_needs_a_level(run_cli: Run, tmp_path: Path) -> None:
    doc = load_doc(COUNTY_2021)
    del doc["meta"]["level"]
    result, files = check_json(run_cli, F2021, str(dump_doc(doc, tmp_path / "x.yaml")))
    findings = files[0]["diagnostics"]
    assert {(f["code"], rule_id(f), f["data_path"]) for f in findings} == {
        ("C405", f"guizhang_level@{c}", "$.meta.level") for c in ("issued", "repealed", "in_force")
    }
    assert result.exit_code == 0


@pytest.mark.parametrize("example", list(FORM_OF), ids=lambda p: p.name)
def test_every_cell_of_tables_3_and_4_is_in_exactly_its_sums(forms: dict[str, Form], example: Path) -> None:
    """Add 1 to any one cell of 三 or 四: exactly the equalities that use it fail (flow, row sum,
    results sum, 表四 sums), each naming the cell; nothing else is reported."""
    form = forms[FORM_OF[example]]
    instance, problems, _ = load_data(form, example)
    assert instance is not None and not problems
    assert check(form, instance).findings == ()
    mismatches = []
    cells = [i for i in instance.values if form.ancestors(i)[0].id in ("t3", "t4")]
    assert len(cells) == (25 if form.id == F2021 else 23) * 7 + 15  # rows × 7 columns + 表四
    for cell in cells:
        expected = {r.id for r in form.rules if r.op == "=" and cell in r.ids and not r.previous_ids}
        given = instance.values[cell]
        assert given.number is not None and expected, cell
        values = {**instance.values, cell: replace(given, number=given.number + 1)}
        findings = check(form, replace(instance, values=MappingProxyType(values))).findings
        found = {d.rule.id for d in findings if d.rule is not None}
        codes = {d.code for d in findings}
        named = all(cell in [c.id for c in d.cells] for d in findings)
        if found != expected or not codes <= {"C401", "C403"} or not named:
            mismatches.append((cell, sorted(expected), sorted(found), sorted(codes)))
    assert mismatches == []


# -- (c) a blank 总计 cell in table 三 --------------------------------------------------------------

# (case id, example, row label path, blank cell id, rules that can no longer be checked)
BLANK_TOTAL_CASES = [
    ("new-2021", COUNTY_2021, (T3, NEW), "new.total", {"flow@total", "total.sum@new"}),
    ("carried-2019", CITY_2019, (T3, CARRIED), "carried.total", {"flow@total", "total.sum@carried"}),
    ("forward-2020", COUNTY_2020, (T3, FORWARD), "forward.total", {"flow@total", "total.sum@forward"}),
    (
        "public-2021",
        COUNTY_2021,
        (T3, RESULTS, PUBLIC),
        "public.total",
        {"total.sum@public", "results_total.sum@total"},
    ),
    (
        "sixth-sub-row-2021",
        COUNTY_2021,
        (T3, RESULTS, OTHER_HANDLING, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        "fee_unpaid.total",
        {"total.sum@fee_unpaid", "results_total.sum@total"},
    ),
    (
        "results-total-2021",
        COUNTY_2021,
        (T3, RESULTS, RESULTS_TOTAL),
        "results_total.total",
        {"flow@total", "total.sum@results_total", "results_total.sum@total"},
    ),
    (
        "results-total-2019",
        CITY_2019,
        (T3, RESULTS, RESULTS_TOTAL),
        "results_total.total",
        {"flow@total", "total.sum@results_total", "results_total.sum@total"},
    ),
]


@pytest.mark.parametrize(
    ("example", "row", "cell", "rules"), [c[1:] for c in BLANK_TOTAL_CASES], ids=[c[0] for c in BLANK_TOTAL_CASES]
)
def test_blank_total_is_missing_and_its_rules_not_checkable(
    run_cli: Run, tmp_path: Path, example: Path, row: tuple[str, ...], cell: str, rules: set[str]
) -> None:
    """A blank 总计 is missing (an error), but not a blind spot: its row's parts fix it, so the
    rules over it are decided (they hold: the parts are the example's) and the finding says
    what the total must be: the value the example had before it was blanked."""
    original = get_value(load_doc(example), (*row, "总计"))
    data = changed_copy(tmp_path, example, (*row, "总计"), "-")
    result, files = check_json(run_cli, FORM_OF[example], str(data))
    findings = files[0]["diagnostics"]
    (missing,) = [f for f in findings if f["code"] == "C404"]
    assert cell_ids(missing) == [cell] and missing["severity"] == ERROR
    if original == 0:  # parts all 0: each sum over the blank holds only if it is 0 too (notes)
        assert {(f["code"], tuple(cell_ids(f))) for f in findings if f is not missing} <= {("C413", (cell,))}
    else:
        assert findings == [missing]
        assert f"应为 {original}" in missing["hint"]
    assert not rules & {rule_id(f) for f in findings if f["code"] == "C405"}  # every rule over it is decided
    assert result.exit_code == 1


def test_bare_dash_in_a_flow_row_is_blank(run_cli: Run, tmp_path: Path) -> None:
    """Written by hand: `{自然人: 23, …, 总计: -}` (a bare dash, not quoted)."""
    text = COUNTY_2021.read_text(encoding="utf-8")
    assert text.count("总计: 28}") == 1
    data = tmp_path / "dash.yaml"
    data.write_text(text.replace("总计: 28}", "总计: -}"), encoding="utf-8")
    result, files = check_json(run_cli, F2021, str(data))
    findings = files[0]["diagnostics"]
    assert [(f["code"], cell_ids(f)) for f in findings] == [("C404", ["new.total"])]
    assert "应为 28" in findings[0]["hint"]
    assert result.exit_code == 1


def test_blank_total_whose_parts_exceed_the_flow_is_an_error(run_cli: Run, tmp_path: Path) -> None:
    """总计 of 一、本年新收 blank, and 自然人 raised from 23 to 30: the parts fix the total at 35,
    but the flow of the 总计 column (35 + 2 = 29 + 1) cannot hold: one error names the blank."""
    text = COUNTY_2021.read_text(encoding="utf-8")
    data = tmp_path / "dash.yaml"
    data.write_text(
        text.replace("{自然人: 23, 商业企业: 4", "{自然人: 30, 商业企业: 4").replace("总计: 28}", "总计: -}")
    )
    result, files = check_json(run_cli, F2021, str(data))
    codes = sorted(f["code"] for f in files[0]["diagnostics"])
    assert "C404" in codes and result.exit_code == 1
    broken = {rule_id(f) for f in files[0]["diagnostics"] if f["code"] in ("C401", "C403", "C414")}
    assert "flow@natural" in broken  # 30 + 2 != 24 + 1: decided on known cells
    (together,) = [f for f in files[0]["diagnostics"] if f["code"] == "C414"]
    assert cell_ids(together) == ["new.total"]
    assert "total.sum@new" in together["message"] and "flow@total" in together["message"]


def test_blank_total_in_human_output(run_cli: Run, tmp_path: Path) -> None:
    data = changed_copy(tmp_path, COUNTY_2021, (T3, NEW, "总计"), "-")
    result = run_cli("check", F2021, str(data))
    assert result.exit_code == 1
    assert "[C404]" in result.stdout and "[C405]" not in result.stdout
    assert "“一、本年新收政府信息公开申请数量 / 总计”应为 28" in result.stdout
    assert "[new.total]" not in result.stdout or "= 空白" in result.stdout


# -- (d) a 2019 label in a 2021 file; (e) a scalar for a matrix row ---------------------------------


def test_2019_label_in_2021_file_is_old_label(run_cli: Run, tmp_path: Path) -> None:
    doc = load_doc(COUNTY_2021)
    block = node_at(doc, (T2, ITEM1))
    block["规范性文件"] = block.pop("行政规范性文件")
    result, files = check_json(run_cli, F2021, str(dump_doc(doc, tmp_path / "old.yaml")))
    findings = files[0]["diagnostics"]
    assert [f["code"] for f in findings] == ["D316"]
    assert findings[0]["severity"] == WARNING  # read as the current row: every rule is checked
    assert "规范性文件" in findings[0]["message"]
    assert "行政规范性文件" in findings[0]["hint"]
    assert findings[0]["location"]["line"] > 0
    assert result.exit_code == 0
    strict, files = check_json(run_cli, F2021, str(tmp_path / "old.yaml"), "--strict-labels")
    assert strict.exit_code == 1
    assert {f["code"] for f in files[0]["diagnostics"]} >= {"D316", "C404"}  # refused: the row is blank


def test_2019_label_in_2021_file_in_english(run_cli: Run, tmp_path: Path) -> None:
    doc = load_doc(COUNTY_2021)
    block = node_at(doc, (T2, ITEM1))
    block["规范性文件"] = block.pop("行政规范性文件")
    data = dump_doc(doc, tmp_path / "old.yaml")
    result = run_cli("check", F2021, str(data), "--lang", "en")
    assert result.exit_code == 0
    assert "warning[D316]" in result.stdout
    assert "行政规范性文件" in result.stdout


@pytest.mark.parametrize(
    ("keys", "label"),
    [((T3, NEW), NEW), ((T3, RESULTS, PUBLIC), PUBLIC), ((T2, ITEM1, "规章"), "规章")],
    ids=["new", "public", "guizhang"],
)
def test_scalar_for_a_matrix_row_needs_columns(run_cli: Run, tmp_path: Path, keys: tuple[str, ...], label: str) -> None:
    data = changed_copy(tmp_path, COUNTY_2021, keys, 5)
    result, files = check_json(run_cli, F2021, str(data))
    findings = files[0]["diagnostics"]
    (d315,) = [f for f in findings if f["code"] == "D315"]
    assert d315["severity"] == ERROR
    assert label in d315["message"]
    assert {f["code"] for f in findings} <= {"D315", "C404", "C405", "C413", "C401", "C403", "C414"}
    assert result.exit_code == 1


def test_scalar_for_new_row_written_by_hand(run_cli: Run, tmp_path: Path) -> None:
    text = COUNTY_2021.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.strip().startswith(NEW))
    data = tmp_path / "scalar.yaml"
    data.write_text(text.replace(line, f"    {NEW}: 5"), encoding="utf-8")
    result, files = check_json(run_cli, F2021, str(data))
    (finding,) = [f for f in files[0]["diagnostics"] if f["code"] == "D315"]
    assert "自然人: 0" in finding["hint"]
    assert result.exit_code == 1


# -- (f) --previous ---------------------------------------------------------------------------------


def test_with_previous_year_only_not_checkable_stock_carry(run_cli: Run) -> None:
    """2021 against the 2020 file (2019 form): 上年结转 = 上年的结转下年度 holds in every column;
    stock_carry needs 上年现行有效件数, which the 2019 form does not have: for 规章 (0 = blank + 0
    - 0) it holds only if that is 0 (a note); for 行政规范性文件 (9 = blank + 2 - 1) it cannot be
    checked (C405, a warning)."""
    result, files = check_json(run_cli, F2021, str(COUNTY_2021), "--previous", str(COUNTY_2020))
    assert result.exit_code == 0
    findings = files[0]["diagnostics"]
    assert {(f["code"], f["severity"], rule_id(f)) for f in findings} == {
        ("C413", "note", "stock_carry@guizhang"),
        ("C405", WARNING, "stock_carry@normative"),
    }
    assert files[0]["not_checked"] == []


def test_previous_year_human_summary(run_cli: Run) -> None:
    result = run_cli("check", F2021, str(COUNTY_2021), "--previous", str(COUNTY_2020))
    assert result.exit_code == 0
    assert "未检查" not in result.stderr
    assert f"{COUNTY_2021}：0 个错误，1 个警告" in result.stderr


def _with_carried_natural_plus_one(tmp_path: Path) -> Path:
    """A 2021 file whose 上年结转 自然人 is 3 (the 2020 file carried 2 forward); 本年新收 is one
    less, so every rule within the year still holds."""
    doc = load_doc(COUNTY_2021)
    for row, delta in ((NEW, -1), (CARRIED, +1)):
        for col in ("自然人", "总计"):
            set_value(doc, (T3, row, col), get_value(doc, (T3, row, col)) + delta)
    return dump_doc(doc, tmp_path / "county-dept-2021.yaml")


def test_carried_differs_from_last_years_forward(run_cli: Run, tmp_path: Path) -> None:
    data = _with_carried_natural_plus_one(tmp_path)
    result, files = check_json(run_cli, F2021, str(data), "--previous", str(COUNTY_2020))
    findings = [f for f in files[0]["diagnostics"] if f["code"] not in ("C405", "C413")]
    assert {(f["code"], rule_id(f)) for f in findings} == {
        ("C403", "carried_from_last_year@natural"),
        ("C403", "carried_from_last_year@total"),
    }
    (natural,) = [f for f in findings if rule_id(f) == "carried_from_last_year@natural"]
    assert natural["severity"] == ERROR
    assert cell_ids(natural) == ["carried.natural", "forward.natural"]
    this_year, last_year = natural["cells"]
    assert (this_year["value"], last_year["value"]) == ("3", "2")
    assert last_year["label"].startswith("上年")
    assert natural["comparison"] == {"left": "3", "right": "2", "difference": "1", "operator": "=", "bounded": False}
    assert result.exit_code == 1


def test_carried_differs_when_last_years_file_changes(run_cli: Run, tmp_path: Path) -> None:
    last_year = changed_copy(tmp_path, COUNTY_2020, (T3, FORWARD, "自然人"), 3)
    result, files = check_json(run_cli, F2021, str(COUNTY_2021), "--previous", str(last_year))
    found = [f for f in files[0]["diagnostics"] if f["code"] == "C403"]
    assert [(rule_id(f), cell_ids(f)) for f in found] == [
        ("carried_from_last_year@natural", ["carried.natural", "forward.natural"])
    ]
    assert result.exit_code == 1


def test_without_previous_cross_year_rules_are_not_checked(run_cli: Run, tmp_path: Path) -> None:
    data = _with_carried_natural_plus_one(tmp_path)
    result = run_cli("check", F2021, str(data))
    assert result.exit_code == 0
    assert result.stdout.strip() == ""
    assert "9 条跨年度规则或正文的同比说法未检查" in result.stderr
    assert "--previous" in result.stderr
    english = run_cli("check", F2021, str(data), "--lang", "en")
    assert "9 cross-year rule(s) or year-on-year statement(s) not checked" in english.stderr
    _, files = check_json(run_cli, F2021, str(data))
    assert len(files[0]["not_checked"]) == 9
    assert "carried_from_last_year@natural" in files[0]["not_checked"]


def test_previous_year_items_carry_in_2019_form(run_cli: Run, tmp_path: Path) -> None:
    """R-T2-ITEMS cross-year and R-T2-NEWLE-TOTAL cumulative, with a made-up 2018 file that
    agrees with 2019 except for 行政强制 and 规范性文件 对外公开总数量."""
    this_year = load_doc(CITY_2019)
    doc = load_doc(CITY_2019)
    doc["meta"]["year"] = 2018
    items = [(ITEM5, "行政许可"), (ITEM5, "其他对外管理服务事项"), (ITEM6, "行政处罚"), (ITEM6, "行政强制")]
    for block, row in [*items, (ITEM8, "行政事业性收费")]:
        count = get_value(this_year, (T2, block, row, "上一年项目数量"))
        set_value(doc, (T2, block, row, "上一年项目数量"), count + 5)
        set_value(doc, (T2, block, row, "本年增/减"), -5)
    set_value(doc, (T2, ITEM6, "行政强制", "本年增/减"), -7)  # 142 + 5 - 7 = 140, not 142
    set_value(doc, (T2, ITEM1, "规范性文件", "对外公开总数量"), 320)  # more than this year's 318
    set_value(doc, (T3, FORWARD), get_value(this_year, (T3, CARRIED)))
    last_year = dump_doc(doc, tmp_path / "city-gov-2018.yaml")
    result, files = check_json(run_cli, F2019, str(CITY_2019), "--previous", str(last_year))
    findings = files[0]["diagnostics"]
    assert {(f["code"], f["severity"], rule_id(f)) for f in findings} == {
        ("C403", ERROR, "sanction_items_carry@enforcement"),
        ("C403", WARNING, "total_is_cumulative@normative"),
    }
    (carry,) = [f for f in findings if rule_id(f) == "sanction_items_carry@enforcement"]
    assert cell_ids(carry) == [
        "enforcement.sanction_previous",
        "enforcement.sanction_previous",
        "enforcement.sanction_change",
    ]
    assert result.exit_code == 1


# -- (g) column ids and row ids instead of labels ---------------------------------------------------


def _numbers(form: Form, path: Path) -> dict[str, Decimal | None]:
    instance, problems, _ = load_data(form, path)
    assert instance is not None and problems == [], problems
    return {k: v.number for k, v in instance.values.items()}


COLUMN_IDS = {
    "自然人": "natural",
    "商业企业": "commercial",
    "科研机构": "research",
    "社会公益组织": "social",
    "法律服务机构": "legal_service",
    "其他": "other_org",
    "总计": "total",
}


@pytest.mark.parametrize("row_key", [NEW, "new", "本年新收政府信息公开申请数量"], ids=["label", "id", "bare-label"])
def test_matrix_row_keyed_by_column_ids_loads_like_labels(
    forms: dict[str, Form], run_cli: Run, tmp_path: Path, row_key: str
) -> None:
    doc = load_doc(COUNTY_2021)
    t3 = node_at(doc, (T3,))
    by_label = t3.pop(NEW)
    t3[row_key] = {COLUMN_IDS[k]: v for k, v in by_label.items()}
    data = dump_doc(doc, tmp_path / "ids.yaml")
    assert "natural: 23" in data.read_text(encoding="utf-8")
    assert _numbers(forms[F2021], data) == _numbers(forms[F2021], COUNTY_2021)
    result, files = check_json(run_cli, F2021, str(data))
    assert result.exit_code == 0 and files[0]["diagnostics"] == []


def test_all_of_table_3_by_ids_at_top_level(forms: dict[str, Form], tmp_path: Path) -> None:
    """values: {new: {natural: 23, ...}, public: {...}, ...} with no headings at all."""
    form = forms[F2021]
    original = _numbers(form, COUNTY_2021)
    doc = load_doc(COUNTY_2021)
    del doc["values"][T3]
    for cell, number in original.items():
        row, sep, col = cell.partition(".")
        if sep and form.ancestors(cell)[0].id == "t3":
            doc["values"].setdefault(row, {})[col] = int(number) if number is not None else None
    data = dump_doc(doc, tmp_path / "ids.yaml")
    assert _numbers(form, data) == original


def test_t4_and_t2_by_ids(forms: dict[str, Form], tmp_path: Path) -> None:
    form = forms[F2021]
    doc = load_doc(COUNTY_2021)
    node_at(doc, (T4,))["行政复议"] = {
        "recon_upheld": 1,
        "recon_corrected": 0,
        "recon_other": 0,
        "recon_pending": 1,
        "recon_total": 2,
    }
    node_at(doc, (T2, ITEM1))["normative"] = {"issued": 2, "repealed": 1, "in_force": 9}
    del node_at(doc, (T2, ITEM1))["行政规范性文件"]
    assert _numbers(form, dump_doc(doc, tmp_path / "ids.yaml")) == _numbers(form, COUNTY_2021)


def test_row_path_with_separator(forms: dict[str, Form], tmp_path: Path) -> None:
    """`三、本年度办理结果 > （七）总计: {...}` written at the top of values."""
    form = forms[F2021]
    doc = load_doc(COUNTY_2021)
    row = node_at(doc, (T3, RESULTS)).pop(RESULTS_TOTAL)
    doc["values"][f"{RESULTS} > {RESULTS_TOTAL}"] = row
    assert _numbers(form, dump_doc(doc, tmp_path / "path.yaml")) == _numbers(form, COUNTY_2021)


def test_results_groups_nested_by_their_printed_labels(forms: dict[str, Form], tmp_path: Path) -> None:
    """The examples write the rows of （三）（四）（五） straight under 三、本年度办理结果; nesting
    them under the group's printed label, colon included, loads the same."""
    form = forms[F2021]
    doc = load_doc(COUNTY_2021)
    results = node_at(doc, (T3, RESULTS))
    rebuilt: dict[str, Any] = {}
    groups = {
        "1.属于国家秘密": "（三）不予公开：",
        "1.本机关不掌握相关政府信息": "（四）无法提供：",
        "1.信访举报投诉类申请": "（五）不予处理：",
    }
    current = None
    for key, value in results.items():
        if key in groups:
            current = rebuilt.setdefault(groups[key], {})
        elif not key[0].isdigit():
            current = None
        (current if current is not None else rebuilt)[key] = value
    node_at(doc, (T3,))[RESULTS] = rebuilt
    data = dump_doc(doc, tmp_path / "nested.yaml")
    assert "（三）不予公开：:" in data.read_text(encoding="utf-8")
    assert _numbers(form, data) == _numbers(form, COUNTY_2021)


@pytest.mark.parametrize("group", ["（三）不予公开", "不予公开"], ids=["numbered", "bare"])
def test_group_label_without_its_trailing_colon(forms: dict[str, Form], tmp_path: Path, group: str) -> None:
    """Typing `（三）不予公开:` in YAML drops the printed full-width colon from the key; the colon
    is punctuation of the printed form, not part of the name (formats.md R-LABEL: normalise)."""
    form = forms[F2021]
    doc = load_doc(COUNTY_2021)
    results = node_at(doc, (T3, RESULTS))
    reasons = [k for k in results if k[:2] in {f"{n}." for n in range(1, 9)}][:8]
    assert reasons[0] == "1.属于国家秘密" and reasons[-1] == "8.属于行政查询事项"
    results[group] = {k: results.pop(k) for k in reasons}
    data = dump_doc(doc, tmp_path / "colon.yaml")
    instance, problems, _ = load_data(form, data)
    assert [d.code for d in problems] == []
    assert instance is not None and instance.values["state_secret.natural"].number == 0


# -- (h) a folder of examples -----------------------------------------------------------------------


def test_folder_of_examples(run_cli: Run) -> None:
    files = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml"))
    assert {COUNTY_2021, COUNTY_2020, CITY_2019} <= set(files)
    result = run_cli("check", F2021, str(EXAMPLES))
    summary = result.stderr.splitlines()
    for path in files:
        assert any(line.startswith(f"{path}：") for line in summary), (path, summary)
    assert summary[-1].startswith(f"共 {len(files)} 个文件")
    assert f"{COUNTY_2021}：通过校验" in summary

    json_result, reports = check_json(run_cli, F2021, str(EXAMPLES))
    assert [r["path"] for r in reports] == [str(p) for p in files]
    failed = [r["path"] for r in reports if r["errors"]]
    assert str(COUNTY_2021) not in failed
    assert {str(COUNTY_2020), str(CITY_2019)} <= set(failed)  # 2019 form: its labels are not 2021's
    expected_exit = 1 if failed else 0
    assert result.exit_code == json_result.exit_code == expected_exit
    assert f"{len(failed)} 个有错误" in summary[-1]
    for report in reports:
        codes = {d["code"] for d in report["diagnostics"]}
        assert report["errors"] == sum(d["severity"] == ERROR for d in report["diagnostics"])
        if report["path"] == str(COUNTY_2020):
            assert "D316" in codes  # 规范性文件 → 行政规范性文件
            assert "D305" in codes  # 上一年项目数量 etc. are gone in 2021


@pytest.mark.parametrize("example", [COUNTY_2020, CITY_2019], ids=lambda p: p.name)
def test_file_of_another_form_is_told_so(run_cli: Run, example: Path) -> None:
    """docs/data-files.md: meta.form naming another form than the one checked against is a
    warning (D312). It is the one finding that explains all the unknown labels that follow."""
    _, files = check_json(run_cli, F2021, str(example))
    codes = [d["code"] for d in files[0]["diagnostics"]]
    assert "D312" in codes, sorted(set(codes))


def test_file_of_another_form_that_loads_gets_d312(run_cli: Run, tmp_path: Path) -> None:
    doc = load_doc(COUNTY_2021)
    doc["meta"]["form"] = F2019
    result, files = check_json(run_cli, F2021, str(dump_doc(doc, tmp_path / "x.yaml")))
    assert [(d["code"], d["severity"]) for d in files[0]["diagnostics"]] == [("D312", WARNING)]
    assert result.exit_code == 0
