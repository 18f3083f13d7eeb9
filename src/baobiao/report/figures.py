"""Narrative against table: figures the text states next to a spec's narrative terms are
compared with the table, and a contradiction is a warning that quotes the sentence.

A figure counts for a term when it stands in the same clause, after the term, with the term's
unit (件 and 条 are taken as the same: reports say both for applications). Only the spec's
terms are matched, so a figure about a similar but different category is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from baobiao.diagnostics.core import Cell, Diagnostic, diag
from baobiao.instance.narrative import Para
from baobiao.instance.typos import KINDS, typo
from baobiao.instance.values import format_number
from baobiao.model import Form, NarrativeTerm

_SENTENCES = re.compile(r"[^。；！？\n]+[。；！？]?")
_CLAUSE_BREAK = re.compile(r"[，,；;：:]")
_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(人次|万元|条|件|次|篇|个|项|人|元)")
_SAME_UNIT = {"条": "件", "件": "件"}


def _value(term: NarrativeTerm, number: Mapping[str, Decimal | None]) -> Decimal | None:
    total = term.expr.constant
    for t in term.expr.terms:
        v = number.get(t.id)
        if v is None:
            return None
        total += t.coef * v
    return total


def _unit_matches(term: NarrativeTerm, unit: str) -> bool:
    return term.unit is None or _SAME_UNIT.get(term.unit, term.unit) == _SAME_UNIT.get(unit, unit)


def contradictions(form: Form, number: Mapping[str, Decimal | None], texts: list[tuple[Para, str]]) -> list[Diagnostic]:
    """Warnings for figures in the (rendered) paragraphs that contradict the table."""
    terms = sorted(form.terms, key=lambda t: -len(t.words))
    found: list[Diagnostic] = []
    for para, text in texts:
        for sentence in _SENTENCES.findall(text):
            for clause in _CLAUSE_BREAK.split(sentence):
                taken: set[int] = set()
                for term in terms:
                    at = clause.find(term.words)
                    if at < 0 or at in taken:
                        continue
                    taken.update(range(at, at + len(term.words)))
                    figure = next(
                        (m for m in _FIGURE.finditer(clause, at + len(term.words)) if _unit_matches(term, m.group(2))),
                        None,
                    )
                    table = _value(term, number)
                    if figure is None or table is None:
                        continue
                    stated = Decimal(figure.group(1).replace(",", ""))
                    if stated == table:
                        continue
                    found.append(_finding(form, term, para, sentence.strip(), stated, table, figure.group(2), number))
    return found


def _finding(
    form: Form,
    term: NarrativeTerm,
    para: Para,
    sentence: str,
    stated: Decimal,
    table: Decimal,
    unit: str,
    number: Mapping[str, Decimal | None],
) -> Diagnostic:
    slip = typo(stated, table)
    parts = " + ".join(form.item(t.id).label for t in term.expr.terms)
    cells = [
        Cell(t.id, form.item(t.id).label, form.path(t.id), format_number(v) if (v := number.get(t.id)) else None)
        for t in term.expr.terms
    ]
    return diag(
        "C411",
        para.span,
        data_path=para.path,
        cells=cells,
        sentence=sentence,
        words=term.words,
        stated=f"{format_number(stated)}{unit}",
        table=format_number(table),
        parts=parts,
        slip=f"可能是笔误（{KINDS[slip][0]}）：{format_number(stated)} → {format_number(table)}。" if slip else "",
        slip_en=f"maybe a typo ({KINDS[slip][1]}): {format_number(stated)} -> {format_number(table)}. " if slip else "",
    )
