"""Agency level as a closed vocabulary: ``meta level "机关层级" in ...`` in the spec (compiled,
inherited, its errors, fmt), and the data's meta read against it (resolve_meta). Expectations
written by hand."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from openpyxl import load_workbook

from baobiao.diagnostics.core import Diagnostic, Severity
from baobiao.diagnostics.render import LANGS, hint, message
from baobiao.instance.meta import resolve_meta
from baobiao.model import Form, MetaField
from baobiao.model.semantics import applicable
from baobiao.pipeline import compile_source, load_spec
from baobiao.report.workbook import write_workbook
from baobiao.source import Source, Span, read_source
from baobiao.syntax.parser import build_parser, parse
from baobiao.syntax.printer import format_spec
from baobiao.testing.strategies import metas

LEVELS = (
    "国务院部门",
    "省级人民政府",
    "省级政府部门",
    "设区的市级人民政府",
    "自治州人民政府",
    "设区的市级政府部门",
    "县级人民政府",
    "县级政府部门",
    "乡镇人民政府",
    "街道办事处",
)
H = 'form a-b "t"\n'


def form_of(name: str) -> Form:
    result = load_spec(name)
    assert result.form is not None, result.report.diagnostics
    return result.form


@pytest.fixture(scope="module")
def form2021() -> Form:
    return form_of("gov-disclosure-2021")


def compiled(text: str, name: str = "t.spec") -> tuple[Form | None, list[Diagnostic]]:
    result = compile_source(Source(name, text))
    return result.form, list(result.report.diagnostics)


# -- the spec ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gov-disclosure-2019", "gov-disclosure-2021"])
def test_builtin_forms_declare_the_levels(name: str) -> None:
    form = form_of(name)
    (level,) = form.meta_fields
    assert level == MetaField("level", "机关层级", LEVELS)
    rule = next(r for r in form.rules if r.condition is not None)
    assert set(rule.condition.values) <= set(level.values)  # type: ignore[union-attr]


def test_2021_inherits_the_declaration_of_2019() -> None:
    (level,) = form_of("gov-disclosure-2021").meta_fields
    assert level.span is not None and level.span.file == "<gov-disclosure-2019>"


def test_2017_declares_nothing_it_has_no_level_rules() -> None:
    form = form_of("gov-disclosure-2017")
    assert form.meta_fields == ()
    assert all(r.condition is None for r in form.rules)


def test_the_levels_of_the_examples_are_declared() -> None:
    assert {"县级政府部门", "设区的市级人民政府"} <= set(LEVELS)


def test_the_grammar_has_no_conflicts() -> None:
    build_parser(strict=True, cache=False)


def test_a_long_list_continues_on_indented_lines() -> None:
    form, problems = compiled(
        H + '  meta level "机关层级" in "甲", "乙",\n'
        "    # comment between the lines\n"
        '    "丙"  # a trailing comment\n'
        '    "丁", "戊",\n'
        '  version "1"\n'
        'x "t" 件\n'
    )
    assert problems == []
    assert form is not None
    assert form.meta_fields == (MetaField("level", "机关层级", ("甲", "乙", "丙", "丁", "戊")),)
    assert form.version == "1"


def test_two_fields_each_with_its_list() -> None:
    form, problems = compiled(H + '  meta level "机关层级" in "甲", "乙"\n  meta kind "类别" in "丙"\nx "t" 件\n')
    assert problems == []
    assert form is not None
    assert [(f.name, f.values) for f in form.meta_fields] == [("level", ("甲", "乙")), ("kind", ("丙",))]


def _one(problems: list[Diagnostic], code: str) -> Diagnostic:
    found = [d for d in problems if d.code == code]
    assert len(found) == 1, [d.code for d in problems]
    return found[0]


def test_condition_value_not_declared_points_at_the_value_and_suggests() -> None:
    form, problems = compiled(
        H + '  meta level "机关层级" in "县级人民政府", "设区的市级人民政府"\n'
        'x "t" 件\n'
        'rule r warning "d" when level not in "县级人民政府", "设区的市人民政府"\n'
        "  x = 0\n"
    )
    assert form is None
    d = _one(problems, "S222")
    assert d.severity is Severity.ERROR
    assert d.span is not None and (d.span.line, d.span.column) == (4, 48)
    assert message(d, "zh") == "“设区的市人民政府”不是 level（机关层级）声明的取值"
    assert hint(d, "zh") == "是不是：“设区的市级人民政府”？"
    assert hint(d, "en") == "did you mean: '设区的市级人民政府'?"


def test_condition_value_far_from_any_lists_them_all() -> None:
    _, problems = compiled(
        H + '  meta level "机关层级" in "县级人民政府", "乡镇人民政府"\n'
        'x "t" 件\nrule r "d" when level in "火星"\n  x = 0\n'
    )
    d = _one(problems, "S222")
    assert hint(d, "zh") == "声明的取值：“县级人民政府”、“乡镇人民政府”。"


def test_a_condition_on_an_undeclared_field_takes_any_text() -> None:
    form, problems = compiled(
        H + '  meta level "机关层级" in "甲"\nx "t" 件\nrule r "d" when kind in "随便"\n  x = 0\n'
    )
    assert form is not None and problems == []


def test_duplicate_value_points_at_the_second() -> None:
    form, problems = compiled(H + '  meta level "机关层级" in "甲", "乙",\n    "丙", "乙"\n')
    assert form is None
    d = _one(problems, "S223")
    assert d.span is not None and (d.span.line, d.span.column) == (3, 10)
    assert [(r.span.line, r.span.column) for r in d.related] == [(2, 29)]
    assert message(d, "zh") == "level（机关层级）的取值“乙”写了两次"


def test_values_that_differ_only_in_spacing_are_duplicates() -> None:
    _, problems = compiled(H + '  meta level "机关层级" in "县级 人民政府", "县级人民政府"\n')
    assert _one(problems, "S223").span.line == 2  # type: ignore[union-attr]


def test_field_declared_twice_points_at_the_second() -> None:
    form, problems = compiled(H + '  meta level "机关层级" in "甲"\n  version "1"\n  meta level "层级" in "乙"\n')
    assert form is None
    d = _one(problems, "S224")
    assert d.span is not None and (d.span.line, d.span.column) == (4, 8)
    assert [(r.span.line, r.span.column) for r in d.related] == [(2, 8)]
    for lang in LANGS:
        assert "level" in message(d, lang) and hint(d, lang).strip()


def test_a_derived_spec_may_replace_a_list(tmp_path: Path) -> None:
    (tmp_path / "base.spec").write_text(
        H + '  meta level "机关层级" in "甲", "乙"\n  meta kind "类别" in "丙"\nx "t" 件\n'
        'rule r warning "d" when level in "甲"\n  x = 0\n',
        encoding="utf-8",
    )
    derived = tmp_path / "derived.spec"
    derived.write_text(
        'form c-d "派生"\n  extends "base.spec"\n  meta level "机关层级" in "甲", "丁"\n', encoding="utf-8"
    )
    result = compile_source(read_source(derived))
    assert result.report.diagnostics == ()
    form = result.form
    assert form is not None
    assert {f.name: f.values for f in form.meta_fields} == {"kind": ("丙",), "level": ("甲", "丁")}


def test_a_replaced_list_must_still_hold_the_base_rules_values(tmp_path: Path) -> None:
    derived = tmp_path / "derived.spec"
    derived.write_text(
        'form c-d "派生"\n  extends gov-disclosure-2019\n  meta level "机关层级" in "县级人民政府"\n', encoding="utf-8"
    )
    result = compile_source(read_source(derived))
    assert result.form is None
    found = [d for d in result.report.diagnostics if d.code == "S222"]
    # the guizhang rule names four levels, none of them in the new list
    assert [d.args["value"] for d in found] == ["国务院部门", "省级人民政府", "设区的市级人民政府", "自治州人民政府"]
    assert {d.span.file for d in found if d.span} == {"<gov-disclosure-2019>"}


ONE_LINE = H + '  version "1"\n  meta level "机关层级" in "甲", "乙"\nx "t" 件\n'
SEVERAL_LINES = (
    H + '  meta  level   "机关层级"  in "甲" ,"乙"\n'
    '       "丙",  "丁" # the second line\n'
    '       "戊"\n'
    '  years 2019..\nx "t" 件\nrule r "d" when level in "甲"\n  x = 0\n'
)


@pytest.mark.parametrize("text", [ONE_LINE, SEVERAL_LINES], ids=["one-line", "several-lines"])
def test_fmt_round_trips(text: str) -> None:
    spec, problems = parse(Source("t.spec", text))
    assert spec is not None and problems == []
    once = format_spec(spec)
    again, _ = parse(Source("t.spec", once))
    assert again == spec
    assert format_spec(again) == once  # idempotent
    assert compiled(once)[0] == compiled(text)[0] is not None


def test_fmt_keeps_the_line_breaks_of_a_long_list() -> None:
    spec, _ = parse(Source("t.spec", SEVERAL_LINES))
    assert spec is not None
    assert format_spec(spec).splitlines()[1:4] == [
        '  meta level "机关层级" in "甲", "乙",',
        '    "丙", "丁",  # the second line',
        '    "戊"',
    ]


def test_fmt_of_the_builtin_2019_keeps_the_declaration(run_cli: object) -> None:
    path = Path(__file__).resolve().parents[1] / "specs" / "gov-disclosure-2019.spec"
    spec, _ = parse(read_source(path))
    assert spec is not None
    text = format_spec(spec)
    assert '  meta level "机关层级" in "国务院部门", "省级人民政府", "省级政府部门",\n' in text
    assert compiled(text, "<gov-disclosure-2019>")[0] == form_of("gov-disclosure-2019")


# -- the data ---------------------------------------------------------------------------------


def test_an_exact_value_is_kept(form2021: Form) -> None:
    meta = {"agency": "某县教育局", "level": "县级政府部门"}
    assert resolve_meta(form2021, meta) == ({"agency": "某县教育局", "level": "县级政府部门"}, [])


def test_spacing_and_full_width_are_not_a_slip(form2021: Form) -> None:
    meta, problems = resolve_meta(form2021, {"level": "\u3000设区的市级 人民政府 "})
    assert (meta, problems) == ({"level": "设区的市级人民政府"}, [])


def test_ji_left_out_is_read_with_a_warning(form2021: Form) -> None:
    span = Span("a.yaml", 10, 10, 10, 18)
    given = {"agency": "某市", "level": "设区的市人民政府"}
    meta, problems = resolve_meta(form2021, given, {"level": span})
    assert meta == {"agency": "某市", "level": "设区的市级人民政府"}
    assert given["level"] == "设区的市人民政府"  # the input is not changed
    (d,) = problems
    assert (d.code, d.severity, d.data_path, d.span) == ("D322", Severity.WARNING, "$.meta.level", span)
    assert message(d, "zh") == "机关层级“设区的市人民政府”与表式中的“设区的市级人民政府”不完全一致（多写或漏写“级”）"
    assert hint(d, "zh") == "已按“设区的市级人民政府”读取；请改为“设区的市级人民政府”。"
    assert message(d, "en") == (
        "机关层级 '设区的市人民政府' differs from the form's '设区的市级人民政府' (级 added or left out)"
    )


def test_ji_added_is_read_too(form2021: Form) -> None:
    meta, problems = resolve_meta(form2021, {"level": "街道级办事处"})
    assert meta == {"level": "街道办事处"}
    assert [d.code for d in problems] == ["D322"]


def test_traditional_script_is_read_with_a_warning(form2021: Form) -> None:
    meta, problems = resolve_meta(form2021, {"level": "設區的市級人民政府"})
    assert meta == {"level": "设区的市级人民政府"}
    (d,) = problems
    assert d.code == "D322" and d.severity is Severity.WARNING
    assert d.args["how"] == "繁体字" and d.args["how_en"] == "traditional script"
    assert "設區的市級人民政府" in message(d, "zh") and "设区的市级人民政府" in message(d, "zh")


def test_traditional_script_and_ji_left_out(form2021: Form) -> None:
    meta, problems = resolve_meta(form2021, {"level": "縣人民政府"})
    assert meta == {"level": "县级人民政府"}
    assert [d.args["how"] for d in problems] == ["繁体字，多写或漏写“级”"]


def test_one_character_off_is_read(form2021: Form) -> None:
    meta, problems = resolve_meta(form2021, {"level": "设区的巿级人民政府"})  # 巿 (fú) for 市
    assert meta == {"level": "设区的市级人民政府"}
    assert [(d.code, d.args["how"]) for d in problems] == [("D322", "相差 1 个字")]


def test_two_characters_off_in_a_short_value_is_not_read(form2021: Form) -> None:
    meta, problems = resolve_meta(form2021, {"level": "县级部门"})  # 4 characters: one edit at most
    assert meta == {}
    assert [d.code for d in problems] == ["D323"]


def test_strict_makes_a_slip_an_error_and_reads_nothing(form2021: Form) -> None:
    meta, problems = resolve_meta(form2021, {"agency": "某市", "level": "设区的市人民政府"}, strict=True)
    assert meta == {"agency": "某市"}
    (d,) = problems
    assert (d.code, d.severity, d.data_path) == ("D322", Severity.ERROR, "$.meta.level")
    assert hint(d, "zh") == "严格模式下不予读取，依赖它的规则无法检查；请改为“设区的市级人民政府”。"


def test_strict_leaves_an_exact_value_alone(form2021: Form) -> None:
    assert resolve_meta(form2021, {"level": "县级政府部门"}, strict=True) == ({"level": "县级政府部门"}, [])


@pytest.mark.parametrize("written", ["县政府", "火星人民政府", "县级", "开发区管委会"])
def test_an_unknown_value_is_a_warning_and_the_field_is_left_out(form2021: Form, written: str) -> None:
    meta, problems = resolve_meta(form2021, {"agency": "某机关", "level": written})
    assert meta == {"agency": "某机关"}
    (d,) = problems
    assert (d.code, d.severity, d.data_path) == ("D323", Severity.WARNING, "$.meta.level")
    assert message(d, "zh") == f"机关层级“{written}”不是表式列出的取值，依赖它的规则无法检查"
    for lang in LANGS:
        assert all(level in hint(d, lang) for level in LEVELS)


def test_an_ambiguous_value_names_the_candidates(form2021: Form) -> None:
    # 火星 is two characters from 省级, 县级 and 乡镇 alike: no guess
    _, problems = resolve_meta(form2021, {"level": "火星人民政府"})
    (d,) = problems
    assert hint(d, "zh").startswith("“省级人民政府”、“县级人民政府”、“乡镇人民政府”都同样相近，无法确定是哪一个；")


@pytest.mark.parametrize("meta", [{}, {"agency": "某机关"}, {"level": ""}, {"level": "  "}])
def test_missing_or_blank_is_passed_through(form2021: Form, meta: dict[str, str]) -> None:
    assert resolve_meta(form2021, meta) == (meta, [])


def test_a_form_without_declarations_reads_nothing() -> None:
    form = form_of("gov-disclosure-2017")
    assert resolve_meta(form, {"level": "火星人民政府"}) == ({"level": "火星人民政府"}, [])


def test_the_near_miss_no_longer_fires_the_guizhang_rule(form2021: Form) -> None:
    rule = next(r for r in form2021.rules if r.id.startswith("guizhang_level"))
    assert applicable(rule, {"level": "设区的市人民政府"})  # the false warning of free text
    meta, _ = resolve_meta(form2021, {"level": "设区的市人民政府"})
    assert not applicable(rule, meta)
    unknown, _ = resolve_meta(form2021, {"level": "火星人民政府"})
    assert not applicable(rule, unknown)  # left out: not checkable, never applied on a guess


# -- test strategies and the fill-in workbook --------------------------------------------------


@given(metas(form_of("gov-disclosure-2021")))
def test_generated_levels_come_from_the_vocabulary(meta: dict[str, str]) -> None:
    assert meta["level"] in LEVELS


def test_the_workbook_offers_the_levels_as_a_list(form2021: Form) -> None:
    wb = load_workbook(io.BytesIO(write_workbook(form2021).data))
    ws = wb["填表说明"]
    row = next(r for r in range(1, 10) if ws.cell(r, 3).value == "level")
    (dv,) = [dv for dv in ws.data_validations.dataValidation if f"B{row}" in dv.sqref]
    assert dv.type == "list"
    assert dv.formula1 == '"' + ",".join(LEVELS) + '"'


def test_the_2017_workbook_has_no_level_list() -> None:
    wb = load_workbook(io.BytesIO(write_workbook(form_of("gov-disclosure-2017")).data))
    assert not any(dv.type == "list" for dv in wb["填表说明"].data_validations.dataValidation)
