"""Diagnostics as data: one type for every problem baobiao reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from baobiao.source import Source, Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # advice about other findings (the likely wrong cell); counts as neither

    @property
    def rank(self) -> int:
        return {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTE: 2}[self]


@dataclass(frozen=True, slots=True)
class Related:
    """A secondary location ("rule declared here"); ``phrase`` is a key of ``PHRASES``."""

    span: Span
    phrase: str
    args: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell a finding is about: indicator id, printed label, label path and its value."""

    id: str
    label: str
    path: str
    value: str | None
    span: Span | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "path": self.path,
            "value": self.value,
            "location": self.span.to_json() if self.span else None,
        }


@dataclass(frozen=True, slots=True)
class RuleRef:
    id: str
    description: str
    kind: str  # "sum", "part", "rule", "type", "presence"

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "description": self.description, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both sides of a failed rule, exact decimal strings. ``bounded``: some cells were blank,
    and the sides are what the known cells give (the rule fails whatever the blanks hold)."""

    left: str
    right: str
    difference: str
    operator: str
    bounded: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "left": self.left,
            "right": self.right,
            "difference": self.difference,
            "operator": self.operator,
            "bounded": self.bounded,
        }


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    args: Mapping[str, object]
    span: Span | None = None
    data_path: str | None = None
    rule: RuleRef | None = None
    cells: tuple[Cell, ...] = ()
    comparison: Comparison | None = None
    related: tuple[Related, ...] = ()
    group: str | None = None  # findings with one cause (a likely wrong cell) share a group

    def sort_key(self) -> tuple[object, ...]:
        s = self.span
        return (
            s.file if s else "",
            s.line if s else 1 << 30,
            s.column if s else 0,
            self.severity.rank,
            self.code,
            self.data_path or "",
        )


def diag(
    code: str,
    span: Span | None = None,
    *,
    severity: Severity | None = None,
    data_path: str | None = None,
    rule: RuleRef | None = None,
    cells: Iterable[Cell] = (),
    comparison: Comparison | None = None,
    related: Iterable[Related] = (),
    params: Mapping[str, object] | None = None,
    **args: object,
) -> Diagnostic:
    """Build a diagnostic; the severity defaults to the code's. Message parameters come as
    keyword arguments and/or ``params``."""
    from baobiao.diagnostics.codes import CODES

    info = CODES[code]
    return Diagnostic(
        code=code,
        severity=severity or info.severity,
        args=MappingProxyType({**(params or {}), **args}),
        span=span,
        data_path=data_path,
        rule=rule,
        cells=tuple(cells),
        comparison=comparison,
        related=tuple(related),
    )


@dataclass(frozen=True, slots=True)
class Report:
    """The diagnostics of one input file, with the sources needed to show excerpts."""

    path: str
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, Source] = field(default_factory=lambda: MappingProxyType({}))
    not_checked: tuple[str, ...] = ()  # cross-year rules left unchecked: no previous year's data

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """No errors (warnings and notes allowed)."""
        return self.errors == 0


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sorted_diagnostics(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(diagnostics, key=Diagnostic.sort_key))
