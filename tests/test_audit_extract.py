"""From a read document to a data file (audit.extract, audit.tables): the form's tables found
by their printed labels, the values written as printed and loaded back into the right cells.

Documents are built with ``document.grid``: from baobiao's own printed layout (a round trip over
generated instances, with the tables reordered, split, their headers repeated or not, headings
before them or not) and by hand, as published reports print them (typos, traditional script,
units in cells, blanks, subtotals, earlier forms' rows, table 二 as one table). Expected values
are written from the forms (formats.md), never taken from the program's output."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baobiao.audit.document import Document, Paragraph, Table, TableCell, Where, grid
from baobiao.audit.extract import Extraction, extract, read_title
from baobiao.instance.load import Instance, load_instance
from baobiao.instance.narrative import Para
from baobiao.instance.paragraph import literal, namespace, render_para
from baobiao.instance.values import format_number
from baobiao.model import Form, all_entries
from baobiao.pipeline import compile_source, load_spec
from baobiao.report.layout import grid as layout
from baobiao.source import Source
from baobiao.testing import slipped_label, valid_instances

Rows = list[list[TableCell]]
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
COLUMNS = ("natural", "commercial", "research", "social", "legal_service", "other_org", "total")


def form_of(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


F2017, F2019, F2021 = (form_of(f"gov-disclosure-{y}") for y in (2017, 2019, 2021))


def C(text: str, rowspan: int = 1, colspan: int = 1) -> TableCell:
    return TableCell(text, 0, 0, rowspan, colspan)


def document(*parts: str | Rows, title: str = "某某县市场监督管理局2021年政府信息公开工作年度报告") -> Document:
    """A document: a title, then each part a paragraph (a string) or a table (its rows)."""
    blocks: list[Paragraph | Table] = [Paragraph(title, heading=True)] if title else []
    for part in parts:
        if isinstance(part, str):
            blocks.append(Paragraph(part))
        else:
            number = sum(isinstance(b, Table) for b in blocks) + 1
            blocks.append(grid(part, Where(table=number)))
    return Document("report.html", "html", tuple(blocks))


def loaded(extraction: Extraction) -> tuple[Instance, list[str]]:
    instance, problems = load_instance(extraction.form, Source("report.yaml", extraction.yaml_text))
    assert instance is not None, [(d.code, dict(d.args)) for d in problems]
    return instance, [d.code for d in problems]


def texts(instance: Instance) -> dict[str, str]:
    return {k: v.text for k, v in instance.values.items()}


def codes(extraction: Extraction) -> list[str]:
    """The extraction's findings, but the note of the level read from the agency's name (A106,
    which most titles here give; tested on its own)."""
    return [d.code for d in extraction.problems if d.code != "A106"]


# -- table 三 as published ---------------------------------------------------------------------

T3_HEADER: Rows = [
    [C(NOTE, 3, 3), C("申请人情况", 1, 7)],
    [C("自然人", 2), C("法人或其他组织", 1, 5), C("总计", 2)],
    [C("商业企业"), C("科研机构"), C("社会公益组织"), C("法律服务机构"), C("其他")],
]
RESULTS = "三、本年度办理结果"
REFUSED = "（三）不予公开："
UNABLE = "（四）无法提供："
NOT_PROCESSED = "（五）不予处理："
OTHER = "（六）其他处理"
#: table 三 of the 2021 form: the printed label path of each row, and its id in the spec
T3_2021: list[tuple[tuple[str, ...], str]] = [
    (("一、本年新收政府信息公开申请数量",), "new"),
    (("二、上年结转政府信息公开申请数量",), "carried"),
    ((RESULTS, "（一）予以公开"), "public"),
    ((RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"), "partial"),
    ((RESULTS, REFUSED, "1.属于国家秘密"), "state_secret"),
    ((RESULTS, REFUSED, "2.其他法律行政法规禁止公开"), "prohibited"),
    ((RESULTS, REFUSED, "3.危及“三安全一稳定”"), "three_securities"),
    ((RESULTS, REFUSED, "4.保护第三方合法权益"), "third_party"),
    ((RESULTS, REFUSED, "5.属于三类内部事务信息"), "internal_affairs"),
    ((RESULTS, REFUSED, "6.属于四类过程性信息"), "process_info"),
    ((RESULTS, REFUSED, "7.属于行政执法案卷"), "enforcement_files"),
    ((RESULTS, REFUSED, "8.属于行政查询事项"), "query_matters"),
    ((RESULTS, UNABLE, "1.本机关不掌握相关政府信息"), "not_held"),
    ((RESULTS, UNABLE, "2.没有现成信息需要另行制作"), "needs_making"),
    ((RESULTS, UNABLE, "3.补正后申请内容仍不明确"), "still_unclear"),
    ((RESULTS, NOT_PROCESSED, "1.信访举报投诉类申请"), "petitions"),
    ((RESULTS, NOT_PROCESSED, "2.重复申请"), "repeated"),
    ((RESULTS, NOT_PROCESSED, "3.要求提供公开出版物"), "publications"),
    ((RESULTS, NOT_PROCESSED, "4.无正当理由大量反复申请"), "mass_repeated"),
    ((RESULTS, NOT_PROCESSED, "5.要求行政机关确认或重新出具已获取信息"), "confirmation"),
    ((RESULTS, OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"), "no_supplement"),
    ((RESULTS, OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"), "fee_unpaid"),
    ((RESULTS, OTHER, "3.其他"), "other_reason"),
    ((RESULTS, "（七）总计"), "results_total"),
    (("四、结转下年度继续办理",), "forward"),
]
#: the same rows in the 2019 form: （六）其他处理 is one row
T3_2019 = [r for r in T3_2021 if r[0][1:2] != (OTHER,)]
T3_2019.insert(20, ((RESULTS, OTHER), "other_handling"))
#: the figures of table 三 in the hand-written documents (other rows: all 0)
FIGURES = {
    "new": ("23", "4", "0", "0", "1", "0", "28"),
    "carried": ("2", "0", "0", "0", "0", "0", "2"),
    "public": ("15", "3", "0", "0", "1", "0", "19"),
    "not_held": ("6", "1", "0", "0", "0", "0", "7"),
    "results_total": ("24", "4", "0", "0", "1", "0", "29"),
    "forward": ("1", "0", "0", "0", "0", "0", "1"),
}


def figures(row: str) -> tuple[str, ...]:
    return FIGURES.get(row, ("0",) * 7)


def body(rows: Sequence[tuple[tuple[str, ...], Sequence[str]]], depth: int = 3) -> Rows:
    """Body rows as printed: a group label merged down over its rows, a row's own label spanning
    the label columns left."""
    out: Rows = []
    for i, (path, values) in enumerate(rows):
        cells: list[TableCell] = []
        for level, label in enumerate(path):
            if level == len(path) - 1:
                cells.append(C(label, 1, depth - level))
            elif i == 0 or not _in_group(rows[i - 1][0], path, level):
                span = 1
                while i + span < len(rows) and _in_group(rows[i + span][0], path, level):
                    span += 1
                cells.append(C(label, span))
        out.append(cells + [C(v) for v in values])
    return out


def _in_group(other: tuple[str, ...], path: tuple[str, ...], level: int) -> bool:
    """Whether the row ``other`` is under the group label ``path[level]`` too."""
    return len(other) > level + 1 and other[: level + 1] == path[: level + 1]


def table3(rows: Sequence[tuple[tuple[str, ...], str]] = T3_2021, header: Rows = T3_HEADER) -> Rows:
    return header + body([(path, figures(row)) for path, row in rows])


def expected3(rows: Sequence[tuple[tuple[str, ...], str]] = T3_2021) -> dict[str, str]:
    return {f"{row}.{c}": v for _, row in rows for c, v in zip(COLUMNS, figures(row), strict=True)}


# -- table 二 (2021) as one table, a header row for each kind of item, and table 四 --------------


def table2_2021() -> Rows:
    def caption(text: str) -> list[TableCell]:
        return [C(text, 1, 4)]

    return [
        caption("第二十条第（一）项"),
        [C("信息内容"), C("本年制发件数"), C("本年废止件数"), C("现行有效件数")],
        [C("规章"), C("0"), C("0"), C("0")],
        [C("行政规范性文件"), C("3"), C("1"), C("25")],
        caption("第二十条第（五）项"),
        [C("信息内容"), C("本年处理决定数量", 1, 3)],
        [C("行政许可"), C("120", 1, 3)],
        caption("第二十条第（六）项"),
        [C("信息内容"), C("本年处理决定数量", 1, 3)],
        [C("行政处罚"), C("35", 1, 3)],
        [C("行政强制"), C("0", 1, 3)],
        caption("第二十条第（八）项"),
        [C("信息内容"), C("本年收费金额（单位：万元）", 1, 3)],
        [C("行政事业性收费"), C("96171.6", 1, 3)],
    ]


EXPECTED2_2021 = {
    "guizhang.issued": "0",
    "guizhang.repealed": "0",
    "guizhang.in_force": "0",
    "normative.issued": "3",
    "normative.repealed": "1",
    "normative.in_force": "25",
    "licensing.licence_decisions": "120",
    "penalty.sanction_decisions": "35",
    "enforcement.sanction_decisions": "0",
    "fees.fee_amount": "96171.6",
}
RESULTS4 = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_VALUES = ("1", "0", "0", "0", "1", "0", "0", "0", "2", "2", "0", "1", "0", "0", "1")


def table4(values: Sequence[str] = T4_VALUES) -> Rows:
    return [
        [C("行政复议", 2, 5), C("行政诉讼", 1, 10)],
        [C("未经复议直接起诉", 1, 5), C("复议后起诉", 1, 5)],
        [C(t) for t in RESULTS4 * 3],
        [C(v) for v in values],
    ]


T4_IDS = [
    f"{group}_{result}"
    for group in ("recon", "direct", "review")
    for result in ("upheld", "corrected", "other", "pending", "total")
]
EXPECTED4 = dict(zip(T4_IDS, T4_VALUES, strict=True))

H2, H3, H4 = "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"


def full_2021() -> dict[str, str]:
    return {**EXPECTED2_2021, **expected3(), **EXPECTED4}


# -- title, year, agency -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "agency", "year"),
    [
        (["北京市海淀区人民政府2020年政府信息公开工作年度报告"], "北京市海淀区人民政府", 2020),
        (["XX市人民政府办公室2021年度政府信息公开工作报告"], "XX市人民政府办公室", 2021),
        (["二〇一八年度XX局政府信息公开工作年度报告"], "XX局", 2018),
        (["二○二一年度某某镇人民政府政府信息公开工作年度报告"], "某某镇人民政府", 2021),
        (["某某县市场监督管理局", "2021年政府信息公开工作年度报告"], "某某县市场监督管理局", 2021),
        (
            ["首页 > 政务公开 > 年度报告", "发布时间：2022-01-20", "某某县财政局2021年政府信息公开工作年度报告"],
            "某某县财政局",
            2021,
        ),
        (["某某县财政局政府信息公开工作年度报告", "2021年，我局认真贯彻落实《条例》……。"], "某某县财政局", 2021),
        (["关于2019年政府信息公开工作年度报告"], None, 2019),
        (["本机关认真贯彻《条例》，2020年共主动公开信息百余条。"], None, 2020),
    ],
)
def test_the_title_gives_the_agency_and_the_year(lines: list[str], agency: str | None, year: int | None) -> None:
    title = read_title(Document("r.html", "html", tuple(Paragraph(line) for line in lines)))
    assert (title.agency, title.year) == (agency, year)


def test_meta_missing_from_the_title_is_a_finding_and_left_out_of_the_data() -> None:
    extraction = extract(document(H4, table4(), title="政府信息公开工作年度报告"))
    assert codes(extraction).count("A105") == 2
    assert "agency" not in extraction.meta and "year" not in extraction.meta
    assert extraction.form.id == "gov-disclosure-2021"  # table 四 is alike in 2019 and 2021: the newest
    _, problems = loaded(extraction)
    assert problems.count("D311") == 2  # the loader warns of both too


def test_the_level_only_when_the_text_states_it() -> None:
    stated = extract(document("机关层级：县级政府部门", H4, table4()))
    assert stated.meta["level"] == "县级政府部门"
    passing = document(
        "我局指导县级政府部门做好公开工作。", H4, table4(), title="某某市生态环境局2021年政府信息公开工作年度报告"
    )
    assert "level" not in extract(passing).meta  # a level named in passing; a name that leaves it open


# -- the round trip: the printed layout of any valid instance reads back exactly ---------------


def layout_rows(form: Form, table_id: str, value: Callable[[str], str]) -> Rows:
    table = next(t for t in form.tables if t.id == table_id)
    g = layout(form, table, value)
    return [[C(c.text, c.rowspan, c.colspan) for c in row] for row in g.header + g.body]


def shown(instance: Instance) -> Callable[[str], str]:
    """A cell's value as printed."""

    def value(cell: str) -> str:
        given = instance.values.get(cell)
        return format_number(given.number) if given is not None and given.number is not None else ""

    return value


