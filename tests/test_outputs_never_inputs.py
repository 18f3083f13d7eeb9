"""No output path of any command can overwrite an input, write into a device or a pipe, or end in
a traceback (issue 14, item 7; baobiao.outputs).

One table: every command that writes, with its output option aimed at each of its inputs (by
path, through a symbolic link, through a hard link), at devices (/dev/null, a link to it, a link
to /dev/stdout), at a FIFO, at a folder where a file is wanted (a file where render wants a
folder), into a missing folder and into a read-only one, and, for a target that would be fine, a
full disk. Each must exit 2 with its diagnostic (code, path, hint) and leave every file of the
workspace as it was: same bytes, same mtime, no new file, no temporary file left behind.
Diagnostics go to stdout like every other diagnostic of baobiao (the CLI's convention);
progress and summaries go to stderr."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, CliResult

Run = Callable[..., CliResult]
EXAMPLES = ROOT / "examples"
SPECS = ROOT / "specs"


@dataclass(frozen=True)
class Command:
    name: str
    args: Callable[[str], list[str]]  # the command line, given the output path
    inputs: tuple[Path, ...]  # what it reads, each a target of its own
    folder: bool = False  # render: --out is a folder
    xlsx: bool = False  # workbook: -o must end in .xlsx


def _workspace(tmp: Path) -> dict[str, Path]:
    ws = tmp / "ws"
    (ws / "batch").mkdir(parents=True)
    (ws / "templates").mkdir()
    (ws / "fuzz-templates").mkdir()
    (ws / "folder.xlsx").mkdir()  # a folder where a file is wanted
    (ws / "empty").mkdir()  # where a full disk is simulated
    seed = EXAMPLES / "shandong-fao-2017.yaml"
    spec2017 = (SPECS / "gov-disclosure-2017.spec").read_text(encoding="utf-8")
    base = (SPECS / "gov-disclosure-2019.spec").read_text(encoding="utf-8")
    form2021 = (SPECS / "gov-disclosure-2021.spec").read_text(encoding="utf-8")
    assert "\n  extends gov-disclosure-2019\n" in form2021
    files = {
        "spec2017": ws / "spec2017.spec",
        "data_txt": ws / "data.txt",  # the 2017 spec again, named as render's text output of data.yaml
        "wb_spec": ws / "wb.xlsx",  # the 2017 spec again, named as workbook's output must be
        "base2019": ws / "base2019.spec",
        "form2021": ws / "form2021.spec",  # extends "base2019.spec": the base is an input too
        "data": ws / "data.yaml",
        "previous": ws / "previous.yaml",
        "a": ws / "batch" / "a.yaml",
        "b": ws / "batch" / "b.yaml",
        "old2019": ws / "old2019.yaml",
        "csv": ws / "agencies.csv",
        "template": ws / "templates" / "data.html",  # named as render's HTML output of data.yaml
        "broken": ws / "fuzz-templates" / "report.txt.j2",  # fails at once: fuzz has something to save
        "plain": ws / "notes.md",  # a regular file that is no input
        "report": ws / "report.html",  # a published report, for audit
    }
    for key in ("spec2017", "data_txt", "wb_spec"):
        files[key].write_text(spec2017, encoding="utf-8")
    files["base2019"].write_text(base, encoding="utf-8")
    files["form2021"].write_text(
        form2021.replace("\n  extends gov-disclosure-2019\n", '\n  extends "base2019.spec"\n'), encoding="utf-8"
    )
    for key in ("data", "previous", "a", "b"):
        files[key].write_bytes(seed.read_bytes())
    files["old2019"].write_bytes((EXAMPLES / "county-dept-2020.yaml").read_bytes())
    files["csv"].write_text("agency,row,column,value\n甲局,new,natural,1\n", encoding="utf-8")
    files["template"].write_text("<p>not a template, but a file of the template folder</p>\n", encoding="utf-8")
    # fails on the first instance generated (all zeros), but not on every instance: fuzz saves one (a
    # template that fails whatever the data is reported without an instance)
    nonzero = 'values.values() | reject("in", ["0", "0.00"]) | list'
    broken = "{% if " + nonzero + " %}ok{% else %}{{ no_such_variable }}{% endif %}"
    files["broken"].write_text(broken + "\n", encoding="utf-8")
    files["plain"].write_text("notes\n", encoding="utf-8")
    published = EXAMPLES.parent / "tests" / "data" / "published"
    files["report"].write_bytes((published / "city-office-2021.html").read_bytes())
    os.mkfifo(ws / "fifo.xlsx")
    (ws / "null.xlsx").symlink_to("/dev/null")
    (ws / "stdout.xlsx").symlink_to("/dev/stdout")
    (ws / "to-ws").symlink_to(ws, target_is_directory=True)
    return files


def _read_only_folder(tmp: Path) -> Path | None:
    """A folder no file can be created in: mode 0o555, or, where permissions do not bind (root),
    /sys, which refuses new files to everyone. None when neither holds."""
    ro = tmp / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    if not os.access(ro, os.W_OK):
        return ro
    try:
        fd, name = tempfile.mkstemp(dir="/sys")
    except OSError:
        return Path("/sys")
    os.close(fd)
    os.unlink(name)
    return None


def _snapshot(root: Path) -> dict[str, object]:
    """Every entry under ``root``: regular files by bytes and mtime, links by target, others by type."""
    seen: dict[str, object] = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(folder) / name
            info = path.lstat()
            key = str(path.relative_to(root))
            if stat.S_ISREG(info.st_mode):
                seen[key] = (path.read_bytes(), info.st_mtime_ns)
            elif stat.S_ISLNK(info.st_mode):
                seen[key] = os.readlink(path)
            else:
                seen[key] = stat.S_IFMT(info.st_mode)
    return seen


def _commands(f: dict[str, Path]) -> list[Command]:
    ws = f["data"].parent
    return [
        Command(
            "check",
            lambda t: ["check", str(f["spec2017"]), str(f["data"]), "--previous", str(f["previous"]), "--jsonl", t],
            (f["spec2017"], f["data"], f["previous"]),
        ),
        Command(
            "check-folder",
            lambda t: ["check", str(f["spec2017"]), str(ws / "batch"), "--jsonl", t],
            (f["spec2017"], f["a"], f["b"]),
        ),
        Command(
            "check-csv",
            lambda t: ["check", str(f["form2021"]), str(f["csv"]), "--jsonl", t],
            (f["form2021"], f["base2019"], f["csv"]),
        ),
        Command(
            "render",
            lambda t: ["render", str(f["data_txt"]), str(f["data"]), "--templates", str(ws / "templates"), "--out", t],
            (f["data_txt"], f["data"], f["template"]),
            folder=True,
        ),
        Command("workbook", lambda t: ["workbook", str(f["wb_spec"]), "-o", t], (f["wb_spec"],), xlsx=True),
        Command(
            "aggregate",
            lambda t: ["aggregate", str(f["spec2017"]), str(ws / "batch"), str(f["data"]), "-o", t],
            (f["spec2017"], f["a"], f["b"], f["data"]),
        ),
        Command(
            "migrate",
            lambda t: ["migrate", str(f["base2019"]), str(f["form2021"]), str(f["old2019"]), "-o", t],
            (f["base2019"], f["form2021"], f["old2019"]),
        ),
        Command("audit", lambda t: ["audit", str(f["report"]), "--summary", t], (f["report"],)),
        Command(
            "fuzz",
            lambda t: [
                *("fuzz", str(f["spec2017"]), "--templates", str(ws / "fuzz-templates"), "-n", "1", "--to", "txt"),
                *("--out", t),
            ],
            (f["spec2017"], f["broken"]),
        ),
    ]


def _targets(command: Command, f: dict[str, Path], ro: Path | None) -> list[tuple[Path, str, str]]:
    """(output path, expected code, what the reason must say) for one command."""
    ws = f["data"].parent
    out: list[tuple[Path, str, str]] = [(p, "F006", "输入文件从不被覆盖") for p in command.inputs]
    first = command.inputs[0]
    link, hard = ws / f"link-{command.name}{first.suffix}", ws / f"hard-{command.name}{first.suffix}"
    link.symlink_to(first)
    os.link(first, hard)
    out += [(link, "F006", "输入文件从不被覆盖"), (hard, "F006", "输入文件从不被覆盖")]
    out += [
        (ws / "null.xlsx", "F007", "字符设备"),
        (ws / "stdout.xlsx", "F007", "/dev/stdout"),
        (ws / "fifo.xlsx", "F007", "管道"),
    ]
    if command.folder:  # files of the inputs' folders would be overwritten; a file is no folder
        out += [
            (ws, "F006", "输入文件从不被覆盖"),  # data.txt (the spec)
            (ws / "to-ws", "F006", "输入文件从不被覆盖"),
            (ws / "templates", "F006", "输入文件从不被覆盖"),  # data.html
            (Path("/dev/null"), "F007", "字符设备"),
            (f["plain"], "F007", "普通文件"),
            (f["data"] / "out", "F006", "不是目录"),  # a missing folder that cannot be made
        ]
    else:
        out += [(ws / "folder.xlsx", "F007", "目录"), (ws / "missing" / "out.xlsx", "F006", "不存在")]
        if not command.xlsx:
            out.append((Path("/dev/null"), "F007", "字符设备"))
    if ro is not None:
        out.append((ro / "out.xlsx", "F006", "权限"))
    return out


def test_no_output_overwrites_an_input_or_a_device_and_failures_are_diagnostics(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _workspace(tmp_path)
    ro = _read_only_folder(tmp_path)
    ws = files["data"].parent
    commands = _commands(files)
    cases = [(c, target, code, why, False) for c in commands for target, code, why in _targets(c, files, ro)]
    empty = ws / "empty"
    cases += [  # a target that would be fine, on a full disk
        (c, empty if c.folder else empty / "out.xlsx", "F006", "磁盘已满", True) for c in commands
    ]
    before = _snapshot(ws)

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    failures = []
    try:
        for command, target, code, why, fault in cases:
            with monkeypatch.context() as patch:
                if fault:
                    patch.setattr(os, "fsync", full_disk)
                result = run_cli(*command.args(str(target)))
            shown = f"{command.name} -> {target}: exit {result.exit_code}\n{result.stdout}{result.stderr}"
            if (
                result.exit_code != 2
                or f"[{code}]" not in result.stdout
                or f"无法写入 {target}" not in result.stdout  # render: a file in the --out folder
                or why not in result.stdout
                or "提示:" not in result.stdout
                or "内部错误" in result.stderr
            ):
                failures.append(shown)
            if _snapshot(ws) != before:
                failures.append(f"{shown}\nthe workspace changed")
                before = _snapshot(ws)
    finally:
        if ro is not None and ro.is_relative_to(tmp_path):
            ro.chmod(0o755)
    assert not failures, "\n\n".join(failures)
    assert len(cases) >= 90  # the table is not empty by mistake
