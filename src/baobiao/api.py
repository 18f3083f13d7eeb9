"""The public Python API (docs/api.md), importable as ``baobiao.load_spec`` and so on.

One convention throughout: every call returns an immutable result object whose ``report`` holds
the diagnostics (``report.ok``: no errors; ``report.diagnostics``: each finding, as data), next to
what the call made (a form, a checked instance, the files written). Problems with the input are
never raised: they are in the report. An exception means a bug, or a programming error such as a
wrong argument type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from baobiao.diagnostics.core import Report, sorted_diagnostics
from baobiao.model import Form
from baobiao.pipeline import (
    CheckOptions,
    DataResult,
    RenderResult,
    SpecResult,
    check_data,
    compile_source,
    load_previous,
    render_report,
)
from baobiao.pipeline import load_spec as _load_spec
from baobiao.source import Source


def load_spec(spec: str | Path) -> SpecResult:
    """A form from a spec file, or a built-in form by name ("gov-disclosure-2021"). The result's
    ``form`` is None when the spec has errors (they are in ``report``)."""
    return _load_spec(str(spec))


def compile_spec(text: str, name: str = "<spec>") -> SpecResult:
    """A form from spec text held in memory (``name`` names it in diagnostics). A relative
    ``extends "base.spec"`` is looked up from the current folder."""
    return compile_source(Source(name, text))


def check(
    form: Form,
    data: str | Path,
    previous: str | Path | None = None,
    *,
    strict_labels: bool = False,
    tables: Iterable[str] | None = None,
) -> DataResult:
    """Check one data file (YAML or a workbook made by ``baobiao workbook``) against ``form``:
    the rules, blanks, the text against the tables, the likely wrong cells. ``previous``: last
    year's data file, for the cross-year rules (its own problems are in the same report, under
    its name). ``tables``: table ids to check (None: all)."""
    options = CheckOptions(strict_labels, frozenset(tables) if tables is not None else None)
    last_year, last_report = None, None
    if previous is not None:
        last_year, last_report = load_previous(form, Path(previous), options)
    result = check_data(form, Path(data), {}, last_year, options)
    if last_report is None or not last_report.diagnostics:
        return result
    merged = Report(
        result.report.path,
        sorted_diagnostics((*result.report.diagnostics, *last_report.diagnostics)),
        {**result.report.sources, **last_report.sources},
        result.report.not_checked,
    )
    return replace(result, report=merged)


def render(
    form: Form,
    data: str | Path,
    *,
    to: Sequence[str] = ("docx", "html", "txt"),
    out: str | Path = ".",
    draft: bool = False,
    templates: str | Path | None = None,
    word_template: str | Path | None = None,
    lang: str = "zh",
) -> RenderResult:
    """Check ``data``, then write the report in each format of ``to`` ("docx", "html", "txt",
    "pdf") into ``out``, named after the data file. With errors nothing is written unless
    ``draft``. ``templates``: a folder of templates used before the built-in ones;
    ``word_template``: a Word file written by the user that holds the report's text."""
    return render_report(
        form,
        Path(data),
        {},
        targets=tuple(to),
        out_dir=Path(out),
        draft=draft,
        templates=Path(templates) if templates is not None else None,
        word_template=Path(word_template) if word_template is not None else None,
        lang=lang,
    )