def split(rows: Rows, at: int, header: int, repeat: bool) -> tuple[Rows, Rows]:
    """A table printed in two at row ``at``: a merged label crossing the break continues as an
    empty cell (as Word prints it), and the header is printed again or not."""
    placed = grid(rows)
    second = [list(line) for line in rows[:header]] if repeat else []
    for r in range(at, len(rows)):
        line: list[TableCell] = []
        for c in range(placed.width):
            cell = placed.cell(r, c)
            if cell is None or cell.column != c:
                continue
            if cell.row == r:
                line.append(C(cell.text, cell.rowspan, cell.colspan))
            elif cell.row < at and r == at:
                line.append(C("", cell.row + cell.rowspan - at, cell.colspan))
        second.append(line)
    return rows[:at], second


@dataclass(frozen=True)
class Printed:
    form: Form
    instance: Instance
    document: Document
    plan: str  # how it was printed, for a failing example's report

    def __repr__(self) -> str:
        return f"Printed({self.form.id}: {self.plan})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis prints examples so
        printer.text(repr(self))


@st.composite
def printed(draw: st.DrawFn) -> Printed:
    """A valid instance of a built-in form printed as a report: its tables in any order, each
    with its heading or not, one of them split in two with its header printed again or not."""
    form = draw(st.sampled_from([F2017, F2019, F2021]))
    instance = draw(valid_instances(form))

    value = shown(instance)

    tables = list(draw(st.permutations([t for t in form.tables])))
    parts: list[str | Rows] = []
    plan: list[str] = []
    cut = draw(st.sampled_from(tables)).id
    for table in tables:
        if draw(st.booleans()):
            parts.append(table.label)
            plan.append(f"heading {table.label}")
        rows = layout_rows(form, table.id, value)
        header = len(layout(form, table, value).header)
        if table.id == cut and len(rows) > header + 2:
            at = draw(st.integers(header + 1, len(rows) - 1))
            repeat = draw(st.booleans())
            parts.extend(split(rows, at, header, repeat))
            plan.append(f"table {table.id or table.label} split at row {at}{', header again' if repeat else ''}")
        else:
            parts.append(rows)
            plan.append(f"table {table.id or table.label}")
    title = f"某某机关{instance.meta['year']}年政府信息公开工作年度报告"
    return Printed(form, instance, document(*parts, title=title), "; ".join(plan))


