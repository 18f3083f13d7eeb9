"""Write the corpus of published reports in tests/data/published/ (issue 15).

`baobiao audit` reads annual reports as agencies publish them (web pages, Word documents,
PDFs, plain text) and finds the form's tables by their printed labels. This script writes
every document of its test corpus, in the styles real agencies publish, several of them
deliberately ugly, about half with planted mistakes. Each document has an expectation file
NAME.expected.yaml beside it, written by hand (this script never writes them): see the
README.md there.

    .venv/bin/python scripts/make_published_corpus.py

Output is deterministic: the same inputs give the same bytes (zip entries and PDF dates and
ids are fixed). The PDFs are made by LibreOffice (`soffice`), and the scanned one is rendered
with `pdftoppm` (poppler-utils); the same versions give the same files.

Figures come from the example data files (examples/*.yaml) or are made up here, written as
table rows; the text comes from the examples' narratives, or from paragraphs written here.
The layout of each table is the national format's, from baobiao.report.layout.grid; the
HTML, Word and text markup is written here, in the styles of government sites, not by
baobiao's renderer.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import opencc
import yaml
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from baobiao.pipeline import load_data, load_spec
from baobiao.report.layout import grid as layout_grid

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "published"
EXAMPLES = ROOT / "examples"

F2017, F2019, F2021 = "gov-disclosure-2017", "gov-disclosure-2019", "gov-disclosure-2021"

# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

Number = int | Decimal | None
Values = dict[str, Number]

APPLICANTS = ("natural", "commercial", "research", "social", "legal_service", "other_org")
LEGAL = APPLICANTS[1:]
REFUSED = (
    "state_secret",
    "prohibited",
    "three_securities",
    "third_party",
    "internal_affairs",
    "process_info",
    "enforcement_files",
    "query_matters",
)
UNABLE = ("not_held", "needs_making", "still_unclear")
NOT_PROCESSED = ("petitions", "repeated", "publications", "mass_repeated", "confirmation")
OTHER_2021 = ("no_supplement", "fee_unpaid", "other_reason")
RESULTS = {
    F2019: ("public", "partial", *REFUSED, *UNABLE, *NOT_PROCESSED, "other_handling"),
    F2021: ("public", "partial", *REFUSED, *UNABLE, *NOT_PROCESSED, *OTHER_2021),
}
# rows of table 三 whose sum the text may name ("不予公开 N 件")
GROUPS = {"refused": REFUSED, "unable": UNABLE, "not_processed": NOT_PROCESSED, "other_handling": OTHER_2021}


def table3(form: str, new: tuple, carried: tuple, **results: tuple) -> Values:
    """Table 三 from its rows (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他):
    rows not given are all 0; 总计 and （七）总计 are added up, and 四、结转下年度 is what the
    flow leaves (一 + 二 − （七）)."""
    unknown = set(results) - set(RESULTS[form])
    assert not unknown, unknown
    values: Values = {}

    def put(row: str, six: Iterable[int]) -> None:
        six = tuple(six)
        assert len(six) == 6 and min(six) >= 0, (row, six)
        values.update({f"{row}.{c}": v for c, v in zip(APPLICANTS, six, strict=False)})
        values[f"{row}.total"] = sum(six)

    put("new", new)
    put("carried", carried)
    total = [0] * 6
    for row in RESULTS[form]:
        six = results.get(row, (0,) * 6)
        put(row, six)
        total = [a + b for a, b in zip(total, six, strict=False)]
    put("results_total", total)
    put("forward", (n + c - r for n, c, r in zip(new, carried, total, strict=False)))
    return values


def table4(recon: tuple, direct: tuple, review: tuple) -> Values:
    """Table 四 from its three groups (结果维持, 结果纠正, 其他结果, 尚未审结); 总计 added up."""
    values: Values = {}
    for prefix, four in (("recon", recon), ("direct", direct), ("review", review)):
        for name, v in zip(("upheld", "corrected", "other", "pending"), four, strict=False):
            values[f"{prefix}_{name}"] = v
        values[f"{prefix}_total"] = sum(four)
    return values


def table2_2021(guizhang: tuple, normative: tuple, licensing: int, penalty: int, enforcement: int, fees: str) -> Values:
    v: Values = {}
    for row, three in (("guizhang", guizhang), ("normative", normative)):
        v.update({f"{row}.{c}": x for c, x in zip(("issued", "repealed", "in_force"), three, strict=False)})
    v["licensing.licence_decisions"] = licensing
    v["penalty.sanction_decisions"] = penalty
    v["enforcement.sanction_decisions"] = enforcement
    v["fees.fee_amount"] = Decimal(fees)
    return v


def table2_2019(
    guizhang: tuple,
    normative: tuple,
    licensing: tuple,
    other_services: tuple,
    penalty: tuple,
    enforcement: tuple,
    fees: tuple,
    procurement: tuple,
) -> Values:
    v: Values = {}
    for row, three in (("guizhang", guizhang), ("normative", normative)):
        v.update(
            {f"{row}.{c}": x for c, x in zip(("newly_made", "newly_published", "total_published"), three, strict=False)}
        )
    for row, three in (("licensing", licensing), ("other_services", other_services)):
        v.update(
            {
                f"{row}.{c}": x
                for c, x in zip(("licence_previous", "licence_change", "licence_decisions"), three, strict=False)
            }
        )
    for row, three in (("penalty", penalty), ("enforcement", enforcement)):
        v.update(
            {
                f"{row}.{c}": x
                for c, x in zip(("sanction_previous", "sanction_change", "sanction_decisions"), three, strict=False)
            }
        )
    v["fees.fee_previous"], v["fees.fee_change"] = fees
    v["procurement.purchases"] = procurement[0]
    v["procurement.purchase_amount"] = Decimal(procurement[1])
    return v


def old_form(**values: int | str) -> Values:
    """The 2014 statistics table (gov-disclosure-2017), every item by id."""
    ids = [i.id for i in load_spec(F2017).form.indicators]
    assert set(values) == set(ids), set(ids) ^ set(values)
    return {k: Decimal(v) if isinstance(v, str) else v for k, v in values.items()}


def from_example(name: str) -> Values:
    """The figures of an example data file, by cell id."""
    path = EXAMPLES / name
    form_id = yaml.safe_load(path.read_text(encoding="utf-8"))["meta"]["form"]
    instance, problems, _ = load_data(load_spec(form_id).form, path)
    assert instance is not None and not problems, problems
    out: Values = {}
    for cid, cell in instance.values.items():
        n = cell.number
        out[cid] = int(n) if n is not None and n == n.to_integral_value() and "." not in cell.text else n
    return out


def figure(values: Values, expr: str) -> Number:
    """A figure of the text: a cell id, a row of table 三 summed over its group ("refused.total"),
    or a sum/difference of them ("direct_total + review_total")."""
    total: Number = 0
    for sign, name in re.findall(r"([+-]?)\s*([\w.]+)", expr):
        if name in values:
            v = values[name]
        else:
            row, _, col = name.partition(".")
            v = sum(values[f"{r}.{col}"] for r in GROUPS[row] if f"{r}.{col}" in values)
        total = total - v if sign == "-" else total + v
    return total


def number_text(v: Number) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def fill(text: str, values: Values) -> str:
    """The figures of the text from the table: {{ expr }} → its value."""
    return re.sub(r"\{\{\s*(.*?)\s*\}\}", lambda m: number_text(figure(values, m.group(1))), text)


# ---------------------------------------------------------------------------------------------
# Tables as grids of merged cells
# ---------------------------------------------------------------------------------------------


@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    head: bool = False  # a heading or a row label, not a value
    cid: str | None = None  # the cell id of a value
    notes: tuple[str, ...] = ()
    indent: int = 0


@dataclass
class Grid:
    header: list[list[Cell]]
    body: list[list[Cell]]
    width: int

    def rows(self) -> list[list[Cell]]:
        return self.header + self.body


def _cell(g) -> Cell:
    return Cell(g.text, g.rowspan, g.colspan, not g.numeric, g.cell_id, tuple(g.notes), g.indent)


def _layout(form_id: str, table_id: str) -> Grid:
    form = load_spec(form_id).form
    table = next(t for t in form.tables if t.id == table_id)
    g = layout_grid(form, table, lambda cid: "")
    return Grid([[_cell(c) for c in r] for r in g.header], [[_cell(c) for c in r] for r in g.body], g.width)


def table2_grid(form_id: str) -> Grid:
    """Table 二 as it is printed: one table of four columns, a heading row for each item of
    Article 20, then its column headings and rows; a block of fewer columns stretches its last."""
    form = load_spec(form_id).form
    width, body = 4, []
    for table in form.tables:
        if not table.id.startswith("item"):
            continue
        g = _layout(form_id, table.id)
        body.append([Cell(table.label, colspan=width, head=True)])
        for row in g.rows():
            row[-1].colspan += width - sum(c.colspan for c in row)
            body.append(row)
    return Grid([], body, width)


def stats_grid(header: tuple[str, str, str] = ("统计指标", "单位", "统计数")) -> Grid:
    """The 2014 statistics table: label, unit, value; notes are printed under their label."""
    g = _layout(F2017, "")
    return Grid([[Cell(h, head=True) for h in header]], g.body, 3)


def standard_tables(form_id: str) -> dict[str, Grid]:
    if form_id == F2017:
        return {"stats": stats_grid()}
    return {"t2": table2_grid(form_id), "t3": _layout(form_id, "t3"), "t4": _layout(form_id, "t4")}


def positions(rows: list[list[Cell]]) -> list[list[tuple[int, Cell]]]:
    """Each cell with the column it starts in, skipping slots covered from the rows above."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        col, placed = 0, []
        for cell in row:
            while (r, col) in taken:
                col += 1
            placed.append((col, cell))
            taken.update((r + i, col + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            col += cell.colspan
        out.append(placed)
    return out


def split_rows(rows: list[list[Cell]], at: int) -> tuple[list[list[Cell]], list[list[Cell]]]:
    """Cut rows before row `at`: a label merged across the cut ends above it and is printed
    again, for the rows it still covers, below it (as when a table is broken by hand)."""
    pos = positions(rows)
    first = [[replace(c) for c in row] for row in rows[:at]]
    second = [[replace(c) for c in row] for row in rows[at:]]
    carried = []
    for r in range(at):
        for (col, cell), copy in zip(pos[r], first[r], strict=False):
            if r + cell.rowspan > at:
                copy.rowspan = at - r
                carried.append((col, replace(cell, rowspan=r + cell.rowspan - at)))
    if carried:
        second[0] = [
            c
            for _, c in sorted(
                carried + list(zip((p for p, _ in pos[at]), second[0], strict=False)), key=lambda pc: pc[0]
            )
        ]
    return first, second


def find_row(g: Grid, label_start: str) -> int:
    return next(i for i, row in enumerate(g.body) if any(c.head and c.text.startswith(label_start) for c in row))


def relabel(g: Grid, labels: dict[str, str]) -> Grid:
    """Print some labels differently (typos, traditional script, an earlier form's words)."""
    used = set()
    for row in g.rows():
        for c in row:
            if c.head and c.text in labels:
                used.add(c.text)
                c.text = labels[c.text]
    assert used == set(labels), set(labels) - used
    return g


def add_subtotal_rows(g: Grid, groups: dict[str, str]) -> Grid:
    """Table 三 with a 小计 row at the head of some groups: {row id of the group: its label start}."""
    outer = next(c for row in g.body for c in row if c.text.startswith("三、本年度办理结果"))
    for group, label in groups.items():
        i = find_row(g, label)
        row = g.body[i]
        head = row.pop(0)
        head.rowspan += 1
        outer.rowspan += 1
        cols = [c.cid.split(".")[1] for c in row if c.cid]
        g.body.insert(i, [head, Cell("小计", head=True)] + [Cell(cid=f"{group}.{c}") for c in cols])
    return g


def add_legal_column(g: Grid, *, inside: bool) -> Grid:
    """Table 三 with a subtotal column of 法人或其他组织: as its first sub-column 小计
    (inside=True) or as a column 法人或其他组织小计 of its own before 总计."""
    top, middle, bottom = g.header
    top[1].colspan += 1
    if inside:
        middle[1].colspan += 1
        bottom.insert(0, Cell("小计", head=True))
    else:
        middle.insert(2, Cell("法人或其他组织小计", rowspan=2, head=True))
    for row in g.body:
        values = [c for c in row if c.cid]
        rid = values[0].cid.split(".")[0]
        at = row.index(values[1]) if inside else row.index(values[-1])
        row.insert(at, Cell(cid=f"{rid}.legal"))
    g.width += 1
    return g


def legal_subtotals(values: Values, rows: Iterable[str]) -> Values:
    return {f"{r}.legal": sum(values[f"{r}.{c}"] for c in LEGAL) for r in rows}


def group_subtotals(values: Values, groups: Iterable[str]) -> Values:
    return {f"{g}.{c}": figure(values, f"{g}.{c}") for g in groups for c in (*APPLICANTS, "total")}


# ---------------------------------------------------------------------------------------------
# A report: its figures, its text as blocks, its tables
# ---------------------------------------------------------------------------------------------

Block = tuple[str, str]  # ("title"|"h1"|"h2"|"p"|"table"|"sign"|"date", text or table key)


@dataclass
class Report:
    stem: str
    form: str
    agency: str
    year: int
    values: Values
    blocks: list[Block]
    tables: dict[str, Grid]
    printed: dict[str, str] = field(default_factory=dict)  # cells printed other than as their figure
    unit: Callable[[str, Number], str] | None = None  # how a figure is printed, when not plain

    def cell_text(self, cid: str) -> str:
        if cid in self.printed:
            return self.printed[cid]
        v = self.values[cid]
        return self.unit(cid, v) if self.unit else number_text(v)

    def plant(self, old: str, new: str) -> None:
        """A planted slip in the text: `old` must be there (once)."""
        hits = [i for i, (_, t) in enumerate(self.blocks) if old in t]
        assert len(hits) == 1, (self.stem, old, hits)
        kind, text = self.blocks[hits[0]]
        self.blocks[hits[0]] = (kind, text.replace(old, new))


def _report_yaml(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))["report"]


CD = _report_yaml("county-dept-2021.yaml")  # 某某县市场监督管理局 2021 (2021 form)
CG = _report_yaml("city-gov-2019.yaml")  # 某某市人民政府 2019 (2019 form)
FAO = _report_yaml("shandong-fao-2017.yaml")  # 山东省人民政府外事办公室 2017 (the seed)


def _sec(report: dict, i: int, j: int | None = None) -> list[str]:
    s = report["sections"][i]
    return s["subsections"][j]["paragraphs"] if j is not None else s.get("paragraphs", [])


@dataclass
class Voice:
    """Who speaks in a text: the words that change from agency to agency."""

    who: str  # 我局 / 我区 / 我市 / 我厅
    whole: str  # 全局 / 全区 / 全市
    portal: str  # 区政府门户网站
    hall: str = "政务服务中心"
    units: str = "科室"  # a government's: 各乡镇和县直部门; a department's, without 各: 处室、直属单位


def _years(text: str, base: int, year: int) -> str:
    return re.sub(r"(20\d\d)年", lambda m: f"{int(m.group(1)) - base + year}年", text)


def _voice(text: str, pairs: Iterable[tuple[str, str]]) -> str:
    for old, new in pairs:
        text = text.replace(old, new)
    return text


def city_words(agency: str, v: Voice) -> list[tuple[str, str]]:
    """How 某某市人民政府's text (examples/city-gov-2019.yaml) reads for another government."""
    return [
        ("某某市人民政府门户网站", v.portal),
        ("某某市人民政府", agency),
        ("市政府门户网站", v.portal),
        ("市政务服务中心、市档案馆、市图书馆", v.hall + "、档案馆、图书馆"),
        ("各县（市、区）和市直部门", v.units),
        ("我市", v.who),
        ("全市", v.whole),
    ]


def dept_words(agency: str, v: Voice) -> list[tuple[str, str]]:
    """How 某某县市场监督管理局's text (examples/county-dept-2021.yaml) reads for another department."""
    return [
        ("某某县人民政府门户网站", v.portal),
        ("某某县市场监督管理局", agency),
        ("县政府门户网站", v.portal),
        ("我局", v.who),
        ("股室、市场监管所", v.units),
        ("局办事大厅", v.hall),
    ]


PREAMBLE_2021 = CD["preamble"]  # 国办公开办函〔2021〕30号
PREAMBLE_2019 = CG["preamble"]  # 国办公开办函〔2019〕60号
FEE_LINE = "本年度未收取信息处理费。"
NO_CASES = "本年度未发生因政府信息公开工作引起的行政复议、行政诉讼。"

# paragraphs written here (the "B" text), for a second year of the same agency that is not a copy
B = {
    "preamble_2021": "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
    "（国办公开办函〔2021〕30号）要求，由{agency}编制。报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    "如对本报告有疑问，请与{agency}办公室联系。",
    "preamble_2019": "根据《中华人民共和国政府信息公开条例》（国务院令第711号）和《国务院办公厅政府信息与政务公开办公室"
    "关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）要求，{agency}编制了{year}年政府信息公开"
    "工作年度报告。报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "intro": "{year}年，{who}深入贯彻落实《中华人民共和国政府信息公开条例》，紧紧围绕中心工作，以制度建设为抓手，"
    "持续深化政务公开，不断提升政府信息公开的规范化、标准化水平。",
    "active_2021": "全年公开行政许可决定{{{{ licensing.licence_decisions }}}}件、行政处罚决定{{{{ penalty.sanction_decisions }}}}件。"
    "现行有效的行政规范性文件{{{{ normative.in_force }}}}件已全部在门户网站“政策文件”栏目集中公开。",
    "active_2019": "全年新制作并公开规范性文件{{{{ normative.newly_published }}}}件，对外公开规范性文件累计"
    "{{{{ normative.total_published }}}}件；公开行政许可处理决定{{{{ licensing.licence_decisions }}}}件、"
    "行政处罚处理决定{{{{ penalty.sanction_decisions }}}}件。",
    "request": "{year}年，{who}共收到政府信息公开申请{{{{ new.total }}}}件，上年结转{{{{ carried.total }}}}件。"
    "从申请人类型看，自然人提出申请{{{{ new.natural }}}}件，法人或其他组织提出申请{{{{ new.total - new.natural }}}}件。"
    "所有申请均严格按照《条例》规定的程序和时限办理。",
    "manage": "健全政府信息公开属性源头认定、保密审查和发布审核机制，拟公开的政府信息一律经过“三审”后方可发布，"
    "全年未发生泄密和不当公开事件。",
    "platform": "优化门户网站政府信息公开专栏，按照法定主动公开内容调整栏目设置；同步运用政务新媒体发布政策解读、"
    "办事指南等信息，在{hall}设置政府信息公开查阅点，方便群众查阅。",
    "supervise": "把政府信息公开工作纳入年度绩效考核，组织开展政务公开业务培训，邀请群众代表参与政务公开社会评议；"
    "全年未发生政府信息公开工作责任追究情况。",
    "t3": "本年度共答复政府信息公开申请{{{{ results_total.total }}}}件。其中，予以公开{{{{ public.total }}}}件，"
    "部分公开{{{{ partial.total }}}}件，不予公开{{{{ refused.total }}}}件，无法提供{{{{ unable.total }}}}件，"
    "不予处理{{{{ not_processed.total }}}}件，其他处理{{{{ other_handling.total }}}}件；"
    "结转下年度继续办理{{{{ forward.total }}}}件。",
    "t4": "本年度{who}因政府信息公开工作被申请行政复议{{{{ recon_total }}}}件，被提起行政诉讼"
    "{{{{ direct_total + review_total }}}}件（其中复议后起诉{{{{ review_total }}}}件）。",
    "problems": "{year}年{who}政府信息公开工作仍存在一些不足：一是主动公开的深度和广度还不够，部分领域信息更新不够及时；"
    "二是依申请公开答复文书的规范性有待加强；三是工作人员业务能力有待提升。",
    "plans": "下一步，{who}将重点做好以下工作：一是加强重点领域信息公开，及时更新公开内容；二是规范依申请公开办理流程，"
    "提升答复质量；三是加强业务培训，打造专业化的政务公开队伍。",
}

SECTIONS_MODERN = (
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
)
SUBSECTIONS = (
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
)


def modern_text(
    form: str,
    agency: str,
    year: int,
    values: Values,
    *,
    text: str,
    voice: Voice,
    words: list[tuple[str, str]] = (),
    title: list[str] | None = None,
    sign: str | None = None,
    date: str | None = None,
    parts: dict[str, list[str]] | None = None,
    brief: bool = False,
) -> list[Block]:
    """The six parts of a 2019/2021-format report. text: "city" (examples/city-gov-2019.yaml's
    words, for governments), "county" (examples/county-dept-2021.yaml's, for departments),
    or "B" (paragraphs written here; for the year after a report in "city"/"county" words)."""
    has_cases = figure(values, "recon_total + direct_total + review_total") != 0
    if text == "B":
        fmt = {"agency": agency, "year": year, "who": voice.who, "hall": voice.hall}
        b = {k: t.format(**fmt) for k, t in B.items()}
        preamble = b["preamble_2021" if form == F2021 else "preamble_2019"]
        intro = [b["intro"]]
        subs = [
            [b["active_2021" if form == F2021 else "active_2019"]],
            [b["request"]],
            [b["manage"]],
            [b["platform"]],
            [b["supervise"]],
        ]
        t3, t4 = [b["t3"]], [b["t4"]]
        problems = [b["problems"], b["plans"]]
        other = [FEE_LINE if form == F2021 else "无其他需要报告的事项。"]
    else:
        base, pairs = (CG, city_words(agency, voice)) if text == "city" else (CD, dept_words(agency, voice))
        base_year = 2019 if text == "city" else 2021

        def ours(ps: list[str]) -> list[str]:
            return [_years(_voice(p, [*words, *pairs]), base_year, year) for p in ps]

        portal = [("某某县人民政府门户网站", voice.portal), ("某某市人民政府门户网站", voice.portal)]
        preamble = _years(
            _voice(PREAMBLE_2021 if form == F2021 else PREAMBLE_2019, [*words, *portal]),
            2021 if form == F2021 else 2019,
            year,
        )
        intro = ours(_sec(base, 0))
        subs = [ours(_sec(base, 0, j)) for j in range(5)]
        if text == "city" and form == F2021:  # the 2021 form's table 二: the county text's words
            subs[0] = ours([_voice(_sec(CD, 0, 0)[0], dept_words(agency, voice))])
        if text == "county" and form == F2019:
            subs[0] = ours([_voice(_sec(CG, 0, 0)[0], city_words(agency, voice))])
            subs[2] = ours([_voice(_sec(CG, 0, 2)[0], city_words(agency, voice))])
        t3, t4 = ours(_sec(base, 2)), ours(_sec(base, 3))
        problems = ours(_sec(base, 4))
        other = ours(_sec(base, 5))
        if form == F2021 and FEE_LINE not in other:
            other = [FEE_LINE]
        if form == F2019 and text == "county":
            other = ["本年度无其他需要报告的事项。"]
    if not has_cases:
        t4 = [NO_CASES]
    texts = dict(
        zip(("active", "request", "manage", "platform", "supervise"), subs, strict=False),
        intro=intro,
        t3=t3,
        t4=t4,
        problems=problems,
        other=other,
    )
    for part, ps in (parts or {}).items():  # paragraphs of this report's own
        assert part in texts, part
        texts[part] = ps
    intro, t3, t4, problems, other = (texts[k] for k in ("intro", "t3", "t4", "problems", "other"))
    subs = [texts[k] for k in ("active", "request", "manage", "platform", "supervise")]
    blocks: list[Block] = [("title", t) for t in (title or [agency, f"{year}年政府信息公开工作年度报告"])]
    blocks.append(("p", preamble))
    blocks.append(("h1", SECTIONS_MODERN[0]))
    blocks += [("p", p) for p in intro]
    if brief:  # a short account (PDFs: every character is one more glyph in the embedded font)
        blocks += [("p", p) for p in subs[1]]
        problems = problems[:1]
    else:
        for heading, ps in zip(SUBSECTIONS, subs, strict=False):
            blocks.append(("h2", heading))
            blocks += [("p", p) for p in ps]
    blocks += [("h1", SECTIONS_MODERN[1]), ("table", "t2"), ("h1", SECTIONS_MODERN[2])]
    blocks += [("p", p) for p in t3] + [("table", "t3"), ("h1", SECTIONS_MODERN[3])]
    blocks += [("p", p) for p in t4] + [("table", "t4"), ("h1", SECTIONS_MODERN[4])]
    blocks += [("p", p) for p in problems] + [("h1", SECTIONS_MODERN[5])] + [("p", p) for p in other]
    blocks += [("sign", sign or agency), ("date", date or f"{year + 1}年1月20日")]
    return [(k, fill(t, values)) for k, t in blocks]


OLD_TEXT = [
    ("h1", "一、概述"),
    (
        "p",
        "{year}年，{who}认真贯彻落实《中华人民共和国政府信息公开条例》和上级关于政务公开工作的部署要求，"
        "以公开为常态、不公开为例外，进一步完善工作机制，拓宽公开渠道，政府信息公开工作取得新进展。"
        "本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    ),
    ("h1", "二、主动公开政府信息情况"),
    (
        "p",
        "全年主动公开政府信息{{{{ published }}}}条，其中通过政府网站公开{{{{ website }}}}条，通过政务微博、微信公开"
        "{{{{ weibo + wechat }}}}条。制发规范性文件{{{{ normative_issued }}}}件，均按规定向社会公开。",
    ),
    ("h1", "三、政府信息公开申请的办理情况"),
    (
        "p",
        "本年度共收到政府信息公开申请{{{{ received }}}}件，其中网上申请{{{{ online }}}}件，均在规定期限内答复。"
        "在答复的申请中，属于已主动公开范围{{{{ already_public }}}}件，同意公开{{{{ granted }}}}件，"
        "不属于本行政机关公开范围{{{{ not_this_agency }}}}件。",
    ),
    ("h1", "四、政府信息公开收费及减免情况"),
    ("p", "本年度未收取政府信息公开相关费用。"),
    ("h1", "五、因政府信息公开申请提起行政复议、行政诉讼的情况"),
    ("p", "本年度因政府信息公开申请被申请行政复议{{{{ reconsideration }}}}件，被提起行政诉讼{{{{ litigation }}}}件。"),
    ("h1", "六、存在的主要问题及改进措施"),
    (
        "p",
        "{who}政府信息公开工作还存在公开内容不够全面、更新不够及时等问题。下一步，将进一步健全工作机制，"
        "加大主动公开力度，认真办理依申请公开，不断提高政府信息公开工作水平。",
    ),
]


def old_text(
    agency: str, year: int, values: Values, *, who: str, title: list[str], attachment: str, date: str
) -> list[Block]:
    """A report on the 2014 statistics table (2017 form), in the seed's outline, short."""
    blocks: list[Block] = [("title", t) for t in title]
    blocks += [(k, t.format(year=year, who=who)) for k, t in OLD_TEXT]
    blocks += [
        ("p", f"附件：{attachment}"),
        ("sign", agency),
        ("date", date),
        ("h1", attachment),
        ("table", "stats"),
        ("p", "（注：各子栏目数总数要等于总栏目数量）"),
    ]
    return [(k, fill(t, values)) for k, t in blocks]


def fao_text(values: Values, sections: Iterable[int] = range(10)) -> list[Block]:
    """The seed report's own text (examples/shandong-fao-2017.yaml), as published; only some
    of its ten sections if `sections` says so (numbered as in the report)."""
    blocks: list[Block] = [("title", t) for t in FAO["title"]]
    blocks.append(("p", FAO["preamble"]))
    numerals = "一二三四五六七八九十"
    for i, s in enumerate(FAO["sections"]):
        if i not in sections:
            continue
        blocks.append(("h1", f"{numerals[i]}、{s['heading']}"))
        blocks += [("p", p) for p in s.get("paragraphs", [])]
        for j, sub in enumerate(s.get("subsections", [])):
            blocks.append(("h2", f"（{numerals[j]}）{sub['heading']}"))
            blocks += [("p", p) for p in sub["paragraphs"]]
    blocks += [
        ("p", "附件：" + FAO["attachment"]),
        ("sign", FAO["signature"]),
        ("date", FAO["date"]),
        ("h1", FAO["attachment"]),
        ("table", "stats"),
        ("p", "（注：各子栏目数总数要等于总栏目数量）"),
    ]
    return [(k, fill(t, values)) for k, t in blocks]


# ---------------------------------------------------------------------------------------------
# Writers: HTML
# ---------------------------------------------------------------------------------------------

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class HtmlStyle:
    border: bool = True
    p_span: bool = False  # every cell's text in <p style><span style>…</span></p>
    nbsp: bool = False  # &nbsp; around values, &nbsp; in empty cells
    br: int = 0  # labels longer than this are broken with <br> every br characters (0: never)
    th: bool = False  # headings as <th>
    fullwidth: Callable[[str], bool] = lambda cid: False  # values printed in full-width digits
    font: str = "仿宋_GB2312"
    width: str = "100%"
    bold: bool = True  # titles and headings in bold (PDFs: not, each weight is one more font)


def _broken(text: str, every: int) -> str:
    if not every or len(text) <= every:
        return html.escape(text)
    return "<br>".join(html.escape(text[i : i + every]) for i in range(0, len(text), every))


def html_cell(rep: Report, c: Cell, st: HtmlStyle) -> str:
    if c.cid:
        text = rep.cell_text(c.cid)
        if st.fullwidth(c.cid):
            text = text.translate(FULLWIDTH)
        inner = html.escape(text)
        if st.nbsp:
            inner = f"&nbsp;{inner}&nbsp;" if inner else "&nbsp;"
    else:
        inner = "<br>".join(_broken(line, st.br) for line in (*c.text.split("\n"), *c.notes))
        if c.indent:
            inner = "&nbsp;&nbsp;" * c.indent + inner
    if st.p_span:
        align = "center" if c.cid or not c.indent else "left"
        inner = f'<p style="text-align:{align}"><span style="font-size:14px">{inner}</span></p>'
    tag = "th" if st.th and c.head else "td"
    attrs = "".join(f' {k}="{v}"' for k, v in (("rowspan", c.rowspan), ("colspan", c.colspan)) if v > 1)
    style = ' style="border:1px solid #000"' if st.border else ""
    return f"<{tag}{attrs}{style}>{inner}</{tag}>"


def html_rows(rep: Report, rows: list[list[Cell]], st: HtmlStyle) -> str:
    return "\n".join("<tr>" + "".join(html_cell(rep, c, st) for c in row) + "</tr>" for row in rows)


def html_table(rep: Report, rows: list[list[Cell]], st: HtmlStyle) -> str:
    border = ' border="1" cellspacing="0" cellpadding="0"' if st.border else ' border="0" cellspacing="0"'
    return f'<table{border} width="{st.width}" style="border-collapse:collapse">\n{html_rows(rep, rows, st)}\n</table>'


@dataclass
class TableLayout:
    """How a table is cut when printed: split (two <table>s, the second repeating the header)
    or repeat (the header rows printed again in the middle of the same table), before the body
    row whose label starts with `at`."""

    how: str
    at: str


def html_tables(rep: Report, key: str, st: HtmlStyle, cut: TableLayout | None) -> str:
    g = rep.tables[key]
    if cut is None:
        return html_table(rep, g.rows(), st)
    first, second = split_rows(g.body, find_row(g, cut.at))
    if cut.how == "split":
        return html_table(rep, g.header + first, st) + "\n<p>&nbsp;</p>\n" + html_table(rep, g.header + second, st)
    header_again = [[replace(c) for c in row] for row in g.header]
    return html_table(rep, g.header + first + header_again + second, st)


def html_blocks(
    rep: Report, st: HtmlStyle, cuts: dict[str, TableLayout], *, para_style: str, caption: dict[str, str] | None = None
) -> str:
    out = []
    for kind, text in rep.blocks:
        t = html.escape(text)
        weight = ";font-weight:bold" if st.bold else ""
        if kind == "title":
            out.append(f'<p style="text-align:center;font-size:22px{weight}">{t}</p>')
        elif kind == "h1":
            out.append(f'<p style="{para_style}{weight}">{t}</p>')
        elif kind == "h2":
            out.append(f'<p style="{para_style}">{t}</p>')
        elif kind == "table":
            if caption and text in caption:
                out.append(f'<p style="text-align:center">{html.escape(caption[text])}</p>')
            out.append(html_tables(rep, text, st, cuts.get(text)))
        elif kind in ("sign", "date"):
            out.append(f'<p style="text-align:right">{t}</p>')
        else:
            out.append(f'<p style="{para_style}">{t}</p>')
    return "\n".join(out)


@dataclass
class Site:
    """A government site's page around the report."""

    name: str  # 某某市某某区人民政府
    published: str  # 2021-01-20
    source: str
    hits: int = 1024


def _chrome(site: Site, title: str, body: str, layout: bool) -> str:
    """The site around the article: header, navigation, where-you-are, article information,
    footer; all in a layout table (layout=True), or in <div>s."""
    nav = "".join(
        f'<a href="/{p}/">{n}</a>'
        for p, n in (
            ("index", "首页"),
            ("zwgk", "政务公开"),
            ("zwfw", "政务服务"),
            ("hdjl", "互动交流"),
            ("zjwm", "走进" + site.name[:2]),
        )
    )
    parts = [
        f'<img src="/images/logo.png" alt="{site.name}" width="600" height="90">',
        nav,
        '当前位置：<a href="/index/">首页</a>&nbsp;&gt;&nbsp;<a href="/zwgk/">政府信息公开</a>&nbsp;&gt;&nbsp;'
        '<a href="/zwgk/ndbg/">政府信息公开年报</a>',
        f'<h1 class="title">{html.escape(title)}</h1>',
        f"发布时间：{site.published}&nbsp;&nbsp;&nbsp;来源：{site.source}&nbsp;&nbsp;&nbsp;浏览次数：{site.hits}"
        '&nbsp;&nbsp;&nbsp;【字体：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> '
        '<a href="javascript:doZoom(12)">小</a>】',
        body,
        '<a href="javascript:window.print()">【打印本页】</a>&nbsp;<a href="javascript:window.close()">【关闭窗口】</a>',
        f"主办单位：{site.name}办公室&nbsp;&nbsp;承办：{site.name}信息中心<br>网站标识码：0000000000&nbsp;&nbsp;"
        '某ICP备00000000号&nbsp;&nbsp;<img src="/images/jiucuo.png" alt="政府网站找错">',
    ]
    if layout:
        rows = "\n".join(
            f"<tr><td{a}>{x}</td></tr>"
            for a, x in zip(
                (
                    ' height="120"',
                    ' class="nav"',
                    ' height="30"',
                    ' align="center"',
                    ' align="center" class="info"',
                    ' id="zoom" class="content"',
                    ' align="right"',
                    ' class="footer" align="center"',
                ),
                parts,
                strict=False,
            )
        )
        return f'<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">\n{rows}\n</table>'
    classes = ("header", "nav", "position", "title", "info", "content", "tools", "footer")
    return "\n".join(f'<div class="{c}">{x}</div>' for c, x in zip(classes, parts, strict=False))


def html_page(
    rep: Report,
    *,
    charset: str,
    st: HtmlStyle,
    site: Site | None = None,
    layout: bool = False,
    cuts: dict[str, TableLayout] | None = None,
    caption: dict[str, str] | None = None,
    convert: Callable[[str], str] | None = None,
    css: str = "",
) -> bytes:
    """An HTML page: a bare article, or the report inside the site's page (`site`), the whole
    page in a layout table (`layout`) or in <div>s. `convert`: applied to the whole page
    (e.g. to traditional script, as a site's big5 gateway does)."""
    title = "".join(t for k, t in rep.blocks if k == "title")
    body = html_blocks(rep, st, cuts or {}, para_style="text-indent:2em;line-height:28px;margin:0", caption=caption)
    head = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n<title>{html.escape(title)}</title>'
    )
    if css:
        head += f"\n<style>{css}</style>"
    if site is None:
        page = f'<html>\n<head>\n{head}\n</head>\n<body style="font-family:{st.font}">\n{body}\n</body>\n</html>\n'
    else:
        page = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n{head}\n'
            f'<meta name="SiteName" content="{site.name}">\n<meta name="PubDate" content="{site.published} 09:30">\n'
            '<link href="/images/style.css" rel="stylesheet" type="text/css">\n'
            '<script type="text/javascript" src="/js/jquery.min.js"></script>\n'
            '<script type="text/javascript">var _hmt = _hmt || []; function doZoom(size){'
            "document.getElementById('zoom').style.fontSize=size+'px';}</script>\n"
            f'</head>\n<body leftmargin="0" topmargin="0">\n{_chrome(site, title, body, layout)}\n</body>\n</html>\n'
        )
    if convert:
        page = convert(page)
    return page.encode(charset, errors="xmlcharrefreplace")


