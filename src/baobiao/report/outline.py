"""The outline of a report: the parts the national format prescribes (the six parts of the
2019 and 2021 formats, formats.md "Report skeleton"; the ten parts and attached table of the
2014-era reports, as in the seed report), each with what the writer is asked to write and
sentences that state the table's figures.

One outline serves two ends:

- ``baobiao new`` writes it as a Word template (:func:`word_template`): headings numbered as
  text, the writer's prompts in 【待填写：…】 (highlighted), figure sentences with placeholders
  by printed label (``{{ 本年新收政府信息公开申请数量.总计 }}``) and ``{{ 表三 }}`` where a table
  goes;
- a data file without any text (a workbook alone) renders as a complete report in that
  outline, with the figure sentences (:func:`default_narrative`).

Sentences are written once, with label placeholders, and read through instance/labelrefs.py
for the form at hand: a sentence whose names a form lacks (a provincial variant that removes
a row) is left out, so every sentence kept is right for the form. A form that is neither
national nor of the 2014 table gets one part per table.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from baobiao.instance.labelrefs import LabelResolver
from baobiao.instance.narrative import Narrative, Para, Section
from baobiao.model import Form
from baobiao.resources import data_dir

#: a writer's prompt in a template: to be replaced by the writer's own text (check warns of any left)
PROMPT = re.compile(r"【待填写[：:][^】]*】")
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_TAG = re.compile(r"\{[{%#]")  # docxtpl's tags in the base template
_CN = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class Part:
    """A heading of the outline: what the writer is asked to write (``prompt``), sentences
    stating figures (each a tuple of alternatives: the first that the form can read is kept),
    the tables shown here (by name: 表三) and the parts under it."""

    heading: str
    prompt: str = ""
    sentences: tuple[tuple[str, ...], ...] = ()
    tables: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True, slots=True)
class Outline:
    name: str
    preamble: str  # {agency} and {year} filled in
    parts: tuple[Part, ...]
    attachment: str = ""  # the line after 附件： (its tables follow the signature)
    attachment_tables: tuple[str, ...] = ()


_NOTICE_2019 = (
    "《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）"
)
_NOTICE_2021 = (
    "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
    "（国办公开办函〔2021〕30号）"
)
_NATIONAL_PREAMBLE = (
    "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{notice}编制。全文包括总体情况、"
    "主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及"
    "改进情况、其他需要报告的事项六个部分。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
)

_REQUESTS = (
    "全年共收到政府信息公开申请{{ 本年新收政府信息公开申请数量.总计 }}件，上年结转"
    "{{ 上年结转政府信息公开申请数量.总计 }}件；本年度办结{{ （七）总计.总计 }}件，其中予以公开{{ 予以公开.总计 }}件，"
    "部分公开{{ 部分公开.总计 }}件，不予公开{{ 不予公开.总计 }}件，无法提供{{ 无法提供.总计 }}件，不予处理"
    "{{ 不予处理.总计 }}件，其他处理{{ 其他处理.总计 }}件；结转下年度继续办理{{ 结转下年度继续办理.总计 }}件。",
)
_PROACTIVE = (
    # 2021: table 二's current columns
    "全年主动公开行政许可决定{{ 行政许可.本年处理决定数量 }}件、行政处罚决定{{ 行政处罚.本年处理决定数量 }}件、"
    "行政强制决定{{ 行政强制.本年处理决定数量 }}件；制发行政规范性文件{{ 行政规范性文件.本年制发件数 }}件，"
    "现行有效行政规范性文件{{ 行政规范性文件.现行有效件数 }}件。",
    # 2019 (试行)
    "全年主动公开行政许可处理决定{{ 行政许可.处理决定数量 }}件、行政处罚处理决定{{ 行政处罚.处理决定数量 }}件、"
    "行政强制处理决定{{ 行政强制.处理决定数量 }}件；新制作规范性文件{{ 规范性文件.本年新制作数量 }}件，"
    "新公开{{ 规范性文件.本年新公开数量 }}件。",
)
_REVIEW = ("本年度因政府信息公开被申请行政复议{{ 行政复议.总计 }}件，被提起行政诉讼{{ 行政诉讼.总计 }}件。",)


def _national(preamble: str, fees: bool) -> Outline:
    other = "本年度收取信息处理费的情况，以及其他需要报告的事项" if fees else "其他需要报告的事项"
    return Outline(
        "national",
        preamble,
        (
            Part(
                "总体情况",
                "概述本年度政府信息公开工作的总体情况",
                parts=(
                    Part("主动公开", "主动公开的主要内容、渠道和成效", (_PROACTIVE,)),
                    Part("依申请公开", "办理政府信息公开申请的做法和成效", (_REQUESTS,)),
                    Part("政府信息管理", "政府信息管理的制度和措施"),
                    Part("政府信息公开平台建设", "政府网站、政务新媒体等公开平台的建设"),
                    Part("监督保障", "考核、社会评议、责任追究和培训等监督保障情况"),
                ),
            ),
            Part("主动公开政府信息情况", tables=("表二",)),
            Part("收到和处理政府信息公开申请情况", tables=("表三",)),
            Part("政府信息公开行政复议、行政诉讼情况", sentences=(_REVIEW,), tables=("表四",)),
            Part("存在的主要问题及改进情况", "上年度问题的整改情况、本年度存在的主要问题和改进措施"),
            Part("其他需要报告的事项", other),
        ),
    )


_OUTLINE_2017_PREAMBLE = (
    "根据《中华人民共和国政府信息公开条例》的有关规定，现公布{agency}{year}年度政府信息公开工作年度报告。"
    "本报告所列数据的统计时限自{year}年1月1日起至{year}年12月31日止。"
)


def _outline_2017(preamble: str) -> Outline:
    return Outline(
        "2017",
        preamble,
        (
            Part("概述", "本年度政府信息公开工作的总体情况"),
            Part("组织领导和制度建设", "组织领导和制度建设情况"),
            Part(
                "发布解读、回应社会关切以及互动交流",
                "政策解读、回应社会关切和互动交流的做法",
                (
                    (
                        "全年回应公众关注热点或重大舆情{{ 回应公众关注热点或重大舆情数 }}次，参加或举办新闻发布会"
                        "{{ 参加或举办新闻发布会总次数 }}次，发布政策解读稿件{{ 政策解读稿件发布数 }}篇。",
                    ),
                ),
            ),
            Part(
                "主动公开政府信息及公开平台建设",
                "主动公开的内容和公开平台建设情况",
                (
                    (
                        "全年主动公开政府信息{{ 主动公开政府信息数 }}条，其中主动公开规范性文件"
                        "{{ 主动公开规范性文件数 }}条。",
                    ),
                ),
            ),
            Part(
                "政府信息公开申请的办理",
                "办理政府信息公开申请的情况",
                (
                    (
                        "全年共收到政府信息公开申请{{ 收到申请数 }}件，其中当面申请{{ 当面申请数 }}件、传真申请"
                        "{{ 传真申请数 }}件、网络申请{{ 网络申请数 }}件、信函申请{{ 信函申请数 }}件、其他形式"
                        "{{ 其他形式 }}件；办结{{ 申请办结数 }}件，其中按时办结{{ 按时办结数 }}件、延期办结"
                        "{{ 延期办结数 }}件。",
                    ),
                ),
            ),
            Part("政府信息公开收费及减免", "收费及减免情况"),
            Part(
                "因政府信息公开申请提起行政复议、行政诉讼的情况",
                "",
                (
                    (
                        "本年度因政府信息公开申请被申请行政复议{{ 行政复议数量 }}件，被提起行政诉讼"
                        "{{ 行政诉讼数量 }}件，被举报投诉{{ 被举报投诉数量 }}件。",
                    ),
                ),
            ),
            Part("保密审查及监督检查", "保密审查和监督检查情况"),
            Part("所属事业单位信息公开工作推进措施和落实", "所属事业单位信息公开工作的推进和落实"),
            Part("存在的主要问题及改进措施", "存在的主要问题和下一步的改进措施"),
        ),
        attachment="{year}年度政府信息公开工作情况统计表",
        attachment_tables=("统计表",),
    )


def outline_for(form: Form) -> Outline:
    """The outline of ``form``: the national six parts when it has tables 二, 三 and 四 (the
    2019 and 2021 formats and their variants; the 2021 notice from 2021 on), the 2014-era
    outline for the 2014 statistics table, else one part per table."""
    resolver = LabelResolver(form)
    if all(resolver.tables_named(f"表{n}") is not None for n in "二三四"):
        first = form.years[0] if form.years else 2021
        notice = _NOTICE_2021 if first >= 2021 else _NOTICE_2019
        return _national(_NATIONAL_PREAMBLE.replace("{notice}", notice), fees=first >= 2021)
    if len(form.tables) == 1 and not form.tables[0].columns and resolver.read("收到申请数").expression:
        return _outline_2017(_OUTLINE_2017_PREAMBLE)
    parts = tuple(Part(_unnumbered(t.label), tables=(t.id or "统计表",)) for t in form.tables)
    return Outline("tables", "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。", parts)


def _unnumbered(label: str) -> str:
    return re.sub(rf"^[{_CN}]+、", "", label.strip()) or label


def _chinese(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens - 1]) + "十" + (_CN[ones - 1] if ones else "")


def _fill(text: str, agency: str, year: str) -> str:
    return text.replace("{agency}", agency).replace("{year}", year)


class _Reader:
    """Sentences of the outline read for one form."""

    def __init__(self, form: Form) -> None:
        self.resolver = LabelResolver(form)

    def sentence(self, alternatives: Sequence[str]) -> tuple[str, str] | None:
        """(as written, in the id grammar) for the first alternative whose every placeholder
        the form reads; None when none does."""
        for text in alternatives:
            out: list[str] = []
            last = 0
            for m in _PLACEHOLDER.finditer(text):
                read = self.resolver.read(m.group(1))
                if read.expression is None or read.slips:
                    break
                out.append(text[last : m.start()] + "{{ " + read.expression + " }}")
                last = m.end()
            else:
                return text, "".join(out) + text[last:]
        return None

    def tables(self, names: Sequence[str]) -> list[str]:
        """The names of tables the form has."""
        return [n for n in names if self.resolver.tables_named(n) is not None]


# -- a data file without text ----------------------------------------------------------------


def default_narrative(form: Form, agency: str = "", year: str = "") -> Narrative:
    """The report's text when the data file has none: the outline's headings, its preamble, and
    its figure sentences (in the id grammar, as a data file writes them), the tables where the
    outline puts them. Parts with nothing to say below a heading are left out; headings of the
    outline's top level always stand."""
    outline = outline_for(form)
    reader = _Reader(form)

    def para(text: str, where: str) -> Para:
        return Para(text, f"（报告提纲）{where}", None)

    def section(part: Part, where: str, top: bool) -> Section | None:
        sentences = [read[1] for s in part.sentences if (read := reader.sentence(s)) is not None]
        subs = [s for i, p in enumerate(part.parts) if (s := section(p, f"{where}.{i + 1}", False)) is not None]
        tables = reader.tables(part.tables)
        if not top and not sentences and not subs and not tables:
            return None
        return Section(
            para(part.heading, where),
            tuple(para(s, where) for s in sentences),
            tuple(subs),
            tuple(para(_table_key(form, reader, t), where) for t in tables),
        )

    sections = [s for i, p in enumerate(outline.parts) if (s := section(p, str(i + 1), True)) is not None]
    attachment = _fill(outline.attachment, agency, year)
    return Narrative(
        preamble=(para(_fill(outline.preamble, agency, year), "preamble"),),
        sections=tuple(sections),
        attachment=para(attachment, "attachment") if attachment else None,
    )


