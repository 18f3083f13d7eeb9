"""The command line. Exit codes: 0 no errors (warnings allowed), 1 the data has errors,
2 usage errors, unreadable files and spec errors. Diagnostics go to stdout, progress and
summaries to stderr; colour only on a terminal and without NO_COLOR."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shlex
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from baobiao import __version__
from baobiao.diagnostics.codes import CODES, TOPICS, lookup
from baobiao.diagnostics.core import Diagnostic, Report, Severity, diag
from baobiao.diagnostics.render import LANGS, RENDERERS, diagnostic_json, phrase, render_summary
from baobiao.instance.claims import describe_terms
from baobiao.instance.load import Instance
from baobiao.outputs import Inputs, OutputFailed, atomic_text, destination, failure, refusal, write_output
from baobiao.pipeline import (
    CheckOptions,
    SpecResult,
    check_data,
    load_previous,
    load_spec,
    render_report,
    resolve_spec,
)
from baobiao.report.backends import BACKENDS
from baobiao.resources import builtin_specs
from baobiao.source import escape_unsafe
from baobiao.syntax.printer import format_spec

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DATA_SUFFIXES = (".yaml", ".yml", ".xlsx", ".csv")


def _counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    return {
        "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
        "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
    }


def _spec_files(ref: str, result: SpecResult) -> list[Path]:
    """The files of a spec and of the forms it extends: inputs no output may overwrite."""
    files = [resolve_spec(ref)]
    for name in result.report.sources:
        builtin = name.startswith("<") and name.endswith(">")
        files.append(builtin_specs().get(name[1:-1]) if builtin else Path(name))
    return [f for f in files if f is not None]


def _refuse(outputs: Sequence[Path], inputs: Inputs, fmt: str, lang: str) -> None:
    """Before any work: stop (exit 2) with a diagnostic when an output path must not be written
    (an input of the command, a device, a pipe, a folder, a folder that is missing or read-only;
    baobiao.outputs.refusal, which ``render`` uses too)."""
    problems = tuple(d for out in outputs if (d := refusal(out, inputs)) is not None)
    if problems:
        _emit([Report(str(outputs[0]), problems)], fmt, lang)
        raise SystemExit(EXIT_USAGE)


def _write(target: Path, data: bytes, fmt: str, lang: str) -> None:
    """Write an output atomically; a failure of the operating system is a diagnostic (exit 2)."""
    try:
        write_output(target, data)
    except OutputFailed as exc:
        _emit([Report(str(target), (exc.diagnostic,))], fmt, lang)
        raise SystemExit(EXIT_USAGE) from None


def _write_jsonl(path: Path, lines: Iterable[dict[str, object]], fmt: str, lang: str) -> None:
    import json

    _write(path, "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode("utf-8"), fmt, lang)


def _check_batch(result: SpecResult, path: Path, jsonl: str | None, fmt: str, lang: str) -> None:
    """A long CSV of many agencies: progress on stderr, a summary table, JSON Lines per agency
    (streamed to a temporary file beside the target and renamed at the end: outputs.atomic_text)."""
    import json

    from baobiao.instance.batch.check import AgencyResult, check_csv
    from baobiao.instance.batch.matrix import batch_checked

    assert result.form is not None
    if not path.is_file():
        _emit([Report(str(path), (diag("F001", None, path=str(path)),))], fmt, lang)
        raise SystemExit(EXIT_USAGE)
    shown: list[str] = []
    with contextlib.ExitStack() as stack:
        out = None
        if jsonl is not None:
            stack.enter_context(_output_failure(jsonl, fmt, lang))
            out = stack.enter_context(atomic_text(Path(jsonl)))

        def on_agency(r: AgencyResult) -> None:
            if r.errors and len(shown) < 50:
                rules = sorted({d.rule.id for d in r.findings if d.rule and d.severity is Severity.ERROR})
                codes = sorted({d.code for d in r.findings if d.severity is Severity.ERROR})
                shown.append(f"{escape_unsafe(r.agency)}: {r.errors} 个错误 {' '.join(codes)} {'、'.join(rules[:6])}")
            if out is not None:
                line = {
                    "agency": escape_unsafe(r.agency),
                    "errors": r.errors,
                    "warnings": r.warnings,
                    "diagnostics": [diagnostic_json(d, lang) for d in r.findings],
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")

        with click.progressbar(length=path.stat().st_size, label="checking", file=sys.stderr) as bar:

            def advance(n: int) -> None:  # the blocks' sizes in memory only roughly match the file's
                bar.update(min(n, max(0, (bar.length or 0) - bar.pos)))

            summary = check_csv(result.form, path, on_agency, progress=advance, every=out is not None)
    if summary.problems:
        _emit([Report(str(path), tuple(summary.problems))], fmt, lang)
    skipped = [r.id for r in result.form.rules if not batch_checked(r)]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "schema": "baobiao.batch",
                    "schema_version": 1,
                    "file": str(path),
                    "agencies": summary.agencies,
                    "agencies_with_errors": summary.with_errors,
                    "rules": summary.rules.most_common(),
                    "not_checked": skipped,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for line in shown:
            click.echo(line)
        click.echo(f"{path}: {summary.agencies} 个机关，{summary.with_errors} 个有错误", err=True)
        for rule_id, n in summary.rules.most_common(10):
            click.echo(f"  {n:>8}  {rule_id}", err=True)
        declared = list(dict.fromkeys(rule_id.split("@")[0] for rule_id in skipped))  # as the spec names them
        if declared:
            click.echo(phrase("batch-not-checked", lang, count=len(declared), rules=", ".join(declared)), err=True)
    failed = summary.with_errors or any(p.severity is Severity.ERROR for p in summary.problems)
    raise SystemExit(EXIT_FINDINGS if failed else EXIT_OK)


def _check_template(
    result: SpecResult,
    path: Path,
    files: Sequence[Path],
    previous: Instance | None,
    options: CheckOptions,
    fmt: str,
    lang: str,
) -> Report:
    """`check --template`: the Word template's findings, with DATA's when given (the
    template's text then checked against its tables); an unreadable template ends here (exit 2)."""
    from baobiao.pipeline import check_with_template
    from baobiao.report.authoring import read_template

    assert result.form is not None
    template, problems = read_template(path, result.form)
    if template is None:
        _emit([Report(str(path), tuple(problems))], fmt, lang)
        raise SystemExit(EXIT_USAGE)
    data = files[0] if files else None
    return check_with_template(result.form, template, data, result.report.sources, previous, options).report


@contextlib.contextmanager
def _output_failure(target: str, fmt: str, lang: str) -> Iterator[None]:
    """An output that failed while being written (outputs.OutputFailed) ends in its diagnostic, exit 2."""
    try:
        yield
    except OutputFailed as exc:
        _emit([Report(target, (exc.diagnostic,))], fmt, lang)
        raise SystemExit(EXIT_USAGE) from None


def _colour(stream: object) -> bool:
    return "NO_COLOR" not in os.environ and bool(getattr(stream, "isatty", lambda: False)())


def _emit(reports: Sequence[Report], fmt: str, lang: str) -> None:
    text = RENDERERS[fmt](reports, lang, _colour(sys.stdout))
    if text.strip():
        click.echo(text.rstrip("\n"))


def _first(report: Report, limit: int) -> Report:
    """A report with its first ``limit`` findings only, errors first (counts are kept by the caller)."""
    ranked = sorted(report.diagnostics, key=lambda d: d.severity.rank)[:limit]
    kept = [d for d in report.diagnostics if d in ranked]
    return Report(report.path, tuple(kept), report.sources, report.not_checked)


def _spec_or_exit(spec: str, fmt: str, lang: str, tree: bool = False) -> SpecResult:
    result = load_spec(spec, tree)
    if result.form is None:
        _emit([result.report], fmt, lang)
        raise SystemExit(EXIT_USAGE)
    return result


def _data_files(paths: Sequence[str]) -> Iterator[Path]:
    return _files_of(paths, DATA_SUFFIXES)


def _files_of(paths: Sequence[str], suffixes: Iterable[str]) -> Iterator[Path]:
    """The files named, and those in the folders named (recursively) whose suffix is one of
    ``suffixes`` (in any case: .PDF, .Html), in order."""
    wanted = {s.lower() for s in suffixes}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in wanted and p.is_file())
        else:
            yield path