# ---------------------------------------------------------------------------------------------
# Writers: Word (python-docx), and a WPS document.xml by hand
# ---------------------------------------------------------------------------------------------

FIXED = datetime(2024, 1, 1, 0, 0, 0)


def _east_asian(run_or_style, font: str) -> None:
    run_or_style.font.name = font
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), font)


def docx_table(
    parent, rep: Report, rows: list[list[Cell]], width: int, *, borders: bool = True, size: float = 9
) -> None:
    """A table with merged cells: python-docx merges make w:gridSpan and w:vMerge."""
    table = parent.add_table(rows=len(rows), cols=width)
    if borders:
        table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, placed in enumerate(positions(rows)):
        for col, c in placed:
            cell = table.cell(r, col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(table.cell(r + c.rowspan - 1, col + c.colspan - 1))
            text = rep.cell_text(c.cid) if c.cid else "\n".join(("　" * c.indent + c.text, *c.notes))
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if (c.cid or not c.indent) else WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(text)
            run.font.size = Pt(size)


def docx_document(font: str = "仿宋_GB2312") -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    _east_asian(normal, font)
    normal.font.size = Pt(12)
    for name in ("Heading 1", "Heading 2", "Title"):
        _east_asian(doc.styles[name], "黑体")
    props = doc.core_properties
    props.author, props.last_modified_by, props.revision = "办公室", "办公室", 1
    props.created = props.modified = FIXED
    props.title = ""
    return doc


def docx_blocks(
    container,
    rep: Report,
    *,
    headings: bool = True,
    landscape: Iterable[str] = (),
    doc: Document | None = None,
    borders: bool = True,
    size: float = 9,
    bold: bool = True,
) -> None:
    """The report into a document (or a cell of a layout table): headings as Word headings,
    paragraphs indented two characters, tables with merges."""
    for kind, text in rep.blocks:
        if kind == "title":
            p = container.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(text)
            run.font.size = Pt(18)
            run.bold = bold
        elif kind in ("h1", "h2") and headings:
            p = container.add_paragraph(text, style="Heading 1" if kind == "h1" else "Heading 2")
        elif kind == "table":
            g = rep.tables[text]
            if text in landscape and doc is not None:
                section = doc.add_section()
                section.orientation = WD_ORIENT.LANDSCAPE
                section.page_width, section.page_height = section.page_height, section.page_width
            docx_table(container, rep, g.rows(), g.width, borders=borders, size=size)
            if text in landscape and doc is not None:
                section = doc.add_section()
                section.orientation = WD_ORIENT.PORTRAIT
                section.page_width, section.page_height = section.page_height, section.page_width
        elif kind in ("sign", "date"):
            p = container.add_paragraph(text)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            p = container.add_paragraph(text)
            p.paragraph_format.first_line_indent = Pt(24)


def docx_bytes(doc: Document) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return fixed_zip(buffer.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """The same zip with fixed entry dates, so that the bytes are the same on every run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(
                zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6]),
                src.read(info.filename),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _wps_run(text: str, *, size: int = 32, bold: bool = False, font: str = "仿宋_GB2312") -> str:
    b = "<w:b/><w:bCs/>" if bold else ""
    runs = []
    for i, line in enumerate(text.split("\n")):
        if i:
            runs.append("<w:r><w:br/></w:r>")
        runs.append(
            f'<w:r><w:rPr><w:rFonts w:hint="eastAsia" w:ascii="{font}" w:hAnsi="{font}" '
            f'w:eastAsia="{font}" w:cs="{font}"/>{b}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
            f'<w:t xml:space="preserve">{html.escape(line, quote=False)}</w:t></w:r>'
        )
    return "".join(runs)


def _wps_para(
    text: str,
    *,
    jc: str = "both",
    indent: bool = True,
    size: int = 32,
    bold: bool = False,
    font: str = "仿宋_GB2312",
    exact: bool = True,
    ppr: str = "",
) -> str:
    """A paragraph as WPS writes it; ``ppr``: properties that go first (w:pStyle, w:numPr)."""
    ind = '<w:ind w:firstLine="640" w:firstLineChars="200"/>' if indent else ""
    spacing = '<w:spacing w:line="560" w:lineRule="exact"/>' if exact else ""
    return (
        f'<w:p><w:pPr>{ppr}{spacing}{ind}<w:jc w:val="{jc}"/></w:pPr>'
        f"{_wps_run(text, size=size, bold=bold, font=font)}</w:p>"
    )


def wps_table(
    rep: Report, rows: list[list[Cell]], width: int, numbered: Callable[[str], tuple[str, str]] | None = None
) -> str:
    """A table as WPS writes it: no w:tblGrid, widths on the cells, w:vMerge without w:val on
    the cells a vertical merge continues into. ``numbered``: a label's list properties and its
    text without the number the list shows (labels numbered automatically)."""
    col_w = 8800 // width
    pos = positions(rows)
    starts = {(r, col): c for r, placed in enumerate(pos) for col, c in placed}
    out = [
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/><w:tblBorders>'
        + "".join(
            f'<w:{s} w:val="single" w:color="auto" w:sz="4" w:space="0"/>'
            for s in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="108" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    ]
    above: dict[int, Cell] = {}  # column -> a cell merged down into this row
    for r in range(len(rows)):
        out.append('<w:tr><w:trPr><w:jc w:val="center"/></w:trPr>')
        col = 0
        while col < width:
            c = starts.get((r, col))
            if c is not None:
                span = f'<w:gridSpan w:val="{c.colspan}"/>' if c.colspan > 1 else ""
                vm = '<w:vMerge w:val="restart"/>' if c.rowspan > 1 else ""
                text = rep.cell_text(c.cid) if c.cid else "\n".join(("　" * c.indent + c.text, *c.notes))
                jc = "center" if (c.cid or not c.indent) else "left"
                ppr = ""
                if numbered is not None and not c.cid:
                    ppr, text = numbered(text)
                para = _wps_para(text, jc=jc, indent=False, size=18, exact=False, ppr=ppr)
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{col_w * c.colspan}" w:type="dxa"/>{span}{vm}'
                    f'<w:vAlign w:val="center"/></w:tcPr>{para}</w:tc>'
                )
                for k in range(1, c.rowspan):
                    above[(r + k) * 1000 + col] = c
                col += c.colspan
            else:
                c = above.pop(r * 1000 + col)
                span = f'<w:gridSpan w:val="{c.colspan}"/>' if c.colspan > 1 else ""
                out.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{col_w * c.colspan}" w:type="dxa"/>{span}<w:vMerge/>'
                    f'<w:vAlign w:val="center"/></w:tcPr><w:p/></w:tc>'
                )
                col += c.colspan
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def wps_docx(rep: Report) -> bytes:
    """A .docx with the three parts a Word document needs, document.xml in WPS's manner."""
    parts = []
    for kind, text in rep.blocks:
        if kind == "title":
            parts.append(_wps_para(text, jc="center", indent=False, size=44, font="方正小标宋简体"))
        elif kind == "h1":
            parts.append(_wps_para(text, font="黑体"))
        elif kind == "h2":
            parts.append(_wps_para(text, font="楷体_GB2312"))
        elif kind == "table":
            g = rep.tables[text]
            parts.append(wps_table(rep, g.rows(), g.width))
        elif kind in ("sign", "date"):
            parts.append(_wps_para(text, jc="right", indent=False))
        else:
            parts.append(_wps_para(text))
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'xmlns:wpsCustomData="http://www.wps.cn/officeDocument/2013/wpsCustomData"><w:body>{"".join(parts)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" '
        'w:left="1587" w:header="851" w:footer="1474" w:gutter="0"/></w:sectPr></w:body></w:document>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("word/document.xml", document),
        ):
            z.writestr(
                zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6]),
                text.encode("utf-8"),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def _package(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(
                zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6]),
                text.encode("utf-8"),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


