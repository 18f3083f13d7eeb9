"""The summary workbook of an audit (`baobiao audit --summary FILE.xlsx`): one row per report
(agency, year, form, errors, warnings, text contradictions, tables not found, the report of
the year before it was checked with), and one sheet of every finding, each with a link to its
report. Every text goes in through instance.workbook.text_cell: never a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from baobiao.audit.run import Audited
from baobiao.diagnostics.codes import PHRASES
from baobiao.diagnostics.core import Severity
from baobiao.diagnostics.render import message
from baobiao.instance.workbook import text_cell

#: the codes of a statement in the text that the tables contradict
TEXT_CODES = frozenset({"C411", "C415", "C416", "C417", "C418"})
#: a table of the form the report leaves out
TABLE_NOT_FOUND = "A101"

_HEADS = {
    "zh": (
        ("报告", "文件", "机关", "年度", "表式", "错误", "警告", "正文与表不符", "未找到的表", "上年报告"),
        ("问题", "文件", "代码", "级别", "栏目", "说明"),
    ),
    "en": (
        (
            "reports",
            "file",
            "agency",
            "year",
            "form",
            "errors",
            "warnings",
            "text contradictions",
            "tables not found",
            "last year's report",
        ),
        ("findings", "file", "code", "severity", "cells", "message"),
    ),
}


def summary_workbook(audited: Sequence[Audited], lang: str = "zh") -> bytes:
    """The workbook's bytes."""
    reports_head, findings_head = _HEADS["zh" if lang == "zh" else "en"]
    wb = Workbook()
    ws = wb.active
    ws.title = reports_head[0]
    _heading(ws, reports_head[1:])
    for row, item in enumerate(audited, start=2):
        found = item.report.diagnostics
        cells = (
            str(item.path),
            item.meta.get("agency", ""),
            item.meta.get("year", ""),
            item.form or "",
            sum(1 for d in found if d.severity is Severity.ERROR),
            sum(1 for d in found if d.severity is Severity.WARNING),
            sum(1 for d in found if d.code in TEXT_CODES),
            sum(1 for d in found if d.code == TABLE_NOT_FOUND),
            str(item.previous) if item.previous is not None else "",
        )
        for col, value in enumerate(cells, start=1):
            if isinstance(value, int):
                ws.cell(row, col, value)
            else:
                text_cell(ws, row, col, value)
        ws.cell(row, 1).hyperlink = item.path.resolve().as_uri()
    findings = wb.create_sheet(findings_head[0])
    _heading(findings, findings_head[1:])
    row = 2
    for item in audited:
        link = item.path.resolve().as_uri()  # once a report, not once a finding
        for d in item.report.diagnostics:
            text_cell(findings, row, 1, str(item.path)).hyperlink = link
            text_cell(findings, row, 2, d.code)
            text_cell(findings, row, 3, PHRASES[d.severity.value]["zh" if lang == "zh" else "en"])
            text_cell(findings, row, 4, "；".join(c.path for c in d.cells))
            text_cell(findings, row, 5, message(d, lang))
            row += 1
    for sheet, widths in ((ws, (40, 30, 8, 22, 8, 8, 14, 12, 40)), (findings, (40, 8, 10, 40, 80))):
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[chr(64 + col)].width = width
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _heading(ws: object, heads: Sequence[str]) -> None:
    for col, head in enumerate(heads, start=1):
        text_cell(ws, 1, col, head).font = Font(bold=True)
