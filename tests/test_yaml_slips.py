"""Typing slips in hand-written data files are named on the line where they were made: a
full-width colon "：" as the separator, no space after ":", a label indented unlike its
siblings. Files that parse are read exactly as before.

Each case edits one line of DATA (line numbers below are counted by hand from the text)."""

from __future__ import annotations

import pytest
import yaml

from baobiao.diagnostics.core import Diagnostic
from baobiao.instance.yamlsafe import YMap, YNode, YScalar, YSeq, load_yaml
from baobiao.source import Source

DATA_LINES = [
    "# 某某县市场监督管理局 2021 年政府信息公开工作年度报告",  # 1
    "meta:",  # 2
    "  agency: 某某县市场监督管理局",  # 3
    "  year: 2021",  # 4
    "  form: gov-disclosure-2021",  # 5
    "  level: 县级政府部门",  # 6
    "",  # 7
    "values:",  # 8
    "  三、收到和处理政府信息公开申请情况:",  # 9
    "    一、本年新收政府信息公开申请数量: {自然人: 23, 商业企业: 4, 科研机构: 0, 其他: 0, 总计: 27}",  # 10
    "    三、本年度办理结果:",  # 11
    "      （一）予以公开:",  # 12
    "        自然人: 9",  # 13
    "        商业企业: 2",  # 14
    "        科研机构: 0",  # 15
    "        总计: 11",  # 16
    "      （三）不予公开：:",  # 17
    "        1.属于国家秘密: {自然人: 0, 总计: 0}",  # 18
    "        2.其他法律行政法规禁止公开: {自然人: 0, 总计: 0}",  # 19
    "      （七）总计:",  # 20
    "        自然人: 24",  # 21
    "        总计: 29",  # 22
    "",  # 23
    "report:",  # 24
    "  preamble: 本报告说明：全年数据如下，统计口径为a:b类，网址http://www.example.gov.cn。",  # 25
    "  sections:",  # 26
    "    - heading: 总体情况",  # 27
    "      paragraphs:",  # 28
    "        - 全年收到申请：27",  # 29
    "        - 主要做法：一是公开，二是解读。",  # 30
]
DATA = "\n".join(DATA_LINES) + "\n"


def with_line(number: int, new: str) -> str:
    """DATA with its 1-based line ``number`` replaced by ``new``."""
    lines = list(DATA_LINES)
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def load(text: str) -> tuple[YNode | None, list[Diagnostic]]:
    return load_yaml(Source("data.yaml", text))


def only_d301(text: str) -> Diagnostic:
    root, problems = load(text)
    assert root is None
    assert [d.code for d in problems] == ["D301"], problems
    return problems[0]


def where(d: Diagnostic) -> tuple[int, int]:
    assert d.span is not None
    return d.span.line, d.span.column


def zh(d: Diagnostic) -> str:
    return str(d.args["problem"])


def en(d: Diagnostic) -> str:
    return str(d.args["problem_en"])


def plain(node: YNode | None) -> object:
    """The tree as PyYAML's BaseLoader builds it (every scalar a string)."""
    if isinstance(node, YScalar):
        return node.text
    if isinstance(node, YMap):
        return {plain(k): plain(v) for k, v in node.items}
    if isinstance(node, YSeq):
        return [plain(item) for item in node.items]
    return None


# -- files that parse are read as before --------------------------------------------------------


def test_the_sample_parses_without_diagnostics() -> None:
    root, problems = load(DATA)
    assert problems == []
    assert plain(root) == yaml.load(DATA, Loader=yaml.BaseLoader)


def test_labels_ending_in_a_full_width_colon_are_kept() -> None:
    root, problems = load(DATA)
    assert problems == []
    tree = plain(root)
    assert isinstance(tree, dict)
    results = tree["values"]["三、收到和处理政府信息公开申请情况"]["三、本年度办理结果"]
    assert results["（三）不予公开："] == {
        "1.属于国家秘密": {"自然人": "0", "总计": "0"},
        "2.其他法律行政法规禁止公开": {"自然人": "0", "总计": "0"},
    }


def test_inline_value_after_a_label_ending_in_a_full_width_colon() -> None:
    text = with_line(17, "      （三）不予公开：: {自然人: 0, 总计: 0}").replace(DATA_LINES[17] + "\n", "")
    text = text.replace(DATA_LINES[18] + "\n", "")
    root, problems = load(text)
    assert problems == []
    assert plain(root) == yaml.load(text, Loader=yaml.BaseLoader)


def test_narrative_with_colons_is_text() -> None:
    root, problems = load(DATA)
    assert problems == []
    tree = plain(root)
    assert isinstance(tree, dict)
    report = tree["report"]
    assert report["preamble"] == "本报告说明：全年数据如下，统计口径为a:b类，网址http://www.example.gov.cn。"
    assert report["sections"][0]["paragraphs"] == ["全年收到申请：27", "主要做法：一是公开，二是解读。"]


def test_colon_and_digits_inside_a_value_is_text() -> None:
    text = with_line(6, "  level: 县级政府部门:2")
    root, problems = load(text)
    assert problems == []
    tree = plain(root)
    assert isinstance(tree, dict)
    assert tree["meta"]["level"] == "县级政府部门:2"


# -- 1. full-width colon --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text", "column"),
    [
        (14, "        商业企业：2", 13),
        (14, "        商业企业： 2", 13),
        (13, "        自然人：9", 12),
        (16, "        总计：11", 11),
        (21, "        自然人：24", 12),
        (10, "    一、本年新收政府信息公开申请数量：{自然人: 23, 商业企业: 4, 科研机构: 0, 其他: 0, 总计: 27}", 21),
        (10, "    一、本年新收政府信息公开申请数量：27", 21),
    ],
    ids=["middle", "with-space", "first-under-heading", "last-under-heading", "last-block", "inline-row", "row"],
)
def test_full_width_colon_is_named_where_it_is(line: int, text: str, column: int) -> None:
    d = only_d301(with_line(line, text))
    assert where(d) == (line, column)
    assert zh(d).startswith(f"第 {line} 行用了中文冒号“：”分隔名称和数值，应改为英文冒号加空格“: ”")
    assert "full-width colon" in en(d)