CHINESE_NUMERALS = "一二三四五六七八九十"
# the numbers a list shows before a label of table 三, and the level of the list each is
NUMBERS = (
    (re.compile(rf"^([{CHINESE_NUMERALS}]+)、"), 0),  # 一、
    (re.compile(rf"^（([{CHINESE_NUMERALS}]+)）"), 1),  # （一）
    (re.compile(r"^(\d+)\."), 2),  # 1.
)


def _wps_lvl(ilvl: int, fmt: str, text: str, style: str = "") -> str:
    """A list level as WPS writes it (numbering.xml)."""
    linked = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}" w:tentative="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{linked}'
        f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="0" w:firstLine="{640 if ilvl < 2 else 0}"/></w:pPr>'
        '<w:rPr><w:rFonts w:hint="default"/></w:rPr></w:lvl>'
    )


def _wps_levels(fmts: tuple[tuple[str, str, str], ...]) -> str:
    levels = [_wps_lvl(i, fmt, text, style) for i, (fmt, text, style) in enumerate(fmts)]
    levels += [_wps_lvl(i, "decimal", f"%{i + 1}.") for i in range(len(fmts), 9)]
    return "".join(levels)


def wps_numbered_docx(rep: Report) -> bytes:
    """A .docx as WPS writes a report whose numbers are automatic: the headings' numbers come
    from a list linked to the heading styles (标题 1 "%1、", 标题 2 "（%2）", chineseCounting),
    and table 三's row labels are numbered by a list of their own on each label (一、 （一） 1.,
    restarting under each parent). The text holds none of those numbers; the package has the
    styles and numbering parts and the relationships that name them."""
    counts = [0, 0, 0]

    def numbered(text: str) -> tuple[str, str]:
        """A label of table 三 without its number, in the list showing that number."""
        for pattern, level in NUMBERS:
            m = pattern.match(text)
            if m:
                counts[level] += 1
                counts[level + 1 :] = [0] * (2 - level)
                shown = m.group(1)
                expected = CHINESE_NUMERALS[counts[level] - 1] if level < 2 else str(counts[level])
                assert shown == expected, (text, counts)  # the list shows what the form prints
                return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="2"/></w:numPr>', text[m.end() :]
        return "", text

    parts = []
    for kind, text in rep.blocks:
        if kind == "title":
            parts.append(_wps_para(text, jc="center", indent=False, size=44, font="方正小标宋简体"))
        elif kind in ("h1", "h2"):
            level = 0 if kind == "h1" else 1
            m = NUMBERS[level][0].match(text)
            assert m, text
            font = "黑体" if kind == "h1" else "楷体_GB2312"
            style = "2" if kind == "h1" else "3"
            parts.append(_wps_para(text[m.end() :], font=font, ppr=f'<w:pStyle w:val="{style}"/>'))
        elif kind == "table":
            g = rep.tables[text]
            parts.append(wps_table(rep, g.rows(), g.width, numbered if text == "t3" else None))
        elif kind in ("sign", "date"):
            parts.append(_wps_para(text, jc="right", indent=False))
        else:
            parts.append(_wps_para(text))
    ns = (
        f'xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:wpsCustomData="http://www.wps.cn/officeDocument/2013/wpsCustomData"'
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {ns}><w:body>{"".join(parts)}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" '
        'w:left="1587" w:header="851" w:footer="1474" w:gutter="0"/></w:sectPr></w:body></w:document>'
    )
    font = '<w:rPr><w:rFonts w:ascii="{0}" w:hAnsi="{0}" w:eastAsia="{0}"/><w:sz w:val="32"/></w:rPr>'
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {ns}>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr>{font.format("仿宋_GB2312")}</w:style>'
        '<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/><w:basedOn w:val="1"/>'
        '<w:next w:val="1"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>'
        '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr>'
        f"{font.format('黑体')}</w:style>"
        '<w:style w:type="paragraph" w:styleId="3"><w:name w:val="heading 2"/><w:basedOn w:val="1"/>'
        '<w:next w:val="1"/><w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/>'
        '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="1"/></w:pPr>'
        f"{font.format('楷体_GB2312')}</w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="4"><w:name w:val="Default Paragraph Font"/>'
        "<w:semiHidden/></w:style></w:styles>"
    )
    headings = (("chineseCounting", "%1、", "2"), ("chineseCounting", "（%2）", "3"))
    rows = (("chineseCounting", "%1、", ""), ("chineseCounting", "（%2）", ""), ("decimal", "%3.", ""))
    numbering = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {ns}>'
        '<w:abstractNum w:abstractNumId="0"><w:nsid w:val="0F1A2B3C"/><w:multiLevelType w:val="multilevel"/>'
        f'<w:tmpl w:val="5A1B2C3D"/>{_wps_levels(headings)}</w:abstractNum>'
        '<w:abstractNum w:abstractNumId="1"><w:nsid w:val="1E2D3C4B"/><w:multiLevelType w:val="multilevel"/>'
        f'<w:tmpl w:val="6B2C3D4E"/>{_wps_levels(rows)}</w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
    )
    main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}.document.main+xml"/>'
        f'<Override PartName="/word/styles.xml" ContentType="{main}.styles+xml"/>'
        f'<Override PartName="/word/numbering.xml" ContentType="{main}.numbering+xml"/>'
        "</Types>"
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    document_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/numbering" Target="numbering.xml"/></Relationships>'
    )
    return _package(
        {
            "[Content_Types].xml": content_types,
            "_rels/.rels": rels,
            "word/document.xml": document,
            "word/_rels/document.xml.rels": document_rels,
            "word/styles.xml": styles,
            "word/numbering.xml": numbering,
        }
    )


