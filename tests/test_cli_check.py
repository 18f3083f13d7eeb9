"""`baobiao check` on data files, as a user runs it: exit codes, human and JSON output, languages,
several files and folders, colour."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_2017, CliResult

Run = Callable[..., CliResult]

EXAMPLE_TEXT = EXAMPLE_2017.read_text(encoding="utf-8")
SPEC = "gov-disclosure-2017"
ANSI = "\x1b["
BAOBIAO = Path(sys.executable).parent / "baobiao"


def bad_text() -> str:
    assert EXAMPLE_TEXT.count("    3.网络申请数: 1") == 1
    return EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: 2")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    return write(tmp_path / "bad.yaml", bad_text())


def rule_findings(doc: dict[str, Any]) -> dict[str, Any]:
    """The JSON document without the likely-wrong-cell advice (C410, tested in test_locate.py)."""
    for file in doc["files"]:
        file["diagnostics"] = [d for d in file["diagnostics"] if d["code"] != "C410"]
    return doc


def test_example_exits_zero(run_cli: Run) -> None:
    result = run_cli("check", SPEC, str(EXAMPLE_2017))
    assert result.exit_code == 0
    assert result.stdout.strip() == ""
    assert str(EXAMPLE_2017) in result.stderr
    assert "通过校验" in result.stderr


def test_example_by_spec_path_exits_zero(run_cli: Run) -> None:
    spec = Path(__file__).resolve().parents[1] / "specs" / "gov-disclosure-2017.spec"
    assert run_cli("check", str(spec), str(EXAMPLE_2017)).exit_code == 0


def test_sum_mismatch_human_output(run_cli: Run, bad_file: Path) -> None:
    result = run_cli("check", SPEC, str(bad_file))
    assert result.exit_code == 1
    out = result.stdout
    assert "错误[C401]" in out
    assert "网络申请数" in out
    assert "收到申请数" in out
    assert "报告值 1" in out and "各项合计 2" in out
    assert f"{bad_file}:30:15" in out
    # the changed cell is listed with its id and its value
    assert "3.网络申请数 [online] = 2" in out
    assert "（一）收到申请数 [received] = 1" in out
    # the excerpt shows the line as written
    assert "33 |     3.网络申请数: 2" in out
    assert "received.sum" in out
    assert "1 个错误，0 个警告" in result.stderr


def test_sum_mismatch_json(run_cli: Run, bad_file: Path) -> None:
    result = run_cli("check", SPEC, str(bad_file), "--format", "json")
    assert result.exit_code == 1
    doc = rule_findings(json.loads(result.stdout))
    assert doc["schema_version"] == 1
    assert doc["summary"] == {"files": 1, "files_with_errors": 1, "errors": 1, "warnings": 0}
    [file] = doc["files"]
    assert file["path"] == str(bad_file)
    assert (file["errors"], file["warnings"]) == (1, 0)
    [d] = file["diagnostics"]
    assert d["code"] == "C401"
    assert d["severity"] == "error"
    assert "报告值 1" in d["message"]
    assert d["rule"]["id"] == "received.sum"
    assert d["rule"]["kind"] == "sum"
    cells = {c["id"]: c for c in d["cells"]}
    assert cells["received"]["label"] == "（一）收到申请数"
    assert cells["received"]["value"] == "1"
    assert cells["online"]["label"] == "3.网络申请数"
    assert cells["online"]["value"] == "2"
    assert cells["online"]["path"] == "三、依申请公开情况 > （一）收到申请数 > 3.网络申请数"
    assert cells["online"]["location"]["line"] == 33
    assert d["comparison"] == {"left": "1", "right": "2", "difference": "-1", "operator": "=", "bounded": False}
    assert d["location"]["line"] == 30 and d["location"]["column"] == 15
    assert d["data_path"] == "$.values.三、依申请公开情况.（一）收到申请数"


def test_clean_file_json(run_cli: Run) -> None:
    result = run_cli("check", SPEC, str(EXAMPLE_2017), "--format", "json", "--lang", "en")
    assert result.exit_code == 0
    doc = rule_findings(json.loads(result.stdout))
    assert doc["schema_version"] == 1
    assert doc["lang"] == "en"
    assert doc["files"][0]["diagnostics"] == []
    assert doc["summary"]["errors"] == 0


def test_json_output_is_only_json_on_stdout(run_cli: Run, tmp_path: Path, bad_file: Path) -> None:
    warn = write(tmp_path / "warn.yaml", EXAMPLE_TEXT.replace("year: 2017", "year: 2019"))
    result = run_cli("check", SPEC, str(bad_file), str(warn), str(EXAMPLE_2017), "--format", "json")
    assert result.exit_code == 1
    doc = rule_findings(json.loads(result.stdout))
    assert [f["path"] for f in doc["files"]] == [str(bad_file), str(warn), str(EXAMPLE_2017)]
    assert [f["diagnostics"][0]["code"] if f["diagnostics"] else None for f in doc["files"]] == [
        "C401",
        "D313",
        None,
    ]
    assert doc["summary"] == {"files": 3, "files_with_errors": 1, "errors": 1, "warnings": 1}


def test_english_messages(run_cli: Run, bad_file: Path) -> None:
    result = run_cli("check", SPEC, str(bad_file), "--lang", "en")
    assert result.exit_code == 1
    out = result.stdout
    assert "error[C401]" in out
    assert "should equal the sum of its 5 parts: reported 1, parts add up to 2, difference 1" in out
    assert "= hint:" in out
    assert "= cells:" in out
    for zh in ("错误", "报告值", "各项合计", "提示", "涉及栏目"):
        assert zh not in out
    assert "1 error(s), 0 warning(s)" in result.stderr


def test_english_json_messages(run_cli: Run, bad_file: Path) -> None:
    doc = rule_findings(json.loads(run_cli("check", SPEC, str(bad_file), "--format", "json", "--lang", "en").stdout))
    d = doc["files"][0]["diagnostics"][0]
    assert d["message"].startswith("（一）收到申请数 should equal the sum")
    assert d["hint"] == "check the total and its parts: at least one of them is wrong."


def test_several_files(run_cli: Run, tmp_path: Path, bad_file: Path) -> None:
    good = write(tmp_path / "good.yaml", EXAMPLE_TEXT)
    result = run_cli("check", SPEC, str(good), str(bad_file), str(EXAMPLE_2017))
    assert result.exit_code == 1
    err = result.stderr
    assert f"{good}：通过校验" in err
    assert f"{bad_file}：1 个错误，0 个警告" in err
    assert f"{EXAMPLE_2017}：通过校验" in err
    assert "共 3 个文件，1 个有错误" in err
    assert result.stdout.count("[C401]") == 1
    assert str(bad_file) in result.stdout


def test_several_clean_files_exit_zero(run_cli: Run, tmp_path: Path) -> None:
    one = write(tmp_path / "one.yaml", EXAMPLE_TEXT)
    two = write(tmp_path / "two.yaml", EXAMPLE_TEXT)
    result = run_cli("check", SPEC, str(one), str(two), "--lang", "en")
    assert result.exit_code == 0
    assert f"{one}: no problems found" in result.stderr
    assert f"{two}: no problems found" in result.stderr
    assert "2 files, 0 with errors" in result.stderr


def test_a_directory_of_files(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    a = write(folder / "a.yaml", EXAMPLE_TEXT)
    b = write(folder / "sub" / "b.yml", bad_text())
    c = write(folder / "sub" / "deeper" / "c.yaml", EXAMPLE_TEXT)
    write(folder / "notes.txt", "not a data file: {[")
    write(folder / "README.md", "# not data")
    result = run_cli("check", SPEC, str(folder))
    assert result.exit_code == 1
    err = result.stderr
    for path in (a, b, c):
        assert str(path) in err
    assert f"{b}：1 个错误" in err
    assert "notes.txt" not in err + result.stdout
    assert "README.md" not in err + result.stdout
    assert "共 3 个文件，1 个有错误" in err


def test_a_directory_of_clean_files_exits_zero(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    write(folder / "a.yaml", EXAMPLE_TEXT)
    write(folder / "b.yaml", EXAMPLE_TEXT)
    assert run_cli("check", SPEC, str(folder)).exit_code == 0


def test_an_empty_directory_is_a_usage_error(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("check", SPEC, str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "没有找到数据文件" in result.stderr


def test_unreadable_file_among_others_exits_two(run_cli: Run, tmp_path: Path, bad_file: Path) -> None:
    result = run_cli("check", SPEC, str(bad_file), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert "[F001]" in result.stdout
    assert "[C401]" in result.stdout  # the readable file is still checked


def test_unknown_spec_exits_two(run_cli: Run) -> None:
    result = run_cli("check", "gov-disclosure-1999", str(EXAMPLE_2017))
    assert result.exit_code == 2
    assert "[F005]" in result.stdout


@pytest.mark.parametrize("fmt", ["human", "json"])
def test_no_ansi_escapes_when_not_a_terminal(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, bad_file: Path, fmt: str
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = run_cli("check", SPEC, str(bad_file), "--format", fmt)
    assert result.exit_code == 1
    assert ANSI not in result.stdout
    assert ANSI not in result.stderr


def test_no_ansi_escapes_with_no_color(run_cli: Run, monkeypatch: pytest.MonkeyPatch, bad_file: Path) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    result = run_cli("check", SPEC, str(bad_file))
    assert result.exit_code == 1
    assert ANSI not in result.stdout + result.stderr


def _run_on_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run the installed script with stdout on a pseudo-terminal; returns (exit code, output)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        args, stdout=follower, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, cwd=cwd
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not BAOBIAO.exists(), reason="the baobiao script is not installed next to python")
def test_colour_on_a_terminal_and_none_with_no_color(tmp_path: Path, bad_file: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm"
    args = [str(BAOBIAO), "check", SPEC, str(bad_file)]
    code, out = _run_on_terminal(args, env, tmp_path)
    assert code == 1
    assert "[C401]" in out
    assert ANSI in out  # on a terminal there is colour, so the check below can fail
    code, out = _run_on_terminal(args, {**env, "NO_COLOR": "1"}, tmp_path)
    assert code == 1
    assert "[C401]" in out
    assert ANSI not in out


@pytest.mark.skipif(not BAOBIAO.exists(), reason="the baobiao script is not installed next to python")
def test_installed_script_from_another_directory(tmp_path: Path) -> None:
    workdir = tmp_path / "elsewhere"
    (workdir / "examples").mkdir(parents=True)
    shutil.copy(EXAMPLE_2017, workdir / "examples" / "shandong-fao-2017.yaml")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PYTHONPATH")}
    proc = subprocess.run(
        [str(BAOBIAO), "check", SPEC, "examples/shandong-fao-2017.yaml"],
        cwd=workdir,
        env=env,
        capture_output=True,
        timeout=120,
    )
    stdout, stderr = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    assert proc.returncode == 0, stdout + stderr
    assert "Traceback" not in stderr
    assert "examples/shandong-fao-2017.yaml：通过校验" in stderr


@pytest.mark.skipif(not BAOBIAO.exists(), reason="the baobiao script is not installed next to python")
def test_installed_script_reports_errors_with_exit_one(tmp_path: Path) -> None:
    write(tmp_path / "bad.yaml", bad_text())
    proc = subprocess.run(
        [str(BAOBIAO), "check", SPEC, "bad.yaml", "--lang", "en"], cwd=tmp_path, capture_output=True, timeout=120
    )
    assert proc.returncode == 1
    out = proc.stdout.decode("utf-8")
    assert "error[C401]" in out
    assert "bad.yaml:30:15" in out
    assert ANSI not in out