_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(RENDERERS)),
    default="human",
    show_default=True,
    help="human: readable, with source excerpts; short: one line per finding; json: one versioned document "
    "(docs/json-output.md).",
)
_STRICT = click.option(
    "--strict-labels",
    is_flag=True,
    help="Labels must match the form exactly: a label read through a slip (traditional script, a typo, a bracketed "
    "note missing, an earlier form's wording) is an error and its value is not read.",
)
_MAX_FINDINGS = click.option(
    "--max-findings",
    "max_findings",
    type=click.IntRange(1, None),
    help="Show at most N findings per file (errors first); the summary still counts them all.",
)
_LANG = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="zh",
    show_default=True,
    help="Language of messages: zh (中文) or en.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="baobiao")
def main() -> None:
    """baobiao（报表）: check the statistics of 政府信息公开工作年度报告 against a form spec,
    find the likely wrong cells, and write the report as Word, HTML and text.

    SPEC is a .spec file or the name of a built-in form (see `baobiao forms`). DATA is a YAML
    data file, an Excel workbook made by `baobiao workbook`, or a long CSV of many agencies.
    """


@main.command()
@click.argument("spec")
@click.argument("data", nargs=-1)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False),
    help="Last year's data file of the same agency, for cross-year rules (one DATA file only).",
)
@click.option(
    "--jsonl",
    "jsonl",
    type=click.Path(),
    help="Also write one JSON line per file or agency (a long CSV holds many) to this file.",
)
@_STRICT
@click.option(
    "--tables",
    "tables",
    help="Check only these tables, comma-separated: ids or printed labels or their numbers (e.g. 三,四 or t3,t4).",
)
@click.option(
    "--template",
    "word_template",
    type=click.Path(dir_okay=False),
    metavar="REPORT.docx",
    help="Also check the report's text written in Word (as `render --template` uses it): unknown or ambiguous "
    "names in {{ }} (with suggestions), table markers out of place, prompts left to write, and the text's figures "
    "against DATA's tables. Without DATA, the template alone.",
)
@_MAX_FINDINGS
@_FORMAT
@_LANG
def check(
    spec: str,
    data: tuple[str, ...],
    previous: str | None,
    jsonl: str | None,
    strict_labels: bool,
    tables: str | None,
    word_template: str | None,
    max_findings: int | None,
    fmt: str,
    lang: str,
) -> None:
    """Check DATA files (YAML, .xlsx workbooks, folders of them, or one long CSV of many
    agencies) against SPEC. Everything that can be read is checked: an unknown label or an
    unreadable value is a finding of its own, and slipped labels are read with a warning.

    With --template REPORT.docx, the report's text is the Word file's: its placeholders are
    checked against SPEC and its figures against DATA (one file, or none to check the
    template alone).

    Exit status: 0 no errors (warnings allowed), 1 errors in the data, 2 usage errors,
    unreadable files or errors in the spec.
    """
    result = _spec_or_exit(spec, fmt, lang)
    assert result.form is not None
    chosen = None
    if tables is not None:
        from baobiao.instance.check import select_tables

        chosen, unknown = select_tables(result.form, [t for t in tables.split(",") if t.strip()])
        if unknown or not chosen:
            names = ", ".join(f"{t.id} {t.label}" for t in result.form.tables if t.id and t.rows is not None)
            raise click.BadParameter(
                f"no such table: {', '.join(unknown) or tables!r}; tables: {names}", param_hint="--tables"
            )
    options = CheckOptions(strict_labels=strict_labels, tables=chosen)
    if not data and word_template is None:
        raise click.UsageError("Missing argument 'DATA...' (or --template REPORT.docx).")
    files = list(_data_files(data))
    if not files and word_template is None:
        click.echo(f"baobiao: {'没有找到数据文件' if lang == 'zh' else 'no data files found'}", err=True)
        raise SystemExit(EXIT_USAGE)
    if word_template is not None and (len(files) > 1 or any(p.suffix.lower() == ".csv" for p in files)):
        raise click.UsageError("--template goes with at most one DATA file (YAML or .xlsx)")
    if jsonl is not None:
        template_file = Path(word_template) if word_template else None
        inputs = Inputs.of([*_spec_files(spec, result), *files, Path(previous) if previous else None, template_file])
        _refuse([Path(jsonl)], inputs, fmt, lang)
    if any(p.suffix.lower() == ".csv" for p in files):
        if len(files) != 1:
            raise click.UsageError("a long CSV is checked on its own")
        _check_batch(result, files[0], jsonl, fmt, lang)
    last_year, prev_report = None, None
    if previous is not None:
        if len(files) != 1:
            raise click.UsageError("--previous goes with exactly one DATA file")
        last_year, prev_report = load_previous(result.form, Path(previous), options)
        if last_year is None:
            _emit([prev_report], fmt, lang)
            raise SystemExit(EXIT_USAGE)
    if word_template is not None:
        reports = [_check_template(result, Path(word_template), files, last_year, options, fmt, lang)]
    else:
        reports = [check_data(result.form, path, result.report.sources, last_year, options).report for path in files]
    if result.report.diagnostics:  # spec warnings, shown once with the first file
        first = reports[0]
        reports[0] = Report(first.path, result.report.diagnostics + first.diagnostics, first.sources, first.not_checked)
    if prev_report is not None and prev_report.diagnostics:  # last year's own problems, under its name
        reports.insert(0, prev_report)
    shown = reports if max_findings is None else [_first(r, max_findings) for r in reports]
    _emit(shown, fmt, lang)
    if jsonl is not None:
        _write_jsonl(
            Path(jsonl),
            (
                {
                    "file": escape_unsafe(r.path),
                    **_counts(r.diagnostics),
                    "diagnostics": [diagnostic_json(d, lang) for d in r.diagnostics],
                }
                for r in reports
            ),
            fmt,
            lang,
        )
    if fmt != "json":
        click.echo(render_summary(reports, lang), err=True)
    unreadable = any(d.code.startswith("F") for r in reports for d in r.diagnostics)
    if unreadable:
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_FINDINGS if any(r.errors for r in reports) else EXIT_OK)


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--form",
    "form_ref",
    metavar="FORM",
    help="The form every report is in (a built-in name or a spec file); by default each report's form is "
    "chosen from its year and the labels of its tables.",
)
@click.option(
    "--extract",
    "extract_dir",
    type=click.Path(),
    metavar="DIR",
    help="Write each report's values and text as a data file (DIR/<report>.yaml), each value with a comment "
    "saying where it was read; correct a misread value there and run `baobiao check` on the file.",
)
@click.option(
    "--summary",
    type=click.Path(),
    metavar="FILE.xlsx",
    help="Write a summary workbook (.xlsx): one row per report, and every finding with a link to its report.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, None),
    metavar="N",
    help="How many worker processes share a folder's reports (default: as many as the processors this process "
    "may use; 1: none, every report in this process). A few reports are audited in this process anyway.",
)
@_MAX_FINDINGS
@_FORMAT
@_LANG
def audit(
    files: tuple[str, ...],
    form_ref: str | None,
    extract_dir: str | None,
    summary: str | None,
    jobs: int | None,
    max_findings: int | None,
    fmt: str,
    lang: str,
) -> None:
    """Audit published reports: HTML pages, Word files (.docx), PDFs with a text layer and
    .txt files, or folders of them. Each report's tables are found by their printed labels
    and mapped to its form, its text is read, and everything is checked as `check` checks a
    data file; reports of the same agency for consecutive years are checked together
    (cross-year rules, and a note when the text repeats last year's). A folder's reports
    are shared among worker processes (--jobs).

    Exit status: 0 no errors, 1 errors in a report, 2 usage errors or unreadable files.
    """
    from baobiao.audit.readers import SUFFIXES
    from baobiao.audit.run import STEPS, extraction_targets
    from baobiao.audit.run import audit as run_audit

    paths = list(_files_of(files, frozenset(SUFFIXES)))
    if not paths:
        click.echo(f"baobiao: {'没有找到报告文件' if lang == 'zh' else 'no report files found'}", err=True)
        raise SystemExit(EXIT_USAGE)
    form, spec_sources = None, {}
    if form_ref is not None:
        result = _spec_or_exit(form_ref, fmt, lang)
        form, spec_sources = result.form, dict(result.report.sources)
    targets = extraction_targets(paths, Path(extract_dir)) if extract_dir is not None else {}
    inputs = Inputs.of(paths)
    if extract_dir is not None:
        problem = refusal(Path(extract_dir), inputs, folder=True)
        if problem is not None:
            _emit([Report(extract_dir, (problem,))], fmt, lang)
            raise SystemExit(EXIT_USAGE)
        try:
            Path(extract_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _emit([Report(extract_dir, (failure(Path(extract_dir), exc),))], fmt, lang)
            raise SystemExit(EXIT_USAGE) from None
    _refuse([*targets.values(), *([Path(summary)] if summary else [])], inputs, fmt, lang)
    if jobs is None:
        from baobiao.workers import available_processors

        jobs = available_processors()
    if len(paths) > 1 and sys.stderr.isatty():  # a progress bar for people watching a folder
        label = "审查" if lang == "zh" else "auditing"
        with click.progressbar(length=STEPS * len(paths), label=label, file=sys.stderr) as bar:
            audited = run_audit(paths, form, spec_sources, targets, progress=bar.update, jobs=jobs)
    else:
        audited = run_audit(paths, form, spec_sources, targets, jobs=jobs)
    for item in audited:
        target = targets.get(item.path)
        if target is not None and item.data is not None:
            _write(target, item.data.text.encode("utf-8"), fmt, lang)
    reports = [item.report for item in audited]
    if summary is not None:
        from baobiao.audit.summary import summary_workbook

        _write(Path(summary), summary_workbook(audited, lang), fmt, lang)
    shown = reports if max_findings is None else [_first(r, max_findings) for r in reports]
    _emit(shown, fmt, lang)
    if fmt != "json":
        click.echo(render_summary(reports, lang), err=True)
    if any(d.code.startswith(("F", "A0")) and d.severity is Severity.ERROR for r in reports for d in r.diagnostics):
        raise SystemExit(EXIT_USAGE)
    raise SystemExit(EXIT_FINDINGS if any(r.errors for r in reports) else EXIT_OK)


#: the data files `render` finds in a folder (a long CSV of many agencies is checked, not rendered)
RENDER_SUFFIXES = (".yaml", ".yml", ".xlsx")


def _render_many(
    result: SpecResult,
    spec: str,
    files: Sequence[Path],
    out_dir: Path,
    options: dict[str, Any],
    jobs: int | None,
    fmt: str,
    lang: str,
) -> None:
    """`render` of several data files: every output checked before any work (exit 2), the files
    spread over worker processes, a progress bar on a terminal, one summary; exit as `check`."""
    from baobiao.pipeline import output_stems, render_refusals, render_reports
    from baobiao.workers import available_processors

    assert result.form is not None
    protected = tuple(_spec_files(spec, result))
    inputs = Inputs.of([*protected, *files], [options["templates"]])
    stems = output_stems(files)
    refused = render_refusals(stems, options["targets"], out_dir, inputs)
    if refused:
        _emit([Report(str(out_dir), tuple(refused))], fmt, lang)
        raise SystemExit(EXIT_USAGE)
    jobs = jobs or available_processors()
    run = functools.partial(
        render_reports,
        result.form,
        files,
        result.report.sources,
        stems=stems,
        jobs=jobs,
        out_dir=out_dir,
        protected=protected,
        **options,
    )
    if sys.stderr.isatty():  # a progress bar for people watching
        with click.progressbar(
            length=len(files), label="正在生成" if lang == "zh" else "rendering", file=sys.stderr
        ) as bar:
            rendered = run(progress=bar.update)
    else:
        rendered = run()
    reports = [r.report for r in rendered]
    _emit(reports, fmt, lang)
    if fmt != "json":
        for path, stem in zip(files, stems, strict=True):
            if stem != path.stem:
                same = "（与其他数据文件同名）" if lang == "zh" else " (another data file has its name)"
                click.echo(f"{path} -> {out_dir / stem}.*{same}", err=True)
        for report in reports:
            if report.diagnostics:
                click.echo(render_summary([report], lang), err=True)
        written = [r for r in rendered if r.written]
        count = sum(len(r.written) for r in written)
        if lang == "zh":
            line = f"{len(files)} 个数据文件：{len(written)} 个已生成报告，写入 {out_dir}（{count} 个文件）"
            line += f"；{len(files) - len(written)} 个没有写出" if len(written) < len(files) else ""
        else:
            line = f"{len(files)} data files: {len(written)} rendered to {out_dir} ({count} files)"
            line += f"; {len(files) - len(written)} not written" if len(written) < len(files) else ""
        click.echo(line, err=True)
    codes = {d.code for r in reports for d in r.diagnostics if d.severity is Severity.ERROR}
    if any(c.startswith(("F", "R504", "R508", "R510", "R518")) for c in codes):
        raise SystemExit(EXIT_USAGE)
    if any(r.errors for r in reports):
        raise SystemExit(EXIT_FINDINGS)
    raise SystemExit(EXIT_OK if all(r.written for r in rendered) else EXIT_USAGE)


@main.command()
@click.argument("spec")
@click.argument("data", nargs=-1, required=True)
@click.option(
    "--to",
    "targets",
    default="docx,html,txt",
    show_default=True,
    help="Formats to write, comma-separated: docx, html, txt, pdf (pdf: the Word report printed by LibreOffice).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(),
    default=".",
    show_default=True,
    help="Folder for the outputs, named after each data file (DATA.docx, DATA.html, DATA.txt); data files of the "
    "same name (in different folders, or a.yaml beside a.xlsx) are numbered: a.docx, a-2.docx.",
)
@click.option(
    "--draft", is_flag=True, help="Render even with errors, marked 草稿/未通过校验, findings listed at the end."
)
@click.option(
    "--templates",
    "templates",
    type=click.Path(file_okay=False, exists=True),
    help="A folder of templates to use before the built-in ones (TEMPLATES/<form>/ or TEMPLATES/).",
)
@click.option(
    "--template",
    "word_template",
    type=click.Path(dir_okay=False),
    metavar="REPORT.docx",
    help="The report's text as a Word file written in Word or WPS (`baobiao new` makes one): each {{ }} gets the "
    "table's figure (printed labels or ids: {{ 本年新收政府信息公开申请数量.总计 }}), a paragraph holding only "
    "{{ 表三 }} becomes the table; the rest is kept as written. The file itself is never changed.",
)
@click.option(
    "--width",
    "text_width",
    type=click.IntRange(40, 400),
    default=100,
    show_default=True,
    help="Width of the plain-text tables, in display cells (a Chinese character is two).",
)
@click.option(
    "--charts",
    is_flag=True,
    help="Charts after the tables in Word, HTML and PDF: applications by applicant type, results of handling, and "
    "with --previous both against last year (needs the charts extra: pip install 'baobiao[charts]').",
)
@click.option(
    "--previous",
    type=click.Path(dir_okay=False),
    help="Last year's data file of the same agency: the cross-year rules are checked, and --charts compares the years.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, None),
    metavar="N",
    help="How many worker processes share many data files (default: as many as the processors this process may use; "
    "1: none, every file in this process).",
)
@_FORMAT
@_LANG
def render(
    spec: str,
    data: tuple[str, ...],
    targets: str,
    out_dir: str,
    draft: bool,
    templates: str | None,
    word_template: str | None,
    text_width: int,
    charts: bool,
    previous: str | None,
    jobs: int | None,
    fmt: str,
    lang: str,
) -> None:
    """Check DATA, then write the report as Word, HTML and plain text. DATA is one or more data
    files (YAML or .xlsx) or folders of them: each is rendered to --out, named after it.

    DATA alone (a filled workbook without text) gives the report in the format's outline, with
    sentences stating the tables' figures. With --template REPORT.docx the text is the Word
    file's: its figures and tables are filled in, and `check --template` finds its problems.
    --charts adds charts after the tables (a chart that cannot be drawn is left out, R516).

    With errors in the data nothing is written (exit 1), unless --draft. Outputs are written
    atomically and never over an input file. Exit status as for `check`; 2 also for template errors.
    """
    chosen = tuple(t.strip() for t in targets.split(",") if t.strip())
    unknown = [t for t in chosen if t not in BACKENDS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"unknown format {', '.join(unknown) or '(none)'}; use {', '.join(BACKENDS)}", param_hint="--to"
        )
    result = _spec_or_exit(spec, fmt, lang)
    assert result.form is not None
    files = list(_files_of(data, RENDER_SUFFIXES))
    if not files:
        click.echo(f"baobiao: {'没有找到数据文件' if lang == 'zh' else 'no data files found'}", err=True)
        raise SystemExit(EXIT_USAGE)
    if len(files) > 1:
        if previous is not None or word_template is not None:
            raise click.UsageError("--previous and --template go with one DATA file")
        options = {
            "targets": chosen,
            "draft": draft,
            "templates": Path(templates) if templates else None,
            "text_width": text_width,
            "lang": lang,
            "charts": charts,
        }
        _render_many(result, spec, files, Path(out_dir), options, jobs, fmt, lang)
    last_year, prev_report = None, None
    if previous is not None:  # last year's own problems are shown under its name
        last_year, prev_report = load_previous(result.form, Path(previous))
        if last_year is None:
            _emit([prev_report], fmt, lang)
            raise SystemExit(EXIT_USAGE)
    rendered = render_report(
        result.form,
        files[0],
        result.report.sources,
        targets=chosen,
        out_dir=Path(out_dir),
        draft=draft,
        templates=Path(templates) if templates else None,
        text_width=text_width,
        lang=lang,
        protected=(*_spec_files(spec, result), *([Path(previous)] if previous else [])),
        word_template=Path(word_template) if word_template else None,
        previous=last_year,
        charts=charts,
    )
    _emit([*([prev_report] if prev_report is not None and prev_report.diagnostics else []), rendered.report], fmt, lang)
    for path in rendered.written:
        click.echo(f"{'已写入' if lang == 'zh' else 'wrote'} {path}", err=True)
    codes = {d.code for d in rendered.report.diagnostics if d.severity is Severity.ERROR}
    if any(c.startswith(("F", "R504", "R508", "R510")) for c in codes):
        raise SystemExit(EXIT_USAGE)
    if not rendered.written:
        raise SystemExit(EXIT_FINDINGS if codes else EXIT_USAGE)
    raise SystemExit(EXIT_OK)


@main.group()
def templates() -> None:
    """Inspect report templates."""


@templates.command("check")
@click.argument("spec")
@click.option(
    "--templates",
    "folder",
    type=click.Path(file_okay=False, exists=True),
    help="A folder of templates used before the built-in ones (a subfolder named after the form, or one it "
    "extends, is used before the folder itself).",
)
@_FORMAT
@_LANG
def templates_check(spec: str, folder: str | None, fmt: str, lang: str) -> None:
    """List variables SPEC's templates use that the render context lacks, and items no template shows.

    The templates are found as `render` and `fuzz` find them: in --templates, then the form's own
    folder templates/<form>/, then the folder of each form it extends (a provincial variant of
    gov-disclosure-2021 uses templates/gov-disclosure-2021/), then templates/base/.
    """
    from baobiao.report.inspect import check_templates

    result = _spec_or_exit(spec, fmt, lang)
    assert result.form is not None
    problems, summary = check_templates(result.form, Path(folder) if folder else None)
    for line in summary:
        click.echo(line, err=True)
    _emit([Report(spec, tuple(problems))], fmt, lang)
    raise SystemExit(EXIT_USAGE if any(p.severity is Severity.ERROR for p in problems) else EXIT_OK)


@main.command()
@click.argument("spec")
@click.option(
    "--templates",
    "folder",
    type=click.Path(file_okay=False, exists=True),
    help="A folder of templates to test, used before the built-in ones (a subfolder named after the form, or "
    "one it extends, before the folder itself).",
)
@click.option(
    "-n",
    "examples",
    type=click.IntRange(1, 100_000),
    default=100,
    show_default=True,
    help="How many valid instances to generate.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: the same seed, the same instances.")
@click.option("--to", "targets", default="txt,html,docx", show_default=True, help="Formats to render.")
@click.option(
    "--out",
    "out",
    type=click.Path(),
    default="fuzz-failure.yaml",
    show_default=True,
    help="Where the smallest failing instance is saved, as a data file.",
)
def fuzz(spec: str, folder: str | None, examples: int, seed: int, targets: str, out: str) -> None:
    """Render N generated valid instances of SPEC through its templates (those of the form, of
    the forms it extends, then templates/base/; a folder of --templates first); report any
    crash, undefined variable or value missing from an output, and save the smallest failing
    instance as a data file that `check` and `render` accept.

    A template error that does not depend on the data (every instance tried fails with it, such
    as a misspelt variable outside any condition) is reported once and no instance is saved.
    Progress goes to stderr when it is a terminal.

    Exit status: 0 nothing found, 1 a template error or a failing instance was found, 2 usage or
    spec errors.
    """
    from baobiao.model.linear import Infeasible
    from baobiao.testing.fuzz import fuzz as run_fuzz
    from baobiao.testing.strategies import OutOfBudget

    chosen = tuple(t.strip() for t in targets.split(",") if t.strip())
    if not chosen or any(t not in BACKENDS for t in chosen):
        raise click.BadParameter(f"use some of {', '.join(BACKENDS)}", param_hint="--to")
    result = _spec_or_exit(spec, "human", "zh")
    assert result.form is not None
    _refuse([Path(out)], Inputs.of(_spec_files(spec, result), [Path(folder) if folder else None]), "human", "zh")
    live = sys.stderr.isatty()

    def progress(done: int, total: int, phase: str) -> None:
        if live:
            shown = f"{done}/{total} instances rendered" if phase == "generate" else f"shrinking: {done} renders"
            click.echo(f"\r\x1b[2K{shown}", nl=False, err=True)

    try:
        found = run_fuzz(
            result.form,
            examples=examples,
            seed=seed,
            templates=Path(folder) if folder else None,
            targets=chosen,
            save_to=destination(Path(out)),
            progress=progress,
        )
    except OutOfBudget as exc:  # a form too large to generate instances of within the budget
        click.echo(f"baobiao: no instance of {spec} could be generated in time ({exc})", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except Infeasible as exc:
        click.echo(f"baobiao: the rules of {spec} admit no data ({exc})", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except OSError as exc:  # saving the failing instance (rendering is done in memory)
        _emit([Report(out, (failure(Path(out), exc),))], "human", "zh")
        raise SystemExit(EXIT_USAGE) from None
    finally:
        if live:
            click.echo("\r\x1b[2K", nl=False, err=True)
    for problem in found.independent:
        click.echo(problem)
    if found.independent:
        click.echo(
            "the template error(s) above do not depend on the data: every instance tried fails with them, so no "
            "instance is saved; fix the template and run fuzz again",
            err=True,
        )
    if found.failure is None:
        if not found.independent:
            click.echo(f"{found.examples} instances rendered without problems", err=True)
        raise SystemExit(EXIT_FINDINGS if found.independent else EXIT_OK)
    for problem in found.problems:
        click.echo(problem)
    click.echo(f"smallest failing instance saved to {found.saved}", err=True)
    raise SystemExit(EXIT_FINDINGS)


@main.command()
@click.argument("spec")
@click.option(
    "--budget",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="Seconds for the analysis beyond contradictions; what is left unfinished is said in a note (S236).",
)
@_FORMAT
@_LANG
def lint(spec: str, budget: float, fmt: str, lang: str) -> None:
    """Analyse SPEC's rules: contradictions (exit 2), cells that can only be 0, rules implied
    by others, indicators no rule uses."""
    from baobiao.model.lint import lint as run_lint

    result = _spec_or_exit(spec, fmt, lang)
    assert result.form is not None
    found = run_lint(result.form, budget=budget)
    _emit([Report(result.report.path, tuple(found), result.report.sources)], fmt, lang)
    click.echo(f"{spec}: {len(found)} finding(s)", err=True)
    raise SystemExit(EXIT_USAGE if any(d.severity is Severity.ERROR for d in found) else EXIT_OK)


@main.command()
@click.argument("spec")
@click.option("-o", "--out", "out", type=click.Path(), required=True, help="The .xlsx file to write.")
def workbook(spec: str, out: str) -> None:
    """Write an Excel fill-in workbook for SPEC: the tables as printed, labels locked, input
    cells validated, and a 核对 sheet comparing each total with the sum of its parts.
    `check` and `render` read the filled workbook."""
    from baobiao.report.workbook import write_workbook

    result = _spec_or_exit(spec, "human", "zh")
    assert result.form is not None
    if not out.lower().endswith(".xlsx"):
        raise click.BadParameter("the file name must end in .xlsx", param_hint="-o")
    _refuse([Path(out)], Inputs.of(_spec_files(spec, result)), "human", "zh")
    _write(Path(out), write_workbook(result.form).data, "human", "zh")
    click.echo(f"已写入 {out}", err=True)


#: the Word template `new` writes (the rendered report takes the workbook's name)
TEMPLATE_NAME = "正文模板.docx"
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def _report_stem(agency: str, year: int) -> str:
    """The workbook's name, which the rendered report keeps: 某某县市场监督管理局2021年政府信息公开工作年度报告
    (characters no file name may hold left out)."""
    name = _NOT_IN_FILE_NAMES.sub("", agency).strip(" .")[:60]
    return f"{name}{year}年政府信息公开工作年度报告"


@main.command("new")
@click.argument("spec")
@click.argument("folder", metavar="DIR")
@click.option("--agency", required=True, help="The agency's name (机关名称), as the report's title prints it.")
@click.option("--year", required=True, type=click.IntRange(1990, 2200), help="The year reported on (年度), e.g. 2021.")
@click.option("--level", help="The agency's level (机关层级), one of those SPEC declares (e.g. 县级政府部门).")
def new(spec: str, folder: str, agency: str, year: int, level: str | None) -> None:
    """Start a report of SPEC in DIR (created when missing): the fill-in workbook, with the
    agency and year filled in, and a Word template of the report in the format's outline (the
    six parts of the 2019 and 2021 formats, or the 2014 table's outline), whose sentences state
    the tables' figures as {{ 本年新收政府信息公开申请数量.总计 }} and whose {{ 表三 }} paragraphs
    become the tables. Write the text in Word or WPS over the yellow 【待填写】 prompts, fill in
    the workbook, then run the `render` command this prints. Existing files are never replaced.
    """
    from baobiao.report.outline import word_template
    from baobiao.report.workbook import write_workbook

    result = _spec_or_exit(spec, "human", "zh")
    form = result.form
    assert form is not None
    declared = form.declared("level")
    if level is not None and declared and level.strip() not in declared:
        raise click.BadParameter(f"{level!r} is not a level of {form.id}: {', '.join(declared)}", param_hint="--level")
    name = agency.strip()
    if not name or _NOT_IN_FILE_NAMES.sub("", name) != name:
        raise click.BadParameter("give the agency's name as printed (no control characters or / \\ : * ? \" < > |)")
    out = Path(folder)
    data = out / f"{_report_stem(name, year)}.xlsx"
    template = out / TEMPLATE_NAME
    inputs = Inputs.of(_spec_files(spec, result))
    problems = [d for d in [refusal(out, inputs, folder=True)] if d is not None]
    for target in (data, template):
        if target.exists() or target.is_symlink():
            problems.append(
                diag(
                    "F006",
                    None,
                    path=str(target),
                    reason="文件已存在；new 从不覆盖已有的文件（它可能已经填写过）",
                    reason_en="it exists; `new` never replaces a file (it may hold work already done)",
                )
            )
        elif out.is_dir() and (problem := refusal(target, inputs)) is not None:
            problems.append(problem)
    if problems:
        _emit([Report(str(out), tuple(problems))], "human", "zh")
        raise SystemExit(EXIT_USAGE)
    if not form.applies_to(year):
        warning = diag("D313", None, year=str(year), form=form.id, years=form.years_text())
        _emit([Report(str(out), (warning,))], "human", "zh")
    meta = {"agency": name, "year": str(year), **({"level": level.strip()} if level else {})}
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _emit([Report(str(out), (failure(out, exc),))], "human", "zh")
        raise SystemExit(EXIT_USAGE) from None
    _write(data, write_workbook(form, meta).data, "human", "zh")
    _write(template, word_template(form, name, str(year)), "human", "zh")
    for path in (data, template):
        click.echo(f"已写入 {path}", err=True)
    files = f"{shlex.quote(str(data))} --template {shlex.quote(str(template))}"
    steps = (
        f"下一步：\n  1. 在 {data.name} 的黄色格子里填写数字；\n"
        f"  2. 在 Word 或 WPS 里写 {template.name}：把黄色的【待填写】换成本机关的文字，"
        "{{ }} 里的数字和 {{ 表三 }} 等表格由 baobiao 填入；\n"
        f"  3. 检查：baobiao check {spec} {files}\n"
        f"  4. 生成报告：baobiao render {spec} {files} --out {shlex.quote(str(out))}"
    )
    click.echo(steps, err=True)


@main.command()
@click.argument("spec")
@click.argument("data", nargs=-1, required=True)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(),
    required=True,
    help="The data file of the totals to write (YAML).",
)
@click.option("--name", default="合计", show_default=True, help="The agency name of the totals.")
@_LANG
def aggregate(spec: str, data: tuple[str, ...], out: str, name: str, lang: str) -> None:
    """Add up DATA files (YAML, workbooks, or folders of them) cell by cell into one data file
    for a city's or province's table, and check it. A cell blank in any file is blank in the
    totals."""
    from baobiao.instance.batch.aggregation import aggregate as add_up
    from baobiao.pipeline import load_data
    from baobiao.testing import instance_yaml

    result = _spec_or_exit(spec, "human", lang)
    assert result.form is not None
    files = list(_data_files(data))
    _refuse([Path(out)], Inputs.of([*_spec_files(spec, result), *files]), "human", lang)
    instances, failed = [], []
    for path in files:
        instance, problems, source = load_data(result.form, path)
        if instance is None or any(p.severity is Severity.ERROR for p in problems):
            failed.append(Report(str(path), tuple(problems), {source.name: source} if source else {}))
        else:
            instances.append(instance)
    if failed or not instances:
        _emit(failed, "human", lang)
        raise SystemExit(EXIT_USAGE)
    total = add_up(result.form, instances, f"{name}（{len(instances)} 个机关）")
    _write(Path(out), instance_yaml(result.form, total).encode("utf-8"), "human", lang)
    report = check_data(result.form, Path(out), result.report.sources).report
    _emit([report], "human", lang)
    click.echo(render_summary([report], lang), err=True)
    raise SystemExit(EXIT_FINDINGS if report.errors else EXIT_OK)


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["human", "json"]), default="human", show_default=True)
def diff_command(old: str, new: str, fmt: str) -> None:
    """List indicators added, removed and relabelled, and rules changed, from OLD to NEW."""
    import json

    from baobiao.migrate import diff

    before, after = _spec_or_exit(old, "human", "zh").form, _spec_or_exit(new, "human", "zh").form
    assert before is not None and after is not None
    changes = diff(before, after)
    if fmt == "json":
        click.echo(json.dumps([c.__dict__ for c in changes], ensure_ascii=False, indent=2))
    else:
        for change in changes:
            click.echo(change.line())
    click.echo(f"{len(changes)} change(s) from {before.id} to {after.id}", err=True)