# ---------------------------------------------------------------------------------------------
# Writers: plain text
# ---------------------------------------------------------------------------------------------


def seed_text(rep: Report) -> str:
    """Text as in the seed (a Word document saved as text): a table's cells one a line, each
    after a tab, rows apart by a blank line; labels indented with full-width spaces."""
    lines = ["", ""]
    for kind, text in rep.blocks:
        if kind == "table":
            lines += ["", ""]
            for row in rep.tables[text].rows():
                for c in row:
                    if c.cid:
                        lines.append("\t" + rep.cell_text(c.cid))
                    else:
                        label = "　　" * c.indent + c.text
                        lines.append("\t" + "\n　　　　".join((label, *c.notes)))
                lines.append("")
        elif kind == "title":
            lines.append(text)
        elif kind == "sign":
            lines += ["", "", text]
        elif (kind == "p" and text.startswith("本报告")) or (kind == "p" and text.startswith("根据")):
            lines.append("\t" + text)
        else:
            lines.append(text)
    return "\n".join(lines) + "\n"


def copied_text(rep: Report) -> str:
    """Text as copied from a web page in a browser: a table row a line, cells apart by tabs, a
    merged cell once (in the row it starts in)."""
    lines = []
    for kind, text in rep.blocks:
        if kind == "table":
            lines += [
                "\t".join(rep.cell_text(c.cid) if c.cid else c.text for c in row) for row in rep.tables[text].rows()
            ]
        elif kind == "p":
            lines.append("　　" + text)
        else:
            lines.append(text)
    return "\r\n".join(lines) + "\r\n"


# ---------------------------------------------------------------------------------------------
# Writers: PDF (LibreOffice), and a scanned PDF (images only)
# ---------------------------------------------------------------------------------------------


def libreoffice_pdfs(sources: list[Path], outdir: Path) -> None:
    """Convert with LibreOffice, in a profile of our own. Web pages are opened as Writer
    documents ("HTML (StarWriter)"): opened as Writer/Web, the first paragraph is lost and a
    blank first page printed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed for the PDFs"
    with tempfile.TemporaryDirectory() as profile:
        for suffix, infilter in ((".docx", []), (".html", ["--infilter=HTML (StarWriter)"])):
            files = [str(s) for s in sources if s.suffix == suffix]
            if files:
                subprocess.run(
                    [
                        soffice,
                        f"-env:UserInstallation=file://{profile}",
                        "--headless",
                        *infilter,
                        "--convert-to",
                        "pdf:writer_pdf_Export",
                        "--outdir",
                        str(outdir),
                        *files,
                    ],
                    check=True,
                    capture_output=True,
                    timeout=600,
                )


def fixed_pdf(data: bytes) -> bytes:
    """The same PDF with its dates, file id and checksum fixed (same lengths, so that the
    offsets hold)."""
    fixed = b"20240101000000+00'00'"

    def date(m: re.Match) -> bytes:
        inner = m.group(2)
        same = fixed if len(inner) == len(fixed) else re.sub(rb"\d", b"0", inner)
        return m.group(1) + same + b")"

    def zeros(m: re.Match) -> bytes:
        return re.sub(rb"<[0-9A-Fa-f]+>", lambda h: b"<" + b"0" * (len(h.group(0)) - 2) + b">", m.group(0))

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)([^)]*)\)", date, data)
    data = re.sub(
        rb"/DocChecksum\s*/[0-9A-Fa-f]+",
        lambda m: re.sub(rb"/[0-9A-Fa-f]+$", lambda h: b"/" + b"0" * (len(h.group(0)) - 1), m.group(0)),
        data,
    )
    return re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]+>\s*<[0-9A-Fa-f]+>\s*\]", zeros, data)


def image_pdf(pages: list[tuple[int, int, bytes]], dpi: int) -> bytes:
    """A PDF of 1-bit images (width, height, PBM rows), one a page, no text: a scan."""
    objects: list[bytes] = []
    kids = []
    for i, (w, h, bits) in enumerate(pages):
        img, content, page = 3 + 3 * i, 4 + 3 * i, 5 + 3 * i
        kids.append(page)
        pw, ph = w * 72 / dpi, h * 72 / dpi
        stream = zlib.compress(bits, 9)
        objects.append(
            f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray "
            f"/BitsPerComponent 1 /Decode [1 0] /Filter /FlateDecode /Length {len(stream)} >>\nstream\n".encode()
            + stream
            + b"\nendstream"
        )
        draw = f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode()
        objects.append(f"<< /Length {len(draw)} >>\nstream\n".encode() + draw + b"\nendstream")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2f} {ph:.2f}] /Contents {content} 0 R "
            f"/Resources << /XObject << /Im0 {img} 0 R >> >> >>".encode()
        )
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    tree = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    body = [catalog, tree, *objects]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(body, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(body) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.write(
        f"trailer\n<< /Size {len(body) + 1} /Root 1 0 R /Producer (Scanner) >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def scan(pdf: Path, pages: int, dpi: int) -> bytes:
    """Render the first pages of a PDF as 1-bit images and make a PDF of them."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["pdftoppm", "-mono", "-r", str(dpi), "-l", str(pages), str(pdf), f"{tmp}/page"],
            check=True,
            capture_output=True,
            timeout=300,
        )
        images = []
        for path in sorted(Path(tmp).glob("page*.pbm")):
            data = path.read_bytes()
            m = re.match(rb"P4\s+(?:#.*\s+)*(\d+)\s+(\d+)\s", data)
            assert m, path
            images.append((int(m.group(1)), int(m.group(2)), data[m.end() :]))
    return image_pdf(images, dpi)


# ---------------------------------------------------------------------------------------------
# The figures of each agency (made up, except the examples' and the seed's)
# ---------------------------------------------------------------------------------------------

# A row of table 三 is (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他).

COUNTY_DEPT_2020 = from_example("county-dept-2020.yaml")  # 某某县市场监督管理局
COUNTY_DEPT_2021 = from_example("county-dept-2021.yaml")
CITY_2019 = from_example("city-gov-2019.yaml")  # 某某市人民政府
FAO_2017 = from_example("shandong-fao-2017.yaml")  # 山东省人民政府外事办公室, as published

