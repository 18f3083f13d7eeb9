"""Word's automatic numbering read into the text (baobiao.audit.docx): headings and table row
labels numbered by a list (``w:numPr``) rather than typed, as Word and WPS write them, read as
printed ("一、总体情况", "（一）予以公开", "1.属于国家秘密"). The bodies are made with
python-docx; numbering.xml and styles.xml are written here by hand, in Word's manner and in
WPS's (style-linked lists, chineseCounting "%1、"). Every expected text is written by hand.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.table import _Cell
from docx.text.paragraph import Paragraph as WordParagraph
from hypothesis import given
from hypothesis import strategies as st

from baobiao.audit import docx as reader
from baobiao.audit.document import Document, Paragraph, Table
from baobiao.audit.extract import extract
from baobiao.audit.numformats import FORMATS, format_number
from baobiao.audit.readers import read_document
from baobiao.diagnostics.render import message

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f'xmlns:w="{W_NS}"'


# -- helpers: numbering.xml and styles.xml by hand, bodies by python-docx --------------------------


def lvl(ilvl: int, fmt: str = "decimal", text: str | None = None, start: int | None = 1, extra: str = "") -> str:
    """A list level as Word writes it: its number is %N in its text, N = level + 1 (by
    default its text is "%N.").

    ``start=None``: no ``w:start``."""
    text = f"%{ilvl + 1}." if text is None else text
    begin = f'<w:start w:val="{start}"/>' if start is not None else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}">{begin}<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>{extra}'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{420 * (ilvl + 1)}" w:hanging="420"/></w:pPr></w:lvl>'
    )


def abstract(aid: int, *levels: str, head: str = "") -> str:
    return (
        f'<w:abstractNum w:abstractNumId="{aid}"><w:nsid w:val="1A2B3C{aid:02d}"/>'
        f'<w:multiLevelType w:val="multilevel"/>{head}{"".join(levels)}</w:abstractNum>'
    )


def num(nid: int, aid: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{overrides}</w:num>'


def start_over(ilvl: int, value: int, level: str = "") -> str:
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{value}"/>{level}</w:lvlOverride>'


def numbering(*parts: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {W}>{"".join(parts)}</w:numbering>'


#: the outline of a report as Word's multilevel lists number it: 一、 （一） 1. ①
OUTLINE = abstract(
    0,
    lvl(0, "chineseCounting", "%1、"),
    lvl(1, "chineseCounting", "（%2）"),
    lvl(2, "decimal", "%3."),
    lvl(3, "decimalEnclosedCircle", "%4"),
)


def style(sid: str, name: str, ppr: str = "", based_on: str | None = None, kind: str = "paragraph") -> str:
    base = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (
        f'<w:style w:type="{kind}" w:styleId="{sid}"><w:name w:val="{name}"/>{base}'
        f"{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}</w:style>"
    )


def styles(*parts: str) -> str:
    normal = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/>'
        '<w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/></w:rPr></w:style>'
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W}>{normal}{"".join(parts)}</w:styles>'


def num_pr(num_id: int | str | None = None, ilvl: int | None = None) -> str:
    level = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
    ident = f'<w:numId w:val="{num_id}"/>' if num_id is not None else ""
    return f"<w:numPr>{level}{ident}</w:numPr>"


def put(paragraph: WordParagraph, *, style_id: str | None = None, ppr: str = "") -> WordParagraph:
    """Give a python-docx paragraph a style by its id and more paragraph properties (XML),
    in the schema's order (w:pStyle first)."""
    element = paragraph._p.get_or_add_pPr()
    if style_id is not None:
        element.style = style_id
    if ppr:
        for child in parse_xml(f"<w:pPr {W}>{ppr}</w:pPr>"):
            element.append(child)
    return paragraph


def add(
    container: WordDocument | _Cell, text: str, num_id: int | None = None, ilvl: int | None = None
) -> WordParagraph:
    """A paragraph in a list (``num_id``, ``ilvl``) as Word writes it: ``w:numPr`` in its
    properties, the number itself not in the text."""
    paragraph = container.add_paragraph(text)
    return put(paragraph, ppr=num_pr(num_id, ilvl)) if num_id is not None else paragraph


def in_cell(cell: _Cell, text: str, num_id: int | None = None, ilvl: int | None = None) -> None:
    """A cell's first paragraph holds ``text``, numbered like :func:`add`."""
    paragraph = cell.paragraphs[0]
    paragraph.add_run(text)
    if num_id is not None:
        put(paragraph, ppr=num_pr(num_id, ilvl))


