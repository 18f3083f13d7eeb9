"""`baobiao lint`: what the rules of a form say about themselves, by linear programming.

- rules that contradict each other (no data can satisfy them): an error, also for `check`;
- cells the rules allow to be 0 only;
- rules implied by the others (redundant);
- indicators that no rule and no narrative term uses (every template shows every table).
Rules that depend on the agency's level or on last year are left out: they need data.
"""

from __future__ import annotations

from baobiao.diagnostics.core import Diagnostic, Related, diag
from baobiao.model.types import Form, Rule


def _zero_satisfies(rule: Rule) -> bool:
    """Whether all cells at 0 satisfy the rule (no constant, no strict comparison)."""
    return rule.left.constant == rule.right.constant and rule.op in ("=", "<=", ">=")


def contradictions(form: Form) -> list[Diagnostic]:
    """Rules that no data satisfies together. Rules that all-zero data satisfies cannot
    contradict each other, so most specs need no linear program (nor scipy) here."""
    if not form.indicators or all(_zero_satisfies(r) for r in form.rules):
        return []
    from baobiao.model.linear import conflict, linear_system

    rules = conflict(linear_system(form, {}))
    if not rules:
        return []
    first = rules[0]
    return [
        diag(
            "S218",
            first.span,
            rules="、".join(f"{r.id}（{r.description}）" for r in rules),
            related=[Related(r.span, "rule-declared") for r in rules[1:] if r.span is not None],
        )
    ]


def lint(form: Form) -> list[Diagnostic]:
    from baobiao.model.linear import forced_zero, linear_system, redundant

    found = contradictions(form)
    if found or not form.indicators:
        return found
    system = linear_system(form, {})
    zero = forced_zero(system)
    if zero:
        everything = len(zero) == len(system.ids)
        found.append(
            diag(
                "S219",
                form.item(zero[0]).span,
                count=str(len(zero)),
                cell_list="、".join(form.path(c) for c in zero[:12]),
                all="（全部栏目）" if everything else "",
                all_en=" (every cell)" if everything else "",
            )
        )
    for rule in redundant(system):
        found.append(diag("S220", rule.span, rule_id=rule.id, description=rule.description))
    used = {i for r in form.rules for i in (*r.ids, *r.previous_ids)} | {
        t.id for term in form.terms for t in term.expr.terms
    }
    for item in form.indicators:
        if item.id not in used:
            found.append(diag("S221", item.span, name=form.path(item.id), id=item.id))
    return found
