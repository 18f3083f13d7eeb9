"""AST -> typed model of a form."""

from baobiao.model.types import (
    UNITS,
    Condition,
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
    "Condition",
    "Form",
    "Item",
    "ItemKind",
    "LinExpr",
    "Rule",
    "RuleKind",
    "Term",
    "ValueType",
]
