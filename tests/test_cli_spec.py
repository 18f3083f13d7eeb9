"""The command line on specs: errors in a spec, unknown forms, `fmt` and `explain`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE_2017, CliResult

from baobiao.diagnostics.codes import CODES
from baobiao.model import Form
from baobiao.pipeline import compile_source
from baobiao.source import Source

Run = Callable[..., CliResult]

H = 'form a-b "t"\n'

# (case id, spec text, code, line, column)
SPEC_ERRORS = [
    ("syntax-error", H + 'section s "t" 件\n', "S101", 2, 15),
    ("unknown-name", H + 'x "t" 件\nrule r "d"\n  x >= recieved\n', "S201", 4, 8),
    ("duplicate-id", H + 'x "t" 件\nx "u" 件\n', "S202", 3, 1),
]


def write_spec(tmp_path: Path, text: str, name: str = "my.spec") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "code", "line", "column"), [c[1:] for c in SPEC_ERRORS], ids=[c[0] for c in SPEC_ERRORS]
)
def test_check_with_broken_spec_points_at_the_error_in_chinese(
    run_cli: Run, tmp_path: Path, text: str, code: str, line: int, column: int
) -> None:
    spec = write_spec(tmp_path, text)
    result = run_cli("check", str(spec), str(EXAMPLE_2017))
    assert result.exit_code == 2
    assert f"[{code}]" in result.stdout
    assert f"{spec}:{line}:{column}" in result.stdout
    assert "= 提示:" in result.stdout
    assert "错误[" in result.stdout


@pytest.mark.parametrize(
    ("text", "code", "line", "column"), [c[1:] for c in SPEC_ERRORS], ids=[c[0] for c in SPEC_ERRORS]
)
def test_check_with_broken_spec_points_at_the_error_in_english(
    run_cli: Run, tmp_path: Path, text: str, code: str, line: int, column: int
) -> None:
    spec = write_spec(tmp_path, text)
    result = run_cli("check", str(spec), str(EXAMPLE_2017), "--lang", "en")
    assert result.exit_code == 2
    assert f"error[{code}]" in result.stdout
    assert f"{spec}:{line}:{column}" in result.stdout
    assert "= hint:" in result.stdout
    assert "提示" not in result.stdout


def test_unknown_name_in_cli_output_suggests_the_id(run_cli: Run, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, H + 'received "收到" 件\nclosed "办结" 件\nrule r "d"\n  closed <= recieved\n')
    result = run_cli("check", str(spec), str(EXAMPLE_2017), "--lang", "en")
    assert result.exit_code == 2
    hint_line = next(line for line in result.stdout.splitlines() if "= hint:" in line)
    assert "did you mean" in hint_line
    assert "received" in hint_line


@pytest.mark.parametrize(
    ("text", "code", "line", "column"), [c[1:] for c in SPEC_ERRORS], ids=[c[0] for c in SPEC_ERRORS]
)
def test_check_json_output_for_spec_error(
    run_cli: Run, tmp_path: Path, text: str, code: str, line: int, column: int
) -> None:
    spec = write_spec(tmp_path, text)
    result = run_cli("check", str(spec), str(EXAMPLE_2017), "--format", "json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    diagnostics = [d for f in doc["files"] for d in f["diagnostics"]]
    assert [d["code"] for d in diagnostics] == [code]
    (d,) = diagnostics
    assert d["name"] == CODES[code].name
    assert d["severity"] == "error"
    assert (d["location"]["file"], d["location"]["line"], d["location"]["column"]) == (str(spec), line, column)
    assert d["hint"]
    assert doc["summary"]["errors"] == 1


def test_check_unknown_form_lists_builtin_forms(run_cli: Run) -> None:
    result = run_cli("check", "no-such-form", "x.yaml")
    assert result.exit_code == 2
    assert "F005" in result.stdout
    assert "no-such-form" in result.stdout
    assert "gov-disclosure-2017" in result.stdout


def test_check_unknown_form_in_english_json(run_cli: Run) -> None:
    result = run_cli("check", "no-such-form", "x.yaml", "--format", "json", "--lang", "en")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    (d,) = doc["files"][0]["diagnostics"]
    assert d["code"] == "F005"
    assert "gov-disclosure-2017" in d["hint"]


# -- fmt --------------------------------------------------------------------------------------


def compile_text(text: str, name: str = "fmt.spec") -> Form:
    result = compile_source(Source(name, text))
    assert result.form is not None, [d.code for d in result.report.diagnostics]
    return result.form


def test_fmt_builtin_compiles_to_the_same_form(run_cli: Run, form2017: Form) -> None:
    result = run_cli("fmt", "gov-disclosure-2017")
    assert result.exit_code == 0
    assert compile_text(result.stdout) == form2017


def test_fmt_is_idempotent(run_cli: Run, tmp_path: Path) -> None:
    once = run_cli("fmt", "gov-disclosure-2017")
    assert once.exit_code == 0
    twice = run_cli("fmt", str(write_spec(tmp_path, once.stdout, "once.spec")))
    assert twice.exit_code == 0
    assert twice.stdout == once.stdout


def test_fmt_keeps_the_comments_of_the_builtin_spec(run_cli: Run) -> None:
    from baobiao.resources import builtin_specs

    original = builtin_specs()["gov-disclosure-2017"].read_text(encoding="utf-8")
    comments = [line.strip() for line in original.splitlines() if line.strip().startswith("#")]
    assert comments  # the built-in spec opens with three comment lines
    out = run_cli("fmt", "gov-disclosure-2017").stdout
    out_comments = [line.strip() for line in out.splitlines() if line.strip().startswith("#")]
    assert out_comments == comments


MESSY = (
    "# top of file\n"
    'form  a-b   "表"   # after the header\n'
    '  version "1"\n'
    "\n"
    "# before received\n"
    'received "收到" 件  =  sum   # trailing on received\n'
    "    # inside received\n"
    '    in_person "当面" 件\n'
    '    online "网络" 件\n'
    'rule r warning "说明 # not a comment"   # on the rule\n'
    "  # before the body\n"
    "  online<=received  # on the body\n"
    "# at the end\n"
)


def test_fmt_preserves_comments_in_place(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("fmt", str(write_spec(tmp_path, MESSY)))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()

    def at(fragment: str) -> int:
        (index,) = [i for i, line in enumerate(lines) if fragment in line]
        return index

    assert at("# top of file") < at("form a-b")
    assert lines[at("form a-b")].endswith("# after the header")
    assert at("# before received") < at('received "收到"')
    assert lines[at('received "收到"')].endswith("# trailing on received")
    assert at('received "收到"') < at("# inside received") < at('in_person "当面"')
    assert lines[at("rule r warning")].endswith("# on the rule")
    assert at("rule r warning") < at("# before the body") < at("online <= received")
    assert lines[at("online <= received")].endswith("# on the body")
    assert at("# at the end") == len(lines) - 1
    assert '"说明 # not a comment"' in lines[at("rule r warning")]
    # the formatted text means the same as the messy one, and formatting it again changes nothing
    assert compile_text(result.stdout) == compile_text(MESSY, "messy.spec")
    again = run_cli("fmt", str(write_spec(tmp_path, result.stdout, "again.spec")))
    assert again.stdout == result.stdout


def test_fmt_of_broken_spec_exits_2_and_prints_nothing_to_format(run_cli: Run, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, H + "x 件\n")
    result = run_cli("fmt", str(spec))
    assert result.exit_code == 2
    assert f"{spec}:2:3" in result.stdout
    assert "form a-b" not in result.stdout


# -- explain ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["C401", "sum-mismatch", "c401", "Sum-Mismatch"])
def test_explain_by_code_or_name(run_cli: Run, key: str) -> None:
    result = run_cli("explain", key)
    assert result.exit_code == 0
    assert result.stdout.startswith("C401 sum-mismatch")
    assert CODES["C401"].explain["zh"] in result.stdout


def test_explain_unknown_code_exits_2(run_cli: Run) -> None:
    result = run_cli("explain", "X999")
    assert result.exit_code == 2
    assert "X999" in result.stderr
    assert "C401" in result.stderr  # the known codes are listed
    assert result.stdout == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_can_be_explained(run_cli: Run, code: str, lang: str) -> None:
    info = CODES[code]
    result = run_cli("explain", code, "--lang", lang)
    assert result.exit_code == 0
    first = result.stdout.splitlines()[0]
    assert re.match(rf"{code} {re.escape(info.name)} \(", first)
    assert info.explain[lang] in result.stdout
    assert info.message[lang] in result.stdout
    assert info.hint[lang] in result.stdout
