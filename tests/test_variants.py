"""A provincial variant (`extends gov-disclosure-2021`) used end to end, as a policy officer would:
it renders every back-end with the form's templates, `templates check` and `fuzz` work on it,
`fmt --resolved` prints it whole, and the spec errors met while writing one say what and where.
Expected findings are written by hand from the printed form."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLES, CliResult

from baobiao.diagnostics.core import Diagnostic, Severity
from baobiao.diagnostics.render import LANGS, hint, message, render_human
from baobiao.model import Form
from baobiao.pipeline import compile_source, load_spec
from baobiao.report.env import search_path
from baobiao.resources import builtin_specs, data_dir
from baobiao.source import Source, read_source
from baobiao.syntax.printer import format_spec

Run = Callable[..., CliResult]

VARIANT = """\
# 某省政府信息公开工作年度报告格式：在国家 2021 年格式上，行政许可含备案，另加一条规则
form sd-2021 "某省政府信息公开工作年度报告格式"
  extends gov-disclosure-2021
  version "2021-某省"

relabel licensing "行政许可（含备案）"

add after carried_from_last_year
  rule new_covers_forward warning "结转下年度的申请一般不多于本年新收的申请"
    forward <= new
"""
NEW_LABEL = "行政许可（含备案）"


@pytest.fixture
def variant(tmp_path: Path) -> tuple[Path, Path]:
    """The variant spec and the bundled 2021 example adapted to it (its form, the new label)."""
    spec = tmp_path / "sd-2021.spec"
    spec.write_text(VARIANT, encoding="utf-8")
    data = EXAMPLES["gov-disclosure-2021"].read_text(encoding="utf-8")
    assert "      行政许可: {本年处理决定数量: 4862}\n" in data
    data = data.replace("form: gov-disclosure-2021", "form: sd-2021")
    data = data.replace("      行政许可: {", f"      {NEW_LABEL}: {{")
    path = tmp_path / "county-dept-sd.yaml"
    path.write_text(data, encoding="utf-8")
    return spec, path


def _form(spec: Path) -> Form:
    result = load_spec(str(spec))
    assert result.form is not None, [(d.code, d.span) for d in result.report.diagnostics]
    return result.form


# -- templates for any form --------------------------------------------------------------------


def test_the_variant_knows_the_forms_it_extends(variant: tuple[Path, Path]) -> None:
    form = _form(variant[0])
    assert form.id == "sd-2021"
    assert form.lineage == ("gov-disclosure-2021", "gov-disclosure-2019")
    assert form.item("licensing").label == NEW_LABEL
    assert form.item("licensing").formerly == ("行政许可",)
    assert "new_covers_forward@natural" in {r.id for r in form.rules}
    assert load_spec("gov-disclosure-2021").form.lineage == ("gov-disclosure-2019",)  # type: ignore[union-attr]
    assert load_spec("gov-disclosure-2017").form.lineage == ()  # type: ignore[union-attr]


def test_one_search_path_the_user_folder_the_form_the_forms_it_extends_then_base(
    variant: tuple[Path, Path], tmp_path: Path
) -> None:
    root = data_dir("templates")
    mine = tmp_path / "mine"
    assert search_path(_form(variant[0]), mine) == [
        mine / "sd-2021",
        mine / "gov-disclosure-2021",
        mine / "gov-disclosure-2019",
        mine,
        root / "sd-2021",
        root / "gov-disclosure-2021",
        root / "gov-disclosure-2019",
        root,
        root / "base",
    ]


def test_the_variant_renders_word_html_and_text_with_its_own_label(
    run_cli: Run, variant: tuple[Path, Path], tmp_path: Path
) -> None:
    spec, data = variant
    out = tmp_path / "out"
    result = run_cli("render", str(spec), str(data), "--out", str(out))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "找不到模板" not in result.stdout
    html = (out / "county-dept-sd.html").read_text(encoding="utf-8")
    txt = (out / "county-dept-sd.txt").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "county-dept-sd.docx") as docx:
        word = docx.read("word/document.xml").decode("utf-8")
    for output in (html, txt, word):
        assert NEW_LABEL in output
        assert "三、收到和处理政府信息公开申请情况" in output
    # the relabelled row still holds its figure
    assert "4862" in txt.replace(",", "") and "4862" in html.replace(",", "")


def test_the_variant_is_rendered_with_the_templates_of_the_forms_it_extends(
    run_cli: Run, variant: tuple[Path, Path], tmp_path: Path
) -> None:
    """A folder of templates for gov-disclosure-2021 (text) and for gov-disclosure-2019 (HTML)
    is used for the variant of 2021: the nearest form's first, then the one it extends."""
    spec, data = variant
    mine = tmp_path / "mine"
    (mine / "gov-disclosure-2021").mkdir(parents=True)
    (mine / "gov-disclosure-2019").mkdir(parents=True)
    (mine / "gov-disclosure-2021" / "report.txt.j2").write_text("2021 的文本模板：{{ form.title }}\n", encoding="utf-8")
    (mine / "gov-disclosure-2019" / "report.txt.j2").write_text("2019 的文本模板\n", encoding="utf-8")
    (mine / "gov-disclosure-2019" / "report.html.j2").write_text("<p>2019 的网页模板</p>\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("render", str(spec), str(data), "--to", "txt,html", "--templates", str(mine), "--out", str(out))
    assert result.exit_code == 0, result.stdout
    txt = (out / "county-dept-sd.txt").read_text(encoding="utf-8")
    assert txt == "2021 的文本模板：某省政府信息公开工作年度报告格式\n"
    assert (out / "county-dept-sd.html").read_text(encoding="utf-8") == "<p>2019 的网页模板</p>\n"


def test_templates_check_on_the_variant(run_cli: Run, variant: tuple[Path, Path]) -> None:
    result = run_cli("templates", "check", str(variant[0]))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == ""  # no problem: every variable is in the context, the tables are shown
    for template in ("report.html.j2", "report.txt.j2", "report.docx"):
        assert f"{template}: " in result.stderr
    assert "sections" in result.stderr


def test_fuzz_on_the_variant_finds_nothing(run_cli: Run, variant: tuple[Path, Path], tmp_path: Path) -> None:
    saved = tmp_path / "failing.yaml"
    result = run_cli("fuzz", str(variant[0]), "-n", "3", "--to", "txt,html", "--out", str(saved))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "3 instances rendered without problems" in result.stderr
    assert not saved.exists()


def test_fuzz_reports_a_template_error_that_does_not_depend_on_the_data_once_without_an_instance(
    run_cli: Run, variant: tuple[Path, Path], tmp_path: Path
) -> None:
    mine = tmp_path / "mine" / "sd-2021"
    mine.mkdir(parents=True)
    (mine / "report.txt.j2").write_text("{{ title }}\n{{ signatur }}\n", encoding="utf-8")
    saved = tmp_path / "failing.yaml"
    args = ("fuzz", str(variant[0]), "--templates", str(mine.parent), "--to", "txt", "-n", "5", "--out", str(saved))
    result = run_cli(*args)
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout  # once
    assert "report.txt.j2, line 2" in lines[0] and "signatur" in lines[0]
    assert "do not depend on the data" in result.stderr
    assert not saved.exists()


# -- editable copies: fmt --resolved -----------------------------------------------------------


def _resolved_round_trip(path: Path, name: str) -> str:
    first = compile_source(read_source(path, name), path)
    assert first.form is not None and first.merged is not None
    printed = format_spec(first.merged)
    assert "extends" not in "\n".join(line for line in printed.splitlines() if not line.lstrip().startswith("#"))
    again = compile_source(Source("copy.spec", printed))
    assert again.form is not None, [(d.code, d.span) for d in again.report.diagnostics]
    assert again.form == first.form
    assert again.form.lineage == ()  # the copy stands alone
    assert again.ast is not None and format_spec(again.ast) == printed  # fmt of the copy changes nothing
    return printed


@pytest.mark.parametrize("name", sorted(builtin_specs()))
def test_every_builtin_form_printed_whole_compiles_to_the_same_form(name: str) -> None:
    _resolved_round_trip(builtin_specs()[name], f"<{name}>")


def test_the_variant_printed_whole_compiles_to_the_same_form(variant: tuple[Path, Path]) -> None:
    printed = _resolved_round_trip(variant[0], str(variant[0]))
    assert printed.startswith("# sd-2021 的完整表式：已合并所继承的 gov-disclosure-2021、gov-disclosure-2019")
    # the 2021 edits are applied: （六）其他处理 in three rows, table 二 of 2021
    assert '"1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"' in printed
    assert "第二十条第（九）项" not in printed
    # its own edits: the new label, the old one kept for data in the old wording, the rule in table 三
    assert f'licensing "{NEW_LABEL}"' in printed and 'formerly "行政许可"' in printed
    table3 = printed[printed.index('table t3 "') :]
    assert "rule new_covers_forward warning" in table3[: table3.index("\ntable ")]
    # the comments of each file stay with their lines; 2019's header comment does not describe 2021
    assert "# 表二的术语（替换 2019 年格式 t2 里的术语）" in printed
    assert "# 正文中的术语（term）" in printed
    assert "国办公开办函〔2019〕60号" not in printed


def test_fmt_resolved_on_the_command_line(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("fmt", "--resolved", "gov-disclosure-2021")
    assert result.exit_code == 0
    copy = tmp_path / "my-form.spec"
    copy.write_text(result.stdout.replace("form gov-disclosure-2021 ", "form my-2021 ", 1), encoding="utf-8")
    assert run_cli("check", str(copy), str(EXAMPLES["gov-disclosure-2021"])).exit_code == 0
    # without --resolved, fmt prints the spec as written: a short file that extends 2019
    as_written = run_cli("fmt", "gov-disclosure-2021").stdout
    assert "  extends gov-disclosure-2019\n" in as_written and len(as_written) < len(result.stdout) / 2


# -- the spec errors met on the way ------------------------------------------------------------

HEAD = 'form sd-2021 "某省政府信息公开工作年度报告格式"\n  extends gov-disclosure-2021\n\n'
TABLE_3 = "三、收到和处理政府信息公开申请情况"


def _diagnostics(tmp_path: Path, body: str) -> tuple[Diagnostic, ...]:
    path = tmp_path / "v.spec"
    path.write_text(HEAD + body, encoding="utf-8")
    result = compile_source(read_source(path), path)
    assert result.form is None
    return result.report.diagnostics


def test_a_matrix_row_in_a_rule_outside_its_table_is_called_a_row(tmp_path: Path) -> None:
    found = _diagnostics(tmp_path, 'rule more_new "新收多于结转"\n  new >= forward\n')
    assert [(d.code, d.span.line, d.span.column) for d in found if d.span] == [("S209", 5, 3), ("S209", 5, 10)]
    new = found[0]
    assert message(new, "zh") == f"new 不能用在这里：它是表格“{TABLE_3}”的一行"
    assert message(new, "en") == f"new cannot be used here: it is a row of table '{TABLE_3}'"
    assert "标题" not in message(new, "zh") and "heading" not in message(new, "en")
    # where the rule goes instead: into table 三, with add after one of its rules
    assert "table t3" in hint(new, "zh") and "add after carried_from_last_year" in hint(new, "zh")


def test_a_matrix_column_in_a_rule_outside_its_table_is_called_a_column(tmp_path: Path) -> None:
    (found,) = _diagnostics(tmp_path, 'x "其他件数" 件\nrule r "自然人申请不多于其他"\n  natural <= x\n')
    assert message(found, "zh") == f"natural 不能用在这里：它是表格“{TABLE_3}”的一列"


def test_the_suggested_fix_compiles(tmp_path: Path) -> None:
    path = tmp_path / "v.spec"
    path.write_text(
        HEAD + 'add after carried_from_last_year\n  rule more_new warning "新收多于结转"\n    new >= forward\n',
        encoding="utf-8",
    )
    form = compile_source(read_source(path), path).form
    assert form is not None and "more_new@natural" in {r.id for r in form.rules}


def test_relable_is_a_misspelt_relabel(tmp_path: Path) -> None:
    (found,) = _diagnostics(tmp_path, f'relable licensing "{NEW_LABEL}"\n')
    assert found.code == "S111"
    assert found.span is not None and (found.span.line, found.span.column, found.span.end_column) == (4, 1, 8)
    assert message(found, "zh") == "语法错误：relable 不是关键字，是不是 relabel？"
    assert message(found, "en") == "syntax error: relable is not a keyword; did you mean relabel?"
    assert hint(found, "zh") == f'写成：relabel licensing "{NEW_LABEL}"'
    shown = render_human([compile_source(read_source(tmp_path / "v.spec")).report], "zh", False)
    assert f"{tmp_path / 'v.spec'}:4:1" in shown and "^^^^^^^" in shown


# (what is written, the misspelt word's line and column, the keyword meant); lines count from HEAD's 4
SLIPS = [
    ("remvoe licensing\n", 4, 1, "remove"),
    ('replce forward\n  forward "四、结转下年度继续办理"\n', 4, 1, "replace"),
    ('add aftr forward\n  online "五、网上申请"\n', 4, 5, "after"),
    ('add after forward\n  rlue r "说明"\n    new >= 0\n', 5, 3, "rule"),
    ('add after carried_from_last_year\n  rule r warnng "说明"\n    new >= 0\n', 5, 10, "warning"),
    ('table t9 "九、其他" 件\n  colums\n    a "甲"\n', 5, 3, "columns"),
    ('sectoin s9 "九、其他"\n  a "甲" 件\n', 4, 1, "section"),
    ('a "甲" 件 = sun\n  b "乙" 件\n', 4, 11, "sum"),
]


@pytest.mark.parametrize(("body", "line", "column", "keyword"), SLIPS, ids=[s[3] for s in SLIPS])
def test_a_misspelt_keyword_gets_did_you_mean(tmp_path: Path, body: str, line: int, column: int, keyword: str) -> None:
    (found,) = _diagnostics(tmp_path, body)
    assert found.code == "S111"
    assert found.span is not None and (found.span.line, found.span.column) == (line, column)
    assert f"是不是 {keyword}？" in message(found, "zh")
    assert keyword in hint(found, "zh")
    for lang in LANGS:
        assert "{" not in message(found, lang) + hint(found, lang)


def test_an_id_that_only_looks_like_a_keyword_is_not_taken_for_one(tmp_path: Path) -> None:
    (found,) = _diagnostics(tmp_path, "notes 件\n")  # an indicator without its label, not a misspelt note
    assert found.code == "S102"


def test_a_duplicate_id_is_reported_on_the_users_line_without_s213(tmp_path: Path) -> None:
    """A row named like a column of table 三: reported where the variant writes it, pointing at
    the column in the form extended; the column's sum (总计 = 自然人 + 法人或其他组织) is not
    misread as mixing rows and columns."""
    found = _diagnostics(tmp_path, 'add after forward\n  section extra "五、其他情况"\n    natural "自然人"\n')
    assert [d.code for d in found] == ["S202"]
    (dup,) = found
    assert dup.span is not None and (dup.span.file, dup.span.line, dup.span.column) == (str(tmp_path / "v.spec"), 6, 5)
    (there,) = dup.related
    assert there.span.file == "<gov-disclosure-2019>" and there.phrase == "defined-in-base"
    assert message(dup, "zh") == "编号 natural 重复定义"


def test_a_duplicate_added_before_the_base_item_is_still_the_users(tmp_path: Path) -> None:
    found = _diagnostics(tmp_path, 'add before new\n  forward "零、另一个结转"\n')
    assert [(d.code, d.span.file, d.span.line) for d in found if d.span] == [("S202", str(tmp_path / "v.spec"), 5)]
    assert all(d.severity is Severity.ERROR for d in found)
