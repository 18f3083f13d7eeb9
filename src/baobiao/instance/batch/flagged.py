"""One block's agencies once read, whichever reader read them: the matrix pass over them,
then the exact (Decimal) check of the agencies it flags, which gives their findings; an
agency whose only faults are whole-number rules gets its findings made when asked for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.batch.lines import _csv_problem, _text
from baobiao.instance.batch.matrix import RuleMatrix, rule_flags
from baobiao.instance.check import check_some
from baobiao.instance.load import CellValue, Instance, value_problem
from baobiao.instance.values import ValueKind, cell_number, parse_value
from baobiao.model import Form, Rule

_DECIMAL = r"^-?[0-9]{1,15}(\.[0-9]{1,10})?$"  # read exactly as parse_value reads it


@dataclass(frozen=True)
class _Deferred:
    """The findings of an agency whose only faults are these whole-number rules, to be made
    when asked for."""

    rules: tuple[Rule, ...]
    make: Callable[[], list[Diagnostic]]


@dataclass(frozen=True)
class _Block:
    """One block's outcome: its agencies in file order, the findings of those that have any,
    problems of the file, how many lines it had, and whether reading must stop (an unreadable
    block). Lines are counted from the block's first line (1): the blocks before it may not be
    read yet, so findings are moved to the file's line numbers once they are (``check._rebase``)."""

    size: int
    lines: int
    names: list[str]
    findings: dict[int, tuple[Diagnostic, ...] | _Deferred]
    problems: list[Diagnostic]
    stop: bool = False


def _apart(where: str, name: str) -> Diagnostic:
    return _csv_problem(where, f"机关“{name}”的行不连续", f"the rows of agency '{name}' are not together")


class _Owner(Protocol):
    """What a block's lines need of the checker that read them (``readers._BlockChecker``)."""

    form: Form
    matrix: RuleMatrix


