"""Hostile batch CSVs (issue 14, item 8): nothing is lost. A quote never closed, a line cut short,
garbage lines and a line given twice are each reported at their line, and every agency whose own
lines are intact is still read and checked as a single file would be; the summary counts the
distinct agencies of the file. Garbage fails in seconds, and files over the size limit are not
read."""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from random import Random

import pytest
from conftest import comparable_findings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baobiao.diagnostics.render import message
from baobiao.instance.batch.check import AgencyResult, check_csv
from baobiao.instance.batch.matrix import compile_rules
from baobiao.instance.check import check
from baobiao.instance.load import Instance
from baobiao.instance.values import format_number
from baobiao.model import Form
from baobiao.pipeline import load_data, load_spec
from baobiao.testing import broken_instances, make_instance, valid_instances

HEADER = "agency,row,column,value"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "county-dept-2021.yaml"
GARBAGE = '垃圾乱码XYZ019 ;,"\r'  # no letter of an id, no character of a printed label's start


@pytest.fixture(scope="module")
def form() -> Form:
    result = load_spec("gov-disclosure-2021")
    assert result.form is not None
    return result.form


def _fields(line: str) -> list[str] | None:
    """The reference reader of one line (without its line end): a quote opens a quoted field
    only at a field's start; inside, "" is a quote; what follows the closing quote is kept.
    None when a quote is never closed. Written apart from the reader under test."""
    fields, field, quoted, start = [], "", False, True
    i = 0
    while i < len(line):
        ch = line[i]
        if start and ch == '"':
            quoted, start = True, False
        elif quoted and ch == '"':
            if line[i + 1 : i + 2] == '"':
                field += '"'
                i += 1
            else:
                quoted = False
        elif quoted:
            field += ch
        elif ch == ",":
            fields.append(field)
            field, start = "", True
            i += 1
            continue
        else:
            field += ch
        start = False
        i += 1
    if quoted:
        return None
    return [*fields, field]


def _expected(lines: list[str], ids: set[str]) -> tuple[set[str], dict[int, str]]:
    """The agencies of a file (names with a line naming a cell) and its unreadable lines (line
    number -> why), as the reference reader sees them."""
    agencies: set[str] = set()
    unreadable: dict[int, str] = {}
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.removesuffix("\r")
        if not line:
            continue
        if "\r" in line:
            unreadable[number] = "cr"
            continue
        fields = _fields(line)
        if fields is None:
            unreadable[number] = "quote"
        elif len(fields) != 4:
            unreadable[number] = "columns"
        elif (f"{fields[1]}.{fields[2]}" if fields[2] else fields[1]) in ids:
            agencies.add(fields[0])
    return agencies, unreadable


