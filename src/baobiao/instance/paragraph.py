"""Figures in the narrative: a paragraph may write ``{{ website }}``, ``{{ weibo + wechat }}`` or
``{{ public.total / results_total.total | percent(1) }}`` and the number comes from the table,
so that text and table cannot disagree.

A paragraph is data, possibly received from elsewhere, so it is never a template: its
placeholders are read by a small grammar of baobiao's own and evaluated with Decimal::

    placeholder := "{{" expr ("|" format)? "}}"
    expr        := term (("+" | "-") term)*
    term        := factor (("*" | "/") factor)*
    factor      := NUMBER | ID | ID "." ID | "(" expr ")" | "-" factor
    format      := "round" "(" DIGITS ")" | "percent" "(" DIGITS ")" | "thousands"

No statements, loops, attributes, calls or strings: nothing in a data file runs, and every
placeholder is bounded (:data:`MAX_PLACEHOLDER` characters, :data:`MAX_DEPTH` parentheses,
:data:`MAX_PLACEHOLDERS` per paragraph), so reading one costs time linear in its length.

A backslash keeps the next brace or backslash literal: ``\\{{ x \\}}`` is printed ``{{ x }}``
and ``\\\\`` is one backslash (any other backslash is printed as it is). :func:`literal`
escapes a text so that it reads back as itself: a published report's own words never become a
figure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.narrative import Para
from baobiao.instance.values import format_number
from baobiao.model import Form

#: characters inside one {{ }}
MAX_PLACEHOLDER = 200
#: parentheses nested in one placeholder
MAX_DEPTH = 10
#: placeholders in one paragraph
MAX_PLACEHOLDERS = 500
#: decimal places a format may ask for
MAX_PLACES = 6

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
_STATEMENT = re.compile(r"\{%|\{#")
_ESCAPE = re.compile(r"\\([\\{}])")  # split() gives: text, escaped character, text, ...
_TO_ESCAPE = re.compile(r"([\\{}])")
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([^\W\d]\w*)|(.))", re.S)


def namespace(form: Form, number: Mapping[str, Decimal | None]) -> dict[str, Any]:
    """Names a paragraph may use: each plain indicator and each column of a one-row table by
    id; each table row by id, holding its cells by column id (``{{ new.total }}``)."""
    names: dict[str, Any] = {}
    for item in form.indicators:
        if item.aliases:  # a cell of a matrix: under its row
            row = names.setdefault(item.parent or "", {})
            if isinstance(row, dict):
                row[item.aliases[0]] = number.get(item.id)
        else:
            names[item.id] = number.get(item.id)
    return names


class _Problem(Exception):
    def __init__(self, code: str, **args: str) -> None:
        super().__init__(code)
        self.code = code
        self.args_ = args


class _Blank(Exception):
    """A placeholder over a blank cell: printed empty."""


def _syntax(zh: str, en: str) -> _Problem:
    return _Problem("R501", problem=zh, problem_en=en)


@dataclass(slots=True)
class _Reader:
    """Recursive descent over the tokens of one placeholder (depth bounded by MAX_DEPTH)."""

    tokens: list[tuple[str, str]]  # (kind, text): "num", "name", or the character itself
    names: Mapping[str, Any]
    at: int = 0

    def peek(self) -> str:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else ""

    def take(self, kind: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise _syntax("表达式不完整", "the expression is incomplete")
        token = self.tokens[self.at]
        if kind is not None and token[0] != kind:
            raise _syntax(f"这里不应出现“{token[1]}”", f"unexpected '{token[1]}'")
        self.at += 1
        return token

    def expr(self, depth: int = 0) -> Decimal:
        value = self.term(depth)
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            right = self.term(depth)
            value = value + right if op == "+" else value - right
        return value

    def term(self, depth: int) -> Decimal:
        value = self.factor(depth)
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            right = self.factor(depth)
            if op == "*":
                value *= right
            elif right == 0:
                raise _syntax("除数为 0", "division by zero")
            else:
                value /= right
        return value

    def factor(self, depth: int) -> Decimal:
        if depth > MAX_DEPTH:
            raise _syntax(f"括号嵌套超过 {MAX_DEPTH} 层", f"parentheses nested deeper than {MAX_DEPTH}")
        kind, text = self.take()
        if kind == "num":
            return Decimal(text)
        if text == "-":
            return -self.factor(depth + 1)
        if text == "(":
            value = self.expr(depth + 1)
            if self.peek() != ")":
                raise _syntax("缺少“)”", "')' is missing")
            self.take()
            return value
        if kind == "name":
            return self.lookup(text)
        raise _syntax(f"这里不应出现“{text}”", f"unexpected '{text}'")

    def lookup(self, name: str) -> Decimal:
        value = self.names.get(name)
        full = name
        if isinstance(value, dict) and self.peek() == ".":
            self.take()
            column = self.take("name")[1]
            full = f"{name}.{column}"
            value = value.get(column, _ABSENT)
        elif name not in self.names:
            value = _ABSENT
        if value is _ABSENT or isinstance(value, dict):
            raise _Problem("R502", name=full)
        if value is None:
            raise _Blank  # the blank cell is a finding of its own; the figure is left empty
        assert isinstance(value, Decimal)
        return value


_ABSENT = object()


def _places(reader: _Reader) -> int:
    reader.take("(")
    places = int(reader.take("num")[1].split(".")[0])
    reader.take(")")
    if places > MAX_PLACES:
        raise _syntax(f"小数位数最多 {MAX_PLACES}", f"at most {MAX_PLACES} decimal places")
    return places


def _round(value: Decimal, places: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


#: formats after | : name -> how the value is written
FORMATS: dict[str, Callable[[_Reader, Decimal], str]] = {
    "round": lambda r, v: _round(v, _places(r)),
    "percent": lambda r, v: _round(v * 100, _places(r)),
    "thousands": lambda r, v: f"{v:,}",
}


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        number, name, other = m.groups()
        if number is not None:
            out.append(("num", number))
        elif name is not None:
            out.append(("name", name))
        elif other is not None and not other.isspace():
            out.append((other, other))
    return out


def _fill(inner: str, names: Mapping[str, Any]) -> str:
    if len(inner) > MAX_PLACEHOLDER:
        raise _syntax(f"{{{{ }}}} 里的内容超过 {MAX_PLACEHOLDER} 个字符", f"more than {MAX_PLACEHOLDER} characters")
    reader = _Reader(_tokens(inner), names)
    if not reader.tokens:
        raise _syntax("{{ }} 里是空的", "an empty {{ }}")
    value = reader.expr()
    if reader.peek() == "|":
        reader.take()
        name = reader.take("name")[1]
        write = FORMATS.get(name)
        if write is None:
            raise _syntax(
                f"没有格式“{name}”（可用：{'、'.join(FORMATS)}）",
                f"no format '{name}' (there are: {', '.join(FORMATS)})",
            )
        shown = write(reader, value)
    else:
        shown = format_number(value)
    if reader.at < len(reader.tokens):
        raise _syntax(f"这里不应出现“{reader.peek()}”", f"unexpected '{reader.peek()}'")
    return shown


def literal(text: str) -> str:
    """``text`` escaped so that a paragraph reads it back as itself, never as a figure."""
    return _TO_ESCAPE.sub(r"\\\1", text)


def render_para(para: Para, names: Mapping[str, Any]) -> tuple[str, list[Diagnostic]]:
    """The paragraph with its figures filled in; on a problem the text as written and a
    diagnostic at the paragraph."""
    if "{" not in para.text and "\\" not in para.text:
        return para.text, []
    chunks = _ESCAPE.split(para.text)  # even: text with figures; odd: a character escaped
    try:
        if any(_STATEMENT.search(chunk) for chunk in chunks[::2]):
            raise _Problem("R503")
        pieces: list[str] = []
        count = 0
        for n, chunk in enumerate(chunks):
            if n % 2:
                pieces.append(chunk)
            else:
                count = _fill_chunk(chunk, names, pieces, count)
        return "".join(pieces), []
    except _Problem as problem:
        return para.text, [_diagnostic(problem, para, names)]
    except InvalidOperation:
        return para.text, [_diagnostic(_syntax("数字超出范围", "a number out of range"), para, names)]


def _fill_chunk(text: str, names: Mapping[str, Any], pieces: list[str], count: int) -> int:
    """``text`` (no escapes in it) with its figures filled in, appended to ``pieces``; returns
    the placeholders read so far."""
    last = 0
    for m in _PLACEHOLDER.finditer(text):
        if count >= MAX_PLACEHOLDERS:
            raise _syntax(f"一段中的 {{{{ }}}} 超过 {MAX_PLACEHOLDERS} 个", f"over {MAX_PLACEHOLDERS} placeholders")
        count += 1
        pieces.append(text[last : m.start()])
        try:
            pieces.append(_fill(m.group(1), names))
        except _Blank:
            pieces.append("")
        last = m.end()
    rest = text[last:]
    if "{{" in rest or "}}" in rest:
        raise _syntax("{{ 与 }} 不成对", "{{ and }} do not pair up")
    pieces.append(rest)
    return count


def _diagnostic(problem: _Problem, para: Para, names: Mapping[str, Any]) -> Diagnostic:
    if problem.code != "R502":
        return diag(problem.code, para.span, data_path=para.path, params=problem.args_)
    name = problem.args_["name"]
    known = [k for k, v in names.items() if not isinstance(v, dict)]
    known += [f"{row}.{col}" for row, cells in names.items() if isinstance(cells, dict) for col in cells]
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    return diag(
        "R502",
        para.span,
        data_path=para.path,
        name=name,
        suggestion=f"是不是：{'、'.join(close)}" if close else "用表式里的指标编号，例如 {{ received }}。",
        suggestion_en=f"did you mean: {', '.join(close)}" if close else "use an id of the form, e.g. {{ received }}.",
    )
