"""Checked instance -> render context: one plain structure (strings, numbers, lists, dicts)
for every back-end. Everything is computed here — figures, numbering, table grids with their
merges — so that templates only loop and print."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from baobiao.diagnostics.core import Diagnostic, sorted_diagnostics
from baobiao.diagnostics.render import message
from baobiao.instance.keys import KeyIndex
from baobiao.instance.load import Instance
from baobiao.instance.narrative import Para, Section
from baobiao.instance.paragraph import namespace, render_para
from baobiao.instance.values import format_number
from baobiao.labels import bare
from baobiao.model import Form, Table
from baobiao.report.charts import Charts, in_context
from baobiao.report.layout import by_section, combinable, grid, section_grid
from baobiao.report.outline import default_narrative

_DIGITS = "零一二三四五六七八九"
_FIGURE = re.compile(r"\{\{.*?\}\}", re.S)
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.、．])"
)


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (section numbers)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def numbered(level: int, n: int, heading: str) -> str:
    """一、 / （一） / 1. before a heading, unless it is numbered already."""
    if _NUMBERED.match(heading):
        return heading.strip()
    prefix = {1: f"{chinese_numeral(n)}、", 2: f"（{chinese_numeral(n)}）"}.get(level, f"{n}.")
    return prefix + heading.strip()


@dataclass(frozen=True, slots=True)
class RenderInput:
    form: Form
    instance: Instance
    draft: bool = False
    lang: str = "zh"
    today: date | None = None  # the date a report without one is signed (default: today)
    charts: Charts | None = None  # charts drawn for the report (report.charts.make_charts): shown after their tables


class _Builder:
    def __init__(self, given: RenderInput) -> None:
        self.form = given.form
        self.instance = given.instance
        numbers: dict[str, Decimal | None] = {i.id: self._number(i.id) for i in self.form.indicators}
        self.names = namespace(self.form, numbers)
        self.placed: set[str] = set()
        self._keys: KeyIndex | None = None
        self.charts = in_context(self.form, self.instance, given.charts)

    def _number(self, item_id: str) -> Decimal | None:
        given = self.instance.values.get(item_id)
        return given.number if given is not None else None

    def value(self, item_id: str) -> str:
        number = self._number(item_id)
        return format_number(number) if number is not None else ""

    def text(self, para: Para) -> str:
        """The paragraph with its figures filled in (its problems are the check's findings)."""
        return render_para(para, self.names)[0]

    def table(self, table: Table, caption: str | None = None, heading: str = "") -> dict[str, Any]:
        """A table's grid; ``show_caption`` is false where the section heading above says it."""
        self.placed.add(table.id)
        g = grid(self.form, table, self.value)
        shown = caption or table.label
        return {
            "id": table.id,
            "caption": shown,
            "show_caption": _bare(shown) != _bare(heading),
            "notes": list(table.notes[1:] if table.rows else table.notes) if table.columns else list(table.notes),
            "charts": list(self.charts["charts_after"].get(table.id, [])),  # ids of the charts that follow it
            **g.as_dict(),
        }

    def blocks(self, tables: Sequence[Table], heading: str = "") -> list[dict[str, Any]]:
        """Tables as printed: the tables of one section heading that print as one (table 二:
        combinable) as one table captioned by the heading, any other table alone."""
        out: list[dict[str, Any]] = []
        for parent, group in by_section(self.form, tables):
            if parent is not None and combinable(group):
                self.placed.update(t.id for t in group)
                label = self.form.item(parent).label
                g = section_grid(group, self.value)
                charts = [c for t in group for c in self.charts["charts_after"].get(t.id, [])]
                out.append(
                    {"id": parent, "caption": label, "show_caption": _bare(label) != _bare(heading), "notes": []}
                    | {"charts": charts}
                    | g.as_dict()
                )
            else:
                out.extend(self.table(t, heading=heading) for t in group)
        return out

    def tables_for(self, refs: Sequence[Para], heading: str = "") -> list[dict[str, Any]]:
        """Tables a section shows: named by a table's id or label, or by a heading holding tables
        (a name that is none of these is the check's finding, and shows nothing)."""
        if self._keys is None:  # one index for every section of the report
            self._keys = KeyIndex(self.form)
        keys = self._keys
        out: list[dict[str, Any]] = []
        for ref in refs:
            ids = set(keys.resolve(ref.text).ids)
            owners = [
                t for t in self.form.tables if t.id and ({t.id} | {a.id for a in self.form.ancestors(t.id)}) & ids
            ]
            if len(ids) == 1:
                out.extend(self.blocks(owners, heading))
        return out

    def section(self, section: Section, level: int, n: int) -> dict[str, Any]:
        heading = self.text(section.heading)
        title = numbered(level, n, heading)
        return {
            "title": title,
            "level": level,
            "paragraphs": [self.text(p) for p in section.paragraphs],
            "tables": self.tables_for(section.tables, title),
            "subsections": [self.section(s, level + 1, i) for i, s in enumerate(section.subsections, start=1)],
        }


def build_context(given: RenderInput) -> dict[str, Any]:
    """The render context: plain data for the back-ends. Pure: problems in the narrative are
    the check's findings (instance.textcheck)."""
    b = _Builder(given)
    meta = dict(given.instance.meta)
    agency = meta.get("agency", "")
    year = meta.get("year", "")
    narrative = given.instance.narrative
    if not narrative.sections:  # a data file without text: the format's outline (report.outline)
        outline = default_narrative(given.form, str(agency), str(year))
        stated = tuple(_stated(s, b.names) for s in outline.sections)
        narrative = replace(
            outline, title=narrative.title, sections=stated, signature=narrative.signature, date=narrative.date
        )
    title = _title([b.text(p) for p in narrative.title], str(agency), str(year))
    sections = [b.section(s, 1, i) for i, s in enumerate(narrative.sections, start=1)]
    attachment = b.text(narrative.attachment) if narrative.attachment else None
    rest = [t for t in given.form.tables if t.id not in b.placed]
    appendix = b.blocks(rest)
    if attachment and appendix:
        appendix[0] |= {"caption": attachment, "show_caption": True}
    signed = given.today or date.today()
    context: dict[str, Any] = {
        "form": {"id": given.form.id, "title": given.form.title, "version": given.form.version or ""},
        "meta": meta,
        "agency": agency,
        "year": year,
        "title": title,
        "preamble": [b.text(p) for p in narrative.preamble],
        "sections": sections,
        "attachment": attachment,
        "signature": b.text(narrative.signature) if narrative.signature else agency,
        "date": b.text(narrative.date) if narrative.date else f"{signed.year}年{signed.month}月{signed.day}日",
        "appendix": appendix,
        "tables": [*(t for s in sections for t in _all_tables(s)), *appendix],
        "values": {i.id: b.value(i.id) for i in given.form.indicators},
        "draft": given.draft,
        "draft_mark": "草稿（未通过校验）" if given.draft else "",
        "findings": [],  # filled in with describe_findings once every stage has spoken
        "charts": b.charts["charts"],  # each chart's figures, by id (report.charts)
        "chart": b.charts["chart"],  # chart("applicants") in a template: the chart, when drawn
    }
    return context


def printed_tables(given: RenderInput, table_ids: Sequence[str], heading: str = "") -> list[dict[str, Any]]:
    """The tables ``table_ids`` as the back-ends print them (blocks combined as in a section),
    for a Word template that places them itself (report.authoring); ``heading``: the text just
    above them, whose table goes without its caption."""
    wanted = set(table_ids)
    return _Builder(given).blocks([t for t in given.form.tables if t.id in wanted], heading)


def describe_findings(findings: Sequence[Diagnostic], lang: str) -> list[dict[str, str]]:
    """Findings as a draft report lists them."""
    return [
        {
            "severity": {"error": "错误", "warning": "警告", "note": "说明"}[d.severity.value]
            if lang == "zh"
            else d.severity.value,
            "code": d.code,
            "message": message(d, lang),
            "where": (f"{d.span.file}:{d.span.line}" if d.span else (d.data_path or "")),
        }
        for d in sorted_diagnostics(findings)
    ]


def _bare(text: str) -> str:
    return bare(text) if text else ""


def _stated(section: Section, names: Mapping[str, Any]) -> Section:
    """An outline's section without the sentences that would state a blank figure ("收到申请件")."""
    paragraphs = tuple(
        p
        for p in section.paragraphs
        if all(render_para(Para(f, p.path, None), names)[0] for f in _FIGURE.findall(p.text))
    )
    return replace(section, paragraphs=paragraphs, subsections=tuple(_stated(s, names) for s in section.subsections))


def _title(lines: list[str], agency: str, year: str) -> list[str]:
    """The title as the format prints it: the agency on a line of its own, then
    "2021年政府信息公开工作年度报告" (年, not 年度: 年度报告 follows)."""
    if not lines:
        return [x for x in (agency, f"{year}年政府信息公开工作年度报告" if year else "政府信息公开工作年度报告") if x]
    if len(lines) == 1 and agency and lines[0].startswith(agency) and lines[0] != agency:
        return [agency, lines[0][len(agency) :].strip()]
    return lines


def _all_tables(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = list(section["tables"])
    for sub in section["subsections"]:
        out.extend(_all_tables(sub))
    return out
