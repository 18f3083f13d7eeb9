"""Changes between two forms (`baobiao diff`) and moving a data file to the newer form
(`baobiao migrate`), through the ``carry`` mapping the new spec declares."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from baobiao.instance.load import Instance
from baobiao.instance.narrative import Narrative, Section
from baobiao.instance.values import format_number
from baobiao.model import Form, Rule


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, relabelled, unit, type, rule-added, rule-removed, rule-changed
    id: str
    old: str
    new: str

    def line(self) -> str:
        sign = {"added": "+", "rule-added": "+", "removed": "-", "rule-removed": "-"}.get(self.kind, "~")
        detail = f"{self.old} -> {self.new}" if self.old and self.new else (self.new or self.old)
        return f"{sign} {self.kind:<13} {self.id}: {detail}"


def _base(rule_id: str) -> str:
    return rule_id.split("@", 1)[0]


def _rule_text(form: Form, rule: Rule) -> str:
    def side(expr: Any) -> str:
        return " + ".join(f"{t.coef}×{t.id}" if t.coef != 1 else t.id for t in expr.terms) or "0"

    return f"{side(rule.left)} {rule.op} {side(rule.right)} [{rule.severity.value}]"


def diff(old: Form, new: Form) -> list[Change]:
    changes: list[Change] = []
    old_items, new_items = {i.id: i for i in old.items}, {i.id: i for i in new.items}
    for item_id, item in new_items.items():
        if item_id not in old_items:
            if not (item.aliases and item.parent not in old_items):  # a new row's cells go with it
                changes.append(Change("added", item_id, "", new.path(item_id)))
            continue
        before = old_items[item_id]
        if before.label != item.label:
            changes.append(Change("relabelled", item_id, before.label, item.label))
        if before.unit != item.unit:
            changes.append(Change("unit", item_id, before.unit or "", item.unit or ""))
        if before.value_type != item.value_type:
            changes.append(Change("type", item_id, str(before.value_type), str(item.value_type)))
    changes += [
        Change("removed", i, old.path(i), "")
        for i, item in old_items.items()
        if i not in new_items and not (item.aliases and item.parent not in new_items)
    ]
    old_rules: dict[str, list[Rule]] = {}
    new_rules: dict[str, list[Rule]] = {}
    for form, into in ((old, old_rules), (new, new_rules)):
        for r in form.rules:
            into.setdefault(_base(r.id), []).append(r)
    for rule_id, rules in new_rules.items():
        if rule_id not in old_rules:
            changes.append(Change("rule-added", rule_id, "", rules[0].description))
        elif [(_rule_text(old, a), a.description) for a in old_rules[rule_id]] != [
            (_rule_text(new, b), b.description) for b in rules
        ]:
            was, now = old_rules[rule_id][0], rules[0]
            if was.description == now.description:  # the same words: show what changed in the rule
                changes.append(Change("rule-changed", rule_id, _rule_text(old, was), _rule_text(new, now)))
            else:
                changes.append(Change("rule-changed", rule_id, was.description, now.description))
    changes += [Change("rule-removed", i, old_rules[i][0].description, "") for i in old_rules if i not in new_rules]
    return changes


@dataclass(frozen=True)
class Migration:
    values: dict[str, Decimal | None]
    carried: int
    dropped: list[tuple[str, str]]  # (old cell, its label path): no place in the new form
    empty: list[str]  # new cells that received nothing


def migrate(old: Form, new: Form, instance: Instance) -> Migration:
    mapping = dict(new.carries)
    values: dict[str, Decimal | None] = {}
    dropped = []
    for cell_id, cell in instance.values.items():
        target = mapping.get(cell_id, cell_id)
        item = new.get(target)
        if item is None or not item.has_value or (old.get(cell_id) and old.item(cell_id).unit != item.unit):
            dropped.append((cell_id, old.path(cell_id)))
            continue
        values[target] = cell.number
    empty = [i.id for i in new.indicators if i.id not in values]
    return Migration(values, len(values), dropped, empty)


def _narrative(n: Narrative) -> dict[str, Any]:
    def section(s: Section) -> dict[str, Any]:
        out: dict[str, Any] = {"heading": s.heading.text, "paragraphs": [p.text for p in s.paragraphs]}
        if s.tables:
            out["tables"] = [t.text for t in s.tables]
        if s.subsections:
            out["subsections"] = [section(x) for x in s.subsections]
        return out

    doc: dict[str, Any] = {}
    if n.title:
        doc["title"] = [p.text for p in n.title]
    if n.preamble:
        doc["preamble"] = [p.text for p in n.preamble]
    if n.sections:
        doc["sections"] = [section(s) for s in n.sections]
    for key in ("attachment", "signature", "date"):
        para = getattr(n, key)
        if para is not None:
            doc[key] = para.text
    return doc


def migrated_yaml(old: Form, new: Form, instance: Instance, migration: Migration) -> str:
    meta = dict(instance.meta) | {"form": new.id}
    values = {i: (format_number(v) if v is not None else "") for i, v in migration.values.items()}
    values |= {i: "" for i in migration.empty}
    doc: dict[str, Any] = {"meta": meta, "values": values}
    narrative = _narrative(instance.narrative)
    if narrative:
        doc["report"] = narrative
    lines = [f"# migrated by baobiao from {old.id} to {new.id}; cells left blank had no value to carry"]
    lines += [f"# not carried over: {path} [{cell}]" for cell, path in migration.dropped]
    return "\n".join(lines) + "\n" + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
