"""Generated specs: `fmt` then parse gives the same model, and fmt is idempotent; arbitrary YAML
as data ends in diagnostics, never a traceback; `baobiao fuzz` catches a template mistake that
only some data reaches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from conftest import ROOT, CliResult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baobiao.instance.load import load_instance
from baobiao.pipeline import compile_source, load_spec
from baobiao.source import Source
from baobiao.syntax.printer import format_spec

Run = Callable[..., CliResult]

UNITS = ["条", "件", "次", "个", "人"]
LABELS = st.text(alphabet="甲乙丙丁戊己庚辛壬癸一二三（）、.：“”", min_size=1, max_size=12).filter(lambda s: s.strip())


@st.composite
def spec_texts(draw: st.DrawFn) -> str:
    """A valid spec: nested sections and indicators with sums and 其中 rows, rules, notes,
    comments, and sometimes a table."""
    counter = iter(range(10_000))
    lines = ['form gen-1 "生成的表式"', f"  years {draw(st.integers(2000, 2030))}.."]
    if draw(st.booleans()):
        lines.append('  note "（注：生成）"')
    ids: list[str] = []

    def indicator(depth: int, unit: str) -> None:
        name = f"x{next(counter)}"
        kids = draw(st.integers(0, 3)) if depth < 3 else 0
        total = " = sum" if kids else ""
        vt = draw(st.sampled_from(["", "", " signed", " decimal(2)"])) if not kids else ""
        lines.append("  " * depth + f'{name} "{draw(LABELS)}" {unit}{vt}{total}')
        ids.append(name)
        if draw(st.booleans()):
            lines.append("  " * (depth + 1) + f'note "{draw(LABELS)}"')
        for _ in range(kids):
            indicator(depth + 1, unit)
        if kids and draw(st.booleans()):
            part = f"x{next(counter)}"
            lines.append("  " * (depth + 1) + f'其中 {part} "{draw(LABELS)}" {unit}')
            ids.append(part)

    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            lines.append(f'section s{next(counter)} "{draw(LABELS)}"')
            for _ in range(draw(st.integers(1, 3))):
                indicator(1, draw(st.sampled_from(UNITS)))
        else:
            indicator(0, draw(st.sampled_from(UNITS)))
        if draw(st.booleans()):
            lines.append(f"# {draw(LABELS)}")
    for _ in range(draw(st.integers(0, 2))):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        op = draw(st.sampled_from(["=", "<=", ">=", "≤"]))
        sev = draw(st.sampled_from(["", " warning", " error"]))
        lines += [f'rule r{next(counter)}{sev} "{draw(LABELS)}"', f"  {a} + 2 * {b} {op} {b} - 0"]
    if draw(st.booleans()):  # a small table: a column total, a row total, a rule along the rows
        t = next(counter)
        lines += [
            f'table t{t} "表{t}" 件',
            '  note "角"',
            "  columns",
            f'    ca{t} "甲列"',
            f'    cb{t} "乙列"',
            f'    cs{t} "合计" = sum of ca{t}, cb{t}',
            "  rows",
            f'    ra{t} "甲行"',
            f'    rb{t} "乙行" = sum of ra{t}',
            f'  rule flow{t} "行的规则"',
            f"    ra{t} <= rb{t}",
        ]
    return "\n".join(lines) + "\n"


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(spec_texts())
def test_fmt_then_parse_gives_the_same_model(text: str) -> None:
    first = compile_source(Source("gen.spec", text))
    assert first.form is not None, [(d.code, dict(d.args)) for d in first.report.diagnostics]
    assert first.ast is not None
    printed = format_spec(first.ast)
    again = compile_source(Source("gen.spec", printed))
    assert again.form == first.form
    assert again.ast is not None and format_spec(again.ast) == printed


JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=30,
)


@given(JSONISH)
def test_arbitrary_yaml_as_data_ends_in_diagnostics(doc: object) -> None:
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    text = yaml.safe_dump(doc, allow_unicode=True)
    instance, problems = load_instance(form, Source("any.yaml", text))
    assert instance is not None or problems


@given(
    st.fixed_dictionaries(
        {"meta": st.dictionaries(st.sampled_from(["agency", "year", "form", "level"]), JSONISH, max_size=4)},
        optional={
            "values": st.dictionaries(
                st.sampled_from(
                    ["new", "三、收到和处理政府信息公开申请情况", "t4", "行政复议", "fees.fee_amount", "x"]
                ),
                JSONISH,
                max_size=4,
            ),
            "report": JSONISH,
        },
    )
)
def test_arbitrary_data_of_the_right_shape_ends_in_diagnostics(doc: dict[str, object]) -> None:
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    from baobiao.instance.check import check

    instance, _problems = load_instance(form, Source("any.yaml", yaml.safe_dump(doc, allow_unicode=True)))
    if instance is not None:
        check(form, instance)


def test_fuzz_finds_a_template_mistake_only_some_data_reaches(run_cli: Run, tmp_path: Path) -> None:
    base = (ROOT / "templates" / "base" / "report.txt.j2").read_text(encoding="utf-8")
    mistake = '{% if values["forward.total"] != "0" %}{{ signatur }}{% else %}{{ signature }}{% endif %}'
    folder = tmp_path / "tpl" / "gov-disclosure-2021"
    folder.mkdir(parents=True)
    (folder / "report.txt.j2").write_text(base.replace("{{ signature }}", mistake), encoding="utf-8")
    saved = tmp_path / "failing.yaml"
    args = ["fuzz", "gov-disclosure-2021", "--templates", str(folder.parent), "--to", "txt", "--out", str(saved)]
    result = run_cli(*args, "-n", "60")
    assert result.exit_code == 1
    assert "signatur" in result.stdout and "report.txt.j2, line" in result.stdout
    assert saved.is_file()
    # the saved instance is a data file that check accepts, and it reaches the branch
    assert run_cli("check", "gov-disclosure-2021", str(saved)).exit_code == 0
    assert (
        run_cli(
            "render",
            "gov-disclosure-2021",
            str(saved),
            "--templates",
            str(folder.parent),
            "--to",
            "txt",
            "--out",
            str(tmp_path / "out"),
        ).exit_code
        == 2
    )
    # and without the mistake, nothing is found
    assert (
        run_cli(
            "fuzz", "gov-disclosure-2021", "--to", "txt", "-n", "30", "--out", str(tmp_path / "none.yaml")
        ).exit_code
        == 0
    )
    assert not (tmp_path / "none.yaml").exists()
