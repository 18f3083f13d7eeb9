"""Auditing published reports: each file read (audit.readers), its tables and text mapped to a
form and written as a data file (audit.extract), then loaded and checked as any data file is.

Reports of a folder are audited in two phases. First each is read and mapped to its form
(:class:`Extracted`); then each is loaded and checked (:func:`_judged`): a report whose agency
has the previous year's report among those audited is checked with it as ``--previous`` (the
cross-year rules, 上年结转 against last year's 结转下年度, and the text's 同比 claims), and their
texts are compared (A201, a report that repeats last year's).

With ``jobs`` over 1, both phases are spread over worker processes (baobiao.workers.Pool). What
travels between processes is plain data: paths, data files' text, form ids, diagnostics, never
a Form, a Document or an Instance (each worker has the forms already, and pickling a Form costs
more than reading a report). A worker is given one report at a time, so a worker that dies
(killed by the system, out of memory) is known to have died on that report: it gets a finding
(A009), a new worker takes over, and the other reports are audited as usual. Findings are the
same as in one process, in the same order: both run the same functions."""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from baobiao.audit.document import Document
from baobiao.audit.extract import Extraction, agency_key, builtin_forms, extract
from baobiao.audit.readers import read_document
from baobiao.diagnostics.core import Diagnostic, Report, diag, sorted_diagnostics
from baobiao.instance.load import Instance, load_instance
from baobiao.model import Form
from baobiao.pipeline import CheckOptions, check_loaded
from baobiao.source import Source
from baobiao.workers import Died, Pool

#: the share of this year's text in paragraphs nearly identical to last year's above which A201
REPEATED_SHARE = 0.5
#: how alike two paragraphs must be (rapidfuzz's ratio, figures aside) to count as the same
SAME_PARAGRAPH = 90.0
#: fewer reports than this are audited in this process whatever ``jobs`` says: starting workers
#: and sending them the reports would cost about what they save
POOLED_FROM = 8
#: the steps of ``progress`` a report makes: one when it is read, one when it is checked
STEPS = 2
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


@dataclass(frozen=True, slots=True)
class Extracted:
    """One report read and mapped to its form, nothing loaded yet: what the first phase hands
    on, as plain data (the form by its id)."""

    path: Path
    form: str | None  # the id of the form it was read as; None: nothing was read
    data: Source | None  # the data file written from it
    agency: str  # the agency its title names, as agency_key compares it ('': none found)
    year: int | None
    problems: tuple[Diagnostic, ...]  # reading and extracting
    texts: tuple[str, ...]  # the paragraphs A201 compares: the longer ones, figures aside


@dataclass(frozen=True, slots=True)
class _Checked:
    """What the second phase hands back for one report."""

    diagnostics: tuple[Diagnostic, ...]
    not_checked: tuple[str, ...]
    meta: Mapping[str, str]  # as loaded
    previous: Path | None


@dataclass(frozen=True)
class Audited:
    """One report audited: the report of its findings, the report of the year before it was
    checked with, the form it was read as (its id), its meta as loaded, and the data file
    extracted from it. ``read``: everything read (the document, the extraction, the instance),
    when it was audited in this process; None when a worker process audited it."""

    path: Path
    report: Report
    previous: Path | None
    form: str | None
    meta: Mapping[str, str]
    data: Source | None
    read: Read | None = None


@dataclass(frozen=True, slots=True)
class _Shared:
    """What every worker holds from its start: the forms the reports are read as."""

    form: Form | None  # --form; None: the built-in forms, each report's by its year and labels
    options: CheckOptions

    def form_named(self, name: str) -> Form:
        forms = (self.form,) if self.form is not None else builtin_forms()
        return next(f for f in forms if f.id == name)


def read_report(path: Path, form: Form | None = None, target: Path | None = None) -> Read:
    """Read one published report and extract its data (nothing checked yet). ``target``: where
    `--extract` writes the data file, which then names it in findings (lines a reviewer can
    open and correct); without it, the data is named after the report."""
    document, extraction, item = _extracted(path, form, target)
    instance, loaded = _load(_Shared(form, CheckOptions()), item)
    return Read(path, document, extraction, item.data, instance, (*item.problems, *loaded))


