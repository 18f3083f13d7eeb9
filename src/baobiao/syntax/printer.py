"""AST -> canonical spec text (``baobiao fmt``). Parsing the output gives the same model.

Canonical form: two spaces per level, one blank line between top-level items, the default
value type left out, comparisons written =, <=, >=, <, >. Comments are kept: a comment on
its own line stays before the line that followed it, a trailing comment stays at the end
of its line.
"""

from __future__ import annotations

from baobiao.source import Span
from baobiao.syntax import ast

INDENT = "  "


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _words(words: tuple[ast.Text, ...]) -> str:
    return ", ".join(quote(w.value) for w in words)


_ATOMS = (ast.Ref, ast.SumRef, ast.PreviousRef, ast.CellRef, ast.Const)


def _expr(e: ast.Expr) -> str:
    """An expression: a chain of terms joined by + and -, or one term. (The parser makes every
    chain flat, so a chain never starts with another; the depth of the recursion is that of the
    parentheses, which the parser limits.)"""
    if isinstance(e, ast.Chain):
        return " ".join([_expr(e.first), *(f"{op} {_term(term)}" for op, term in e.rest)])
    return _term(e)


def _term(e: ast.Expr) -> str:
    """A term after + or -: a chain only in parentheses (a - (b - c))."""
    if isinstance(e, ast.Scaled):
        return f"{e.factor.text} * {_atom(e.operand)}"
    if isinstance(e, ast.Negated):
        return f"-{_atom(e.operand)}"
    return _atom(e)


def _atom(e: ast.Expr) -> str:
    """What N * and unary - apply to: a name, a number, sum(…), previous(…), or an expression
    in parentheses (2 * (3 * a), -(-a))."""
    if isinstance(e, ast.Ref):
        return e.name.text
    if isinstance(e, ast.SumRef):
        return f"sum({e.name.text})"
    if isinstance(e, ast.PreviousRef):
        return f"previous({e.name.text})"
    if isinstance(e, ast.CellRef):
        return f"{e.row.text}.{e.column.text}"
    if isinstance(e, ast.Const):
        return e.value.text
    return f"({_expr(e)})"


def constraint_text(c: ast.Constraint) -> str:
    return f"{_expr(c.left)} {c.op} {_expr(c.right)}"


def _condition(c: ast.Condition | None) -> str:
    if c is None:
        return ""
    values = ", ".join(quote(v.value) for v in c.values)
    return f" when {c.key.text}{' not' if c.negated else ''} in {values}"


