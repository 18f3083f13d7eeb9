"""The stages end to end, as the Python API the command line uses.

read -> parse -> compile for a spec; read -> load -> check for a data file. Each stage reports
all its problems; the pipeline stops between stages when a stage had errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from baobiao.diagnostics.core import Diagnostic, Report, diag, has_errors, sorted_diagnostics
from baobiao.instance.check import Checked, check
from baobiao.instance.load import Instance, load_instance
from baobiao.model import Form
from baobiao.model.compile import compile_spec
from baobiao.resources import builtin_specs
from baobiao.source import ReadError, Source, read_source
from baobiao.syntax import ast
from baobiao.syntax.parser import parse


@dataclass(frozen=True, slots=True)
class SpecResult:
    form: Form | None
    ast: ast.SpecFile | None
    report: Report


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


def compile_source(source: Source) -> SpecResult:
    spec_ast, problems = parse(source)
    sources = MappingProxyType({source.name: source})
    if spec_ast is None:
        return SpecResult(None, None, Report(source.name, sorted_diagnostics(problems), sources))
    form, problems = compile_spec(spec_ast)
    return SpecResult(form, spec_ast, Report(source.name, sorted_diagnostics(problems), sources))


def load_spec(ref: str) -> SpecResult:
    """Read, parse and compile a spec given by path or built-in name."""
    path = resolve_spec(ref)
    if path is None:
        names = "、".join(builtin_specs()) or "-"
        problem = diag("F005", None, name=ref, builtins=names, builtins_en=", ".join(builtin_specs()))
        return SpecResult(None, None, Report(ref, (problem,)))
    display = ref if Path(ref).exists() else f"<{path.stem}>"
    try:
        source = read_source(path, display)
    except ReadError as error:
        return SpecResult(None, None, _read_failure(ref, error))
    return compile_source(source)


def check_data(form: Form, path: Path, spec_sources: Mapping[str, Source]) -> DataResult:
    """Read, load and check one data file."""
    name = str(path)
    try:
        source = read_source(path)
    except ReadError as error:
        return DataResult(None, None, _read_failure(name, error))
    sources = MappingProxyType({**spec_sources, source.name: source})
    instance, problems = load_instance(form, source)
    findings: list[Diagnostic] = list(problems)
    checked = None
    if instance is not None and not has_errors(problems):
        findings.extend(_metadata_findings(form, instance))
        checked = check(form, instance)
        findings.extend(checked.findings)
    report = Report(name, sorted_diagnostics(findings), sources)
    return DataResult(instance, checked, report, sources)


def _metadata_findings(form: Form, instance: Instance) -> list[Diagnostic]:
    out = []
    if instance.form_id and instance.form_id != form.id:
        out.append(diag("D312", None, given=instance.form_id, form=form.id, data_path="$.meta.form"))
    if instance.year is not None and not form.applies_to(instance.year):
        out.append(
            diag("D313", None, year=str(instance.year), form=form.id, years=form.years_text(), data_path="$.meta.year")
        )
    return out
