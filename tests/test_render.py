"""Rendering: the seed report reproduced, escaping, sandboxing, errors, drafts, atomic outputs."""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE_2017, ROOT, CliResult
from docx import Document

# The seed report as published (a copy of shared/seeds/000_99e673ad37f8a664.txt).
SEED = ROOT / "tests" / "data" / "seed-shandong-fao-2017.txt"
EXAMPLE_2021 = ROOT / "examples" / "county-dept-2021.yaml"
Run = Callable[..., CliResult]


def squash(text: str) -> str:
    """Text without any whitespace (table cells wrap; the seed's table is one cell a line)."""
    return re.sub(r"\s+", "", text)


def seed_pieces() -> list[str]:
    """The seed's headings, paragraphs and table rows (label, unit and value joined), with its
    one self-contradiction corrected: the text says 1086 where the table gives 567 + 499."""
    text = SEED.read_text(encoding="utf-8").replace("[bookmark: _GoBack]", "")
    text = text.replace("共发布信息1086条", "共发布信息1066条")
    body, table = text.split("省外办2017年度政府信息公开工作情况统计表\n\n", 1)
    pieces = [squash(line) for line in body.splitlines() if line.strip()]
    rows = [squash(block) for block in re.split(r"\n\s*\n", table) if block.strip()]
    rows = [r for r in rows if r not in ("10",)]  # the page number at the foot
    rows = [r.replace("统　计　指　标", "统计指标") for r in rows]
    return [*pieces, "省外办2017年度政府信息公开工作情况统计表", *rows]


def render(run_cli: Run, tmp_path: Path, spec: str, data: Path, *extra: str) -> CliResult:
    return run_cli("render", spec, str(data), "--out", str(tmp_path / "out"), *extra)


def test_text_output_reproduces_the_seed_report(run_cli: Run, tmp_path: Path) -> None:
    result = render(run_cli, tmp_path, "gov-disclosure-2017", EXAMPLE_2017, "--to", "txt")
    assert result.exit_code == 0, result.stdout
    output = squash((tmp_path / "out" / "shandong-fao-2017.txt").read_text(encoding="utf-8"))
    missing = [piece for piece in seed_pieces() if squash(piece) not in output]
    assert missing == []
    assert "1086" not in output and "微博、微信共发布信息1066条" in output


def test_the_seed_comparison_can_fail(run_cli: Run, tmp_path: Path) -> None:
    """The same comparison notices a changed figure."""
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        EXAMPLE_2017.read_text(encoding="utf-8")
        .replace("网站公开政府信息数: 9764", "网站公开政府信息数: 9765")
        .replace("11307", "11308"),
        encoding="utf-8",
    )
    assert render(run_cli, tmp_path, "gov-disclosure-2017", changed, "--to", "txt").exit_code == 0
    output = squash((tmp_path / "out" / "changed.txt").read_text(encoding="utf-8"))
    assert [p for p in seed_pieces() if squash(p) not in output] != []


def _with_paragraph(tmp_path: Path, paragraph: str) -> Path:
    text = EXAMPLE_2021.read_text(encoding="utf-8")
    marker = "  sections:\n"
    assert marker in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(marker, f"  preamble:\n    - {paragraph}\n{marker}", 1), encoding="utf-8")
    return path


def test_ampersand_and_angle_brackets_survive_in_every_format(run_cli: Run, tmp_path: Path) -> None:
    data = _with_paragraph(tmp_path, '"研发投入 R&D <5% 的说明"')
    assert render(run_cli, tmp_path, "gov-disclosure-2021", data).exit_code == 0
    out = tmp_path / "out"
    assert "研发投入 R&D <5% 的说明" in (out / "variant.txt").read_text(encoding="utf-8")
    page = (out / "variant.html").read_text(encoding="utf-8")
    assert "R&amp;D &lt;5%" in page and "R&D <5%" not in page  # escaped in the markup …
    assert "研发投入 R&D <5% 的说明" in html.unescape(re.sub(r"<[^>]+>", "", page))  # … intact as text
    document = Document(str(out / "variant.docx"))
    assert any("研发投入 R&D <5% 的说明" in p.text for p in document.paragraphs)


