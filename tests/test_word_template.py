"""The report's text written in Word: `baobiao new`, placeholders by printed label, and
`render --template` / `check --template` (report/authoring.py, report/outline.py,
instance/labelrefs.py).

Templates are made here with python-docx as Word leaves them after a person typed them: a
placeholder split over several runs, proofing marks and bookmarks between the runs, a revision
inside a placeholder, text after ``}}`` in a run of other formatting. The figures expected are
written by hand from the workbook's values, which are written by hand too (``FILLED``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, CliResult
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from hypothesis import given, settings
from hypothesis import strategies as st

from baobiao.instance.labelrefs import LabelResolver
from baobiao.pipeline import load_spec
from baobiao.report.workbook import write_workbook

Run = Callable[..., CliResult]
SPEC = "gov-disclosure-2021"
AGENCY = "某某县市场监督管理局"

#: the workbook as an office fills it in: these cells, every other cell 0
FILLED: dict[str, int | float] = {
    "licensing.licence_decisions": 120,
    "penalty.sanction_decisions": 7,
    "enforcement.sanction_decisions": 3,
    "normative.issued": 2,
    "normative.repealed": 1,
    "normative.in_force": 9,
    "fees.fee_amount": 1.5,
    "new.natural": 5,
    "new.commercial": 2,
    "new.total": 7,
    "carried.natural": 1,
    "carried.total": 1,
    "public.natural": 3,
    "public.total": 3,
    "partial.commercial": 1,
    "partial.total": 1,
    "not_held.natural": 2,
    "not_held.total": 2,
    "repeated.commercial": 1,
    "repeated.total": 1,
    "results_total.natural": 5,
    "results_total.commercial": 2,
    "results_total.total": 7,
    "forward.natural": 1,
    "forward.total": 1,
    "recon_upheld": 1,
    "recon_pending": 1,
    "recon_total": 2,
    "direct_upheld": 1,
    "direct_total": 1,
}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fill_workbook(path: Path, values: dict[str, int | float] = FILLED) -> None:
    """Type the values into a workbook made by `baobiao workbook` or `new` (its input cells are
    where write_workbook says), every other input cell 0, as openpyxl would from a person."""
    form = load_spec(SPEC).form
    assert form is not None
    cells = write_workbook(form).cells
    book = openpyxl.load_workbook(path)
    for cell_id, address in cells.items():
        sheet, where = address.rsplit("!", 1)
        book[sheet][where] = values.get(cell_id, 0)
    book.save(path)


def new_workbook(folder: Path) -> Path:
    form = load_spec(SPEC).form
    assert form is not None
    path = folder / "填报.xlsx"
    path.write_bytes(write_workbook(form, {"agency": AGENCY, "year": "2021", "level": "县级政府部门"}).data)
    fill_workbook(path)
    return path


# -- Word as a person leaves it -------------------------------------------------------------------


def _mark(paragraph: object, tag: str, **attrs: str) -> None:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), value)
    paragraph._p.append(element)  # type: ignore[attr-defined]


def _runs(paragraph: object, *pieces: str | tuple[str, ...]) -> None:
    """Runs as Word splits them: a str is a run; ("proof",) a proofing mark, ("bookmark",) a
    bookmark, ("inserted", text) a tracked insertion, ("deleted", text) a tracked deletion,
    ("red", text) a run in red."""
    for piece in pieces:
        if isinstance(piece, str):
            paragraph.add_run(piece)  # type: ignore[attr-defined]
        elif piece[0] == "proof":
            _mark(paragraph, "w:proofErr", **{"w:type": "spellStart"})
        elif piece[0] == "bookmark":
            _mark(paragraph, "w:bookmarkStart", **{"w:id": "7", "w:name": "_GoBack"})
            _mark(paragraph, "w:bookmarkEnd", **{"w:id": "7"})
        elif piece[0] in ("inserted", "deleted"):
            wrapper = OxmlElement("w:ins" if piece[0] == "inserted" else "w:del")
            for key, value in (("w:id", "9"), ("w:author", "办公室"), ("w:date", "2022-01-10T09:00:00Z")):
                wrapper.set(qn(key), value)
            run, text = OxmlElement("w:r"), OxmlElement("w:t" if piece[0] == "inserted" else "w:delText")
            text.text = piece[1]
            run.append(text)
            wrapper.append(run)
            paragraph._p.append(wrapper)  # type: ignore[attr-defined]
        elif piece[0] == "red":
            paragraph.add_run(piece[1]).font.color.rgb = RGBColor(0xC0, 0, 0)  # type: ignore[attr-defined]


def user_template(path: Path) -> None:
    """A report written in Word by an office worker, not made by `new`."""
    doc = Document()
    for line in (AGENCY, "2021年政府信息公开工作年度报告"):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph("本报告依据《中华人民共和国政府信息公开条例》编制。")
    doc.add_paragraph("一、总体情况", style="Heading 1")
    _runs(
        doc.add_paragraph(),
        "全年共收到政府信息公开申请",
        "{{",
        " 本年新",
        ("proof",),
        "收.总计 ",
        "}}",
        ("red", "件，其中"),
        "予以公开{",
        ("bookmark",),
        "{ 予以公开.总计 }",
        "}件，不予公开{{ 不予",
        ("proof",),
        "公开",
        ("inserted", ".总"),
        ("deleted", "旧名称"),
        "计 }}件，无法提供",
        "{{ （四）无法提供：.总计 }",
        ("red", "}件。"),
    )
    # typed with a Chinese input method: full-width braces and plus
    _runs(
        doc.add_paragraph(),
        "因政府信息公开引起的行政复议和行政诉讼共",
        "｛｛ 行政复议.总计 ＋ 行政诉讼.总计 ｝｝件。",
    )
    doc.add_paragraph("二、主动公开政府信息情况")
    _runs(doc.add_paragraph(), "{{ 表", "二 }}")
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    _runs(doc.add_paragraph(), "{", "{ 表三 }", "}")
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    doc.add_paragraph("{{ 表四 }}")
    doc.add_paragraph("五、存在的主要问题及改进情况")
    share = "{{ (予以公开.总计 + 部分公开.总计) / （七）总计.总计 | 百分比(1) }}"
    doc.add_paragraph(f"予以公开和部分公开的占比为{share}%。")
    table = doc.add_table(rows=1, cols=2)  # a small table the writer drew, with a figure in it
    table.cell(0, 0).text = "全部或部分公开"
    table.cell(0, 1).text = "{{ 予以公开.总计 + 部分公开.总计 }}件"
    doc.sections[0].header.paragraphs[0].text = "本年新收申请 {{ 本年新收.总计 }} 件"
    doc.add_paragraph("写作说明：\\{{ 不是数字 }} 原样印出。")
    doc.add_paragraph(AGENCY).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("2022年1月20日").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.save(str(path))


def _template(path: Path, *paragraphs: str | tuple[str, ...]) -> Path:
    doc = Document()
    for p in paragraphs:
        if isinstance(p, str):
            doc.add_paragraph(p)
        else:
            _runs(doc.add_paragraph(), *p)
    doc.save(str(path))
    return path


# -- LibreOffice ------------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
REQUIRED = os.environ.get("BAOBIAO_REQUIRE_OUTPUT_TOOLS", "") not in ("", "0")
needs_libreoffice = pytest.mark.skipif(
    (SOFFICE is None or PDFTOTEXT is None) and not REQUIRED,
    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are needed (.ci/run installs them)",
)


def printed(docx: Path, folder: Path) -> str:
    """The Word file as LibreOffice prints it (PDF, read back by pdftotext); LibreOffice's exit
    status is not trusted: the PDF must be there."""
    assert SOFFICE is not None and PDFTOTEXT is not None, "LibreOffice and pdftotext are required"
    env = dict(os.environ, FONTCONFIG_FILE=str(ROOT / "tests" / "fontconfig" / "fonts.conf"))
    command = [
        SOFFICE,
        f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        str(docx),
    ]
    ran = subprocess.run(command, capture_output=True, text=True, env=env, timeout=240, check=False)
    pdf = folder / f"{docx.stem}.pdf"
    assert pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-", ran.stdout + ran.stderr
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True)
    return text.stdout


# -- names ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "written", "expression"),
    [
        (SPEC, "本年新收政府信息公开申请数量.总计", "new.total"),
        (SPEC, "本年新收.总计", "new.total"),  # a label printed shorter, as offices do
        (SPEC, "（一）予以公开.自然人", "public.natural"),
        (SPEC, "1.属于国家秘密.总计", "state_secret.total"),  # numbering with its dot
        (SPEC, "属于国家秘密．总计", "state_secret.total"),  # a full-width dot
        (SPEC, "new.total", "new.total"),  # ids as in data files
        (SPEC, "recon_total", "recon_total"),
        (SPEC, "表四.行政复议.总计", "recon_total"),
        (SPEC, "结转下年度继续办理.總計", "forward.total"),  # traditional script
        (SPEC, "行政复议.总计 ＋ 行政诉讼.总计", "recon_total + (direct_total + review_total)"),
        (SPEC, "其他处理.总计", "(no_supplement.total + fee_unpaid.total + other_reason.total)"),
        (SPEC, "予以公开.总计 / 本年新收.总计 | 百分比(1)", "public.total / new.total | percent(1)"),
        ("gov-disclosure-2019", "其他处理.总计", "other_handling.total"),  # one row in 2019
        ("gov-disclosure-2019", "行政许可.【本年增/减】", "licensing.licence_change"),
        ("gov-disclosure-2017", "网络申请数＋当面申请数", "online + in_person"),
    ],
)
def test_a_placeholder_names_cells_by_their_printed_labels(spec: str, written: str, expression: str) -> None:
    form = load_spec(spec).form
    assert form is not None
    read = LabelResolver(form).read(written)
    assert read.problems == ()
    assert read.expression == expression


def test_a_row_heading_with_a_column_is_the_sum_of_its_rows() -> None:
    form = load_spec(SPEC).form
    assert form is not None
    read = LabelResolver(form).read("不予公开.总计")
    assert read.expression is not None
    assert read.expression.count("+") == 7 and "state_secret.total" in read.expression
    results = LabelResolver(form).read("本年度办理结果.总计").expression
    assert results is not None and "results_total" not in results  # （七）总计 is the sum of the others


@pytest.mark.parametrize(
    ("written", "tables"),
    [("表三", ("t3",)), ("表3", ("t3",)), ("t3", ("t3",)), ("三、收到和处理政府信息公开申请情况", ("t3",))],
)
def test_a_table_is_named_by_its_number_id_or_label(written: str, tables: tuple[str, ...]) -> None:
    form = load_spec(SPEC).form
    assert form is not None
    read = LabelResolver(form).read(written)
    assert read.tables == tables and read.expression is None


@pytest.mark.parametrize(
    ("written", "code", "says"),
    [
        ("本年新收.合计", "R502", "是不是：本年新收.总计"),
        ("完全不存在的栏目", "R502", "本年新收政府信息公开申请数量.总计"),
        ("总计", "R511", "多个栏目"),
        ("行政复议", "R511", "行政复议.总计"),
        ("表三 + 1", "R511", "表格单独成段"),
        ("a 【b", "R501", "【"),
    ],
)
def test_a_name_that_is_not_one_figure_says_why(written: str, code: str, says: str) -> None:
    form = load_spec(SPEC).form
    assert form is not None
    (problem,) = LabelResolver(form).read(written).problems
    assert problem.code == code
    assert says in " ".join(str(v) for v in problem.args.values())


# -- a template written by a person, rendered ----------------------------------------------------------


def test_a_word_template_written_as_a_user_would_is_filled_from_the_workbook(run_cli: Run, tmp_path: Path) -> None:
    data = new_workbook(tmp_path)
    template = tmp_path / "我的报告.docx"
    user_template(template)
    before = digest(template)
    out = tmp_path / "out"
    result = run_cli("render", SPEC, str(data), "--template", str(template), "--out", str(out))
    assert result.exit_code == 0, result.stdout
    assert digest(template) == before  # the template is never written
    assert "[R514]" not in result.stdout  # every table is placed
    doc = Document(str(out / "填报.docx"))
    texts = [p.text for p in doc.paragraphs]
    sentence = next(t for t in texts if t.startswith("全年共收到"))
    assert sentence == "全年共收到政府信息公开申请7件，其中予以公开3件，不予公开0件，无法提供2件。"
    assert "因政府信息公开引起的行政复议和行政诉讼共3件。" in texts
    assert "予以公开和部分公开的占比为57.1%。" in texts  # (3 + 1) / 7
    assert "写作说明：{{ 不是数字 }} 原样印出。" in texts
    assert texts[-2:] == [AGENCY, "2022年1月20日"]
    # the writer's text after a placeholder keeps its own formatting (docxtpl would lose it)
    paragraph = next(p for p in doc.paragraphs if p.text.startswith("全年共收到"))
    red = [r.text for r in paragraph.runs if r.font.color.rgb == RGBColor(0xC0, 0, 0)]
    assert red == ["件，其中", "件。"]
    assert doc.sections[0].header.paragraphs[0].text == "本年新收申请 7 件"
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "4件" in cells  # the writer's own table
    assert not any("{{" in t and "不是数字" not in t for t in [*texts, *cells])
    # the tables: where the markers stood, as the Word back-end builds them
    assert len(doc.tables) >= 4
    heading = next(p for p in doc.paragraphs if p.text == "三、收到和处理政府信息公开申请情况")
    following = heading._p.getnext()
    assert following.tag == qn("w:tbl")  # table 三 right under its heading, without a caption of its own
    row = next(r for t in doc.tables for r in t.rows if r.cells[0].text == "一、本年新收政府信息公开申请数量")
    assert [c.text for c in row.cells[-7:]] == ["5", "2", "0", "0", "0", "0", "7"]


@needs_libreoffice
def test_the_filled_template_printed_by_libreoffice_shows_the_figures(run_cli: Run, tmp_path: Path) -> None:
    data = new_workbook(tmp_path)
    template = tmp_path / "我的报告.docx"
    user_template(template)
    out = tmp_path / "out"
    result = run_cli("render", SPEC, str(data), "--template", str(template), "--out", str(out), "--to", "docx")
    assert result.exit_code == 0, result.stdout
    text = squash(printed(out / "填报.docx", tmp_path))
    for wanted in (
        "全年共收到政府信息公开申请7件，其中予以公开3件，不予公开0件，无法提供2件。",
        "因政府信息公开引起的行政复议和行政诉讼共3件。",
        "予以公开和部分公开的占比为57.1%。",
        "一、本年新收政府信息公开申请数量",
        "（七）总计",
        "本年新收申请7件",  # the header
    ):
        assert squash(wanted) in text, wanted
    assert "{{" not in text.replace("{{不是数字}}", "")


def test_the_template_text_is_checked_against_the_tables(run_cli: Run, tmp_path: Path) -> None:
    """A figure the writer typed by hand is compared with the table, as in a data file's text."""
    data = new_workbook(tmp_path)
    template = _template(tmp_path / "t.docx", "一、总体情况", "2021年，本局受理政府信息公开申请70件，均按时答复。")
    result = run_cli("check", SPEC, str(data), "--template", str(template))
    assert "[C411]" in result.stdout and "70" in result.stdout and "第   2 段" in result.stdout