@main.command("migrate")
@click.argument("old")
@click.argument("new")
@click.argument("data")
@click.option("-o", "--out", "out", type=click.Path(), help="Write the new data file here (default: stdout).")
def migrate_command(old: str, new: str, data: str, out: str | None) -> None:
    """Carry DATA (a file of form OLD) over to form NEW, through the `carry` mapping NEW declares;
    list what could not be carried over. The input file is never changed."""
    from baobiao.migrate import migrate, migrated_yaml
    from baobiao.pipeline import load_data

    old_spec, new_spec = _spec_or_exit(old, "human", "zh"), _spec_or_exit(new, "human", "zh")
    before, after = old_spec.form, new_spec.form
    assert before is not None and after is not None
    if out is not None:
        inputs = Inputs.of([*_spec_files(old, old_spec), *_spec_files(new, new_spec), Path(data)])
        _refuse([Path(out)], inputs, "human", "zh")
    instance, problems, source = load_data(before, Path(data))
    if instance is None or any(p.severity is Severity.ERROR for p in problems):
        _emit([Report(data, tuple(problems), {source.name: source} if source else {})], "human", "zh")
        raise SystemExit(EXIT_USAGE)
    result = migrate(before, after, instance)
    text = migrated_yaml(before, after, instance, result)
    if out is None:
        click.echo(text, nl=False)
    else:
        _write(Path(out), text.encode("utf-8"), "human", "zh")
    click.echo(
        f"carried {result.carried} value(s); {len(result.dropped)} not carried over; "
        f"{len(result.empty)} cell(s) of {after.id} left blank",
        err=True,
    )
    for cell, path in result.dropped:
        click.echo(f"  not carried over: {path} [{cell}]", err=True)


