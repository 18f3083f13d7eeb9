"""baobiao diff (2019 -> 2021) and baobiao migrate through the new spec's carry mapping."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, CliResult

Run = Callable[..., CliResult]


def test_diff_2019_to_2021_lists_what_the_notice_changed(run_cli: Run) -> None:
    result = run_cli("diff", "gov-disclosure-2019", "gov-disclosure-2021", "--format", "json")
    assert result.exit_code == 0
    changes = {(c["kind"], c["id"]) for c in json.loads(result.stdout)}
    assert ("relabelled", "normative") in changes  # 规范性文件 -> 行政规范性文件
    assert ("removed", "other_services") in changes  # （五）项 其他对外管理服务事项
    assert ("removed", "item9") in changes  # （九）项 政府集中采购
    assert ("added", "fees.fee_amount") in changes  # 本年收费金额（单位：万元）
    assert ("added", "no_supplement") in changes  # （六）其他处理 split in three
    assert ("rule-removed", "licence_items_carry") in changes
    assert ("rule-added", "stock") in changes
    assert not any(i.startswith(("new.", "forward.", "recon_")) for _, i in changes)  # 表三、表四 unchanged


def test_migrate_carries_what_it_can_and_lists_the_rest(run_cli: Run, tmp_path: Path) -> None:
    old = ROOT / "examples" / "county-dept-2020.yaml"
    before = old.read_bytes()
    out = tmp_path / "2021.yaml"
    result = run_cli("migrate", "gov-disclosure-2019", "gov-disclosure-2021", str(old), "-o", str(out))
    assert result.exit_code == 0
    assert old.read_bytes() == before
    assert "not carried over" in result.stderr and "[other_handling.natural]" in result.stderr
    assert "[procurement.purchase_amount]" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "form: gov-disclosure-2021" in text
    check = run_cli("check", "gov-disclosure-2021", str(out), "--format", "json")
    doc = json.loads(check.stdout)
    blanks = {d["cells"][0]["id"] for d in doc["files"][0]["diagnostics"] if d["code"] == "C404"}
    assert "fees.fee_amount" in blanks and "no_supplement.natural" in blanks  # nothing to carry
    assert "guizhang.repealed" in blanks
    unreadable = [d for d in doc["files"][0]["diagnostics"] if d["code"].startswith("D") and d["severity"] == "error"]
    assert unreadable == []  # every carried value is read back in the new form
    # the 2020 data keeps its year: the 2021 form then says it is out of its years (a warning)
    assert {d["code"] for d in doc["files"][0]["diagnostics"] if d["code"].startswith("D")} == {"D313"}
    assert "guizhang.issued: '0'" in text or "guizhang.issued: 0" in text  # carried by `carry`