# -- new -> fill -> render --------------------------------------------------------------------------


def test_new_then_fill_then_render_with_the_template(run_cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "2021年报"
    result = run_cli("new", SPEC, str(folder), "--agency", AGENCY, "--year", "2021", "--level", "县级政府部门")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = folder / f"{AGENCY}2021年政府信息公开工作年度报告.xlsx"
    template = folder / "正文模板.docx"
    assert data.is_file() and template.is_file()
    assert "baobiao render" in result.stderr and "--template" in result.stderr  # the next command, to copy
    fill_workbook(data)
    # the writer replaces a prompt with the office's own words, in Word
    doc = Document(str(template))
    prompt = next(p for p in doc.paragraphs if "【待填写：概述本年度" in p.text)
    for run in prompt.runs:
        run.text = ""
    prompt.runs[0].text = "2021年，我局扎实推进政府信息公开工作。"
    doc.save(str(template))
    before = digest(template)

    checked = run_cli("check", SPEC, str(data), "--template", str(template))
    assert checked.exit_code == 0, checked.stdout
    assert "[R513]" in checked.stdout and "概述本年度" not in checked.stdout  # the prompts still to write

    out = folder / "成稿"
    rendered = run_cli("render", SPEC, str(data), "--template", str(template), "--out", str(out))
    assert rendered.exit_code == 0, rendered.stdout
    assert digest(template) == before
    report = Document(str(out / f"{data.stem}.docx"))
    texts = [p.text for p in report.paragraphs]
    assert texts[:2] == [AGENCY, "2021年政府信息公开工作年度报告"]
    assert "2021年，我局扎实推进政府信息公开工作。" in texts
    for start in (
        "全年共收到政府信息公开申请7件，上年结转1件；本年度办结7件，其中予以公开3件",
        "本年度因政府信息公开被申请行政复议2件，被提起行政诉讼1件。",
        "全年主动公开行政许可决定120件、行政处罚决定7件、行政强制决定3件",
    ):
        assert any(t.startswith(start) for t in texts), start
    assert not any("{{" in t for t in texts)
    for heading in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ):
        assert heading in texts
    assert len(report.tables) >= 3
    # the other outputs print the same text
    txt = (out / f"{data.stem}.txt").read_text(encoding="utf-8")
    assert "2021年，我局扎实推进政府信息公开工作。" in txt and "全年共收到政府信息公开申请7件" in txt