def audit(
    paths: Sequence[Path],
    form: Form | None,
    spec_sources: Mapping[str, Source],
    targets: Mapping[Path, Path] | None = None,
    options: CheckOptions | None = None,
    progress: Callable[[int], object] = lambda steps: None,
    jobs: int = 1,
) -> list[Audited]:
    """Audit every report, in the order given: read them all, pair each with its agency's
    report of the year before (when one is among them), then check each. ``targets``: where
    each report's data file is written (``extraction_targets``). ``progress`` is called with
    the steps done (``STEPS`` a report) as they are done. ``jobs``: how many worker processes
    to spread the reports over (1: none, all in this process; so too for fewer than
    ``POOLED_FROM`` reports)."""
    shared = _Shared(form, options or CheckOptions())
    targets = targets or {}
    if jobs > 1 and len(paths) >= POOLED_FROM:
        return _pooled(paths, shared, spec_sources, targets, progress, jobs)
    return _in_process(paths, shared, spec_sources, targets, progress)


def _in_process(
    paths: Sequence[Path],
    shared: _Shared,
    spec_sources: Mapping[str, Source],
    targets: Mapping[Path, Path],
    progress: Callable[[int], object],
) -> list[Audited]:
    firsts: list[tuple[Extracted, Read, list[Diagnostic]]] = []
    for path in paths:
        document, extraction, item = _extracted(path, shared.form, targets.get(path))
        instance, loaded = _load(shared, item)
        firsts.append((item, Read(path, document, extraction, item.data, instance, (*item.problems, *loaded)), loaded))
        progress(1)
    out = []
    for (item, read, loaded), k in zip(firsts, _partners([item for item, _, _ in firsts]), strict=True):
        last, last_read = (firsts[k][0], firsts[k][1]) if k is not None else (None, None)
        last_instance = last_read.instance if last_read is not None else None
        checked = _judged(shared, item, read.instance, loaded, last, last_instance)
        out.append(_audited(item, checked, spec_sources, read))
        progress(1)
    return out


def _pooled(
    paths: Sequence[Path],
    shared: _Shared,
    spec_sources: Mapping[str, Source],
    targets: Mapping[Path, Path],
    progress: Callable[[int], object],
    jobs: int,
) -> list[Audited]:
    if shared.form is None:
        builtin_forms()  # compiled once here, before the workers start (a forked worker has them)
    with Pool(min(jobs, len(paths)), shared) as pool:
        firsts = pool.map(_first_phase, [(path, targets.get(path)) for path in paths], progress)
        items = [
            outcome if isinstance(outcome, Extracted) else _lost(path, outcome)
            for path, outcome in zip(paths, firsts, strict=True)
        ]
        partners = _partners(items)
        wanted = [i for i, item in enumerate(items) if item.data is not None]
        progress(len(items) - len(wanted))  # nothing read, nothing to check
        tasks = [(items[i], items[k] if (k := partners[i]) is not None else None) for i in wanted]
        seconds = dict(zip(wanted, pool.map(_second_phase, tasks, progress), strict=True))
    return [
        _audited(item, _checked_or_lost(item, seconds[i]) if i in seconds else _nothing_read(item), spec_sources, None)
        for i, item in enumerate(items)
    ]


# -- the two phases, the same in a worker and in this process -------------------------------------


def _extracted(path: Path, form: Form | None, target: Path | None) -> tuple[Document, Extraction | None, Extracted]:
    document = read_document(path)
    if not document.blocks:
        return document, None, Extracted(path, None, None, "", None, document.problems, ())
    extraction = extract(document, form)
    name = str(target) if target is not None else f"{path}.extracted.yaml"
    year = extraction.meta.get("year", "")
    item = Extracted(
        path=path,
        form=extraction.form.id,
        data=Source(name, extraction.yaml_text),
        agency=agency_key(extraction.meta.get("agency", "")),
        year=int(year) if year.isdigit() else None,
        problems=(*document.problems, *extraction.problems),
        texts=tuple(_without_figures(p.text) for p in document.paragraphs if len(p.text) >= 20),
    )
    return document, extraction, item


