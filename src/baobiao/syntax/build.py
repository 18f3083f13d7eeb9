"""Lark tree -> AST. One method per grammar rule, named after it; positions made in one helper.

Nothing here raises: every shape the grammar admits maps to an AST node, and every check of
meaning happens later, in the compiler. The tree is walked without recursion (an explicit stack),
so its depth never meets Python's recursion limit; a chain of ``+`` and ``-`` becomes one flat
:class:`ast.Chain`, whose length is checked against ``MAX_TERMS`` here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lark import Token, Tree
from lark.tree import Meta

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.source import Source, Span
from baobiao.syntax import ast
from baobiao.syntax.limits import MAX_NUMBER_DIGITS, MAX_TERMS

_ESCAPE = re.compile(r"\\(.)")


def _unquote(raw: str) -> str:
    inner = raw[1:-1]
    return _ESCAPE.sub(r"\1", inner) if "\\" in inner else inner


_Method = Callable[[Meta, list[Any]], Any]


class AstBuilder:
    """Builds the AST of one source; ``problems`` holds what exceeded a limit (then the AST is
    not used)."""

    def __init__(self, source: Source) -> None:
        self._file = source.name
        self.problems: list[Diagnostic] = []
        self._methods: dict[str, _Method] = {}

    def _method(self, rule: str) -> _Method:
        method = self._methods.get(rule)
        if method is None:
            method = self._methods[rule] = getattr(self, rule)
        return method

    def transform(self, tree: Tree[Token]) -> ast.SpecFile:
        """The AST of a whole spec (the tree of the grammar's ``start``)."""
        spec = self.build(tree)
        assert isinstance(spec, ast.SpecFile)
        return spec

    def build(self, tree: Tree[Token]) -> Any:
        """The AST node of a tree. Each node's method is called with its children already
        built, in post-order, from an explicit stack: a node is pushed once to open it (its
        children follow) and once to close it (its built children are then the last values)."""
        values: list[Any] = []
        stack: list[tuple[Tree[Token] | None, Any]] = [(tree, None)]
        while stack:
            node, payload = stack.pop()
            if node is None:  # a token or placeholder: a value as it is
                values.append(payload)
            elif payload is None:  # open
                stack.append((node, len(node.children)))
                for child in reversed(node.children):
                    stack.append((child, None) if isinstance(child, Tree) else (None, child))
            else:  # close: its children are the last ``payload`` values
                start = len(values) - payload
                children = values[start:]
                del values[start:]
                values.append(self._method(str(node.data))(node.meta, children))
        (result,) = values
        return result

    # -- positions ---------------------------------------------------------------------
    def _span(self, node: Meta | Token) -> Span:
        try:  # a token, or a rule's positions (Lark's propagate_positions)
            line, column, end_line, end_column = node.line, node.column, node.end_line, node.end_column
        except AttributeError:  # a rule that matched nothing
            line = column = end_line = end_column = None
        line = line or 1
        column = column or 1
        return Span(self._file, line, column, end_line or line, end_column or column + 1)

    def _ident(self, tok: Token) -> ast.Ident:
        return ast.Ident(str(tok), self._span(tok))

    def _text(self, tok: Token) -> ast.Text:
        return ast.Text(_unquote(str(tok)), self._span(tok))

    def _number(self, tok: Token) -> ast.Number:
        return ast.Number(str(tok), self._span(tok))

    # -- rules -------------------------------------------------------------------------
    def start(self, meta: Meta, children: list[Any]) -> ast.SpecFile:
        header, *items = children
        return ast.SpecFile(header, tuple(items))

    def form_header(self, meta: Meta, children: list[Any]) -> ast.FormHeader:
        form_id, title, *attrs = children
        return ast.FormHeader(
            self._ident(form_id),
            self._text(title),
            tuple(a for a in attrs if a is not None),
            self._span(meta),
        )

    def extends(self, meta: Meta, children: list[Any]) -> ast.Extends:
        (tok,) = children
        is_path = tok.type == "STRING"
        return ast.Extends(_unquote(str(tok)) if is_path else str(tok), is_path, self._span(meta))

    def meta_field(self, meta: Meta, children: list[Any]) -> ast.MetaDecl:
        name, label, *rest = children
        values: list[ast.Text] = []
        for child in rest:
            if isinstance(child, tuple):  # a continuation line (meta_values)
                values.extend(child)
            elif child is not None:
                values.append(self._text(child))
        return ast.MetaDecl(self._ident(name), self._text(label), tuple(values), self._span(meta))

    def meta_values(self, meta: Meta, children: list[Any]) -> tuple[ast.Text, ...]:
        return tuple(self._text(t) for t in children)

    def formerly(self, meta: Meta, children: list[Any]) -> ast.Formerly:
        return ast.Formerly(self._text(children[0]), self._span(meta))

    def table(self, meta: Meta, children: list[Any]) -> ast.TableDecl:
        name, label, unit, value_type, *members = children
        columns: tuple[ast.Member, ...] = ()
        rows: tuple[ast.Member, ...] | None = None
        rest: list[ast.Member] = []
        for m in members:
            if isinstance(m, tuple) and m and m[0] == "columns":
                columns = columns + m[1]
            elif isinstance(m, tuple) and m and m[0] == "rows":
                rows = (rows or ()) + m[1]
            elif m is not None:
                rest.append(m)
        return ast.TableDecl(
            self._ident(name),
            self._text(label),
            self._ident(unit) if unit is not None else None,
            value_type,
            columns,
            rows,
            tuple(rest),
            self._span(meta),
        )

    def columns(self, meta: Meta, children: list[Any]) -> tuple[str, tuple[ast.Member, ...]]:
        return ("columns", tuple(c for c in children if c is not None))

    def rows(self, meta: Meta, children: list[Any]) -> tuple[str, tuple[ast.Member, ...]]:
        return ("rows", tuple(c for c in children if c is not None))

    def remove(self, meta: Meta, children: list[Any]) -> ast.Remove:
        return ast.Remove(tuple(self._ident(t) for t in children), self._span(meta))

    def relabel(self, meta: Meta, children: list[Any]) -> ast.Relabel:
        return ast.Relabel(self._ident(children[0]), self._text(children[1]), self._span(meta))

    def replace(self, meta: Meta, children: list[Any]) -> ast.Replace:
        name, *items = children
        return ast.Replace(self._ident(name), tuple(items), self._span(meta))

    def add_after(self, meta: Meta, children: list[Any]) -> ast.Insert:
        name, *items = children
        return ast.Insert(self._ident(name), True, tuple(items), self._span(meta))

    def add_before(self, meta: Meta, children: list[Any]) -> ast.Insert:
        name, *items = children
        return ast.Insert(self._ident(name), False, tuple(items), self._span(meta))

    def condition(self, meta: Meta, children: list[Any]) -> ast.Condition:
        name, negation, *values = children
        return ast.Condition(
            self._ident(name), negation is not None, tuple(self._text(v) for v in values), self._span(meta)
        )

    def negation(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def carry(self, meta: Meta, children: list[Any]) -> ast.CarryDecl:
        return ast.CarryDecl(children[0], children[1], self._span(meta))

    def cell_name(self, meta: Meta, children: list[Any]) -> ast.Ident:
        return ast.Ident(".".join(str(t) for t in children), self._span(meta))

    def cell_ref(self, meta: Meta, children: list[Any]) -> ast.CellRef:
        return ast.CellRef(self._ident(children[0]), self._ident(children[1]), self._span(meta))

    def narrative_term(self, meta: Meta, children: list[Any]) -> ast.TermDecl:
        words = [c for c in children if isinstance(c, Token) and c.type == "STRING"]
        rest = children[len(words) :]
        unit, expr, *phrases = rest
        return ast.TermDecl(
            tuple(self._text(w) for w in words),
            self._ident(unit) if unit is not None else None,
            expr,
            self._span(meta),
            tuple(phrases),
        )

    def _phrase(self, kind: str, meta: Meta, children: list[Any]) -> ast.TermPhrase:
        words = tuple(self._text(c) for c in children if isinstance(c, Token) and c.type == "STRING")
        expr = children[-1] if kind != "not" else None
        return ast.TermPhrase(kind, words, expr, self._span(meta))

    def term_part(self, meta: Meta, children: list[Any]) -> ast.TermPhrase:
        return self._phrase("part", meta, children)

    def term_all(self, meta: Meta, children: list[Any]) -> ast.TermPhrase:
        return self._phrase("all", meta, children)

    def term_not(self, meta: Meta, children: list[Any]) -> ast.TermPhrase:
        return self._phrase("not", meta, children)

    def previous_ref(self, meta: Meta, children: list[Any]) -> ast.PreviousRef:
        return ast.PreviousRef(self._ident(children[0]), self._span(meta))

    def version(self, meta: Meta, children: list[Any]) -> ast.Version:
        return ast.Version(self._text(children[0]), self._span(meta))

    def years(self, meta: Meta, children: list[Any]) -> ast.Years:
        start, end = children
        return ast.Years(self._number(start), self._number(end) if end is not None else None, self._span(meta))

    def note(self, meta: Meta, children: list[Any]) -> ast.Note:
        return ast.Note(self._text(children[0]), self._span(meta))

    def section(self, meta: Meta, children: list[Any]) -> ast.SectionDecl:
        name, label, *members = children
        return ast.SectionDecl(
            self._ident(name),
            self._text(label),
            tuple(m for m in members if m is not None),
            self._span(meta),
        )

    def indicator(self, meta: Meta, children: list[Any]) -> ast.IndicatorDecl:
        part, name, label, unit, value_type, relation, *members = children
        return ast.IndicatorDecl(
            is_part=part is not None,
            id=self._ident(name),
            label=self._text(label),
            unit=self._ident(unit) if unit is not None else None,
            value_type=value_type,
            relation=relation,
            members=tuple(m for m in members if m is not None),
            span=self._span(meta),
        )

    def part_marker(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def value_type(self, meta: Meta, children: list[Any]) -> ast.ValueTypeDecl:
        signed = len(children) == 2  # [signed, kind-or-None] or [kind]
        kind = children[-1]
        return ast.ValueTypeDecl(signed, kind, self._span(meta))

    def signed(self, meta: Meta, children: list[Any]) -> bool:
        return True

    def integer(self, meta: Meta, children: list[Any]) -> None:
        return None

    def decimal(self, meta: Meta, children: list[Any]) -> ast.Number:
        return self._number(children[0])

    def relation(self, meta: Meta, children: list[Any]) -> ast.SumDecl:
        (names,) = children
        return ast.SumDecl(names, self._span(meta))

    def name_list(self, meta: Meta, children: list[Any]) -> tuple[ast.Ident, ...]:
        return tuple(self._ident(t) for t in children)

    def rule(self, meta: Meta, children: list[Any]) -> ast.RuleDecl:
        name, severity, description, condition, constraint = children
        return ast.RuleDecl(
            self._ident(name), severity, self._text(description), constraint, self._span(meta), condition
        )

    def severity(self, meta: Meta, children: list[Any]) -> str:
        return str(children[0])

    def constraint(self, meta: Meta, children: list[Any]) -> ast.Constraint:
        left, op, right = children
        return ast.Constraint(left, op, right, self._span(meta))

    def comparator(self, meta: Meta, children: list[Any]) -> str:
        return {"==": "=", "≤": "<=", "≥": ">="}.get(str(children[0]), str(children[0]))

    def add(self, meta: Meta, children: list[Any]) -> ast.Chain:
        return self._chain("+", meta, children)

    def sub(self, meta: Meta, children: list[Any]) -> ast.Chain:
        return self._chain("-", meta, children)

    def _chain(self, op: str, meta: Meta, children: list[Any]) -> ast.Chain:
        """``left op right``: the left side is a chain already when the chain goes on (``(a + b) + c``
        means ``a + b + c`` and is printed so)."""
        left, right = children
        span = self._span(meta)
        if isinstance(left, ast.Chain):
            chain = ast.Chain(left.first, (*left.rest, (op, right)), span)
        else:
            chain = ast.Chain(left, ((op, right),), span)
        if len(chain.rest) == MAX_TERMS:  # the term past the limit, reported once per chain
            self.problems.append(diag("S234", right.span, limit=f"{MAX_TERMS:,}"))
        return chain

    def scaled(self, meta: Meta, children: list[Any]) -> ast.Scaled:
        return ast.Scaled(self._operand_number(children[0]), children[1], self._span(meta))

    def _operand_number(self, tok: Token) -> ast.Number:
        """A constant or factor of an expression: at most MAX_NUMBER_DIGITS digits, so that the
        linear programs (lint, bounds) compute with it exactly."""
        number = self._number(tok)
        digits = sum(ch.isdigit() for ch in number.text)
        if digits > MAX_NUMBER_DIGITS:
            self.problems.append(diag("S237", number.span, digits=str(digits), limit=str(MAX_NUMBER_DIGITS)))
        return number

    def negated(self, meta: Meta, children: list[Any]) -> ast.Negated:
        return ast.Negated(children[0], self._span(meta))

    def ref(self, meta: Meta, children: list[Any]) -> ast.Ref:
        return ast.Ref(self._ident(children[0]), self._span(meta))

    def sum_ref(self, meta: Meta, children: list[Any]) -> ast.SumRef:
        return ast.SumRef(self._ident(children[0]), self._span(meta))

    def const(self, meta: Meta, children: list[Any]) -> ast.Const:
        return ast.Const(self._operand_number(children[0]), self._span(meta))