@given(printed())
def test_a_printed_report_reads_back_exactly(case: Printed) -> None:
    form, instance = case.form, case.instance
    extraction = extract(case.document)
    assert extraction.form.id == form.id
    assert codes(extraction) == []
    back, problems = loaded(extraction)
    assert problems == []
    assert {k: v.number for k, v in back.values.items()} == {k: v.number for k, v in instance.values.items()}
    assert {p.cell for p in extraction.values} == set(instance.values)
    for p in extraction.values:  # each value's comment says where it was read
        assert p.where.table is not None and p.where.row is not None and p.where.column is not None


def form_labels(form: Form, table_id: str) -> list[str]:
    table = next(t for t in form.tables if t.id == table_id)
    return [n.label for n in all_entries(table.rows or ())] + [n.label for n in all_entries(table.columns)]


@st.composite
def slipped_reports(draw: st.DrawFn) -> Printed:
    """A valid instance printed with each label of its tables possibly slipped as published
    reports print them (baobiao.testing.slipped_label: traditional script, a bracketed note
    dropped or added, a typo that comes near no other label of the table)."""
    form = draw(st.sampled_from([F2017, F2019, F2021]))
    instance = draw(valid_instances(form))

    value = shown(instance)
    parts: list[str | Rows] = []
    slips: list[str] = []
    for table in form.tables:
        labels = form_labels(form, table.id)
        rows: Rows = []
        for line in layout_rows(form, table.id, value):
            printed_line = []
            for cell in line:
                text = cell.text
                if text in labels:
                    text, slip = draw(slipped_label(text, labels))
                    if slip:
                        slips.append(text)
                printed_line.append(C(text, cell.rowspan, cell.colspan))
            rows.append(printed_line)
        parts += [table.label, rows]
    title = f"某某机关{instance.meta['year']}年政府信息公开工作年度报告"
    return Printed(form, instance, document(*parts, title=title), "、".join(slips) or "no slips")


@given(slipped_reports())
def test_a_report_with_slipped_labels_reads_back_with_warnings_only(case: Printed) -> None:
    extraction = extract(case.document)
    assert extraction.form.id == case.form.id
    assert codes(extraction) == []
    back, problems = loaded(extraction)
    assert set(problems) <= {"D316", "D324"}  # the slips, each said by the loader
    assert {k: v.number for k, v in back.values.items()} == {k: v.number for k, v in case.instance.values.items()}


# -- published tables, by hand -----------------------------------------------------------------


