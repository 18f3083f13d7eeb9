"""The limits of a spec (README, "Spec limits") and hostile specs: nothing a spec holds reaches a
recursion limit or runs long. Each limit is a spec diagnostic with its location and a hint that
names the limit; every hostile spec ends in a form or diagnostics within 5 s and 500 MB, never a
traceback; `lint` stops at its time budget and says so."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lark import Token, Tree

from baobiao.diagnostics.core import Severity
from baobiao.diagnostics.render import LANGS, hint, message
from baobiao.instance.load import load_instance
from baobiao.model.lint import lint
from baobiao.pipeline import compile_source, load_spec
from baobiao.source import Source
from baobiao.syntax import ast
from baobiao.syntax.build import AstBuilder
from baobiao.syntax.limits import (
    MAX_DEPTH,
    MAX_EXTENDS,
    MAX_LINE_CHARS,
    MAX_NUMBER_DIGITS,
    MAX_PARENS,
    MAX_SPEC_BYTES,
    MAX_SPEC_WORDS,
    MAX_TERMS,
    MAX_VALUES,
)
from baobiao.syntax.parser import build_parser, parse
from baobiao.syntax.printer import format_spec

H = 'form t-1 "测试"\n'
AB = 'a "甲" 件\nb "乙" 件\n'


def nested_sections(levels: int) -> str:
    lines = [f'{"  " * d}section s{d} "第{d}层"' for d in range(levels)]
    return H + "\n".join(lines) + "\n" + "  " * levels + 'x "末" 件\n'


def rule_of(expr: str) -> str:
    return H + AB + f'rule r "规则"\n  a = {expr}\n'


def square_table(n: int) -> str:
    columns = "".join(f'    c{k} "列{k}"\n' for k in range(n))
    rows = "".join(f'    r{k} "行{k}"\n' for k in range(n))
    return H + f'table t "表" 件\n  columns\n{columns}  rows\n{rows}'


# (case, text, code, line, column, the limit as the hint names it)
LIMITS = [
    ("file size", H + ("#" + "x" * 9_000 + "\n") * 240, "S230", 1, 1, f"{MAX_SPEC_BYTES:,}"),
    ("words", H + "".join(f'a{k} "甲" 件\n' for k in range(MAX_SPEC_WORDS // 3 + 1)), "S230", 40_000, 1, "120,000"),
    ("line length", H + 'a "' + "长" * MAX_LINE_CHARS + '" 件\n', "S231", 2, MAX_LINE_CHARS + 1, "10,000"),
    ("nesting", nested_sections(MAX_DEPTH + 1), "S232", MAX_DEPTH + 3, 2 * MAX_DEPTH + 3, str(MAX_DEPTH)),
    ("parentheses", rule_of("(" * (MAX_PARENS + 1) + "b" + ")" * (MAX_PARENS + 1)), "S233", 5, 27, str(MAX_PARENS)),
    ("terms", rule_of(" + ".join(["b"] * (MAX_TERMS + 1))), "S234", 5, 4 * MAX_TERMS + 7, f"{MAX_TERMS:,}"),
    ("values", square_table(317), "S235", 2, 1, f"{MAX_VALUES:,}"),
    ("digits", rule_of("b + " + "9" * (MAX_NUMBER_DIGITS + 1)), "S237", 5, 11, str(MAX_NUMBER_DIGITS)),
    ("digits of a factor", rule_of("0." + "0" * MAX_NUMBER_DIGITS + "1 * b"), "S237", 5, 7, str(MAX_NUMBER_DIGITS)),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "limit"), [c[1:] for c in LIMITS], ids=[c[0] for c in LIMITS]
)
def test_a_limit_is_a_spec_error_that_names_it(text: str, code: str, line: int, column: int, limit: str) -> None:
    result = compile_source(Source("t.spec", text))
    assert result.form is None
    found = [d for d in result.report.diagnostics if d.code == code]
    assert len(found) == 1, [d.code for d in result.report.diagnostics]
    d = found[0]
    assert d.severity is Severity.ERROR
    assert d.span is not None and (d.span.file, d.span.line, d.span.column) == ("t.spec", line, column)
    for lang in LANGS:
        assert limit in hint(d, lang) or limit in message(d, lang), (lang, message(d, lang), hint(d, lang))
        assert "{" not in message(d, lang) + hint(d, lang)


def test_up_to_the_limits_a_spec_compiles() -> None:
    assert compile_source(Source("t.spec", nested_sections(MAX_DEPTH))).form is not None
    assert compile_source(Source("t.spec", rule_of("(" * MAX_PARENS + "b" + ")" * MAX_PARENS))).form is not None
    assert compile_source(Source("t.spec", rule_of(" + ".join(["b"] * MAX_TERMS)))).form is not None
    assert compile_source(Source("t.spec", rule_of("9" * MAX_NUMBER_DIGITS + " * b"))).form is not None


def test_a_long_chain_is_flat_and_compares_without_recursion() -> None:
    spec, problems = parse(Source("t.spec", rule_of(" - ".join(["b"] * MAX_TERMS))))
    assert spec is not None and not problems
    rule = spec.items[-1]
    assert isinstance(rule, ast.RuleDecl) and isinstance(rule.constraint.right, ast.Chain)
    assert len(rule.constraint.right.rest) == MAX_TERMS - 1
    again, _ = parse(Source("u.spec", format_spec(spec)))
    assert again == spec  # dataclass equality walks the tree: it must be shallow


def test_every_rule_of_the_grammar_has_a_builder_method() -> None:
    """The builder calls a method per rule by name (an alias, or the rule's own name); helper
    rules (_x) and rules written with ? that have one child are inlined by the parser."""
    missing = set()
    for rule in build_parser(cache=False).rules:
        name = str(rule.alias or rule.origin.name)
        kept = [sym for sym in rule.expansion if not (sym.is_term and (sym.filter_out or sym.name.startswith("_")))]
        inlined = name.startswith("_") or (not rule.alias and rule.options.expand1 and len(kept) == 1)
        if not inlined and not hasattr(AstBuilder, name):
            missing.add(name)
    assert not missing


def test_the_builder_walks_a_deep_tree_without_recursion() -> None:
    leaf = Tree("const", [Token("NUMBER", "1")])
    tree = leaf
    for _ in range(5 * sys.getrecursionlimit()):
        tree = Tree("negated", [tree])
    built = AstBuilder(Source("t.spec", "")).build(Tree("constraint", [tree, "=", leaf]))  # type: ignore[list-item]
    assert isinstance(built, ast.Constraint)


def test_cycles_one_per_loop_named_shortly() -> None:
    loop = "".join(f'a{k} "甲{k}" 件 = sum of a{(k + 1) % 1000}\n' for k in range(1000))
    other = 'x "x" 件 = sum of y\ny "y" 件 = sum of x\n'
    result = compile_source(Source("t.spec", H + loop + other))
    cycles = [d for d in result.report.diagnostics if d.code == "S204"]
    assert len(cycles) == 2
    texts = sorted(message(d, "en") for d in cycles)
    assert texts[0].endswith("a0 → a1 → a2 → a3 → a4 → a5 → … (992 more) … → a998 → a999 → a0")
    assert texts[1].endswith("x → y → x")


def test_lint_stops_at_its_budget_and_says_so() -> None:
    text = (
        H
        + 'a "甲" 件 = sum\n  b "乙" 件\n  c "丙" 件\nrule r1 "乙不多于甲"\n  b <= a\nrule r2 "丙不多于甲"\n  c <= a\n'
    )
    form = compile_source(Source("t.spec", text)).form
    assert form is not None
    stopped = [d for d in lint(form, budget=0.0) if d.code == "S236"]
    assert len(stopped) == 1 and stopped[0].severity is Severity.NOTE
    assert "0 of 3 rules" in message(stopped[0], "en")
    full = lint(form, budget=None)
    assert "S236" not in [d.code for d in full]
    assert sorted(str(d.args["rule_id"]) for d in full if d.code == "S220") == ["r1", "r2"]


def test_the_builtin_forms_are_linted_within_the_default_budget() -> None:
    for name in ("gov-disclosure-2017", "gov-disclosure-2019", "gov-disclosure-2021"):
        form = load_spec(name).form
        assert form is not None
        assert "S236" not in [d.code for d in lint(form)]


# Hostile specs, each run in a child process that reports its CPU time and memory. A case
# names the spec and what it expects: a form (True), or the codes reported.
HOSTILE = textwrap.dedent(
    r"""
    import json, resource, sys, time
    from baobiao.model.lint import lint
    from baobiao.pipeline import compile_source
    from baobiao.source import Source
    from baobiao.syntax.printer import format_spec
    from baobiao.testing.mutate import peak_memory_mb

    H = 'form t-1 "测试"\n'
    AB = 'a "甲" 件\nb "乙" 件\n'

    def big(n, per=20):
        out = [H]
        for s in range(n // per):
            out.append(f'section s{s} "节{s}"\n  t{s} "合计{s}" 件 = sum\n')
            out += [f'    v{s}_{j} "项{s}_{j}" 件\n' for j in range(per - 1)]
            if s % 10 == 0:
                out.append(f'  rule r{s} "规则{s}"\n    v{s}_0 <= t{s}\n')
        return "".join(out)

    def table(n):
        cols = "".join(f'    c{k} "列{k}"\n' for k in range(n - 1))
        rows = "".join(f'    r{k} "行{k}"\n' for k in range(n - 1))
        cs = ", ".join(f"c{k}" for k in range(n - 1))
        rs = ", ".join(f"r{k}" for k in range(n - 1))
        return H + (f'table t "表" 件\n  columns\n{cols}    ct "合计" = sum of {cs}\n'
                    f'  rows\n{rows}    rt "合计" = sum of {rs}\n')

    CASES = {
        "nesting 500 deep": H + "".join(f'{"  " * d}section s{d} "标{d}"\n' for d in range(500)),
        "500 terms": H + AB + 'rule r "d"\n  a = ' + " + ".join(["b"] * 500) + "\n",
        "minus 500 deep": H + AB + 'rule r "d"\n  a = ' + "-(" * 500 + "b" + ")" * 500 + "\n",
        "sum chain of 1,000": H + "".join(f'a{i} "甲{i}" 件 = sum of a{i + 1}\n' for i in range(1000))
        + 'a1000 "末" 件\n',
        "sum cycle of 1,000": H + "".join(f'a{i} "甲{i}" 件 = sum of a{(i + 1) % 1000}\n' for i in range(1000)),
        "a rule on one long line": H + AB + 'rule r "d"\n  a = ' + " + ".join(["b"] * 100_000) + "\n",
        "20,000 notes": H + 'a "a" 件\n' + "".join(f'  note "注{i}"\n' for i in range(20_000)),
        "20,000 comments": H + "".join(f'# c{i}\na{i} "a" 件  # t{i}\n' for i in range(20_000)),
        "6,000 unknown names": H + "".join(f'a{i} "甲{i}" 件\n' for i in range(12_000))
        + "".join(f'rule r{i} "d"\n  zz{i} >= a{i}\n' for i in range(6_000)),
        "20,000 indicators": big(20_000),
        "300 x 300 table": table(300),
        "1,000 x 1,000 table": table(1000),
    }
    LINT = {"20,000 indicators", "300 x 300 table"}
    out = {}
    name = sys.argv[1]
    start = time.process_time()
    result = compile_source(Source("h.spec", CASES[name]))
    if result.ast is not None:
        format_spec(result.ast)
    codes = sorted({d.code for d in result.report.diagnostics})
    out[name] = {"form": result.form is not None, "codes": codes, "seconds": time.process_time() - start}
    if name in LINT and result.form is not None:
        start = time.process_time()
        found = lint(result.form)
        seconds = time.process_time() - start
        out[name + ", lint"] = {"form": True, "codes": sorted({d.code for d in found}), "seconds": seconds}
    memory = peak_memory_mb()  # its own peak, not the parent's (ru_maxrss survives execve)
    for case in out.values():
        case["memory MB"] = memory
    print(json.dumps(out))
    """
)

EXPECTED: dict[str, bool | list[str]] = {
    "nesting 500 deep": ["S232"],
    "500 terms": True,
    "minus 500 deep": ["S233"],
    "sum chain of 1,000": True,
    "sum cycle of 1,000": ["S204"],
    "a rule on one long line": ["S231"],
    "20,000 notes": True,
    "20,000 comments": True,
    "6,000 unknown names": ["S201"],
    "20,000 indicators": True,
    "20,000 indicators, lint": True,
    "300 x 300 table": True,
    "300 x 300 table, lint": True,
    "1,000 x 1,000 table": ["S235"],
}


@pytest.fixture(scope="module")
def hostile() -> dict[str, dict[str, object]]:
    """Each case in a process of its own (two at a time), so that its memory is its own."""

    def run(case: str) -> dict[str, dict[str, object]]:
        done = subprocess.run(
            [sys.executable, "-c", HOSTILE, case], capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0 and done.stdout, done.stderr[-3000:]
        found: dict[str, dict[str, object]] = json.loads(done.stdout)
        return found

    report: dict[str, dict[str, object]] = {}
    with ThreadPoolExecutor(2) as pool:
        for found in pool.map(run, [c for c in EXPECTED if not c.endswith(", lint")]):
            report.update(found)
    return report


@pytest.mark.parametrize("case", list(EXPECTED))
def test_a_hostile_spec_ends_in_a_form_or_diagnostics_within_5_seconds(
    hostile: dict[str, dict[str, object]], case: str
) -> None:
    got = hostile[case]
    expected = EXPECTED[case]
    if expected is True:
        assert got["form"], got
        assert not [c for c in got["codes"] if c not in ("S220", "S221", "S236")], got  # type: ignore[attr-defined]
    else:
        assert not got["form"] and got["codes"] == expected, got
    assert float(got["seconds"]) < 5.0, got  # type: ignore[arg-type]


@pytest.mark.parametrize("case", list(EXPECTED))
def test_a_hostile_spec_stays_within_500_mb(hostile: dict[str, dict[str, object]], case: str) -> None:
    """The peak memory of the process that compiled (and linted) the case, the interpreter and
    baobiao's imports included."""
    assert float(hostile[case]["memory MB"]) < 500, hostile[case]  # type: ignore[arg-type]


def test_a_chain_of_extends_stops_at_its_limit(tmp_path: Path) -> None:
    """Each spec extends the next, 12 deep: the chain is refused where it passes MAX_EXTENDS
    (S216, naming the limit), never followed until Python's recursion limit."""
    for k in range(12):
        base = f'  extends "s{k + 1}.spec"\n' if k < 11 else ""
        (tmp_path / f"s{k}.spec").write_text(f'form s{k}-1 "第{k}层"\n{base}a{k} "甲{k}" 件\n', encoding="utf-8")
    result = load_spec(str(tmp_path / "s0.spec"))
    assert result.form is None
    problems = [d for d in result.report.diagnostics if d.code == "S216"]
    assert problems and any(f"上限 {MAX_EXTENDS} 层" in message(d, "zh") for d in problems)
    short = load_spec(str(tmp_path / f"s{12 - MAX_EXTENDS}.spec"))  # exactly MAX_EXTENDS forms
    assert short.form is not None and short.form.item("a11") is not None


def test_a_data_file_of_the_largest_form_the_limits_admit_is_read_whole() -> None:
    """The data file's own limits (events of the YAML parser) admit every cell of the largest
    table a spec may define: a form the spec limits accept is never one whose data is refused."""
    n = int(MAX_VALUES**0.5)
    result = compile_source(Source("t.spec", square_table(n)))
    assert result.form is not None, result.report.diagnostics[:3]
    rows = "".join(f"  r{i}: {{{', '.join(f'c{j}: {(i + j) % 7}' for j in range(n))}}}\n" for i in range(n))
    data = "meta:\n  agency: 某县人民政府办公室\n  year: 2024\nvalues:\n" + rows
    instance, problems = load_instance(result.form, Source("d.yaml", data))
    assert instance is not None, [d.code for d in problems]
    assert [d for d in problems if d.severity is Severity.ERROR] == []
    assert len(instance.values) == n * n
    assert instance.values["r3.c5"].number == 1 and instance.values[f"r{n - 1}.c{n - 1}"].number == (2 * n - 2) % 7
