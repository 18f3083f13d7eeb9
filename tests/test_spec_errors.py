"""Spec diagnostics: every S code from a small spec, at the token it is about, with a hint in
the user's words. The table of malformed syntax examples is tested entry by entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from baobiao.diagnostics.codes import CODES
from baobiao.diagnostics.core import Diagnostic, Severity
from baobiao.diagnostics.render import LANGS, hint, message
from baobiao.pipeline import compile_source
from baobiao.source import Source
from baobiao.syntax.parser import SYNTAX_EXAMPLES

ROOT = Path(__file__).resolve().parents[1]
SPEC_2017 = ROOT / "specs" / "gov-disclosure-2017.spec"

H = 'form a-b "t"\n'
# A two-by-two table.
T = 'table t "t" 件\n  columns\n    c1 "c1"\n    c2 "c2"\n  rows\n    r1 "r1"\n    r2 "r2"\n'

# Lark's internal names for tokens: a user must never see them.
TERMINAL_NAMES = ("NAME", "STRING", "NUMBER", "FORM_ID", "_NL", "_INDENT", "_DEDENT", "__ANON", "$END")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def diagnostics(text: str) -> tuple[Diagnostic, ...]:
    return compile_source(Source("t.spec", text)).report.diagnostics


def the_one(text: str, code: str) -> Diagnostic:
    found = [d for d in diagnostics(text) if d.code == code]
    assert found, f"{code} not reported; got {[d.code for d in diagnostics(text)]}"
    assert len(found) == 1, found
    return found[0]


# (case id, spec text, code, line, column of the offending token)
CASES = [
    ("S101-stray-unit-on-section", H + 'section s "t" 件\n', "S101", 2, 15),
    ("S101-bad-severity", H + 'rule r fatal "d"\n  a = b\n', "S101", 2, 8),
    ("S101-form-id-without-dash", 'form x "t"\n', "S101", 1, 6),
    ("S101-unclosed-paren", H + 'rule r "d"\n  (a = b\n', "S101", 3, 6),
    ("S102-unit-where-label-expected", H + "x 件\n", "S102", 2, 3),
    ("S102-section-without-label", H + "section s\n", "S102", 2, 10),
    ("S103-dedent-to-no-level", H + 'section s "t"\n    x "t" 件\n  y "t" 件\n', "S103", 4, 3),
    ("S103-header-attr", 'form a-b "t"\n  version "1"\n years 2014..\n', "S103", 3, 2),
    ("S104-unclosed-label", H + 'x "t 件\n', "S104", 2, 3),
    ("S104-unclosed-title", 'form a-b "t\n', "S104", 1, 10),
    ("S105-at-sign", H + 'x "t" 件 @\n', "S105", 2, 9),
    ("S105-semicolon", H + 'x "t" 件 ;\n', "S105", 2, 9),
    ("S106-indicator-first", 'x "t" 件\n', "S106", 1, 1),
    ("S106-empty-file", "", "S106", 1, 1),
    ("S107-two-operands", H + 'rule r "d"\n  a = b c\n', "S107", 3, 9),
    ("S107-no-left-side", H + 'rule r "d"\n  >= a\n', "S107", 3, 3),
    ("S108-body-not-indented", H + 'rule r "d"\nx "y" 件\n', "S108", 3, 1),
    ("S108-rule-at-end", H + 'rule r "d"\n', "S108", 2, 11),
    ("S109-tab", H + 'section s "t"\n\tx "t" 件\n', "S109", 3, 1),
    ("S109-space-then-tab", 'form a-b "t"\n \tversion "1"\n', "S109", 2, 2),
    ("S110-control-character", H + 'a "收到\x1b[31m数" 件\n', "S110", 2, 6),
    ("S111-misspelt-keyword", H + 'section s "t"\n  a "t" 件\nrule r warnng "d"\n  a >= 0\n', "S111", 4, 8),
    ("S201-unknown-in-rule", H + 'x "t" 件\nrule r "d"\n  x >= y\n', "S201", 4, 8),
    ("S201-unknown-in-sum-of", H + 'a "t" 件 = sum of b, c\n  b "u" 件\n', "S201", 2, 21),
    ("S201-unknown-group", H + 'a "t" 件\nrule r "d"\n  sum(grp) >= a\n', "S201", 4, 7),
    ("S202-indicator-twice", H + 'x "t" 件\nx "u" 件\n', "S202", 3, 1),
    ("S202-rule-reuses-id", H + 'a "t" 件\nrule a "d"\n  a >= 0\n', "S202", 3, 6),
    ("S203-sum-of-itself", H + 'x "t" 件 = sum of x\n', "S203", 2, 18),
    ("S203-rule-uses-itself", H + 'x "t" 件\nrule r "d"\n  r >= x\n', "S203", 4, 3),
    ("S204-two-sums-in-a-loop", H + 'a "t" 件 = sum of b\nb "u" 件 = sum of a\n', "S204", 3, 9),
    ("S205-part-in-other-unit", H + 'a "t" 件 = sum\n  b "u" 条\n', "S205", 3, 3),
    ("S206-unknown-unit", H + 'a "t" 斤\n', "S206", 2, 7),
    ("S206-no-unit", H + 'a "t"\n', "S206", 2, 3),
    ("S207-too-many-places", H + 'a "t" 万元 decimal(9)\n', "S207", 2, 18),
    ("S207-zero-places", H + 'a "t" 万元 decimal(0)\n', "S207", 2, 18),
    ("S208-sum-without-parts", H + 'a "t" 件 = sum\n', "S208", 2, 9),
    ("S209-heading-in-rule", H + 'section s "t"\n  a "t" 件\nrule r "d"\n  s >= a\n', "S209", 5, 3),
    ("S209-rule-in-rule", H + 'a "t" 件\nrule q "d"\n  a >= 0\nrule r "d"\n  q >= a\n', "S209", 6, 3),
    ("S209-sum-of-leaf", H + 'a "t" 件\nb "t" 件\nrule r "d"\n  sum(a) >= b\n', "S209", 5, 7),
    ("S209-part-under-heading", H + 'section s "t"\n  其中 a "t" 件\n', "S209", 3, 3),
    ("S210-reversed", 'form a-b "t"\n  years 2018..2014\n', "S210", 2, 3),
    ("S210-implausible-start", 'form a-b "t"\n  version "1"\n  years 1800..\n', "S210", 3, 3),
    ("S211-version-twice", 'form a-b "t"\n  version "1"\n  version "2"\n', "S211", 3, 3),
    ("S211-years-twice", 'form a-b "t"\n  years 2014..2018\n  years 2014..2019\n', "S211", 3, 3),
    ("S212-empty-label", H + 'a "" 件\n', "S212", 2, 3),
    ("S212-blank-section-label", H + 'section s "  "\n  a "t" 件\n', "S212", 2, 11),
    ("S213-rule-mixes-axes", H + T + '  rule r "d"\n    r1 >= c1\n', "S213", 10, 5),
    ("S213-sum-across-axes", H + T.replace('    c2 "c2"\n', '    c2 "c2" = sum of r1\n'), "S213", 5, 22),
    ("S214-edit-unknown-item", H + "  extends gov-disclosure-2017\nremove nosuch\n", "S214", 3, 8),
    ("S215-edit-without-extends", H + "remove x\n", "S215", 2, 1),
    ("S216-unknown-base", H + "  extends no-such-form\n", "S216", 2, 3),
    ("S218-rules-contradict", H + 'a "t" 件 = sum\n  b "u" 件\nrule r "d"\n  b >= a + 1\n', "S218", 2, 9),
    ("S217-plain-item-in-table-rule", H + 'a "x" 件\n' + T + '  rule r "d"\n    r1 >= a\n', "S217", 11, 11),
    (
        "S222-condition-value-not-declared",
        H + '  meta level "机关层级" in "县级人民政府", "设区的市级人民政府"\n'
        'x "t" 件\nrule r "d" when level in "设区的市人民政府"\n  x = 0\n',
        "S222",
        4,
        26,
    ),
    ("S223-duplicate-meta-value", H + '  meta level "L" in "a", "b",\n    "a"\n', "S223", 3, 5),
    ("S224-duplicate-meta-field", H + '  meta level "L" in "a"\n  meta level "M" in "b"\n', "S224", 3, 8),
    ("S230-spec-too-large", H + ("#" + "x" * 9_000 + "\n") * 240, "S230", 1, 1),
    ("S231-line-too-long", H + 'a "' + "长" * 10_000 + '" 件\n', "S231", 2, 10_001),
    (
        "S232-nesting-too-deep",
        H + "".join(f'{"  " * d}section s{d} "t"\n' for d in range(21)) + "  " * 21 + 'x "t" 件\n',
        "S232",
        23,
        43,
    ),
    ("S233-parentheses-too-deep", H + 'a "t" 件\nrule r "d"\n  a = ' + "(" * 21 + "a" + ")" * 21 + "\n", "S233", 4, 27),
    ("S234-expression-too-long", H + 'a "t" 件\nrule r "d"\n  a = ' + " + ".join(["a"] * 1001) + "\n", "S234", 4, 4007),
    (
        "S235-too-many-values",
        H
        + 'table t "t" 件\n  columns\n'
        + "".join(f'    c{k} "c"\n' for k in range(317))
        + "  rows\n"
        + "".join(f'    r{k} "r"\n' for k in range(317)),
        "S235",
        2,
        1,
    ),
    ("S237-number-too-long", H + 'a "t" 件\nrule r "d"\n  a <= ' + "9" * 16 + "\n", "S237", 4, 8),
]


LINT_ONLY = {"S219", "S220", "S221", "S236"}  # findings of `baobiao lint`, tested in test_lint.py


def test_every_spec_code_has_a_case() -> None:
    spec_codes = {c for c in CODES if c.startswith("S")} - LINT_ONLY
    assert spec_codes == {code for _, _, code, _, _ in CASES}


@pytest.mark.parametrize(("text", "code", "line", "column"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_spec_error_points_at_offending_token(text: str, code: str, line: int, column: int) -> None:
    result = compile_source(Source("t.spec", text))
    assert result.form is None
    d = the_one(text, code)
    assert d.severity is Severity.ERROR
    assert d.span is not None
    assert (d.span.file, d.span.line, d.span.column) == ("t.spec", line, column)


@pytest.mark.parametrize(("text", "code"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_spec_error_hint_speaks_the_users_words(text: str, code: str) -> None:
    d = the_one(text, code)
    for lang in LANGS:
        text_hint = hint(d, lang)
        assert text_hint.strip(), f"empty {lang} hint"
        for name in TERMINAL_NAMES:
            assert name not in text_hint, text_hint
    assert not PLACEHOLDER.search(hint(d, "zh"))


@pytest.mark.parametrize(("text", "code"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_spec_error_message_has_no_unfilled_placeholder(text: str, code: str) -> None:
    for d in diagnostics(text):
        for lang in LANGS:
            shown = message(d, lang)
            assert shown.strip()
            assert not PLACEHOLDER.search(shown), shown
            for name in TERMINAL_NAMES:
                assert name not in shown, shown


def test_unknown_name_suggests_the_close_id() -> None:
    text = H + 'received "收到" 件\nclosed "办结" 件\nrule r1 "d"\n  closed <= recieved\n'
    d = the_one(text, "S201")
    assert d.span is not None
    assert (d.span.line, d.span.column) == (5, 13)
    assert "recieved" in message(d, "zh")
    assert "received" in hint(d, "zh")
    assert "did you mean" in hint(d, "en")
    assert "received" in hint(d, "en")


def test_unknown_name_without_a_close_id_gets_no_wild_guess() -> None:
    text = H + 'received "收到" 件\nrule r1 "d"\n  received >= zzz\n'
    d = the_one(text, "S201")
    assert "did you mean" not in hint(d, "en")
    assert hint(d, "zh").strip()


def test_several_independent_errors_are_reported_in_one_run() -> None:
    text = (
        H
        + 'received "收到" 件\n'  # 2
        + 'closed "办结" 件\n'  # 3
        + 'received "又一个" 件\n'  # 4: duplicate id
        + 'rule r1 "d"\n'  # 5
        + "  closed <= recieved\n"  # 6: unknown name
        + 'rule r2 "d"\n'  # 7
        + "  answred = closed\n"  # 8: unknown name
    )
    result = compile_source(Source("t.spec", text))
    assert result.form is None
    found = {(d.code, d.span.line, d.span.column) for d in result.report.diagnostics if d.span}
    assert found == {("S202", 4, 1), ("S201", 6, 13), ("S201", 8, 3)}
    duplicate = next(d for d in result.report.diagnostics if d.code == "S202")
    assert [(r.span.line, r.span.column) for r in duplicate.related] == [(2, 1)]


EXAMPLE_PAIRS = [(code, text) for code, texts in SYNTAX_EXAMPLES.items() for text in texts]


@pytest.mark.parametrize(("code", "text"), EXAMPLE_PAIRS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(EXAMPLE_PAIRS)])
def test_every_syntax_example_is_classified_to_its_code(code: str, text: str) -> None:
    d = the_one(text, code)
    assert d.span is not None
    assert d.span.line >= 1
    assert d.span.column >= 1
    for lang in LANGS:
        assert not PLACEHOLDER.search(message(d, lang))
        shown_hint = hint(d, lang)
        assert shown_hint.strip()
        assert not any(name in shown_hint for name in TERMINAL_NAMES)


# The same mistakes further down a file, after other items: the classification must not depend
# on what came before the line.
LATER_IN_FILE = [
    ("S102-second-indicator", H + 'x "t" 件\ny 件\n', "S102", 3, 3),
    ("S102-after-sibling-in-section", H + 'section s "t"\n  x "t" 件\n  y 件\n', "S102", 4, 5),
    ("S102-other-part", H + 'x "t" 件 = sum\n  y 件\n', "S102", 3, 5),
    ("S107-after-indicator", H + 'x "t" 件\nrule r "d"\n  x +\n', "S107", 4, 6),
    ("S107-operand-missing-after-indicator", H + 'x "t" 件\nrule r "d"\n  x\n', "S107", 4, 4),
    ("S108-after-indicator", H + 'x "t" 件\nrule r "d"\nx "y" 件\n', "S108", 4, 1),
    ("S108-at-end-after-indicator", H + 'x "t" 件\nrule r "d"\n', "S108", 3, 11),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "column"), [c[1:] for c in LATER_IN_FILE], ids=[c[0] for c in LATER_IN_FILE]
)
def test_syntax_mistake_later_in_file_gets_the_same_code(text: str, code: str, line: int, column: int) -> None:
    d = the_one(text, code)
    assert d.span is not None
    assert (d.span.line, d.span.column) == (line, column)


# Mistakes a policy officer makes while editing the built-in 2017 spec: (old line, new line).
EDITS_2017 = [
    ("S102-label-deleted", '    gazette "1.政府公报公开政府信息数" 条', "    gazette 条", "S102", 16, 13),
    ("S107-right-side-deleted", "    sum(channels) >= published", "    sum(channels) >=", "S107", 22, 21),
    ("S108-body-deleted", "    closed <= received\n", "", "S108", 64, 3),
    ("S201-misspelt-id", "    closed <= received", "    closed <= recieved", "S201", 64, 15),
    ("S103-one-space-short", '    fax "2.传真申请数" 件', '   fax "2.传真申请数" 件', "S103", 41, 4),
]


@pytest.mark.parametrize(
    ("old", "new", "code", "line", "column"), [c[1:] for c in EDITS_2017], ids=[c[0] for c in EDITS_2017]
)
def test_mistake_in_builtin_spec_is_classified(old: str, new: str, code: str, line: int, column: int) -> None:
    original = SPEC_2017.read_text(encoding="utf-8")
    assert original.count(old) == 1
    d = the_one(original.replace(old, new), code)
    assert d.span is not None
    assert (d.span.line, d.span.column) == (line, column)


def test_the_grammar_has_no_conflicts_or_collisions() -> None:
    """Lark's strict mode (with interegular) refuses shift/reduce conflicts and terminals that
    can match the same text; the run-time parser is built without it, from a cache."""
    from baobiao.syntax.parser import build_parser

    assert build_parser(strict=True, cache=False) is not None