def test_a_form_of_its_own_renders_with_the_base_templates(run_cli: Run, tmp_path: Path) -> None:
    """A provincial variant (a spec of its own id, no template folder of its own) gets the
    report in every format from the shared templates."""
    spec = tmp_path / "province.spec"
    spec.write_text('form sd-2021 "山东省变体"\n  extends gov-disclosure-2021\n', encoding="utf-8")
    data = tmp_path / "d.yaml"
    text = (ROOT / "examples" / "county-dept-2021.yaml").read_text(encoding="utf-8")
    data.write_text(text.replace("form: gov-disclosure-2021", "form: sd-2021"), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("render", str(spec), str(data), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "收到和处理政府信息公开申请情况" in (out / "d.html").read_text(encoding="utf-8")
    assert "收到和处理政府信息公开申请情况" in (out / "d.txt").read_text(encoding="utf-8")
    assert (out / "d.docx").stat().st_size > 0


def test_errors_write_nothing_and_draft_writes_a_marked_report(run_cli: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        EXAMPLE_2017.read_text(encoding="utf-8").replace("3.网络申请数: 1", "3.网络申请数: 2"), encoding="utf-8"
    )
    result = render(run_cli, tmp_path, "gov-disclosure-2017", broken)
    assert result.exit_code == 1
    assert "[C401]" in result.stdout and "[R505]" in result.stdout
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    result = render(run_cli, tmp_path, "gov-disclosure-2017", broken, "--draft")
    assert result.exit_code == 0
    for suffix in (".docx", ".html", ".txt"):
        assert (tmp_path / "out" / f"broken{suffix}").is_file()
    text = (tmp_path / "out" / "broken.txt").read_text(encoding="utf-8")
    assert "草稿（未通过校验）" in text
    assert "校验结果" in text and "C401" in text and "收到申请数" in text.split("校验结果")[1]
    assert "草稿（未通过校验）" in (tmp_path / "out" / "broken.html").read_text(encoding="utf-8")
    assert any("草稿" in p.text for p in Document(str(tmp_path / "out" / "broken.docx")).paragraphs)


def test_an_input_file_is_never_overwritten(run_cli: Run, tmp_path: Path) -> None:
    data = tmp_path / "out" / "report.txt"  # YAML in a file the text output would be named after
    data.parent.mkdir()
    data.write_bytes(EXAMPLE_2017.read_bytes())
    before = data.read_bytes()
    result = run_cli("render", "gov-disclosure-2017", str(data), "--out", str(data.parent), "--to", "txt")
    assert result.exit_code == 2
    assert "[F006]" in result.stdout
    assert data.read_bytes() == before


def test_outputs_are_complete_and_no_temporary_file_is_left(run_cli: Run, tmp_path: Path) -> None:
    assert render(run_cli, tmp_path, "gov-disclosure-2021", EXAMPLE_2021).exit_code == 0
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["county-dept-2021.docx", "county-dept-2021.html", "county-dept-2021.txt"]
    with zipfile.ZipFile(tmp_path / "out" / "county-dept-2021.docx") as z:
        assert z.testzip() is None
        xml = z.read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="zh-CN"' in xml
    assert (tmp_path / "out" / "county-dept-2021.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_narrative_figures_come_from_the_table(run_cli: Run, tmp_path: Path) -> None:
    assert render(run_cli, tmp_path, "gov-disclosure-2017", EXAMPLE_2017, "--to", "txt").exit_code == 0
    text = (tmp_path / "out" / "shandong-fao-2017.txt").read_text(encoding="utf-8")
    assert "本年度共发布各类信息9764条" in text and "共发布政府信息477条" in text


@pytest.mark.parametrize(
    ("paragraph", "code"),
    [
        ('"共收到申请{{ recieved }}件"', "R502"),
        ('"共收到申请{{ new.total 件"', "R501"),
        ("\"{{ ''.__class__.__mro__ }}\"", "R501"),
        ('"{% for i in range(9) %}{{ i }}{% endfor %}"', "R503"),
    ],
    ids=["unknown-id", "unclosed", "python-internals", "statement"],
)
def test_a_bad_figure_in_the_narrative_fails_the_check(run_cli: Run, tmp_path: Path, paragraph: str, code: str) -> None:
    data = _with_paragraph(tmp_path, paragraph)
    result = run_cli("check", "gov-disclosure-2021", str(data))
    assert result.exit_code == 1
    assert f"[{code}]" in result.stdout
    assert "variant.yaml:" in result.stdout  # located in the data file


def _user_templates(tmp_path: Path, replace: tuple[str, str]) -> Path:
    folder = tmp_path / "tpl" / "gov-disclosure-2021"
    folder.mkdir(parents=True)
    base = (ROOT / "templates" / "base" / "report.txt.j2").read_text(encoding="utf-8")
    assert replace[0] in base
    (folder / "report.txt.j2").write_text(base.replace(*replace), encoding="utf-8")
    return tmp_path / "tpl"


@pytest.mark.parametrize(
    ("replace", "needle"),
    [
        (("{{ signature }}", "{{ signatur }}"), "signatur"),
        (("{{ signature }}", "{{ signature.__class__.__mro__ }}"), "unsafe"),
        (("{{ signature }}", "{{ signature "), "report.txt.j2"),
    ],
    ids=["undefined", "sandbox", "syntax"],
)
def test_template_errors_name_the_file_and_line(
    run_cli: Run, tmp_path: Path, replace: tuple[str, str], needle: str
) -> None:
    folder = _user_templates(tmp_path, replace)
    result = render(run_cli, tmp_path, "gov-disclosure-2021", EXAMPLE_2021, "--templates", str(folder), "--to", "txt")
    assert result.exit_code == 2
    assert "[R504]" in result.stdout and needle in result.stdout
    assert re.search(r"report\.txt\.j2:\d+", result.stdout)
    assert not (tmp_path / "out").exists()


def test_templates_check_finds_a_misspelt_variable(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("templates", "check", "gov-disclosure-2021").exit_code == 0
    folder = _user_templates(tmp_path, ("{{ signature }}", "{{ signatur }}"))
    result = run_cli("templates", "check", "gov-disclosure-2021", "--templates", str(folder))
    assert result.exit_code == 2
    assert "[R506]" in result.stdout and "signatur" in result.stdout


def test_text_width_is_configurable(run_cli: Run, tmp_path: Path) -> None:
    """Table lines keep within the width (table 三's seven figure columns need about 84 cells)."""
    for width in (90, 140):
        out = tmp_path / str(width)
        assert (
            run_cli(
                "render",
                "gov-disclosure-2021",
                str(EXAMPLE_2021),
                "--to",
                "txt",
                "--out",
                str(out),
                "--width",
                str(width),
            ).exit_code
            == 0
        )
        lines = (out / "county-dept-2021.txt").read_text(encoding="utf-8").splitlines()
        table = [line for line in lines if re.search(r"\s\d+$", line)]
        from wcwidth import wcswidth

        assert max(wcswidth(line) for line in table) <= width
