"""The standing fuzz campaign, long: mutants of every input kind (baobiao.testing.mutate), each
in a worker process under a memory limit and a time budget; prints what ran, every failure
(grouped by its message), the slowest cases and the largest worker.

    .venv/bin/python benchmarks/fuzz_campaign.py --count 20000 --lanes 2
    .venv/bin/python benchmarks/fuzz_campaign.py --kinds spec,data --count 5000 --start 100000
"""

from __future__ import annotations

import argparse
import collections
import time

from baobiao.testing.mutate import KINDS, MEMORY_LIMIT, TIME_BUDGET, campaign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", default=",".join(KINDS), help="input kinds, comma-separated")
    parser.add_argument("--count", type=int, default=1000, help="mutants per kind")
    parser.add_argument("--start", type=int, default=0, help="first seed")
    parser.add_argument("--lanes", type=int, default=2, help="worker processes at a time")
    parser.add_argument("--budget", type=float, default=TIME_BUDGET, help="seconds per mutant")
    parser.add_argument("--memory", type=int, default=MEMORY_LIMIT >> 20, help="address space per worker, MB")
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    began = time.monotonic()
    results = campaign(kinds, args.count, args.start, args.lanes, args.budget, args.memory << 20)
    took = time.monotonic() - began
    print(
        f"{len(results)} mutants ({args.count} per kind: {', '.join(kinds)}), seeds from {args.start}, "
        f"{args.lanes} lanes, {took:.0f} s"
    )
    for kind in kinds:
        mine = [(o, peak) for o, peak in results if o.kind == kind]
        times = sorted(o.seconds for o, _ in mine)
        failed = sum(1 for o, _ in mine if not o.ok)
        print(
            f"  {kind:9} {len(mine):6} run, {failed} failed, median {times[len(times) // 2]:.3f} s, "
            f"max {times[-1]:.2f} s, largest worker {max(p for _, p in mine)} MB"
        )
    failures = collections.Counter((o.kind, o.detail.splitlines()[-1][:160]) for o, _ in results if not o.ok)
    for (kind, detail), n in failures.most_common():
        seeds = [
            o.seed for o, _ in results if o.kind == kind and not o.ok and o.detail.splitlines()[-1][:160] == detail
        ]
        print(f"FAIL {kind} ×{n} (seeds {seeds[:5]}): {detail}")
    slowest = sorted(results, key=lambda r: -r[0].seconds)[:5]
    print("slowest:", ", ".join(f"{o.kind}#{o.seed} {o.seconds:.2f} s" for o, _ in slowest))


if __name__ == "__main__":
    main()
