"""Checking a whole batch file: its blocks checked by worker threads a few blocks ahead,
their findings moved to the file's line numbers and streamed to the caller in file order,
with a summary of the file."""

from __future__ import annotations

import os
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from baobiao.diagnostics.core import Diagnostic, Severity, diag
from baobiao.instance import scan
from baobiao.instance.batch.blocks import (
    BLOCK,
    MAX_BYTES,
    _header_problem,
    _mapped,
    _megabytes,
    _ranges,
    _retain_freed_memory,
)
from baobiao.instance.batch.flagged import _apart, _Block, _Deferred
from baobiao.instance.batch.readers import _checker
from baobiao.instance.check import failure_severity
from baobiao.model import Form

WORKERS = min(4, os.cpu_count() or 1)


class AgencyResult:
    """One agency's outcome. ``findings`` may be made only when first asked for: an agency
    whose only faults are whole-number rules that do not hold is known to have them (the matrix
    is exact there), and building its diagnostics is most of the cost of a broken agency, which
    a summary of thousands does not need."""

    __slots__ = ("_findings", "_make", "agency", "errors", "warnings")

    def __init__(
        self,
        agency: str,
        findings: tuple[Diagnostic, ...] = (),
        errors: int = 0,
        warnings: int = 0,
        make: Callable[[], tuple[Diagnostic, ...]] | None = None,
    ) -> None:
        self.agency, self.errors, self.warnings = agency, errors, warnings
        self._findings, self._make = findings, make

    @property
    def findings(self) -> tuple[Diagnostic, ...]:
        if self._make is not None:
            self._findings, self._make = self._make(), None
        return self._findings


@dataclass
class BatchSummary:
    path: str
    agencies: int = 0
    with_errors: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    problems: list[Diagnostic] = field(default_factory=list)  # of the file itself


def _rebase(d: Diagnostic, path: Path, shift: int) -> Diagnostic:
    """A diagnostic of a block, with its line counted from the start of the file."""
    prefix = f"{path}:"
    if d.data_path is None or not d.data_path.startswith(prefix):
        return d
    return replace(d, data_path=f"{prefix}{int(d.data_path[len(prefix) :]) + shift}")


def check_csv(
    form: Form,
    path: Path,
    on_agency: Callable[[AgencyResult], None] | None = None,
    progress: Callable[[int], None] = lambda n: None,
    workers: int = WORKERS,
    every: bool = False,
    block_size: int = BLOCK,
    compiled: bool | None = None,
    max_bytes: int = MAX_BYTES,
) -> BatchSummary:
    """Check every agency of a long CSV; ``on_agency`` receives the result of each agency with
    findings (``every``: of each agency), in file order.

    Blocks of whole agencies are checked by ``workers`` threads (the scan, pyarrow and numpy work
    outside the GIL), at most a few blocks ahead of the one being reported, so memory is bounded by
    the block size, not by the file's.

    ``compiled``: read the usual export with the compiled scan (``scan``): True loads it if
    this process has not (about half a second, once), False reads with pyarrow only; None uses it when
    it is loaded, or when the file is large enough to repay loading it.

    A file larger than ``max_bytes`` is refused before it is read (D340). Every line that
    cannot be read as an agency's is reported at its line, and the lines after it are read as
    usual; a block mostly of such lines ends the reading (D343). ``agencies`` in the summary
    counts the distinct agencies read."""
    summary = BatchSummary(str(path))
    size = path.stat().st_size
    if size > max_bytes:
        summary.problems.append(
            diag("D340", None, data_path=f"{path}:1", size=_megabytes(size), limit=_megabytes(max_bytes))
        )
        return summary
    problem = _header_problem(path)
    if problem is not None:
        summary.problems.append(problem)
        return summary
    _retain_freed_memory()
    if compiled or (compiled is None and scan.loaded() is None and size >= scan.WORTH_LOADING):
        scan.load()
    scanning = compiled is not False and scan.loaded() is not None
    checker = _checker(form)
    seen: set[str] = set()
    line = 2  # of the block being reported
    pending: deque[Future[_Block]] = deque()
    with path.open("rb") as handle, _mapped(handle) as data, ThreadPoolExecutor(max(1, workers)) as pool:
        ranges = _ranges(data, block_size, checker.placed)
        try:
            while True:
                while len(pending) < 3 * workers and (item := next(ranges, None)) is not None:  # a few blocks ahead
                    pending.append(pool.submit(checker.check, handle, path, *item, scanning))
                if not pending:
                    break
                block = pending.popleft().result()
                progress(block.size)
                summary.problems.extend(_rebase(d, path, line - 1) for d in block.problems)
                again = seen.intersection(block.names)
                if again:
                    name = min(again)
                    summary.problems.append(_apart(str(path), name))
                seen.update(block.names)
                summary.agencies = len(seen)  # an agency whose lines are apart is one agency
                _report(summary, block, line - 1, on_agency, every)
                line += block.lines
                if block.stop:
                    break
        finally:
            for future in pending:
                future.cancel()
            wait(pending)
    return summary


def _made(deferred: _Deferred, path: Path, shift: int) -> tuple[Diagnostic, ...]:
    return tuple(_rebase(d, path, shift) for d in deferred.make())


def _report(
    summary: BatchSummary, block: _Block, shift: int, on_agency: Callable[[AgencyResult], None] | None, every: bool
) -> None:
    path = Path(summary.path)
    results: dict[int, AgencyResult] = {}
    for a, found in block.findings.items():
        if isinstance(found, _Deferred):
            failing = [(r.id, failure_severity(r)) for r in found.rules]
            made: tuple[Diagnostic, ...] = ()
            make = partial(_made, found, path, shift)
        else:
            made = tuple(_rebase(d, path, shift) for d in found)
            failing = [(d.rule.id if d.rule else "", d.severity) for d in made]
            make = None
        count = Counter(severity for _, severity in failing)
        results[a] = AgencyResult(block.names[a], made, count[Severity.ERROR], count[Severity.WARNING], make)
        summary.with_errors += count[Severity.ERROR] > 0
        summary.rules.update(i.split("@")[0] for i, severity in failing if i and severity is Severity.ERROR)
    if on_agency is not None and every:
        for a, name in enumerate(block.names):
            on_agency(results.get(a) or AgencyResult(name, (), 0, 0))
    elif on_agency is not None:
        for a in sorted(results):
            on_agency(results[a])
