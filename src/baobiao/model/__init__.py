"""AST -> typed model of a form."""

from baobiao.model.types import (
    UNITS,
    AxisNode,
    Condition,
    Form,
    Item,
    ItemKind,
    LinExpr,
    MetaField,
    NarrativeTerm,
    Rule,
    RuleKind,
    Table,
    Term,
    ValueType,
    all_entries,
    value_entries,
)

__all__ = [
    "UNITS",
    "AxisNode",
    "Condition",
    "Form",
    "Item",
    "ItemKind",
    "LinExpr",
    "MetaField",
    "NarrativeTerm",
    "Rule",
    "RuleKind",
    "Table",
    "Term",
    "ValueType",
    "all_entries",
    "value_entries",
]
