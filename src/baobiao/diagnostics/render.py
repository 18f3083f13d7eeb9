"""Renderers for diagnostics, chosen by name: ``human`` (rustc-like) and ``json``.

Diagnostics carry message parameters, not text; the text is made here, in the user's
language. An argument ``x_en`` overrides ``x`` in English.

Whatever came from an input (a key, a label, a file name, a source line) may hold control
characters or lone surrogates; every renderer shows them escaped (``\\x1b``, ``\\udc80``), so
that nothing an input holds drives the terminal or fails an encoder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import click

from baobiao import __version__
from baobiao.diagnostics.codes import CODES, PHRASES
from baobiao.diagnostics.core import Diagnostic, Report, Severity
from baobiao.source import Source, Span, escape_unsafe

JSON_SCHEMA_VERSION = 1
EXCERPT_WIDTH = 160  # characters of a source line shown in an excerpt
EXCERPT_CONTEXT = 40  # characters kept before the span when a long line is cut
LANGS = ("zh", "en")


#: set (to anything) to make a message parameter that a diagnostic does not carry an error
#: instead of "{key}" in the text: the test suite sets it, so a missing parameter fails a test
STRICT_ENV = "BAOBIAO_STRICT_MESSAGES"


class MissingParameter(KeyError):
    """A message or hint names a parameter its diagnostic does not carry (strict mode only)."""


class _Args(dict[str, object]):
    def __missing__(self, key: str) -> str:
        if os.environ.get(STRICT_ENV):
            raise MissingParameter(f"message parameter {{{key}}} not given")
        return "{" + key + "}"


def _safe(value: object) -> object:
    return escape_unsafe(value) if isinstance(value, str) else value


def _escaped(value: Any) -> Any:
    """Every string in a JSON-ready value escaped (see the module's docstring)."""
    if isinstance(value, str):
        return escape_unsafe(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(v) for v in value]
    return value


def _args(args: Mapping[str, object], lang: str) -> _Args:
    out = _Args({k: _safe(v) for k, v in args.items() if not k.endswith("_en")})
    if lang != "zh":
        for k, v in args.items():
            if k.endswith(f"_{lang}"):
                out[k[: -len(lang) - 1]] = _safe(v)
    return out


def message(d: Diagnostic, lang: str) -> str:
    info = CODES[d.code]
    return info.message.get(lang, info.message["en"]).format_map(_args(d.args, lang))


def hint(d: Diagnostic, lang: str) -> str:
    info = CODES[d.code]
    return info.hint.get(lang, info.hint["en"]).format_map(_args(d.args, lang))


def phrase(key: str, lang: str, **args: object) -> str:
    text = PHRASES[key]
    return text.get(lang, text["en"]).format_map(_Args({k: _safe(v) for k, v in args.items()}))


# -- human -----------------------------------------------------------------------------------


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    from wcwidth import wcswidth  # 40 ms to import: only when an excerpt has CJK text

    w = wcswidth(text)
    return w if w >= 0 else len(text)


def _snippet(source: Source, spans: Sequence[tuple[Span, str, bool]], style: Callable[..., str]) -> list[str]:
    """Numbered lines with carets under each span; ``(span, label, primary)``."""
    lines = sorted({s.line for s, _, _ in spans})
    gutter = len(str(max(lines)))
    pad = " " * gutter
    out = [f"{pad} {style('|', fg='blue')}"]
    for n in lines:
        full = source.line_text(n)
        on_line = [s for s, _, _ in spans if s.line == n]
        offset = max(0, min(s.column for s in on_line) - 1 - EXCERPT_CONTEXT) if len(full) > EXCERPT_WIDTH else 0
        text = full[offset : offset + EXCERPT_WIDTH]
        shown = ("…" if offset else "") + escape_unsafe(text) + ("…" if offset + EXCERPT_WIDTH < len(full) else "")
        lead = 1 if offset else 0
        out.append(f"{style(str(n).rjust(gutter), fg='blue')} {style('|', fg='blue')} {shown}")
        for span, label, primary in spans:
            if span.line != n:
                continue
            column = span.column - offset
            start = lead + _width(escape_unsafe(text[: column - 1]))
            end_col = (span.end_column - offset) if span.end_line == span.line else len(text) + 1
            width = max(1, _width(escape_unsafe(text[column - 1 : max(column, end_col) - 1])))
            mark = ("^" if primary else "-") * width
            colour = "red" if primary else "blue"
            caret = style(f"{' ' * start}{mark}{' ' + label if label else ''}", fg=colour)
            out.append(f"{pad} {style('|', fg='blue')} {caret}")
    return out


def render_human(reports: Sequence[Report], lang: str = "zh", color: bool = False) -> str:
    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    out: list[str] = []
    for report in reports:
        groups: dict[str, list[Diagnostic]] = {}
        for d in report.diagnostics:
            if d.group is not None:
                groups.setdefault(d.group, []).append(d)
        shown: set[str] = set()
        for d in report.diagnostics:
            if d.group is not None and d.group in shown:
                continue  # shown in one line under the first of its group
            out.extend(_human_one(d, report.sources, lang, style))
            others = [o for o in groups.get(d.group or "", []) if o is not d]
            if others:
                shown.add(d.group or "")
                eq = style("=", fg="blue")
                out.append(f"  {eq} {phrase('same-cause', lang, count=len(others))}:")
                for o in others:
                    sev = phrase(o.severity.value, lang) if lang == "zh" else o.severity.value
                    out.append(f"      {sev}[{o.code}]: {message(o, lang)}")
            out.append("")
    return "\n".join(out)


def _human_one(d: Diagnostic, sources: Mapping[str, Source], lang: str, style: Callable[..., str]) -> list[str]:
    sev = phrase(d.severity.value, lang) if lang == "zh" else d.severity.value
    colour = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}[d.severity]
    head = style(f"{sev}[{d.code}]", fg=colour, bold=True)
    lines = [f"{head}{style(': ' + message(d, lang), bold=True)}"]
    arrow = style("-->", fg="blue")
    if d.span is not None:
        lines.append(f"  {arrow} {escape_unsafe(d.span.file)}:{d.span.line}:{d.span.column}")
    elif d.data_path:
        lines.append(f"  {arrow} {escape_unsafe(d.data_path)}")
    by_file: dict[str, list[tuple[Span, str, bool]]] = {}
    if d.span is not None:
        by_file[d.span.file] = [(d.span, "", True)]
    for r in d.related:
        label = phrase(r.phrase, lang, **dict(r.args))
        by_file.setdefault(r.span.file, []).append((r.span, label, False))
    for file, spans in by_file.items():
        if d.span is None or file != d.span.file:
            first = spans[0][0]
            lines.append(f"  {style(':::', fg='blue')} {escape_unsafe(file)}:{first.line}:{first.column}")
        source = sources.get(file)
        if source is not None:
            lines.extend(_snippet(source, spans, style))
    eq = style("=", fg="blue")
    if d.rule is not None:
        rule_word = "规则" if lang == "zh" else "rule"
        lines.append(f"  {eq} {rule_word}: {escape_unsafe(d.rule.id)}（{escape_unsafe(d.rule.description)}）")
    if d.cells and (d.rule is not None or len(d.cells) > 1):
        lines.append(f"  {eq} {phrase('cells', lang)}:")
        for cell in d.cells:
            shown = cell.value if cell.value is not None else ("空白" if lang == "zh" else "blank")
            lines.append(f"      {escape_unsafe(f'{cell.path} [{cell.id}] = {shown}')}")
    hint_text = hint(d, lang)
    if hint_text:
        head_line, *rest = hint_text.split("\n")
        lines.append(f"  {eq} {phrase('hint', lang)}: {head_line}")
        lines.extend(f"        {r}" for r in rest)
    return lines


