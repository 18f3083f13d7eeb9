"""The readers of ``baobiao audit`` (issue 15, item 1): published reports read into paragraphs
and tables as a reviewer sees them, whatever the file (a GBK web page with a layout table, a
Word file from Word or WPS, a PDF printed by LibreOffice, text copied from a page), and every
problem a diagnostic, never a traceback. Expectations are written by hand from the files built
here. Hostile files run in a child process with its address space limited and a timeout."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from hypothesis import given
from hypothesis import strategies as st
from test_outputs_real import FONTCONFIG_FILE, SOFFICE, needs

from baobiao.audit.document import Document, Paragraph, Table
from baobiao.audit.readers import MAX_HTML_BYTES, MAX_SPAN, read_document
from baobiao.diagnostics.render import hint, message

ROOT = Path(__file__).resolve().parents[1]
SEED = Path("/work/shared/seeds/000_99e673ad37f8a664.txt")
MEMORY = 500 * 1024 * 1024
TIMEOUT = 30  # seconds for a child process (each case takes one or two)


# -- helpers -------------------------------------------------------------------------------------


def codes(document: Document) -> list[str]:
    return [p.code for p in document.problems]


def grid(table: Table) -> list[list[str]]:
    """The table as printed: each slot's text where its cell starts, "<" where a merged cell
    covers it, "" where no cell does."""
    out = []
    for r in range(table.height):
        row = []
        for c in range(table.width):
            cell = table.cell(r, c)
            row.append("" if cell is None else cell.text if (cell.row, cell.column) == (r, c) else "<")
        out.append(row)
    return out


def outline(document: Document) -> list[object]:
    """Paragraphs as (text, heading), tables as (number, grid)."""
    return [(b.text, b.heading) if isinstance(b, Paragraph) else (b.where.table, grid(b)) for b in document.blocks]


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


# -- HTML ----------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某某局２０２１年报告_某某市人民政府</title>
<style>p {{ color: red }}</style><script>var a = "<p>脚本</p>";</script></head>
<body>
<table width="100%" class="layout"><tr><td>
  <div class="nav">首页&nbsp;&gt;&nbsp;政务公开</div>
  <h2>某某局２０２１年政府信息公开工作年度报告</h2>
  <p>&nbsp;&nbsp;本报告由某某局编制。<br/>　　第二行</p>
  <!-- 注释不读 -->
  <p><strong>二、主动公开政府信息情况</strong></p>
  <table border="1" class="MsoNormalTable">
   <thead><tr><th rowspan="2">信息内容</th><th colspan="2;">本年</th></tr>
   <tr><th>制发</th><th>废止</th></tr></thead>
   <tbody>
   <tr><td><p class="MsoNormal"><span>规章</span></p></td><td><span>１２</span></td><td>0</td></tr>
   <tr><td>行政规范<br>性文件</td><td colspan="0">3</td>
       <td><p>见下表</p><table><tr><td>内</td><td>表</td></tr><tr><td>1</td><td>2</td></tr></table></td></tr>
   </tbody>
  </table>
  <p>结束　语。</p>
</td></tr></table>
</body></html>
"""


def test_a_gbk_page_in_a_layout_table_gives_its_paragraphs_and_both_tables(tmp_path: Path) -> None:
    page = write(tmp_path / "report.html", PAGE.format(), "gbk")
    document = read_document(page)
    assert document.kind == "html" and document.problems == ()
    assert outline(document) == [
        ("首页 > 政务公开", False),
        ("某某局２０２１年政府信息公开工作年度报告", True),
        ("本报告由某某局编制。\n第二行", False),
        ("二、主动公开政府信息情况", True),
        (
            1,
            [
                ["信息内容", "本年", "<"],
                ["<", "制发", "废止"],
                ["规章", "１２", "0"],
                ["行政规范\n性文件", "3", "见下表"],
            ],
        ),
        (2, [["内", "表"], ["1", "2"]]),
        ("结束 语。", False),
    ]
    first = document.tables[0]
    assert first.cell(0, 0) is first.cell(1, 0) and first.cell(0, 0).rowspan == 2  # type: ignore[union-attr]
    assert first.where_of(3, 2).describe() == "表1 第4行第3列"


@pytest.mark.parametrize(
    ("label", "data", "problems"),
    [
        ("utf-8 with a BOM", "\ufeff<p>政府信息公开</p>".encode(), []),
        ("utf-8, nothing declared", "<p>政府信息公开</p>".encode(), []),
        ("gbk, nothing declared", "<p>政府信息公开</p>".encode("gbk"), []),
        ("gbk declared utf-8", '<meta charset="utf-8"><p>政府信息公开</p>'.encode("gbk"), []),
        ("gb2312 in <meta charset>", '<meta charset="gb2312"><p>政府信息公开</p>'.encode("gb18030"), []),
        ("a stray byte", "<p>政府信息公开</p><p>".encode() + b"\xff" + b"x</p>", ["A007"]),
    ],
)
def test_the_page_encoding_is_found(tmp_path: Path, label: str, data: bytes, problems: list[str]) -> None:
    document = read_document(write(tmp_path / "page.htm", data))
    assert codes(document) == problems, label
    assert document.paragraphs[0].text == "政府信息公开"


