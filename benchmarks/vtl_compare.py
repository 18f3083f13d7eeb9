"""baobiao against vtlengine (its DuckDB back-end) on one workload: the 2021 form's table 三
rules over N agencies in one long CSV (agency,row,column,value); plus, from the same run, one
`baobiao check` process on that file (wall time, peak memory), the spec's compile time and one
`baobiao check` of a single file.

vtlengine is installed only for this benchmark, in a venv of its own:

    python3 -m venv /tmp/vtl && /tmp/vtl/bin/pip install vtlengine
    .venv/bin/python benchmarks/vtl_compare.py --vtl-python /tmp/vtl/bin/python 1000 10000 100000

The rules are the same on both sides: every row's 总计 is the sum of its six applicant columns;
in every column （七）总计 is the sum of the result rows, and 一 + 二 = 三（七）+ 四 (the flow). The
VTL script is generated from the compiled spec, so both check exactly the spec's rules. Each side
reads the same CSV file; the times include reading it. One agency in a hundred has a wrong cell.

Each side runs --repeat times, alternately (vtlengine in a fresh process each time, timed
around its `run` call, after its import; baobiao in this process, timed around `check_csv`,
asking for the findings of the first 50 agencies with errors as `baobiao check` does, with the
compiled scan loaded before, as vtlengine is imported before); the best and the median of each
are reported, and their ratios. The time to load the compiled scan (numba and its cached
machine code, once per process) is reported beside the spec's compile time; the `baobiao check`
process figure includes whatever that command does by itself (it loads the scan only for files
of 512 MB or more).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from random import Random

from baobiao.instance import scan
from baobiao.instance.batch.blocks import NAMES, _ranges
from baobiao.instance.batch.check import WORKERS, AgencyResult, check_csv
from baobiao.instance.batch.matrix import compile_rules
from baobiao.model import RuleKind
from baobiao.pipeline import load_data, load_spec

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "benchmarks" / "t3-2021.spec"
BAOBIAO = [str(Path(sys.executable).with_name("baobiao"))]  # the installed command

VTL_RUNNER = textwrap.dedent(
    """
    import json, sys, time
    from vtlengine import run
    script, structure, data = sys.argv[1], json.loads(open(sys.argv[2]).read()), sys.argv[3]
    start = time.perf_counter()
    result = run(script=script, data_structures=structure, datapoints={"DS": data}, use_duckdb=True)
    took = time.perf_counter() - start
    bad = set()
    for ds in result.values():
        frame = ds.data
        if frame is not None and len(frame):
            bad.update(frame["agency"].unique().tolist())
    print(json.dumps({"seconds": took, "agencies_with_errors": len(bad)}))
    """
)


def vtl_script(form) -> str:  # type: ignore[no-untyped-def]
    """The table's rules as two VTL hierarchical rulesets (rows, columns)."""
    rows, cols = [], []
    seen: set[str] = set()
    for rule in form.rules:
        base = rule.id.split("@")[0]
        if base in seen:
            continue
        seen.add(base)
        right = [t.id.split(".")[0] for t in rule.right.terms]
        if rule.kind is RuleKind.SUM and rule.id.startswith("results_total"):
            rows.append(f'R{len(rows)} : results_total = {" + ".join(right)} errorcode "{base}" errorlevel 1')
        elif base == "flow":  # new + carried = results_total + forward
            rows.append(f'R{len(rows)} : new = results_total + forward - carried errorcode "flow" errorlevel 1')
        elif rule.kind is RuleKind.SUM and base == "total.sum":
            parts = [t.id.split(".")[1] for t in rule.right.terms]
            cols.append(f'C{len(cols)} : total = {" + ".join(parts)} errorcode "rowsum" errorlevel 1')
    return (
        "define hierarchical ruleset hr_rows (variable rule row_id) is\n  "
        + ";\n  ".join(rows)
        + "\nend hierarchical ruleset;\n"
        + "define hierarchical ruleset hr_cols (variable rule col_id) is\n  "
        + ";\n  ".join(cols)
        + "\nend hierarchical ruleset;\n"
        + "res_rows <- check_hierarchy(DS, hr_rows rule row_id always_zero invalid);\n"
        + "res_cols <- check_hierarchy(DS, hr_cols rule col_id always_zero invalid);\n"
    )


STRUCTURE = {
    "datasets": [
        {
            "name": "DS",
            "DataStructure": [
                {"name": "agency", "type": "String", "role": "Identifier", "nullable": False},
                {"name": "row_id", "type": "String", "role": "Identifier", "nullable": False},
                {"name": "col_id", "type": "String", "role": "Identifier", "nullable": False},
                {"name": "obs_value", "type": "Integer", "role": "Measure", "nullable": True},
            ],
        }
    ]
}


