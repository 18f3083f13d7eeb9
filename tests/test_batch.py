"""Batches: a long CSV of many agencies (vectorised filter, exact findings), JSON Lines, the
summary, and aggregate."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from conftest import ROOT, CliResult
from hypothesis import given, settings

from baobiao.instance.batch import AgencyResult, check_csv, compile_rules, suspicious
from baobiao.instance.check import check
from baobiao.pipeline import load_data, load_spec
from baobiao.testing import Broken, broken_instances, valid_instances

Run = Callable[..., CliResult]
EXAMPLE = ROOT / "examples" / "county-dept-2021.yaml"


def form21():  # type: ignore[no-untyped-def]
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    return form


def write_csv(path: Path, agencies: dict[str, dict[str, object]], labels: bool = False) -> None:
    form = form21()
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["agency", "row", "column", "value"])
        for name, values in agencies.items():
            for cell_id, value in values.items():
                item = form.item(cell_id)
                if item.aliases and labels:  # printed labels, as people write them
                    out.writerow([name, form.item(item.parent or "").label, item.label, value])
                else:
                    row, _, column = cell_id.partition(".")
                    out.writerow([name, row, column, value])


def example_values() -> dict[str, object]:
    instance, _, _ = load_data(form21(), EXAMPLE)
    assert instance is not None
    return {i: c.number for i, c in instance.values.items()}


def test_a_csv_of_agencies_is_checked_like_single_files(tmp_path: Path) -> None:
    good = example_values()
    bad = dict(good) | {"new.natural": 32}
    blank = dict(good) | {"forward.total": "-"}
    path = tmp_path / "agencies.csv"
    write_csv(path, {"甲局": good, "乙局": bad, "丙局": blank}, labels=True)
    results: list[AgencyResult] = []
    summary = check_csv(form21(), path, results.append)
    assert [r.agency for r in results] == ["甲局", "乙局", "丙局"]
    assert [r.errors for r in results] == [0, 2, 1]
    assert {d.rule.id for d in results[1].findings if d.rule} == {"flow@natural", "total.sum@new"}
    assert [d.code for d in results[2].findings if d.code == "C404"] == ["C404"]
    assert summary.agencies == 3 and summary.with_errors == 2
    mismatch = next(d for d in results[1].findings if d.code == "C401")
    assert mismatch.data_path is not None and mismatch.data_path.startswith(f"{path}:")  # the CSV line


def test_cli_summary_and_json_lines(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "agencies.csv"
    write_csv(path, {f"机关{k}": example_values() | ({"public.natural": 99} if k == 3 else {}) for k in range(6)})
    lines = tmp_path / "out.jsonl"
    result = run_cli("check", "gov-disclosure-2021", str(path), "--jsonl", str(lines))
    assert result.exit_code == 1
    assert "6 个机关，1 个有错误" in result.stderr and "results_total.sum" in result.stderr
    records = [json.loads(x) for x in lines.read_text(encoding="utf-8").splitlines()]
    assert [r["agency"] for r in records] == [f"机关{k}" for k in range(6)]
    assert [r["errors"] > 0 for r in records] == [k == 3 for k in range(6)]
    doc = json.loads(run_cli("check", "gov-disclosure-2021", str(path), "--format", "json").stdout)
    assert doc["agencies"] == 6 and doc["agencies_with_errors"] == 1


def test_the_matrix_filter_flags_every_broken_instance_and_no_valid_one() -> None:
    form = form21()
    matrix = compile_rules(form)

    def row(instance) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.array([[float(instance.values[i].number) for i in matrix.ids]])

    @settings(max_examples=min(settings().max_examples, 40))
    @given(valid_instances(form), broken_instances(form))
    def run(valid, broken: Broken) -> None:  # type: ignore[no-untyped-def]
        assert not suspicious(matrix, row(valid))[0]
        exact_errors = [d for d in check(form, broken.instance).findings if d.severity.value == "error"]
        assert bool(suspicious(matrix, row(broken.instance))[0]) == bool(exact_errors)

    run()


def test_aggregate_adds_up_and_checks(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "total.yaml"
    result = run_cli("aggregate", "gov-disclosure-2021", str(EXAMPLE), str(EXAMPLE), "-o", str(out))
    assert result.exit_code == 0
    instance, problems, _ = load_data(form21(), out)
    assert problems == [] and instance is not None
    assert instance.values["new.total"].number == 2 * example_values()["new.total"]  # type: ignore[operator]
    assert instance.meta["agency"] == "合计（2 个机关）"


def test_a_broken_csv_ends_in_a_diagnostic(run_cli: Run, tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("agency,row,column,value\n甲,new,natural,1\n".encode("gbk"))
    wrong_header = tmp_path / "header.csv"
    wrong_header.write_text("a,b\n1,2\n", encoding="utf-8")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("agency,row,column,value\n甲,new,natural,1,2,3\n", encoding="utf-8")
    for path in (gbk, wrong_header, ragged):
        result = run_cli("check", "gov-disclosure-2021", str(path))
        assert result.exit_code == 1
        assert "[D304]" in result.stdout