def test_spans_are_read_as_browsers_read_them_and_kept_within_bounds(tmp_path: Path) -> None:
    page = (
        "<table><tr><td colspan=100000>宽</td></tr><tr><td rowspan=999999>高</td><td colspan=x>x</td></tr>"
        "<tr><td colspan=' 3 '>三</td></tr></table>"
    )
    (table,) = read_document(write(tmp_path / "spans.html", page)).tables
    assert table.width == MAX_SPAN and table.height == 3
    high = table.cell(1, 0)
    assert high is not None and (high.text, high.rowspan) == ("高", 2)  # cut at the last row
    assert grid(table)[2][:5] == ["<", "三", "<", "<", ""]


def test_a_data_table_in_a_data_cell_comes_after_its_parent_and_a_layout_row_is_read_in_order(tmp_path: Path) -> None:
    page = """
    <table><tr><td>导航</td><td><p>正文第一段</p><p>正文第二段</p><table border=1>
        <tr><td>项目</td><td>数量</td></tr>
        <tr><td>申请</td><td><table><tr><td>当面</td><td>1</td></tr><tr><td>网络</td><td>2</td></tr></table></td></tr>
      </table></td></tr></table>
    <p>页脚</p>"""
    document = read_document(write(tmp_path / "nested.html", page))
    assert outline(document) == [
        ("导航", False),
        ("正文第一段", False),
        ("正文第二段", False),
        (1, [["项目", "数量"], ["申请", ""]]),
        (2, [["当面", "1"], ["网络", "2"]]),
        ("页脚", False),
    ]


def test_an_empty_page_says_nothing_was_found(tmp_path: Path) -> None:
    document = read_document(write(tmp_path / "empty.html", "<html><body><script>load()</script></body></html>"))
    assert document.blocks == () and codes(document) == ["A006"]


# -- Word ----------------------------------------------------------------------------------------