# 某某市人民政府 2020: the year after CITY_2019 (its 上年结转 is planted wrong, see the document)
CITY_2020 = {
    **table2_2019(
        guizhang=(4, 4, 60),
        normative=(27, 27, 345),
        licensing=(344, -12, 16420),
        other_services=(233, 5, 10115),
        penalty=(3064, -31, 2387),
        enforcement=(145, 0, 201),
        fees=(38, -6),
        procurement=(141, "38217.4390"),
    ),
    **table3(
        F2019,
        new=(291, 25, 1, 4, 13, 6),
        carried=(9, 1, 0, 0, 0, 0),
        public=(133, 11, 1, 2, 5, 2),
        partial=(21, 3, 0, 0, 2, 1),
        state_secret=(1, 0, 0, 0, 0, 0),
        prohibited=(1, 0, 0, 0, 0, 0),
        three_securities=(2, 0, 0, 0, 0, 0),
        third_party=(8, 1, 0, 0, 1, 0),
        internal_affairs=(4, 0, 0, 0, 0, 0),
        process_info=(6, 1, 0, 0, 0, 0),
        enforcement_files=(3, 0, 0, 0, 0, 0),
        query_matters=(5, 0, 0, 0, 0, 0),
        not_held=(69, 6, 0, 1, 3, 2),
        needs_making=(8, 1, 0, 0, 0, 0),
        still_unclear=(4, 0, 0, 0, 0, 1),
        petitions=(12, 0, 0, 0, 0, 0),
        repeated=(7, 1, 0, 0, 0, 0),
        publications=(1, 0, 0, 0, 0, 0),
        mass_repeated=(2, 0, 0, 0, 0, 0),
        confirmation=(2, 0, 0, 0, 0, 0),
        other_handling=(5, 1, 0, 1, 1, 0),
    ),
    **table4(recon=(16, 3, 2, 5), direct=(10, 2, 1, 4), review=(4, 1, 0, 3)),
}

# XX市人民政府办公室 2021: CITY_2019's table 三 with （六） split into the 2021 rows
CITY_OFFICE_2021 = {
    **table2_2021(
        guizhang=(2, 1, 38), normative=(21, 9, 276), licensing=16352, penalty=2408, enforcement=173, fees="9617.16"
    ),
    **table3(
        F2021,
        new=(268, 21, 2, 3, 11, 7),
        carried=(8, 2, 0, 0, 1, 1),
        public=(121, 9, 1, 1, 4, 3),
        partial=(18, 2, 0, 0, 1, 0),
        state_secret=(1, 0, 0, 0, 0, 0),
        prohibited=(2, 0, 0, 0, 0, 0),
        three_securities=(1, 0, 0, 0, 0, 0),
        third_party=(6, 1, 0, 0, 0, 0),
        internal_affairs=(3, 0, 0, 0, 0, 0),
        process_info=(5, 1, 0, 0, 1, 0),
        enforcement_files=(2, 0, 0, 0, 0, 0),
        query_matters=(4, 0, 0, 0, 0, 0),
        not_held=(64, 4, 1, 1, 3, 2),
        needs_making=(9, 1, 0, 0, 0, 0),
        still_unclear=(5, 0, 0, 0, 0, 1),
        petitions=(11, 0, 0, 0, 0, 0),
        repeated=(8, 1, 0, 0, 0, 0),
        publications=(2, 0, 0, 0, 0, 0),
        confirmation=(3, 0, 0, 0, 0, 0),
        no_supplement=(2, 1, 0, 0, 1, 0),
        fee_unpaid=(1, 0, 0, 0, 0, 0),
        other_reason=(1, 0, 0, 1, 0, 0),
    ),
    **table4(recon=(14, 2, 3, 4), direct=(9, 1, 2, 5), review=(3, 0, 1, 2)),
}

# 某某市某某区人民政府 2020 (2019 form) and 2021 (2021 form): 2021's 上年结转 = 2020's 结转下年度
DISTRICT_2020 = {
    **table2_2019(
        guizhang=(0, 0, 0),
        normative=(6, 6, 47),
        licensing=(212, -15, 8436),
        other_services=(96, 4, 2751),
        penalty=(1385, 22, 1173),
        enforcement=(64, -3, 58),
        fees=(21, -2),
        procurement=(43, "2316.58"),
    ),
    **table3(
        F2019,
        new=(61, 7, 0, 1, 3, 2),
        carried=(3, 1, 0, 0, 0, 0),
        public=(22, 3, 0, 0, 1, 1),
        partial=(6, 1, 0, 0, 0, 0),
        prohibited=(1, 0, 0, 0, 0, 0),
        third_party=(2, 0, 0, 0, 1, 0),
        internal_affairs=(1, 0, 0, 0, 0, 0),
        process_info=(2, 1, 0, 0, 0, 0),
        enforcement_files=(1, 0, 0, 0, 0, 0),
        query_matters=(2, 0, 0, 0, 0, 0),
        not_held=(14, 2, 0, 1, 1, 0),
        needs_making=(3, 0, 0, 0, 0, 0),
        still_unclear=(1, 0, 0, 0, 0, 1),
        petitions=(2, 0, 0, 0, 0, 0),
        repeated=(1, 0, 0, 0, 0, 0),
        confirmation=(1, 0, 0, 0, 0, 0),
        other_handling=(1, 0, 0, 0, 0, 0),
    ),
    **table4(recon=(3, 1, 0, 1), direct=(1, 0, 1, 0), review=(0, 0, 0, 1)),
}
DISTRICT_2021 = {
    **table2_2021(
        guizhang=(0, 0, 0), normative=(5, 3, 49), licensing=9102, penalty=1264, enforcement=61, fees="312.45"
    ),
    **table3(
        F2021,
        new=(70, 9, 1, 0, 4, 1),
        carried=(4, 1, 0, 0, 0, 0),
        public=(25, 4, 1, 0, 1, 0),
        partial=(8, 1, 0, 0, 1, 0),
        three_securities=(1, 0, 0, 0, 0, 0),
        third_party=(2, 0, 0, 0, 0, 0),
        internal_affairs=(1, 0, 0, 0, 0, 0),
        process_info=(3, 1, 0, 0, 0, 0),
        enforcement_files=(2, 0, 0, 0, 1, 0),
        query_matters=(1, 0, 0, 0, 0, 0),
        not_held=(17, 2, 0, 0, 1, 1),
        needs_making=(4, 0, 0, 0, 0, 0),
        still_unclear=(2, 0, 0, 0, 0, 0),
        petitions=(2, 0, 0, 0, 0, 0),
        repeated=(1, 0, 0, 0, 0, 0),
        publications=(1, 0, 0, 0, 0, 0),
        no_supplement=(2, 0, 0, 0, 0, 0),
        other_reason=(1, 0, 0, 0, 0, 0),
    ),
    **table4(recon=(2, 1, 1, 0), direct=(1, 0, 0, 1), review=(1, 0, 0, 0)),
}

# 某某县人民政府 2022 and 2023 (2021 form): 2023's text is 2022's, copied
COUNTY_2022 = {
    **table2_2021(
        guizhang=(0, 0, 0), normative=(8, 5, 63), licensing=12640, penalty=3377, enforcement=205, fees="1486.3"
    ),
    **table3(
        F2021,
        new=(107, 11, 0, 2, 5, 3),
        carried=(5, 1, 0, 0, 0, 0),
        public=(38, 4, 0, 1, 2, 1),
        partial=(11, 2, 0, 0, 1, 0),
        prohibited=(1, 0, 0, 0, 0, 0),
        third_party=(3, 1, 0, 0, 0, 0),
        internal_affairs=(2, 0, 0, 0, 0, 0),
        process_info=(4, 0, 0, 0, 1, 0),
        enforcement_files=(2, 0, 0, 0, 0, 0),
        query_matters=(3, 0, 0, 0, 0, 0),
        not_held=(24, 3, 0, 1, 1, 1),
        needs_making=(5, 1, 0, 0, 0, 0),
        still_unclear=(2, 0, 0, 0, 0, 0),
        petitions=(4, 0, 0, 0, 0, 0),
        repeated=(2, 0, 0, 0, 0, 0),
        publications=(1, 0, 0, 0, 0, 0),
        mass_repeated=(1, 0, 0, 0, 0, 0),
        confirmation=(1, 0, 0, 0, 0, 0),
        no_supplement=(3, 0, 0, 0, 0, 0),
        other_reason=(1, 0, 0, 0, 0, 1),
    ),
    **table4(recon=(4, 1, 1, 1), direct=(2, 0, 1, 1), review=(1, 1, 0, 0)),
}
COUNTY_2023 = {
    **table2_2021(
        guizhang=(0, 0, 0), normative=(7, 4, 66), licensing=13285, penalty=3102, enforcement=187, fees="1522.08"
    ),
    **table3(
        F2021,
        new=(112, 9, 0, 1, 6, 2),
        carried=(4, 1, 0, 0, 0, 0),
        public=(41, 5, 0, 1, 2, 1),
        partial=(10, 1, 0, 0, 1, 0),
        three_securities=(1, 0, 0, 0, 0, 0),
        third_party=(2, 1, 0, 0, 0, 0),
        internal_affairs=(1, 0, 0, 0, 0, 0),
        process_info=(5, 0, 0, 0, 1, 0),
        enforcement_files=(3, 0, 0, 0, 0, 0),
        query_matters=(2, 0, 0, 0, 0, 0),
        not_held=(26, 2, 0, 0, 1, 1),
        needs_making=(4, 1, 0, 0, 0, 0),
        still_unclear=(3, 0, 0, 0, 0, 0),
        petitions=(5, 0, 0, 0, 0, 0),
        repeated=(1, 0, 0, 0, 0, 0),
        confirmation=(2, 0, 0, 0, 0, 0),
        no_supplement=(2, 0, 0, 0, 0, 0),
        fee_unpaid=(1, 0, 0, 0, 0, 0),
        other_reason=(1, 0, 0, 0, 0, 0),
    ),
    **table4(recon=(5, 0, 1, 2), direct=(1, 1, 0, 1), review=(2, 0, 0, 0)),
}

# 某某省生态环境厅 2021 and 2022 (2021 form): 2022's 上年结转 = 2021's 结转下年度
PROVINCE_ENV_2021 = {
    **table2_2021(guizhang=(0, 0, 0), normative=(5, 3, 29), licensing=2147, penalty=193, enforcement=15, fees="0"),
    **table3(
        F2021,
        new=(52, 30, 2, 6, 3, 1),
        carried=(1, 2, 0, 0, 1, 0),
        public=(19, 12, 1, 3, 2, 0),
        partial=(8, 6, 1, 1, 1, 0),
        third_party=(1, 2, 0, 0, 0, 0),
        internal_affairs=(1, 0, 0, 0, 0, 0),
        process_info=(3, 1, 0, 0, 0, 0),
        enforcement_files=(1, 0, 0, 0, 0, 0),
        not_held=(11, 5, 0, 1, 1, 1),
        needs_making=(2, 1, 0, 0, 0, 0),
        still_unclear=(1, 0, 0, 0, 0, 0),
        petitions=(2, 0, 0, 0, 0, 0),
        repeated=(1, 0, 0, 0, 0, 0),
        no_supplement=(1, 1, 0, 0, 0, 0),
        other_reason=(0, 1, 0, 0, 0, 0),
    ),
    **table4(recon=(2, 0, 1, 0), direct=(0, 0, 0, 1), review=(0, 0, 0, 0)),
}
PROVINCE_ENV_2022 = {
    **table2_2021(guizhang=(0, 0, 0), normative=(4, 2, 31), licensing=2315, penalty=168, enforcement=12, fees="0"),
    **table3(
        F2021,
        new=(58, 36, 3, 4, 6, 2),
        carried=(2, 3, 0, 1, 0, 0),
        public=(21, 14, 2, 2, 3, 1),
        partial=(9, 7, 1, 1, 1, 0),
        prohibited=(0, 1, 0, 0, 0, 0),
        third_party=(2, 3, 0, 0, 0, 0),
        internal_affairs=(1, 0, 0, 0, 0, 0),
        process_info=(2, 1, 0, 0, 0, 0),
        enforcement_files=(1, 1, 0, 0, 0, 0),
        query_matters=(1, 0, 0, 0, 0, 0),
        not_held=(12, 6, 0, 1, 1, 1),
        needs_making=(3, 2, 0, 0, 0, 0),
        still_unclear=(1, 0, 0, 0, 0, 0),
        petitions=(2, 0, 0, 0, 0, 0),
        repeated=(1, 1, 0, 0, 0, 0),
        confirmation=(1, 0, 0, 0, 0, 0),
        no_supplement=(1, 1, 0, 0, 1, 0),
        other_reason=(0, 1, 0, 0, 0, 0),
    ),
    **table4(recon=(3, 0, 0, 1), direct=(1, 0, 0, 0), review=(0, 0, 0, 0)),
}

# 某某县某某镇人民政府 2023 (2021 form): small, with blanks
TOWN_2023 = {
    **table2_2021(guizhang=(0, 0, 0), normative=(1, 0, 4), licensing=0, penalty=3, enforcement=0, fees="0"),
    **table3(
        F2021,
        new=(5, 1, 0, 0, 0, 0),
        carried=(1, 0, 0, 0, 0, 0),
        public=(2, 1, 0, 0, 0, 0),
        partial=(1, 0, 0, 0, 0, 0),
        not_held=(1, 0, 0, 0, 0, 0),
        repeated=(1, 0, 0, 0, 0, 0),
    ),
    **table4(recon=(0, 0, 0, 1), direct=(0, 0, 0, 0), review=(0, 0, 0, 0)),
}

# 某某市公安局 2022 (2021 form)
POLICE_2022 = {
    **table2_2021(
        guizhang=(0, 0, 0), normative=(3, 1, 22), licensing=48213, penalty=26974, enforcement=3318, fees="2764.5"
    ),
    **table3(
        F2021,
        new=(152, 12, 0, 0, 9, 4),
        carried=(6, 0, 0, 0, 1, 0),
        public=(36, 3, 0, 0, 2, 1),
        partial=(12, 2, 0, 0, 1, 0),
        state_secret=(2, 0, 0, 0, 0, 0),
        prohibited=(3, 0, 0, 0, 0, 0),
        three_securities=(4, 0, 0, 0, 0, 0),
        third_party=(9, 1, 0, 0, 1, 0),
        internal_affairs=(3, 0, 0, 0, 0, 0),
        process_info=(5, 0, 0, 0, 0, 0),
        enforcement_files=(14, 1, 0, 0, 2, 1),
        query_matters=(8, 0, 0, 0, 1, 0),
        not_held=(27, 3, 0, 0, 1, 1),
        needs_making=(6, 1, 0, 0, 0, 0),
        still_unclear=(3, 0, 0, 0, 0, 0),
        petitions=(9, 0, 0, 0, 0, 0),
        repeated=(5, 0, 0, 0, 0, 0),
        mass_repeated=(2, 0, 0, 0, 0, 0),
        confirmation=(1, 0, 0, 0, 0, 0),
        no_supplement=(4, 0, 0, 0, 0, 0),
        other_reason=(2, 0, 0, 0, 0, 1),
    ),
    **table4(recon=(11, 2, 1, 3), direct=(4, 1, 0, 2), review=(2, 0, 1, 1)),
}

