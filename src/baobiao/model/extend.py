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
from collections.abc import Iterable

from baobiao.diagnostics.core import Diagnostic, Related, diag
from baobiao.source import Span
from baobiao.syntax import ast
from baobiao.syntax.limits import MAX_DEPTH

Named = ast.SectionDecl | ast.IndicatorDecl | ast.RuleDecl | ast.TableDecl
SUGGESTION_WORK = 100_000  # ids compared by all the "did you mean" searches of one merge


def _ids(members: Iterable[ast.Member]) -> Iterable[str]:
    for m in members:
        if isinstance(m, Named):
            yield m.id.text
        for sub in _children(m).values():
            yield from _ids(sub)


def _children(m: ast.Member) -> dict[str, tuple[ast.Member, ...]]:
    """The blocks of a member, by field name."""
    if isinstance(m, ast.SectionDecl | ast.IndicatorDecl):
        return {"members": m.members}
    if isinstance(m, ast.TableDecl):
        blocks = {"columns": m.columns, "members": m.members}
        if m.rows is not None:
            blocks["rows"] = m.rows
        return blocks
    return {}


class _Node:
    """A member of the tree being edited: its declaration (whose blocks are stale) and its
    blocks as lists of nodes, and the list it stands in."""

    __slots__ = ("blocks", "decl", "home")

    def __init__(self, decl: ast.Member, home: list[_Node]) -> None:
        self.decl = decl
        self.home = home
        self.blocks: dict[str, list[_Node]] = {}


class _Tree:
    """The base's items, edited in place: each edit finds its targets through an index by id and
    changes only the lists they stand in, so that many edits of a large form take linear time
    (rewriting the whole tree for every edit took quadratic time)."""

    def __init__(self, items: Iterable[ast.Member]) -> None:
        self.top: list[_Node] = []
        self.by_id: dict[str, list[_Node]] = {}
        self.gone: list[Span] = []  # where the items removed or replaced were written
        self.problems: list[Diagnostic] = []
        self.top.extend(self._wrap(m, self.top) for m in items)

    def _wrap(self, decl: ast.Member, home: list[_Node]) -> _Node:
        node = _Node(decl, home)
        for name, members in _children(decl).items():
            block: list[_Node] = []
            block.extend(self._wrap(m, block) for m in members)
            node.blocks[name] = block
        if isinstance(decl, Named):
            self.by_id.setdefault(decl.id.text, []).append(node)
        return node

    def _forget(self, node: _Node) -> None:
        if isinstance(node.decl, Named):
            nodes = self.by_id[node.decl.id.text]
            nodes[:] = [n for n in nodes if n is not node]
            if not nodes:
                del self.by_id[node.decl.id.text]
        for block in node.blocks.values():
            for sub in block:
                self._forget(sub)

    def known(self, name: str) -> bool:
        return name in self.by_id

    def fresh(self, members: Iterable[ast.Member]) -> tuple[ast.Member, ...]:
        """Members an edit brings in, without those (and what they hold) whose id the tree has
        already: each such duplicate is S202 at the line that brings it in, the derived spec's
        (the compiler, reading the merged tree in order, would report whichever comes later,
        perhaps the base's, and read the derived item where the base's stood: a row of table 三
        named like a column turned the column's sum into S213)."""
        out: list[ast.Member] = []
        for m in members:
            if isinstance(m, Named) and (there := self.by_id.get(m.id.text)):
                first = there[0].decl
                assert isinstance(first, Named)
                phrase = "first-defined" if first.id.span.file == m.id.span.file else "defined-in-base"
                self.problems.append(diag("S202", m.id.span, name=m.id.text, related=[Related(first.id.span, phrase)]))
                continue
            blocks = _children(m)
            if blocks:
                m = dataclasses.replace(m, **{k: self.fresh(v) for k, v in blocks.items()})  # type: ignore[arg-type]
            out.append(m)
        return tuple(out)

    def apply(self, edit: ast.Edit) -> None:
        names = [n.text for n in edit.names] if isinstance(edit, ast.Remove) else [edit.name.text]
        for name in dict.fromkeys(names):
            for node in list(self.by_id.get(name, ())):
                self._edit(node, edit)

    def _edit(self, node: _Node, edit: ast.Edit) -> None:
        home = node.home
        at = home.index(node)  # nodes compare by identity
        if isinstance(edit, ast.Relabel):
            node.decl = _relabelled(node, edit)
            return
        if isinstance(edit, ast.Remove | ast.Replace):
            self.gone.append(node.decl.span)
            self._forget(node)
            new = [self._wrap(m, home) for m in self.fresh(edit.items)] if isinstance(edit, ast.Replace) else []
            home[at : at + 1] = new
            return
        new = [self._wrap(m, home) for m in self.fresh(edit.items)]
        home[at + 1 if edit.after else at : at + 1 if edit.after else at] = new

    def items(self) -> tuple[ast.Member, ...]:
        return tuple(_unwrap(n) for n in self.top)