def test_a_word_file_with_merged_cells_and_a_nested_table(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_heading("某某局2021年政府信息公开工作年度报告", level=1)
    p = d.add_paragraph("本年度")
    p.add_run().add_break()
    p.add_run("第二行\t制表")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "信息内容"
    t.cell(0, 1).merge(t.cell(0, 3)).text = "本年"
    for c, text in zip(range(1, 4), ["制发", "废止", "现行"], strict=True):
        t.cell(1, c).text = text
    t.cell(2, 0).text = "规章"
    t.cell(3, 0).text = "规范性文件"
    t.cell(2, 1).merge(t.cell(3, 1)).text = "5"
    t.cell(2, 2).paragraphs[0].text = "见下表"
    inner = t.cell(2, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "内", "表"
    t.cell(3, 3).text = "2"
    d.add_paragraph("三、结束")
    d.save(str(tmp_path / "merged.docx"))
    document = read_document(tmp_path / "merged.docx")
    assert document.kind == "docx" and document.problems == ()
    assert outline(document) == [
        ("某某局2021年政府信息公开工作年度报告", True),
        ("本年度\n第二行 制表", False),
        (
            1,
            [
                ["信息内容", "本年", "<", "<"],
                ["<", "制发", "废止", "现行"],
                ["规章", "5", "见下表", ""],
                ["规范性文件", "<", "", "2"],
            ],
        ),
        (2, [["内", "表"]]),
        ("三、结束", True),
    ]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NS = (
    f'{W} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def run(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


def para(text: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{run(text)}</w:p>"


def cell(body: str, tcpr: str = "") -> str:
    return f"<w:tc>{f'<w:tcPr>{tcpr}</w:tcPr>' if tcpr else ''}{body}</w:tc>"


WPS_BODY = (
    para("一、总体情况", '<w:pStyle w:val="2"/>')
    + para("概述", '<w:outlineLvl w:val="1"/>')
    + "<w:p>"
    + run("正文")
    + '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>'
    + para("文本框里的说明")
    + "</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
    "<w:txbxContent>" + para("文本框里的说明") + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r></w:p>"
    # WPS: no w:tblGrid, <w:vMerge/> without w:val continues, w:gridBefore
    + "<w:tbl><w:tblPr/>"
    + "<w:tr>"
    + cell(para("信息内容"), '<w:vMerge w:val="restart"/>')
    + cell(para("本年"), '<w:gridSpan w:val="2"/>')
    + "</w:tr><w:tr>"
    + cell("<w:p/>", "<w:vMerge/>")
    + cell(para("制发"))
    + cell(para("废止"))
    + '</w:tr><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
    + cell(para("１２"))
    + cell(
        "<w:p>" + run("3") + "<w:r><w:br/><w:t>件</w:t></w:r></w:p><w:tbl><w:tr>" + cell(para("内")) + "</w:tr></w:tbl>"
    )
    + "</w:tr></w:tbl>"
    + "<w:sdt><w:sdtContent>"
    + para("控件中的段落")
    + "</w:sdtContent></w:sdt><w:sectPr/>"
)
STYLES = (
    f'<w:styles {W}><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Normal Indent"/></w:style></w:styles>'
)


def raw_docx(path: Path, body: str, styles: str = STYLES, document: str | None = None) -> Path:
    """A .docx zipped by hand: the parts a reader needs, nothing else."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr("word/document.xml", document or f"<w:document {NS}><w:body>{body}</w:body></w:document>")
        z.writestr("word/styles.xml", styles)
    return path


def test_a_wps_document_text_box_and_content_control(tmp_path: Path) -> None:
    document = read_document(raw_docx(tmp_path / "wps.docx", WPS_BODY))
    assert document.problems == ()
    assert outline(document) == [
        ("一、总体情况", True),  # style id "2", named "heading 2"
        ("概述", True),  # its own outline level
        ("正文", False),
        ("文本框里的说明", False),  # once: mc:Fallback repeats it
        (1, [["信息内容", "本年", "<"], ["<", "制发", "废止"], ["", "１２", "3\n件"]]),
        (2, [["内"]]),
        ("控件中的段落", False),
    ]


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000)  # the old Office binary format


@pytest.mark.parametrize(
    ("name", "data", "expected", "said"),
    [
        ("old.doc", OLE, ["A002"], "old.doc 是旧版 Word 文档（.doc），不能读取"),
        ("report.wps", OLE, ["A002"], "report.wps 是WPS 文档（.wps），不能读取"),
        ("renamed.docx", OLE, ["A002"], "是旧版 Office/WPS 二进制文档（如 .doc、.wps）"),
        ("book.xlsx", b"PK\x03\x04" + bytes(100), ["A002"], "是Excel 工作簿（.xlsx），不能读取"),
        ("notes.xyz", b"hello", ["A002"], "是不认识的文件类型（.xyz）"),
        ("page.doc", "<html><body><p>其实是网页</p></body></html>".encode(), ["A008"], "内容却是网页，已按网页读取"),
        ("page.txt", b"%PDF-1.4\n%broken", ["A008", "A001"], "扩展名是 .txt，内容却是PDF 文档"),
    ],
)
def test_the_kind_is_told_from_the_first_bytes_too(
    tmp_path: Path, name: str, data: bytes, expected: list[str], said: str
) -> None:
    document = read_document(write(tmp_path / name, data))
    assert codes(document) == expected
    assert said in message(document.problems[0], "zh")


def test_an_old_word_file_is_told_to_be_saved_as_docx(tmp_path: Path) -> None:
    (problem,) = read_document(write(tmp_path / "old.doc", OLE)).problems
    assert "另存为 .docx" in hint(problem, "zh") and "save it as .docx" in hint(problem, "en")
    web = read_document(write(tmp_path / "page.doc", "<p>其实是网页</p><html>".encode()))
    assert web.kind == "html" and web.paragraphs[0].text == "其实是网页"


def test_a_docx_named_doc_is_read_as_docx(tmp_path: Path) -> None:
    source = raw_docx(tmp_path / "x.docx", para("二、主动公开"))
    document = read_document(write(tmp_path / "x.doc", source.read_bytes()))
    assert codes(document) == ["A008"] and outline(document) == [("二、主动公开", True)]
    assert "把扩展名改为 .docx" in hint(document.problems[0], "zh")


def test_unreadable_paths_are_diagnostics(tmp_path: Path) -> None:
    missing = read_document(tmp_path / "missing.pdf")
    folder = read_document(tmp_path)
    assert codes(missing) == ["A001"] and "找不到文件" in message(missing.problems[0], "zh")
    assert codes(folder) == ["A001"] and "不是普通文件" in message(folder.problems[0], "zh")


# -- text ----------------------------------------------------------------------------------------


@pytest.mark.skipif(not SEED.exists(), reason="the seed report is not on this machine")
def test_the_seed_report_copied_as_text() -> None:
    document = read_document(SEED)
    assert document.problems == ()
    headings = [p.text for p in document.paragraphs if p.heading]
    assert headings[:4] == ["一、概述", "二、组织领导和制度建设", "（一）组织领导", "（二）制度建设"]
    assert "十、存在的主要问题及改进措施" in headings
    assert document.paragraphs[0].text == "山东省人民政府外事办公室"
    assert document.paragraphs[2].text.startswith("根据《中华人民共和国政府信息公开条例》")
    (table,) = document.tables
    rows = grid(table)
    assert (table.height, table.width) == (72, 3)
    assert rows[0] == ["统 计 指 标", "单位", "统计数"]
    assert rows[2] == ["（一）主动公开政府信息数\n（不同渠道和方式公开相同信息计1条）", "条", "11307"]
    assert rows[6:8] == [["1.政府公报公开政府信息数", "条", "477"], ["2.政府网站公开政府信息数", "条", "9764"]]
    assert ["四、行政复议数量", "件", "0"] in rows  # its "[bookmark: _GoBack]" mark dropped
    assert ["七、向图书馆、档案馆等查阅场所报送信息数", "条", "6"] in rows  # a row broken by a blank line
    assert rows[-1] == ["（三）接受培训人员数", "人次", "50"]


def test_tables_in_text_by_tabs_pipes_and_aligned_spaces(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "一、总体情况",
            "本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，",
            "扎实推进政务公开。",
            "第二段。",
            "",
            "信息内容\t本年制发件数\t本年废止件数",
            "规章\t0\t0",
            "行政规范性文件\t2\t1",
            "",
            "| 项目 | 数量 |",
            "|------|-----:|",
            "| 当面 | 1 |",
            "| 网络 | 2 |",
            "",
            "                    自然人  法人    总计",
            "--------------------------------------",
            "一、本年新收申请      23     4      27",
            "三、本年度办理结果",
            "  （一）予以公开       9     2      11",
            "— 3 —",
            "（二）依申请公开",
        ]
    )
    document = read_document(write(tmp_path / "report.txt", text, "gb18030"))
    assert document.problems == ()
    assert outline(document) == [
        ("一、总体情况", True),
        ("本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开。", False),
        ("第二段。", False),
        (1, [["信息内容", "本年制发件数", "本年废止件数"], ["规章", "0", "0"], ["行政规范性文件", "2", "1"]]),
        (2, [["项目", "数量"], ["当面", "1"], ["网络", "2"]]),
        (
            3,
            [
                ["", "自然人", "法人", "总计"],
                ["一、本年新收申请", "23", "4", "27"],
                ["三、本年度办理结果", "", "", ""],
                ["（一）予以公开", "9", "2", "11"],
            ],
        ),
        ("（二）依申请公开", True),  # the page number "— 3 —" dropped
    ]


def test_a_table_copied_from_a_browser_gets_its_merged_cells_back(tmp_path: Path) -> None:
    """A browser copies a table a row a line, its cells apart by tabs, and leaves out what the
    spans said: a cell merged across columns is one cell, one merged down is left out of the
    rows below it. The grid is rebuilt as the page had it (comments: the page's spans)."""
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "项目\t申请人情况",  # 项目 over 3 columns and 3 rows, 申请人情况 over 4 columns
        "自然人\t法人或其他组织\t总计",  # 自然人 and 总计 over 2 rows, 法人或其他组织 over 2 columns
        "商业企业\t其他",
        "一、本年新收申请数量\t5\t1\t1\t7",  # over 3 columns
        "三、本年度办理结果\t（一）予以公开\t3\t1\t0\t4",  # 三、 down 4 rows, （一） over 2 columns
        "（三）不予公开：\t1.属于国家秘密\t0\t0\t0\t0",  # （三） down 2 rows
        "2.其他法律行政法规禁止公开\t1\t0\t0\t1",
        "（七）总计\t4\t1\t0\t5",  # over 2 columns
        "四、结转下年度继续办理\t1\t0\t1\t2",  # over 3 columns
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t行政诉讼",  # 行政复议 over 2 columns and 2 rows, 行政诉讼 over 4 columns
        "未经复议直接起诉\t复议后起诉",  # over 2 columns each
        "维持\t纠正\t维持\t纠正\t维持\t纠正",
        "1\t0\t2\t1\t0\t0",
        "",
        "申请\t答复",  # over 5 columns: 2 and 3, or 3 and 2? The copy does not say.
        "当面\t网络\t信函\t传真\t其他",
        "1\t2\t3\t4\t5",
        "本年度未收取信息处理费。",
    ]
    document = read_document(write(tmp_path / "copied.txt", "\r\n".join(lines)))
    assert document.problems == ()
    assert outline(document) == [
        ("三、收到和处理政府信息公开申请情况", True),
        (
            1,
            [
                ["项目", "<", "<", "申请人情况", "<", "<", "<"],
                ["<", "<", "<", "自然人", "法人或其他组织", "<", "总计"],
                ["<", "<", "<", "<", "商业企业", "其他", "<"],
                ["一、本年新收申请数量", "<", "<", "5", "1", "1", "7"],
                ["三、本年度办理结果", "（一）予以公开", "<", "3", "1", "0", "4"],
                ["<", "（三）不予公开：", "1.属于国家秘密", "0", "0", "0", "0"],
                ["<", "<", "2.其他法律行政法规禁止公开", "1", "0", "0", "1"],
                ["<", "（七）总计", "<", "4", "1", "0", "5"],
                ["四、结转下年度继续办理", "<", "<", "1", "0", "1", "2"],
            ],
        ),
        ("四、政府信息公开行政复议、行政诉讼情况", True),
        (
            2,
            [
                ["行政复议", "<", "行政诉讼", "<", "<", "<"],
                ["<", "<", "未经复议直接起诉", "<", "复议后起诉", "<"],
                ["维持", "纠正", "维持", "纠正", "维持", "纠正"],
                ["1", "0", "2", "1", "0", "0"],
            ],
        ),
        # the headings the copy cannot place are a table of their own, kept off the columns
        (3, [["申请", "答复"]]),
        (4, [["当面", "网络", "信函", "传真", "其他"], ["1", "2", "3", "4", "5"]]),
        ("本年度未收取信息处理费。", False),
    ]
    three = document.tables[0]
    assert [three.text(6, c) for c in range(3)] == [
        "三、本年度办理结果",
        "（三）不予公开：",
        "2.其他法律行政法规禁止公开",
    ]
    group = three.cell(6, 0)
    assert group is not None and (group.row, group.rowspan, group.colspan) == (4, 4, 1)


def test_a_text_file_of_random_bytes_is_not_text(tmp_path: Path) -> None:
    document = read_document(write(tmp_path / "noise.txt", os.urandom(20_000)))
    assert document.blocks == () and codes(document) == ["A001"]
    assert "不是文本文件" in message(document.problems[0], "zh")


# -- PDF -----------------------------------------------------------------------------------------


def minimal_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand: ``objects`` numbered from 1 (1 is the catalog), a cross-reference
    table and a trailer."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


IMAGE = stream(
    b"\x00\xff\xff\x00",
    b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
)
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def page(contents: int, resources: bytes) -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Resources %s /Contents %d 0 R >>" % (
        resources,
        contents,
    )


def hand_pdf(pages: list[str | None], content: bytes | None = None) -> bytes:
    """A PDF of one line of text a page, or of one image where the page is None; ``content``:
    the raw drawing of every text page instead (FlateDecode)."""
    kids = b" ".join(b"%d 0 R" % (3 + 2 * k) for k in range(len(pages)))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))]
    image, font = 3 + 2 * len(pages), 4 + 2 * len(pages)
    for k, text in enumerate(pages):
        if text is None:
            objects += [
                page(4 + 2 * k, b"<< /XObject << /Im1 %d 0 R >> >>" % image),
                stream(b"q 200 0 0 200 50 50 cm /Im1 Do Q"),
            ]
        elif content is not None:
            objects += [
                page(4 + 2 * k, b"<< /Font << /F1 %d 0 R >> >>" % font),
                stream(content, b"/Filter /FlateDecode"),
            ]
        else:
            drawn = b"BT /F1 18 Tf 20 200 Td (%s) Tj ET" % text.encode("ascii")
            objects += [page(4 + 2 * k, b"<< /Font << /F1 %d 0 R >> >>" % font), stream(drawn)]
    return minimal_pdf(*objects, IMAGE, FONT)


