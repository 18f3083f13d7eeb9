"""Spec text -> AST, with syntax errors in the user's words.

Friendly messages come from a table of malformed examples (Lark's ``match_examples``): an
error is classified by the parser state it occurs in. Every entry of the table has a test.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gc
import math
import re
import threading
from collections.abc import Iterator
from typing import ClassVar

from lark import Lark, Token, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.indenter import DedentError, Indenter

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.resources import data_dir
from baobiao.source import UNSAFE, Source, Span, escape_unsafe
from baobiao.syntax import ast
from baobiao.syntax.build import AstBuilder
from baobiao.syntax.limits import MAX_DEPTH, MAX_LINE_CHARS, MAX_PARENS, MAX_SPEC_BYTES, MAX_SPEC_WORDS


class _SpecIndenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types: ClassVar[list[str]] = []
    CLOSE_PAREN_types: ClassVar[list[str]] = []
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 8

    def __init__(self) -> None:
        super().__init__()
        self.last_newline: Token | None = None

    def handle_NL(self, token: Token) -> Iterator[Token]:
        self.last_newline = token
        yield from super().handle_NL(token)


_INDENTER = _SpecIndenter()
#: Lark's parser keeps its post-lexer (the indenter above, with its stack of indentation levels)
#: between calls: one parse at a time, or threads would read each other's indentation
_PARSING = threading.Lock()


def build_parser(strict: bool = False, cache: bool = True) -> Lark:
    """The LALR parser of the spec language. ``strict`` makes Lark refuse any shift/reduce
    conflict or terminal collision (a test builds it so); at run time the analysis is cached
    (Lark's cache, keyed by the grammar's hash), which makes starting ten times faster."""
    grammar = (data_dir("grammar") / "baobiao.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        postlex=_INDENTER,
        propagate_positions=True,
        maybe_placeholders=True,
        strict=strict,
        cache=cache,
    )


@functools.cache
def _parser() -> Lark:
    return build_parser()


# Malformed examples, by the diagnostic code they should produce. Each entry is tested.
SYNTAX_EXAMPLES: dict[str, list[str]] = {
    "S106": [
        'x "t" 件\n',
        'section s "t"\n',
        '"t"\n',
        "\n",
        'rule r "d"\n  a = b\n',
    ],
    "S102": [
        'form a-b "t"\nx 件\n',
        'form a-b "t"\nx\n',
        'form a-b "t"\nsection s "t"\n  x 件\n',
        'form a-b "t"\nsection s "t"\n  y "t" 件\n    x 件\n',
        'form a-b "t"\nx = sum\n',
        'form a-b "t"\nsection s\n',
        'form a-b "t"\nsection s "t"\n  其中 x 件\n',
    ],
    "S107": [
        'form a-b "t"\nrule r "d"\n  a +\n',
        'form a-b "t"\nrule r "d"\n  a >=\n',
        'form a-b "t"\nrule r "d"\n  a b\n',
        'form a-b "t"\nrule r "d"\n  a\n',
        'form a-b "t"\nrule r "d"\n  a = b +\n',
        'form a-b "t"\nrule r "d"\n  a = b c\n',
        'form a-b "t"\nrule r "d"\n  >= a\n',
    ],
    "S108": [
        'form a-b "t"\nrule r "d"\nx "y" 件\n',
        'form a-b "t"\nrule r "d"\n',
        'form a-b "t"\nsection s "t"\n  rule r "d"\n  x "y" 件\n',
        'form a-b "t"\nrule r warning "d"\nx "y" 件\n',
        'form a-b "t"\nrule r error "d"\n',
    ],
}

# What each token kind is called in messages.
_TOKEN_WORDS: dict[str, dict[str, str]] = {
    "NAME": {"zh": "编号", "en": "an id"},
    "STRING": {"zh": "带引号的名称", "en": "a quoted label"},
    "NUMBER": {"zh": "数字", "en": "a number"},
    "FORM_ID": {"zh": "表式编号（如 gov-disclosure-2017）", "en": "a form id (like gov-disclosure-2017)"},
    "_NL": {"zh": "行尾", "en": "the end of the line"},
    "_INDENT": {"zh": "多出的缩进", "en": "an indented line"},
    "_DEDENT": {"zh": "缩进结束", "en": "the end of an indented block"},
    "$END": {"zh": "文件结尾", "en": "the end of the file"},
}


def describe_token(kind: str, value: str | None, lang: str) -> str:
    """A token kind (and value) in the user's words."""
    words = _TOKEN_WORDS.get(kind)
    if words is None:
        literal = value
        try:
            pattern = _parser().get_terminal(kind).pattern
            if pattern.type == "str":
                literal = pattern.value
        except KeyError:
            pass
        return f"“{literal}”" if lang == "zh" else f"'{literal}'"
    text = words.get(lang, words["en"])
    if value and kind in ("NAME", "STRING", "NUMBER", "FORM_ID"):
        return f"{text} {value}"
    return text