def _relabelled(node: _Node, edit: ast.Relabel) -> ast.Member:
    """The old label is kept as a ``formerly`` line (data in the old wording gets a hint)."""
    m = node.decl
    assert isinstance(m, Named)
    if isinstance(m, ast.SectionDecl | ast.IndicatorDecl):
        node.blocks["members"].append(_Node(ast.Formerly(m.label, edit.span), node.blocks["members"]))
        return dataclasses.replace(m, label=edit.label)
    if isinstance(m, ast.TableDecl):
        return dataclasses.replace(m, label=edit.label)
    return dataclasses.replace(m, description=edit.label)


def _unwrap(node: _Node) -> ast.Member:
    if not node.blocks:
        return node.decl
    blocks = {name: tuple(_unwrap(n) for n in block) for name, block in node.blocks.items()}
    if isinstance(node.decl, ast.TableDecl) and "rows" not in blocks:
        blocks["rows"] = None  # type: ignore[assignment]
    return dataclasses.replace(node.decl, **blocks)  # type: ignore[arg-type]


def _names_in(expr: ast.Expr | None) -> set[str]:
    if isinstance(expr, ast.Ref | ast.SumRef | ast.PreviousRef):
        return {expr.name.text}
    if isinstance(expr, ast.CellRef):
        return {expr.row.text, expr.column.text}
    if isinstance(expr, ast.Scaled | ast.Negated):
        return _names_in(expr.operand)
    if isinstance(expr, ast.Chain):
        return _names_in(expr.first).union(*(_names_in(term) for _, term in expr.rest))
    return set()


def _term_names(term: ast.TermDecl) -> set[str]:
    return _names_in(term.expr).union(*(_names_in(p.expr) for p in term.phrases))


def _targets(edit: ast.Edit) -> tuple[ast.Ident, ...]:
    return edit.names if isinstance(edit, ast.Remove) else (edit.name,)


def merge(base: ast.SpecFile, derived: ast.SpecFile) -> tuple[ast.SpecFile, list[Diagnostic]]:
    """The derived spec as one syntax tree: base items edited, derived items appended."""
    problems: list[Diagnostic] = []
    tree = _Tree(i for i in base.items if isinstance(i, Named | ast.TermDecl | ast.CarryDecl))
    added: list[ast.Member] = []
    work = 0
    for entry in derived.items:
        if not isinstance(entry, ast.Remove | ast.Relabel | ast.Replace | ast.Insert):
            added.append(entry)
            continue
        missing = [n for n in _targets(entry) if not tree.known(n.text)]
        for name in missing:
            close: list[str] = []
            if work + len(tree.by_id) <= SUGGESTION_WORK:  # "did you mean", while the budget lasts
                work += len(tree.by_id)
                close = difflib.get_close_matches(name.text, sorted(tree.by_id), n=3, cutoff=0.6)
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
        if not missing:
            tree.apply(entry)
    added = list(tree.fresh(added))
    problems.extend(tree.problems)
    items = tree.items()
    known = set(tree.by_id)
    problems.extend(_too_deep(items))
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
    # the comments of every file, for `fmt --resolved`; left out: those above and in a base's
    # form header (they describe that form as a whole) and those in an item removed or replaced
    top = base.header.span
    intro = Span(top.file, 1, 1, top.end_line, top.end_column)
    comments = (
        *derived.comments,
        *(c for c in base.comments if not any(_within(c, span) for span in (intro, *tree.gone))),
    )
    lineage = (base.header.id.text, *base.lineage)
    return ast.SpecFile(header, merged_items, comments, lineage), problems


def _within(comment: ast.Comment, span: Span) -> bool:
    """Whether a comment is in the lines of ``span`` (which ends at the start of the next item's
    line when its end column is 1)."""
    if comment.file != span.file or comment.line < span.line:
        return False
    return comment.line < span.end_line or (comment.line == span.end_line and span.end_column > 1)


def _too_deep(items: tuple[ast.Member, ...]) -> list[Diagnostic]:
    """Items an edit put deeper than MAX_DEPTH levels (each spec is within the limit, but the
    items of ``replace`` or ``add`` stand as deep as the item they edit): S232 at the first."""
    stack = [(m, 0) for m in reversed(items)]
    while stack:
        m, depth = stack.pop()
        if depth > MAX_DEPTH:
            return [diag("S232", m.span, depth=str(depth), limit=str(MAX_DEPTH))]
        blocks = _children(m)
        # a table's rows and columns stand one level below its ``rows`` and ``columns`` lines
        for name, block in reversed(blocks.items()):
            below = depth + (2 if name in ("columns", "rows") else 1)
            stack.extend((sub, below) for sub in reversed(block))
    return []


def edits_without_base(spec: ast.SpecFile) -> list[Diagnostic]:
    """Edits are only meaningful in a spec that extends another."""
    return [
        diag("S215", entry.span)
        for entry in spec.items
        if isinstance(entry, ast.Remove | ast.Relabel | ast.Replace | ast.Insert)
    ]