@pytest.mark.parametrize("spec", ["gov-disclosure-2017", "gov-disclosure-2019", SPEC])
def test_new_writes_a_template_the_check_accepts(run_cli: Run, tmp_path: Path, spec: str) -> None:
    result = run_cli("new", spec, str(tmp_path / "r"), "--agency", AGENCY, "--year", "2021")
    assert result.exit_code == 0, result.stdout + result.stderr
    checked = run_cli("check", spec, "--template", str(tmp_path / "r" / "正文模板.docx"), "--format", "json")
    assert checked.exit_code == 0, checked.stdout
    codes = {d["code"] for f in json.loads(checked.stdout)["files"] for d in f["diagnostics"]}
    assert codes == {"R513"}  # only the prompts for the writer


def test_new_never_replaces_a_file(run_cli: Run, tmp_path: Path) -> None:
    assert run_cli("new", SPEC, str(tmp_path), "--agency", AGENCY, "--year", "2021").exit_code == 0
    template = tmp_path / "正文模板.docx"
    template.write_bytes(b"the writer's work")
    result = run_cli("new", SPEC, str(tmp_path), "--agency", AGENCY, "--year", "2021")
    assert result.exit_code == 2 and "[F006]" in result.stdout
    assert template.read_bytes() == b"the writer's work"


