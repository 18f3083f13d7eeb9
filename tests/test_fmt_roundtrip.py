"""`baobiao fmt` round-trips: for every spec that compiles, the printed spec compiles to an equal
form (spans aside), and printing that again changes nothing.

Specs come from two sources: a generator that writes small random specs from every construct
of the language (sections, indicators with units, types and sums, 其中 rows, tables with and
without rows or columns, rules over every kind of expression, notes, formerly, meta, terms with
their part/all/not words, carry, comments, and edits in a spec that extends a built-in form),
and mutants of the three built-in specs (lines deleted, duplicated, swapped, indented or
dedented).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from baobiao.pipeline import SpecResult, compile_source
from baobiao.resources import builtin_specs
from baobiao.source import Source
from baobiao.syntax.printer import format_spec

UNITS = ["条", "件", "次", "个", "人", "万元"]
# Label text, with what needs escaping or could be taken for syntax: quotes, backslashes, '#'.
LABEL = st.text(alphabet='甲乙丙丁一二三（）、.：“”#\\" ab…', min_size=1, max_size=8).filter(lambda s: s.strip())
COMPARATORS = ["=", "==", "<=", ">=", "≤", "≥"]


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class _Axis:
    """What a scope (the plain rows, or one axis of a table) offers to sums, rules and terms."""

    values: list[str] = field(default_factory=list)  # entries with a value
    leaves: dict[str, str | None] = field(default_factory=dict)  # values without a sum: id -> unit
    totals: list[str] = field(default_factory=list)  # entries with rows indented under them, for sum(x)
    groups: list[str] = field(default_factory=list)  # closed sections with values, for sum(g)


class _Writer:
    """Writes one spec, line by line, keeping what each construct may refer to valid."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.lines: list[str] = []
        self.count = 0
        self.plain = _Axis()
        self.cells: list[str] = []  # ids of value items anywhere (for terms and carry)
        self.headings: list[str] = []  # row.column of a matrix row heading with value rows
        self.meta_values: list[str] = []

    def new_id(self, prefix: str = "g") -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def label(self) -> str:
        return quoted(self.draw(LABEL))

    def line(self, depth: int, text: str) -> None:
        trailing = self.draw(st.sampled_from(["", "", "", "  # 注"]))
        if self.draw(st.integers(0, 9)) == 0:
            self.lines.append("  " * self.draw(st.integers(0, depth + 1)) + "# 说明 " + self.draw(LABEL))
        self.lines.append("  " * depth + text + trailing)

    def value_type(self, *, keep_integer: bool = True) -> str:
        choices = ["", "", "", " signed", " decimal(2)", " signed decimal(1)"]
        return self.draw(st.sampled_from([*choices, " integer"] if keep_integer else choices))

    # -- header --------------------------------------------------------------------------
    def header(self, extends: str | None) -> None:
        self.line(0, f"form gen-{self.draw(st.integers(1, 9))} {self.label()}")
        if extends:
            self.line(1, f"extends {extends}")
        if self.draw(st.booleans()):
            self.line(1, f"version {self.label()}")
        if self.draw(st.booleans()):
            start = self.draw(st.integers(1990, 2100))
            end = self.draw(st.sampled_from(["", str(start), str(start + 5)]))
            self.line(1, f"years {start}..{end}")
        for _ in range(self.draw(st.integers(0, 2))):
            self.line(1, f"note {self.label()}")
        if self.draw(st.booleans()):
            self.meta_values = [f"级{k}" for k in range(self.draw(st.integers(1, 5)))]
            first, rest = self.meta_values[:2], self.meta_values[2:]
            self.line(1, 'meta level "机关层级" in ' + ", ".join(quoted(v) for v in first) + ("," if rest else ""))
            if rest:
                self.line(2, ", ".join(quoted(v) for v in rest))

    # -- plain rows ----------------------------------------------------------------------
    def indicator(self, depth: int, unit: str, part: bool = False) -> None:
        """An indicator with its block; its children add up to it when it is ``= sum``."""
        name = self.new_id()
        kids = self.draw(st.integers(0, 2)) if depth < 4 else 0
        relation = ""
        if kids:
            relation = " = sum"
        elif not part and self.draw(st.integers(0, 4)) == 0:
            same = [i for i, u in self.plain.leaves.items() if u == unit]
            if same:
                relation = " = sum of " + ", ".join(self.draw(st.lists(st.sampled_from(same), min_size=1, max_size=3)))
        marker = "其中 " if part else ""
        self.line(depth, f"{marker}{name} {self.label()} {unit}{self.value_type()}{relation}")
        self.plain.values.append(name)
        self.cells.append(name)
        for _ in range(self.draw(st.integers(0, 2))):
            kind = self.draw(st.sampled_from(["note", "formerly"]))
            self.line(depth + 1, f"{kind} {self.label()}")
        for _ in range(kids):
            self.indicator(depth + 1, unit)
        if self.draw(st.integers(0, 3)) == 0:  # a 其中 row under it
            self.indicator(depth + 1, unit, part=True)
        if kids:  # sum(x) adds up the rows indented under x
            self.plain.totals.append(name)
        elif not part and not relation:
            self.plain.leaves[name] = unit

    def section(self, depth: int) -> None:
        name = self.new_id("s")
        self.line(depth, f"section {name} {self.label()}")
        before = len(self.plain.values)
        unit = self.draw(st.sampled_from(UNITS))
        for _ in range(self.draw(st.integers(1, 3))):
            choice = self.draw(st.integers(0, 6)) if depth < 3 else 0
            if choice == 1:
                self.section(depth + 1)
            elif choice == 0 or choice > 3:
                self.indicator(depth + 1, unit)
            elif choice == 2:
                self.line(depth + 1, f"note {self.label()}")
            else:
                self.rule(depth + 1, self.plain)
        if len(self.plain.values) > before:
            self.plain.groups.append(name)

    # -- tables --------------------------------------------------------------------------
    def axis(self, depth: int, axis: _Axis, unit: str | None, budget: list[int]) -> None:
        """Entries of a table axis: values, groups, totals, 其中 rows, notes and formerly."""
        for _ in range(self.draw(st.integers(1, 3))):
            if budget[0] <= 0:
                return
            budget[0] -= 1
            kind = self.draw(st.integers(0, 5))
            name = self.new_id("r" if depth else "c")
            if kind == 0 and depth < 6:
                self.line(depth, f"section {name} {self.label()}")
                before = len(axis.values)
                self.axis(depth + 1, axis, unit, budget)
                if len(axis.values) > before:
                    axis.groups.append(name)
                continue
            own_unit = f" {unit}" if unit else ""
            self.line(depth, f"{name} {self.label()}{own_unit}{self.value_type()}")
            axis.values.append(name)
            axis.leaves[name] = unit
            if kind == 1:
                self.line(depth + 1, f"formerly {self.label()}")
            if kind == 2 and budget[0] > 0:  # a 其中 entry under it
                budget[0] -= 1
                part = self.new_id("p")
                self.line(depth + 1, f"其中 {part} {self.label()}{own_unit}")
                axis.values.append(part)
            if kind == 3:
                self.line(depth + 1, f"note {self.label()}")
        if len(axis.leaves) >= 2 and self.draw(st.booleans()):  # a total of some values before it
            name = self.new_id("t")
            parts = self.draw(st.lists(st.sampled_from(sorted(axis.leaves)), min_size=1, max_size=3, unique=True))
            own_unit = f" {unit}" if unit else ""
            self.line(depth, f"{name} {self.label()}{own_unit} = sum of {', '.join(parts)}")
            axis.values.append(name)

    def table(self, depth: int) -> None:
        name = self.new_id("t")
        table_unit = self.draw(st.sampled_from([None, *UNITS]))
        entry_unit = None if table_unit else self.draw(st.sampled_from(UNITS))  # then each column has one
        unit = f" {table_unit}" if table_unit else ""
        self.line(depth, f"table {name} {self.label()}{unit}{self.value_type(keep_integer=False)}")
        shape = self.draw(st.sampled_from(["columns", "both", "both", "rows"]))
        if self.draw(st.booleans()):
            self.line(depth + 1, f"note {self.label()}")
        columns, rows = _Axis(), _Axis()
        if shape != "rows":
            self.line(depth + 1, "columns")
            self.axis(depth + 2, columns, entry_unit, [5])
        if shape != "columns":
            self.line(depth + 1, "rows")
            self.axis(depth + 2, rows, None if shape == "both" else entry_unit, [5])
        if shape != "rows":
            self.rule(depth + 1, self.draw(st.sampled_from([columns, rows] if shape == "both" else [columns])))
        if shape == "columns":
            self.cells += columns.values
        elif shape == "both":
            self.cells += [f"{r}.{c}" for r in rows.values for c in columns.values]
            self.headings += [f"{g}.{c}" for g in rows.groups for c in columns.values]

    # -- rules, terms, carry -------------------------------------------------------------
    def expr(self, axis: _Axis, depth: int = 0) -> str:
        """A linear expression over one axis; 0 at all-zero cells (no contradiction)."""
        kind = self.draw(st.integers(0, 9 if depth < 2 else 4))
        if kind <= 2 or not (axis.totals or axis.groups):
            atom = self.draw(st.sampled_from(axis.values))
            return self.draw(st.sampled_from([atom, atom, f"previous({atom})"]))
        if kind <= 4:
            return f"sum({self.draw(st.sampled_from(axis.totals + axis.groups))})"
        if kind == 5:
            return f"{self.draw(st.sampled_from(['2', '0.5', '3']))} * {self.operand(axis, depth)}"
        if kind == 6:
            return f"-{self.operand(axis, depth)}"
        if kind == 7:
            return f"({self.expr(axis, depth + 1)})"
        ops = self.draw(st.lists(st.sampled_from(["+", "-"]), min_size=1, max_size=4))
        terms = [self.expr(axis, depth + 1) for _ in range(len(ops) + 1)]
        text = terms[0] + "".join(f" {op} {t}" for op, t in zip(ops, terms[1:], strict=True))
        return text if self.draw(st.booleans()) else f"{text} + 0"

    def operand(self, axis: _Axis, depth: int) -> str:
        inner = self.expr(axis, depth + 1)
        simple = inner.isidentifier() or inner.startswith(("sum(", "previous("))
        return inner if simple and self.draw(st.booleans()) else f"({inner})"

    def rule(self, depth: int, axis: _Axis) -> None:
        if not axis.values:
            return
        severity = self.draw(st.sampled_from(["", " warning", " error"]))
        condition = ""
        if self.draw(st.integers(0, 3)) == 0:
            values = self.meta_values or ["县级"]
            chosen = self.draw(st.lists(st.sampled_from(values), min_size=1, max_size=2))
            negation = self.draw(st.sampled_from(["", " not"]))
            condition = f" when level{negation} in " + ", ".join(quoted(v) for v in chosen)
        self.line(depth, f"rule {self.new_id('q')}{severity} {self.label()}{condition}")
        op = self.draw(st.sampled_from([*COMPARATORS, "<", ">"]))
        left, right = self.expr(axis), self.expr(axis)
        if op in ("<", ">"):  # still true where every cell is 0: no contradiction
            left, right = (left, f"{right} + 1") if op == "<" else (f"{left} + 1", right)
        self.line(depth + 1, f"{left} {op} {right}")

    def term(self) -> None:
        names = self.cells + self.headings
        if not names:
            return
        words = ", ".join(quoted(w) for w in self.draw(st.lists(LABEL, min_size=1, max_size=3)))
        unit = self.draw(st.sampled_from(["", " 件", " 条"]))
        self.line(0, f"term {words}{unit} = {self.term_expr(names)}")
        for _ in range(self.draw(st.integers(0, 2))):
            kind = self.draw(st.sampled_from(["part", "all", "not"]))
            value = f" = {self.term_expr(names)}" if kind != "not" else ""
            self.line(1, f"{kind} {quoted(self.draw(LABEL))}{value}")

    def term_expr(self, names: list[str]) -> str:
        terms = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
        first = self.draw(st.sampled_from(["", "2 * ", "-"])) + terms[0]
        return first + "".join(f" {self.draw(st.sampled_from(['+', '-']))} {t}" for t in terms[1:])

    def items(self, count: int) -> None:
        for _ in range(count):
            kind = self.draw(st.integers(0, 5))
            if kind == 0:
                self.indicator(0, self.draw(st.sampled_from(UNITS)))
            elif kind == 1:
                self.section(0)
            elif kind == 2:
                self.table(0)
            elif kind == 3:
                self.rule(0, self.plain)
            elif kind == 4:
                self.term()
            elif self.cells:
                self.line(0, f"carry old{self.count}.x as {self.draw(st.sampled_from(self.cells))}")