def test_a_2021_report_with_headings_reads_every_cell() -> None:
    extraction = extract(document(H2, table2_2021(), H3, table3(), H4, table4()))
    assert extraction.form.id == "gov-disclosure-2021"
    assert codes(extraction) == []
    back, problems = loaded(extraction)
    assert problems == []
    assert texts(back) == full_2021()
    assert dict(extraction.meta) == {
        "agency": "某某县市场监督管理局",
        "year": "2021",
        "form": "gov-disclosure-2021",
        "level": "县级政府部门",  # a county's bureau, by its name (A106)
    }


def test_tables_in_another_order_without_headings_read_the_same() -> None:
    extraction = extract(document(table4(), table3(), table2_2021()))
    back, problems = loaded(extraction)
    assert (codes(extraction), problems) == ([], [])
    assert texts(back) == full_2021()


def test_each_value_line_says_where_it_was_read() -> None:
    extraction = extract(document(H3, table3(), H4, table4()))
    line = next(x for x in extraction.yaml_text.splitlines() if "# 表1 第4行第4列" in x)
    assert line.strip().startswith(
        '"自然人": "23"'
    )  # 一、本年新收…, 自然人: grid row 4 (after 3 header rows), column 4
    assert extraction.where("new.natural") == Where(None, 1, 4, 4)
    assert extraction.where("recon_total") == Where(None, 2, 4, 5)
    assert extraction.where("guizhang.issued") is None


def test_page_numbers_of_a_pdf_are_in_the_comments() -> None:
    rows = table4()
    doc = Document(
        "r.pdf", "pdf", (Paragraph("某某局2021年政府信息公开工作年度报告"), grid(rows, Where(page=3, table=2)))
    )
    extraction = extract(doc)
    assert "# 第3页 表2 第4行第1列" in extraction.yaml_text
    assert extraction.where("recon_upheld") == Where(3, 2, 4, 1)


SLIPPED = {  # the form's label -> as some reports print it
    "一、本年新收政府信息公开申请数量": "一、本年新收政府信息公開申請數量",  # traditional script
    "二、上年结转政府信息公开申请数量": "二、上年結轉政府信息公開申請數量",
    "5.属于三类内部事务信息": "5.属于三类内容事务信息",  # a typo
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开",  # the note left out
    "1.属于国家秘密": "1、属于国家秘密",
    "商业企业": "商业 企业",
    "科研机构": "科研机购",
    "法律服务机构": "法律服务\n机构",  # a cell too narrow for it
}


def test_slipped_labels_units_blanks_and_full_width_digits() -> None:
    rows = [(tuple(SLIPPED.get(x, x) for x in path), row) for path, row in T3_2021]
    header = [[C(SLIPPED.get(c.text, c.text), c.rowspan, c.colspan) for c in line] for line in T3_HEADER]
    printed = table3(rows, header)
    printed[3][1:4] = [C("23件"), C("４"), C("—")]  # 一、本年新收: 自然人, 商业企业, 科研机构
    printed[4][1:3] = [C("/"), C("无")]  # 二、上年结转: 自然人, 商业企业
    printed[5][2] = C("")  # 三、本年度办理结果 | （一）予以公开 | 自然人
    extraction = extract(document(H3, printed))
    assert codes(extraction) == ["A101", "A101"]  # 表二 and 表四 are not in this report
    back, problems = loaded(extraction)
    want = {
        **expected3(),
        "new.natural": "23件",
        "new.commercial": "４",
        "new.research": "—",
        "carried.natural": "/",
        "carried.commercial": "无",
        "public.natural": "",
    }
    assert texts(back) == want
    assert back.values["new.commercial"].number == Decimal(4)
    assert back.values["new.research"].number is None  # a blank is never a zero
    assert '"法律服务机构": "1"  # 表1 第4行第8列' in extraction.yaml_text  # a key on one line
    assert "D314" in problems  # 23件: a unit written in, the loader's finding
    assert "D324" in problems  # the slips, the loader's warnings (so that a reviewer sees them)


def test_a_table_split_in_two_with_its_header_printed_again() -> None:
    rows = table3()
    first = rows[:10]  # the header and 7 rows: up to 5.属于三类内部事务信息
    second = T3_HEADER + body([(path[-1:], figures(row)) for path, row in T3_2021[7:]])
    extraction = extract(document(H3, first, second))
    back, problems = loaded(extraction)
    assert (codes(extraction), problems) == (["A101", "A101"], [])
    assert texts(back) == expected3()


def test_a_table_split_in_two_without_its_header_keeps_the_first_parts() -> None:
    rows = table3()
    second = body([(("", path[-1]), figures(row)) for path, row in T3_2021[12:]])  # an empty merged label
    extraction = extract(document(H3, rows[:15], second, H4, table4()))
    back, _ = loaded(extraction)
    assert texts(back) == {**expected3(), **EXPECTED4}
    assert extraction.where("not_held.natural") == Where(None, 2, 1, 4)  # after 3 label columns


def test_the_header_printed_again_after_a_page_break_inside_one_table() -> None:
    halves = T3_2021[:9], T3_2021[9:]  # the break inside （三）不予公开: its labels printed again below it
    joined = (
        T3_HEADER
        + body([(p, figures(r)) for p, r in halves[0]])
        + T3_HEADER
        + body([(p, figures(r)) for p, r in halves[1]])
    )
    back, problems = loaded(extract(document(H3, joined)))
    assert texts(back) == expected3()
    assert problems == []


def test_table_two_as_one_table_with_a_header_row_for_each_kind_of_item() -> None:
    extraction = extract(document(H2, table2_2021()))
    back, problems = loaded(extraction)
    assert texts(back) == EXPECTED2_2021
    assert problems == []
    assert codes(extraction) == ["A101", "A101"]
    assert {d.args["table"] for d in extraction.problems if d.code == "A101"} == {H3, H4}


