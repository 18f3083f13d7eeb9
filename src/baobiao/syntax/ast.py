"""The abstract syntax tree: what was written, with a span on every node. Frozen and slotted."""

from __future__ import annotations

from dataclasses import dataclass, field

from baobiao.source import Span


@dataclass(frozen=True, slots=True)
class Ident:
    text: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Text:
    """A quoted string, unescaped."""

    value: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Number:
    text: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Version:
    value: Text
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Years:
    start: Number
    end: Number | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Note:
    text: Text
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Extends:
    """``extends gov-disclosure-2019`` (a built-in name) or ``extends "base.spec"`` (a path)."""

    base: str
    is_path: bool
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class MetaDecl:
    """``meta level "机关层级" in "国务院部门", ...``: the values a field of the data's meta may take.
    The values keep their spans, so ``fmt`` keeps a long list's line breaks."""

    name: Ident
    label: Text
    values: tuple[Text, ...]
    span: Span = field(compare=False)


FormAttr = Version | Years | Note | Extends | MetaDecl


@dataclass(frozen=True, slots=True)
class FormHeader:
    id: Ident
    title: Text
    attrs: tuple[FormAttr, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class ValueTypeDecl:
    signed: bool
    decimals: Number | None  # None: integer
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class SumDecl:
    """``= sum`` (parts: None, the items below) or ``= sum of a, b``."""

    parts: tuple[Ident, ...] | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Formerly:
    """A label the item had in an earlier form."""

    label: Text
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class IndicatorDecl:
    is_part: bool  # written with 其中
    id: Ident
    label: Text
    unit: Ident | None
    value_type: ValueTypeDecl | None
    relation: SumDecl | None
    members: tuple[Member, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class SectionDecl:
    id: Ident
    label: Text
    members: tuple[Member, ...]
    span: Span = field(compare=False)


# -- rule expressions ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    name: Ident
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class PreviousRef:
    """``previous(x)``: the value of x in last year's data."""

    name: Ident
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class SumRef:
    name: Ident
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Const:
    value: Number
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Scaled:
    factor: Number
    operand: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Negated:
    operand: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Chain:
    """``a + b - c``: terms added or subtracted, left to right. Flat however long the chain, so
    that no walk over an expression goes deeper than its parentheses."""

    first: Expr
    rest: tuple[tuple[str, Expr], ...]  # ("+" or "-", term), at least one
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class CellRef:
    """``row.column``: one cell of a matrix (in narrative terms)."""

    row: Ident
    column: Ident
    span: Span = field(compare=False)


Expr = Ref | SumRef | PreviousRef | CellRef | Const | Scaled | Negated | Chain


@dataclass(frozen=True, slots=True)
class Constraint:
    left: Expr
    op: str
    right: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Condition:
    """``when level in "县级", "乡镇"`` (``negated``: ``not in``), over a field of the data's meta."""

    key: Ident
    negated: bool
    values: tuple[Text, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class RuleDecl:
    id: Ident
    severity: str | None  # "error" / "warning"; None = error
    description: Text
    constraint: Constraint
    span: Span = field(compare=False)
    condition: Condition | None = None


@dataclass(frozen=True, slots=True)
class TableDecl:
    """A matrix: the cells are rows × columns; without rows, the columns are the cells."""

    id: Ident
    label: Text
    unit: Ident | None
    value_type: ValueTypeDecl | None
    columns: tuple[Member, ...]
    rows: tuple[Member, ...] | None
    members: tuple[Member, ...]  # rules and notes
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class TermPhrase:
    """``part "维持" = recon_upheld`` / ``all "均获维持" = recon_upheld`` / ``not "咨询"`` under a term."""

    kind: str  # "part", "all" or "not"
    words: tuple[Text, ...]
    expr: Expr | None  # None for "not"
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class TermDecl:
    """``term "微博、微信" 条 = weibo + wechat``: narrative words that state a figure of the table."""

    words: tuple[Text, ...]
    unit: Ident | None
    expr: Expr
    span: Span = field(compare=False)
    phrases: tuple[TermPhrase, ...] = ()


@dataclass(frozen=True, slots=True)
class CarryDecl:
    """``carry old as new``: where `baobiao migrate` puts a value of an earlier form."""

    old: Ident
    new: Ident
    span: Span = field(compare=False)


Member = SectionDecl | IndicatorDecl | RuleDecl | Note | Formerly | TableDecl | TermDecl | CarryDecl
Item = SectionDecl | IndicatorDecl | RuleDecl | TableDecl | TermDecl | CarryDecl


# -- edits of a spec that extends another ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Remove:
    names: tuple[Ident, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Relabel:
    name: Ident
    label: Text
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Replace:
    name: Ident
    items: tuple[Item, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Insert:
    """``add after x`` / ``add before x``."""

    name: Ident
    after: bool
    items: tuple[Item, ...]
    span: Span = field(compare=False)


Edit = Remove | Relabel | Replace | Insert
TopLevel = Item | Edit


@dataclass(frozen=True, slots=True)
class Comment:
    """A ``#`` comment; ``own_line`` when nothing but the comment is on its line; ``file``: the
    name of the source it is in ("" for the spec's own)."""

    text: str
    line: int
    own_line: bool
    file: str = ""


@dataclass(frozen=True, slots=True)
class SpecFile:
    header: FormHeader
    items: tuple[TopLevel, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False)
    # a tree merged onto the forms it extends (model.extend.merge): their ids, nearest first
    lineage: tuple[str, ...] = field(default=(), compare=False)
