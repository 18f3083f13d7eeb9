"""A data file -> raw instance: metadata, the values by indicator id, and narrative text.

Accepted (see docs/data-files.md): a YAML mapping with ``meta`` (agency, year, form),
``values`` (key -> value) and optionally ``report`` (the narrative, instance.narrative). A key names an item by id,
by printed label (numbering optional) or by a path of labels joined by " > "; a heading may
also hold a nested mapping of its items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType

from baobiao.diagnostics.core import Diagnostic, Related, Severity, diag
from baobiao.instance.keys import KeyIndex, Resolution, Slip
from baobiao.instance.meta import resolve_meta
from baobiao.instance.narrative import Narrative, NarrativeLoader
from baobiao.instance.values import Parsed, ValueKind, cell_number, parse_value
from baobiao.instance.yamlsafe import YMap, YNode, YScalar, load_yaml
from baobiao.labels import bare
from baobiao.model import Form, Item, RuleKind, all_entries, value_entries
from baobiao.source import Source, Span

TOP_LEVEL = ("meta", "values", "report")
_SUBTOTAL = ("小计", "合计", "")  # words after a column group's name in a subtotal column
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
class GroupValue:
    """A value given to a heading whose rows (or columns) the form prints separately: the sum of
    ``cells``. Either a row of an earlier form (2019's single （六）其他处理 row in a 2021 table,
    its rows blank) or a subtotal printed beside its parts (（三）不予公开 with a number of its
    own, a 法人或其他组织 column), which the check compares with them."""

    heading: str  # the heading's item id (a row's id and a column group's, for a column subtotal)
    label: str  # the heading's name, with the column for a matrix
    cells: tuple[str, ...]
    number: Decimal | None
    text: str
    path: str
    span: Span | None
    columns: bool = False  # a subtotal of a row's columns (法人或其他组织小计), not a row of rows


@dataclass(frozen=True, slots=True)
class Instance:
    path: str
    meta: Mapping[str, str]
    year: int | None
    values: Mapping[str, CellValue]  # only the cells the file gives
    narrative: Narrative = field(default_factory=Narrative)
    groups: tuple[GroupValue, ...] = ()  # sums given for headings whose rows the form splits

    @property
    def form_id(self) -> str | None:
        return self.meta.get("form")


def _text(node: YNode) -> str | None:
    return node.text if isinstance(node, YScalar) else None


def _structure(span: Span | None, zh: str, en: str) -> Diagnostic:
    return diag("D304", span, problem=zh, problem_en=en)


_SLIPS: dict[Slip, tuple[str, str]] = {
    Slip.ANNOTATION: ("括号里的说明漏写或多写", "a bracketed note missing or extra"),
    Slip.TRADITIONAL: ("繁体字", "traditional script"),
    Slip.SHORTENED: ("名称印短或印长了", "the label printed shorter or longer"),
    Slip.TYPO: ("有一两个字不同", "one or two characters differ"),
}


def slip_finding(
    form: Form, key: str, found: Resolution, span: Span | None, data_path: str | None, strict: bool
) -> Diagnostic:
    """The warning (with ``strict``: error) for a key read through a slip (see keys.Slip)."""
    severity = Severity.ERROR if strict else Severity.WARNING
    current = "、".join(form.path(i) for i in found.ids)
    if found.slip is Slip.FORMER:
        return diag("D316", span, severity=severity, data_path=data_path, key=key, current=current, more="")
    assert found.slip is not None
    zh, en = _SLIPS[found.slip]
    return diag(
        "D324", span, severity=severity, data_path=data_path, key=key, read_as=current, how=zh, how_en=en, more=""
    )


def _row(form: Form, item_id: str) -> str:
    """The row a cell stands in (a matrix cell's parent), or the item itself."""
    item = form.item(item_id)
    return item.parent if item.aliases and item.parent else item_id


def summable(form: Form, heading: str) -> list[str]:
    """The rows (items) under a heading whose values add up to what a value given to the
    heading means; empty when a total of other rows is among them (then such a value would
    count twice)."""
    rows: list[str] = []
    stack = list(reversed(form.item(heading).children))
    while stack:
        item = form.item(stack.pop())
        if item.is_part:
            continue
        if item.has_value or (item.children and all(form.item(c).aliases for c in item.children)):
            rows.append(item.id)  # a value, or a row of a matrix holding cells
        else:
            stack.extend(reversed(item.children))
    totals = set()
    for rule in form.rules:
        if rule.kind is RuleKind.SUM:
            row = _row(form, rule.left.terms[0].id)
            if row not in {_row(form, t.id) for t in rule.right.terms}:  # a total of other rows
                totals.add(row)
    return [] if totals & set(rows) else rows


class _Loader:
    def __init__(self, form: Form, source: Source, strict_labels: bool = False) -> None:
        self.form = form
        self.source = source
        self.keys = KeyIndex(form)
        self.strict = strict_labels
        self.problems: list[Diagnostic] = []
        self.values: dict[str, CellValue] = {}
        self.groups: list[GroupValue] = []
        self.slips: dict[tuple[str, ...], int] = {}  # (key as written, label read as) -> its finding

    def report(self, d: Diagnostic) -> None:
        self.problems.append(d)

    # -- top level ----------------------------------------------------------------------
    def load(self) -> Instance | None:
        root, problems = load_yaml(self.source)
        self.problems.extend(problems)  # text cleaned of bad characters is still read
        if root is None and problems:
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
        self._settle_groups()
        return Instance(
            path=self.source.name,
            meta=MappingProxyType(meta),
            year=year,
            values=MappingProxyType(self.values),
            narrative=narrative,
            groups=tuple(self.groups),
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
        resolved, problems = resolve_meta(self.form, meta, spans, strict=self.strict)
        self.problems.extend(problems)
        return resolved, year

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
        found = self.keys.resolve(key, within)
        ids = found.ids
        if not ids and within is not None and (subtotal := self._column_group(key, within)) is not None:
            name, label, cells = subtotal
            self._group(f"{within}.{name}", label, cells, value, path, columns=True)
            return
        if not ids:
            self.report(self.keys.unknown(key, span, within=within))
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
        if found.slip is not None:
            self._slip(key, found, span)
            if self.strict:
                return
        item = self.form.item(ids[0])
        if not item.has_value:
            self._heading(item, span, value, path)
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

    def _slip(self, key: str, found: Resolution, span: Span) -> None:
        """One warning per label written with a slip and read as the same printed label (and
        one for all the labels in traditional script), counting the others: a report in
        traditional script would otherwise warn once per cell."""
        label = self.form.item(found.ids[0]).label
        group = ("",) if found.slip is Slip.TRADITIONAL else (key, label)
        first = self.slips.get(group)
        if first is None:
            self.slips[group] = len(self.problems)
            self.report(slip_finding(self.form, key, found, span, None, self.strict))
            return
        d = self.problems[first]
        n = int(str(d.args.get("times", "1"))) + 1
        more = (
            (f"（全文共 {n} 处繁体字名称，均按简体读取）", f" ({n} labels in traditional script in all)")
            if found.slip is Slip.TRADITIONAL
            else (f"（同样写法共 {n} 处）", f" ({n} times)")
        )
        self.problems[first] = replace(
            d, args=MappingProxyType({**d.args, "times": str(n), "more": more[0], "more_en": more[1]})
        )

    def _heading(self, item: Item, span: Span, value: YNode, path: str) -> None:
        """A value under a heading: a mapping of its rows, or of a matrix's columns, or a number
        for all its rows together (a row of an earlier form that this one splits)."""
        rows = summable(self.form, item.id)
        if isinstance(value, YMap):
            columns = self._columns_of(rows, value) if rows else None
            if columns is None:
                self._values(value, item.id, path)
                return
            for (key_node, cell_value), column in zip(value.items, columns, strict=True):
                row_cells = tuple(f"{r}.{column}" for r in rows)
                label = f"{self.form.name(item.id)} / {self.form.item(row_cells[0]).label}"
                self._group(item.id, label, row_cells, cell_value, f"{path}.{_text(key_node)}")
            return
        if cells := [c for c in item.children if self.form.item(c).aliases]:
            example = ", ".join(f"{self.form.item(c).label}: 0" for c in cells[:3]) + ", ..."
            self.report(diag("D315", span, label=item.label, example=example))
        else:
            self.report(diag("D310", span, label=item.label))

    def _columns_of(self, rows: list[str], value: YMap) -> list[str] | None:
        """The column ids a heading's mapping names, when every key is a column of its rows'
        matrix (then the heading is given as one row); None otherwise."""
        first = self.form.item(rows[0])
        if first.has_value:
            return None
        columns: list[str] = []
        for key_node, _ in value.items:
            key = _text(key_node)
            found = self.keys.resolve(key, first.id, exact=True).ids if key is not None else ()
            if len(found) != 1:
                return None
            columns.append(self.form.item(found[0]).aliases[0])
        return columns

    def _column_group(self, key: str, row: str) -> tuple[str, str, tuple[str, ...]] | None:
        """A column group of a matrix row's table that ``key`` names (法人或其他组织, also
        written 法人或其他组织小计): its id, its name in that row, and the row's cells under it."""
        item = self.form.item(row)
        if item.has_value or not item.children or not all(self.form.item(c).aliases for c in item.children):
            return None
        table = next((t for t in self.form.tables if t.rows and row in {n.id for n in all_entries(t.rows)}), None)
        written = bare(key)
        for node in all_entries(table.columns) if table is not None else []:
            label = bare(node.label)
            if node.is_group and (
                written == label or (written.startswith(label) and written[len(label) :] in _SUBTOTAL)
            ):
                cells = tuple(f"{row}.{leaf.id}" for leaf in value_entries(node.children))
                return node.id, f"{self.form.name(row)} / {node.label}", cells
        return None

    def _group(
        self, heading: str, label: str, cells: tuple[str, ...], value: YNode, path: str, columns: bool = False
    ) -> None:
        if not isinstance(value, YScalar):
            self.report(
                _structure(value.span, f"“{label}”的值应是一个数", f"the value of '{label}' must be one number")
            )
            return
        text = "" if value.is_null else value.text
        parsed = parse_value(text)
        problem = value_problem(self.form.item(cells[0]), text, parsed, value.span)
        if problem is not None:
            self.report(problem)
        number = cell_number(parsed, self.form.item(cells[0]).unit)
        self.groups.append(GroupValue(heading, label, cells, number, text, path, value.span, columns))

    def _settle_groups(self) -> None:
        """A heading given as one row, none of its rows given: its cells read as 0 when it is 0
        (a note says so); otherwise its sum is kept for the rules (with a warning)."""
        by_heading: dict[str, list[GroupValue]] = {}
        kept: list[GroupValue] = []
        for g in self.groups:
            if g.columns or any(c in self.values for c in g.cells):
                kept.append(g)  # a subtotal beside its parts: the check compares them
            else:
                by_heading.setdefault(g.heading, []).append(g)
        for heading, groups in by_heading.items():
            rows = summable(self.form, heading)
            names = "、".join(
                self.form.name(r) if self.form.item(r).has_value else self.form.item(r).label for r in rows
            )
            zero = [g for g in groups if g.number == 0]
            for g in zero:
                for cell in g.cells:
                    self.values[cell] = CellValue(cell, Decimal(0), g.text, g.path, g.span)
            kept.extend(g for g in groups if g not in zero)
            first = groups[0]
            if zero and len(zero) == len(groups):
                self.report(diag("D326", first.span, label=self.form.name(heading), count=str(len(rows)), rows=names))
            elif len(zero) < len(groups):
                columns = "、".join(f"{g.label} {g.text or '空白'}" for g in groups)
                self.report(
                    diag(
                        "D325",
                        first.span,
                        label=self.form.name(heading),
                        count=str(len(rows)),
                        columns=columns,
                        rows=names,
                    )
                )
        self.groups = kept

    def _cell(self, item_id: str, path: str, value: YScalar) -> None:
        text = "" if value.is_null else value.text
        parsed = parse_value(text)
        problem = value_problem(self.form.item(item_id), text, parsed, value.span)
        if problem is not None:
            self.report(problem)
        number = cell_number(parsed, self.form.item(item_id).unit)
        self.values[item_id] = CellValue(item_id, number, text, path, value.span)


#: same-unit D314 warnings shown one by one; those after are folded into one D344
UNIT_WARNINGS_SHOWN = 3


def fold_unit_warnings(problems: list[Diagnostic]) -> list[Diagnostic]:
    """The D314 warnings of values written with their own unit ("23件" in a cell counted in 件),
    the first few as they are and the rest as one D344 that counts them: a report that writes
    its unit in every cell gets one note, not two hundred that bury its real findings."""
    same_unit = [d for d in problems if d.code == "D314" and d.severity is Severity.WARNING]
    if len(same_unit) <= UNIT_WARNINGS_SHOWN + 1:
        return problems
    folded = same_unit[UNIT_WARNINGS_SHOWN:]
    labels = [str(d.args["label"]) for d in folded[:5]]
    more = "等" if len(folded) > len(labels) else ""
    summary = diag(
        "D344",
        folded[0].span,
        count=str(len(folded)),
        labels="、".join(f"“{label}”" for label in labels) + more,
        labels_en=", ".join(f"'{label}'" for label in labels) + (", …" if more else ""),
        data_path=folded[0].data_path,
    )
    gone = {id(d) for d in folded}
    kept = [d for d in problems if id(d) not in gone]
    return [*kept, summary]


def value_problem(
    item: Item, text: str, parsed: Parsed, span: Span | None = None, data_path: str | None = None
) -> Diagnostic | None:
    """What is wrong with a value that is neither a number nor blank (None when it is one of
    those); the same for every kind of data file."""
    if parsed.kind is ValueKind.WITH_UNIT:
        unit = item.unit or ""
        if parsed.unit == item.unit:  # read as the number (values.cell_number): a warning
            return diag(
                "D314",
                span,
                severity=Severity.WARNING,
                label=item.label,
                text=text,
                unit=unit,
                number=str(parsed.number),
                data_path=data_path,
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


def load_instance(form: Form, source: Source, strict_labels: bool = False) -> tuple[Instance | None, list[Diagnostic]]:
    """Load a data file against a form: every value that can be placed is, and every problem is
    a diagnostic of its own (the check still runs on what was loaded). ``strict_labels``: a
    label that matches only through a slip is an error, and its value is not read."""
    loader = _Loader(form, source, strict_labels)
    instance = loader.load()
    return instance, fold_unit_warnings(loader.problems)