def test_a_subtotal_column_and_a_subtotal_row_are_read_as_subtotals() -> None:
    header = [
        [C(NOTE, 3, 3), C("申请人情况", 1, 8)],
        [C("自然人", 2), C("法人或其他组织", 1, 6), C("总计", 2)],
        [C("商业企业"), C("科研机构"), C("社会公益组织"), C("法律服务机构"), C("其他"), C("小计")],
    ]
    rows: list[tuple[tuple[str, ...], Sequence[str]]] = []
    for path, row in T3_2021:
        values = list(figures(row))
        rows.append((path, [*values[:6], str(sum(int(v) for v in values[1:6])), values[6]]))
    at = next(i for i, (path, _) in enumerate(rows) if path[-1] == "1.属于国家秘密")
    rows.insert(at, ((RESULTS, REFUSED, "小计"), ["0", "0", "0", "0", "0", "0", "0", "0"]))  # （三） with numbers
    extraction = extract(document(H3, header + body(rows)))
    back, problems = loaded(extraction)
    assert texts(back) == expected3()
    assert problems == []
    legal = [g for g in back.groups if g.columns]
    assert len(legal) == len(T3_2021)  # the 法人或其他组织 subtotal of every row
    assert {g.text for g in legal if g.heading.startswith("new.")} == {"5"}
    refused = [g for g in back.groups if g.heading == "refused"]
    assert len(refused) == 7 and {g.text for g in refused} == {"0"}


def test_a_heading_row_printed_with_blank_cells_above_its_rows_is_no_subtotal() -> None:
    rows = [(path[:-1], ["", "", "", "", "", "", ""]) for path, _ in T3_2021[4:5]]
    printed = T3_HEADER + body(
        [*[(p, figures(r)) for p, r in T3_2021[:4]], *rows, *[(p, figures(r)) for p, r in T3_2021[4:]]]
    )
    back, problems = loaded(extract(document(H3, printed)))
    assert problems == []
    assert back.groups == ()
    assert texts(back) == expected3()


def test_a_2021_report_printed_with_2019s_single_other_handling_row() -> None:
    rows = [r for r in T3_2021 if r[0][1:2] != (OTHER,)]
    rows.insert(20, ((RESULTS, OTHER), "other_handling"))
    extraction = extract(document(H2, table2_2021(), H3, table3(rows), H4, table4()))
    assert extraction.form.id == "gov-disclosure-2021"  # the year decides: the rest is 2021's layout
    assert codes(extraction) == []
    back, problems = loaded(extraction)
    assert "D326" in problems  # all 0: each of its three rows is 0 (the loader's note)
    assert back.values["fee_unpaid.natural"].number == 0
    assert texts(back)["results_total.total"] == "29"


def test_a_2021_report_in_2019s_layout_is_read_with_the_2019_form() -> None:
    table2_2019 = [
        [C("第二十条第（一）项", 1, 4)],
        [C("信息内容"), C("本年新制作数量"), C("本年新公开数量"), C("对外公开总数量")],
        [C("规章"), C("0"), C("0"), C("0")],
        [C("规范性文件"), C("3"), C("3"), C("40")],
        [C("第二十条第（五）项", 1, 4)],
        [C("信息内容"), C("上一年项目数量"), C("本年增/减"), C("处理决定数量")],
        [C("行政许可"), C("12"), C("-1"), C("120")],
        [C("其他对外管理服务事项"), C("3"), C("0"), C("9")],
    ]
    extraction = extract(document(H2, table2_2019, H3, table3(T3_2019), H4, table4()))
    assert extraction.form.id == "gov-disclosure-2019"
    assert codes(extraction)[0] == "A104"
    assert "2019" in extraction.reason and "2021" in extraction.reason
    back, problems = loaded(extraction)
    assert problems == []
    values = texts(back)
    assert values["other_services.licence_decisions"] == "9"
    assert values["licensing.licence_change"] == "-1"
    assert values["other_handling.natural"] == "0"


def test_a_2019_report_in_2021s_layout_is_read_with_the_2021_form() -> None:
    title = "某某县市场监督管理局2019年政府信息公开工作年度报告"
    extraction = extract(document(H2, table2_2021(), H3, table3(), H4, table4(), title=title))
    assert extraction.form.id == "gov-disclosure-2021"
    (warning,) = [d for d in extraction.problems if d.code == "A104"]
    assert (warning.args["year"], warning.args["expected"]) == ("2019", "gov-disclosure-2019")
    back, problems = loaded(extraction)
    assert (texts(back), problems) == (full_2021(), [])


def test_without_a_year_the_labels_choose_the_form() -> None:
    extraction = extract(document(H3, table3(T3_2019), title="某某县财政局政府信息公开工作年度报告"))
    assert extraction.form.id == "gov-disclosure-2019"
    assert "A105" in codes(extraction) and "A104" not in codes(extraction)
    assert extraction.meta["agency"] == "某某县财政局"


def test_a_missing_table_is_named_as_printed() -> None:
    extraction = extract(document(H2, table2_2021(), H3, table3()))
    (missing,) = [d for d in extraction.problems if d.code == "A101"]
    assert missing.args["table"] == H4
    assert missing.severity.value == "error"


def test_an_unrelated_table_is_a_note_and_a_stray_row_a_warning() -> None:
    contacts = [[C("联系人"), C("电话")], [C("张三"), C("0531-1234567")]]
    rows = table3()
    rows.insert(len(rows) - 1, [C("合计", 1, 3), *(C("9") for _ in range(7))])
    extraction = extract(document(contacts, H3, rows, H4, table4()))
    found = [
        (d.code, d.severity.value, d.args.get("what"), d.args.get("where"))
        for d in extraction.problems
        if d.code != "A106"
    ]
    assert ("A102", "note", "表格", "表1") in found
    assert ("A102", "warning", "行", "表2 第28行") in found
    back, _ = loaded(extraction)
    assert texts(back) == {**expected3(), **EXPECTED4}


