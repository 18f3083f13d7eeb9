"""AST -> typed model of a form."""

from baobiao.model.types import (
    UNITS,
    Form,
    Item,
    ItemKind,
    LinExpr,
    Rule,
    RuleKind,
    Term,
    ValueType,
)

__all__ = [
    "UNITS",
    "Form",
    "Item",
    "ItemKind",
    "LinExpr",
    "Rule",
    "RuleKind",
    "Term",
    "ValueType",
]