# 某某市自然资源和规划局 2021 (2021 form)
NATURAL_RESOURCES_2021 = {
    **table2_2021(
        guizhang=(0, 0, 0), normative=(6, 4, 41), licensing=3862, penalty=214, enforcement=9, fees="25731.42"
    ),
    **table3(
        F2021,
        new=(90, 15, 1, 2, 7, 3),
        carried=(3, 2, 0, 0, 1, 0),
        public=(30, 6, 1, 1, 3, 1),
        partial=(10, 3, 0, 0, 1, 0),
        state_secret=(1, 0, 0, 0, 0, 0),
        third_party=(4, 1, 0, 0, 0, 0),
        internal_affairs=(2, 0, 0, 0, 0, 0),
        process_info=(5, 1, 0, 0, 1, 0),
        enforcement_files=(3, 0, 0, 0, 1, 0),
        query_matters=(2, 0, 0, 0, 0, 0),
        not_held=(19, 3, 0, 1, 1, 1),
        needs_making=(4, 1, 0, 0, 0, 0),
        still_unclear=(2, 0, 0, 0, 0, 0),
        petitions=(3, 0, 0, 0, 0, 0),
        repeated=(2, 0, 0, 0, 0, 0),
        publications=(1, 0, 0, 0, 0, 0),
        confirmation=(1, 0, 0, 0, 0, 0),
        no_supplement=(1, 0, 0, 0, 0, 0),
        other_reason=(1, 0, 0, 0, 0, 1),
    ),
    **table4(recon=(1, 0, 0, 1), direct=(0, 0, 1, 0), review=(0, 0, 0, 0)),
}

# 某某县文化广电和旅游局 2021 (2021 form; 其他法律行政法规禁止公开 is planted, see the document)
CULTURE_2021 = {
    **table2_2021(guizhang=(0, 0, 0), normative=(2, 1, 14), licensing=127, penalty=18, enforcement=0, fees="0"),
    **table3(
        F2021,
        new=(46, 8, 0, 1, 3, 2),
        carried=(2, 1, 0, 0, 0, 0),
        public=(18, 3, 0, 1, 1, 1),
        partial=(6, 1, 0, 0, 1, 0),
        state_secret=(1, 0, 0, 0, 0, 0),
        third_party=(2, 1, 0, 0, 0, 0),
        process_info=(3, 0, 0, 0, 0, 0),
        not_held=(9, 2, 0, 0, 1, 0),
        needs_making=(2, 0, 0, 0, 0, 0),
        petitions=(2, 0, 0, 0, 0, 0),
        repeated=(1, 0, 0, 0, 0, 0),
        no_supplement=(1, 0, 0, 0, 0, 0),
        other_reason=(1, 0, 0, 0, 0, 1),
    ),
    **table4(recon=(1, 0, 0, 0), direct=(0, 0, 0, 0), review=(0, 0, 0, 0)),
}

# XX县人民政府 2020 (2019 form, labels annotated as in Hubei)
COUNTY_GOV_2020 = {
    **table2_2019(
        guizhang=(0, 0, 0),
        normative=(9, 9, 72),
        licensing=(245, -8, 10457),
        other_services=(132, 6, 5613),
        penalty=(1874, 41, 2266),
        enforcement=(97, -5, 131),
        fees=(38, -4),
        procurement=(67, "4829.6713"),
    ),
    **table3(
        F2019,
        new=(83, 9, 0, 1, 4, 2),
        carried=(4, 0, 0, 0, 1, 0),
        public=(30, 3, 0, 0, 1, 1),
        partial=(9, 1, 0, 0, 1, 0),
        three_securities=(1, 0, 0, 0, 0, 0),
        third_party=(3, 1, 0, 0, 0, 0),
        internal_affairs=(2, 0, 0, 0, 0, 0),
        process_info=(3, 0, 0, 0, 0, 0),
        enforcement_files=(2, 0, 0, 0, 1, 0),
        query_matters=(4, 0, 0, 0, 0, 0),
        not_held=(19, 2, 0, 1, 1, 1),
        needs_making=(3, 1, 0, 0, 0, 0),
        still_unclear=(1, 0, 0, 0, 0, 0),
        petitions=(3, 0, 0, 0, 0, 0),
        repeated=(2, 0, 0, 0, 0, 0),
        publications=(1, 0, 0, 0, 0, 0),
        other_handling=(2, 0, 0, 0, 0, 0),
    ),
    **table4(recon=(6, 1, 2, 1), direct=(3, 0, 1, 2), review=(1, 0, 0, 1)),
}

# 某某市生态环境局 2020 (2019 form)
CITY_ENV_2020 = {
    **table2_2019(
        guizhang=(0, 0, 0),
        normative=(3, 3, 25),
        licensing=(18, 0, 1276),
        other_services=(7, 1, 389),
        penalty=(412, 15, 327),
        enforcement=(6, 0, 21),
        fees=(1, 0),
        procurement=(9, "512.36"),
    ),
    **table3(
        F2019,
        new=(34, 22, 2, 5, 3, 1),
        carried=(1, 2, 0, 0, 0, 0),
        public=(12, 9, 1, 2, 1, 0),
        partial=(6, 4, 1, 1, 0, 0),
        third_party=(1, 2, 0, 0, 0, 0),
        process_info=(1, 1, 0, 0, 0, 0),
        enforcement_files=(1, 0, 0, 0, 1, 0),
        not_held=(8, 4, 0, 1, 1, 1),
        needs_making=(2, 1, 0, 0, 0, 0),
        still_unclear=(1, 0, 0, 0, 0, 0),
        petitions=(2, 0, 0, 0, 0, 0),
        repeated=(1, 1, 0, 0, 0, 0),
        other_handling=(0, 1, 0, 0, 0, 0),
    ),
    **table4(recon=(2, 0, 0, 1), direct=(1, 0, 0, 0), review=(0, 0, 0, 0)),
}

# 某某县教育局 2019 (2019 form)
COUNTY_EDU_2019 = {
    **table2_2019(
        guizhang=(0, 0, 0),
        normative=(2, 2, 11),
        licensing=(9, 0, 126),
        other_services=(4, 1, 2310),
        penalty=(6, 0, 3),
        enforcement=(0, 0, 0),
        fees=(2, 0),
        procurement=(14, "356.2"),
    ),
    **table3(
        F2019,
        new=(12, 1, 0, 0, 0, 0),
        carried=(0, 0, 0, 0, 0, 0),
        public=(6, 1, 0, 0, 0, 0),
        partial=(1, 0, 0, 0, 0, 0),
        third_party=(1, 0, 0, 0, 0, 0),
        not_held=(2, 0, 0, 0, 0, 0),
        petitions=(1, 0, 0, 0, 0, 0),
    ),
    **table4(recon=(0, 0, 0, 0), direct=(0, 0, 0, 0), review=(0, 0, 0, 0)),
}

# 某某省人民政府办公厅 2019 (2019 form; 行政许可's 本年增/减 planted wrong, see the document)
PROVINCE_OFFICE_2019 = {
    **table2_2019(
        guizhang=(11, 11, 243),
        normative=(35, 35, 612),
        licensing=(214, -236, 8864),
        other_services=(58, 3, 1207),
        penalty=(12, 0, 5),
        enforcement=(3, 0, 0),
        fees=(6, -1),
        procurement=(86, "6721.0935"),
    ),
    **table3(
        F2019,
        new=(412, 57, 6, 9, 23, 11),
        carried=(17, 3, 0, 1, 1, 0),
        public=(168, 24, 3, 4, 9, 4),
        partial=(41, 8, 1, 1, 3, 1),
        state_secret=(3, 0, 0, 0, 0, 0),
        prohibited=(2, 1, 0, 0, 0, 0),
        three_securities=(1, 0, 0, 0, 0, 0),
        third_party=(14, 3, 0, 0, 1, 0),
        internal_affairs=(6, 1, 0, 0, 0, 0),
        process_info=(11, 2, 1, 0, 1, 0),
        enforcement_files=(4, 0, 0, 0, 0, 0),
        query_matters=(7, 0, 0, 0, 1, 0),
        not_held=(97, 12, 1, 2, 4, 3),
        needs_making=(13, 2, 0, 0, 1, 0),
        still_unclear=(6, 0, 0, 1, 0, 1),
        petitions=(15, 1, 0, 0, 0, 0),
        repeated=(11, 1, 0, 0, 1, 1),
        publications=(3, 0, 0, 0, 0, 0),
        mass_repeated=(4, 0, 0, 0, 0, 0),
        confirmation=(5, 0, 0, 0, 0, 0),
        other_handling=(9, 2, 0, 1, 1, 0),
    ),
    **table4(recon=(19, 4, 3, 6), direct=(12, 2, 3, 5), review=(5, 1, 1, 2)),
}

# the 2014 statistics table (2017 form)
PROVINCE_NDRC_2017 = old_form(
    published=28643,
    normative_published=96,
    normative_issued=96,
    gazette=412,
    website=24387,
    weibo=3125,
    wechat=2960,
    other_channel=518,
    hot_topics=36,
    press_conferences=58,
    press_leaders=12,
    interviews=24,
    interview_leaders=9,
    interpretations=187,
    social_responses=41,
    other_responses=15,
    received=634,
    in_person=58,
    fax=3,
    online=431,
    letter=139,
    other_form=3,
    closed=621,
    on_time=603,
    extended=18,
    answered=621,
    already_public=87,
    granted=215,
    partly_granted=46,
    refused=38,
    state_secret=5,
    trade_secret=3,
    privacy=7,
    security=2,
    not_government_info=15,
    other_law=6,
    not_this_agency=104,
    nonexistent=97,
    amend=22,
    other_route=12,
    reconsideration=21,
    upheld=15,
    corrected=2,
    other=4,
    litigation=9,
    litigation_upheld=6,
    litigation_corrected=1,
    litigation_other=2,
    complaints=3,
    complaints_upheld=2,
    complaints_corrected=0,
    complaints_other=1,
    archives=1850,
    paper=1200,
    electronic=650,
    offices=1,
    reading_points=12,
    staff=9,
    full_time=3,
    part_time=6,
    funding="45.8",
    meetings=4,
    classes=6,
    trainees=480,
)
DISTRICT_2018 = old_form(  # 其中：主要负责同志参加新闻发布会次数 is planted above its parent
    published=3862,
    normative_published=14,
    normative_issued=14,
    gazette=126,
    website=3518,
    weibo=842,
    wechat=655,
    other_channel=37,
    hot_topics=9,
    press_conferences=2,
    press_leaders=3,
    interviews=4,
    interview_leaders=2,
    interpretations=23,
    social_responses=6,
    other_responses=3,
    received=47,
    in_person=12,
    fax=0,
    online=26,
    letter=8,
    other_form=1,
    closed=45,
    on_time=43,
    extended=2,
    answered=45,
    already_public=9,
    granted=17,
    partly_granted=4,
    refused=3,
    state_secret=0,
    trade_secret=1,
    privacy=1,
    security=0,
    not_government_info=1,
    other_law=0,
    not_this_agency=5,
    nonexistent=6,
    amend=1,
    other_route=0,
    reconsideration=2,
    upheld=1,
    corrected=0,
    other=1,
    litigation=1,
    litigation_upheld=1,
    litigation_corrected=0,
    litigation_other=0,
    complaints=0,
    complaints_upheld=0,
    complaints_corrected=0,
    complaints_other=0,
    archives=240,
    paper=160,
    electronic=80,
    offices=1,
    reading_points=3,
    staff=5,
    full_time=1,
    part_time=4,
    funding="6.5",
    meetings=3,
    classes=2,
    trainees=120,
)
CITY_STATS_2018 = old_form(  # 收到申请数 is planted 9 while its five channels add up to 8
    published=1245,
    normative_published=3,
    normative_issued=3,
    gazette=0,
    website=1198,
    weibo=0,
    wechat=312,
    other_channel=15,
    hot_topics=2,
    press_conferences=4,
    press_leaders=1,
    interviews=1,
    interview_leaders=0,
    interpretations=6,
    social_responses=1,
    other_responses=0,
    received=9,
    in_person=2,
    fax=0,
    online=5,
    letter=1,
    other_form=0,
    closed=8,
    on_time=8,
    extended=0,
    answered=8,
    already_public=2,
    granted=4,
    partly_granted=0,
    refused=0,
    state_secret=0,
    trade_secret=0,
    privacy=0,
    security=0,
    not_government_info=0,
    other_law=0,
    not_this_agency=1,
    nonexistent=1,
    amend=0,
    other_route=0,
    reconsideration=0,
    upheld=0,
    corrected=0,
    other=0,
    litigation=0,
    litigation_upheld=0,
    litigation_corrected=0,
    litigation_other=0,
    complaints=0,
    complaints_upheld=0,
    complaints_corrected=0,
    complaints_other=0,
    archives=36,
    paper=36,
    electronic=0,
    offices=1,
    reading_points=1,
    staff=2,
    full_time=0,
    part_time=2,
    funding="0",
    meetings=2,
    classes=1,
    trainees=35,
)


# ---------------------------------------------------------------------------------------------
# The documents: one function each, with what it exercises and what is planted in it
# ---------------------------------------------------------------------------------------------

DOCUMENTS: list[Callable[[], None]] = []
PDF_SOURCES: dict[str, tuple[str, bytes]] = {}  # the PDF's name -> (source file name, its bytes)
WRITTEN: dict[str, bytes] = {}


def document(fn: Callable[[], None]) -> Callable[[], None]:
    DOCUMENTS.append(fn)
    return fn


def write(name: str, data: bytes) -> None:
    assert name not in WRITTEN, name
    WRITTEN[name] = data


def pdf_from(name: str, source_name: str, data: bytes) -> None:
    """`name` is made by LibreOffice from `source_name` (a .docx or .html, not kept)."""
    PDF_SOURCES[name] = (source_name, data)