def test_a_scanned_pdf_says_so_and_a_scanned_page_is_named(tmp_path: Path) -> None:
    scan = read_document(write(tmp_path / "scan.pdf", hand_pdf([None, None, None])))
    assert scan.blocks == () and scan.pages == 3 and codes(scan) == ["A005"]
    assert "扫描件" in message(scan.problems[0], "zh") and "OCR" in hint(scan.problems[0], "zh")
    mixed = read_document(write(tmp_path / "mixed.pdf", hand_pdf(["Annual report 2021", None, None])))
    assert outline(mixed) == [("Annual report 2021", False)] and codes(mixed) == ["A004"]
    assert "第 2、3 页只有图像" in message(mixed.problems[0], "zh")


@pytest.mark.parametrize(
    ("limit", "value", "said", "read"),
    [
        ("MAX_PAGES", 2, "超过 2 页，其后各页未读取", ["Page one", "Page two has a longer line"]),
        ("MAX_SECONDS", -1.0, "读取超过 -1 秒，第 1 页起未读取", []),
        ("MAX_PAGE_CONTENT", 45, "第 2 页绘制的内容过多", ["Page one", "Page three"]),
        ("MAX_PAGE_OBJECTS", 12, "第 2 页绘制的内容过多", ["Page one", "Page three"]),
    ],
)
def test_pdf_limits_end_reading_and_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: float, said: str, read: list[str]
) -> None:
    from baobiao.audit import pdf

    monkeypatch.setattr(pdf, limit, value)
    path = write(tmp_path / "three.pdf", hand_pdf(["Page one", "Page two has a longer line", "Page three"]))
    document = read_document(path)
    assert [p.text for p in document.paragraphs] == read
    assert any(said in message(p, "zh") for p in document.problems if p.code == "A004"), document.problems