def _table_key(form: Form, reader: _Reader, name: str) -> str:
    """What a section's ``tables:`` writes for a table name: the id of the table or of the
    heading holding its blocks (the render context looks tables up by it)."""
    named = reader.resolver.tables_named(name)
    if named is None:
        return name
    scope, tables = named
    return scope or (tables[0] if tables else name)


# -- the Word template ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    style: str
    prompt: str = ""  # a prompt run after the text, highlighted


def _lines(form: Form, agency: str, year: str) -> Iterator[_Line]:
    outline = outline_for(form)
    reader = _Reader(form)
    yield _Line(agency or "【待填写：机关名称】", "Report Title")
    yield _Line(f"{year}年政府信息公开工作年度报告", "Report Title")
    yield _Line("", "Normal")
    yield _Line(_fill(outline.preamble, agency, year), "Report Body", "【待填写：本报告电子版的查阅或下载网址】")

    def part(p: Part, level: int, n: int) -> Iterator[_Line]:
        number = f"{_chinese(n)}、" if level == 1 else f"（{_chinese(n)}）"
        yield _Line(number + p.heading, "Report Heading 1" if level == 1 else "Report Heading 2")
        if p.prompt:
            yield _Line("", "Report Body", f"【待填写：{p.prompt}】")
        for alternatives in p.sentences:
            read = reader.sentence(alternatives)
            if read is not None:
                yield _Line(read[0], "Report Body")
        for table in reader.tables(p.tables):
            yield _Line("{{ " + table + " }}", "Normal")
        for i, sub in enumerate(p.parts, start=1):
            yield from part(sub, level + 1, i)

    for i, p in enumerate(outline.parts, start=1):
        yield from part(p, 1, i)
    yield _Line("", "Normal")
    yield _Line(agency or "【待填写：机关名称】", "Report Signature")
    yield _Line("", "Report Date", "【待填写：成文日期，如 2022年1月20日】")
    tables = reader.tables(outline.attachment_tables)
    if outline.attachment and tables:
        yield _Line("附件：" + _fill(outline.attachment, agency, year), "Report Body")
        for table in tables:
            yield _Line("{{ " + table + " }}", "Normal")


def word_template(form: Form, agency: str, year: str) -> bytes:
    """A Word template of the report for ``form`` (see the module): the page and styles of the
    built-in Word template (templates/base/report.docx), its body replaced by the outline."""
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    base = data_dir("templates") / "base" / "report.docx"
    doc: Any = Document(str(base)) if base.is_file() else Document()
    body = doc.element.body
    for child in list(body):
        if child.tag.rpartition("}")[2] != "sectPr":
            body.remove(child)
    for section in doc.sections:  # the base template's own tags (a draft mark in the header) go
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                for paragraph in part.paragraphs:
                    if _TAG.search(paragraph.text):
                        paragraph.clear()
    styles = {s.name for s in doc.styles}
    for line in _lines(form, agency, year):
        paragraph = doc.add_paragraph(line.text, style=line.style if line.style in styles else None)
        if line.prompt:
            run = paragraph.add_run(line.prompt)
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
