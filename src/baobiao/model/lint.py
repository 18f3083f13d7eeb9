"""`baobiao lint`: what the rules of a form say about themselves, by linear programming.

- rules that contradict each other (no data can satisfy them): an error, also for `check`;
- cells the rules allow to be 0 only;
- rules implied by the others (redundant);
- indicators that no rule and no narrative term uses (every template shows every table).
Rules that depend on the agency's level or on last year are left out: they need data.

The analysis has a time budget (``DEFAULT_BUDGET`` seconds; None: none). Whether the rules
contradict each other is always decided; the rest stops at the budget, and a note (S236) says
what was left unfinished.
"""

from __future__ import annotations

import time

from baobiao.diagnostics.core import Diagnostic, Related, diag
from baobiao.model.types import Form, Rule

DEFAULT_BUDGET = 2.0  # seconds


def _zero_satisfies(rule: Rule) -> bool:
    """Whether all cells at 0 satisfy the rule (no constant, no strict comparison)."""
    return rule.left.constant == rule.right.constant and rule.op in ("=", "<=", ">=")


def _deadline(budget: float | None) -> float | None:
    return None if budget is None else time.monotonic() + budget


def contradictions(form: Form, budget: float | None = DEFAULT_BUDGET) -> list[Diagnostic]:
    """Rules that no data satisfies together. Rules that all-zero data satisfies cannot
    contradict each other, so most specs need no linear program (nor scipy) here. Whether they
    contradict is always decided; the budget bounds only the search for the fewest rules that do."""
    return _contradictions(form, _deadline(budget))[0]


def _contradictions(form: Form, deadline: float | None) -> tuple[list[Diagnostic], bool]:
    if not form.indicators or all(_zero_satisfies(r) for r in form.rules):
        return [], True
    from baobiao.model.linear import conflict, linear_system

    rules, complete = conflict(linear_system(form, {}), deadline)
    if not rules:
        return [], True
    first = rules[0]
    found = diag(
        "S218",
        first.span,
        rules="、".join(f"{r.id}（{r.description}）" for r in rules),
        related=[Related(r.span, "rule-declared") for r in rules[1:] if r.span is not None],
    )
    return [found], complete


def lint(form: Form, budget: float | None = DEFAULT_BUDGET) -> list[Diagnostic]:
    """Every finding of the analysis, within ``budget`` seconds (None: no limit)."""
    from baobiao.model.linear import forced_zero, linear_system, redundant

    deadline = _deadline(budget)
    found, complete = _contradictions(form, deadline)
    unfinished: list[tuple[str, str]] = []
    if not complete:
        unfinished.append(("列出的互相矛盾的规则未必都必要", "the contradicting rules listed may not all be needed"))
    if found or not form.indicators:
        return found + _stopped(budget, unfinished)
    system = linear_system(form, {})
    zero, zero_complete = forced_zero(system, deadline)
    if not zero_complete:
        unfinished.append(("只能为 0 的栏目没有找全", "not every cell was tested for being 0 only"))
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
    rules, tried = redundant(system, deadline)
    total = len(system.rules)
    if tried < total:
        unfinished.append(
            (
                f"只检查了 {tried}/{total} 条规则是否多余",
                f"{tried} of {total} rules were tested for being implied by the others",
            )
        )
    for rule in rules:
        found.append(diag("S220", rule.span, rule_id=rule.id, description=rule.description))
    used = {i for r in form.rules for i in (*r.ids, *r.previous_ids)} | {
        t.id for term in form.terms for t in term.expr.terms
    }
    for item in form.indicators:
        if item.id not in used:
            found.append(diag("S221", item.span, name=form.path(item.id), id=item.id))
    return found + _stopped(budget, unfinished)


def _stopped(budget: float | None, unfinished: list[tuple[str, str]]) -> list[Diagnostic]:
    if not unfinished:
        return []
    return [
        diag(
            "S236",
            None,
            budget=f"{budget:g}",
            done="；".join(zh for zh, _ in unfinished),
            done_en="; ".join(en for _, en in unfinished),
        )
    ]