def report_docx(path: Path) -> Path:
    """A report as offices write one: a page-number footer ("— 1 —"), a ruled table with merged
    cells, a long ruled table whose header row repeats on the next page, a table printed
    without borders."""
    d = docx.Document()
    footer = d.sections[0].footer.paragraphs[0]
    footer._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve">— </w:t></w:r>'))
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    footer._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))
    d.add_heading("某某局2021年政府信息公开工作年度报告", level=1)
    d.add_paragraph("一、总体情况")
    d.add_paragraph("本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，" * 4)
    d.add_paragraph("第二段。" * 5)
    t = d.add_table(rows=4, cols=4)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(1, 0)).text = "信息内容"
    t.cell(0, 1).merge(t.cell(0, 3)).text = "本年"
    for c, text in zip(range(1, 4), ["制发", "废止", "现行"], strict=True):
        t.cell(1, c).text = text
    t.cell(2, 0).text, t.cell(3, 0).text = "规章", "规范性文件"
    t.cell(2, 1).merge(t.cell(3, 1)).text = "5"
    t.cell(2, 2).text, t.cell(3, 3).text = "1", "2"
    d.add_paragraph("二、长表")
    long = d.add_table(rows=46, cols=3)
    long.style = "Table Grid"
    long.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for c, text in enumerate(["项目", "数量", "金额"]):
        long.cell(0, c).text = text
    for r in range(1, 46):
        for c, text in enumerate([f"第{r}项", str(r * 10), str(r * 10 + 1)]):
            long.cell(r, c).text = text
    d.add_paragraph("三、无框线表")
    plain = d.add_table(rows=4, cols=3)
    for r in range(4):
        for c in range(3):
            plain.cell(r, c).text = ["项目", "自然人", "总计"][c] if r == 0 else (f"第{r}项" if c == 0 else str(r + c))
    d.add_paragraph("四、结束语。")
    d.save(str(path))
    return path


def unruled_docx(path: Path) -> Path:
    """A report whose table 三 is printed without borders (a table without a style): a heading
    merged across columns, a group label merged down three rows and centred on them, a label of
    several lines; around it, text that must stay text: justified lines with English words
    (spaces stretched), double-spaced lines, a list numbered with tabs."""
    d = docx.Document()
    d.add_paragraph("一、总体情况")
    for text in UNRULED_TEXT:
        p = d.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.line_spacing = 2.0
    for k in (1, 2):
        d.add_paragraph(f"{k}.\t第{k}项工作要点：加强信息发布审核，完善公开目录。")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=7, cols=5)
    t.cell(0, 0).merge(t.cell(1, 1)).text = "项目"
    t.cell(0, 2).merge(t.cell(0, 4)).text = "申请人情况"
    for c, text in zip(range(2, 5), ["自然人", "法人或其他组织", "总计"], strict=True):
        t.cell(1, c).text = text
    t.cell(2, 0).merge(t.cell(2, 1)).text = "一、本年新收申请数量"
    group = t.cell(3, 0).merge(t.cell(5, 0))
    group.text = "三、本年度办理结果"
    group.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    t.cell(3, 1).text = "（一）予以公开"
    t.cell(4, 1).text = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    t.cell(5, 1).text = "（三）不予公开"
    t.cell(6, 0).merge(t.cell(6, 1)).text = "四、结转下年度继续办理"
    for r, row in zip(range(2, 7), [(5, 2, 7), (3, 1, 4), (1, 0, 1), (0, 1, 1), (1, 0, 1)], strict=True):
        for c, value in zip(range(2, 5), row, strict=True):
            t.cell(r, c).text = str(value)
    d.add_paragraph("四、结束语。")
    d.save(str(path))
    return path


