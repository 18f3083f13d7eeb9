"""Report data as real offices write it (tests/data/messy/): traditional script, slipped labels,
units in cells, 2019 rows in 2021 tables, tables cut short or left out, blanks. Each file has
its expected findings, written by hand from the form beside it (NAME.expected.yaml): every
finding the check gives must be expected, and every expected one given."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from baobiao.diagnostics.core import Diagnostic
from baobiao.diagnostics.render import hint, message
from baobiao.pipeline import check_data, load_spec

CORPUS = Path(__file__).parent / "data" / "messy"
CASES = sorted(p for p in CORPUS.glob("*.yaml") if not p.name.endswith(".expected.yaml"))
UNFILLED = re.compile(r"\{[a-z_]+\}")


def matches(d: Diagnostic, want: dict[str, Any]) -> bool:
    rule = d.rule.id if d.rule else None
    cell = d.cells[0].id if d.cells else None
    return (
        d.code == want["code"]
        and ("line" not in want or (d.span is not None and d.span.line == want["line"]))
        and ("rule" not in want or rule == want["rule"])
        and ("cell" not in want or cell == want["cell"])
        and ("severity" not in want or d.severity.value == want["severity"])
        and ("message" not in want or want["message"] in message(d, "zh"))
        and ("hint" not in want or want["hint"] in hint(d, "zh"))
    )


@pytest.mark.parametrize("data", CASES, ids=[p.stem for p in CASES])
def test_messy_report_gives_exactly_its_expected_findings(data: Path) -> None:
    expected = yaml.safe_load(data.with_name(data.stem + ".expected.yaml").read_text(encoding="utf-8"))
    form = load_spec(expected["form"]).form
    assert form is not None
    report = check_data(form, data, {}).report
    unexpected = list(report.diagnostics)
    missing = []
    for want in expected["findings"]:
        found = next((d for d in unexpected if matches(d, want)), None)
        if found is None:
            missing.append(want)
        else:
            unexpected.remove(found)
    shown = [(d.code, d.span.line if d.span else None, message(d, "zh")) for d in unexpected]
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {shown}"
    assert (1 if report.errors else 0) == expected["exit"]
    for d in report.diagnostics:  # every message parameter filled in, in both languages
        for lang in ("zh", "en"):
            assert not UNFILLED.search(message(d, lang) + hint(d, lang)), (d.code, lang, message(d, lang))


def test_a_unit_written_in_every_cell_is_three_warnings_and_one_that_counts_the_rest(tmp_path: Path) -> None:
    """Twelve cells counted in 件 written as "23件": each read as its number, the first three
    with a D314 warning each and the other nine in one D344, and nothing else to report."""
    example = Path(__file__).resolve().parents[1] / "examples" / "county-dept-2021.yaml"
    text = example.read_text(encoding="utf-8")
    new = "{自然人: 23, 商业企业: 4, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 1, 其他: 0, 总计: 28}"
    recon = "行政复议: {结果维持: 1, 结果纠正: 0, 其他结果: 0, 尚未审结: 1, 总计: 2}"
    assert new in text and recon in text
    text = text.replace(new, re.sub(r": (\d+)", r": \1件", new)).replace(recon, re.sub(r": (\d+)", r": \1件", recon))
    data = tmp_path / "units.yaml"
    data.write_text(text, encoding="utf-8")
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    assert check_data(form, example, {}).report.diagnostics == ()  # the example itself is clean
    found = check_data(form, data, {}).report.diagnostics
    assert [d.code for d in found] == ["D314"] * 3 + ["D344"], [d.code for d in found]
    assert all(d.severity.name == "WARNING" for d in found)
    assert found[-1].args["count"] == "9"
    assert "另有 9 个数值" in message(found[-1], "zh") and "9 more values" in message(found[-1], "en")
    assert "“社会公益组织”" in message(found[-1], "zh") and "'社会公益组织'" in message(found[-1], "en")