def test_a_workbook_alone_renders_the_outline_with_figure_sentences(run_cli: Run, tmp_path: Path) -> None:
    data = new_workbook(tmp_path)
    result = run_cli("render", SPEC, str(data), "--out", str(tmp_path / "out"), "--to", "txt")
    assert result.exit_code == 0, result.stdout
    assert not re.search(r"\[(C41\d|R50\d)\]", result.stdout)
    text = (tmp_path / "out" / "填报.txt").read_text(encoding="utf-8")
    for wanted in (
        "一、总体情况",
        "（二）依申请公开",
        "全年共收到政府信息公开申请7件，上年结转1件；本年度办结7件",
        "六、其他需要报告的事项",
    ):
        assert wanted in text


# -- problems, each at its paragraph ------------------------------------------------------------------


def test_an_unknown_placeholder_gets_a_suggestion(run_cli: Run, tmp_path: Path) -> None:
    template = _template(tmp_path / "t.docx", ("全年共收到申请", "{{ 本年新收.", "合计 }}", "件。"))
    result = run_cli("check", SPEC, "--template", str(template))
    assert result.exit_code == 1
    assert "[R502]" in result.stdout and "本年新收.合计" in result.stdout
    assert "是不是：本年新收.总计" in result.stdout
    assert "t.docx：第   1 段“全年共收到申请{{ 本年新收.合计 }}件。”" in result.stdout