@st.composite
def spec_texts(draw: st.DrawFn) -> str:
    """A spec written from the language's constructs."""
    writer = _Writer(draw)
    writer.header(None)
    writer.items(draw(st.integers(1, 6)))
    return "\n".join(writer.lines) + "\n"


# Items of the 2017 form an extending spec may edit without breaking a rule, sum or term, each
# with the item it stands in (an edit of an item removed or replaced fails: S214). Items are
# added only where nothing is removed later.
INSIDE = {
    "normative_issued": "proactive",
    "other_form": "received",
    "offices": "capacity",
    "reading_points": "capacity",
}
REMOVABLE = ["normative_issued", "offices", "reading_points", "training", "other_form", "archives", "capacity"]
REPLACEABLE = ["training", "capacity", "archives", "litigation"]
ANCHORS = ["proactive", "published", "requests", "received", "reconsideration", "training", "litigation"]


@st.composite
def extending_texts(draw: st.DrawFn) -> str:
    """A spec that extends the built-in 2017 form with edits, and items of its own."""
    writer = _Writer(draw)
    writer.header("gov-disclosure-2017")
    gone: set[str] = set()

    def there(name: str) -> bool:
        while name:
            if name in gone:
                return False
            name = INSIDE.get(name, "")
        return True

    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["remove", "relabel", "replace", "add after", "add before"]))
        if kind == "remove":
            names = draw(st.lists(st.sampled_from(REMOVABLE), min_size=1, max_size=2, unique=True))
            if all(there(n) for n in names):
                gone.update(names)
                writer.line(0, "remove " + ", ".join(names))
        elif kind == "relabel":
            name = draw(st.sampled_from(ANCHORS + REPLACEABLE))
            if there(name):
                writer.line(0, f"relabel {name} {writer.label()}")
        else:
            target = draw(st.sampled_from(REPLACEABLE if kind == "replace" else ANCHORS))
            if there(target):
                if kind == "replace":
                    gone.add(target)
                writer.line(0, f"{kind} {target}")
                writer.indicator(1, draw(st.sampled_from(UNITS)))
    writer.items(draw(st.integers(0, 3)))
    return "\n".join(writer.lines) + "\n"


