"""Batches: a long CSV of many agencies (vectorised filter, exact findings), JSON Lines, the
summary, and aggregate."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from random import Random

import numpy as np
import pytest
from conftest import ROOT, CliResult, comparable_findings
from hypothesis import given, settings
from hypothesis import strategies as st

from baobiao.instance.batch.check import AgencyResult, check_csv
from baobiao.instance.batch.matrix import batch_checked, compile_rules, suspicious
from baobiao.instance.check import check
from baobiao.instance.values import format_number
from baobiao.pipeline import load_data, load_spec
from baobiao.testing import Broken, broken_instances, valid_instances
from baobiao.testing.strategies import make_instance

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
    summary = check_csv(form21(), path, results.append, every=True)
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
    # the 2021 form's rules on last year's data and on the agency's level: said, not silently skipped
    assert "3 条规则未在批量中检查" in result.stderr
    assert "stock_carry, guizhang_level, carried_from_last_year" in result.stderr
    doc = json.loads(run_cli("check", "gov-disclosure-2021", str(path), "--format", "json").stdout)
    assert doc["agencies"] == 6 and doc["agencies_with_errors"] == 1
    assert {r.split("@")[0] for r in doc["not_checked"]} == {"stock_carry", "guizhang_level", "carried_from_last_year"}
    english = run_cli("check", "gov-disclosure-2021", str(path), "--lang", "en")
    assert "3 rule(s) not checked in a batch" in english.stderr


def test_the_matrix_filter_flags_every_broken_instance_and_no_valid_one() -> None:
    form = form21()
    matrix = compile_rules(form)
    # the rules a batch cannot check (they need the agency's level or last year) aside
    unbatched = {r.id for r in form.rules if not batch_checked(r)}

    def row(instance) -> np.ndarray:  # type: ignore[no-untyped-def]
        return np.array([[float(instance.values[i].number) for i in matrix.ids]])

    @settings(max_examples=min(settings().max_examples, 40))
    @given(valid_instances(form), broken_instances(form))
    def run(valid, broken: Broken) -> None:  # type: ignore[no-untyped-def]
        assert not suspicious(matrix, row(valid))[0]
        # the matrix flags soft rules too (a batch then checks the agency exactly): so must the check
        exact = [
            d
            for d in check(form, broken.instance).findings
            if d.severity.value in ("error", "warning") and (d.rule is None or d.rule.id not in unbatched)
        ]
        assert bool(suspicious(matrix, row(broken.instance))[0]) == bool(exact)

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
        assert "[D321]" in result.stdout
    assert "GBK" in run_cli("check", "gov-disclosure-2021", str(gbk)).stdout  # and what to do about it


def test_batch_findings_are_those_of_single_file_checks_whatever_the_blocks(tmp_path: Path) -> None:
    """Agencies written in one CSV (some with their lines in another order, some with a cell left
    blank) get the findings the single-file checker gives each of them (the rules a batch can
    check), whether the file is read in blocks of a few lines or in one, by pyarrow's reader or
    the compiled scan; every finding's line is a line of its agency that names the cell it is
    about."""
    form = form21()
    matrix = compile_rules(form)
    instance = valid_instances(form) | broken_instances(form).map(lambda b: b.instance)

    @settings(max_examples=min(settings().max_examples, 15), deadline=None)
    @given(st.lists(st.tuples(instance, st.integers(0, 2**32), st.booleans()), min_size=2, max_size=5))
    def run(agencies) -> None:  # type: ignore[no-untyped-def]
        path = tmp_path / "agencies.csv"
        expected = []
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["agency", "row", "column", "value"])
            for k, (inst, seed, blank) in enumerate(agencies):
                rng = Random(seed)
                values = {i: c.number for i, c in inst.values.items()}
                if blank:
                    values[rng.choice(sorted(values))] = None
                order = sorted(values)
                if k % 2:
                    rng.shuffle(order)
                for cell_id in order:
                    row, _, column = cell_id.partition(".")
                    number = values[cell_id]
                    out.writerow([f"机关{k}", row, column, "-" if number is None else format_number(number)])
                single = check(form, make_instance(form, inst.meta, values))
                expected.append(comparable_findings(single.findings, matrix))
        lines = path.read_text(encoding="utf-8").splitlines()
        # a block of 1000 bytes holds less than one agency; pyarrow's reader, or the compiled scan
        for block_size, compiled in itertools.product((1000, 1 << 20), (False, True)):
            results: list[AgencyResult] = []
            summary = check_csv(form, path, results.append, every=True, block_size=block_size, compiled=compiled)
            assert summary.problems == []
            assert [r.agency for r in results] == [f"机关{k}" for k in range(len(agencies))]
            assert [comparable_findings(r.findings, matrix) for r in results] == expected
            for r in results:  # counted before the findings were made (for whole-number rules)
                assert r.errors == sum(d.severity.value == "error" for d in r.findings)
                assert r.warnings == sum(d.severity.value == "warning" for d in r.findings)
            for r in results:
                for d in r.findings:
                    number = int((d.data_path or "").rsplit(":", 1)[1])
                    assert lines[number - 1].startswith(f"{r.agency},")
                    if d.code == "C401":  # a total: its line is the total's
                        row, _, column = d.cells[0].id.partition(".")
                        assert lines[number - 1].split(",")[1:3] == [row, column]

    run()


@pytest.mark.parametrize("preadv", [True, False], ids=["preadv", "shared handle (Windows)"])
def test_a_messy_csv_gets_a_finding_per_problem_at_its_line(tmp_path: Path, monkeypatch, preadv: bool) -> None:  # type: ignore[no-untyped-def]
    """Lines in another order, a cell twice, an unknown label, a ragged line, blank lines, CRLF
    line ends and a quoted name: each problem is reported at its own line, and the rest of the
    file is still checked; also where blocks are read through the shared file handle, one
    thread at a time (systems without ``os.preadv``)."""
    from baobiao.instance.batch import blocks

    if not preadv:
        monkeypatch.setattr(blocks, "_PREADV", None)
    good = example_values()
    rows = [["agency", "row", "column", "value"]]
    rows += [["甲局", *k.partition(".")[::2], str(v)] for k, v in good.items()]
    other = [['"乙局, 办公室"', *k.partition(".")[::2], str(v)] for k, v in reversed(list(good.items()))]
    other.insert(3, ['"乙局, 办公室"', "new", "natural", "5"])  # given twice
    other.insert(5, ['"乙局, 办公室"', "no such row", "natural", "1"])
    other.insert(7, ['"乙局, 办公室"', "new", "natural"])  # ragged
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n\r\n" + "\r\n".join(",".join(r) for r in other) + "\r\n"
    path = tmp_path / "messy.csv"
    path.write_bytes(text.encode("utf-8"))
    lines = text.split("\r\n")
    for block_size in (1000, 1 << 20):
        results: list[AgencyResult] = []
        summary = check_csv(form21(), path, results.append, every=True, block_size=block_size)
        assert [r.agency for r in results] == ["甲局", "乙局, 办公室"]
        assert results[0].findings == ()
        found = {d.code: int((d.data_path or "").rsplit(":", 1)[1]) for d in results[1].findings}
        twice = [k + 1 for k, line in enumerate(lines) if line.startswith('"乙局') and ",new,natural," in line]
        assert found["D307"] == twice[1]  # the second of the two: the first value counts
        assert "no such row" in lines[found["D305"] - 1]
        ragged = [d for d in summary.problems if d.code == "D321"]
        assert len(ragged) == 1 and lines[int((ragged[0].data_path or "").rsplit(":", 1)[1]) - 1].endswith("natural")


def test_an_agency_giving_every_cell_twice_and_a_line_without_agency(tmp_path: Path) -> None:
    """Agencies of unequal length in one block (one gives all its lines twice) are not taken for
    agencies of the same lines; a line without an agency name, or with one that is not UTF-8,
    is reported."""
    good = example_values()
    lines = [b"agency,row,column,value"]
    for name, times in (("甲局", 1), ("乙局", 2), ("丙局", 1)):
        for _ in range(times):
            lines += [f"{name},{k.partition('.')[0]},{k.partition('.')[2]},{v}".encode() for k, v in good.items()]
    lines.append(b",new,natural,1")
    lines.append("丁局".encode("gbk") + b",new,natural,1")
    path = tmp_path / "twice.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    results: list[AgencyResult] = []
    check_csv(form21(), path, results.append, every=True)
    assert [r.agency for r in results][:3] == ["甲局", "乙局", "丙局"]
    assert results[0].findings == () and results[2].findings == ()
    assert {d.code for d in results[1].findings} == {"D307"} and len(results[1].findings) == len(good)
    named = [d for r in results[3:] for d in r.findings if d.code == "D321"]
    assert [int((d.data_path or "").rsplit(":", 1)[1]) for d in named] == [len(lines) - 1, len(lines)]


# what people write into a cell, plain or not: each must be read the same by both readers
_WRITTEN = ["0", "7", "12", "007", "1.5", "2.50", "-3", " 4", "４", "", "-", "—", "abc", "+5", "1e3"]
_WRITTEN += ["999999999999999", "12345678901234567", "3.14159"]


def test_the_compiled_scan_reads_every_file_as_the_general_reader_does(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The usual export (every agency the same lines in the same order) is read by a compiled
    scan; anything else by pyarrow's general reader. Whatever the file, both give the same
    agencies, findings (at the same lines) and problems, and the scan is taken for the files
    it is for."""
    from baobiao.instance.batch import readers

    form = form21()
    cells = sorted(example_values())
    scanned = readers._BlockChecker.scanned
    taken: list[bool] = []

    def spy(self, raw, size, file):  # type: ignore[no-untyped-def]
        block = scanned(self, raw, size, file)
        taken.append(block is not None)
        return block

    monkeypatch.setattr(readers._BlockChecker, "scanned", spy)

    def outcome(path: Path, block_size: int, compiled: bool) -> tuple[object, ...]:
        taken.clear()
        results: list[AgencyResult] = []
        summary = check_csv(form, path, results.append, every=True, block_size=block_size, compiled=compiled)
        found = [(r.agency, r.errors, r.warnings, r.findings) for r in results]
        return found, summary.problems, summary.agencies, any(taken)

    @settings(max_examples=min(settings().max_examples, 25), deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["甲局", "乙局", "丙局", "丁局", "a", "机关 1", " "]),
                st.dictionaries(st.sampled_from(cells), st.sampled_from(_WRITTEN), max_size=4),
            ),
            min_size=1,
            max_size=4,
        ),
        st.sampled_from(["\n", "\r\n"]),
        st.booleans(),
    )
    def run(agencies, newline, last_newline) -> None:  # type: ignore[no-untyped-def]
        base = example_values()
        text = ["agency,row,column,value"]
        for name, changed in agencies:
            for cell_id in cells:
                row, _, column = cell_id.partition(".")
                value = changed.get(cell_id, format_number(base[cell_id]))  # type: ignore[arg-type]
                text.append(f"{name},{row},{column},{value}")
        path = tmp_path / "agencies.csv"
        path.write_bytes((newline.join(text) + (newline if last_newline else "")).encode("utf-8"))
        plain = last_newline and all(n.strip() for n, _ in agencies)
        plain &= all(a[0] != b[0] for a, b in itertools.pairwise(agencies))
        for block_size in (1000, 1 << 20):
            fast, slow = outcome(path, block_size, True), outcome(path, block_size, False)
            assert fast[:3] == slow[:3]
            assert not slow[3]
            if plain and len({n for n, _ in agencies}) == len(agencies):
                assert fast[3]  # the scan read (some of) this file

    run()


def test_without_the_compiled_scan_every_file_is_still_read(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where numba cannot be loaded, asking for the compiled scan reads the file with pyarrow
    instead, with the same findings, and says why the scan is not there."""
    from baobiao.instance import scan

    path = tmp_path / "agencies.csv"
    write_csv(path, {"甲局": example_values(), "乙局": example_values() | {"new.natural": 32}})
    expected: list[AgencyResult] = []
    check_csv(form21(), path, expected.append, every=True, compiled=False)
    monkeypatch.setattr(scan, "_ready", [])
    monkeypatch.setattr(scan, "unavailable", [])
    monkeypatch.setattr(scan, "_KERNEL", "baobiao.instance.no_such_kernel")
    results: list[AgencyResult] = []
    check_csv(form21(), path, results.append, every=True, compiled=True)
    assert [(r.agency, r.findings) for r in results] == [(r.agency, r.findings) for r in expected]
    assert results[1].errors > 0
    assert scan.loaded() is None and "ModuleNotFoundError" in scan.unavailable[0]
