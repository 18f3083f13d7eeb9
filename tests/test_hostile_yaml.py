"""Hostile or broken data files: each ends in a diagnostic, never in a traceback, an executed
tag or an exhausted stack. Sizes are bounded by construction (the input limit is 8 MiB)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE_2017, CliResult

from baobiao.diagnostics.render import message
from baobiao.model import Form
from baobiao.pipeline import DataResult, check_data
from baobiao.source import MAX_INPUT_BYTES

Run = Callable[..., CliResult]

EXAMPLE_TEXT = EXAMPLE_2017.read_text(encoding="utf-8")
META = "meta:\n  agency: 测试机关\n  year: 2017\n  form: gov-disclosure-2017\n"

LAUGHS = (
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
)


def write(tmp_path: Path, data: str | bytes, name: str = "hostile.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def check_bytes(form: Form, tmp_path: Path, data: str | bytes) -> DataResult:
    return check_data(form, write(tmp_path, data), {})


def codes(result: DataResult) -> list[str]:
    return [d.code for d in result.report.diagnostics]


def error_codes(result: DataResult) -> list[str]:
    """Codes of the errors (metadata warnings about a sparse test file are left out)."""
    return [d.code for d in result.report.diagnostics if d.severity.value == "error"]


def test_billion_laughs(form2017: Form, tmp_path: Path) -> None:
    result = check_bytes(form2017, tmp_path, LAUGHS)
    assert codes(result) == ["D302"]
    assert result.instance is None
    d = result.report.diagnostics[0]
    assert d.span is not None and (d.span.line, d.span.column) == (1, 4)


def test_billion_laughs_inside_values(form2017: Form, tmp_path: Path) -> None:
    text = META + "values:\n" + "".join("  " + line for line in LAUGHS.splitlines(keepends=True))
    assert codes(check_bytes(form2017, tmp_path, text)) == ["D302"]


def test_alias_without_anchor(form2017: Form, tmp_path: Path) -> None:
    # an alias to an undefined anchor is a YAML error, not a crash
    text = META + "values:\n  online: *nowhere\n"
    result = check_bytes(form2017, tmp_path, text)
    assert codes(result) in (["D301"], ["D302"])


def test_anchor_alone(form2017: Form, tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: &n 1")
    result = check_bytes(form2017, tmp_path, text)
    assert codes(result) == ["D302"]
    d = result.report.diagnostics[0]
    assert "&" in message(d, "en")
    assert d.span is not None and d.span.line == 33


def test_anchor_alone_through_cli(run_cli: Run, tmp_path: Path) -> None:
    path = write(tmp_path, EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: &n 1"))
    result = run_cli("check", "gov-disclosure-2017", str(path))
    assert result.exit_code == 1
    assert "[D302]" in result.stdout


PYTHON_TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    "!!python/name:os.system",
    "!!python/object/new:type ['x', [], {{}}]",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS, ids=["apply-os.system", "apply-check_call", "name", "object-new"])
def test_python_tag_as_a_value_is_not_run(form2017: Form, tmp_path: Path, run_cli: Run, tag: str) -> None:
    marker = tmp_path / "executed"
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: " + tag.format(marker=marker))
    path = write(tmp_path, text)
    result = check_data(form2017, path, {})
    assert error_codes(result), "a Python tag must not pass as a clean file"
    assert run_cli("check", "gov-disclosure-2017", str(path)).exit_code == 1
    assert not marker.exists()


@pytest.mark.parametrize("tag", PYTHON_TAGS, ids=["apply-os.system", "apply-check_call", "name", "object-new"])
def test_python_tag_as_a_value_is_refused_as_unsupported(form2017: Form, tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "executed"
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: " + tag.format(marker=marker))
    result = check_bytes(form2017, tmp_path, text)
    assert codes(result) == ["D302"]
    d = result.report.diagnostics[0]
    assert "python" in message(d, "en")
    assert d.span is not None and d.span.line == 33


def test_python_tag_as_the_whole_document_is_not_run(run_cli: Run, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    path = write(tmp_path, f'!!python/object/apply:os.system ["touch {marker}"]\n')
    result = run_cli("check", "gov-disclosure-2017", str(path))
    assert result.exit_code == 1
    assert not marker.exists()


def test_python_tag_as_the_whole_document_is_refused_as_unsupported(run_cli: Run, tmp_path: Path) -> None:
    path = write(tmp_path, '!!python/object/apply:os.system ["echo hi"]\n')
    result = run_cli("check", "gov-disclosure-2017", str(path))
    assert result.exit_code == 1
    assert "[D302]" in result.stdout


def test_echo_tag_through_cli_is_refused(run_cli: Run, tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", '    3.网络申请数: !!python/object/apply:os.system ["echo hi"]')
    result = run_cli("check", "gov-disclosure-2017", str(write(tmp_path, text)))
    assert result.exit_code == 1
    assert "[D302]" in result.stdout


@pytest.mark.parametrize("tag", ["!custom 1", "!<tag:example.com,2000:cell> 1", "!python/object:os.system 1"])
def test_local_and_foreign_tags_are_refused(form2017: Form, tmp_path: Path, tag: str) -> None:
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: " + tag)
    assert codes(check_bytes(form2017, tmp_path, text)) == ["D302"]


def test_100000_open_brackets(form2017: Form, tmp_path: Path, run_cli: Run) -> None:
    path = write(tmp_path, "[" * 100_000)
    result = check_data(form2017, path, {})
    assert codes(result) in (["D303"], ["D301"])
    cli = run_cli("check", "gov-disclosure-2017", str(path))  # a RecursionError would be raised here
    assert cli.exit_code == 1


def test_100000_balanced_brackets_inside_values(form2017: Form, tmp_path: Path) -> None:
    text = META + "values:\n  online: " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert codes(check_bytes(form2017, tmp_path, text)) in (["D303"], ["D301"])


def test_100000_open_braces(form2017: Form, tmp_path: Path) -> None:
    assert codes(check_bytes(form2017, tmp_path, "{a: " * 100_000)) in (["D303"], ["D301"])


def test_mapping_nested_50_levels(form2017: Form, tmp_path: Path) -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(50)) + "  " * 50 + "1\n"
    result = check_bytes(form2017, tmp_path, text)
    assert codes(result) == ["D303"]
    d = result.report.diagnostics[0]
    assert "16" in message(d, "en")
    assert d.span is not None and d.span.line <= 50


def test_mapping_nested_50_levels_under_values(form2017: Form, tmp_path: Path, run_cli: Run) -> None:
    text = (
        META + "values:\n" + "".join("  " * (i + 1) + f"一、主动公开情况{i}:\n" for i in range(50)) + "  " * 51 + "1\n"
    )
    path = write(tmp_path, text)
    assert codes(check_data(form2017, path, {})) == ["D303"]
    assert run_cli("check", "gov-disclosure-2017", str(path)).exit_code == 1


def test_five_megabyte_number(form2017: Form, tmp_path: Path) -> None:
    digits = "7" * 5_000_000
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: " + digits)
    result = check_bytes(form2017, tmp_path, text)
    # the unreadable cell leaves its sum open: received 1 = 0 + 0 + ? + 0 + 0 (so it should be 1)
    assert codes(result) == ["C405", "D309"]
    too_large = next(d for d in result.report.diagnostics if d.code == "D309")
    assert len(message(too_large, "zh")) < 200  # the number is quoted, shortened


def test_five_megabyte_number_through_cli(run_cli: Run, tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: " + "7" * 5_000_000)
    result = run_cli("check", "gov-disclosure-2017", "--format", "json", str(write(tmp_path, text)))
    assert result.exit_code == 1
    assert '"code": "D309"' in result.stdout
    assert len(result.stdout) < 10_000


def test_five_megabyte_number_human_output_is_not_megabytes(run_cli: Run, tmp_path: Path) -> None:
    """The message quotes 40 digits; the excerpt under it should not print the 5 MB line (and a
    5 MB row of carets) to the terminal."""
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", "    3.网络申请数: " + "7" * 5_000_000)
    result = run_cli("check", "gov-disclosure-2017", str(write(tmp_path, text)))
    assert result.exit_code == 1
    assert "[D309]" in result.stdout
    assert len(result.stdout) < 100_000


def test_nine_megabyte_file(form2017: Form, tmp_path: Path, run_cli: Run) -> None:
    size = 9 * 1024 * 1024
    assert size > MAX_INPUT_BYTES
    path = write(tmp_path, ("#" * 99 + "\n") * (size // 100))
    result = check_data(form2017, path, {})
    assert codes(result) == ["F003"]
    assert str(path.stat().st_size) in message(result.report.diagnostics[0], "en")
    cli = run_cli("check", "gov-disclosure-2017", str(path))
    assert cli.exit_code == 2
    assert "[F003]" in cli.stdout


def test_multiple_documents(form2017: Form, tmp_path: Path) -> None:
    text = EXAMPLE_TEXT + "---\n" + EXAMPLE_TEXT
    result = check_bytes(form2017, tmp_path, text)
    assert codes(result) == ["D304"]
    d = result.report.diagnostics[0]
    assert "---" in message(d, "zh")
    assert d.span is not None and d.span.line == EXAMPLE_TEXT.count("\n") + 1


def test_explicit_single_document_is_fine(form2017: Form, tmp_path: Path) -> None:
    result = check_bytes(form2017, tmp_path, "---\n" + EXAMPLE_TEXT + "...\n")
    assert codes(result) == []


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 16, b"\xff\xfe\x00\x00garbage", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00"],
    ids=["all-bytes", "utf32-bom", "png", "zip"],
)
def test_binary_garbage(form2017: Form, tmp_path: Path, run_cli: Run, data: bytes) -> None:
    path = write(tmp_path, data)
    result = check_data(form2017, path, {})
    assert codes(result) == ["F002"]
    cli = run_cli("check", "gov-disclosure-2017", str(path))
    assert cli.exit_code == 2
    assert "[F002]" in cli.stdout


def test_control_characters_in_utf8_text(form2017: Form, tmp_path: Path, run_cli: Run) -> None:
    path = write(tmp_path, "meta:\x01\x02\x1b[31m\n  year: 2017\n")
    assert codes(check_data(form2017, path, {})) == ["D301"]
    assert run_cli("check", "gov-disclosure-2017", str(path)).exit_code == 1


@pytest.mark.parametrize(
    "data", [b"", b"\n\n", b"# only a comment\n", b"\xef\xbb\xbf"], ids=["empty", "newlines", "comment", "bom"]
)
def test_empty_file(form2017: Form, tmp_path: Path, run_cli: Run, data: bytes) -> None:
    path = write(tmp_path, data)
    result = check_data(form2017, path, {})
    assert codes(result) == ["D304"]
    assert "values" in message(result.report.diagnostics[0], "en")
    cli = run_cli("check", "gov-disclosure-2017", str(path))
    assert cli.exit_code == 1
    assert "[D304]" in cli.stdout


@pytest.mark.parametrize(
    "text",
    ["- online: 1\n- received: 1\n", "[1, 2, 3]\n", "hello\n", "42\n", '"meta"\n', "~\n"],
    ids=["block-list", "flow-list", "word", "number", "quoted", "null"],
)
def test_top_level_not_a_mapping(form2017: Form, tmp_path: Path, run_cli: Run, text: str) -> None:
    path = write(tmp_path, text)
    result = check_data(form2017, path, {})
    assert codes(result) == ["D304"]
    assert "meta" in message(result.report.diagnostics[0], "en")
    cli = run_cli("check", "gov-disclosure-2017", str(path))
    assert cli.exit_code == 1
    assert "[D304]" in cli.stdout


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ("values:\n  - 1\n  - 2\n", "values"),
        ("values: 5\n", "values"),
        ("values:\n  ? [a, b]\n  : 1\n", "key"),
        ("values:\n  3.网络申请数: [1, 2]\n", "3.网络申请数"),
        ("values:\n  3.网络申请数: {a: 1}\n", "3.网络申请数"),
        ("values:\n  meta: 1\n", "meta"),
    ],
    ids=["values-list", "values-scalar", "complex-key", "list-value", "map-value", "meta-in-values"],
)
def test_wrong_shapes_inside_values(form2017: Form, tmp_path: Path, values: str, needle: str) -> None:
    result = check_bytes(form2017, tmp_path, META + values)
    errors = error_codes(result)
    assert errors and set(errors) <= {"D304", "D305", "C412"}  # C412: no value of the table could be read
    assert any(needle in message(d, "en") for d in result.report.diagnostics)


def test_unknown_top_level_key_and_missing_values(form2017: Form, tmp_path: Path) -> None:
    result = check_bytes(form2017, tmp_path, META + "valeus:\n  online: 1\n")
    assert sorted(error_codes(result)) == ["C412", "D304", "D304"]
    messages = " ".join(message(d, "en") for d in result.report.diagnostics)
    assert "valeus" in messages


def test_yaml_syntax_error_is_located(form2017: Form, tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", '    3.网络申请数: "1')
    result = check_bytes(form2017, tmp_path, text)
    assert codes(result) == ["D301"]


def test_tab_indentation_is_explained(form2017: Form, tmp_path: Path) -> None:
    text = EXAMPLE_TEXT.replace("    3.网络申请数: 1", "\t3.网络申请数: 1")
    result = check_bytes(form2017, tmp_path, text)
    assert codes(result) == ["D301"]
    d = result.report.diagnostics[0]
    assert d.span is not None and d.span.line == 33