def _mutant(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent"]))
        if op == "delete" and len(lines) > 1:
            del lines[k]
        elif op == "duplicate":
            lines.insert(k, lines[k])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
        elif op == "indent":
            lines[k] = "  " + lines[k]
        elif op == "dedent" and lines[k].startswith("  "):
            lines[k] = lines[k][2:]
    return "\n".join(lines)


BUILTINS = builtin_specs()


@st.composite
def builtin_mutants(draw: st.DrawFn) -> tuple[Path, str]:
    path = BUILTINS[draw(st.sampled_from(sorted(BUILTINS)))]
    return path, _mutant(draw, path.read_text(encoding="utf-8"))


def compile_text(text: str, path: Path | None = None) -> SpecResult:
    return compile_source(Source(str(path) if path else "gen.spec", text), path)


def assert_round_trip(text: str, path: Path | None = None) -> None:
    first = compile_text(text, path)
    if first.form is None:
        return
    assert first.ast is not None
    printed = format_spec(first.ast)
    again = compile_text(printed, path)
    assert again.form is not None, (printed, [(d.code, d.span and d.span.line) for d in again.report.diagnostics])
    assert again.form == first.form, printed
    assert again.ast is not None and format_spec(again.ast) == printed


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(spec_texts())
def test_generated_specs_compile_and_fmt_round_trips(text: str) -> None:
    first = compile_text(text)
    assert first.form is not None, (text, [(d.code, d.span and d.span.line) for d in first.report.diagnostics])
    assert_round_trip(text)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(extending_texts())
def test_extending_specs_round_trip(text: str) -> None:
    first = compile_text(text)
    assert first.form is not None, (text, [(d.code, d.span and d.span.line) for d in first.report.diagnostics])
    assert_round_trip(text)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(extending_texts())
def test_extending_specs_printed_whole_compile_to_the_same_form(text: str) -> None:
    """`fmt --resolved`: the form with the forms it extends and its edits applied, printed as one
    spec without `extends`, compiles to an equal form; printing that again changes nothing."""
    first = compile_text(text)
    assert first.form is not None and first.merged is not None
    printed = format_spec(first.merged)
    again = compile_text(printed)
    assert again.form is not None, (printed, [(d.code, d.span and d.span.line) for d in again.report.diagnostics])
    assert again.form == first.form, printed
    assert again.ast is not None and format_spec(again.ast) == printed


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(builtin_mutants())
def test_mutants_of_the_builtin_specs_round_trip(mutant: tuple[Path, str]) -> None:
    path, text = mutant
    event("compiles" if compile_text(text, path).form is not None else "does not compile")
    assert_round_trip(text, path)


def test_the_builtin_specs_round_trip() -> None:
    for path in BUILTINS.values():
        assert_round_trip(path.read_text(encoding="utf-8"), path)


# Shapes that did not round-trip before, kept as examples.
H = 'form t-1 "测试"\n'
EXAMPLES = {
    "a table with rows and no columns": H + 'table t "表" 件\n  rows\n    a "甲"\n',
    "a table with notes only": H + 'table t "表" 件\n  note "注"\n',
    "minus a negation": H + 'a "a" 件\nrule r "d"\n  a >= -(-a)\n',
    "a multiple of a multiple": H + 'a "a" 件\nrule r "d"\n  a >= 2 * (3 * a)\n',
    "a multiple of a negation": H + 'a "a" 件\nrule r "d"\n  a >= 2 * (-a)\n',
    "integer on a column of a decimal table": H + 'table t "表" 件 decimal(2)\n  columns\n    a "甲" integer\n',
    "a chain in parentheses": H + 'a "a" 件\nb "b" 件\nrule r "d"\n  (a - b) - b >= a - (b - a)\n',
}


def test_shapes_that_once_failed_round_trip() -> None:
    for name, text in EXAMPLES.items():
        assert compile_text(text).form is not None, name
        assert_round_trip(text)
