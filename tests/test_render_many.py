"""`baobiao render SPEC DATA...`: several data files and folders rendered in one command (names
that would collide are numbered, a file with errors does not stop the others, exit status as
`check`'s, a progress bar on a terminal only), spread over worker processes with the same
outputs, and a worker that dies costs its file a finding (R518), never the run."""

from __future__ import annotations

import io
import multiprocessing
import os
import pty
import select
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from conftest import EXAMPLES, ROOT, CliResult

import baobiao.pipeline as pipeline
from baobiao.pipeline import POOLED_FROM, load_spec, output_stems, render_reports

Run = Callable[..., CliResult]
EXAMPLE = EXAMPLES["gov-disclosure-2021"]
needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods(),
    reason="a worker inherits the test's stand-ins only when forked",
)


def agency(tmp: Path, name: str, who: str, text: str | None = None) -> Path:
    """The 2021 example as another agency's data file."""
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        (text or EXAMPLE.read_text(encoding="utf-8")).replace("某某县市场监督管理局", who), encoding="utf-8"
    )
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


@pytest.fixture
def deadline() -> Iterator[None]:
    """A run that hangs fails the test instead of hanging it."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the render did not finish")

    before = signal.signal(signal.SIGALRM, expired)
    signal.alarm(300)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, before)


def test_several_files_and_a_folder(run_cli: Run, tmp_path: Path) -> None:
    one = agency(tmp_path, "one.yaml", "甲县市场监督管理局")
    folder = tmp_path / "folder"
    agency(folder, "two.yaml", "乙县市场监督管理局")
    agency(folder / "sub", "three.yaml", "丙县市场监督管理局")
    (folder / "notes.md").write_text("not a data file", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("render", "gov-disclosure-2021", str(one), str(folder), "--out", str(out), "--to", "txt,html")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "one.html",
        "one.txt",
        "three.html",
        "three.txt",
        "two.html",
        "two.txt",
    ]
    assert "丙县市场监督管理局" in (out / "three.txt").read_text(encoding="utf-8")
    assert result.stderr.strip().splitlines()[-1] == f"3 个数据文件：3 个已生成报告，写入 {out}（6 个文件）"


def test_names_that_would_collide_are_numbered(run_cli: Run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    agency(data / "a", "report.yaml", "甲县市场监督管理局")
    agency(data / "b", "report.yaml", "乙县市场监督管理局")
    agency(data / "b", "Report.yml", "丙县市场监督管理局")  # the same name to a file system that ignores case
    out = tmp_path / "out"
    result = run_cli("render", "gov-disclosure-2021", str(data), "--out", str(out), "--to", "txt")
    assert result.exit_code == 0, result.stdout + result.stderr
    texts = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    # in the order listed (sorted paths): a/report.yaml, b/Report.yml, b/report.yaml
    assert sorted(texts) == ["Report-2.txt", "report-3.txt", "report.txt"]
    assert "甲县" in texts["report.txt"]
    assert "丙县" in texts["Report-2.txt"] and "乙县" in texts["report-3.txt"]
    assert f"{data / 'b' / 'Report.yml'} -> {out / 'Report-2'}.*（与其他数据文件同名）" in result.stderr
    assert f"{data / 'b' / 'report.yaml'} -> {out / 'report-3'}.*" in result.stderr


def test_output_stems() -> None:
    paths = [Path(p) for p in ("a/x.yaml", "b/x.yaml", "x.xlsx", "X.yaml", "x-2.yaml", "y.yaml")]
    assert output_stems(paths) == ["x", "x-2", "x-3", "X-4", "x-2-2", "y"]


def test_a_file_with_errors_does_not_stop_the_others(run_cli: Run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    agency(data, "good-1.yaml", "甲县市场监督管理局")
    broken = EXAMPLE.read_text(encoding="utf-8").replace("总计: 28}", "总计: 29}", 1)
    agency(data, "bad.yaml", "乙县市场监督管理局", broken)
    agency(data, "good-2.yaml", "丙县市场监督管理局")
    out = tmp_path / "out"
    result = run_cli("render", "gov-disclosure-2021", str(data), "--out", str(out), "--to", "txt,docx")
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["good-1.docx", "good-1.txt", "good-2.docx", "good-2.txt"]
    assert "C401" in result.stdout and "R505" in result.stdout and str(data / "bad.yaml") in result.stdout
    assert f"{data / 'bad.yaml'}：" in result.stderr  # its summary line
    assert result.stderr.strip().splitlines()[-1] == (
        f"3 个数据文件：2 个已生成报告，写入 {out}（4 个文件）；1 个没有写出"
    )
    drafted = run_cli("render", "gov-disclosure-2021", str(data), "--out", str(out), "--to", "txt", "--draft")
    assert drafted.exit_code == 1  # errors, written as drafts
    assert (out / "bad.txt").is_file()


def test_an_unreadable_file_is_exit_2_and_the_others_are_written(run_cli: Run, tmp_path: Path) -> None:
    good = agency(tmp_path, "good.yaml", "甲县市场监督管理局")
    out = tmp_path / "out"
    result = run_cli("render", "gov-disclosure-2021", str(good), str(tmp_path / "missing.yaml"), "--out", str(out))
    assert result.exit_code == 2
    assert "F001" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["good.docx", "good.html", "good.txt"]


def test_no_progress_bar_when_stderr_is_not_a_terminal(run_cli: Run, tmp_path: Path) -> None:
    for k in range(3):
        agency(tmp_path / "data", f"r{k}.yaml", f"第{k}县市场监督管理局")
    result = run_cli(
        "render", "gov-disclosure-2021", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--to", "txt"
    )
    assert result.exit_code == 0
    assert "正在生成" not in result.stderr and "\r" not in result.stderr and "[#" not in result.stderr
    assert result.stderr.strip().splitlines() == [f"3 个数据文件：3 个已生成报告，写入 {tmp_path / 'out'}（3 个文件）"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal")
def test_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    for k in range(2):
        agency(tmp_path / "data", f"r{k}.yaml", f"第{k}县市场监督管理局")
    main, follower = pty.openpty()
    command = [sys.executable, "-c", "from baobiao.cli import run; run()", "render", "gov-disclosure-2021"]
    command += [str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--to", "txt", "--jobs", "1"]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, cwd=ROOT) as process:
        os.close(follower)
        seen = b""
        while True:
            ready, _, _ = select.select([main], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            seen += chunk
        os.close(main)
        assert process.wait(60) == 0
    assert "正在生成".encode() in seen and b"100%" in seen


def test_outputs_are_refused_before_any_work(run_cli: Run, tmp_path: Path) -> None:
    one = agency(tmp_path / "data", "one.yaml", "甲县市场监督管理局")
    two = agency(tmp_path / "data", "two.yaml", "乙县市场监督管理局")
    out = tmp_path / "out"
    out.mkdir()
    os.link(two, out / "one.txt")  # one's text output is two's data file under another name
    result = run_cli("render", "gov-disclosure-2021", str(one), str(two), "--out", str(out), "--to", "txt,html")
    assert result.exit_code == 2
    assert "F006" in result.stdout and str(two) in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["one.txt"]  # nothing rendered
    as_folder = run_cli("render", "gov-disclosure-2021", str(one), str(two), "--out", str(two))
    assert as_folder.exit_code == 2 and "F00" in as_folder.stdout


def test_previous_and_template_go_with_one_file(run_cli: Run, tmp_path: Path) -> None:
    one = agency(tmp_path, "one.yaml", "甲县市场监督管理局")
    two = agency(tmp_path, "two.yaml", "乙县市场监督管理局")
    result = run_cli(
        "render", "gov-disclosure-2021", str(one), str(two), "--previous", str(EXAMPLES["gov-disclosure-2021"])
    )
    assert result.exit_code == 2 and "--previous" in result.stderr


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    data = tmp_path_factory.mktemp("many")
    paths = [agency(data, f"r{k}.yaml", f"第{k}县市场监督管理局") for k in range(POOLED_FROM)]
    paths.append(agency(data, "x/r0.yaml", "另一个县市场监督管理局"))  # a name taken: r0-2
    return paths


@needs_fork
def test_workers_write_what_one_process_writes(many: list[Path], tmp_path: Path, deadline: None) -> None:
    form = load_spec("gov-disclosure-2021")
    assert form.form is not None
    done: dict[int, list[int]] = {1: [], 2: []}
    results = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs-{jobs}"
        results[jobs] = render_reports(
            form.form, many, form.report.sources, jobs=jobs, progress=done[jobs].append, out_dir=out
        )
        assert sum(done[jobs]) == len(many)
    for alone, shared in zip(results[1], results[2], strict=True):
        assert alone.report == shared.report
        assert [p.name for p in alone.written] == [p.name for p in shared.written]
        for a, b in zip(alone.written, shared.written, strict=True):
            if a.suffix == ".docx":
                assert members(a) == members(b)
            else:
                assert a.read_bytes() == b.read_bytes()
    assert [p.stem for p in results[2][-1].written] == ["r0-2"] * 3


def _render_or_die(form: object, path: Path, *args: object, **kwargs: object) -> object:
    """render_report, except that a worker given the file r3.yaml is killed as the system kills a
    process out of memory."""
    if path.name == "r3.yaml" and os.getpid() != _PARENT[0]:
        os.kill(os.getpid(), signal.SIGKILL)
    return _REAL[0](form, path, *args, **kwargs)


_PARENT: list[int] = []
_REAL: list[Callable[..., object]] = []


@needs_fork
def test_a_worker_that_dies_costs_its_file_a_finding(
    many: list[Path], tmp_path: Path, deadline: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    form = load_spec("gov-disclosure-2021")
    assert form.form is not None
    _PARENT[:], _REAL[:] = [os.getpid()], [pipeline.render_report]
    monkeypatch.setattr(pipeline, "render_report", _render_or_die)
    results = render_reports(form.form, many, form.report.sources, jobs=2, out_dir=tmp_path, targets=("txt",))
    for path, result in zip(many, results, strict=True):
        died = [d for d in result.report.diagnostics if d.code == "R518"]
        if path.name == "r3.yaml":
            assert len(died) == 1 and "SIGKILL" in str(died[0].args["cause"]) and not result.written
        else:
            assert not died and len(result.written) == 1, result.report.diagnostics


def test_zip_is_written_as_zipfile_writes_it() -> None:
    from baobiao.report.package import KEEP_FROM, zip_bytes

    members = [("[Content_Types].xml", b"<x/>"), ("word/big.xml", b"<a>" * KEEP_FROM), ("名字.txt", "数据".encode())]
    when = (2026, 12, 3, 20, 15, 33)
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            z.writestr(info, data)
    for _ in range(2):  # the large member deflated, then taken from what was kept
        assert zip_bytes(members, when) == expected.getvalue()