def saved(doc: WordDocument, path: Path, replace: dict[str, str | None]) -> Path:
    """The document saved with some parts replaced (``None``: left out), as the package
    python-docx writes it otherwise (its relationships name word/numbering.xml)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info.filename, source.read(info.filename))
        for name, text in replace.items():
            if text is not None:
                target.writestr(name, text)
    return path


def paragraphs(document: Document) -> list[str]:
    return [b.text for b in document.blocks if isinstance(b, Paragraph)]


def tables(document: Document) -> list[Table]:
    return [b for b in document.blocks if isinstance(b, Table)]


def labels(table: Table, column: int = 0) -> list[str]:
    """The texts of the cells that start in ``column``, top to bottom."""
    return [c.text for c in table.cells if c.column == column]


def read(path: Path) -> Document:
    document = read_document(path)
    assert document.problems == (), [message(p, "zh") for p in document.problems]
    return document


# -- Word: lists on the paragraphs ---------------------------------------------------------------


def test_word_headings_numbered_by_a_multilevel_list_read_as_printed(tmp_path: Path) -> None:
    d = docx.Document()
    add(d, "某某县市场监督管理局2021年政府信息公开工作年度报告")
    add(d, "总体情况", 1, 0)
    add(d, "本年度，我局认真贯彻落实《条例》。")  # not in the list
    add(d, "主动公开", 1, 1)
    add(d, "依申请公开", 1, 1)
    add(d, "办理流程", 1, 2)
    add(d, "受理", 1, 3)
    add(d, "答复", 1, 3)
    add(d, "结果", 1, 2)
    add(d, "主动公开政府信息情况", 1, 0)
    add(d, "说明", 1, 1)  # restarts under its new parent
    add(d, "步骤", 1, 2)
    document = read(saved(d, tmp_path / "word.docx", {"word/numbering.xml": numbering(OUTLINE, num(1, 0))}))
    assert paragraphs(document) == [
        "某某县市场监督管理局2021年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度，我局认真贯彻落实《条例》。",
        "（一）主动公开",
        "（二）依申请公开",
        "1.办理流程",
        "①受理",
        "②答复",
        "2.结果",
        "二、主动公开政府信息情况",
        "（一）说明",
        "1.步骤",
    ]
    heading = {b.text: b.heading for b in document.blocks if isinstance(b, Paragraph)}
    assert heading["一、总体情况"] and heading["（二）依申请公开"]  # numbered lines are headings


def test_chinese_counting_goes_on_past_ten(tmp_path: Path) -> None:
    d = docx.Document()
    for k in range(1, 23):
        add(d, f"第{k}项", 1, 0)
    document = read(saved(d, tmp_path / "long.docx", {"word/numbering.xml": numbering(OUTLINE, num(1, 0))}))
    shown = paragraphs(document)
    assert shown[:3] == ["一、第1项", "二、第2项", "三、第3项"]
    assert shown[9:12] == ["十、第10项", "十一、第11项", "十二、第12项"]
    assert shown[19:] == ["二十、第20项", "二十一、第21项", "二十二、第22项"]


def table_three(d: WordDocument, rows_list: int) -> None:
    """The label columns of a table 三 (the 2021 form, shortened): numbers from list
    ``rows_list`` (一、 （一） 1.), labels merged down as printed, one value column."""
    t = d.add_table(rows=13, cols=4)
    t.style = "Table Grid"
    header = t.cell(0, 0).merge(t.cell(0, 2))
    in_cell(header, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    in_cell(t.cell(0, 3), "总计")
    rows: list[tuple[int, str | None, str | None, str | None]] = [
        (1, "本年新收政府信息公开申请数量", None, None),
        (2, "上年结转政府信息公开申请数量", None, None),
        (3, "本年度办理结果", "予以公开", None),
        (4, None, "部分公开（区分处理的，只计这一情形，不计其他情形）", None),
        (5, None, "不予公开", "属于国家秘密"),
        (6, None, None, "其他法律行政法规禁止公开"),
        (7, None, None, "危及“三安全一稳定”"),
        (8, None, "无法提供", "本机关不掌握相关政府信息"),
        (9, None, None, "没有现成信息需要另行制作"),
        (10, None, "其他处理", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        (11, None, "总计", None),
        (12, "结转下年度继续办理", None, None),
    ]
    for r, top, middle, bottom in rows:
        if top is not None and middle is None:
            in_cell(t.cell(r, 0).merge(t.cell(r, 2)), top, rows_list, 0)
        elif top is not None:
            in_cell(t.cell(r, 0).merge(t.cell(11, 0)), top, rows_list, 0)
        if middle is not None and bottom is None:
            in_cell(t.cell(r, 1).merge(t.cell(r, 2)), middle, rows_list, 1)
        elif middle is not None:
            end = {5: 7, 8: 9, 10: 10}[r]
            in_cell(t.cell(r, 1).merge(t.cell(end, 1)), middle, rows_list, 1)
        if bottom is not None:
            in_cell(t.cell(r, 2), bottom, rows_list, 2)
        in_cell(t.cell(r, 3), str(r))


TABLE_THREE_LABELS = [
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "四、结转下年度继续办理",
]
TABLE_THREE_RESULTS = [
    "（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开",
    "（四）无法提供",
    "（五）其他处理",
    "（六）总计",
]
TABLE_THREE_REASONS = [
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
]


def test_word_table_row_labels_numbered_by_their_own_list(tmp_path: Path) -> None:
    d = docx.Document()
    add(d, "总体情况", 1, 0)
    add(d, "主动公开政府信息情况", 1, 0)
    add(d, "收到和处理政府信息公开申请情况", 1, 0)
    table_three(d, rows_list=2)
    add(d, "政府信息公开行政复议、行政诉讼情况", 1, 0)  # the headings' list goes on after the table
    rows = abstract(1, lvl(0, "chineseCounting", "%1、"), lvl(1, "chineseCounting", "（%2）"), lvl(2))
    parts = numbering(OUTLINE, rows, num(1, 0), num(2, 1))
    document = read(saved(d, tmp_path / "t3.docx", {"word/numbering.xml": parts}))
    assert paragraphs(document) == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ]
    (table,) = tables(document)
    assert labels(table, 0) == TABLE_THREE_LABELS
    assert labels(table, 1) == TABLE_THREE_RESULTS
    assert labels(table, 2) == TABLE_THREE_REASONS
    assert labels(table, 3) == ["总计", *map(str, range(1, 13))]  # value cells untouched


# -- WPS: lists linked to styles ---------------------------------------------------------------

#: WPS's styles: ids "2" and "3" for 标题 1 and 标题 2, the list on the style (标题 2 takes
#: its list from 标题 1 through w:basedOn and sets only its level), a body style without one
WPS_STYLES = styles(
    style("2", "heading 1", num_pr(3) + '<w:outlineLvl w:val="0"/>', based_on="a"),
    style("3", "heading 2", num_pr(None, 1) + '<w:outlineLvl w:val="1"/>', based_on="2"),
    style("a5", "编号条目", num_pr(4, 0), based_on="a"),
    style("a6", "编号条目二", "", based_on="a5"),  # the list through w:basedOn alone
)
WPS_NUMBERING = numbering(
    abstract(7, lvl(0, "chineseCounting", "%1、"), lvl(1, "chineseCounting", "（%2）"), lvl(2)),
    abstract(8, lvl(0, "decimal", "%1.")),
    num(3, 7),
    num(4, 8),
)


def test_wps_headings_numbered_through_their_styles(tmp_path: Path) -> None:
    d = docx.Document()
    put(d.add_paragraph("总体情况"), style_id="2")
    put(d.add_paragraph("主动公开"), style_id="3")
    put(d.add_paragraph("依申请公开"), style_id="3")
    d.add_paragraph("正文段落。")
    put(d.add_paragraph("规章"), style_id="a5")
    put(d.add_paragraph("行政规范性文件"), style_id="a6")
    put(d.add_paragraph("主动公开政府信息情况"), style_id="2")
    put(d.add_paragraph("附件"), style_id="2", ppr=num_pr(0))  # numId 0: the style's list taken off
    put(d.add_paragraph("收到和处理政府信息公开申请情况"), style_id="2")
    put(d.add_paragraph("情况说明"), style_id="3")
    parts = {"word/numbering.xml": WPS_NUMBERING, "word/styles.xml": WPS_STYLES}
    document = read(saved(d, tmp_path / "wps.docx", parts))
    assert [(b.text, b.heading) for b in document.blocks if isinstance(b, Paragraph)] == [
        ("一、总体情况", True),
        ("（一）主动公开", True),
        ("（二）依申请公开", True),
        ("正文段落。", False),
        ("1.规章", False),
        ("2.行政规范性文件", False),
        ("二、主动公开政府信息情况", True),
        ("附件", True),
        ("三、收到和处理政府信息公开申请情况", True),
        ("（一）情况说明", True),
    ]


def test_a_paragraph_without_a_style_has_the_default_style_and_its_list(tmp_path: Path) -> None:
    """A paragraph without ``w:pStyle`` has the default paragraph style (``w:default="1"``),
    not the first style of the part; when the default style carries a list, so does it."""
    heading_first = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {W}>'
        + style("2", "heading 1", num_pr(3))
        + '<w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/></w:style></w:styles>'
    )
    d = docx.Document()
    put(d.add_paragraph("总体情况"), style_id="2")
    d.add_paragraph("正文")
    parts = {"word/numbering.xml": WPS_NUMBERING, "word/styles.xml": heading_first}
    assert paragraphs(read(saved(d, tmp_path / "first.docx", parts))) == ["一、总体情况", "正文"]

    normal_numbered = styles().replace(
        '<w:name w:val="Normal"/>', f'<w:name w:val="Normal"/><w:pPr>{num_pr(4)}</w:pPr>'
    )
    d = docx.Document()
    d.add_paragraph("规章")
    d.add_paragraph("行政规范性文件")
    parts = {"word/numbering.xml": WPS_NUMBERING, "word/styles.xml": normal_numbered}
    assert paragraphs(read(saved(d, tmp_path / "normal.docx", parts))) == ["1.规章", "2.行政规范性文件"]


def test_wps_table_rows_numbered_through_a_style_linked_to_a_level(tmp_path: Path) -> None:
    """WPS links a list's levels to styles (``w:pStyle`` in ``w:lvl``): a style with the list
    but no level takes the level linked to it."""
    linked = abstract(
        9,
        lvl(0, "chineseCounting", "%1、", extra='<w:pStyle w:val="b1"/>'),
        lvl(1, "chineseCounting", "（%2）", extra='<w:pStyle w:val="b2"/>'),
        lvl(2, "decimal", "%3.", extra='<w:pStyle w:val="b3"/>'),
    )
    parts = {
        "word/numbering.xml": numbering(linked, num(5, 9)),
        "word/styles.xml": styles(
            style("b1", "表格一级", num_pr(5)), style("b2", "表格二级", num_pr(5)), style("b3", "表格三级", num_pr(5))
        ),
    }
    d = docx.Document()
    t = d.add_table(rows=4, cols=2)
    for r, (sid, text) in enumerate(
        [("b1", "本年度办理结果"), ("b2", "不予公开"), ("b3", "属于国家秘密"), ("b3", "其他法律行政法规禁止公开")]
    ):
        paragraph = t.cell(r, 0).paragraphs[0]
        paragraph.add_run(text)
        put(paragraph, style_id=sid)
        in_cell(t.cell(r, 1), "0")
    (table,) = tables(read(saved(d, tmp_path / "linked.docx", parts)))
    assert labels(table) == ["一、本年度办理结果", "（一）不予公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开"]


# -- how Word counts -------------------------------------------------------------------------------


def test_lists_over_one_definition_share_their_count_and_a_start_override_restarts_it(tmp_path: Path) -> None:
    parts = numbering(
        abstract(0, lvl(0, "decimal", "%1.", start=3)),
        abstract(1, lvl(0, "chineseCounting", "%1、")),
        num(1, 0),
        num(2, 0, start_over(0, 1)),  # Word's "restart at 1"
        num(3, 0),  # another list over the same definition: continues
        num(4, 1, start_over(0, 5, lvl(0, "chineseCounting", "第%1条"))),  # its level redefined
    )
    d = docx.Document()
    for text, num_id in [("甲", 1), ("乙", 1), ("丙", 2), ("丁", 2), ("戊", 1), ("己", 3), ("庚", 4), ("辛", 4)]:
        add(d, text, num_id, 0)
    document = read(saved(d, tmp_path / "shared.docx", {"word/numbering.xml": parts}))
    assert paragraphs(document) == ["3.甲", "4.乙", "1.丙", "2.丁", "3.戊", "4.己", "第五条 庚", "第六条 辛"]


def test_several_levels_in_one_number_legal_numbering_and_restarts(tmp_path: Path) -> None:
    parts = numbering(
        abstract(
            0,
            lvl(0, "chineseCounting", "第%1章"),
            lvl(1, "decimal", "%1.%2", extra="<w:isLgl/>"),  # the chapter in digits: 1.1, not 一.1
            lvl(2, "decimal", "%1.%2.%3", extra="<w:isLgl/>"),
        ),
        abstract(
            1,
            lvl(0, "decimal", "%1."),
            lvl(1, "lowerLetter", "%2)", extra='<w:lvlRestart w:val="0"/>'),  # never restarts
        ),
        abstract(2, lvl(0, "decimal", "%1."), lvl(1, "decimal", "%1.%2")),
        num(1, 0),
        num(2, 1),
        num(3, 2),
    )
    d = docx.Document()
    add(d, "总则", 1, 0)
    add(d, "目的", 1, 1)
    add(d, "依据", 1, 1)
    add(d, "条例", 1, 2)
    add(d, "公开", 1, 0)
    add(d, "范围", 1, 1)
    add(d, "主动", 2, 0)
    add(d, "网站", 2, 1)
    add(d, "依申请", 2, 0)
    add(d, "当面", 2, 1)
    add(d, "子项在先", 3, 1)  # a level used before the one above it: Word shows 0 for that one
    document = read(saved(d, tmp_path / "levels.docx", {"word/numbering.xml": parts}))
    assert paragraphs(document) == [
        "第一章 总则",
        "1.1 目的",
        "1.2 依据",
        "1.2.1 条例",
        "第二章 公开",
        "2.1 范围",
        "1.主动",
        "a)网站",
        "2.依申请",
        "b)当面",
        "0.1 子项在先",
    ]


@pytest.mark.parametrize(
    ("fmt", "text", "expected"),
    [
        ("chineseCounting", "%1、", ["一、", "二、", "三、"]),
        ("chineseCountingThousand", "%1、", ["一、", "二、", "三、"]),
        ("japaneseCounting", "（%1）", ["（一）", "（二）", "（三）"]),
        ("ideographTraditional", "%1、", ["甲、", "乙、", "丙、"]),
        ("decimalEnclosedCircle", "%1", ["①", "②", "③"]),
        ("decimalFullWidth", "%1．", ["１．", "２．", "３．"]),
        ("decimalFullWidth2", "（%1）", ["（１）", "（２）", "（３）"]),
        ("chineseLegalSimplified", "%1、", ["壹、", "贰、", "叁、"]),
        ("decimalZero", "%1.", ["01.", "02.", "03."]),
        ("upperRoman", "%1.", ["I.", "II.", "III."]),
        ("lowerLetter", "(%1)", ["(a)", "(b)", "(c)"]),
        ("none", "", ["", "", ""]),  # a level without a number
        ("none", "%1", ["", "", ""]),
        ("bullet", "\uf06c", ["", "", ""]),  # a bullet is not a label's number
        ("bullet", "●", ["", "", ""]),
    ],
)
def test_number_formats_as_word_shows_them(tmp_path: Path, fmt: str, text: str, expected: list[str]) -> None:
    d = docx.Document()
    for item in ("予以公开", "部分公开", "不予公开"):
        add(d, item, 1, 0)
    parts = numbering(abstract(0, lvl(0, fmt, text)), num(1, 0))
    document = read(saved(d, tmp_path / "formats.docx", {"word/numbering.xml": parts}))
    assert paragraphs(document) == [e + t for e, t in zip(expected, ("予以公开", "部分公开", "不予公开"), strict=True)]


def test_formats_of_larger_numbers() -> None:
    shown = {n: format_number(n, "chineseCountingThousand") for n in (10, 11, 20, 99, 100, 105, 110, 1001, 10010)}
    assert shown == {
        10: "十",
        11: "十一",
        20: "二十",
        99: "九十九",
        100: "一百",
        105: "一百零五",
        110: "一百一十",
        1001: "一千零一",
        10010: "一万零一十",
    }
    assert [reader.format_number(n, "chineseCounting") for n in (10, 19, 20, 35, 100, 105)] == [
        "十",
        "十九",
        "二十",
        "三十五",
        "一〇〇",
        "一〇五",
    ]
    assert [reader.format_number(n, "decimalEnclosedCircle") for n in (1, 10, 20, 21)] == ["①", "⑩", "⑳", "21"]
    assert [reader.format_number(n, "chineseLegalSimplified") for n in (10, 11, 20)] == ["壹拾", "壹拾壹", "贰拾"]
    assert reader.format_number(4, "someFormatNotKnown") == "4"  # Word falls back to digits


def test_what_follows_the_number(tmp_path: Path) -> None:
    """A tab (Word's default) or a space after the number is a space only where the text would
    run into it (after a digit or a letter), nothing after punctuation."""
    parts = numbering(
        abstract(0, lvl(0, "decimal", "%1")),
        abstract(1, lvl(0, "decimal", "%1", extra='<w:suff w:val="nothing"/>')),
        abstract(2, lvl(0, "decimal", "%1.", extra='<w:suff w:val="space"/>')),
        abstract(3, lvl(0, "chineseCounting", "第%1条")),
        num(1, 0),
        num(2, 1),
        num(3, 2),
        num(4, 3),
    )
    d = docx.Document()
    add(d, "属于国家秘密", 1, 0)
    add(d, "重复申请", 2, 0)
    add(d, "其他", 3, 0)
    add(d, "　　为了规范", 4, 0)  # the text's own leading spaces give way to the number
    document = read(saved(d, tmp_path / "suffix.docx", {"word/numbering.xml": parts}))
    assert paragraphs(document) == ["1 属于国家秘密", "1重复申请", "1.其他", "第一条 为了规范"]


def test_empty_hidden_and_tracked_paragraphs(tmp_path: Path) -> None:
    """An empty paragraph in a list counts and shows its number, as in Word; a hidden number
    counts and is not shown; a list only in a tracked change's old properties is not the
    paragraph's."""
    d = docx.Document()
    add(d, "甲", 1, 0)
    add(d, "", 1, 0)
    add(d, "丙", 1, 0)
    put(add(d, "丁", 1, 0), ppr="<w:rPr><w:vanish/></w:rPr>")
    add(d, "戊", 1, 0)
    put(d.add_paragraph("己"), ppr=f'<w:pPrChange w:id="1" w:author="a"><w:pPr>{num_pr(1, 0)}</w:pPr></w:pPrChange>')
    document = read(saved(d, tmp_path / "empty.docx", {"word/numbering.xml": numbering(OUTLINE, num(1, 0))}))
    assert paragraphs(document) == ["一、甲", "二、", "三、丙", "丁", "五、戊", "己"]


def test_cells_and_nested_tables_are_counted_where_they_are(tmp_path: Path) -> None:
    """A nested table is read after its parent, but Word counts its paragraphs where they
    stand: the parent cell's second item is 二, not 一, and the nested rows are （一）（二）."""
    d = docx.Document()
    frame = d.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    in_cell(cell, "总体情况", 1, 0)
    inner = cell.add_table(rows=2, cols=2)
    in_cell(inner.cell(0, 0), "予以公开", 1, 1)
    in_cell(inner.cell(1, 0), "部分公开", 1, 1)
    in_cell(inner.cell(0, 1), "3")
    in_cell(inner.cell(1, 1), "4")
    add(cell, "主动公开政府信息情况", 1, 0)
    add(d, "收到和处理政府信息公开申请情况", 1, 0)
    document = read(saved(d, tmp_path / "nested.docx", {"word/numbering.xml": numbering(OUTLINE, num(1, 0))}))
    outer, nested = tables(document)
    assert labels(outer) == ["一、总体情况\n二、主动公开政府信息情况"]
    assert labels(nested) == ["（一）予以公开", "（二）部分公开"]
    assert paragraphs(document) == ["三、收到和处理政府信息公开申请情况"]


def test_a_definition_taken_from_a_numbering_style(tmp_path: Path) -> None:
    """``w:numStyleLink``: a list whose definition is a numbering style's, the style naming
    the list whose definition has the levels."""
    parts = {
        "word/numbering.xml": numbering(
            abstract(0, head='<w:numStyleLink w:val="ReportList"/>'),
            abstract(
                1,
                lvl(0, "chineseCounting", "%1、"),
                lvl(1, "chineseCounting", "（%2）"),
                head='<w:styleLink w:val="ReportList"/>',
            ),
            num(1, 1),
            num(2, 0),
        ),
        "word/styles.xml": styles(style("ReportList", "报告编号", num_pr(1), kind="numbering")),
    }
    d = docx.Document()
    add(d, "总体情况", 2, 0)
    add(d, "主动公开", 2, 1)
    add(d, "主动公开政府信息情况", 1, 0)  # the style's own list: the same definition, counted on
    document = read(saved(d, tmp_path / "linked.docx", parts))
    assert paragraphs(document) == ["一、总体情况", "（一）主动公开", "二、主动公开政府信息情况"]


def test_word_2010_custom_format_falls_back_to_its_standard_one(tmp_path: Path) -> None:
    alternate = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="01, 02, 03, ..."/></mc:Choice>'
        '<mc:Fallback><w:numFmt w:val="decimalZero"/></mc:Fallback></mc:AlternateContent>'
    )
    level = f'<w:lvl w:ilvl="0"><w:start w:val="1"/>{alternate}<w:lvlText w:val="%1."/></w:lvl>'
    parts = numbering(f'<w:abstractNum w:abstractNumId="0">{level}</w:abstractNum>', num(1, 0))
    d = docx.Document()
    add(d, "予以公开", 1, 0)
    assert paragraphs(read(saved(d, tmp_path / "custom.docx", {"word/numbering.xml": parts}))) == ["01.予以公开"]


