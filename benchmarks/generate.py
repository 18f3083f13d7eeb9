"""How long generating valid instances takes: N valid instances of a form through
baobiao.testing.valid_instances (hypothesis + one MILP per instance), then checking each.

    .venv/bin/python benchmarks/generate.py [FORM] [N]
"""

from __future__ import annotations

import platform
import sys
import time

from hypothesis import HealthCheck, Phase, given, settings

from baobiao.instance.check import check
from baobiao.pipeline import load_spec
from baobiao.testing import valid_instances


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "gov-disclosure-2021"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    form = load_spec(name).form
    assert form is not None
    made: list[object] = []

    @settings(
        max_examples=n, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(valid_instances(form))
    def collect(instance: object) -> None:
        made.append(instance)

    start = time.perf_counter()
    collect()
    generated = time.perf_counter() - start
    start = time.perf_counter()
    clean = sum(1 for i in made if not check(form, i).findings)  # type: ignore[arg-type]
    checked = time.perf_counter() - start
    print(f"form {name}: {len(form.indicators)} cells, {len(form.rules)} rules")
    print(f"generated {len(made)} valid instances in {generated:.1f} s ({generated / len(made) * 1000:.1f} ms each)")
    print(f"checked them in {checked:.1f} s: {clean} clean")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