def _load(shared: _Shared, item: Extracted) -> tuple[Instance | None, list[Diagnostic]]:
    if item.data is None or item.form is None:
        return None, []
    return load_instance(shared.form_named(item.form), item.data)


def _partners(items: Sequence[Extracted]) -> list[int | None]:
    """For each report, the index of its agency's report of the year before, if there is one."""
    by_year = {(x.agency, x.year): i for i, x in enumerate(items) if x.agency and x.year is not None}
    return [by_year.get((x.agency, x.year - 1)) if x.agency and x.year is not None else None for x in items]


def _judged(
    shared: _Shared,
    item: Extracted,
    instance: Instance | None,
    loaded: Sequence[Diagnostic],
    last: Extracted | None,
    last_instance: Instance | None,
) -> _Checked:
    """One report checked, with last year's when both loaded."""
    if item.data is None or item.form is None:
        return _nothing_read(item)
    paired = last if last is not None and instance is not None and last_instance is not None else None
    result = check_loaded(
        shared.form_named(item.form),
        instance,
        (*item.problems, *loaded),
        item.data,
        {},
        last_instance if paired is not None else None,
        shared.options,
        name=str(item.path),
    )
    notes = list(result.report.diagnostics)
    if paired is not None:
        notes.extend(_repeated(item, paired))
    meta = instance.meta if instance is not None else {}
    previous = paired.path if paired is not None else None
    return _Checked(sorted_diagnostics(notes), result.report.not_checked, meta, previous)


def _nothing_read(item: Extracted) -> _Checked:
    return _Checked(sorted_diagnostics(item.problems), (), {}, None)


def _audited(item: Extracted, checked: _Checked, spec_sources: Mapping[str, Source], read: Read | None) -> Audited:
    sources = {**spec_sources, item.data.name: item.data} if item.data is not None else {}
    report = Report(str(item.path), checked.diagnostics, MappingProxyType(sources), checked.not_checked)
    meta = MappingProxyType(dict(checked.meta))
    return Audited(item.path, report, checked.previous, item.form, meta, item.data, read)


def _first_phase(shared: _Shared, task: tuple[Path, Path | None]) -> Extracted:
    path, target = task
    return _extracted(path, shared.form, target)[2]


def _second_phase(shared: _Shared, task: tuple[Extracted, Extracted | None]) -> _Checked:
    item, last = task
    instance, loaded = _load(shared, item)
    last_instance = _load(shared, last)[0] if last is not None and instance is not None else None
    return _judged(shared, item, instance, loaded, last, last_instance)


def _repeated(read: Extracted, last: Extracted) -> list[Diagnostic]:
    """A201 when most of this year's text is in paragraphs nearly identical to last year's."""
    from rapidfuzz import fuzz, process

    mine, theirs = read.texts, last.texts
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


# -- worker processes -----------------------------------------------------------------------------


def _died(path: Path, died: Died) -> Diagnostic:
    code = died.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        cause, cause_en = f"被信号 {name} 终止", f"killed by signal {name}"
    else:
        cause, cause_en = f"退出码 {code}", f"exit status {code}"
    return diag("A009", None, path=str(path), cause=cause, cause_en=cause_en)


def _lost(path: Path, died: Died) -> Extracted:
    return Extracted(path, None, None, "", None, (_died(path, died),), ())


def _checked_or_lost(item: Extracted, outcome: _Checked | Died) -> _Checked:
    if isinstance(outcome, _Checked):
        return outcome
    return _Checked(sorted_diagnostics((*item.problems, _died(item.path, outcome))), (), {}, None)


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