# -- missing, damaged and hostile numbering: the text as without it ---------------------------------


def plain(tmp_path: Path, name: str, numbering_part: str | None, styles_part: str | None = None) -> Document:
    d = docx.Document()
    add(d, "总体情况", 1, 0)
    add(d, "主动公开", 1, 1)
    add(d, "12", 9, 0)  # a list numbering.xml does not define
    replace: dict[str, str | None] = {"word/numbering.xml": numbering_part}
    if styles_part is not None:
        replace["word/styles.xml"] = styles_part
    return read_document(saved(d, tmp_path / name, replace))


def test_no_numbering_part_gives_the_text_alone(tmp_path: Path) -> None:
    document = plain(tmp_path, "none.docx", None)
    assert document.problems == ()
    assert paragraphs(document) == ["总体情况", "主动公开", "12"]


def test_a_list_not_defined_or_a_definition_missing_gives_no_number(tmp_path: Path) -> None:
    document = plain(tmp_path, "undefined.docx", numbering(num(1, 42)))
    assert document.problems == ()
    assert paragraphs(document) == ["总体情况", "主动公开", "12"]


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("cut", numbering(OUTLINE, num(1, 0))[:300]),
        ("not-xml", "这不是 XML"),
        ("entities", f'<?xml version="1.0"?><!DOCTYPE n [<!ENTITY a "一、">]><w:numbering {W}>&a;</w:numbering>'),
        ("deep", f"<w:numbering {W}>" + "<w:abstractNum>" * 60 + "</w:abstractNum>" * 60 + "</w:numbering>"),
    ],
)
def test_a_damaged_or_hostile_numbering_part_costs_only_the_numbers(tmp_path: Path, name: str, part: str) -> None:
    document = plain(tmp_path, f"{name}.docx", part)
    assert paragraphs(document) == ["总体情况", "主动公开", "12"]
    assert [p.code for p in document.problems] == ["A004"]
    assert "自动编号" in message(document.problems[0], "zh")