UNRULED_TEXT = (
    "本年度按 Regulations on Open Government Information 和 the Annual Report Format 编制，"
    "共办结申请 12 件，其中予以公开 3 件、部分公开 1 件。" * 2,
    "本机关坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开，" * 3,
)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Word files built here (and the example report rendered by baobiao) printed to PDF
    by one LibreOffice run."""
    from baobiao.pipeline import load_spec, render_report

    base = tmp_path_factory.mktemp("printed")
    loaded = load_spec("gov-disclosure-2021")
    assert loaded.form is not None
    example = ROOT / "examples" / "county-dept-2021.yaml"
    rendered = render_report(loaded.form, example, loaded.report.sources, targets=("docx",), out_dir=base)
    sources = {
        "report": report_docx(base / "report.docx"),
        "example": rendered.written[0],
        "unruled": unruled_docx(base / "unruled.docx"),
    }
    assert SOFFICE is not None
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG_FILE)}
    command = [SOFFICE, f"-env:UserInstallation={(base / 'lo').as_uri()}", "--headless", "--norestore"]
    command += ["--nolockcheck", "--convert-to", "pdf", "--outdir", str(base), *map(str, sources.values())]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=240, stdin=subprocess.DEVNULL)
    pdfs = {name: base / f"{path.stem}.pdf" for name, path in sources.items()}
    missing = [str(p) for p in pdfs.values() if not p.exists()]  # LibreOffice's exit code is not to be trusted
    assert not missing, (missing, done.stdout[-2000:], done.stderr[-2000:])
    return pdfs


def squashed(rows: list[list[str]]) -> list[list[str]]:
    """Without the spaces LibreOffice puts between Chinese and digits, and line breaks."""
    return [[text.replace(" ", "").replace("\n", "") for text in row] for row in rows]


@needs("libreoffice", "cjk-font")
def test_a_pdf_printed_by_libreoffice(printed: dict[str, Path]) -> None:
    document = read_document(printed["report"])
    assert document.kind == "pdf" and document.problems == () and document.pages == 2
    paragraphs = [(p.text.replace(" ", ""), p.heading, p.where.page) for p in document.paragraphs]
    assert paragraphs == [
        ("某某局2021年政府信息公开工作年度报告", True, 1),
        ("一、总体情况", True, 1),
        ("本年度，我局认真贯彻落实《中华人民共和国政府信息公开条例》，" * 4, False, 1),
        ("第二段。" * 5, False, 1),
        ("二、长表", True, 1),
        ("三、无框线表", True, 2),
        ("四、结束语。", False, 2),  # a sentence, not a heading
    ]  # "— 1 —" and "— 2 —" dropped
    merged, long, plain = document.tables
    assert squashed(grid(merged)) == [
        ["信息内容", "本年", "<", "<"],
        ["<", "制发", "废止", "现行"],
        ["规章", "5", "1", ""],
        ["规范性文件", "<", "", "2"],
    ]
    assert (merged.where.page, merged.where.table, merged.continued) == (1, 1, False)
    # across the page break: one table, its repeated header row dropped, each row's page kept
    assert long.continued and long.where.page == 1 and set(long.row_pages) == {1, 2}
    assert squashed(grid(long)) == [["项目", "数量", "金额"]] + [
        [f"第{r}项", str(r * 10), str(r * 10 + 1)] for r in range(1, 46)
    ]
    second = long.row_pages.index(2)
    assert long.where_of(second, 0).describe() == f"第2页 表2 第{second + 1}行第1列"
    assert squashed(grid(plain)) == [
        ["项目", "自然人", "总计"],
        ["第1项", "2", "3"],
        ["第2项", "3", "4"],
        ["第3项", "4", "5"],
    ]
    assert plain.where.page == 2 and plain.where.table == 3


@needs("libreoffice", "cjk-font")
def test_table_three_of_the_example_report_printed_by_libreoffice(printed: dict[str, Path]) -> None:
    document = read_document(printed["example"])
    assert document.problems == ()
    (three,) = [t for t in document.tables if t.width == 10]
    rows = squashed(grid(three))
    assert three.height == 28 and three.continued == (len(set(three.row_pages)) > 1)
    assert rows[0][:4] == [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "<",
        "<",
        "申请人情况",
    ]
    assert rows[2][3:] == ["<", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "<"]
    assert rows[3] == ["一、本年新收政府信息公开申请数量", "<", "<", "23", "4", "0", "0", "1", "0", "28"]
    # "三、本年度办理结果" spans its 22 rows, even when the table breaks across pages
    label = three.cell(5, 0)
    assert label is not None and (label.text.replace("\n", ""), label.row, label.rowspan) == (
        "三、本年度办理结果",
        5,
        22,
    )
    assert rows[26] == ["<", "（七）总计", "<", "24", "4", "0", "0", "1", "0", "29"]
    assert rows[27][0] == "四、结转下年度继续办理" and rows[27][-1] == "1"
    four = document.tables[-1]
    assert squashed(grid(four))[3] == ["1", "0", "0", "1", "2", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"]


@needs("libreoffice", "cjk-font")
def test_a_table_printed_without_borders_is_read_as_one_and_the_text_around_it_stays_text(
    printed: dict[str, Path],
) -> None:
    document = read_document(printed["unruled"])
    assert document.problems == ()
    paragraphs = [(p.text.replace(" ", ""), p.heading) for p in document.paragraphs]
    assert paragraphs == [
        ("一、总体情况", True),
        *((text.replace(" ", ""), False) for text in UNRULED_TEXT),  # each one paragraph, its lines joined
        ("1.第1项工作要点：加强信息发布审核，完善公开目录。", False),
        ("2.第2项工作要点：加强信息发布审核，完善公开目录。", False),
        ("三、收到和处理政府信息公开申请情况", True),
        ("四、结束语。", False),
    ]
    (table,) = document.tables
    # Word prints a merged cell at the top of its rows unless told otherwise: 项目 and 申请人情况
    # stand where they start, and nothing shows how far they reach down or across. The group
    # label, centred on its three rows, spans them; the label of five lines is one cell.
    assert squashed(grid(table)) == [
        ["项目", "<", "申请人情况", "", ""],
        ["", "", "自然人", "法人或其他组织", "总计"],
        ["一、本年新收申请数量", "<", "5", "2", "7"],
        ["三、本年度办理结果", "（一）予以公开", "3", "1", "4"],
        ["<", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1", "0", "1"],
        ["<", "（三）不予公开", "0", "1", "1"],
        ["四、结转下年度继续办理", "<", "1", "0", "1"],
    ]
    group = table.cell(4, 0)
    assert group is not None and (group.row, group.rowspan) == (3, 3)


# -- hostile files, in a child process -------------------------------------------------------------


def bounded(script: str) -> tuple[list[dict[str, str]], float]:
    """Run ``script`` (it sets ``document``) in a child process with MEMORY of address space
    and TIMEOUT seconds: the document's problems (code, message) and how long reading took."""
    prelude = textwrap.dedent(
        f"""
        import json, resource, time
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
        from pathlib import Path
        from baobiao.audit.readers import read_document
        from baobiao.diagnostics.render import message
        start = time.monotonic()
        """
    )
    ending = (
        "\nprint(json.dumps([[{'code': p.code, 'message': message(p, 'zh')} for p in document.problems], "
        "time.monotonic() - start, len(document.blocks)]))\n"
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script) + ending],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr[-3000:]  # nothing printed, no traceback
    problems, seconds, _ = json.loads(done.stdout.splitlines()[-1])
    return problems, seconds


