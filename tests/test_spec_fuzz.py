"""No spec text, however malformed, ends in a traceback: compiling gives a form, or at least one
error with a location inside the text."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from baobiao.diagnostics.core import Severity
from baobiao.diagnostics.render import LANGS, hint, message
from baobiao.pipeline import SpecResult, compile_source
from baobiao.source import Source
from baobiao.syntax.parser import build_parser

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TERMINAL_NAMES = ("NAME", "STRING", "NUMBER", "FORM_ID", "_NL", "_INDENT", "_DEDENT", "__ANON", "$END")


def compile_text(text: str) -> SpecResult:
    return compile_source(Source("fuzz.spec", text))


def assert_well_formed(text: str, result: SpecResult) -> None:
    """A form, or at least one error; every location inside the text; no raw names in the text."""
    diagnostics = result.report.diagnostics
    if result.form is None:
        assert any(d.severity is Severity.ERROR for d in diagnostics), diagnostics
    else:
        assert not any(d.severity is Severity.ERROR for d in diagnostics), diagnostics
    lines = text.count("\n") + 1
    for d in diagnostics:
        if d.span is not None:
            assert d.span.file == "fuzz.spec"
            assert 1 <= d.span.line <= lines, d
            assert d.span.column >= 1, d
        for lang in LANGS:
            shown = message(d, lang) + "\n" + hint(d, lang)
            assert not PLACEHOLDER.search(shown), shown
            for name in TERMINAL_NAMES:
                assert name not in shown, shown


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    assert_well_formed(text, compile_text(text))


FRAGMENTS = [
    "form",
    "section",
    "rule",
    "其中",
    "sum",
    "of",
    "=",
    ">=",
    "<=",
    "==",
    "≥",
    "<",
    "+",
    "-",
    "*",
    "(",
    ")",
    ",",
    "..",
    '"',
    '""',
    '"（一）收到申请数"',
    '"a\\"b"',
    "a-b",
    "gov-disclosure-2017",
    "received",
    "closed",
    "x",
    "件",
    "条",
    "万元",
    "斤",
    "signed",
    "integer",
    "decimal(2)",
    "decimal(0)",
    "version",
    "years",
    "note",
    "warning",
    "error",
    "2014",
    "0",
    "# comment",
    "\n",
    "\r\n",
]
INDENT = st.text(alphabet=" \t", min_size=1, max_size=6)
PIECE = st.one_of(st.sampled_from(FRAGMENTS), st.just("\n").flatmap(lambda nl: INDENT.map(lambda s: nl + s)))


@given(st.lists(PIECE, max_size=40), st.sampled_from([" ", ""]))
def test_grammarish_text_never_raises(pieces: list[str], joiner: str) -> None:
    text = joiner.join(pieces)
    assert_well_formed(text, compile_text(text))


@given(st.lists(PIECE, max_size=40).map(" ".join))
def test_grammarish_text_after_a_valid_header_never_raises(body: str) -> None:
    text = 'form a-b "t"\n' + body
    assert_well_formed(text, compile_text(text))


# The grammar's own sentences. _INDENT and _DEDENT come from the Indenter, not from text, so the
# strategy is told what to write for them; the result is often not valid (the indentation levels
# need not match up), so only "no traceback, well-formed diagnostics" is asserted.
GRAMMAR_TEXT = from_lark(
    build_parser(cache=False),  # from_lark reads the grammar, which a parser loaded from cache lacks
    explicit={
        "_INDENT": st.sampled_from(["\n  ", "\n    ", "\n\t"]),
        "_DEDENT": st.sampled_from(["\n", "\n  "]),
    },
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(GRAMMAR_TEXT)
def test_text_generated_from_the_grammar_never_raises(text: str) -> None:
    assert_well_formed(text, compile_text(text))