def test_a_numbering_part_of_too_many_elements_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_ELEMENTS", 500)
    many = numbering(OUTLINE, *(num(k, 0) for k in range(1, 400)))
    document = plain(tmp_path, "many.docx", many, styles_part=styles())  # python-docx's has 2,000 elements
    assert paragraphs(document) == ["总体情况", "主动公开", "12"]
    assert [p.code for p in document.problems] == ["A004"]


def test_a_damaged_styles_part_keeps_the_lists_on_the_paragraphs(tmp_path: Path) -> None:
    document = plain(tmp_path, "styles.docx", numbering(OUTLINE, num(1, 0)), styles_part="<w:styles")
    assert paragraphs(document) == ["一、总体情况", "（一）主动公开", "12"]
    assert [p.code for p in document.problems] == ["A004"]


# -- the corpus document: numbers read into the data file ------------------------------------------

CORPUS_DOCUMENT = Path(__file__).parent / "data" / "published" / "county-culture-2021-autonumbered.docx"


def test_the_autonumbered_corpus_report_reads_as_printed() -> None:
    """tests/data/published/county-culture-2021-autonumbered.docx (WPS; no heading and no row
    label of 表三 has its number in its text): the data file written from it has the report's
    six parts and their sub-parts, by their printed headings, and 表三's rows by their printed
    labels (its values and findings: tests/test_audit_corpus.py)."""
    document = read(CORPUS_DOCUMENT)
    extraction = extract(document)
    data = yaml.safe_load(extraction.yaml_text)
    sections = data["report"]["sections"]
    assert [s["heading"] for s in sections] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert [s["heading"] for s in sections[0]["subsections"]] == [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ]
    assert [s.get("tables") for s in sections[1:4]] == [["item1", "item5", "item6", "item8"], ["t3"], ["t4"]]
    rows = list(data["values"]["三、收到和处理政府信息公开申请情况"])
    assert rows[:5] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果 > （一）予以公开",
        "三、本年度办理结果 > （二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "三、本年度办理结果 > （三）不予公开： > 1.属于国家秘密",
    ]
    assert rows[5] == "三、本年度办理结果 > （三）不予公开： > 2.其他法律行政法规禁止公开"
    assert rows[12:14] == [
        "三、本年度办理结果 > （四）无法提供： > 1.本机关不掌握相关政府信息",
        "三、本年度办理结果 > （四）无法提供： > 2.没有现成信息需要另行制作",
    ]
    assert rows[-3:] == [
        "三、本年度办理结果 > （六）其他处理 > 3.其他",
        "三、本年度办理结果 > （七）总计",
        "四、结转下年度继续办理",
    ]


