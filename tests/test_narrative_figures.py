"""Narrative against table: the seed's "微博、微信共发布信息1086条" is caught, nothing else of it."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

from baobiao.diagnostics.render import hint, message
from baobiao.pipeline import check_data, compile_source, load_spec
from baobiao.source import Source

PUBLISHED = ROOT / "examples" / "shandong-fao-2017-as-published.yaml"


def test_the_seeds_1086_is_flagged_with_its_sentence_and_nothing_else() -> None:
    form = load_spec("gov-disclosure-2017").form
    assert form is not None
    report = check_data(form, PUBLISHED, {}).report
    assert [d.code for d in report.diagnostics] == ["C411"]
    (d,) = report.diagnostics
    text = message(d, "zh")
    assert "1086条" in text and "1066" in text
    assert "本年度微博、微信共发布信息1086条" in text  # the sentence, quoted
    assert "1086 → 1066" in hint(d, "zh")
    assert {c.id for c in d.cells} == {"weibo", "wechat"}
    assert {c.value for c in d.cells} == {"567", "499"}
    assert d.span is not None and d.span.file == str(PUBLISHED)
    # the other figures of the seed's text agree with the table or name no term: not flagged
    assert report.errors == 0 and report.warnings == 1


def test_figures_from_the_table_are_never_flagged() -> None:
    form = load_spec("gov-disclosure-2017").form
    assert form is not None
    report = check_data(form, ROOT / "examples" / "shandong-fao-2017.yaml", {}).report
    assert report.diagnostics == ()


SPEC = """form t-1 "测试"
normative "行政规范性文件" 件
received "收到申请数" 件
term "行政规范性文件" 件 = normative
term "收到" 件 = received
"""


def _check(tmp_path: Path, paragraph: str) -> list[str]:
    form = compile_source(Source("t.spec", SPEC)).form
    assert form is not None
    data = tmp_path / "d.yaml"
    data.write_text(
        "meta: {agency: 甲, year: 2021, form: t-1}\nvalues: {normative: 5, received: 12}\n"
        f'report:\n  sections:\n    - heading: 概况\n      paragraphs: ["{paragraph}"]\n',
        encoding="utf-8",
    )
    return [message(d, "en") for d in check_data(form, data, {}).report.diagnostics]


def test_only_the_same_term_is_matched(tmp_path: Path) -> None:
    assert _check(tmp_path, "本年制发行政规范性文件6件。") != []
    assert _check(tmp_path, "本年制发行政规范性文件5件。") == []
    assert _check(tmp_path, "本年制发政策性文件6件。") == []  # a similar category, not the term


def test_a_figure_must_stand_in_the_terms_clause_with_its_unit(tmp_path: Path) -> None:
    assert _check(tmp_path, "全年共收到申请13件。") != []
    assert _check(tmp_path, "全年共收到申请12条。") == []  # 条 for 件: wording, the same figure
    assert _check(tmp_path, "全年共收到申请，办结13件。") == []  # another clause
    assert _check(tmp_path, "全年共收到申请13次。") == []  # another unit