def test_an_unknown_column_is_reported_once_and_its_cells_not_read() -> None:
    header = [line[:] for line in T3_HEADER]
    header[0] = [C(NOTE, 3, 3), C("申请人情况", 1, 7), C("备注", 3)]
    rows = header + [[*line, C("已办结")] for line in body([(p, figures(r)) for p, r in T3_2021])]
    extraction = extract(document(H3, rows, H4, table4()))
    unknown = [d for d in extraction.problems if d.code == "A102"]
    assert [(d.args["what"], d.args["text"]) for d in unknown] == [("栏目", "备注")]
    back, _ = loaded(extraction)
    assert texts(back) == {**expected3(), **EXPECTED4}


def test_a_cell_printed_twice_with_other_figures() -> None:
    rows = table3()
    again = T3_HEADER + body([(T3_2021[0][0], ("24", "4", "0", "0", "1", "0", "29"))])
    extraction = extract(document(H3, rows, again, H4, table4()))
    twice = [d for d in extraction.problems if d.code == "A103"]
    assert {d.args["text"] + ">" + d.args["other"] for d in twice} == {"23>24", "28>29"}
    back, _ = loaded(extraction)
    assert back.values["new.natural"].text == "23"  # the first is read; the other is a comment
    assert "# 另见 表2 第4行第4列：24" in extraction.yaml_text


def test_a_figure_printed_in_the_last_cell_under_a_merged_heading() -> None:
    rows = [
        [C("第二十条第（五）项", 1, 4)],
        [C("信息内容"), C("本年处理决定数量", 1, 3)],
        [C("行政许可"), C(""), C(""), C("120")],  # blank cells left of the figure
    ]
    extraction = extract(document(H2, rows))
    back, _ = loaded(extraction)
    assert texts(back) == {"licensing.licence_decisions": "120"}
    assert "A103" not in codes(extraction)
    assert extraction.where("licensing.licence_decisions") == Where(None, 1, 3, 4)


TWO_LEVELS = """form two-levels "本级和下级"
  years 2021..

table own "一、本机关制发文件情况" 件
  columns
    made "制发件数"
    repealed "废止件数"
  rows
    rules "规章"
    docs "规范性文件"

table lower "二、下属机关制发文件情况" 件
  columns
    made2 "制发件数"
    repealed2 "废止件数"
  rows
    rules2 "规章"
    docs2 "规范性文件"
"""


def two_levels() -> Form:
    form = compile_source(Source("two-levels.spec", TWO_LEVELS)).form
    assert form is not None
    return form


def files(made_rules: str, made_docs: str) -> Rows:
    return [
        [C("项目"), C("制发件数"), C("废止件数")],
        [C("规章"), C(made_rules), C("0")],
        [C("规范性文件"), C(made_docs), C("1")],
    ]


TWO_LEVELS_VALUES = {
    "rules.made": "1",
    "rules.repealed": "0",
    "docs.made": "2",
    "docs.repealed": "1",
    "rules2.made2": "5",
    "rules2.repealed2": "0",
    "docs2.made2": "6",
    "docs2.repealed2": "1",
}


@pytest.mark.parametrize("how", ["heading", "caption"])
def test_the_heading_or_caption_tells_apart_tables_with_the_same_labels(how: str) -> None:
    form = two_levels()
    lower, own = files("5", "6"), files("1", "2")
    if how == "heading":
        doc = document("二、下属机关制发文件情况", lower, "一、本机关制发文件情况", own)
    else:
        doc = document([[C("表2 下属机关制发文件情况", 1, 3)], *lower], [[C("表1 本机关制发文件情况", 1, 3)], *own])
    extraction = extract(doc, form)
    back, problems = loaded(extraction)
    assert (texts(back), codes(extraction), problems) == (TWO_LEVELS_VALUES, [], [])


def test_without_them_such_rows_are_not_guessed() -> None:
    extraction = extract(document(files("5", "6"), files("1", "2")), two_levels())
    found = [(d.code, d.args.get("what")) for d in extraction.problems if d.code != "A106"]
    assert found == [("A102", "行")] * 4 + [("A101", None)] * 2
    assert "按指定的表式" in extraction.reason


@pytest.mark.parametrize(
    ("row", "pieces"),
    [
        ("partial", ["（二）部分公开（区分处理的，只", "计这一情形，不计其他情形）"]),
        ("no_supplement", ["1.申请人无正当理由逾期不补正、", "行政机关不再处理其政府信息公", "开申请"]),
    ],
)
def test_a_label_printed_over_several_rows_figures_on_the_last(row: str, pieces: list[str]) -> None:
    """As a text file or a PDF without ruling lines prints a long label."""
    rows = table3()
    at = 3 + next(i for i, (_, r) in enumerate(T3_2021) if r == row)
    for above in range(at + 1):  # the labels merged down over this row now cover its new rows too
        for k, cell in enumerate(rows[above][:-8] if above == at else rows[above][:-7]):
            if above + cell.rowspan > at:
                rows[above][k] = C(cell.text, cell.rowspan + len(pieces) - 1, cell.colspan)
    line = rows[at]
    label, figures_row = line[-8], line[-7:]
    blanks = [C("") for _ in figures_row]
    rows[at : at + 1] = [
        [*line[:-8], C(pieces[0], 1, label.colspan), *blanks],
        *([C(piece, 1, label.colspan), *blanks] for piece in pieces[1:-1]),
        [C(pieces[-1], 1, label.colspan), *figures_row],
    ]
    extraction = extract(document(H3, rows, H4, table4()))
    back, problems = loaded(extraction)
    assert (texts(back), codes(extraction), problems) == ({**expected3(), **EXPECTED4}, ["A101"], [])  # no 表二
    assert extraction.where(f"{row}.natural") == Where(None, 1, at + len(pieces), 4)