def _expected_words(expected: set[str], lang: str) -> str:
    names = sorted({describe_token(k, None, lang) for k in expected if k != "$END"})
    if "$END" in expected:
        names.append(describe_token("$END", None, lang))
    return "、".join(names) if lang == "zh" else ", ".join(names)


_QUOTE_RUN = re.compile(r'"([^"\\\n]|\\.)*"')


def extract_comments(text: str, file: str = "") -> tuple[ast.Comment, ...]:
    """The ``#`` comments of a spec, found outside quoted strings (``file``: its source's name)."""
    out: list[ast.Comment] = []
    for n, line in enumerate(text.split("\n"), start=1):
        stripped = _QUOTE_RUN.sub(lambda m: " " * len(m.group(0)), line)
        pos = stripped.find("#")
        if pos >= 0:
            out.append(ast.Comment(line[pos:].rstrip(), n, not line[:pos].strip(), file))
    return tuple(out)


_PAREN = re.compile(r"[()]")
_WORD = re.compile(r"\w+|[^\w\s]")  # outside quotes: an id, a number, a keyword or a symbol


def _prescan(source: Source) -> list[Diagnostic]:
    """Line-level problems found before parsing: the spec's size, long lines, tabs in
    indentation, unclosed quotes, indentation and parentheses nested beyond the limits.

    Indentation levels are counted as the parser's indenter counts them (blank lines and lines
    holding only a comment do not count), so that no syntax tree is deeper than ``MAX_DEPTH``
    blocks and ``MAX_PARENS`` parentheses."""
    size = len(source.text.encode("utf-8"))
    if size > MAX_SPEC_BYTES:
        limit = f"{MAX_SPEC_BYTES:,}"
        return [diag("S230", source.point(1, 1), size=f"{size:,}", limit=limit, unit="字节", unit_en="bytes")]
    problems: list[Diagnostic] = []
    widths = [0]  # the indentation of each open level
    too_deep = False
    words = 0
    for n, line in enumerate(source.text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            length, limit = f"{len(line):,}", f"{MAX_LINE_CHARS:,}"
            problems.append(diag("S231", source.point(n, MAX_LINE_CHARS + 1), length=length, limit=limit))
            continue
        unsafe = UNSAFE.search(line.rstrip("\r"))
        if unsafe is not None:
            problems.append(diag("S110", source.point(n, unsafe.start() + 1), chars=escape_unsafe(unsafe.group())))
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            problems.append(diag("S109", source.point(n, line.index("\t") + 1)))
        stripped, strings = _QUOTE_RUN.subn(lambda m: " " * len(m.group(0)), line) if '"' in line else (line, 0)
        hash_at = stripped.find("#")
        code_part = stripped if hash_at < 0 else stripped[:hash_at]
        if strings and hash_at >= 0:  # quotes in a comment are no label
            strings = len(_QUOTE_RUN.findall(line[:hash_at]))
        words += strings + len(_WORD.findall(code_part))
        if words > MAX_SPEC_WORDS:
            limit = f"{MAX_SPEC_WORDS:,}"
            unit, unit_en = "个词和符号", "words and symbols"
            return [diag("S230", source.point(n, 1), size=f"> {limit}", limit=limit, unit=unit, unit_en=unit_en)]
        if '"' in code_part:
            col = code_part.index('"') + 1
            problems.append(diag("S104", source.point(n, col, len(line) - col + 1)))
        if not code_part.strip():
            continue
        while indent < widths[-1]:
            widths.pop()
        if indent > widths[-1]:
            widths.append(indent)
        if len(widths) - 1 > MAX_DEPTH and not too_deep:  # once per run of lines too deep
            problems.append(diag("S232", source.point(n, indent + 1), depth=str(len(widths) - 1), limit=str(MAX_DEPTH)))
        too_deep = len(widths) - 1 > MAX_DEPTH
        if "(" in code_part:
            problems.extend(_parentheses(source, n, code_part))
    return problems


def _parentheses(source: Source, n: int, code: str) -> list[Diagnostic]:
    depth = 0
    for m in _PAREN.finditer(code):
        depth += 1 if m.group() == "(" else -1
        if depth > MAX_PARENS:
            return [diag("S233", source.point(n, m.start() + 1), depth=str(depth), limit=str(MAX_PARENS))]
    return []


def _token_span(source: Source, tok: Token) -> Span:
    if tok.type in ("_INDENT", "_DEDENT") and tok.end_line is not None:
        return source.point(tok.end_line, tok.end_column or 1)
    if tok.line is None:  # $END
        last = source.text.rstrip("\n").count("\n") + 1
        return source.point(last, len(source.line_text(last)) + 1)
    column = tok.column or 1
    width = max(1, (tok.end_column or column + 1) - column) if tok.end_line == tok.line else 1
    return source.point(tok.line, column, width)


def _state_key(exc: UnexpectedInput) -> tuple[object, frozenset[str]] | None:
    """What identifies an error for classification: the parser state it happened in and the
    tokens that were acceptable there, but not the depth of the stack (Lark's own
    ``match_examples`` compares whole stacks, so an example would only match at its depth)."""
    state = getattr(exc, "state", None)
    if state is None:
        return None
    accepts = getattr(exc, "accepts", None) or getattr(exc, "expected", None) or ()
    return state.position, frozenset(str(a) for a in accepts)


@functools.cache
def _example_keys() -> dict[tuple[object, frozenset[str]], str]:
    keys: dict[tuple[object, frozenset[str]], str] = {}
    for code, examples in SYNTAX_EXAMPLES.items():
        for text in examples:
            try:
                _parser().parse(text)
            except UnexpectedInput as exc:
                key = _state_key(exc)
                if key is not None:
                    keys.setdefault(key, code)
    return keys


def _classify(exc: UnexpectedInput) -> str | None:
    key = _state_key(exc)
    return _example_keys().get(key) if key is not None else None


_RULE_HEAD = re.compile(r"^\s*rule\s+(\w+)")


def _name_before(source: Source, span: Span, rule: bool) -> str:
    """The id the error is about: the word before it, or (rule=True) the last rule's id."""
    if rule:
        for n in range(span.line, 0, -1):
            m = _RULE_HEAD.match(source.line_text(n))
            if m:
                return m.group(1)
        return ""
    words = source.line_text(span.line)[: span.column - 1].split()
    return words[-1] if words else ""


@functools.cache
def keywords() -> tuple[str, ...]:
    """The keywords of the language (form, section, relabel, …), from the grammar."""
    literals = (t.pattern.value for t in _parser().terminals if t.pattern.type == "str")
    return tuple(sorted({w for w in literals if isinstance(w, str) and w.isidentifier()}))


_FIRST_WORD = re.compile(r"\s*([^\W\d]\w*)")
SLIP_REPARSES = 3  # at most this many re-readings of the spec to confirm a misspelt keyword


def _error_at(exc: UnexpectedInput) -> tuple[float, float]:
    """Where a parse failed, (line, column); the end of the text for a token without a position."""
    if isinstance(exc, UnexpectedToken) and exc.token.line is None:
        return (math.inf, math.inf)
    if isinstance(exc, UnexpectedEOF) or exc.line is None or exc.line < 0:
        return (math.inf, math.inf)
    return (exc.line, exc.column or 0)


def _keyword_slip(source: Source, text: str, exc: UnexpectedInput) -> Diagnostic | None:
    """S111 when the error comes from a misspelt keyword (``relable`` for ``relabel``): the word
    at the error or first on its line, not a keyword but spelt like one, such that the spec read
    again with the keyword in its place gets past the error's line. None otherwise."""
    where = _error_at(exc)
    if where[0] == math.inf:
        return None
    line_no = int(where[0])
    line = source.line_text(line_no)
    words: list[tuple[int, str]] = []  # (column, word)
    if isinstance(exc, UnexpectedToken) and exc.token.type == "NAME" and exc.token.column is not None:
        words.append((exc.token.column, str(exc.token)))
    first = _FIRST_WORD.match(line)
    if first is not None and all(col != first.start(1) + 1 for col, _ in words):
        words.append((first.start(1) + 1, first.group(1)))
    tries = 0
    for col, word in words:
        if word in keywords():
            continue
        for keyword in difflib.get_close_matches(word, keywords(), n=2, cutoff=0.6):
            if tries >= SLIP_REPARSES:
                return None
            tries += 1
            fixed = line[: col - 1] + keyword + line[col - 1 + len(word) :]
            window, at = _window(text.split("\n"), line_no - 1, fixed)
            try:
                _parser().parse(window)
            except UnexpectedInput as again:  # read on, but not past the line: not this
                if _error_at(again)[0] <= at:
                    continue
            except DedentError:
                continue
            return diag("S111", source.point(line_no, col, len(word)), word=word, keyword=keyword, fixed=fixed.strip())
    return None


def _window(lines: list[str], index: int, fixed: str) -> tuple[str, int]:
    """The part of a spec to read again with line ``index`` (0-based) replaced by ``fixed``: the
    form header, then the top-level item the line is in, up to the next one (so that a large
    spec is not read whole again). Returns the text and the line's number in it."""

    def top(i: int) -> bool:  # a line that starts a top-level item (or the form header)
        return lines[i][:1] not in ("", " ", "\t", "#")

    tops = [i for i, _ in enumerate(lines) if top(i)]
    start = max((t for t in tops if t <= index), default=0)
    stop = min((t for t in tops if t > index), default=len(lines))
    header = tops[1] if len(tops) > 1 else len(lines)
    prefix = lines[:header] if start >= header else []
    start = start if start >= header else 0
    part = [*prefix, *lines[start:index], fixed, *lines[index + 1 : stop]]
    return "\n".join(part) + "\n", len(prefix) + index - start + 1


def _syntax_diagnostic(source: Source, exc: UnexpectedInput, text: str | None = None) -> Diagnostic:
    slip = _keyword_slip(source, text if text is not None else source.text, exc)
    if slip is not None:
        return slip
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        ch = source.text[pos] if pos < len(source.text) else "?"
        return diag("S105", source.point(exc.line, exc.column), found=f"“{ch}”", found_en=f"'{ch}'")
    assert isinstance(exc, UnexpectedToken | UnexpectedEOF)
    tok = exc.token if isinstance(exc, UnexpectedToken) else Token("$END", "")
    raw = (exc.accepts or exc.expected) if isinstance(exc, UnexpectedToken) else exc.expected
    expected = {str(t) for t in raw}
    span = _token_span(source, tok)
    code = _classify(exc) or "S101"
    found_zh = describe_token(tok.type, str(tok), "zh")
    return diag(
        code,
        span,
        name=_name_before(source, span, rule=code == "S108"),
        found=found_zh,
        found_en=describe_token(tok.type, str(tok), "en"),
        expected=_expected_words(expected, "zh"),
        expected_en=_expected_words(expected, "en"),
    )


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a spec is parsed, built or compiled: those stages make
    many objects and no cycles, and Python's collector would walk the growing heap again and
    again (a third of the time of a large spec)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(source: Source) -> tuple[ast.SpecFile | None, list[Diagnostic]]:
    """Parse a spec. Returns the AST, or None with the syntax diagnostics (or the limits
    exceeded)."""
    problems = _prescan(source)
    if problems:
        return None, problems
    text = source.text if source.text.endswith("\n") else source.text + "\n"
    parser = _parser()
    with _PARSING, gc_paused():
        try:
            tree = parser.parse(text)
        except DedentError:
            tok = _INDENTER.last_newline
            span = (
                source.point(tok.end_line, tok.end_column or 1)
                if tok is not None and tok.end_line is not None
                else source.point(1, 1)
            )
            return None, [diag("S103", span)]
        except UnexpectedInput as exc:
            return None, [_syntax_diagnostic(source, exc, text)]
        builder = AstBuilder(source)
        spec = builder.transform(tree)
    if builder.problems:
        return None, builder.problems
    return ast.SpecFile(spec.header, spec.items, extract_comments(source.text, source.name)), []
