"""Time against the size of the form: specs of N indicators (sections of 20, each a total with
19 parts, a rule in every tenth section), each command run as a user runs it (a new process,
cold), once per size:

    .venv/bin/python benchmarks/size.py 1000 20000 35000
    .venv/bin/python benchmarks/size.py --unlimited 20000 50000 100000

Specs over 38,000 indicators of this shape are refused by the spec limits (S230, README "Spec
limits"). ``--unlimited`` measures beyond them: each size in a process of its own with the
parser's size limits lifted (for this measurement only), timing in process the stages a command
runs: compile, load and check the data with errors (the likely wrong cells included), the
workbook's bytes; and the process's peak memory.

- first check: a data file with errors checked with no compiled form cached (parse and compile
  included), as the very first command on a new spec;
- fmt: parse, compile and print the spec (fmt always parses);
- check clean / check errors: a data file with every cell (1 % of the totals off by one), the
  compiled form read from the cache (baobiao.formcache) as every command after the first;
- lint: the spec's rules analysed together (within its budget);
- workbook: the fill-in workbook written.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "baobiao"
PARTS = 19


def make_spec(n: int) -> str:
    lines = [f'form big-{n} "{n} 项指标的表"', '  version "1"', ""]
    for k in range(n // (PARTS + 1)):
        lines.append(f'section s{k} "第{k}部分"')
        lines.append(f'  t{k} "合计{k}" 件 = sum')
        lines.extend(f'    i{k}_{j} "第{k}部分第{j}项" 件' for j in range(PARTS))
        if k % 10 == 0:
            lines.append(f'  rule r{k} warning "第{k}部分第0项不超过合计"')
            lines.append(f"    i{k}_0 <= t{k}")
    return "\n".join(lines) + "\n"


def make_data(n: int, wrong: bool) -> str:
    lines = ["meta:", f"  form: big-{n}", "  year: 2024", "values:"]
    for k in range(n // (PARTS + 1)):
        total = PARTS + (1 if wrong and k % 100 == 0 else 0)
        lines.append(f"  t{k}: {total}")
        lines.extend(f"  i{k}_{j}: 1" for j in range(PARTS))
    return "\n".join(lines) + "\n"


def timed(*args: str, cache: Path) -> tuple[float, int]:
    start = time.perf_counter()
    env = {**os.environ, "BAOBIAO_CACHE_DIR": str(cache)}
    done = subprocess.run([str(BIN), *args], capture_output=True, check=False, env=env)
    return time.perf_counter() - start, done.returncode


def unlimited(n: int) -> None:
    """One size, in process, the spec limits lifted: seconds per stage and the peak memory."""
    from baobiao.diagnostics.core import Severity
    from baobiao.pipeline import check_data, compile_source
    from baobiao.report.workbook import write_workbook
    from baobiao.source import Source
    from baobiao.syntax import parser
    from baobiao.testing.mutate import peak_memory_mb

    parser.MAX_SPEC_BYTES = parser.MAX_SPEC_WORDS = 10**9  # type: ignore[misc]
    with tempfile.TemporaryDirectory() as folder:
        wrong = Path(folder) / "wrong.yaml"
        wrong.write_text(make_data(n, True), encoding="utf-8")
        start = time.perf_counter()
        result = compile_source(Source("big.spec", make_spec(n)))
        compiled = time.perf_counter()
        assert result.form is not None, result.report.diagnostics[:3]
        checked = check_data(result.form, wrong, result.report.sources)
        done = time.perf_counter()
        write_workbook(result.form)
        written = time.perf_counter()
    found = {d.code for d in checked.report.diagnostics if d.severity is Severity.ERROR}
    errors = sum(d.code == "C401" for d in checked.report.diagnostics)
    assert found == {"C401"}, found  # the broken sums found, nothing refused
    print(
        f"| {n:,} | {compiled - start:.2f} s | {done - compiled:.2f} s ({errors} C401) "
        f"| {written - done:.2f} s | {peak_memory_mb():.0f} MB |",
        flush=True,
    )


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        unlimited(int(sys.argv[2]))
        return
    if sys.argv[1:2] == ["--unlimited"]:
        print("| indicators | compile | load and check (errors) | workbook | peak memory |")
        print("|---|---|---|---|---|")
        for arg in sys.argv[2:]:
            subprocess.run([sys.executable, __file__, "--one", arg], check=True)
        return
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 20000]
    print("| indicators | first check | fmt | check clean | check errors | lint | workbook |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as folder:
            spec, clean, wrong = (Path(folder) / name for name in ("big.spec", "clean.yaml", "wrong.yaml"))
            spec.write_text(make_spec(n), encoding="utf-8")
            clean.write_text(make_data(n, False), encoding="utf-8")
            wrong.write_text(make_data(n, True), encoding="utf-8")
            cache = Path(folder) / "cache"
            runs = [
                timed("check", str(spec), str(wrong), cache=cache),
                timed("fmt", str(spec), cache=cache),
                timed("check", str(spec), str(clean), cache=cache),
                timed("check", str(spec), str(wrong), cache=cache),
                timed("lint", str(spec), cache=cache),
                timed("workbook", str(spec), "-o", str(Path(folder) / "big.xlsx"), cache=cache),
            ]
            cells = " | ".join(f"{t:.2f} s (exit {rc})" for t, rc in runs)
            print(f"| {n:,} | {cells} |", flush=True)


if __name__ == "__main__":
    main()