def test_a_label_going_on_below_its_figures_after_a_page_break() -> None:
    rows = table3()
    at = 3 + next(i for i, (_, r) in enumerate(T3_2021) if r == "query_matters")
    line = rows[at]  # 8.属于行政查询事项 | figures: printed as "8.属于 | figures" and, below, "行政查询事项"
    rows[at : at + 1] = [[C("8.属于"), *line[1:]], [C("行政查询事项"), *(C("") for _ in line[1:])]]
    for above in range(at):  # 三、本年度办理结果 and （三）不予公开 merged over one more row
        rows[above] = [
            C(c.text, c.rowspan + 1 if above + c.rowspan > at else c.rowspan, c.colspan) for c in rows[above]
        ]
    extraction = extract(document(H3, rows, H4, table4()))
    back, problems = loaded(extraction)
    assert (texts(back), codes(extraction), problems) == ({**expected3(), **EXPECTED4}, ["A101"], [])
    assert extraction.where("query_matters.natural") == Where(None, 1, at + 1, 4)


def test_table_four_with_its_upper_headings_in_a_table_of_their_own() -> None:
    """A PDF reader may cut table 四 under its upper headings: the lowest row of headings alone
    tells the columns apart by their order (结果维持 … 总计, three times)."""
    upper = [[C("行政复议"), C("行政诉讼", 1, 2)], [C("行政复议"), C("未经复议直接起诉"), C("复议后起诉")]]
    lower = table4()[2:]
    extraction = extract(document(H4, upper, lower))
    back, problems = loaded(extraction)
    assert (texts(back), problems) == (EXPECTED4, [])
    assert codes(extraction) == ["A101", "A101"]  # 表二, 表三; the upper part is no stray table


def test_a_report_inside_a_one_column_table_in_traditional_script() -> None:
    box = [[C("某某省生態環境廳\n2022年政府信息公開工作年度報告\n一、總體情況\n2022年，本廳……。")]]
    extraction = extract(document(box, H4, table4(), title=""))
    assert (extraction.meta["agency"], extraction.meta["year"]) == ("某某省生态环境厅", "2022")
    assert "A102" not in codes(extraction)  # the box is text, not a stray table
    back, _ = loaded(extraction)
    assert [p.text for p in back.narrative.title] == ["某某省生態環境廳", "2022年政府信息公開工作年度報告"]
    assert back.narrative.sections[0].heading.text == "一、總體情況"


def test_a_subtotal_of_subtotals_is_kept_as_a_comment() -> None:
    header = [
        [C(NOTE, 3, 3), C("申请人情况", 1, 8)],
        [C("自然人", 2), C("法人或其他组织", 1, 6), C("总计", 2)],
        [C("商业企业"), C("科研机构"), C("社会公益组织"), C("法律服务机构"), C("其他"), C("小计")],
    ]
    rows = [(path, [*figures(row)[:6], "0", figures(row)[6]]) for path, row in T3_2021]
    at = next(i for i, (path, _) in enumerate(rows) if path[-1] == "1.属于国家秘密")
    rows.insert(at, ((RESULTS, REFUSED, "小计"), ["0", "0", "0", "0", "0", "0", "7", "0"]))
    extraction = extract(document(H3, header + body(rows)))
    assert '# 法人或其他组织小计: "7"  # 表1 第8行第10列：小计的小计' in extraction.yaml_text
    back, problems = loaded(extraction)
    assert problems == [] and texts(back) == expected3()


def test_table_four_printed_down_the_page() -> None:
    paths = [("行政复议", r) for r in RESULTS4] + [
        ("行政诉讼", kind, r) for kind in ("未经复议直接起诉", "复议后起诉") for r in RESULTS4
    ]
    rows = [[C(" > ".join(path)), C(v)] for path, v in zip(paths, T4_VALUES, strict=True)]
    extraction = extract(document(H4, rows))
    back, problems = loaded(extraction)
    assert (texts(back), problems) == (EXPECTED4, [])
    assert extraction.where("review_total") == Where(None, 1, 15, 2)


def test_table_four_with_a_caption_row_and_no_heading() -> None:
    rows = [[C(H4, 1, 15)], *table4()]
    extraction = extract(document(H3, table3(), rows))
    back, problems = loaded(extraction)
    assert (texts(back), problems) == ({**expected3(), **EXPECTED4}, [])


def test_the_2017_table_label_unit_value() -> None:
    rows = [
        [C("统计指标"), C("单位"), C("统计数")],
        [C("一、主动公开情况", 1, 3)],
        [C("（一）主动公开政府信息数"), C("条"), C("1,204")],
        [C("其中：主动公开规范性文件数"), C("条"), C("12")],
        [C("三、依申请公开情况"), C(""), C("")],
        [C("（一）收到申请数"), C("件"), C("１")],
        [C("3.网络申请数"), C("件"), C("1件")],
        [C("四、行政复议数量"), C("件"), C("0")],
        [C("（一）维持具体行政行为数"), C("件"), C("0")],
        [C("（二）被依法纠错数"), C("件"), C("—")],
        [C("五、行政诉讼数量"), C("件"), C("2")],
        [C("（二）被依法纠错数"), C("件"), C("1")],
        [C("（三）其他情形数"), C("件"), C("1")],
        [C("六、被举报投诉数量"), C("件"), C("0")],
        [C("（一）维持具体行政行为数"), C("件"), C("0")],
    ]
    title = "山东省人民政府外事办公室2017年度政府信息公开年度报告"
    extraction = extract(document("政府信息公开工作情况统计表", rows, title=title))
    assert extraction.form.id == "gov-disclosure-2017"
    back, _ = loaded(extraction)
    assert texts(back) == {
        "published": "1,204",
        "normative_published": "12",
        "received": "１",
        "online": "1件",
        "reconsideration": "0",
        "upheld": "0",
        "corrected": "—",
        "litigation": "2",
        "litigation_corrected": "1",
        "litigation_other": "1",
        "complaints": "0",
        "complaints_upheld": "0",
    }
    assert back.values["published"].number == Decimal(1204)


# -- the report's text -------------------------------------------------------------------------


