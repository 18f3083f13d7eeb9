"""The stages end to end, as the Python API the command line uses.

read -> parse -> compile for a spec; read -> load -> check for a data file. Each stage reports
all its problems; the pipeline stops between stages when a stage had errors.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from baobiao import formcache
from baobiao.diagnostics.core import Diagnostic, Report, Severity, diag, has_errors, sorted_diagnostics
from baobiao.instance.check import Checked, check
from baobiao.instance.load import Instance, load_instance
from baobiao.instance.locate import grouped, likely_wrong
from baobiao.instance.workbook import load_workbook_instance
from baobiao.instance.yamlsafe import YMap, YNode, YScalar, load_yaml
from baobiao.model import Form
from baobiao.model.extend import edits_without_base, merge
from baobiao.model.lint import contradictions
from baobiao.outputs import Inputs, OutputFailed, failure, refusal, write_output
from baobiao.report.authoring import WordTemplate, fill_template, read_template
from baobiao.report.backends import BACKENDS, Options, environment_for, unavailable
from baobiao.report.charts import make_charts
from baobiao.report.context import RenderInput, build_context, describe_findings
from baobiao.report.env import TEMPLATE_ERRORS, search_path, template_error
from baobiao.report.pdf import ConversionFailed, docx_to_pdf
from baobiao.report.text_table import DEFAULT_WIDTH
from baobiao.resources import builtin_specs
from baobiao.source import ReadError, Source, read_source
from baobiao.syntax import ast
from baobiao.syntax.ast import SpecFile
from baobiao.syntax.limits import MAX_EXTENDS


@dataclass(frozen=True, slots=True)
class SpecResult:
    """A compiled spec: its form, its syntax tree as written (``ast``) and, for ``fmt
    --resolved``, the tree merged onto the forms it extends (``merged``: the whole form as one
    spec without ``extends``; the same tree as ``ast`` for a spec that extends none)."""

    form: Form | None
    ast: ast.SpecFile | None
    report: Report
    merged: SpecFile | None = None


@dataclass(frozen=True, slots=True)
class DataResult:
    instance: Instance | None
    checked: Checked | None
    report: Report
    sources: Mapping[str, Source] = field(default_factory=lambda: MappingProxyType({}))


def _read_failure(path: str, error: ReadError) -> Report:
    return Report(path, (diag(error.code, None, params=error.params),))


def resolve_spec(ref: str) -> Path | None:
    """A spec argument: an existing path, or the name of a built-in form."""
    path = Path(ref)
    if path.exists():
        return path
    return builtin_specs().get(ref.removesuffix(".spec"))


def _display(path: Path) -> str:
    """How a spec file is named in messages: built-in forms as <name>."""
    builtin = builtin_specs().get(path.stem)
    return f"<{path.stem}>" if builtin is not None and builtin.resolve() == path.resolve() else str(path)


def _base_path(source: Source, extends: ast.Extends) -> Path | None:
    if extends.is_path:
        origin = Path(source.name) if not source.name.startswith("<") else Path(".")
        path = origin.parent / extends.base
        return path if path.is_file() else None
    return builtin_specs().get(extends.base)


def _syntax_tree(
    source: Source, chain: tuple[str, ...]
) -> tuple[ast.SpecFile | None, ast.SpecFile | None, list[Diagnostic], dict[str, Source]]:
    """Parse a spec and, if it extends another, merge it onto its base (recursively).
    Returns (own tree, merged tree, problems, sources read)."""
    from baobiao.syntax.parser import parse  # not imported when the compiled form is cached

    own, problems = parse(source)
    sources = {source.name: source}
    if own is None:
        return None, None, problems, sources
    extends = [a for a in own.header.attrs if isinstance(a, ast.Extends)]
    if not extends:
        return own, own, problems + edits_without_base(own), sources
    ext = extends[0]
    path = _base_path(source, ext)

    def bad(zh: str, en: str) -> tuple[ast.SpecFile, None, list[Diagnostic], dict[str, Source]]:
        return own, None, [*problems, diag("S216", ext.span, name=ext.base, problem=zh, problem_en=en)], sources

    if path is None:
        names = "、".join(builtin_specs())
        return bad(f"找不到该表式（内置表式：{names}）", f"no such form (built-in: {', '.join(builtin_specs())})")
    key = str(path.resolve())
    if key in chain:
        return bad("表式不能直接或间接地继承它自己", "a form cannot extend itself")
    if len(chain) >= MAX_EXTENDS:
        return bad(
            f"继承的层级太多（上限 {MAX_EXTENDS} 层）", f"too many forms in the chain of extends (limit {MAX_EXTENDS})"
        )
    try:
        base_source = read_source(path, _display(path))
    except ReadError as error:
        return bad(f"无法读取（{error.code}）", f"unreadable ({error.code})")
    _, base, base_problems, base_sources = _syntax_tree(base_source, (*chain, key))
    sources.update(base_sources)
    if base is None or has_errors(base_problems):
        zh, en = "所继承的表式本身有错误", "the form extended has errors"
        own_, _, found, _ = bad(zh, en)
        return own_, None, found + base_problems, sources
    merged, merge_problems = merge(base, own)
    return own, merged, problems + base_problems + merge_problems, sources


def compile_source(source: Source, path: Path | None = None) -> SpecResult:
    """Parse and compile a spec (``path``: its file, so that a loop of extends is caught)."""
    chain = (str(path.resolve()),) if path is not None else ()
    own, merged, problems, found = _syntax_tree(source, chain)
    sources = MappingProxyType(found)
    if merged is None or has_errors(problems):
        return SpecResult(None, own, Report(source.name, sorted_diagnostics(problems), sources))
    from baobiao.model.compile import compile_spec

    form, more = compile_spec(merged)
    if form is not None and (conflicting := contradictions(form)):  # rules that admit no data
        return SpecResult(None, own, Report(source.name, sorted_diagnostics(problems + more + conflicting), sources))
    return SpecResult(form, own, Report(source.name, sorted_diagnostics(problems + more), sources), merged)


def load_spec(ref: str, tree: bool = False) -> SpecResult:
    """Read, parse and compile a spec given by path or built-in name; a form compiled before
    is taken from the cache (baobiao.formcache), without its syntax tree unless ``tree``."""
    path = resolve_spec(ref)
    if path is None:
        names = "、".join(builtin_specs()) or "-"
        problem = diag("F005", None, name=ref, builtins=names, builtins_en=", ".join(builtin_specs()))
        return SpecResult(None, None, Report(ref, (problem,)))
    try:
        source = read_source(path, ref if Path(ref).exists() else _display(path))
    except ReadError as error:
        return SpecResult(None, None, _read_failure(ref, error))
    if not tree and (kept := formcache.lookup(source, path)) is not None:
        return SpecResult(kept[0], None, kept[1])
    result = compile_source(source, path)
    if result.form is not None:
        formcache.store(source, path, result.form, result.report)
    return result


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """How data is read and checked. ``strict_labels``: a label that matches the form only
    through a slip (traditional script, a typo, an earlier form's wording…) is an error and its
    value is not read; ``tables``: the ids of the tables to check (None: every table)."""

    strict_labels: bool = False
    tables: frozenset[str] | None = None


def load_data(
    form: Form, path: Path, options: CheckOptions = CheckOptions()
) -> tuple[Instance | None, list[Diagnostic], Source | None]:
    """Read and load one data file (no checking): YAML, or an Excel workbook (.xlsx). The
    instance holds every value that could be placed, whatever else was wrong."""
    if path.suffix.lower() == ".xlsx":
        if not path.is_file():
            return None, [diag("F001", None, path=str(path))], None
        instance, problems = load_workbook_instance(form, path, strict_labels=options.strict_labels)
        return instance, problems, Source(str(path), "")
    try:
        source = read_source(path)
    except ReadError as error:
        return None, list(_read_failure(str(path), error).diagnostics), None
    instance, problems = load_instance(form, source, strict_labels=options.strict_labels)
    return instance, problems, source


def check_data(
    form: Form,
    path: Path,
    spec_sources: Mapping[str, Source],
    previous: Instance | None = None,
    options: CheckOptions = CheckOptions(),
) -> DataResult:
    """Read, load and check one data file; ``previous`` is last year's data, loaded. A problem
    with one key or one value is a finding about it: everything that loaded is still checked."""
    instance, problems, source = load_data(form, path, options)
    if source is None:
        return DataResult(None, None, Report(str(path), tuple(problems)))
    return check_loaded(form, instance, problems, source, spec_sources, previous, options, name=str(path))


def check_loaded(
    form: Form,
    instance: Instance | None,
    problems: Sequence[Diagnostic],
    source: Source,
    spec_sources: Mapping[str, Source],
    previous: Instance | None = None,
    options: CheckOptions = CheckOptions(),
    name: str | None = None,
) -> DataResult:
    """Check data already loaded from ``source`` (``problems``: those met loading it): the
    rules, the text, the likely wrong cells. ``name``: the report's name (the source's)."""
    name = name or source.name
    sources = MappingProxyType({**spec_sources, source.name: source})
    findings: list[Diagnostic] = list(problems)
    checked = None
    if instance is not None:
        findings.extend(_metadata_findings(form, instance, previous))
        checked = check(form, instance, previous, options.tables)
        findings.extend(grouped(checked.findings, likely_wrong(form, instance, checked.findings)))
    not_checked = checked.not_checked if checked else ()
    report = Report(name, sorted_diagnostics(findings), sources, not_checked)
    return DataResult(instance, checked, report, sources)


def check_with_template(
    form: Form,
    template: WordTemplate,
    path: Path | None,
    spec_sources: Mapping[str, Source] = MappingProxyType({}),
    previous: Instance | None = None,
    options: CheckOptions = CheckOptions(),
) -> DataResult:
    """Check a data file whose report text is a Word template (report.authoring): the
    template's own findings (placeholders, table markers, prompts left) and the data's, the
    claims of the template's text checked against the data's tables (any text the data file
    holds is not the report's). Without a data file, the template's findings alone."""
    if path is None:
        return DataResult(None, None, Report(template.name, sorted_diagnostics(template.findings)))
    instance, problems, source = load_data(form, path, options)
    if source is None:
        return DataResult(None, None, Report(str(path), tuple(problems)))
    if instance is not None:
        instance = replace(instance, narrative=template.narrative)
    found = [*problems, *template.findings]
    return check_loaded(form, instance, found, source, spec_sources, previous, options, name=str(path))


def load_previous(form: Form, path: Path, options: CheckOptions = CheckOptions()) -> tuple[Instance | None, Report]:
    """Last year's data for cross-year rules. It is read with the form its ``meta.form``
    names when that is another built-in form (last year's format), else with ``form``. Its
    problems are reported under its own name; whatever loaded is still used (a cell that could
    not be read is blank there)."""
    used = form
    try:
        root, _ = load_yaml(read_source(path))
    except ReadError as error:
        return None, _read_failure(str(path), error)
    named = _meta_form(root)
    if named and named != form.id and named in builtin_specs():
        other = load_spec(named).form
        used = other if other is not None else form
    instance, problems, source = load_data(used, path, options)
    sources = MappingProxyType({source.name: source}) if source else MappingProxyType({})
    return instance, Report(str(path), sorted_diagnostics(problems), sources)


def _meta_form(root: YNode | None) -> str | None:
    if not isinstance(root, YMap):
        return None
    for key, value in root.items:
        if isinstance(key, YScalar) and key.text == "meta" and isinstance(value, YMap):
            for k, v in value.items:
                if isinstance(k, YScalar) and k.text == "form" and isinstance(v, YScalar):
                    return v.text.strip()
    return None


def _metadata_findings(form: Form, instance: Instance, previous: Instance | None) -> list[Diagnostic]:
    out = []
    if previous is not None:
        agency, last_agency = instance.meta.get("agency"), previous.meta.get("agency")
        if agency and last_agency and agency != last_agency:
            out.append(
                diag("D317", None, field="agency", value=last_agency, expected=agency, data_path="$.meta.agency")
            )
        if instance.year is not None and previous.year is not None and previous.year != instance.year - 1:
            out.append(
                diag(
                    "D317",
                    None,
                    field="year",
                    value=str(previous.year),
                    expected=str(instance.year - 1),
                    data_path="$.meta.year",
                )
            )
    if instance.form_id and instance.form_id != form.id:
        out.append(diag("D312", None, given=instance.form_id, form=form.id, data_path="$.meta.form"))
    if instance.year is not None and not form.applies_to(instance.year):
        out.append(
            diag("D313", None, year=str(instance.year), form=form.id, years=form.years_text(), data_path="$.meta.year")
        )
    return out


# -- rendering --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderResult:
    report: Report
    written: tuple[Path, ...]


def render_report(
    form: Form,
    path: Path,
    spec_sources: Mapping[str, Source],
    *,
    targets: tuple[str, ...] = ("docx", "html", "txt"),
    out_dir: Path = Path("."),
    draft: bool = False,
    templates: Path | None = None,
    text_width: int = DEFAULT_WIDTH,
    lang: str = "zh",
    protected: tuple[Path, ...] = (),
    word_template: Path | None = None,
    previous: Instance | None = None,
    charts: bool = False,
    stem: str | None = None,
) -> RenderResult:
    """Check a data file, then write the report in each target format (``out_dir/STEM.docx``…,
    ``stem`` by default the data file's name without its suffix). With errors nothing is
    written, unless ``draft``: then the report is marked and lists the findings. All outputs
    are rendered before any is written; each is written atomically. ``out_dir`` (created when
    missing) and the files in it must pass baobiao.outputs.refusal: never an input (the data
    file, ``protected`` files such as the spec, files of ``templates``, ``word_template``), a
    device or a pipe; they are refused before the data is read. ``word_template``: a Word
    file written by the user (report.authoring) holds the report's text; the Word output is
    it filled in, and the other outputs print its text. ``previous``: last year's data, for the
    cross-year rules and the charts against last year; ``charts``: charts after the tables
    (report.charts; drawn before the templates render, a chart that cannot be is R516)."""
    inputs = Inputs.of((path, *protected, *([word_template] if word_template else [])), (templates,))
    files = [out_dir / f"{stem or path.stem}{BACKENDS[name][0]}" for name in targets]
    refused = [d for d in [refusal(out_dir, inputs, folder=True)] if d is not None]
    if not refused and out_dir.is_dir():
        refused = [d for target in files if (d := refusal(target, inputs)) is not None]
    refused += unavailable(targets)  # R508: pdf without LibreOffice
    if refused:
        return RenderResult(Report(str(path), tuple(refused)), ())
    template = None
    if word_template is not None:
        template, problems = read_template(word_template, form)
        if template is None:
            return RenderResult(Report(str(word_template), tuple(problems)), ())
    # checks the narrative's claims too (the template's text, when there is one)
    result = (
        check_data(form, path, spec_sources, previous)
        if template is None
        else check_with_template(form, template, path, spec_sources, previous)
    )
    findings = list(result.report.diagnostics)
    instance = result.instance
    if instance is None:
        return RenderResult(result.report, ())
    drawn = None
    if charts and (draft or not has_errors(findings)):
        drawn, left_out = make_charts(form, instance, previous, targets)
        findings.extend(left_out)
    given = RenderInput(form, instance, draft=draft, lang=lang, charts=drawn)
    context = build_context(given)
    context["findings"] = describe_findings(findings, lang)
    errors = sum(1 for d in findings if d.severity is Severity.ERROR)
    if errors and not draft:
        findings.append(diag("R505", None, errors=str(errors)))
        return RenderResult(Report(result.report.path, sorted_diagnostics(findings), result.sources), ())
    dirs = search_path(form, templates)
    outputs: list[tuple[Path, bytes]] = []
    filled = None
    if template is not None and {"docx", "pdf"} & set(targets):
        filled, more = fill_template(template, given, draft=draft, findings=context["findings"])
        findings.extend(more)
        if more and not draft:  # a figure that cannot be computed (outside the text checked)
            findings.append(diag("R505", None, errors=str(len(more))))
            return RenderResult(Report(result.report.path, sorted_diagnostics(findings), result.sources), ())
    for name, target in zip(targets, files, strict=True):
        suffix, backend = BACKENDS[name]
        try:
            if filled is not None and name in ("docx", "pdf"):
                outputs.append((target, filled if name == "docx" else docx_to_pdf(filled)))
                continue
            env = environment_for(name, dirs)  # one per process: templates compiled once
            outputs.append((target, backend(env, context, Options(text_width=text_width))))
        except TEMPLATE_ERRORS as exc:
            findings.append(template_error(exc, f"report{suffix}"))
        except ConversionFailed as exc:  # pdf: LibreOffice failed
            findings.append(exc.diagnostic)
    report = Report(result.report.path, sorted_diagnostics(findings), result.sources)
    if len(outputs) != len(targets):
        return RenderResult(report, ())
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return RenderResult(Report(report.path, (*report.diagnostics, failure(out_dir, exc)), report.sources), ())
    written: list[Path] = []
    for target, data in outputs:
        try:
            write_output(target, data)
        except OutputFailed as exc:
            failed = (*report.diagnostics, exc.diagnostic)
            return RenderResult(Report(report.path, failed, report.sources), tuple(written))
        written.append(target)
    return RenderResult(report, tuple(written))


# -- rendering many data files ----------------------------------------------------------------

#: fewer data files than this are rendered in this process whatever ``jobs`` says: starting
#: workers would cost about what they save
POOLED_FROM = 8


def output_stems(paths: Sequence[Path]) -> list[str]:
    """The name each data file's outputs take in the output folder, before the suffix: the data
    file's own name without its suffix (``a.yaml`` -> ``a.docx``). When several data files would
    share a name (``a.yaml`` in two folders, or ``a.yaml`` beside ``a.xlsx``), the first in the
    order given keeps it and the others are numbered: ``a-2``, ``a-3``… (as ``audit --extract``
    names its files). Names are compared ignoring case, as some file systems do."""
    taken: set[str] = set()
    out: list[str] = []
    for path in paths:
        stem, k = path.stem, 1
        while stem.casefold() in taken:
            k += 1
            stem = f"{path.stem}-{k}"
        taken.add(stem.casefold())
        out.append(stem)
    return out


class _InputIndex:
    """The inputs of a command, by their resolved paths and by their files (device and inode:
    hard links): outputs.refusal asks each input in turn, which for a thousand data files and
    three thousand outputs would be millions of system calls. The same answers, once each."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.paths: dict[Path, Path] = {}
        self.files: dict[tuple[int, int], Path] = {}
        for path in files:
            with contextlib.suppress(OSError, RuntimeError):  # an input that is not there cannot be overwritten
                self.paths.setdefault(path.resolve(), path)
                found = os.stat(path)
                self.files.setdefault((found.st_dev, found.st_ino), path)

    def hit(self, target: Path) -> Path | None:
        """The input ``target`` would overwrite (as outputs.refusal decides it), if any."""
        try:
            resolved = target.resolve()
        except (OSError, RuntimeError):
            return None  # refusal reports it
        if resolved in self.paths:
            return self.paths[resolved]
        try:
            found = os.stat(target)
        except OSError:
            return None
        return self.files.get((found.st_dev, found.st_ino))


def render_refusals(stems: Sequence[str], targets: tuple[str, ...], out_dir: Path, inputs: Inputs) -> list[Diagnostic]:
    """Before any work, for many data files: why ``out_dir`` or an output file (STEM + each
    target's suffix) must not be written (outputs.refusal: an input of the command — every data
    file among them —, a device, a pipe, a folder where a file is wanted), and R508 for a
    format this machine cannot write."""
    index = _InputIndex(inputs.files)

    def refused(target: Path, folder: bool = False) -> Diagnostic | None:
        hit = index.hit(target)
        return refusal(target, Inputs.of([hit], inputs.folders), folder=folder)

    found = [d for d in [refused(out_dir, folder=True)] if d is not None]
    if not found and out_dir.is_dir():
        suffixes = [BACKENDS[name][0] for name in targets]
        found = [d for stem in stems for suffix in suffixes if (d := refused(out_dir / f"{stem}{suffix}"))]
    return found + unavailable(targets)


@dataclass(frozen=True, slots=True)
class _Batch:
    """What every worker holds from its start: the form and how to render."""

    form: Form
    spec_sources: Mapping[str, Source]
    options: Mapping[str, Any]  # render_report's keyword arguments


@dataclass(frozen=True, slots=True)
class _Rendered:
    """One data file rendered, as plain data (what a worker sends back)."""

    path: str  # the report's name
    diagnostics: tuple[Diagnostic, ...]
    not_checked: tuple[str, ...]
    written: tuple[Path, ...]
    sources: Mapping[str, Source]  # its own (the data file's), when there are diagnostics to show in them


def _render_one(batch: _Batch, task: tuple[Path, str]) -> _Rendered:
    path, stem = task
    result = render_report(batch.form, path, batch.spec_sources, stem=stem, **batch.options)
    report = result.report
    own = {k: v for k, v in report.sources.items() if k not in batch.spec_sources} if report.diagnostics else {}
    return _Rendered(report.path, report.diagnostics, report.not_checked, result.written, own)


def render_reports(
    form: Form,
    paths: Sequence[Path],
    spec_sources: Mapping[str, Source],
    *,
    stems: Sequence[str] | None = None,
    jobs: int = 1,
    progress: Callable[[int], object] = lambda done: None,
    **options: Any,
) -> list[RenderResult]:
    """``render_report`` for each data file, in the order given, each with its outputs named
    ``stems`` (by default ``output_stems(paths)``: never two the same). ``options`` are
    render_report's keyword arguments. ``jobs`` over 1 spreads the files over that many worker
    processes (fewer than ``POOLED_FROM`` files are rendered in this process): a worker that
    dies on a file gives that file R518, and the others are rendered as usual. ``progress(1)``
    as each file is done. Call ``render_refusals`` first: each file's outputs are only checked
    against its own inputs here."""
    stems = list(stems) if stems is not None else output_stems(paths)
    batch = _Batch(form, spec_sources, options)
    tasks = list(zip(paths, stems, strict=True))
    if jobs > 1 and len(tasks) >= POOLED_FROM:
        from baobiao.workers import Died, Pool

        with Pool(min(jobs, len(tasks)), batch) as pool:
            outcomes: list[_Rendered | Died] = pool.map(_render_one, tasks, progress)
    else:
        outcomes = []
        for task in tasks:
            outcomes.append(_render_one(batch, task))
            progress(1)
    out: list[RenderResult] = []
    for (path, _), outcome in zip(tasks, outcomes, strict=True):
        if isinstance(outcome, _Rendered):
            sources = MappingProxyType({**spec_sources, **outcome.sources})
            out.append(
                RenderResult(Report(outcome.path, outcome.diagnostics, sources, outcome.not_checked), outcome.written)
            )
        else:
            zh, en = outcome.cause()
            died = diag("R518", None, path=str(path), cause=zh, cause_en=en)
            out.append(RenderResult(Report(str(path), (died,)), ()))
    return out