def write_csv(path: Path, form, n: int) -> None:  # type: ignore[no-untyped-def]
    full = load_spec("gov-disclosure-2021").form
    instance, _, _ = load_data(full, ROOT / "examples" / "county-dept-2021.yaml")
    assert instance is not None
    cells = [(i, c.number) for i, c in instance.values.items() if form.get(i) is not None]
    rng = Random(0)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["agency", "row_id", "col_id", "obs_value"])
        for a in range(n):
            factor = rng.randint(1, 9)
            wrong = rng.randrange(len(cells)) if a % 100 == 7 else -1
            for k, (cell_id, number) in enumerate(cells):
                row, _, column = cell_id.partition(".")
                out.writerow([f"a{a:06d}", row, column, int(number) * factor + (1 if k == wrong else 0)])


def ours(form, path: Path) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    shown: list[AgencyResult] = []

    def on_agency(r: AgencyResult) -> None:  # as `baobiao check` does: the first 50 with errors, in full
        if r.errors and len(shown) < 50:
            shown.append(r)
            assert r.findings

    start = time.perf_counter()
    summary = check_csv(form, path, on_agency, compiled=True)
    return time.perf_counter() - start, summary.with_errors


def theirs(vtl_python: str, tmp: Path, script: str, path: Path) -> tuple[float, int]:
    done = subprocess.run(
        [vtl_python, str(tmp / "runner.py"), script, str(tmp / "structure.json"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"vtlengine failed: {done.stderr[-500:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["seconds"], result["agencies_with_errors"]


def reading_only(path: Path) -> float:
    """The same blocks through pyarrow's CSV reader in as many threads, and nothing else: the
    floor under baobiao's time."""
    import mmap
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.csv as pacsv

    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(NAMES, pa.binary()))
    parse = pacsv.ParseOptions(quote_char=False)

    def read(data: mmap.mmap, start: int, end: int) -> int:
        options = pacsv.ReadOptions(column_names=list(NAMES), use_threads=False, block_size=end - start + 1)
        view = memoryview(data)[start:end]
        rows = pacsv.read_csv(pa.py_buffer(view), read_options=options, parse_options=parse, convert_options=convert)
        view.release()
        return int(rows.num_rows)

    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start = time.perf_counter()
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda r: read(data, *r), list(_ranges(data))))
        return time.perf_counter() - start


_MEASURE = (
    "import resource, subprocess, sys, time; start = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], capture_output=True); "
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def process(args: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak memory (MB) of one process. It is started by a small Python
    process, not by this one: a child started by a large process is charged that process's
    peak memory (Linux carries the peak over on exec)."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True, text=True, check=True)
    wall, peak = done.stdout.split()
    return float(wall), int(peak) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vtl-python", default="/tmp/vtl/bin/python")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    args = parser.parse_args()

    compile_times = []
    for _ in range(5):
        start = time.perf_counter()
        form = load_spec(str(SPEC)).form
        assert form is not None
        compile_rules(form)
        compile_times.append(time.perf_counter() - start)
    print(f"spec compile (parse, model, rule matrix): best {min(compile_times) * 1000:.0f} ms")
    start = time.perf_counter()
    scan.load()
    print(f"compiled scan loaded (numba, cached machine code; once per process): {time.perf_counter() - start:.2f} s")
    single = [
        process([*BAOBIAO, "check", "gov-disclosure-2021", str(ROOT / "examples" / "county-dept-2021.yaml")])
        for _ in range(3)
    ]
    print(f"one `baobiao check` of a single file: best {min(w for w, _ in single):.2f} s wall")

    script = vtl_script(form)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            path = tmp / "DS.csv"
            write_csv(path, form, n)
            size = path.stat().st_size
            (tmp / "structure.json").write_text(json.dumps(STRUCTURE))
            (tmp / "runner.py").write_text(VTL_RUNNER)
            mine, other, floor = [], [], []
            for _ in range(args.repeat):
                floor.append(reading_only(path))
                took, found = ours(form, path)
                mine.append(took)
                took, found_vtl = theirs(args.vtl_python, tmp, script, path)
                other.append(took)
            wall, peak = process([*BAOBIAO, "check", str(SPEC), str(path)])
        b, m = min(mine), statistics.median(mine)
        vb, vm = min(other), statistics.median(other)
        print(
            f"{n:>7} agencies ({size / 1e6:.0f} MB): "
            f"baobiao best {b * 1000:.0f} ms ({n / b:,.0f}/s), median {m * 1000:.0f} ms, {found} with errors; "
            f"vtlengine+DuckDB best {vb:.2f} s ({n / vb:,.0f}/s), median {vm:.2f} s, {found_vtl} with errors; "
            f"ratio best {vb / b:.1f}, median {vm / m:.1f}; "
            f"pyarrow reading alone best {min(floor) * 1000:.0f} ms; "
            f"`baobiao check` process {wall:.2f} s, peak {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