def test_malformed_placeholders_are_diagnostics_at_their_paragraphs(run_cli: Run, tmp_path: Path) -> None:
    template = _template(
        tmp_path / "t.docx",
        "一、总体情况",
        "收到申请{{ 本年新收.总计 件。",
        "予以公开{{ 予以公开.总计 + }}件。",
        "{% if 草稿 %}草稿{% endif %}",
        "收到{{ 表三 }}件",
    )
    data = new_workbook(tmp_path)
    result = run_cli("check", SPEC, str(data), "--template", str(template))
    assert result.exit_code == 1
    found = re.findall(r"\[(R5\d\d)\].*\n\s+--> .*：(第 +\d+ 段)", result.stdout)
    assert ("R501", "第   2 段") in found and ("R501", "第   3 段") in found
    assert ("R503", "第   4 段") in found and ("R512", "第   5 段") in found
    assert "第   2 段“收到申请{{ 本年新收.总计 件。”" in result.stdout
    assert "{{ 予以公开.总计 + }}：" in result.stdout  # the placeholder quoted in the message
    # render writes nothing; a draft prints the broken placeholders as written
    out = tmp_path / "out"
    assert run_cli("render", SPEC, str(data), "--template", str(template), "--out", str(out)).exit_code == 1
    assert not out.exists() or not list(out.iterdir())
    draft = run_cli("render", SPEC, str(data), "--template", str(template), "--out", str(out), "--draft")
    assert draft.exit_code == 0
    texts = [p.text for p in Document(str(out / "填报.docx")).paragraphs]
    assert texts[0] == "草稿（未通过校验）"
    assert "收到申请{{ 本年新收.总计 件。" in texts and "予以公开{{ 予以公开.总计 + }}件。" in texts


