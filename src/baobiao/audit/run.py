"""Auditing published reports: each file read (audit.readers), its tables and text mapped to a
form and written as a data file (audit.extract), then loaded and checked as any data file is.

Reports of a folder are read first and checked after: a report whose agency has the previous
year's report among those audited is checked with it as ``--previous`` (the cross-year rules,
上年结转 against last year's 结转下年度, and the text's 同比 claims), and their texts are compared
(A201, a report that repeats last year's)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from baobiao.audit.document import Document
from baobiao.audit.extract import Extraction, agency_key, extract
from baobiao.audit.readers import read_document
from baobiao.diagnostics.core import Diagnostic, Report, diag, sorted_diagnostics
from baobiao.instance.load import Instance, load_instance
from baobiao.model import Form
from baobiao.pipeline import CheckOptions, check_loaded
from baobiao.source import Source

#: the share of this year's text in paragraphs nearly identical to last year's above which A201
REPEATED_SHARE = 0.5
#: how alike two paragraphs must be (rapidfuzz's ratio, figures aside) to count as the same
SAME_PARAGRAPH = 90.0
_FIGURES = re.compile(r"[0-9０-９.,，%％]+")


@dataclass(frozen=True)
class Read:
    """One report read and extracted, before it is checked."""

    path: Path
    document: Document
    extraction: Extraction | None
    source: Source | None  # the extracted data file
    instance: Instance | None
    problems: tuple[Diagnostic, ...]  # reading, extracting and loading

    @property
    def agency(self) -> str:
        return agency_key(self.instance.meta.get("agency", "")) if self.instance is not None else ""

    @property
    def year(self) -> int | None:
        return self.instance.year if self.instance is not None else None


@dataclass(frozen=True)
class Audited:
    """One report audited: what was read, and the report of its findings."""

    read: Read
    report: Report
    previous: Path | None  # the report of the year before it was checked with


def read_report(path: Path, form: Form | None = None, target: Path | None = None) -> Read:
    """Read one published report and extract its data (nothing checked yet). ``target``: where
    `--extract` writes the data file, which then names it in findings (lines a reviewer can
    open and correct); without it, the data is named after the report."""
    document = read_document(path)
    if not document.blocks:
        return Read(path, document, None, None, None, document.problems)
    extraction = extract(document, form)
    name = str(target) if target is not None else f"{path}.extracted.yaml"
    problems = [*document.problems, *extraction.problems]
    source = Source(name, extraction.yaml_text)
    instance, loaded = load_instance(extraction.form, source)
    return Read(path, document, extraction, source, instance, (*problems, *loaded))


def audit(
    paths: Sequence[Path],
    form: Form | None,
    spec_sources: Mapping[str, Source],
    targets: Mapping[Path, Path] | None = None,
    options: CheckOptions | None = None,
    progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda items: items,
) -> list[Audited]:
    """Audit every report: read them all, pair each with its agency's report of the year
    before (when one is among them), then check each. ``targets``: where each report's data
    file is written (``extraction_targets``)."""
    reads = [read_report(path, form, (targets or {}).get(path)) for path in progress(paths)]
    by_year = {(r.agency, r.year): r for r in reads if r.agency and r.year is not None}
    out = []
    for read in reads:
        last = by_year.get((read.agency, read.year - 1)) if read.agency and read.year is not None else None
        out.append(_checked(read, last, spec_sources, options or CheckOptions()))
    return out


def _checked(read: Read, last: Read | None, spec_sources: Mapping[str, Source], options: CheckOptions) -> Audited:
    name = str(read.path)
    extraction = read.extraction
    if read.source is None or extraction is None:
        return Audited(read, Report(name, sorted_diagnostics(read.problems)), None)
    previous = last.instance if last is not None else None
    result = check_loaded(
        extraction.form, read.instance, read.problems, read.source, spec_sources, previous, options, name=name
    )
    notes = list(result.report.diagnostics)
    if last is not None:
        notes.extend(_repeated(read, last))
    sources = MappingProxyType(dict(result.report.sources))
    report = Report(name, sorted_diagnostics(notes), sources, result.report.not_checked)
    return Audited(read, report, last.path if last is not None else None)


def _repeated(read: Read, last: Read) -> list[Diagnostic]:
    """A201 when most of this year's text is in paragraphs nearly identical to last year's."""
    from rapidfuzz import fuzz, process

    mine = [_without_figures(p.text) for p in read.document.paragraphs if len(p.text) >= 20]
    theirs = [_without_figures(p.text) for p in last.document.paragraphs if len(p.text) >= 20]
    total = sum(len(p) for p in mine)
    if not total or not theirs:
        return []
    repeated = sum(
        len(p) for p in mine if process.extractOne(p, theirs, scorer=fuzz.ratio, score_cutoff=SAME_PARAGRAPH)
    )
    share = repeated / total
    if share <= REPEATED_SHARE:
        return []
    year = str(last.year) if last.year is not None else "?"
    return [diag("A201", None, share=f"{share * 100:.0f}", year=year, previous=str(last.path))]


def _without_figures(text: str) -> str:
    return _FIGURES.sub("#", "".join(text.split()))


def extraction_targets(paths: Sequence[Path], folder: Path) -> dict[Path, Path]:
    """Where `--extract FOLDER` writes each report's data file: FOLDER/<report's name>.yaml,
    a number added when two reports of different folders share a name."""
    out: dict[Path, Path] = {}
    taken: set[str] = set()
    for path in paths:
        name, k = f"{path.name}.yaml", 1
        while name in taken:
            k += 1
            name = f"{path.stem}-{k}{path.suffix}.yaml"
        taken.add(name)
        out[path] = folder / name
    return out