@main.command()
@click.argument("spec")
@click.option(
    "--resolved",
    is_flag=True,
    help="Print the whole form, with the forms it extends and its edits applied, as one spec without "
    "`extends`: a built-in form as a copy to edit (baobiao fmt --resolved gov-disclosure-2021 > my-form.spec).",
)
@_LANG
def fmt(spec: str, resolved: bool, lang: str) -> None:
    """Print SPEC in canonical form (the file itself is not changed).

    With --resolved, print the whole form instead: every table, row, rule and term of the forms
    it extends, with its own edits applied and the comments of each file kept. It compiles to
    the same form. To make a provincial variant, either write a short spec that says
    `extends gov-disclosure-2021` and lists its changes (see README), or copy the whole form with
    --resolved and edit the copy.
    """
    result = _spec_or_exit(spec, "human", lang, tree=True)
    tree = result.merged if resolved else result.ast
    assert tree is not None
    click.echo(format_spec(tree), nl=False)


@main.command()
@click.argument("code")
@click.option("--form", "form_name", metavar="SPEC", help="With `terms`: list the terms of this form.")
@_LANG
def explain(code: str, form_name: str | None, lang: str) -> None:
    """Describe a diagnostic CODE, e.g. C401 or sum-mismatch; `explain terms` describes how the
    report's text is checked against its tables (`--form SPEC` lists that form's terms)."""
    if code.strip().lower() in TOPICS:
        click.echo(TOPICS[code.strip().lower()][lang])
        if form_name:
            form = _spec_or_exit(form_name, "human", lang).form
            assert form is not None
            click.echo("")
            click.echo("\n".join(describe_terms(form)))
        return
    info = lookup(code)
    if info is None:
        known = ", ".join(CODES)
        click.echo(f"baobiao: {'没有这个代码' if lang == 'zh' else 'unknown code'} {code}\n{known}", err=True)
        raise SystemExit(EXIT_USAGE)
    sev = {"zh": {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.NOTE: "说明"}}.get(lang, {})
    click.echo(f"{info.code} {info.name} ({sev.get(info.severity, info.severity.value)})\n")
    click.echo(info.explain[lang])
    click.echo("")
    click.echo(("消息：" if lang == "zh" else "message: ") + info.message[lang])
    click.echo(("提示：" if lang == "zh" else "hint: ") + info.hint[lang])


@main.command()
def forms() -> None:
    """List the built-in forms."""
    for name in builtin_specs():
        result = load_spec(name)
        title = result.form.title if result.form else "?"
        click.echo(f"{name}\t{title}")


def run() -> None:
    """The console entry point: a last-resort guard so that a bug in baobiao ends in a short
    message, not a traceback (set BAOBIAO_DEBUG=1 to see the traceback)."""
    try:
        main(standalone_mode=True)
    except Exception as exc:  # pragma: no cover - only reached through a bug
        if os.environ.get("BAOBIAO_DEBUG"):
            raise
        click.echo(
            f"baobiao: 内部错误 internal error ({type(exc).__name__}). "
            "请把命令和输入文件报告给维护者 / please report the command and its input files. "
            "BAOBIAO_DEBUG=1 shows the details.",
            err=True,
        )
        raise SystemExit(EXIT_USAGE) from None