class _Lines:
    """One block's lines, once read: the matrix pass over its agencies, then the exact check
    of the agencies it flags. Subclasses read the lines (pyarrow's table, or the compiled
    scan). ``cells`` index ``self.matrix``, which is the form's matrix with its columns in the
    order of the agencies' lines when every agency has the same lines (``regular``)."""

    def __init__(self, owner: _Owner, file: str, lines: np.ndarray, problems: list[Diagnostic]) -> None:
        self.owner, self.matrix, self.file = owner, owner.matrix, file
        self.lines = lines  # each row's line, counted from the block's first
        self.problems = problems  # of the file
        self.line_problems: dict[int, list[Diagnostic]] = {}  # row -> its problems
        self.regular = False

    def where(self, row: int) -> str:
        return f"{self.file}:{int(self.lines[row])}"

    def written(self, start: int, end: int) -> Callable[[int], str]:
        """The values of rows ``start..end`` as written, taken now: row ``start + k`` -> text."""
        raise NotImplementedError

    def others(
        self, rows: np.ndarray, texts: Any, cells: np.ndarray, numbers: np.ndarray, has: np.ndarray, closer: np.ndarray
    ) -> None:
        """Read the values of some rows that are not plain digits (``texts``, pyarrow binary):
        decimal numbers at once (pyarrow), the rest one by one (parse_value). Negative
        numbers and those with more places than their cell are marked for the exact check;
        unreadable values are reported."""
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            decimal = np.asarray(pc.match_substring_regex(pc.cast(texts, pa.string()), _DECIMAL), dtype=bool)
        except pa.ArrowInvalid:  # not UTF-8: each value on its own
            decimal = np.zeros(len(rows), dtype=bool)
        if decimal.any():
            chosen = rows[decimal]
            found = pc.cast(texts.filter(pa.array(decimal)), pa.string())
            numbers[chosen] = np.asarray(pc.cast(found, pa.float64()))
            has[chosen] = True
            dot = np.asarray(pc.find_substring(found, "."))
            places = np.where(dot >= 0, np.asarray(pc.binary_length(found)) - dot - 1, 0)
            closer[chosen] = (places > self.matrix.decimals[cells[chosen]]) | (numbers[chosen] < 0)
        for row, raw in zip(rows[~decimal].tolist(), texts.filter(pa.array(~decimal)).to_pylist(), strict=True):
            parsed = parse_value(_text(raw))
            item = self.owner.form.item(self.matrix.ids[cells[row]])
            number = cell_number(parsed, item.unit)
            if number is not None:
                numbers[row], has[row] = float(number), True
                closer[row] = number < 0 or number != number.to_integral_value()
                if parsed.kind is ValueKind.NUMBER:
                    continue
            problem = value_problem(item, _text(raw), parsed, data_path=self.where(row))
            if problem is not None:
                self.line_problems.setdefault(row, []).append(problem)

    def judge(
        self,
        size: int,
        lines: int,
        names: list[str],
        bounds: np.ndarray,
        cells: np.ndarray,
        values: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> _Block:
        """The block's outcome (``size`` bytes, ``lines`` lines), from its agencies (``names``,
        the rows where each starts and the end), each row's cell and its value (number,
        whether given, whether the exact check must look at it)."""
        numbers, has, closer = values

        def agency(rows: np.ndarray) -> np.ndarray:  # the agencies of some rows
            return np.searchsorted(bounds, rows, side="right") - 1

        if len(set(names)) != len(names):
            again = next(n for k, n in enumerate(names) if n in names[:k])
            self.problems.append(_apart(self.where(int(bounds[names.index(again, names.index(again) + 1)])), again))
        if self.regular:  # the rows are the matrix's columns, in order
            grid, present, twice = numbers.reshape(len(names), -1), has.reshape(len(names), -1), np.zeros(0, np.int64)
        else:
            grid, present, twice = self.grid(bounds, cells, numbers, has)
        broken = rule_flags(self.matrix, grid, present)
        flagged = np.asarray(broken.any(axis=1) | ~present.all(axis=1), dtype=bool)
        by_agency: dict[int, list[Diagnostic]] = {}
        for row, found in sorted(self.line_problems.items()):
            by_agency.setdefault(int(agency(np.array(row))), []).extend(found)
        whole = set(agency(twice).tolist())  # agencies with a cell given twice: check every rule
        flagged[agency(np.flatnonzero(closer))] = True
        flagged[list(by_agency) + list(whole)] = True
        findings: dict[int, tuple[Diagnostic, ...] | _Deferred] = {}
        for a in np.flatnonzero(flagged).tolist():
            start, end = int(bounds[a]), int(bounds[a + 1])
            if a in whole:
                rules, look = list(self.matrix.rules), list(range(len(self.matrix.ids)))
            else:
                failed = np.flatnonzero(broken[a])
                rules = [self.matrix.rules[k] for k in failed]
                look = sorted(
                    set(np.flatnonzero(~present[a]).tolist()) | set(cells[start:end][closer[start:end]].tolist())
                )
                if not look and a not in by_agency and self.matrix.whole[failed].all():
                    findings[a] = _Deferred(tuple(rules), self.exact(names[a], start, end, cells, rules, look))
                    continue
            found = by_agency.get(a, []) + self.exact(names[a], start, end, cells, rules, look)()
            if found:
                findings[a] = tuple(found)
        return _Block(size, lines, names, findings, self.problems)

    def grid(
        self, bounds: np.ndarray, cells: np.ndarray, numbers: np.ndarray, has: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """agencies × cells: the numbers (0 where blank), whether each cell has one, and the
        rows that give a cell its agency has already been given (reported as D307)."""
        width, agencies = len(self.matrix.ids), len(bounds) - 1
        agency = np.repeat(np.arange(agencies), np.diff(bounds))
        grid = np.zeros((agencies, width))
        present = np.zeros((agencies, width), dtype=bool)
        known = cells >= 0
        flat = agency * width + np.where(known, cells, 0)
        counts = np.bincount(flat[known], minlength=agencies * width)
        twice = np.flatnonzero(known & (counts[flat] > 1))
        first: dict[int, int] = {}
        for row in twice.tolist():  # a cell given twice: the first value counts, as in YAML files
            if first.setdefault(int(flat[row]), row) != row:
                label = self.owner.form.item(self.matrix.ids[cells[row]]).label
                self.line_problems.setdefault(row, []).append(
                    diag("D307", None, data_path=self.where(row), label=label)
                )
        given = known & has
        given[twice] = False
        given[list(first.values())] = has[list(first.values())]
        grid.ravel()[flat[given]] = numbers[given]
        present.ravel()[flat[given]] = True
        return grid, present, twice

    def exact(
        self, name: str, start: int, end: int, cells: np.ndarray, rules: list[Rule], look: list[int]
    ) -> Callable[[], list[Diagnostic]]:
        """The exact (Decimal) check of some rules and cells of one agency (rows start..end):
        its rows are copied now (the block's arrays are not kept), the check is made when it
        is called."""
        written, lines, mine = self.written(start, end), self.lines[start:end].copy(), cells[start:end].copy()
        ids, index, form, file = self.matrix.ids, self.matrix.index, self.owner.form, self.file

        def check() -> list[Diagnostic]:
            needed = {index[i] for i in {ids[c] for c in look} | {i for rule in rules for i in rule.ids}}
            values: dict[str, CellValue] = {}
            line_of = lines.tolist()
            for k, c in enumerate(mine.tolist()):
                if c not in needed or ids[c] in values:  # a cell given twice: the first value counts
                    continue
                text = written(k)
                number = cell_number(parse_value(text), form.item(ids[c]).unit)
                values[ids[c]] = CellValue(ids[c], number, text, f"{file}:{line_of[k]}", None)
            instance = Instance(file, MappingProxyType({"agency": name}), None, MappingProxyType(values))
            return list(check_some(form, instance, rules, [ids[c] for c in look]))

        return check