def test_the_text_is_written_by_sections_and_never_read_as_figures() -> None:
    published = "本机关网站首页设有{{ 专栏 }}和{% 链接 %}，另见 C:\\公开\\{#}。"
    doc = document(
        "本报告根据《条例》编制。",
        "一、总体情况",
        "2021年，我局共主动公开信息1204条。",
        "（一）主动公开",
        published,
        H3,
        table3(),
        H4,
        table4(),
        "五、存在的主要问题及改进情况",
        "公开内容有待丰富。",
        "某某县市场监督管理局",
        "2022年1月20日",
    )
    extraction = extract(doc)
    back, problems = loaded(extraction)
    assert problems == []
    narrative = back.narrative
    assert [p.text for p in narrative.title] == ["某某县市场监督管理局2021年政府信息公开工作年度报告"]
    assert [p.text for p in narrative.preamble] == ["本报告根据《条例》编制。"]
    assert [s.heading.text for s in narrative.sections] == ["一、总体情况", H3, H4, "五、存在的主要问题及改进情况"]
    first = narrative.sections[0]
    assert [s.heading.text for s in first.subsections] == ["（一）主动公开"]
    assert [t.text for t in narrative.sections[1].tables] == ["t3"]
    assert narrative.signature is not None and narrative.signature.text == "某某县市场监督管理局"
    assert narrative.date is not None and narrative.date.text == "2022年1月20日"
    names = namespace(extraction.form, {})
    shown, found = render_para(first.subsections[0].paragraphs[0], names)
    assert (shown, found) == (published, [])  # the published words, as printed, and no R501/R503


@given(st.text(alphabet=st.sampled_from("{}%#\\ x1|。"), max_size=40) | st.text(max_size=40))
def test_any_text_written_literally_reads_back_as_itself(text: str) -> None:
    assert render_para(Para(literal(text), "$.report.preamble", None), {}) == (text, [])


@pytest.mark.parametrize(
    ("written", "shown"),
    [("\\{{ weibo \\}}", "{{ weibo }}"), ("\\{% x %}", "{% x %}"), ("a\\\\b", "a\\b"), ("C:\\dir", "C:\\dir")],
)
def test_a_backslash_keeps_a_brace_literal(written: str, shown: str) -> None:
    assert render_para(Para(written, "$.report.preamble", None), {"weibo": Decimal(5)}) == (shown, [])


def test_any_text_in_a_cell_or_a_label_is_safe_yaml() -> None:
    odd = 'a "quote" \\ back\nslash\t\x1b[31m\u2028 # not a comment: {{ x }}'
    rows = table3()
    rows[3][1] = C(odd)
    extraction = extract(replace(document(H3, rows, odd), path="报告\x1b[2J\ud800.html"))
    back, problems = loaded(extraction)
    assert back.values["new.natural"].text.startswith('a "quote" \\ back\nslash\t')
    assert "D331" in problems  # the control character: the loader's own finding


WORDS = [
    *(label for form in (F2017, F2021) for t in form.tables for label in form_labels(form, t.id)),
    *(t.label for form in (F2019, F2021) for t in form.tables),
    *("0", "12", "１２", "3件", "—", "/", "无", "", " ", "小计", "合计", "未统计", "1,204", "-1", "2021年"),
    *('a "q" \\', "{{ x }}", "{% y %}", "line\nbreak", "\x1b[31m", "\u2028", "#", ": ", "- ", "\ud800"),
]


@st.composite
def any_documents(draw: st.DrawFn) -> Document:
    """Documents of any shape: tables of any size with merged cells of any span, and their
    texts labels of the forms, numbers, blanks and junk."""
    cell = st.builds(C, st.sampled_from(WORDS), st.integers(1, 4), st.integers(1, 4))
    table = st.lists(st.lists(cell, max_size=7), max_size=8)
    parts = draw(st.lists(st.one_of(st.sampled_from(WORDS), table), max_size=6))
    title = draw(st.sampled_from(["", "某某局2021年政府信息公开工作年度报告", "二〇一八年度报告", "{{ 2019年 }}报告"]))
    return document(*parts, title=title)


@given(any_documents())
def test_any_document_gives_a_data_file_the_loader_reads_without_a_structural_finding(doc: Document) -> None:
    extraction = extract(doc)
    instance, problems = load_instance(extraction.form, Source("any.yaml", extraction.yaml_text))
    assert instance is not None
    # never malformed (D304, D318), never a key the loader reads otherwise than placed (D305, D306)
    assert not {d.code for d in problems} & {"D304", "D305", "D306", "D318"}
    read = {p.cell for p in extraction.values if p.cell is not None}
    assert set(instance.values) <= read | {c for g in instance.groups for c in g.cells}


def test_no_document_ends_in_a_traceback() -> None:
    weird: list[Document] = [
        Document("e.html", "html", ()),
        Document("e.html", "html", (grid([]),)),
        Document("e.html", "html", (grid([[C("", 3, 3)]]), Paragraph(""))),
        document([[C("1")], [C("2", 1, 5)]], [[C("三、本年度办理结果", 1, 2), C("x")]]),
        document(table4()[:3], table3()[5:], title="二〇二一年"),
    ]
    start = time.perf_counter()
    for doc in weird:
        extraction = extract(doc)
        load_instance(extraction.form, Source("e.yaml", extraction.yaml_text))
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize(
    ("agency", "level"),
    [
        ("某某县市场监督管理局", "县级政府部门"),  # 市场 is no city
        ("某某市某某区人民政府", "县级人民政府"),
        ("某某镇人民政府", "乡镇人民政府"),
        ("某某街道办事处", "街道办事处"),
        ("某某省人民政府", "省级人民政府"),
        ("北京市人民政府", "省级人民政府"),  # a municipality is a province
        ("某某自治州人民政府", "自治州人民政府"),
        ("某某省生态环境厅", "省级政府部门"),
        ("某某自治区统计局", "省级政府部门"),  # not a 区's bureau
        ("某某市人民政府", None),  # 设区的市 or a county-level city: not guessed
        ("某某市生态环境局", None),
        ("某某县级市教育局", None),
    ],
)
def test_the_agency_level_is_read_from_a_name_only_when_the_name_decides_it(agency: str, level: str | None) -> None:
    from baobiao.audit.extract import _level_of_agency

    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    assert _level_of_agency(form, agency) == level
