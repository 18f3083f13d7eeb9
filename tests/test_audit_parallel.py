"""`baobiao audit --jobs N`: a folder's reports spread over worker processes are audited
exactly as in one process (the same findings, in the same order, reports of consecutive years
still checked together), and a worker that dies costs its report a finding (A009), never the
run or another report."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from conftest import EXAMPLES, ROOT, CliResult

import baobiao.audit.run as run
from baobiao.audit.run import STEPS, Audited, audit
from baobiao.pipeline import load_spec, render_report
from baobiao.workers import WorkerError

CORPUS = ROOT / "tests" / "data" / "published"
#: two pairs of one agency's consecutive years, and unrelated reports of every kind but PDF
#: (a '.doc' that is a web page, one in traditional script and Big5)
PUBLISHED = (
    "county-dept-2020.docx",
    "county-dept-2021.docx",
    "county-gov-2022.html",
    "county-gov-2023.txt",
    "city-office-2021.html",
    "county-gov-2020-hubei.htm",
    "city-stats-2018.txt",
    "county-edu-2019.doc",
    "market-2021-old-row.html",
    "province-env-2022-big5.html",
    "town-2023.html",
)
PAIRED = {
    "county-dept-2021.docx": "county-dept-2020.docx",
    "county-dept-2021.html": "county-dept-2020.docx",  # the bundled example is that agency's too
    "county-gov-2023.txt": "county-gov-2022.html",
}
needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods(),
    reason="a worker inherits the test's stand-ins only when forked",
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published reports above, the bundled examples rendered as web pages, and a file
    that is no report at all."""
    out = tmp_path_factory.mktemp("reports")
    for name in PUBLISHED:
        shutil.copy(CORPUS / name, out / name)
    for name, data in EXAMPLES.items():
        form = load_spec(name).form
        assert form is not None
        result = render_report(form, data, {}, targets=("html",), out_dir=out)
        assert result.written, name
    (out / "empty.html").write_bytes(b"")
    return out


def reports(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file())


def comparable(item: Audited) -> tuple[object, ...]:
    return (item.path, item.report, item.previous, item.form, dict(item.meta), item.data)


@pytest.fixture
def deadline() -> Iterator[None]:
    """A run that hangs fails the test instead of hanging it."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the audit did not finish")

    before = signal.signal(signal.SIGALRM, expired)
    signal.alarm(300)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, before)


def test_workers_find_what_one_process_finds(folder: Path, deadline: None) -> None:
    paths = reports(folder)
    assert len(paths) >= run.POOLED_FROM  # enough for workers to be used
    steps: dict[int, list[int]] = {1: [], 2: []}
    alone = audit(paths, None, {}, progress=steps[1].append, jobs=1)
    shared = audit(paths, None, {}, progress=steps[2].append, jobs=2)
    assert all(item.read is not None for item in alone)
    assert all(item.read is None for item in shared)  # audited by workers
    assert [comparable(a) for a in alone] == [comparable(s) for s in shared]
    assert [item.path for item in shared] == paths
    assert sum(steps[1]) == sum(steps[2]) == STEPS * len(paths)
    previous = {item.path.name: item.previous.name for item in shared if item.previous is not None}
    assert previous == PAIRED  # consecutive years still checked together
    repeated = next(item for item in shared if item.path.name == "county-gov-2023.txt")
    assert "A201" in {d.code for d in repeated.report.diagnostics}  # its text compared with last year's
    empty = next(item for item in shared if item.path.name == "empty.html")
    assert {d.code for d in empty.report.diagnostics} == {"A006"}


def _dies_on(name: str, real: Callable[..., object], parent: int) -> Callable[..., object]:
    """``real``, except that a worker given the report ``name`` is killed as the system kills
    a process out of memory."""

    def standin(*args: object, **kwargs: object) -> object:
        named = [getattr(a, "path", None) for a in args] + [kwargs.get("name")]  # a document's, or a report's
        if os.getpid() != parent and any(name in str(n) for n in named if n is not None):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    return standin


@needs_fork
def test_a_worker_that_dies_costs_its_report_a_finding(
    folder: Path, deadline: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = reports(folder)
    alone = {item.path.name: item for item in audit(paths, None, {}, jobs=1)}
    monkeypatch.setattr(run, "extract", _dies_on("town-2023.html", run.extract, os.getpid()))  # while reading
    monkeypatch.setattr(run, "check_loaded", _dies_on("city-stats-2018.txt", run.check_loaded, os.getpid()))
    shared = audit(paths, None, {}, jobs=2)
    assert [item.path for item in shared] == paths
    for item in shared:
        died = [d for d in item.report.diagnostics if d.code == "A009"]
        if item.path.name in ("town-2023.html", "city-stats-2018.txt"):
            assert len(died) == 1 and "SIGKILL" in str(died[0].args["cause"]), item.report.diagnostics
        else:
            assert not died and comparable(item) == comparable(alone[item.path.name])
    checked_late = next(item for item in shared if item.path.name == "city-stats-2018.txt")
    assert checked_late.data is not None  # read before its worker died: --extract still writes it


@needs_fork
def test_a_worker_that_raises_raises_here(folder: Path, deadline: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("a bug")

    monkeypatch.setattr(run, "extract", broken)
    with pytest.raises(WorkerError, match="ValueError: a bug"):
        audit(reports(folder), None, {}, jobs=2)


def test_the_command_line_gives_the_same_output_with_workers(
    folder: Path, deadline: None, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    outputs = []
    extracted = tmp_path / "extracted"  # findings name the data files: the same folder for both
    for jobs in ("1", "2"):
        result = run_cli("audit", str(folder), "--jobs", jobs, "--extract", str(extracted), "--format", "json")
        assert result.exit_code == 2  # an empty file is unreadable
        written = {p.name: p.read_text(encoding="utf-8") for p in extracted.iterdir()}
        outputs.append((json.loads(result.stdout), result.stderr, written))
        shutil.rmtree(extracted)
    assert outputs[0] == outputs[1]
    assert {f"{name}.yaml" for name in PAIRED} <= set(outputs[0][2])  # the data files, written from workers' text
