"""How long finding the likely wrong cells takes: N instances of a form with one (or two) cells
broken, each localised by baobiao.instance.locate.likely_wrong.

    .venv/bin/python benchmarks/locate.py [FORM] [N] [CELLS_BROKEN]
"""

from __future__ import annotations

import statistics
import sys
import time
from decimal import Decimal
from random import Random

from hypothesis import HealthCheck, Phase, given, settings

from baobiao.instance.check import check
from baobiao.instance.locate import likely_wrong
from baobiao.pipeline import load_spec
from baobiao.testing import make_instance, valid_instances


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "gov-disclosure-2021"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    broken = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    form = load_spec(name).form
    assert form is not None
    valid: list[object] = []

    @settings(
        max_examples=n, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(valid_instances(form))
    def collect(instance: object) -> None:
        valid.append(instance)

    collect()
    rng = Random(0)
    cells = [i.id for i in form.indicators if any(i.id in r.ids and r.op == "=" for r in form.rules)]
    times = []
    for instance in valid:
        values = {i: c.number for i, c in instance.values.items()}  # type: ignore[attr-defined]
        for cell in rng.sample(cells, broken):
            values[cell] = (values[cell] or Decimal(0)) + rng.randint(1, 99)
        wrong = make_instance(form, instance.meta, values)  # type: ignore[attr-defined]
        findings = check(form, wrong).findings
        start = time.perf_counter()
        likely_wrong(form, wrong, findings)
        times.append(time.perf_counter() - start)
    print(f"form {name}: {len(valid)} instances with {broken} cell(s) broken")
    print(f"localising: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