def test_a_label_read_through_a_slip_is_filled_with_a_warning(run_cli: Run, tmp_path: Path) -> None:
    template = _template(tmp_path / "t.docx", "予以公开{{ 予以工开.总计 }}件。")
    data = new_workbook(tmp_path)
    result = run_cli("render", SPEC, str(data), "--template", str(template), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0
    assert "[R515]" in result.stdout and "予以公开 / 总计" in result.stdout
    assert "予以公开3件。" in [p.text for p in Document(str(tmp_path / "o" / "填报.docx")).paragraphs]


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"", b"PK\x03\x04 broken", (ROOT / "examples" / "county-dept-2021.yaml").read_bytes()],
)
def test_a_template_that_is_not_a_word_file_is_a_diagnostic(run_cli: Run, tmp_path: Path, content: bytes) -> None:
    template = tmp_path / "t.docx"
    template.write_bytes(content)
    result = run_cli("render", SPEC, str(new_workbook(tmp_path)), "--template", str(template), "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "[R510]" in result.stdout
    assert template.read_bytes() == content


def test_a_workbook_given_as_the_template_is_refused(run_cli: Run, tmp_path: Path) -> None:
    data = new_workbook(tmp_path)
    result = run_cli("check", SPEC, "--template", str(data))
    assert result.exit_code == 2 and "[R510]" in result.stdout


def test_the_output_never_replaces_the_template(run_cli: Run, tmp_path: Path) -> None:
    data = new_workbook(tmp_path)
    template = tmp_path / "out" / "填报.docx"  # where render would write the Word report
    template.parent.mkdir()
    user_template(template)
    before = digest(template)
    result = run_cli("render", SPEC, str(data), "--template", str(template), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "[F006]" in result.stdout
    assert digest(template) == before


def test_a_division_by_zero_in_a_figure_is_a_finding(run_cli: Run, tmp_path: Path) -> None:
    template = _template(tmp_path / "t.docx", "占比{{ 予以公开.总计 / 复议后起诉.总计 | 百分比(1) }}%。")
    result = run_cli("check", SPEC, str(new_workbook(tmp_path)), "--template", str(template))
    assert result.exit_code == 1
    assert "[R501]" in result.stdout and "除数为 0" in result.stdout and "第   1 段" in result.stdout


def test_figures_are_decimals(tmp_path: Path) -> None:
    """Money in table 二 (万元, decimals) prints as written, never through a float."""
    from baobiao.pipeline import render_report

    loaded = load_spec(SPEC)
    assert loaded.form is not None
    data = new_workbook(tmp_path)
    template = _template(tmp_path / "t.docx", "收费{{ 行政事业性收费.本年收费金额 * 3 }}万元。")
    result = render_report(
        loaded.form, data, loaded.report.sources, targets=("docx",), out_dir=tmp_path / "o", word_template=template
    )
    assert result.written, [d.code for d in result.report.diagnostics]
    texts = [p.text for p in Document(str(result.written[0])).paragraphs]
    assert f"收费{Decimal('1.5') * 3}万元。" in texts


# -- properties: however the text is typed and split, nothing breaks and the text is kept -------------


#: a small form: the properties are about text and runs, and a small table fills in quickly
MINI_SPEC = """form mini-form "小表"
  years 2021..

table t3 "三、收到和处理政府信息公开申请情况" 件
  columns
    natural "自然人"
    total "总计" = sum of natural
  rows
    new "一、本年新收政府信息公开申请数量"
    public "（一）予以公开"
"""
MINI_DATA = """meta: {agency: 某机关, year: 2021, form: mini-form}
values:
  一、本年新收政府信息公开申请数量: {自然人: 7, 总计: 7}
  （一）予以公开: {自然人: 3, 总计: 3}
"""
_PIECES = st.sampled_from(
    [
        "{{",
        "}}",
        "｛｛",
        "｝｝",
        "{",
        "}",
        "\\",
        "{%",
        "%}",
        " ",
        "\u3000",
        "\t",
        ".",
        "+",
        "(",
        "【",
        "】",
        "本年新收",
        "总计",
        "予以公开",
        "表三",
        "件，",
        "R&D <5%",
        "7",
    ]
)


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> object:
    from baobiao.pipeline import load_data
    from baobiao.report.context import RenderInput

    folder = tmp_path_factory.mktemp("mini")
    (folder / "mini.spec").write_text(MINI_SPEC, encoding="utf-8")
    (folder / "mini.yaml").write_text(MINI_DATA, encoding="utf-8")
    form = load_spec(str(folder / "mini.spec")).form
    assert form is not None
    instance, problems, _ = load_data(form, folder / "mini.yaml")
    assert instance is not None and not problems
    return RenderInput(form, instance)


def _filled_texts(folder: Path, runs: list[str], given_input: object) -> tuple[list[str], list[object]]:
    import io

    from baobiao.report.authoring import fill_template, read_template

    path = folder / "t.docx"
    doc = Document()
    paragraph = doc.add_paragraph()
    for run in runs:
        paragraph.add_run(run)
    doc.save(str(path))
    template, problems = read_template(path, given_input.form)  # type: ignore[attr-defined]
    assert template is not None, problems
    data, _ = fill_template(template, given_input)  # type: ignore[arg-type]
    return [p.text for p in Document(io.BytesIO(data)).paragraphs], list(problems)


@settings(max_examples=min(settings().max_examples, 100))
@given(pieces=st.lists(_PIECES, max_size=12), cuts=st.lists(st.integers(0, 60), max_size=6))
def test_any_text_split_anyhow_reads_and_fills_the_same(
    tmp_path_factory: pytest.TempPathFactory, mini: object, pieces: list[str], cuts: list[int]
) -> None:
    """Never a traceback; a paragraph gives the same output whichever runs Word split it into."""
    text = "".join(pieces)
    points = sorted({c for c in cuts if 0 < c < len(text)})
    runs = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)] or [""]
    folder = tmp_path_factory.mktemp("p")
    whole, problems = _filled_texts(folder, [text], mini)
    split, split_problems = _filled_texts(folder, runs, mini)
    assert split == whole
    assert [(d.code, d.data_path) for d in split_problems] == [(d.code, d.data_path) for d in problems]  # type: ignore[attr-defined]
    if not re.search(r"[{｛}｝]", text):
        assert whole[0] == text  # text without braces is printed exactly as written