class _Agency:
    """A generated instance with a short repr (hypothesis prints failing examples)."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance

    def __repr__(self) -> str:
        return f"<instance, {sum(c.number is not None for c in self.instance.values.values())} cells>"


_MUTATION = st.one_of(
    st.tuples(st.just("quote"), st.integers(0, 10**6), st.integers(0, 40)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.integers(0, 40)),
    st.tuples(st.just("garbage"), st.integers(0, 10**6), st.text(GARBAGE, max_size=30)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6), st.just(0)),
)


def test_mutated_csvs_lose_no_agency(form: Form, tmp_path: Path) -> None:
    """Agencies from generated instances (some broken, some with their lines shuffled) in one
    CSV, then mutated: stray quotes, lines cut short, garbage lines, a line given twice. Read by
    pyarrow and by the compiled scan, in blocks of less than an agency and in one: every agency
    none of whose lines was touched is read once and gets a single-file check's findings; the
    summary counts the distinct agencies of the file; every unreadable line is reported at its
    line (a quote never closed as D341)."""
    matrix = compile_rules(form)
    ids = {i.id for i in form.indicators}
    instance = (valid_instances(form) | broken_instances(form).map(lambda b: b.instance)).map(_Agency)

    @settings(
        max_examples=min(settings().max_examples, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        st.lists(st.tuples(instance, st.integers(0, 2**32)), min_size=2, max_size=4),
        st.lists(_MUTATION, min_size=1, max_size=5),
    )
    def run(agencies, mutations) -> None:  # type: ignore[no-untyped-def]
        lines: list[tuple[str, int | None]] = []  # each line and its agency (None: garbage)
        expected = []
        for k, (agency, seed) in enumerate(agencies):
            inst = agency.instance
            values = {i: c.number for i, c in inst.values.items()}
            order = sorted(values)
            if k % 2:
                Random(seed).shuffle(order)
            for cell_id in order:
                row, _, column = cell_id.partition(".")
                lines.append((f"机关{k}号,{row},{column},{format_number(values[cell_id])}", k))  # type: ignore[arg-type]
            expected.append(comparable_findings(check(form, make_instance(form, inst.meta, values)).findings, matrix))
        touched: set[int] = set()
        for kind, at, what in mutations:
            k = at % len(lines)
            text, owner = lines[k]
            if kind == "garbage":
                lines.insert(k, (str(what), None))
                continue
            if owner is not None:
                touched.add(owner)
            if kind == "quote":
                lines[k] = (text[: int(what) % (len(text) + 1)] + '"' + text[int(what) % (len(text) + 1) :], owner)
            elif kind == "truncate":
                lines[k] = (text[: int(what) % (len(text) + 1)], owner)
            else:
                lines.insert(k, (text, owner))
        text_lines = [HEADER] + [t for t, _ in lines]
        path = tmp_path / "mutated.csv"
        path.write_bytes(("\n".join(text_lines) + "\n").encode("utf-8"))
        names, unreadable = _expected(text_lines, ids)
        intact = [k for k in range(len(agencies)) if k not in touched]
        for block_size, compiled in itertools.product((1000, 1 << 20), (False, True)):
            results: list[AgencyResult] = []
            summary = check_csv(form, path, results.append, every=True, block_size=block_size, compiled=compiled)
            assert summary.agencies == len(names)
            assert {r.agency for r in results} == names
            for k in intact:
                mine = [r for r in results if r.agency == f"机关{k}号"]
                assert len(mine) == 1, (k, [r.agency for r in results])
                assert comparable_findings(mine[0].findings, matrix) == expected[k]
            reported = {
                int((d.data_path or "").rsplit(":", 1)[1]): d.code
                for d in summary.problems
                if d.code in {"D341", "D342"} or str(d.args.get("problem_en", "")).startswith("this line should")
            }
            assert set(reported) == set(unreadable), (reported, unreadable)
            assert all((reported[n] == "D341") == (why == "quote") for n, why in unreadable.items())
            assert all(d.code != "D343" for d in summary.problems)  # a few bad lines are no garbage

    run()


def _example_lines(form: Form, agencies: int) -> list[str]:
    """A CSV of ``agencies`` agencies, each with the figures of the example report (all rules hold)."""
    instance, _, _ = load_data(form, EXAMPLE)
    assert instance is not None
    values = {i: format_number(c.number) for i, c in instance.values.items() if c.number is not None}
    lines = [HEADER]
    for k in range(agencies):
        for cell_id, value in values.items():
            row, _, column = cell_id.partition(".")
            lines.append(f"机关{k}号,{row},{column},{value}")
    return lines


@pytest.mark.parametrize("compiled", [False, True], ids=["pyarrow", "compiled scan"])
def test_one_quote_never_closed_costs_one_line(form: Form, tmp_path: Path, compiled: bool) -> None:
    """The case found: a value with a quote never closed in a CSV of 52 agencies took the 50
    agencies after it into one value. Now its line is reported (D341) and all 52 are read."""
    lines = _example_lines(form, 52)
    broken = 1 + len(form.indicators) + 5  # agency 1's sixth line
    lines[broken] = lines[broken].rsplit(",", 1)[0] + ',"7'
    path = tmp_path / "quote.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results: list[AgencyResult] = []
    summary = check_csv(form, path, results.append, every=True, compiled=compiled)
    assert summary.agencies == 52 and [r.agency for r in results] == [f"机关{k}号" for k in range(52)]
    assert [(d.code, d.data_path) for d in summary.problems] == [("D341", f"{path}:{broken + 1}")]
    assert '"7' in message(summary.problems[0], "en")


def _timed(form: Form, path: Path) -> tuple[float, list[str], int]:
    start = time.perf_counter()
    summary = check_csv(form, path)
    return time.perf_counter() - start, [d.code for d in summary.problems], summary.agencies


def test_garbage_fails_fast_with_a_diagnostic(form: Form, tmp_path: Path) -> None:
    """50 MB of random bytes, of random text without a header, and a header followed by 50 MB of
    text that is no CSV of agencies: each ends in one diagnostic within seconds."""
    rng = Random(0)
    chunk = "".join(rng.choice("abcdefghij ,.;机关局123\n") for _ in range(1 << 20))
    files = {
        "bytes.csv": os.urandom(50 << 20),
        "text.csv": (chunk * 50).encode("utf-8"),
        "headed.csv": (HEADER + "\n" + chunk * 50).encode("utf-8"),
    }
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        seconds, codes, agencies = _timed(form, path)
        assert seconds < 10, (name, seconds)
        assert agencies == 0 and len(codes) == 1 and codes[0] in {"D321", "D343"}, (name, codes)


def test_agencies_before_garbage_are_read_and_the_stop_is_said(form: Form, tmp_path: Path) -> None:
    """Agencies, then a long stretch of garbage: the agencies are read and checked, and D343 says
    at which line reading stopped and how much of the file was not read."""
    lines = _example_lines(form, 30)
    rng = Random(1)
    garbage = ["".join(rng.choice("xyz, ;") for _ in range(rng.randint(1, 40))) for _ in range(20000)]
    path = tmp_path / "tail.csv"
    path.write_text("\n".join(lines + garbage) + "\n", encoding="utf-8")
    for compiled in (False, True):
        results: list[AgencyResult] = []
        summary = check_csv(form, path, results.append, every=True, compiled=compiled)
        assert summary.agencies == 30 and len(results) == 30
        assert [(d.code, d.data_path) for d in summary.problems] == [("D343", f"{path}:{len(lines) + 1}")]
        assert "not read" in message(summary.problems[0], "en")


def test_a_file_over_the_size_limit_is_not_read(form: Form, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("\n".join(_example_lines(form, 3)) + "\n", encoding="utf-8")
    summary = check_csv(form, path, max_bytes=1000)
    assert [d.code for d in summary.problems] == ["D340"] and summary.agencies == 0
    assert "1,000" not in message(summary.problems[0], "en")  # sizes in MB, not bytes


def test_garbage_lines_inside_an_agency_do_not_cut_it_in_two(form: Form, tmp_path: Path) -> None:
    """Lines naming no cell between an agency's lines, in blocks smaller than the agency: each
    is reported, and the agency is read whole, once."""
    lines = _example_lines(form, 3)
    for at in (len(lines) - 10, 150, 40):
        lines.insert(at, "乱码,没有这一行,也没有这一列,1")
        lines.insert(at, "XYZ 垃圾")
    path = tmp_path / "inside.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for block_size in (1000, 1 << 20):
        results: list[AgencyResult] = []
        summary = check_csv(form, path, results.append, every=True, block_size=block_size)
        assert [r.agency for r in results] == ["机关0号", "机关1号", "机关2号"]
        assert all(r.findings == () for r in results)
        assert summary.agencies == 3
        assert sorted(d.code for d in summary.problems) == ["D305"] * 3 + ["D321"] * 3
