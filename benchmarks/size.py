"""Time against the size of the form: specs of N indicators (sections of 20, each a total with
19 parts, a rule in every tenth section), each command run as a user runs it (a new process,
cold), once per size:

    .venv/bin/python benchmarks/size.py 1000 20000 100000

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


def main() -> None:
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