V_DISTRICT = Voice("我区", "全区", "区政府门户网站", "区政务服务中心", "各街道（乡镇）和区直部门")
V_CITY = Voice("我市", "全市", "市政府门户网站", "市政务服务中心", "各县（市、区）和市直部门")
V_COUNTY = Voice("我县", "全县", "县政府门户网站", "县政务服务中心", "各乡镇和县直部门")
V_MARKET = Voice("我局", "全局", "县政府门户网站", "局办事大厅", "股室、市场监管所")
V_PROVINCE_ENV = Voice("我厅", "全厅", "厅门户网站", "厅政务服务窗口", "处室、直属单位")
ENV_WORDS = [
    ("围绕市场监管重点工作", "围绕生态环境保护重点工作"),
    ("某某县市场监管”微信公众号", "某某生态环境”微信公众号"),
    ("消费提示、食品抽检结果", "环境质量状况、建设项目环评审批结果"),
    (
        "围绕优化营商环境发布涉企政策解读8篇，其中针对研发投入强度较低（R&D <5%）的中小企业，专题解读了研发费用加计扣除、"
        "知识产权质押融资等扶持政策。",
        "围绕打好污染防治攻坚战发布政策解读11篇，对排污许可、环境影响评价等涉企政策作了专题解读。",
    ),
    ("行政处罚信息公开不够及时", "环境行政处罚信息公开不够及时"),
    ("县人大代表建议5件、县政协提案7件", "省人大代表建议12件、省政协提案9件"),
]


def fullwidth_some(cid: str) -> bool:
    """Full-width digits in the cells a clerk typed with a Chinese input method: the 总计 column."""
    return cid.endswith(".total") or cid.endswith("_total")


@document
def district_gov_2020() -> None:
    """GBK page of a district government in a layout table, 2019 form: p/span cells, &nbsp;,
    labels broken by <br>, full-width digits. Clean; the year before district-gov-2021.pdf."""
    agency, year = "某某市某某区人民政府", 2020
    v = DISTRICT_2020
    rep = Report(
        "district-gov-2020",
        F2019,
        agency,
        year,
        v,
        modern_text(F2019, agency, year, v, text="city", voice=V_DISTRICT, words=[("政府规章", "规章")]),
        standard_tables(F2019),
    )
    relabel(
        rep.tables["t3"], {"商业企业": "商业\n企业", "社会公益组织": "社会公益\n组织", "法律服务机构": "法律服务\n机构"}
    )
    page = html_page(
        rep,
        charset="gbk",
        st=HtmlStyle(p_span=True, nbsp=True, br=9, fullwidth=fullwidth_some),
        site=Site(agency, "2021-01-25", "区政府办公室", 2318),
        layout=True,
    )
    write("district-gov-2020.html", page.replace(b"\n", b"\r\n"))


@document
def city_office_2021() -> None:
    """GBK page, layout table, table 三's heading rows printed again in the middle (a table
    pasted from Word across a page break). Planted: 新收/自然人 268 typed 286."""
    agency, year = "XX市人民政府办公室", 2021
    v = dict(CITY_OFFICE_2021)
    v["new.natural"] = 286
    rep = Report(
        "city-office-2021",
        F2021,
        agency,
        year,
        v,
        modern_text(
            F2021,
            agency,
            year,
            v,
            text="city",
            voice=V_CITY,
            title=[f"{agency}{year}年度政府信息公开工作报告"],
            parts={
                "request": [
                    f"{year}年，全市各级行政机关共收到政府信息公开申请{{{{ new.total }}}}件，"
                    "上年结转{{ carried.total }}件。申请内容主要集中在征地拆迁、城市规划、"
                    "社会保障等领域。"
                ]
            },
        ),
        standard_tables(F2021),
    )
    page = html_page(
        rep,
        charset="gbk",
        st=HtmlStyle(th=True),
        site=Site("XX市人民政府", "2022-01-28", "市政府办公室"),
        layout=True,
        cuts={"t3": TableLayout("repeat", "（四）无法提供")},
    )
    write("city-office-2021.html", page)


@document
def county_gov_2022() -> None:
    """UTF-8 page in <div>s; table 三 split into two <table>s, the second repeating the
    heading rows. Clean; county-gov-2023.txt copies its text."""
    agency, year = "某某县人民政府", 2022
    v = COUNTY_2022
    rep = Report(
        "county-gov-2022",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="city", voice=V_COUNTY),
        standard_tables(F2021),
    )
    page = html_page(
        rep,
        charset="utf-8",
        st=HtmlStyle(),
        site=Site(agency, "2023-01-18", "县政府办公室", 967),
        cuts={"t3": TableLayout("split", "（三）不予公开")},
    )
    write("county-gov-2022.html", page)


def county_gov_2023_report() -> Report:
    agency, year = "某某县人民政府", 2023
    v = COUNTY_2023
    return Report(
        "county-gov-2023",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="city", voice=V_COUNTY),
        standard_tables(F2021),
    )


@document
def county_gov_2023() -> None:
    """Text copied from the web page in a browser: a table row a line, cells apart by tabs.
    Planted: the text is 2022's, word for word but for the years and figures."""
    write("county-gov-2023.txt", copied_text(county_gov_2023_report()).encode("utf-8"))


S2T = opencc.OpenCC("s2t")


@document
def province_env_2022_big5() -> None:
    """The site's big5 gateway: the whole page, labels too, in traditional script (結轉下年度),
    encoded big5. Clean; the year after province-env-2021.pdf."""
    agency, year = "某某省生态环境厅", 2022
    v = PROVINCE_ENV_2022
    rep = Report(
        "province-env-2022-big5",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="B", voice=V_PROVINCE_ENV),
        standard_tables(F2021),
    )
    page = html_page(
        rep, charset="big5", st=HtmlStyle(), site=Site(agency, "2023-01-30", "厅办公室", 412), convert=S2T.convert
    )
    write("province-env-2022-big5.html", page)


TOWN_BLANKS = {
    **{f"guizhang.{c}": "/" for c in ("issued", "repealed", "in_force")},
    "licensing.licence_decisions": "—",
    "enforcement.sanction_decisions": "",
    "fees.fee_amount": "/",
    **{f"publications.{c}": "" for c in (*APPLICANTS, "total")},
    **{f"query_matters.{c}": "—" for c in (*APPLICANTS, "total")},
    **{f"{g}_{c}": "—" for g in ("direct", "review") for c in ("upheld", "corrected", "other", "pending", "total")},
}


@document
def town_2023() -> None:
    """A township's page (gb2312): figures with their unit (5件), zeros left blank or printed
    —, /; label typos. Planted: the text says no reconsideration, the table has one pending."""
    agency, year = "某某县某某镇人民政府", 2023
    v = dict(TOWN_2023)
    active = (
        "全年通过县政府门户网站“乡镇信息公开”专栏主动公开各类信息86条，制发行政规范性文件{{ normative.issued }}件，"
        "作出行政处罚决定{{ penalty.sanction_decisions }}件，均按规定公开。"
    )
    voice = Voice("我镇", "全镇", "县政府门户网站", "镇便民服务中心", "各村（社区）和镇直单位")
    rep = Report(
        "town-2023",
        F2021,
        agency,
        year,
        v,
        modern_text(
            F2021,
            agency,
            year,
            v,
            text="B",
            voice=voice,
            title=[f"{agency}{year}年度政府信息公开工作年度报告"],
            parts={"active": [active], "t4": [NO_CASES]},
        ),
        standard_tables(F2021),
    )
    for cid, mark in TOWN_BLANKS.items():
        rep.values[cid] = None
        rep.printed[cid] = mark
    rep.unit = lambda cid, n: f"{n}件" if n else number_text(n)
    relabel(
        rep.tables["t3"],
        {
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开（区分处理的，只计这一情况，不计其他情形）",
            "5.属于三类内部事务信息": "5.属于三类内容事务信息",
            "商业企业": "商业 企业",
            "1.本机关不掌握相关政府信息": "1、本机关不掌握相关政府信息",
        },
    )
    page = html_page(
        rep, charset="gb2312", st=HtmlStyle(nbsp=True), site=Site("某某县人民政府", "2024-01-19", "某某镇人民政府")
    )
    write("town-2023.html", page)


@document
def city_gov_2019() -> None:
    """UTF-8 bare article; table 三 with a 小计 sub-column under 法人或其他组织 and 小计 rows
    for （三）（四）（五）, all adding up. Clean; the year before city-gov-2020.pdf."""
    agency, year = "某某市人民政府", 2019
    v = CITY_2019
    rep = Report(
        "city-gov-2019",
        F2019,
        agency,
        year,
        v,
        modern_text(F2019, agency, year, v, text="city", voice=V_CITY),
        standard_tables(F2019),
    )
    rows = ("new", "carried", *RESULTS[F2019], "results_total", "forward")
    rep.values.update(group_subtotals(v, ("refused", "unable", "not_processed")))
    rep.values.update(legal_subtotals(rep.values, (*rows, "refused", "unable", "not_processed")))
    add_subtotal_rows(
        rep.tables["t3"], {"refused": "（三）不予公开", "unable": "（四）无法提供", "not_processed": "（五）不予处理"}
    )
    add_legal_column(rep.tables["t3"], inside=True)
    write("city-gov-2019.html", html_page(rep, charset="utf-8", st=HtmlStyle(th=True, br=12)))


@document
def market_2021_old_row() -> None:
    """A 2021 report on the 2019 form's table 三 (one row （六）其他处理) and table 二's old
    label 规范性文件. Planted: the text says 30 applications, the table 28."""
    agency, year = "XX县市场监督管理局", 2021
    v = dict(COUNTY_DEPT_2021)
    v.update({f"other_handling.{c}": figure(v, f"other_handling.{c}") for c in (*APPLICANTS, "total")})
    for c in (*APPLICANTS, "total"):
        for r in OTHER_2021:
            del v[f"{r}.{c}"]
    rep = Report(
        "market-2021-old-row",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="county", voice=V_MARKET, words=[("某某县", "XX县")]),
        {
            "t2": relabel(table2_grid(F2021), {"行政规范性文件": "规范性文件"}),
            "t3": _layout(F2019, "t3"),
            "t4": _layout(F2021, "t4"),
        },
    )
    rep.plant("全年共收到政府信息公开申请28件", "全年共收到政府信息公开申请30件")
    write(
        "market-2021-old-row.html",
        html_page(rep, charset="utf-8", st=HtmlStyle(), site=Site("XX县人民政府", "2022-01-21", agency, 233)),
    )


@document
def province_ndrc_2017() -> None:
    """GBK page in a layout table, 2014 statistics table (2017 form) headed 指标名称/单位/统计数,
    labels indented with &nbsp;. Clean."""
    agency, year = "XX省发展和改革委员会", 2017
    v = PROVINCE_NDRC_2017
    rep = Report(
        "province-ndrc-2017",
        F2017,
        agency,
        year,
        v,
        old_text(
            agency,
            year,
            v,
            who="我委",
            title=[f"{agency}{year}年政府信息公开工作年度报告"],
            attachment=f"{agency}{year}年政府信息公开情况统计表",
            date="2018年3月20日",
        ),
        {"stats": stats_grid(("指标名称", "单位", "统计数"))},
    )
    page = html_page(
        rep,
        charset="gbk",
        st=HtmlStyle(p_span=True),
        site=Site("XX省人民政府", "2018-03-26", agency, 5120),
        layout=True,
    )
    write("province-ndrc-2017.html", page)


def word_html(rep: Report, charset: str) -> bytes:
    """A page as Word's "save as web page" writes it: mso styles, <o:p>, unquoted attributes."""

    def cell(c: Cell) -> str:
        text = (
            html.escape(rep.cell_text(c.cid))
            if c.cid
            else "<br>".join(html.escape(x) for x in (*c.text.split("\n"), *c.notes))
        )
        span = "".join(f" {k}={n}" for k, n in (("rowspan", c.rowspan), ("colspan", c.colspan)) if n > 1)
        lang = " lang=EN-US" if c.cid else ""
        return (
            f"<td{span} style='border:solid windowtext 1.0pt;padding:0cm 5.4pt'><p class=MsoNormal align=center>"
            f"<span{lang} style='font-size:9.0pt'>{text}<o:p></o:p></span></p></td>"
        )

    out = []
    for kind, text in rep.blocks:
        t = html.escape(text)
        if kind == "title":
            out.append(
                f"<p class=MsoNormal align=center style='text-align:center'><b><span style='font-size:22.0pt;"
                f"font-family:方正小标宋简体'>{t}<o:p></o:p></span></b></p>"
            )
        elif kind == "table":
            g = rep.tables[text]
            rows = "\n".join(
                f"<tr style='mso-yfti-irow:{i}'>" + "".join(cell(c) for c in row) + "</tr>"
                for i, row in enumerate(g.rows())
            )
            out.append(
                "<div align=center><table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
                f"style='border-collapse:collapse;border:none'>\n{rows}\n</table></div>"
            )
        elif kind in ("sign", "date"):
            out.append(
                f"<p class=MsoNormal align=right style='text-align:right'><span style='font-size:16.0pt'>{t}"
                "<o:p></o:p></span></p>"
            )
        else:
            out.append(
                f"<p class=MsoNormal style='text-indent:32.0pt'><span style='font-size:16.0pt;"
                f"font-family:仿宋_GB2312'>{t}<o:p></o:p></span></p>"
            )
    page = f"""<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset={charset}">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15">
<!--[if gte mso 9]><xml>
 <w:WordDocument><w:View>Print</w:View><w:Zoom>100</w:Zoom></w:WordDocument>
</xml><![endif]-->
<style>
<!--
p.MsoNormal {{mso-style-parent:""; margin:0cm; text-align:justify; font-size:10.5pt; font-family:"Times New Roman";}}
@page WordSection1 {{size:595.3pt 841.9pt; margin:72.0pt 90.0pt 72.0pt 90.0pt;}}
div.WordSection1 {{page:WordSection1;}}
-->
</style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1>
{chr(10).join(out)}
</div>
</body>
</html>
"""
    return page.encode(charset, errors="xmlcharrefreplace")


EDU_WORDS = [
    ("围绕市场监管重点工作", "围绕教育重点工作"),
    ("某某县市场监管”微信公众号", "某某县教育”微信公众号"),
    ("消费提示、食品抽检结果", "招生入学、学生资助政策"),
    (
        "围绕优化营商环境发布涉企政策解读8篇，其中针对研发投入强度较低（R&D <5%）的中小企业，专题解读了研发费用加计扣除、"
        "知识产权质押融资等扶持政策。",
        "围绕义务教育招生入学发布政策解读6篇。",
    ),
    ("行政处罚信息公开不够及时", "教育收费信息公开不够及时"),
    ("建立了行政处罚决定作出后7个工作日内公示的工作机制", "建立了收费项目调整后7个工作日内公示的工作机制"),
]