# -- properties: any numbering, however odd or damaged, gives the text and no traceback -------------

_TEXTS = [f"第{k}段" for k in range(12)]


@st.composite
def odd_numbering(draw: st.DrawFn) -> tuple[str, list[tuple[int | None, int | None]]]:
    """numbering.xml of a few definitions and lists, with any formats, texts, starts, restarts
    and overrides (levels out of range, lists naming missing definitions), and the lists and
    levels of the paragraphs."""
    fmts = st.sampled_from([*sorted(FORMATS), "bullet", "custom", "cardinalText", ""])
    texts = st.text(alphabet="%%%123456789、（）.第条一 A", max_size=12)
    parts = []
    for aid in range(draw(st.integers(1, 3))):
        levels = []
        for ilvl in draw(st.lists(st.integers(-1, 10), max_size=6)):
            extra = draw(st.sampled_from(["", "<w:isLgl/>", '<w:suff w:val="nothing"/>', "<w:lvlRestart w:val='0'/>"]))
            extra += draw(st.sampled_from(["", '<w:lvlRestart w:val="1"/>', '<w:lvlRestart w:val="9"/>']))
            levels.append(lvl(ilvl, draw(fmts), draw(texts), draw(st.none() | st.integers(0, 99_999)), extra))
        parts.append(abstract(aid, *levels))
    for nid in range(1, draw(st.integers(1, 5))):
        overrides = "".join(
            start_over(i, v) for i, v in draw(st.lists(st.tuples(st.integers(-1, 9), st.integers(0, 50)), max_size=3))
        )
        parts.append(num(nid, draw(st.integers(0, 3)), overrides))
    paragraphs = draw(
        st.lists(st.tuples(st.none() | st.integers(0, 5), st.none() | st.integers(-1, 10)), min_size=1, max_size=12)
    )
    return numbering(*parts), paragraphs


