"""A spec that extends another: the base's items with the derived spec's edits applied.

Works on syntax trees, before compiling: ``remove``, ``relabel`` (the old label is kept as a
``formerly`` label, so data in the old wording gets a hint), ``replace`` and ``add after`` /
``add before``, each naming an item anywhere in the base (rows and columns of tables too).
Items the derived spec declares outside edits are added at the end. Header attributes are
inherited unless the derived spec gives its own; ``meta`` declarations field by field.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.syntax import ast

Named = ast.SectionDecl | ast.IndicatorDecl | ast.RuleDecl | ast.TableDecl
# Replaces one member by a tuple of members (empty: removed); None leaves it unchanged.
Rewrite = Callable[[ast.Member], tuple[ast.Member, ...] | None]


def _ids(members: Iterable[ast.Member]) -> Iterable[str]:
    for m in members:
        if isinstance(m, Named):
            yield m.id.text
        for sub in _children(m):
            yield from _ids(sub)


def _children(m: ast.Member) -> list[tuple[ast.Member, ...]]:
    if isinstance(m, ast.SectionDecl | ast.IndicatorDecl):
        return [m.members]
    if isinstance(m, ast.TableDecl):
        return [m.columns, m.rows or (), m.members]
    return []


def _rewrite(members: tuple[ast.Member, ...], fn: Rewrite) -> tuple[ast.Member, ...]:
    out: list[ast.Member] = []
    for m in members:
        replaced = fn(m)
        if replaced is not None:
            out.extend(replaced)
            continue
        if isinstance(m, ast.SectionDecl | ast.IndicatorDecl):
            m = dataclasses.replace(m, members=_rewrite(m.members, fn))
        elif isinstance(m, ast.TableDecl):
            m = dataclasses.replace(
                m,
                columns=_rewrite(m.columns, fn),
                rows=_rewrite(m.rows, fn) if m.rows is not None else None,
                members=_rewrite(m.members, fn),
            )
        out.append(m)
    return tuple(out)


def _target(name: ast.Ident) -> Callable[[ast.Member], bool]:
    return lambda m: isinstance(m, Named) and m.id.text == name.text


def _relabelled(m: ast.Member, edit: ast.Relabel) -> tuple[ast.Member, ...]:
    assert isinstance(m, Named)
    if isinstance(m, ast.SectionDecl | ast.IndicatorDecl):
        old = ast.Formerly(m.label, edit.span)
        return (dataclasses.replace(m, label=edit.label, members=(*m.members, old)),)
    if isinstance(m, ast.TableDecl):
        return (dataclasses.replace(m, label=edit.label),)
    return (dataclasses.replace(m, description=edit.label),)


def _apply(items: tuple[ast.Member, ...], edit: ast.Edit) -> tuple[ast.Member, ...]:
    if isinstance(edit, ast.Remove):
        names = {n.text for n in edit.names}
        return _rewrite(items, lambda m: () if isinstance(m, Named) and m.id.text in names else None)
    hit = _target(edit.name)
    if isinstance(edit, ast.Relabel):
        return _rewrite(items, lambda m: _relabelled(m, edit) if hit(m) else None)
    if isinstance(edit, ast.Replace):
        return _rewrite(items, lambda m: edit.items if hit(m) else None)
    return _rewrite(items, lambda m: ((m, *edit.items) if edit.after else (*edit.items, m)) if hit(m) else None)


def _names_in(expr: ast.Expr | None) -> set[str]:
    if isinstance(expr, ast.Ref | ast.SumRef | ast.PreviousRef):
        return {expr.name.text}
    if isinstance(expr, ast.CellRef):
        return {expr.row.text, expr.column.text}
    if isinstance(expr, ast.Scaled | ast.Negated):
        return _names_in(expr.operand)
    if isinstance(expr, ast.BinOp):
        return _names_in(expr.left) | _names_in(expr.right)
    return set()


def _term_names(term: ast.TermDecl) -> set[str]:
    return _names_in(term.expr).union(*(_names_in(p.expr) for p in term.phrases))


def _targets(edit: ast.Edit) -> tuple[ast.Ident, ...]:
    return edit.names if isinstance(edit, ast.Remove) else (edit.name,)


def merge(base: ast.SpecFile, derived: ast.SpecFile) -> tuple[ast.SpecFile, list[Diagnostic]]:
    """The derived spec as one syntax tree: base items edited, derived items appended."""
    problems: list[Diagnostic] = []
    items: tuple[ast.Member, ...] = tuple(i for i in base.items if isinstance(i, Named | ast.TermDecl | ast.CarryDecl))
    known = set(_ids(items))
    added: list[ast.Member] = []
    for entry in derived.items:
        if not isinstance(entry, ast.Remove | ast.Relabel | ast.Replace | ast.Insert):
            added.append(entry)
            continue
        missing = [n for n in _targets(entry) if n.text not in known]
        for name in missing:
            close = difflib.get_close_matches(name.text, sorted(known), n=3, cutoff=0.6)
            problems.append(
                diag(
                    "S214",
                    name.span,
                    name=name.text,
                    suggestion=f"是不是：{'、'.join(close)}" if close else "被修改的栏目必须在所继承的表式里。",
                    suggestion_en=f"did you mean: {', '.join(close)}"
                    if close
                    else "an edited item must exist in the form extended.",
                )
            )
        if missing:
            continue
        items = _apply(items, entry)
        known = set(_ids(items))
    # The derived header's attributes replace the base's of the same kind; a ``meta`` declaration
    # replaces only the base's declaration of the same field (the others are inherited).
    own = {type(a) for a in derived.header.attrs if not isinstance(a, ast.MetaDecl)}
    redeclared = {a.name.text for a in derived.header.attrs if isinstance(a, ast.MetaDecl)}
    attrs = tuple(
        a
        for a in base.header.attrs
        if not isinstance(a, ast.Extends)
        and (a.name.text not in redeclared if isinstance(a, ast.MetaDecl) else type(a) not in own)
    )
    header = dataclasses.replace(
        derived.header, attrs=(*attrs, *(a for a in derived.header.attrs if not isinstance(a, ast.Extends)))
    )
    # a carry into a cell whose row or column an edit removed goes with it, and so does a term
    # that names one
    items = tuple(
        i
        for i in items
        if not (isinstance(i, ast.CarryDecl) and not set(i.new.text.split(".")) <= known)
        and not (isinstance(i, ast.TermDecl) and not _term_names(i) <= known)
    )
    merged_items = tuple(i for i in (*items, *added) if isinstance(i, Named | ast.TermDecl | ast.CarryDecl))
    return ast.SpecFile(header, merged_items, derived.comments), problems


def edits_without_base(spec: ast.SpecFile) -> list[Diagnostic]:
    """Edits are only meaningful in a spec that extends another."""
    return [
        diag("S215", entry.span)
        for entry in spec.items
        if isinstance(entry, ast.Remove | ast.Relabel | ast.Replace | ast.Insert)
    ]
