"""How long rendering takes, as a user runs it (issue 16, part 6). Three figures:

1. **One report to Word in a warm process**: the Python API in one process (imports done, the
   form compiled, a first render done), ``render_report`` of ``examples/county-dept-2021.yaml``
   to docx (the check of the data, its text's claims, the render context, the Word file, the
   atomic write: everything `render` does for a file), the median of R runs; also with HTML and
   text. Beside it, one `baobiao render … --to docx` process, cold (Python's start, imports,
   the compiled form read from the cache), the median of R processes.
2. **`render` over a folder of N data files** (default 1,000): one `baobiao render
   gov-disclosure-2021 FOLDER --out OUT` process (Word, HTML and text, the default), with the
   default worker processes and with ``--jobs 1``, the median of R runs each, with the load
   average of the minute before each. The data files are valid generated instances of the 2021
   form (``baobiao.testing``), each with the example's text (its sections, paragraphs with
   ``{{ }}`` figures, the claims that the check reads) and its own agency name; making them is
   not counted.
3. **`baobiao fuzz gov-disclosure-2021 -n 100`**: one process, cold, the median of R runs.

    .venv/bin/python benchmarks/render.py [--files N] [--runs R] [--only warm,folder,fuzz]

To time the code before a change, extract it (``git archive HEAD | tar -x -C /tmp/before``) and
run this script with ``PYTHONPATH=/tmp/before/src``: every figure, processes included, is then
of that code. Where its `render` takes one data file only, the folder is rendered by one
`baobiao render` process per file, as a user had to, for the first ``--before-files`` files
(default 20), and the time for N files is extrapolated.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from hypothesis import HealthCheck, Phase, given, settings

from baobiao.pipeline import load_spec, render_report
from baobiao.testing import instance_yaml, valid_instances

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "county-dept-2021.yaml"
FORM = "gov-disclosure-2021"
T = TypeVar("T")


def make_data(folder: Path, n: int) -> list[Path]:
    """N data files: valid instances of the form, each with the example's text and an agency of its own."""
    form = load_spec(FORM).form
    assert form is not None
    text = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["report"]
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []

    @settings(
        max_examples=n, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(valid_instances(form))
    def one(instance: object) -> None:
        k = len(made)
        data = yaml.safe_load(instance_yaml(form, instance))  # type: ignore[arg-type]
        agency = f"第{k}号县市场监督管理局"
        data["meta"] = {"agency": agency, "year": 2021, "form": FORM, "level": "县级政府部门"}
        data["report"] = {**text, "title": [agency, "2021年政府信息公开工作年度报告"], "signature": agency}
        path = folder / f"r{k:04d}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
        made.append(path)

    while len(made) < n:  # hypothesis may stop early when it runs out of distinct examples
        one()
    return made[:n]


BAOBIAO = str(Path(sys.executable).parent / "baobiao")  # the command a user runs


def run(*args: str) -> tuple[float, int, str]:
    """A `baobiao` process: its wall time, exit status and the last line it wrote to stderr."""
    start = time.perf_counter()
    done = subprocess.run([BAOBIAO, *args], capture_output=True, text=True, check=False)
    said = done.stderr.strip().splitlines()
    return time.perf_counter() - start, done.returncode, said[-1] if said else ""


def load() -> float:
    return os.getloadavg()[0]


def warm(runs: int) -> None:
    spec = load_spec(FORM)
    assert spec.form is not None
    with tempfile.TemporaryDirectory() as tmp:
        for targets in (("docx",), ("docx", "html", "txt")):

            def once(targets: tuple[str, ...] = targets) -> float:
                start = time.perf_counter()
                result = render_report(spec.form, EXAMPLE, spec.report.sources, targets=targets, out_dir=Path(tmp))
                assert result.written, result.report.diagnostics
                return time.perf_counter() - start

            first = once()
            times = [once() for _ in range(runs)]
            print(
                f"warm process, {'+'.join(targets)}: median {statistics.median(times) * 1000:.0f} ms, "
                f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {runs} runs "
                f"(first render in the process {first * 1000:.0f} ms); load {load():.2f}"
            )


def stages(runs: int) -> None:
    """Where a warm render's time goes: each stage of render_report for the example, processor
    time (time.process_time), the median of ``runs``."""
    from baobiao.outputs import write_output
    from baobiao.pipeline import check_data
    from baobiao.report.backends import BACKENDS, Options
    from baobiao.report.context import RenderInput, build_context
    from baobiao.report.env import search_path

    try:
        from baobiao.report.backends import environment_for
    except ImportError:  # before this change: a new environment for each output

        def environment_for(name: str, dirs: list[Path]) -> Any:
            from baobiao.report.env import environment

            return environment(dirs)

    spec = load_spec(FORM)
    form = spec.form
    assert form is not None
    dirs = search_path(form)
    times: dict[str, list[float]] = {}

    def timed(name: str, work: Callable[[], T]) -> T:
        start = time.process_time()
        value = work()
        times.setdefault(name, []).append(time.process_time() - start)
        return value

    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs + 2):
            checked = timed("load and check", lambda: check_data(form, EXAMPLE, spec.report.sources))
            assert checked.instance is not None
            instance = checked.instance
            context = timed("context", lambda: build_context(RenderInput(form, instance)))  # noqa: B023
            context["findings"] = []
            for name in ("docx", "html", "txt"):
                backend = BACKENDS[name][1]
                data = timed(name, lambda: backend(environment_for(name, dirs), context, Options()))  # noqa: B023
                timed("writing (3 files)", lambda: write_output(Path(tmp) / f"r.{name}", data))  # noqa: B023
    parts = []
    for name, values in times.items():
        values = values[2:] if name != "writing (3 files)" else values[6:]
        each = statistics.median(values) * (3 if name == "writing (3 files)" else 1)
        parts.append(f"{name} {each * 1000:.1f} ms")
    print(f"warm process, processor time by stage (median of {runs}): " + ", ".join(parts) + f"; load {load():.2f}")


