"""How long `baobiao audit` takes on a folder of published reports, as a user runs it (a
command, cold): N HTML reports of the 2021 form (generated valid instances, each rendered by
`baobiao render --to html` as an agency would publish it, then given a different agency name
so that no two are alike), and P PDFs made from Word reports by LibreOffice.

    .venv/bin/python benchmarks/audit.py [N] [P]

Prints the time of the whole folder (HTML) with the default worker processes and with
`--jobs 1`, each with the processor time it used and the processor time other processes used
meanwhile (on Linux: what they took from the workers), and the time of each PDF audited alone;
the report files are made before timing and are not counted.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from baobiao.pipeline import load_spec, render_report
from baobiao.testing import instance_yaml, valid_instances

BIN = Path(sys.executable).parent / "baobiao"
FORM = "gov-disclosure-2021"


def make_reports(folder: Path, n: int, targets: tuple[str, ...]) -> list[Path]:
    form = load_spec(FORM).form
    assert form is not None
    made: list[Path] = []
    data = folder / "data"
    data.mkdir()

    @settings(
        max_examples=n, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck)
    )
    @given(valid_instances(form))
    def one(instance: object) -> None:
        k = len(made)
        text = instance_yaml(form, instance)  # type: ignore[arg-type]
        # each report an agency of its own (the generated meta names one agency for all, so that
        # reports a year apart were paired as one agency's and failed the cross-year rules)
        text = re.sub(r"(?m)^  agency: .*$", f"  agency: 第{k}号县人民政府办公室", text, count=1)
        assert f"第{k}号" in text
        path = data / f"r{k:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        render_report(form, path, {}, targets=targets, out_dir=folder / "reports", draft=True)
        made.append(path)

    one()
    return sorted((folder / "reports").iterdir())


def busy() -> float:
    """The processor seconds this machine has spent busy so far (Linux; 0 elsewhere)."""
    try:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, _steal = ticks
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def ours() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(*args: str) -> tuple[float, int, float, float]:
    """The command's wall time and exit status, the processor time it used, and the processor
    time other processes used meanwhile (what they took from it)."""
    start, busy_before, ours_before = time.perf_counter(), busy(), ours()
    done = subprocess.run([str(BIN), *args], capture_output=True, check=False)
    seconds, used = time.perf_counter() - start, ours() - ours_before
    return seconds, done.returncode, used, max(0.0, busy() - busy_before - used)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    p = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "html").mkdir()
        html = make_reports(folder / "html", n, ("html",))
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        for how, jobs in ((f"{workers} workers (the default)", ()), ("--jobs 1", ("--jobs", "1"))):
            seconds, rc, used, others = timed("audit", str(folder / "html" / "reports"), "--format", "short", *jobs)
            print(
                f"{len(html)} HTML reports, {how}: {seconds:.1f} s "
                f"({seconds / max(1, len(html)) * 1000:.0f} ms a report), exit {rc}; "
                f"processor time {used:.1f} s, other processes' meanwhile {others:.1f} s"
            )
        if p and shutil.which("soffice"):
            (folder / "pdf").mkdir()
            docx = make_reports(folder / "pdf", p, ("docx",))
            subprocess.run(
                [
                    "soffice",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder / "pdf" / "out"),
                    *map(str, docx),
                ],
                capture_output=True,
                check=True,
            )
            times = sorted(
                timed("audit", str(pdf), "--format", "short")[0] for pdf in (folder / "pdf" / "out").iterdir()
            )
            print(f"{len(times)} PDFs, each alone: median {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s")


if __name__ == "__main__":
    main()
