"""Batch checking: a long CSV (agency,row,column,value) of N agencies of the 2021 form, checked by
baobiao.instance.batch.check_csv, read by pyarrow's CSV reader and by the compiled scan (loaded
once beforehand, its load time reported); time and peak memory.

    .venv/bin/python benchmarks/batch.py 1000 10000 100000

Each agency is the 2021 example scaled by a random whole factor (so every rule still holds), and
one agency in a hundred has one cell changed.
"""

from __future__ import annotations

import csv
import resource
import sys
import tempfile
import time
from pathlib import Path
from random import Random

from baobiao.instance import scan
from baobiao.instance.batch.check import check_csv
from baobiao.pipeline import load_data, load_spec

ROOT = Path(__file__).resolve().parents[1]


def write_csv(path: Path, n: int) -> int:
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    instance, _, _ = load_data(form, ROOT / "examples" / "county-dept-2021.yaml")
    assert instance is not None
    cells = [(i, c.number) for i, c in instance.values.items()]
    rng = Random(0)
    broken = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["agency", "row", "column", "value"])
        for a in range(n):
            factor = rng.randint(1, 9)
            wrong = rng.randrange(len(cells)) if a % 100 == 7 else -1
            broken += wrong >= 0
            for k, (cell_id, number) in enumerate(cells):
                row, _, column = cell_id.partition(".")
                value = number * factor + (1 if k == wrong else 0)  # type: ignore[operator]
                out.writerow([f"机关{a:06d}", row, column, value])
    return broken


def main() -> None:
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    for n in [int(x) for x in sys.argv[1:]] or [1000]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "agencies.csv"
            broken = write_csv(path, n)
            size = path.stat().st_size
            took = {}
            for compiled in (False, True):
                if compiled and scan.loaded() is None:
                    start = time.perf_counter()
                    scan.load()
                    print(f"compiled scan loaded in {time.perf_counter() - start:.2f} s (once per process)")
                start = time.perf_counter()
                summary = check_csv(form, path, lambda r: None, compiled=compiled)
                took[compiled] = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{n} agencies ({size / 1e6:.0f} MB): pyarrow {took[False]:.2f} s, {n / took[False]:,.0f} agencies/s; "
            f"compiled scan {took[True]:.2f} s, {n / took[True]:,.0f} agencies/s; "
            f"{summary.with_errors} with errors ({broken} broken); peak RSS so far {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
