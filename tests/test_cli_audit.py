"""`baobiao audit` as a reviewer runs it: a folder of published reports in, findings, the
extracted data files and a summary workbook out; a misread or mistyped value corrected in the
extracted file and checked again with `baobiao check`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, CliResult
from openpyxl import load_workbook

Run = Callable[..., CliResult]
CORPUS = ROOT / "tests" / "data" / "published"
REPORTS = ("city-office-2021.html", "county-gov-2022.html", "county-gov-2020-hubei.htm")


def folder_of_reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in REPORTS:
        shutil.copy(CORPUS / name, folder / name)
    (folder / "notes.md").write_text("not a report\n", encoding="utf-8")
    return folder


def test_a_folder_is_audited_with_its_data_files_and_summary(run_cli: Run, tmp_path: Path) -> None:
    folder = folder_of_reports(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    extracted, summary = tmp_path / "extracted", tmp_path / "summary.xlsx"
    result = run_cli("audit", str(folder), "--extract", str(extracted), "--summary", str(summary), "--format", "json")
    assert result.exit_code == 1  # city-office-2021 has 新收 自然人 286 for 268
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # inputs untouched
    document = json.loads(result.stdout)
    files = {Path(f["path"]).name: {d["code"] for d in f["diagnostics"]} for f in document["files"]}
    assert set(files) == set(REPORTS)  # notes.md is no report
    assert {"C401", "C403", "C410"} <= files["city-office-2021.html"]
    assert not any(c.startswith("C40") for c in files["county-gov-2022.html"])
    assert sorted(p.name for p in extracted.iterdir()) == sorted(f"{name}.yaml" for name in REPORTS)
    book = load_workbook(summary)
    rows = {r[0].value: [c.value for c in r] for r in book["报告"].iter_rows(min_row=2)}
    office = next(v for k, v in rows.items() if str(k).endswith("city-office-2021.html"))
    assert office[1] == "XX市人民政府办公室" and office[2] == "2021" and office[3] == "gov-disclosure-2021"
    assert office[4] >= 2  # errors
    codes = {(str(r[0].value).rsplit("/", 1)[-1], r[1].value) for r in book["问题"].iter_rows(min_row=2)}
    assert ("city-office-2021.html", "C403") in codes


def test_the_extracted_data_file_is_checked_again_once_corrected(run_cli: Run, tmp_path: Path) -> None:
    """The reviewer's loop: the finding points at a line of the extracted file, which says
    where the figure was printed; corrected there, `check` finds nothing wrong with it."""
    report = tmp_path / "city-office-2021.html"
    shutil.copy(CORPUS / report.name, report)
    extracted = tmp_path / "out"
    result = run_cli("audit", str(report), "--extract", str(extracted))
    assert result.exit_code == 1
    data = extracted / "city-office-2021.html.yaml"
    text = data.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if '"286"' in x)
    assert "# 表" in line and "行" in line and "列" in line  # where it was read
    assert f"{data}:" in result.stdout  # findings point at the extracted file
    assert run_cli("check", "gov-disclosure-2021", str(data)).exit_code == 1
    data.write_text(text.replace('"286"', '"268"', 1), encoding="utf-8")
    again = run_cli("check", "gov-disclosure-2021", str(data), "--format", "json")
    assert again.exit_code == 0, again.stdout


def test_nothing_to_audit_is_a_usage_error(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("x\n", encoding="utf-8")
    result = run_cli("audit", str(tmp_path))
    assert result.exit_code == 2 and "没有找到报告文件" in result.stderr