@document
def county_edu_2019() -> None:
    """A Word document saved as a web page and published as .doc (it is HTML, gb2312)."""
    agency, year = "某某县教育局", 2019
    v = COUNTY_EDU_2019
    voice = Voice("我局", "全局", "县政府门户网站", "局政务服务窗口", "股室、各学校")
    rep = Report(
        "county-edu-2019",
        F2019,
        agency,
        year,
        v,
        modern_text(F2019, agency, year, v, text="county", voice=voice, words=EDU_WORDS, date="2020年1月17日"),
        standard_tables(F2019),
    )
    write("county-edu-2019.doc", word_html(rep, "gb2312"))


@document
def county_dept_2020() -> None:
    """python-docx: headings, paragraphs, tables merged with gridSpan and vMerge; 2019 form.
    Clean; the year before county-dept-2021.docx."""
    agency, year = "某某县市场监督管理局", 2020
    v = COUNTY_DEPT_2020
    rep = Report(
        "county-dept-2020",
        F2019,
        agency,
        year,
        v,
        modern_text(F2019, agency, year, v, text="B", voice=V_MARKET, date="2021年1月22日"),
        standard_tables(F2019),
    )
    doc = docx_document()
    docx_blocks(doc, rep)
    write("county-dept-2020.docx", docx_bytes(doc))


def county_dept_2021_report() -> Report:
    agency, year = "某某县市场监督管理局", 2021
    v = COUNTY_DEPT_2021
    return Report(
        "county-dept-2021",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="county", voice=V_MARKET, date=CD.get("date")),
        standard_tables(F2021),
    )


@document
def county_dept_2021() -> None:
    """python-docx, 2021 form, the example's text and figures. Clean; county-dept-2020.docx is
    the year before (its 结转下年度 = this year's 上年结转)."""
    doc = docx_document()
    docx_blocks(doc, county_dept_2021_report())
    write("county-dept-2021.docx", docx_bytes(doc))


@document
def county_dept_2021_scanned() -> None:
    """The same report scanned: a PDF of page images, no text layer."""
    doc = docx_document(font="Noto Serif CJK SC")
    docx_blocks(doc, county_dept_2021_report())
    pdf_from("county-dept-2021-scanned.pdf", "county-dept-2021-scanned.docx", docx_bytes(doc))


@document
def district_2018() -> None:
    """python-docx, 2014 statistics table (2017 form), title with 二〇一八年度, the table in a
    section of its own. Planted: 其中：主要负责同志参加新闻发布会次数 3 above its parent 2."""
    agency, year = "XX市XX区人民政府", 2018
    v = DISTRICT_2018
    rep = Report(
        "district-2018",
        F2017,
        agency,
        year,
        v,
        old_text(
            agency,
            year,
            v,
            who="我区",
            title=[agency, "二〇一八年度政府信息公开工作年度报告"],
            attachment="XX区2018年度政府信息公开工作情况统计表",
            date="2019年3月15日",
        ),
        {"stats": stats_grid()},
    )
    doc = docx_document()
    docx_blocks(doc, rep, size=10.5)
    write("district-2018.docx", docx_bytes(doc))


@document
def city_police_2022_nested() -> None:
    """python-docx: the whole report inside a one-cell layout table (no borders), its tables
    nested in that cell. Planted: 结转下年度/自然人 5 and 总计 8 (the flow gives 3 and 6)."""
    agency, year = "某某市公安局", 2022
    v = dict(POLICE_2022)
    v["forward.natural"], v["forward.total"] = 5, 8
    voice = Voice("我局", "全局", "市公安局门户网站", "市公安局政务服务大厅", "警种、各分局")
    rep = Report(
        "city-police-2022-nested",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="B", voice=voice),
        standard_tables(F2021),
    )
    doc = docx_document()
    frame = doc.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    docx_blocks(cell, rep, headings=False)
    write("city-police-2022-nested.docx", docx_bytes(doc))


@document
def natural_resources_2021_wps() -> None:
    """document.xml written by hand as WPS writes it (no w:tblGrid, w:vMerge without w:val),
    zipped with the three parts a .docx needs. Planted: table 四 left out."""
    agency, year = "某某市自然资源和规划局", 2021
    v = NATURAL_RESOURCES_2021
    voice = Voice("我局", "全局", "市政府门户网站", "市民服务中心自然资源窗口", "科室、分局")
    blocks = modern_text(
        F2021, agency, year, v, text="B", voice=voice, title=[f"{agency}{year}年度政府信息公开工作报告"]
    )
    blocks.remove(("table", "t4"))
    rep = Report("natural-resources-2021-wps", F2021, agency, year, v, blocks, standard_tables(F2021))
    write("natural-resources-2021-wps.docx", wps_docx(rep))


@document
def county_culture_2021_autonumbered() -> None:
    """A WPS document whose numbers are automatic (Word's list numbering): the headings
    (一、 （一）) from lists linked to the heading styles, table 三's row labels (一、 （一） 1.)
    from a list on each label; the text has none of them. Planted: 2.其他法律行政法规禁止公开
    printed 2 (自然人 and 总计) where the row adds nothing to （七）总计."""
    agency, year = "某某县文化广电和旅游局", 2021
    v = dict(CULTURE_2021)
    v["prohibited.natural"], v["prohibited.total"] = 2, 2
    voice = Voice("我局", "全局", "县政府门户网站", "局政务服务窗口", "股室、直属单位")
    rep = Report(
        "county-culture-2021-autonumbered",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="B", voice=voice, date="2022年1月25日"),
        standard_tables(F2021),
    )
    write("county-culture-2021-autonumbered.docx", wps_numbered_docx(rep))


@document
def city_gov_2020() -> None:
    """PDF by LibreOffice from a python-docx document, ruled tables; table 三 runs onto the next
    page. Planted: 上年结转 is 2019's 上年结转 (10), not 2019's 结转下年度 (12)."""
    agency, year = "某某市人民政府", 2020
    v = CITY_2020
    rep = Report(
        "city-gov-2020",
        F2019,
        agency,
        year,
        v,
        modern_text(F2019, agency, year, v, text="B", voice=V_CITY, date="2021年1月29日", brief=True),
        standard_tables(F2019),
    )
    doc = docx_document(font="Noto Sans CJK SC")
    docx_blocks(doc, rep, headings=False, bold=False)
    pdf_from("city-gov-2020.pdf", "city-gov-2020.docx", docx_bytes(doc))


PDF_CSS = "@page { size: 21cm 29.7cm; margin: 2cm } body { font-family: 'Noto Sans CJK SC'; font-size: 10.5pt }"


@document
def district_gov_2021() -> None:
    """PDF by LibreOffice from an HTML page whose tables have no borders. Planted: a share,
    予以公开和部分公开 41 of 87 printed 57.1% (it is 47.1%). The year after district-gov-2020.html."""
    agency, year = "某某市某某区人民政府", 2021
    v = DISTRICT_2021
    rep = Report(
        "district-gov-2021",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="B", voice=V_DISTRICT, brief=True),
        standard_tables(F2021),
    )
    rep.plant("结转下年度继续办理3件。", "结转下年度继续办理3件。予以公开和部分公开共41件，占办结总数的57.1%。")
    page = html_page(rep, charset="utf-8", st=HtmlStyle(border=False, font="Noto Sans CJK SC", bold=False), css=PDF_CSS)
    pdf_from("district-gov-2021.pdf", "district-gov-2021.html", page)


@document
def shandong_fao_2017() -> None:
    """PDF by LibreOffice from an HTML page: the seed report abridged (sections 四 to 七 and 十
    of its text, as published, and its table), the statistics table ruled and running over two
    pages. Planted by the agency itself: 微博、微信 1086 in the text, 567 + 499 = 1066 in the table."""
    v = FAO_2017
    rep = Report(
        "shandong-fao-2017",
        F2017,
        "山东省人民政府外事办公室",
        2017,
        v,
        fao_text(v, (3, 4, 5, 6, 9)),
        {"stats": stats_grid()},
    )
    rep.plant("微信共发布信息1066条", "微信共发布信息1086条")
    page = html_page(rep, charset="utf-8", st=HtmlStyle(font="Noto Sans CJK SC", bold=False), css=PDF_CSS)
    pdf_from("shandong-fao-2017.pdf", "shandong-fao-2017.html", page)


@document
def province_office_2019() -> None:
    """PDF by LibreOffice from an HTML page with ruled tables, 2019 form. Planted: 行政许可
    本年增/减 -236 against 上一年项目数量 214 (the items would be -22)."""
    agency, year = "某某省人民政府办公厅", 2019
    v = PROVINCE_OFFICE_2019
    voice = Voice("我厅", "全省", "省政府门户网站", "省政务服务中心", "各市和省直部门")
    rep = Report(
        "province-office-2019",
        F2019,
        agency,
        year,
        v,
        modern_text(
            F2019, agency, year, v, text="city", voice=voice, parts={"active": [B["active_2019"].format()]}, brief=True
        ),
        standard_tables(F2019),
    )
    page = html_page(rep, charset="utf-8", st=HtmlStyle(font="Noto Sans CJK SC", bold=False), css=PDF_CSS)
    pdf_from("province-office-2019.pdf", "province-office-2019.html", page)


@document
def city_stats_2018() -> None:
    """Plain text in the seed's manner (a Word document saved as text), 2017 form. Planted:
    收到申请数 9, its five ways of applying add up to 8."""
    agency, year = "某某市统计局", 2018
    v = CITY_STATS_2018
    rep = Report(
        "city-stats-2018",
        F2017,
        agency,
        year,
        v,
        old_text(
            agency,
            year,
            v,
            who="我局",
            title=[agency, f"{year}年度政府信息公开工作年度报告"],
            attachment=f"市统计局{year}年度政府信息公开工作情况统计表",
            date="2019年1月25日",
        ),
        {"stats": stats_grid(("统　计　指　标", "单位", "统计数"))},
    )
    write("city-stats-2018.txt", seed_text(rep).encode("utf-8"))


@document
def county_gov_2020_hubei() -> None:
    """An .htm page, 2019 form, table 二's labels annotated as Hubei printed them
    (上一年项目数量(指2019年事项数) …). Clean."""
    agency, year = "XX县人民政府", 2020
    v = COUNTY_GOV_2020
    rep = Report(
        "county-gov-2020-hubei",
        F2019,
        agency,
        year,
        v,
        modern_text(F2019, agency, year, v, text="city", voice=V_COUNTY, words=[("政府规章", "规章")]),
        standard_tables(F2019),
    )
    relabel(
        rep.tables["t2"],
        {
            "上一年项目数量": "上一年项目数量(指2019年事项数)",
            "本年增/减": "本年增/减(减用负值表示，如-8)",
            "处理决定数量": "处理决定数量(指2020年办件量)",
            "规章": "规章(设区的市、自治州人民政府应提供相关数据)",
        },
    )
    write(
        "county-gov-2020-hubei.htm",
        html_page(rep, charset="utf-8", st=HtmlStyle(), site=Site(agency, "2021-01-15", "县政府办公室", 1536)),
    )


ITEM_UNITS = {
    "licence_previous": "项",
    "sanction_previous": "项",
    "fee_previous": "项",
    "licence_change": "项",
    "sanction_change": "项",
    "fee_change": "项",
    "purchases": "项",
    "purchase_amount": "万元",
}


@document
def city_env_2020() -> None:
    """python-docx, 2019 form: table 二's figures with units (1276件, 512.36万元), 规章 printed —,
    a column 法人或其他组织小计 before 总计. Planted: （七）总计/总计 68 typed 86."""
    agency, year = "某某市生态环境局", 2020
    v = dict(CITY_ENV_2020)
    v["results_total.total"] = 86
    voice = Voice("我局", "全局", "市生态环境局门户网站", "局政务服务窗口", "科室、分局")
    rep = Report(
        "city-env-2020",
        F2019,
        agency,
        year,
        v,
        modern_text(
            F2019,
            agency,
            year,
            v,
            text="county",
            voice=voice,
            words=ENV_WORDS,
            title=[f"{agency}{year}年度政府信息公开工作年度报告"],
        ),
        standard_tables(F2019),
    )
    rows = ("new", "carried", *RESULTS[F2019], "results_total", "forward")
    rep.values.update(legal_subtotals(v, rows))
    for c in ("newly_made", "newly_published", "total_published"):
        rep.values[f"guizhang.{c}"] = None
        rep.printed[f"guizhang.{c}"] = "—"

    def unit(cid: str, n: Number) -> str:
        row, _, col = cid.partition(".")
        if row in (
            "licensing",
            "other_services",
            "penalty",
            "enforcement",
            "fees",
            "procurement",
            "normative",
            "guizhang",
        ):
            return number_text(n) + ITEM_UNITS.get(col, "件")
        return number_text(n)

    rep.unit = unit
    add_legal_column(rep.tables["t3"], inside=False)
    doc = docx_document(font="宋体")
    docx_blocks(doc, rep)
    write("city-env-2020.docx", docx_bytes(doc))


@document
def province_env_2021() -> None:
    """PDF by LibreOffice from a python-docx document whose table 三 is in a landscape section.
    Clean; the year before province-env-2022-big5.html."""
    agency, year = "某某省生态环境厅", 2021
    v = PROVINCE_ENV_2021
    rep = Report(
        "province-env-2021",
        F2021,
        agency,
        year,
        v,
        modern_text(F2021, agency, year, v, text="county", voice=V_PROVINCE_ENV, words=ENV_WORDS, brief=True),
        standard_tables(F2021),
    )
    doc = docx_document(font="Noto Sans CJK SC")
    docx_blocks(doc, rep, headings=False, landscape=("t3",), doc=doc, bold=False)
    pdf_from("province-env-2021.pdf", "province-env-2021.docx", docx_bytes(doc))


# ---------------------------------------------------------------------------------------------


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for make in DOCUMENTS:
        make()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = []
        for _name, (source, data) in PDF_SOURCES.items():
            (work / source).write_bytes(data)
            sources.append(work / source)
        libreoffice_pdfs(sources, work / "pdf")
        for name, (source, _) in PDF_SOURCES.items():
            made = work / "pdf" / (Path(source).stem + ".pdf")
            if name.endswith("-scanned.pdf"):
                write(name, scan(made, pages=3, dpi=100))
            else:
                write(name, fixed_pdf(made.read_bytes()))
    for name, data in sorted(WRITTEN.items()):
        (OUT / name).write_bytes(data)
        print(f"{len(data) / 1024:6.1f} KB  {name}")
    print(f"{len(WRITTEN)} documents, {sum(map(len, WRITTEN.values())) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