def test_full_width_colon_suggests_the_corrected_line() -> None:
    d = only_d301(with_line(14, "        商业企业：2"))
    assert "商业企业: 2" in zh(d)


def test_full_width_colon_ending_a_heading() -> None:
    # "（一）予以公开：" with its children below: the label needs an ASCII colon after it
    d = only_d301(with_line(12, "      （一）予以公开："))
    assert where(d) == (12, 14)
    assert zh(d).startswith("第 12 行")
    assert "中文冒号“：”" in zh(d)
    assert "（一）予以公开：:" in zh(d)


def test_full_width_colon_and_a_number_on_a_heading() -> None:
    # two slips on one line (a number after a heading that has labels under it): the colon first
    d = only_d301(with_line(12, "      （一）予以公开：12"))
    assert where(d) == (12, 14)
    assert zh(d).startswith("第 12 行用了中文冒号“：”")


def test_two_full_width_colons_in_a_row_name_the_first() -> None:
    text = with_line(13, "        自然人：9").replace(DATA_LINES[13], "        商业企业：2")
    d = only_d301(text)
    assert where(d) == (13, 12)
    assert "中文冒号" in zh(d)


# -- 2. no space after the colon ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text", "column", "fixed"),
    [
        (14, "        商业企业:2", 13, "商业企业: 2"),
        (13, "        自然人:9", 12, "自然人: 9"),
        (16, "        总计:11", 11, "总计: 11"),
        (4, "  year:2021", 7, "year: 2021"),
    ],
    ids=["middle", "first-under-heading", "last-under-heading", "meta"],
)
def test_missing_space_after_the_colon(line: int, text: str, column: int, fixed: str) -> None:
    d = only_d301(with_line(line, text))
    assert where(d) == (line, column)
    assert zh(d) == f"第 {line} 行冒号后缺少空格：应写成“{fixed}”"
    assert "no space after the colon" in en(d)


# -- 3. wrong indentation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text", "blamed", "expected"),
    [
        # one label indented further than the one above it
        (14, "          商业企业: 2", 14, "上一行缩进 8 个空格，这一行 10 个"),
        (4, "   year: 2021", 4, "上一行缩进 2 个空格，这一行 3 个"),
        # one space short
        (14, "       商业企业: 2", 14, "上一行缩进 8 个空格，这一行 7 个"),
        # sticking out to the left between two lines that line up: PyYAML fails on line 15
        (14, "      商业企业: 2", 14, "上一行缩进 8 个空格，这一行 6 个"),
        # the first label under a heading is off; the rest line up (PyYAML fails on line 14)
        (13, "         自然人: 9", 13, "下一行缩进 8 个空格，这一行 9 个"),
        # a heading between two levels
        (20, "     （七）总计:", 20, "上面同一层的名称缩进 6 或 4 个空格，这一行 5 个"),
        # inside the report: a key under a list item
        (28, "       paragraphs:", 28, "上一行缩进 6 个空格，这一行 7 个"),
    ],
    ids=["deeper", "deeper-meta", "one-short", "dent-between", "first-child", "between-levels", "report"],
)
def test_wrong_indent_is_named_on_the_line_that_is_off(line: int, text: str, blamed: int, expected: str) -> None:
    d = only_d301(with_line(line, text))
    indent = len(text) - len(text.lstrip(" "))
    assert where(d) == (blamed, indent + 1)
    assert zh(d) == f"第 {blamed} 行缩进不对：同一层的名称应对齐（{expected}）"
    assert "indented wrongly" in en(d)


def test_wrong_indent_after_a_narrative_line_with_a_colon() -> None:
    # "- 全年收到申请：27" is text in a list; the slip is the indent of the next line
    text = DATA + "       - 第三段。\n"
    d = only_d301(text)
    assert where(d) == (31, 8)
    assert "缩进不对" in zh(d)
    assert "中文冒号" not in zh(d)


# -- 4. kept as before ----------------------------------------------------------------------------


def test_tab_indentation_is_still_explained() -> None:
    d = only_d301(with_line(14, "\t商业企业: 2"))
    assert d.span is not None and d.span.line == 14
    assert "制表符" in zh(d)


def test_lone_dash_is_still_read_as_text() -> None:
    text = with_line(14, "        商业企业: -")
    root, problems = load(text)
    assert problems == []
    tree = plain(root)
    assert isinstance(tree, dict)
    assert (
        tree["values"]["三、收到和处理政府信息公开申请情况"]["三、本年度办理结果"]["（一）予以公开"]["商业企业"] == "-"
    )


def test_lone_dash_and_a_slip_further_down_name_the_slip() -> None:
    text = with_line(14, "        商业企业: -").replace(DATA_LINES[20], "        自然人：24")
    d = only_d301(text)
    assert where(d) == (21, 12)
    assert "中文冒号" in zh(d)


def test_unclosed_quote_is_reported_as_before() -> None:
    d = only_d301(with_line(14, '        商业企业: "2'))
    assert "第" not in zh(d)
    assert en(d) == "found unexpected end of stream"


def test_second_colon_on_a_line_of_text() -> None:
    d = only_d301(with_line(25, "  preamble: 本报告说明: 全年数据如下。"))
    assert where(d) == (25, 18)
    assert zh(d).startswith("第 25 行有两个英文冒号")
