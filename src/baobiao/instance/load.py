"""A data file -> raw instance: metadata, the values by indicator id, and narrative text.

Accepted (see docs/data-files.md): a YAML mapping with ``meta`` (agency, year, form),
``values`` (key -> value) and optionally ``report`` (the narrative, instance.narrative). A key names an item by id,
by printed label (numbering optional) or by a path of labels joined by " > "; a heading may
also hold a nested mapping of its items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from baobiao.diagnostics.core import Diagnostic, Related, Severity, diag
from baobiao.instance.keys import KeyIndex
from baobiao.instance.narrative import Narrative, NarrativeLoader
from baobiao.instance.values import Parsed, ValueKind, parse_value
from baobiao.instance.yamlsafe import YMap, YNode, YScalar, load_yaml
from baobiao.model import Form, Item
from baobiao.source import Source, Span

TOP_LEVEL = ("meta", "values", "report")
META_FIELDS = ("agency", "year", "form")


@dataclass(frozen=True, slots=True)
class CellValue:
    """One value as given: ``number`` is None for a blank or unreadable text; ``text`` is
    what was written; ``path`` is where it stands in the file ($.values.<key>...)."""

    id: str
    number: Decimal | None
    text: str
    path: str
    span: Span | None


@dataclass(frozen=True, slots=True)
class Instance:
    path: str
    meta: Mapping[str, str]
    year: int | None
    values: Mapping[str, CellValue]  # only the cells the file gives
    narrative: Narrative = field(default_factory=Narrative)

    @property
    def form_id(self) -> str | None:
        return self.meta.get("form")


def _text(node: YNode) -> str | None:
    return node.text if isinstance(node, YScalar) else None


def _structure(span: Span | None, zh: str, en: str) -> Diagnostic:
    return diag("D304", span, problem=zh, problem_en=en)


class _Loader:
    def __init__(self, form: Form, source: Source) -> None:
        self.form = form
        self.source = source
        self.keys = KeyIndex(form)
        self.problems: list[Diagnostic] = []
        self.values: dict[str, CellValue] = {}

    def report(self, d: Diagnostic) -> None:
        self.problems.append(d)

    # -- top level ----------------------------------------------------------------------
    def load(self) -> Instance | None:
        root, problems = load_yaml(self.source)
        if problems:
            self.problems.extend(problems)
            return None
        if not isinstance(root, YMap):
            span = root.span if root is not None else None
            self.report(
                _structure(
                    span, "顶层应是 meta: 和 values: 两部分", "the top level must be a mapping with meta: and values:"
                )
            )
            return None
        sections: dict[str, YNode] = {}
        for key, value in root.items:
            name = _text(key)
            if name not in TOP_LEVEL:
                self.report(
                    _structure(
                        key.span,
                        f"不认识的顶层名称“{name}”，只能是 meta、values、report",
                        f"unknown top-level key '{name}': use meta, values, report",
                    )
                )
            elif name in sections:
                self.report(diag("D307", key.span, label=name))
            else:
                sections[name] = value
        if "values" not in sections:
            self.report(_structure(root.span, "缺少 values:（各栏目的数值）", "values: (the numbers) is missing"))
        meta, year = self._meta(sections.get("meta"))
        narrative = NarrativeLoader(self.report).load(sections.get("report"))
        if "values" in sections:
            self._values(sections["values"], None, "$.values")
        return Instance(
            path=self.source.name,
            meta=MappingProxyType(meta),
            year=year,
            values=MappingProxyType(self.values),
            narrative=narrative,
        )

    def _meta(self, node: YNode | None) -> tuple[dict[str, str], int | None]:
        meta: dict[str, str] = {}
        if node is None:
            self.report(
                diag(
                    "D311",
                    None,
                    severity=Severity.WARNING,
                    field="meta",
                    problem="缺少 meta（机关、年度、表式）",
                    problem_en="meta (agency, year, form) is missing",
                )
            )
            return meta, None
        if not isinstance(node, YMap):
            self.report(
                diag("D311", node.span, field="meta", problem="应是“名称: 值”的列表", problem_en="must be a mapping")
            )
            return meta, None
        spans: dict[str, Span] = {}
        for key, value in node.items:
            name, text = _text(key), _text(value)
            if name is None or text is None:
                self.report(
                    diag("D311", value.span, field=str(name), problem="应是一个值", problem_en="must be a single value")
                )
                continue
            meta[name] = text.strip()
            spans[name] = value.span
        for name in META_FIELDS:
            if not meta.get(name):
                self.report(
                    diag(
                        "D311",
                        node.span,
                        severity=Severity.WARNING,
                        field=name,
                        problem="没有填写",
                        problem_en="not given",
                    )
                )
        year: int | None = None
        if meta.get("year"):
            parsed = parse_value(meta["year"])
            if (
                parsed.kind is ValueKind.NUMBER
                and parsed.number is not None
                and (parsed.number == parsed.number.to_integral_value() and 1900 <= parsed.number <= 2200)
            ):
                year = int(parsed.number)
            else:
                self.report(
                    diag(
                        "D311",
                        spans.get("year", node.span),
                        field="year",
                        problem=f"“{meta['year']}”不是年份",
                        problem_en=f"'{meta['year']}' is not a year",
                    )
                )
        return meta, year

    # -- values -------------------------------------------------------------------------
    def _values(self, node: YNode, within: str | None, path: str) -> None:
        if not isinstance(node, YMap):
            self.report(_structure(node.span, "values: 应是“名称: 数值”的列表", "values: must map labels to numbers"))
            return
        for key_node, value in node.items:
            key = _text(key_node)
            if key is None:
                self.report(_structure(key_node.span, "名称应是一段文字", "a key must be text"))
                continue
            self._entry(key, key_node.span, value, within, f"{path}.{key}")

    def _entry(self, key: str, span: Span, value: YNode, within: str | None, path: str) -> None:
        ids = self.keys.resolve(key, within).ids
        if not ids and (former := self.keys.former(key, within)):
            current = "、".join(self.form.path(i) for i in former)
            self.report(diag("D316", span, key=key, current=current))
            return
        if not ids:
            self.report(self.keys.unknown(key, span))
            return
        if len(ids) > 1:
            paths = [self.form.path(i) for i in ids]
            self.report(
                diag(
                    "D306",
                    span,
                    key=key,
                    count=str(len(ids)),
                    candidates="；".join(paths),
                    candidates_en="; ".join(paths),
                )
            )
            return
        item = self.form.item(ids[0])
        if not item.has_value:
            if isinstance(value, YMap):
                self._values(value, item.id, path)
            elif cells := [c for c in item.children if self.form.item(c).aliases]:
                example = ", ".join(f"{self.form.item(c).label}: 0" for c in cells[:3]) + ", ..."
                self.report(diag("D315", span, label=item.label, example=example))
            else:
                self.report(diag("D310", span, label=item.label))
            return
        if not isinstance(value, YScalar):
            self.report(
                _structure(
                    value.span, f"“{item.label}”的值应是一个数", f"the value of '{item.label}' must be one number"
                )
            )
            return
        if item.id in self.values:
            first = self.values[item.id]
            related = [Related(first.span, "given-here")] if first.span else []
            self.report(diag("D307", span, label=item.label, related=related))
            return
        self._cell(item.id, path, value)

    def _cell(self, item_id: str, path: str, value: YScalar) -> None:
        text = "" if value.is_null else value.text
        parsed = parse_value(text)
        problem = value_problem(self.form.item(item_id), text, parsed, value.span)
        if problem is not None:
            self.report(problem)
        number = parsed.number if parsed.kind is ValueKind.NUMBER else None
        self.values[item_id] = CellValue(item_id, number, text, path, value.span)


def value_problem(
    item: Item, text: str, parsed: Parsed, span: Span | None = None, data_path: str | None = None
) -> Diagnostic | None:
    """What is wrong with a value that is neither a number nor blank (None when it is one of
    those); the same for every kind of data file."""
    if parsed.kind is ValueKind.WITH_UNIT:
        unit = item.unit or ""
        if parsed.unit == item.unit:
            return diag(
                "D314", span, label=item.label, text=text, unit=unit, number=str(parsed.number), data_path=data_path
            )
        return diag(
            "D314",
            span,
            label=item.label,
            text=text,
            unit=unit,
            number=f"（换算为 {unit} 后的数）",
            number_en=f"(converted to {unit})",
            data_path=data_path,
        )
    if parsed.kind is ValueKind.TOO_LARGE:
        return diag("D309", span, label=item.label, text=text[:40], data_path=data_path)
    if parsed.kind is ValueKind.NOT_A_NUMBER:
        return diag("D308", span, label=item.label, text=text[:80], data_path=data_path)
    return None


def load_instance(form: Form, source: Source) -> tuple[Instance | None, list[Diagnostic]]:
    """Load a data file against a form. Errors here stop the pipeline before checking."""
    loader = _Loader(form, source)
    instance = loader.load()
    return instance, loader.problems
