"""AST -> canonical spec text (``baobiao fmt``). Parsing the output gives the same model.

Canonical form: two spaces per level, one blank line between top-level items, the default
value type left out, comparisons written =, <=, >=, <, >. Comments are kept: a comment on
its own line stays before the line that followed it, a trailing comment stays at the end
of its line.
"""

from __future__ import annotations

from baobiao.syntax import ast

INDENT = "  "


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _words(words: tuple[ast.Text, ...]) -> str:
    return ", ".join(quote(w.value) for w in words)


def _expr(e: ast.Expr, parent_prec: int = 0, right_side: bool = False) -> str:
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
    if isinstance(e, ast.Scaled):
        return f"{e.factor.text} * {_expr(e.operand, 3)}"
    if isinstance(e, ast.Negated):
        return f"-{_expr(e.operand, 3)}"
    text = f"{_expr(e.left, 1)} {e.op} {_expr(e.right, 1, right_side=True)}"
    needs_parens = parent_prec > 1 or (parent_prec == 1 and right_side)
    return f"({text})" if needs_parens else text


def constraint_text(c: ast.Constraint) -> str:
    return f"{_expr(c.left)} {c.op} {_expr(c.right)}"


def _condition(c: ast.Condition | None) -> str:
    if c is None:
        return ""
    values = ", ".join(quote(v.value) for v in c.values)
    return f" when {c.key.text}{' not' if c.negated else ''} in {values}"


class _Printer:
    def __init__(self, spec: ast.SpecFile) -> None:
        self.lines: list[str] = []
        self.own_line = [c for c in spec.comments if c.own_line]
        self.trailing = {c.line: c.text for c in spec.comments if not c.own_line}

    def comments_before(self, line: int, depth: int) -> None:
        while self.own_line and self.own_line[0].line < line:
            self.lines.append(INDENT * depth + self.own_line.pop(0).text)

    def emit(self, depth: int, text: str, line: int) -> None:
        self.comments_before(line, depth)
        trailing = self.trailing.pop(line, None)
        self.lines.append(INDENT * depth + text + (f"  {trailing}" if trailing else ""))

    def header(self, h: ast.FormHeader) -> None:
        self.emit(0, f"form {h.id.text} {quote(h.title.value)}", h.span.line)
        for attr in h.attrs:
            if isinstance(attr, ast.Version):
                self.emit(1, f"version {quote(attr.value.value)}", attr.span.line)
            elif isinstance(attr, ast.Years):
                end = attr.end.text if attr.end else ""
                self.emit(1, f"years {attr.start.text}..{end}", attr.span.line)
            elif isinstance(attr, ast.Extends):
                base = quote(attr.base) if attr.is_path else attr.base
                self.emit(1, f"extends {base}", attr.span.line)
            elif isinstance(attr, ast.MetaDecl):
                self.meta(attr)
            else:
                self.emit(1, f"note {quote(attr.text.value)}", attr.span.line)

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
            self.emit(1 if k == 0 else 2, head + text if k == 0 else text, line)

    def block(self, members: tuple[ast.Member, ...], depth: int) -> None:
        for m in members:
            self.member(m, depth)

    def member(self, m: ast.Member | ast.Edit, depth: int) -> None:
        if isinstance(m, ast.Note):
            self.emit(depth, f"note {quote(m.text.value)}", m.span.line)
        elif isinstance(m, ast.Formerly):
            self.emit(depth, f"formerly {quote(m.label.value)}", m.span.line)
        elif isinstance(m, ast.RuleDecl):
            severity = f" {m.severity}" if m.severity else ""
            head = f"rule {m.id.text}{severity} {quote(m.description.value)}{_condition(m.condition)}"
            self.emit(depth, head, m.span.line)
            self.emit(depth + 1, constraint_text(m.constraint), m.constraint.span.line)
        elif isinstance(m, ast.SectionDecl):
            self.emit(depth, f"section {m.id.text} {quote(m.label.value)}", m.span.line)
            self.block(m.members, depth + 1)
        elif isinstance(m, ast.IndicatorDecl):
            self.emit(depth, _indicator_line(m), m.span.line)
            self.block(m.members, depth + 1)
        elif isinstance(m, ast.TableDecl):
            self.table(m, depth)
        elif isinstance(m, ast.CarryDecl):
            self.emit(depth, f"carry {m.old.text} as {m.new.text}", m.span.line)
        elif isinstance(m, ast.TermDecl):
            unit = f" {m.unit.text}" if m.unit else ""
            self.emit(depth, f"term {_words(m.words)}{unit} = {_expr(m.expr)}", m.span.line)
            for p in m.phrases:
                value = f" = {_expr(p.expr)}" if p.expr is not None else ""
                self.emit(depth + 1, f"{p.kind} {_words(p.words)}{value}", p.span.line)
        else:
            self.edit(m, depth)

    def table(self, m: ast.TableDecl, depth: int) -> None:
        head = ["table", m.id.text, quote(m.label.value)]
        head += [m.unit.text] if m.unit else []
        head += [_type_text(m.value_type)] if _type_text(m.value_type) else []
        self.emit(depth, " ".join(head), m.span.line)
        notes = [x for x in m.members if isinstance(x, ast.Note)]
        self.block(tuple(notes), depth + 1)
        self.lines.append(INDENT * (depth + 1) + "columns")
        self.block(m.columns, depth + 2)
        if m.rows is not None:
            self.lines.append(INDENT * (depth + 1) + "rows")
            self.block(m.rows, depth + 2)
        self.block(tuple(x for x in m.members if not isinstance(x, ast.Note)), depth + 1)

    def edit(self, m: ast.Edit, depth: int) -> None:
        if isinstance(m, ast.Remove):
            self.emit(depth, "remove " + ", ".join(n.text for n in m.names), m.span.line)
        elif isinstance(m, ast.Relabel):
            self.emit(depth, f"relabel {m.name.text} {quote(m.label.value)}", m.span.line)
        else:
            word = "replace" if isinstance(m, ast.Replace) else ("add after" if m.after else "add before")
            self.emit(depth, f"{word} {m.name.text}", m.span.line)
            self.block(m.items, depth + 1)


def _type_text(vt: ast.ValueTypeDecl | None) -> str:
    if vt is None or not (vt.signed or vt.decimals is not None):
        return ""
    if vt.decimals is None:
        return "signed" if vt.signed else "integer"
    kind = f"decimal({vt.decimals.text})"
    return f"signed {kind}" if vt.signed else kind


def _indicator_line(m: ast.IndicatorDecl) -> str:
    parts = ["其中"] if m.is_part else []
    parts += [m.id.text, quote(m.label.value)]
    if m.unit is not None:
        parts.append(m.unit.text)
    if _type_text(m.value_type):
        parts.append(_type_text(m.value_type))
    if m.relation is not None:
        parts.append("= sum")
        if m.relation.parts is not None:
            parts.append("of " + ", ".join(p.text for p in m.relation.parts))
    return " ".join(parts)


def format_spec(spec: ast.SpecFile) -> str:
    p = _Printer(spec)
    p.header(spec.header)
    for item in spec.items:
        p.lines.append("")
        p.member(item, 0)
    p.comments_before(1 << 30, 0)
    p.lines.extend(f"# {text.lstrip('#').strip()}" for _, text in sorted(p.trailing.items()))
    return "\n".join(p.lines) + "\n"