def read_bounded(path: Path) -> tuple[list[dict[str, str]], float]:
    return bounded(f"document = read_document(Path({str(path)!r}))")


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A folder for large files, removed at once after the test."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked(scratch: Path) -> None:
    bomb = scratch / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "word/document.xml", f"<w:document {W}><w:body>".encode() + b" " * 60_000_000 + b"</w:body></w:document>"
        )
    assert bomb.stat().st_size < 1_000_000
    problems, seconds = read_bounded(bomb)
    assert [p["code"] for p in problems] == ["A001"] and "压缩炸弹" in problems[0]["message"] and seconds < 5


def test_a_billion_laughs_document_is_refused(scratch: Path) -> None:
    laughs = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
    xml = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "哈">{laughs}]><w:document {W}><w:body>'
    xml += "<w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
    problems, seconds = read_bounded(raw_docx(scratch / "laughs.docx", "", document=xml))
    assert [p["code"] for p in problems] == ["A001"] and "不允许的 XML" in problems[0]["message"] and seconds < 5


def test_a_docx_nested_too_deeply_keeps_what_came_before(scratch: Path) -> None:
    body = para("开头的段落") + "<w:sdt><w:sdtContent>" * 200 + para("深处") + "</w:sdtContent></w:sdt>" * 200
    problems, _ = read_bounded(raw_docx(scratch / "deep.docx", body))
    assert [p["code"] for p in problems] == ["A004"] and "嵌套过深" in problems[0]["message"]
    assert outline(read_document(scratch / "deep.docx")) == [("开头的段落", False)]


def test_an_html_file_of_a_gigabyte_is_refused_by_its_size(scratch: Path) -> None:
    huge = scratch / "huge.html"
    with huge.open("wb") as handle:
        handle.write(b"<html><body>")
        os.truncate(handle.fileno(), 1024**3)  # sparse: takes no disk
    problems, seconds = read_bounded(huge)
    assert [p["code"] for p in problems] == ["A003"] and str(MAX_HTML_BYTES) in problems[0]["message"] and seconds < 2


def test_an_html_page_nested_ten_thousand_levels_deep(scratch: Path) -> None:
    deep = write(scratch / "deep.html", "<p>前言</p>" + "<div>" * 10_000 + "深处" + "</div>" * 10_000)
    problems, seconds = read_bounded(deep)
    assert [p["code"] for p in problems] == ["A004"] and "256 层" in problems[0]["message"] and seconds < 5
    assert read_document(deep).paragraphs[0].text == "前言"


def test_a_pdf_of_a_million_objects_is_refused_before_it_is_parsed(scratch: Path) -> None:
    pdf = scratch / "million.pdf"
    with pdf.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.write(b"".join(b"%d 0 obj 0 endobj\n" % k for k in range(1, 1_000_001)))
        handle.write(b"trailer << /Size 1000001 /Root 1 0 R >>\n%%EOF\n")
    problems, seconds = read_bounded(pdf)
    assert [p["code"] for p in problems] == ["A003"] and "1000001 个对象" in problems[0]["message"] and seconds < 5