@given(case=odd_numbering())
def test_any_numbering_gives_each_paragraph_its_text_after_at_most_a_short_number(
    case: tuple[str, list[tuple[int | None, int | None]]],
) -> None:
    part, lists = case
    d = docx.Document()
    for text, (num_id, ilvl) in zip(_TEXTS, lists, strict=False):
        add(d, text, num_id, ilvl)
    with tempfile.TemporaryDirectory() as folder:
        document = read(saved(d, Path(folder) / "odd.docx", {"word/numbering.xml": part}))
    shown = paragraphs(document)
    assert len(shown) == len(lists)
    for text, original in zip(shown, _TEXTS, strict=False):
        assert text.endswith(original) and len(text) <= len(original) + reader.MAX_LABEL_CHARS + 1, text


_VALID_NUMBERING = numbering(OUTLINE, num(1, 0), num(2, 0, start_over(0, 3))).encode()


@given(noise=st.binary(max_size=32), where=st.floats(0, 1), how=st.sampled_from(["replace", "cut", "insert"]))
def test_a_damaged_numbering_part_never_ends_in_a_traceback(noise: bytes, where: float, how: str) -> None:
    at = int(where * len(_VALID_NUMBERING))
    data = {
        "replace": _VALID_NUMBERING[:at] + noise + _VALID_NUMBERING[at + len(noise) :],
        "cut": _VALID_NUMBERING[:at],
        "insert": _VALID_NUMBERING[:at] + noise + _VALID_NUMBERING[at:],
    }[how]
    d = docx.Document()
    add(d, "总体情况", 1, 0)
    add(d, "主动公开", 2, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = saved(d, Path(folder) / "damaged.docx", {"word/numbering.xml": data.decode("utf-8", "replace")})
        document = read_document(path)
    shown = paragraphs(document)
    assert len(shown) == 2 and shown[0].endswith("总体情况") and shown[1].endswith("主动公开"), shown
    assert all(p.code == "A004" and "自动编号" in message(p, "zh") for p in document.problems), document.problems