def render_summary(reports: Sequence[Report], lang: str = "zh") -> str:
    lines = []
    for r in reports:
        if r.diagnostics:
            lines.append(phrase("summary", lang, path=r.path, errors=r.errors, warnings=r.warnings))
        else:
            lines.append(phrase("clean", lang, path=r.path))
        if r.not_checked:
            lines.append(phrase("not-checked", lang, count=len(r.not_checked)))
    if len(reports) > 1:
        lines.append(
            phrase(
                "total",
                lang,
                files=len(reports),
                failed=sum(1 for r in reports if r.errors),
                errors=sum(r.errors for r in reports),
                warnings=sum(r.warnings for r in reports),
            )
        )
    return "\n".join(lines)


# -- json ------------------------------------------------------------------------------------


def diagnostic_json(d: Diagnostic, lang: str) -> dict[str, object]:
    """One diagnostic as JSON-ready data, every string escaped (it can always be encoded)."""
    found: dict[str, object] = {
        "code": d.code,
        "name": CODES[d.code].name,
        "severity": d.severity.value,
        "message": message(d, lang),
        "hint": hint(d, lang),
        "location": d.span.to_json() if d.span else None,
        "data_path": d.data_path,
        "rule": d.rule.to_json() if d.rule else None,
        "cells": [c.to_json() for c in d.cells],
        "comparison": d.comparison.to_json() if d.comparison else None,
        "related": [
            {"location": r.span.to_json(), "message": phrase(r.phrase, lang, **dict(r.args))} for r in d.related
        ],
        "group": d.group,
    }
    return dict(_escaped(found))


def render_json(reports: Sequence[Report], lang: str = "zh", color: bool = False) -> str:
    doc = {
        "schema": "baobiao.diagnostics",
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "baobiao", "version": __version__},
        "lang": lang,
        "files": [
            {
                "path": r.path,
                "errors": r.errors,
                "warnings": r.warnings,
                "not_checked": list(r.not_checked),
                "diagnostics": [diagnostic_json(d, lang) for d in r.diagnostics],
            }
            for r in reports
        ],
        "summary": {
            "files": len(reports),
            "files_with_errors": sum(1 for r in reports if r.errors),
            "errors": sum(r.errors for r in reports),
            "warnings": sum(r.warnings for r in reports),
        },
    }
    return json.dumps(_escaped(doc), ensure_ascii=False, indent=2)


def render_short(reports: Sequence[Report], lang: str = "zh", color: bool = False) -> str:
    """One line per finding, for long runs: ``file:line:column: severity[CODE]: message``."""
    del color
    out: list[str] = []
    for report in reports:
        for d in report.diagnostics:
            where = f"{d.span.file}:{d.span.line}:{d.span.column}" if d.span else f"{report.path}:{d.data_path or ''}"
            where = escape_unsafe(where)
            sev = phrase(d.severity.value, lang) if lang == "zh" else d.severity.value
            out.append(f"{where}: {sev}[{d.code}]: {message(d, lang)}")
    return "\n".join(out)


#: name -> renderer(reports, lang, color)
RENDERERS: dict[str, Callable[[Sequence[Report], str, bool], str]] = {
    "human": render_human,
    "json": render_json,
    "short": render_short,
}