def test_a_compressed_page_of_640_mib_is_skipped_without_inflating_it(scratch: Path) -> None:
    import zlib

    pack = zlib.compressobj(9)
    first = pack.compress(b" " * (16 << 20)) + pack.flush(zlib.Z_FULL_FLUSH)
    again = pack.compress(b" " * (16 << 20)) + pack.flush(zlib.Z_FULL_FLUSH)  # the same bytes each time
    bomb = first + again * 39 + pack.flush()
    problems, seconds = read_bounded(write(scratch / "bomb.pdf", hand_pdf(["x"], content=bomb)))
    assert [p["code"] for p in problems] == ["A004", "A006"] and seconds < 5
    assert "第 1 页绘制的内容过多" in problems[0]["message"] and "512 KiB 的绘制指令" in problems[0]["message"]


def test_a_form_drawn_a_hundred_thousand_times_stops_its_page(scratch: Path) -> None:
    form = stream(b"q Q " * 10_000, b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << >>")
    pdf = minimal_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page(4, b"<< /XObject << /Fm1 5 0 R >> >>"),
        stream(b"/Fm1 Do " * 100_000),
        form,
    )
    problems, seconds = read_bounded(write(scratch / "forms.pdf", pdf))
    assert [p["code"] for p in problems] == ["A004", "A006"] and seconds < 5
    assert "第 1 页绘制的内容过多" in problems[0]["message"]


def test_a_docx_table_of_too_many_elements_stops(scratch: Path) -> None:
    row = "<w:tr>" + cell(para("1")) * 10 + "</w:tr>"
    body = para("表前的段落") + "<w:tbl>" + row * 5_000 + "</w:tbl>" + para("表后的段落")
    problems, seconds = read_bounded(raw_docx(scratch / "huge-table.docx", body))
    assert [p["code"] for p in problems] == ["A004"] and "元素过多" in problems[0]["message"] and seconds < 5


def test_a_table_of_too_many_slots_is_cut_and_too_many_paragraphs_stop(tmp_path: Path) -> None:
    wide = read_document(
        write(tmp_path / "wide.html", "<table>" + "<tr><td colspan=100>x</td></tr>" * 2000 + "</table>")
    )
    (table,) = wide.tables
    assert (table.height, table.width) == (1000, 100) and codes(wide) == ["A004"]
    many = read_document(write(tmp_path / "many.txt", "\n".join(f"第{k}段。" for k in range(60_000))))
    assert len(many.blocks) == 50_000 and codes(many) == ["A004"]
    assert many.paragraphs[-1].text == "第49999段。"


def test_a_damaged_pdf_is_read_without_a_word_on_stderr(scratch: Path) -> None:
    """pdfminer logs a warning for a font without its box; bounded() asserts stderr is empty."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /R /FontDescriptor << /Type /FontDescriptor /FontName /R >> >>"
    pdf = minimal_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page(4, b"<< /Font << /F1 5 0 R >> >>"),
        stream(b"BT /F1 18 Tf 20 200 Td (Annual report) Tj ET"),
        font,
    )
    problems, _ = read_bounded(write(scratch / "no-box.pdf", pdf))
    assert problems == []


def test_a_pipe_is_refused_without_waiting_for_a_writer(scratch: Path) -> None:
    fifo = scratch / "pipe.html"
    os.mkfifo(fifo)
    problems, _ = read_bounded(fifo)
    assert [p["code"] for p in problems] == ["A001"] and "不是普通文件" in problems[0]["message"]


def docx_bytes(body: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return raw_docx(Path(folder) / "x.docx", body).read_bytes()


VALID = {
    ".docx": docx_bytes(WPS_BODY),
    ".pdf": hand_pdf(["Annual report", None]),
    ".html": PAGE.format().encode("gbk"),
    ".txt": "一、总体情况\n信息内容\t本年\n规章\t0\n".encode(),
}


@given(
    suffix=st.sampled_from(sorted(VALID)),
    noise=st.binary(max_size=64),
    where=st.floats(0, 1),
    how=st.sampled_from(["replace", "cut", "insert", "alone"]),
)
def test_no_file_however_malformed_ends_in_a_traceback(suffix: str, noise: bytes, where: float, how: str) -> None:
    """Valid files of each kind with bytes replaced, cut or inserted, and noise alone: every
    problem is said by the reader itself (the last-resort "读取时出错" never shows)."""
    base = VALID[suffix]
    at = int(where * len(base))
    data = {
        "replace": base[:at] + noise + base[at + len(noise) :],
        "cut": base[:at],
        "insert": base[:at] + noise + base[at:],
        "alone": noise,
    }[how]
    with tempfile.TemporaryDirectory() as folder:
        document = read_document(write(Path(folder) / f"f{suffix}", data))
    assert document.blocks or document.problems
    assert not any("读取时出错" in message(p, "zh") for p in document.problems), document.problems


def test_damaged_files_of_each_kind(tmp_path: Path) -> None:
    full = raw_docx(tmp_path / "full.docx", WPS_BODY).read_bytes()
    cases = {
        "cut.docx": full[: len(full) // 2],
        "cut.pdf": hand_pdf(["Annual report", None])[:300],
        "zip.docx": zipfile_bytes({"other.txt": b"x"}),
        "xml.docx": zipfile_bytes({"word/document.xml": b"<w:document><w:body><w:p>"}),
    }
    for name, data in cases.items():
        started = time.monotonic()
        document = read_document(write(tmp_path / name, data))
        assert codes(document) == ["A001"], (name, codes(document))
        assert time.monotonic() - started < 5


def zipfile_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()