def cold(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for _ in range(runs):
            seconds, rc, _ = run("render", FORM, str(EXAMPLE), "--to", "docx", "--out", tmp)
            assert rc == 0, rc
            times.append(seconds)
        print(
            f"one `render --to docx` process, cold: median {statistics.median(times):.2f} s over {runs}, "
            f"min {min(times):.2f} s; load {load():.2f}"
        )


def folder(n: int, runs: int, before_files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        made = time.perf_counter()
        files = make_data(data, n)
        print(f"{len(files)} data files made in {time.perf_counter() - made:.0f} s (not counted)")
        out = Path(tmp) / "out"
        probe = subprocess.run([BAOBIAO, "render", "--help"], capture_output=True, text=True, check=False)
        if "--jobs" not in probe.stdout:  # one data file a process, as before this change
            times = []
            for path in files[:before_files]:
                seconds, rc, _ = run("render", FORM, str(path), "--out", str(out))
                times.append(seconds)
            each = statistics.median(times)
            print(
                f"one `render` process per file ({len(times)} files): median {each:.2f} s a file, "
                f"{each * len(files):.0f} s for {len(files)} (extrapolated); load {load():.2f}"
            )
            return
        for how, jobs in ((f"default workers ({len(os.sched_getaffinity(0))})", []), ("--jobs 1", ["--jobs", "1"])):
            times = []
            for _ in range(runs):
                shutil.rmtree(out, ignore_errors=True)
                before = load()
                seconds, rc, last = run("render", FORM, str(data), "--out", str(out), *jobs)
                times.append(seconds)
                written = len(list(out.iterdir())) if out.is_dir() else 0
                print(f"  {how}: {seconds:.1f} s, exit {rc}, {written} files written, load before {before:.2f}; {last}")
            print(
                f"`render` of {len(files)} data files, {how}: median {statistics.median(times):.1f} s "
                f"({statistics.median(times) / len(files) * 1000:.0f} ms a file)"
            )


def fuzz(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for _ in range(runs):
            before = load()
            seconds, rc, last = run("fuzz", FORM, "-n", "100", "--out", f"{tmp}/f.yaml")
            times.append(seconds)
            print(f"  fuzz -n 100: {seconds:.1f} s, exit {rc}, load before {before:.2f}; {last}")
        print(f"`fuzz {FORM} -n 100`: median {statistics.median(times):.1f} s over {runs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="warm,folder,fuzz")
    parser.add_argument("--before-files", type=int, default=20)
    args = parser.parse_args()
    only = set(args.only.split(","))
    import baobiao

    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} processors, Python {sys.version.split()[0]}, "
        f"baobiao from {Path(baobiao.__file__).parent}"
    )
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True, check=False).stdout.strip()}")
    if "warm" in only:
        warm(args.runs * 5)
        stages(args.runs * 5)
        cold(args.runs * 2 + 1)
    if "folder" in only:
        folder(args.files, args.runs, args.before_files)
    if "fuzz" in only:
        fuzz(args.runs)


if __name__ == "__main__":
    main()