class _Printer:
    """Prints a tree and the comments of the files its items come from (one file for a spec as
    written; several for a tree merged onto the forms it extends, ``fmt --resolved``): each
    comment goes before, or at the end of, a line of its own file."""

    def __init__(self, spec: ast.SpecFile) -> None:
        self.lines: list[str] = []
        self.home = spec.header.span.file
        self.own_line: dict[str, list[ast.Comment]] = {}
        for c in spec.comments:
            if c.own_line:
                self.own_line.setdefault(c.file or self.home, []).append(c)
        self.next_comment = dict.fromkeys(self.own_line, 0)  # per file: the first own-line comment not printed yet
        self.trailing = {(c.file or self.home, c.line): c.text for c in spec.comments if not c.own_line}

    def comments_before(self, line: int, depth: int, file: str) -> None:
        comments = self.own_line.get(file, [])
        while self.next_comment.get(file, 0) < len(comments) and comments[self.next_comment[file]].line < line:
            self.lines.append(INDENT * depth + comments[self.next_comment[file]].text)
            self.next_comment[file] += 1

    def emit(self, depth: int, text: str, at: Span, line: int | None = None) -> None:
        """A line of the spec, written at ``at`` (at its ``line`` when given) in its file."""
        line = at.line if line is None else line
        self.comments_before(line, depth, at.file)
        trailing = self.trailing.pop((at.file, line), None)
        self.lines.append(INDENT * depth + text + (f"  {trailing}" if trailing else ""))

    def rest(self) -> None:
        """The comments after the last line printed: those of the spec's own file (a comment on
        a line that prints no item of its own, such as ``columns``, is kept at the end); of a
        form extended, the own-line comments only (a trailing one belonged to a line not
        printed, such as an item removed)."""
        for file in self.own_line:
            self.comments_before(1 << 30, 0, file)
        kept = sorted((line, text) for (file, line), text in self.trailing.items() if file == self.home)
        self.lines.extend(f"# {text.lstrip('#').strip()}" for _, text in kept)

    def header(self, h: ast.FormHeader) -> None:
        self.emit(0, f"form {h.id.text} {quote(h.title.value)}", h.span)
        for attr in h.attrs:
            if isinstance(attr, ast.Version):
                self.emit(1, f"version {quote(attr.value.value)}", attr.span)
            elif isinstance(attr, ast.Years):
                end = attr.end.text if attr.end else ""
                self.emit(1, f"years {attr.start.text}..{end}", attr.span)
            elif isinstance(attr, ast.Extends):
                base = quote(attr.base) if attr.is_path else attr.base
                self.emit(1, f"extends {base}", attr.span)
            elif isinstance(attr, ast.MetaDecl):
                self.meta(attr)
            else:
                self.emit(1, f"note {quote(attr.text.value)}", attr.span)

    def meta(self, m: ast.MetaDecl) -> None:
        """A long list keeps its line breaks: the values of each source line on one line,
        continuation lines indented below, a comma at the end of every line but the last."""
        lines: list[tuple[int, list[str]]] = []
        for v in m.values:
            if lines and v.span.line <= lines[-1][0]:
                lines[-1][1].append(quote(v.value))
            else:
                lines.append((max(v.span.line, m.span.line), [quote(v.value)]))
        head = f"meta {m.name.text} {quote(m.label.value)} in "
        for k, (line, values) in enumerate(lines):
            text = ", ".join(values) + ("," if k < len(lines) - 1 else "")
            self.emit(1 if k == 0 else 2, head + text if k == 0 else text, m.span, line)

    def block(self, members: tuple[ast.Member, ...], depth: int, axis: bool = False) -> None:
        for m in members:
            self.member(m, depth, axis)

    def member(self, m: ast.Member | ast.Edit, depth: int, axis: bool = False) -> None:
        """One item and its block; ``axis``: a row or column of a table (where ``integer`` is
        kept: it overrides the table's type)."""
        if isinstance(m, ast.Note):
            self.emit(depth, f"note {quote(m.text.value)}", m.span)
        elif isinstance(m, ast.Formerly):
            self.emit(depth, f"formerly {quote(m.label.value)}", m.span)
        elif isinstance(m, ast.RuleDecl):
            severity = f" {m.severity}" if m.severity else ""
            head = f"rule {m.id.text}{severity} {quote(m.description.value)}{_condition(m.condition)}"
            self.emit(depth, head, m.span)
            self.emit(depth + 1, constraint_text(m.constraint), m.constraint.span)
        elif isinstance(m, ast.SectionDecl):
            self.emit(depth, f"section {m.id.text} {quote(m.label.value)}", m.span)
            self.block(m.members, depth + 1, axis)
        elif isinstance(m, ast.IndicatorDecl):
            self.emit(depth, _indicator_line(m, axis), m.span)
            self.block(m.members, depth + 1, axis)
        elif isinstance(m, ast.TableDecl):
            self.table(m, depth)
        elif isinstance(m, ast.CarryDecl):
            self.emit(depth, f"carry {m.old.text} as {m.new.text}", m.span)
        elif isinstance(m, ast.TermDecl):
            unit = f" {m.unit.text}" if m.unit else ""
            self.emit(depth, f"term {_words(m.words)}{unit} = {_expr(m.expr)}", m.span)
            for p in m.phrases:
                value = f" = {_expr(p.expr)}" if p.expr is not None else ""
                self.emit(depth + 1, f"{p.kind} {_words(p.words)}{value}", p.span)
        else:
            self.edit(m, depth)

    def table(self, m: ast.TableDecl, depth: int) -> None:
        head = ["table", m.id.text, quote(m.label.value)]
        head += [m.unit.text] if m.unit else []
        head += [_type_text(m.value_type)] if _type_text(m.value_type) else []
        self.emit(depth, " ".join(head), m.span)
        notes = [x for x in m.members if isinstance(x, ast.Note)]
        self.block(tuple(notes), depth + 1)
        if m.columns:  # a table may have rows and no columns (it then has no cells)
            self.lines.append(INDENT * (depth + 1) + "columns")
            self.block(m.columns, depth + 2, axis=True)
        if m.rows is not None:
            self.lines.append(INDENT * (depth + 1) + "rows")
            self.block(m.rows, depth + 2, axis=True)
        self.block(tuple(x for x in m.members if not isinstance(x, ast.Note)), depth + 1)

    def edit(self, m: ast.Edit, depth: int) -> None:
        if isinstance(m, ast.Remove):
            self.emit(depth, "remove " + ", ".join(n.text for n in m.names), m.span)
        elif isinstance(m, ast.Relabel):
            self.emit(depth, f"relabel {m.name.text} {quote(m.label.value)}", m.span)
        else:
            word = "replace" if isinstance(m, ast.Replace) else ("add after" if m.after else "add before")
            self.emit(depth, f"{word} {m.name.text}", m.span)
            self.block(m.items, depth + 1)


def _type_text(vt: ast.ValueTypeDecl | None, keep_integer: bool = False) -> str:
    if vt is None:
        return ""
    if not (vt.signed or vt.decimals is not None):
        return "integer" if keep_integer else ""
    if vt.decimals is None:
        return "signed" if vt.signed else "integer"
    kind = f"decimal({vt.decimals.text})"
    return f"signed {kind}" if vt.signed else kind


def _indicator_line(m: ast.IndicatorDecl, axis: bool = False) -> str:
    parts = ["其中"] if m.is_part else []
    parts += [m.id.text, quote(m.label.value)]
    if m.unit is not None:
        parts.append(m.unit.text)
    if _type_text(m.value_type, keep_integer=axis):
        parts.append(_type_text(m.value_type, keep_integer=axis))
    if m.relation is not None:
        parts.append("= sum")
        if m.relation.parts is not None:
            parts.append("of " + ", ".join(p.text for p in m.relation.parts))
    return " ".join(parts)


def format_spec(spec: ast.SpecFile) -> str:
    """The spec as canonical text. A tree merged onto the forms it extends (``fmt --resolved``)
    prints as one whole spec, without ``extends``, under a comment naming those forms."""
    p = _Printer(spec)
    if spec.lineage:
        bases = "、".join(spec.lineage)
        p.lines.append(f"# {spec.header.id.text} 的完整表式：已合并所继承的 {bases}（baobiao fmt --resolved）")
    p.header(spec.header)
    for item in spec.items:
        p.lines.append("")
        p.member(item, 0)
    p.rest()
    return "\n".join(p.lines) + "\n"
