"""Charts (render --charts, baobiao.report.charts): their figures are the table's, written here
by hand from the examples; the web page shows them as images Chromium decodes, with the figures
in their alt text; the Word file holds them as PNG pictures that LibreOffice prints on the page;
their Chinese is set in a font that has it; without matplotlib the report comes out without
them and with one finding.

The drawing tests need matplotlib (the ``charts`` extra, which ``make test`` installs); the
Word and web page tests LibreOffice, Chromium and the Noto CJK fonts, as tests/test_outputs_real.py.
"""

from __future__ import annotations

import html
import importlib.util
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import ROOT
from test_outputs_real import CHROMIUM, LIBREOFFICE, REQUIRED, _chromium, _page, _require, _run, _tool_env, needs

from baobiao.diagnostics.core import Severity
from baobiao.instance.load import Instance, load_instance
from baobiao.model import Form
from baobiao.pipeline import check_data, load_previous, load_spec, render_report
from baobiao.report import charts
from baobiao.report.context import RenderInput, build_context
from baobiao.source import Source

DATA_2021 = ROOT / "examples" / "county-dept-2021.yaml"
DATA_2020 = ROOT / "examples" / "county-dept-2020.yaml"  # last year's, in the 2019 format
DATA_2019 = ROOT / "examples" / "city-gov-2019.yaml"
DATA_2017 = ROOT / "examples" / "shandong-fao-2017.yaml"

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
needs_matplotlib = pytest.mark.skipif(
    not HAS_MATPLOTLIB and not REQUIRED, reason="matplotlib missing: pip install -e '.[charts]' (make test does)"
)


def _form(name: str) -> Form:
    loaded = load_spec(name)
    assert loaded.form is not None, loaded.report.diagnostics
    return loaded.form


def _instance(form: Form, path: Path) -> Instance:
    result = check_data(form, path, {})
    assert result.instance is not None
    return result.instance


def _figures(chart: charts.ChartData) -> list[tuple[str, int | None]]:
    return [(label, int(n) if n is not None else None) for label, n in zip(chart.labels, chart.numbers, strict=True)]


# -- the figures: the table's, by hand ------------------------------------------------------------


def test_2021_charts_are_table_three_figures() -> None:
    form = _form("gov-disclosure-2021")
    planned = charts.plan(form, _instance(form, DATA_2021))
    assert list(planned.charts) == ["applicants", "results"]
    # 一、本年新收 by applicant type (examples/county-dept-2021.yaml, line 29)
    applicants = planned.charts["applicants"]
    assert _figures(applicants) == [
        ("自然人", 23),
        ("商业企业", 4),
        ("科研机构", 0),
        ("社会公益组织", 0),
        ("法律服务机构", 1),
        ("其他", 0),
    ]
    assert applicants.unit == "件" and applicants.table == "t3"
    # 三、本年度办理结果, 总计 column: （三）, （四）, （五）, （六） are the sums of their rows
    assert _figures(planned.charts["results"]) == [
        ("予以公开", 12),
        ("部分公开", 4),
        ("不予公开", 3),  # 4.保护第三方 1 + 6.过程性 1 + 7.执法案卷 1
        ("无法提供", 7),  # 5 + 1 + 1
        ("不予处理", 2),  # 1 + 1
        ("其他处理", 1),  # the 2021 form's three rows: 1 + 0 + 0
    ]
    assert sum(n for _, n in _figures(planned.charts["results"]) if n is not None) == 29  # （七）总计
    # without last year's data there is no chart against it, and the plan says why
    assert planned.missing["year_over_year"][1] == "no-previous"


def test_the_alt_text_states_every_figure() -> None:
    form = _form("gov-disclosure-2021")
    chart = charts.plan(form, _instance(form, DATA_2021)).charts["applicants"]
    assert chart.alt == (
        "图：本年新收政府信息公开申请（按申请人类型）。"
        "自然人23件，商业企业4件，科研机构0件，社会公益组织0件，法律服务机构1件，其他0件。"
    )


def test_year_over_year_takes_last_years_figures_from_its_own_form() -> None:
    """Last year's file is in the 2019 format: its single （六）其他处理 row is read as it is."""
    form = _form("gov-disclosure-2021")
    last, report = load_previous(form, DATA_2020)
    assert last is not None, report.diagnostics
    chart = charts.plan(form, _instance(form, DATA_2021), last).charts["year_over_year"]
    assert chart.labels == ("本年新收", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理")
    assert chart.previous == tuple(Decimal(n) for n in (23, 10, 2, 2, 7, 1, 0))  # county-dept-2020.yaml
    assert chart.numbers == tuple(Decimal(n) for n in (28, 12, 4, 3, 7, 2, 1))
    assert chart.years == ("2020年", "2021年")
    assert "本年新收：2020年23件、2021年28件；" in chart.alt


def test_2019_form_and_a_2019_row_in_a_2021_table() -> None:
    form = _form("gov-disclosure-2019")
    results = charts.plan(form, _instance(form, DATA_2019)).charts["results"]
    # city-gov-2019.yaml: （三） 1+2+1+7+3+7+2+4, （四） 75+10+6, （五） 11+9+2+0+3, （六） one row
    assert [n for _, n in _figures(results)] == [139, 21, 27, 91, 25, 7]

    # a 2021 file that gives （六）其他处理 as 2019's single row: its value is the heading's
    form = _form("gov-disclosure-2021")
    text = DATA_2021.read_text(encoding="utf-8")
    start = text.index("      （六）其他处理:")
    end = text.index("      （七）总计:")
    cells = "自然人: 1, 商业企业: 0, 科研机构: 0, 社会公益组织: 0, 法律服务机构: 0, 其他: 0, 总计: 1"
    single = f"      （六）其他处理: {{{cells}}}\n"
    instance, _ = load_instance(form, Source("old-row.yaml", text[:start] + single + text[end:]))
    assert instance is not None
    assert charts.plan(form, instance).charts["results"].numbers[-1] == Decimal(1)


def test_2014_table_charts_its_channels_and_answers() -> None:
    form = _form("gov-disclosure-2017")
    planned = charts.plan(form, _instance(form, DATA_2017))
    assert "applicants" not in planned.charts  # the 2014 table has no applicant types
    assert _figures(planned.charts["channels"]) == [
        ("当面申请数", 0),
        ("传真申请数", 0),
        ("网络申请数", 1),
        ("信函申请数", 0),
        ("其他形式", 0),
    ]
    assert [n for _, n in _figures(planned.charts["results"])] == [0, 1, 0, 0, 0, 0, 0, 0]
    assert planned.charts["results"].labels[1] == "同意公开答复数"


def test_the_context_holds_the_charts_figures_and_places_none_without_charts() -> None:
    form = _form("gov-disclosure-2021")
    context = build_context(RenderInput(form, _instance(form, DATA_2021)))
    bars = context["charts"]["applicants"]["bars"]
    assert [(b["label"], b["value"]) for b in bars][:2] == [("自然人", "23"), ("商业企业", "4")]
    assert all(t["charts"] == [] for t in context["tables"])  # not asked for: none shown
    assert context["chart"]("applicants") == ""


def test_a_blank_figure_is_said_to_be_blank() -> None:
    chart = charts.ChartData("x", "标题", "件", ("甲", "乙"), (Decimal(3), None), "t3")
    assert chart.alt == "图：标题。甲3件，乙未填。"
    assert chart.as_dict()["bars"][1] == {"label": "乙", "value": "", "previous": ""}


def test_short_labels() -> None:
    assert charts.short_label("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"
    assert charts.short_label("（三）不予公开：") == "不予公开"
    assert charts.short_label("1.本机关不掌握相关政府信息") == "本机关不掌握相关政府信息"
    assert charts.short_label("自然人") == "自然人"


# -- drawing --------------------------------------------------------------------------------------


@needs_matplotlib
def test_chinese_is_set_in_a_font_that_has_it() -> None:
    """Every text matplotlib draws is set in a font file holding each of its characters (a CJK
    font for the Chinese ones), never boxes for missing glyphs."""
    from matplotlib.font_manager import findfont
    from matplotlib.text import Text

    form = _form("gov-disclosure-2021")
    last, _ = load_previous(form, DATA_2020)
    for chart in charts.plan(form, _instance(form, DATA_2021), last).charts.values():
        font = charts.cjk_font(charts.chart_text(chart))
        assert font is not None, "no CJK font (Debian: fonts-noto-cjk)"
        assert font.family in charts.CJK_FAMILIES
        with charts.style(font):
            fig = charts.draw(chart)
            fig.canvas.draw()
            texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
            chinese = [t for t in texts if re.search(r"[\u4e00-\u9fff]", t.get_text())]
            assert len(chinese) >= len(chart.labels) + 1  # the title and every label
            for text in texts:
                found = findfont(text.get_fontproperties(), fallback_to_default=False)
                index = int(getattr(found, "face_index", 0))
                assert charts._covers(str(found), index, text.get_text()), (text.get_text(), str(found))
            for text in chinese:  # the family chosen, not a fallback
                assert text.get_fontproperties().get_family() == [font.family]


@needs_matplotlib
def test_images_are_the_same_on_every_run_and_carry_no_date() -> None:
    form = _form("gov-disclosure-2021")
    chart = charts.plan(form, _instance(form, DATA_2021)).charts["results"]
    font = charts.cjk_font(charts.chart_text(chart))
    assert font is not None
    first = charts.images_of(chart, font, ("png", "svg"))
    again = charts.images_of(chart, font, ("png", "svg"))
    assert first == again
    assert first["png"].startswith(b"\x89PNG") and b"tIME" not in first["png"] and b"Software" not in first["png"]
    svg = first["svg"].decode("utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    from PIL import Image

    with Image.open(io.BytesIO(first["png"])) as png:
        assert png.mode == "L"  # grey, opaque: prints the same in black and white
        assert png.size == (int(150 / 25.4 * charts.PRINT_DPI), int(80 / 25.4 * charts.PRINT_DPI))  # 150 x 80 mm


@needs_matplotlib
def test_without_a_cjk_font_the_chart_is_left_out_with_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import font_manager

    latin = [e for e in font_manager.fontManager.ttflist if not charts._covers(str(e.fname), 0, "申请")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    form = _form("gov-disclosure-2021")
    made, findings = charts.make_charts(form, _instance(form, DATA_2021), None, ("html", "docx"))
    assert made.images == {}
    left_out = [d for d in findings if d.severity is Severity.WARNING]
    assert [d.code for d in left_out] == ["R516"]
    assert "字体" in str(left_out[0].args["reason"]) and "fonts-noto-cjk" in str(left_out[0].args["hint"])


# -- the reports ---------------------------------------------------------------------------------


@dataclass
class Rendered:
    html: Path
    docx: Path
    pdf: Path
    codes: list[str]
    alts: dict[str, str]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    """The 2021 example with last year's data and charts, as Word, web page and PDF."""
    if not HAS_MATPLOTLIB and REQUIRED:
        pytest.fail("matplotlib missing: pip install -e '.[charts]'")
    if not HAS_MATPLOTLIB:
        pytest.skip("matplotlib missing: pip install -e '.[charts]'")
    from baobiao.report.pdf import find_soffice

    out = tmp_path_factory.mktemp("charts")
    form = _form("gov-disclosure-2021")
    last, _ = load_previous(form, DATA_2020)
    targets = ("docx", "html", "pdf") if find_soffice() else ("docx", "html")
    result = render_report(form, DATA_2021, {}, targets=targets, out_dir=out, previous=last, charts=True)
    assert len(result.written) == len(targets), [d.code for d in result.report.diagnostics]
    planned = charts.plan(form, _instance(form, DATA_2021), last)
    yield Rendered(
        out / "county-dept-2021.html",
        out / "county-dept-2021.docx",
        out / "county-dept-2021.pdf",
        [d.code for d in result.report.diagnostics],
        {c.id: c.alt for c in planned.charts.values()},
    )


@needs_matplotlib
def test_the_page_has_each_chart_as_an_image_with_its_figures(rendered: Rendered) -> None:
    assert "R516" not in rendered.codes  # every chart drawn, last year's too
    page = _page(rendered.html.read_text(encoding="utf-8"))
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert [a["alt"] for a in images] == list(rendered.alts.values())
    assert all((a["src"] or "").startswith("data:image/svg+xml;base64,") for a in images)  # nothing from outside
    # after table 三, in order
    markup = rendered.html.read_text(encoding="utf-8")
    assert markup.index('id="table-t3"') < markup.index('id="chart-applicants"') < markup.index('id="table-t4"')


_PROBE = (
    "<script>addEventListener('load', () => { document.body.dataset.images = JSON.stringify("
    "[...document.images].map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])); });</script>"
)


@needs_matplotlib
@needs("chromium")
def test_chromium_decodes_every_chart(rendered: Rendered, tmp_path: Path) -> None:
    """Headless Chromium loads the page (a copy with a script that reports its images once
    loaded): every chart decoded, with its alt text."""
    _require("chromium")
    assert CHROMIUM is not None
    probe = tmp_path / "probe.html"
    probe.write_text(rendered.html.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"), "utf-8")
    done = _run(_chromium(probe, tmp_path / "profile", "--virtual-time-budget=5000", "--dump-dom"), _tool_env())
    found = re.search(r'data-images="([^"]*)"', done.stdout)
    assert found, done.stderr[-2000:]
    images = json.loads(html.unescape(found.group(1)))
    assert [alt for alt, *_ in images] == list(rendered.alts.values())
    assert all(complete and width > 300 and height > 100 for _, complete, width, height in images), images


def _media(docx: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(docx) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("word/media/")}


@needs_matplotlib
def test_the_word_file_holds_each_chart_as_a_picture_with_alt_text(rendered: Rendered) -> None:
    media = _media(rendered.docx)
    assert sorted(media) == ["word/media/image1.png", "word/media/image2.png", "word/media/image3.png"]
    with zipfile.ZipFile(rendered.docx) as z:
        document = z.read("word/document.xml").decode("utf-8")
    descriptions = [html.unescape(d) for d in re.findall(r'<wp:docPr [^>]*descr="([^"]*)"', document)]
    assert descriptions == list(rendered.alts.values())
    # 150 mm wide (EMU), within the text width
    assert set(re.findall(r'<wp:extent cx="(\d+)"', document)) == {str(150 * 36000)}


@needs_matplotlib
@needs(*LIBREOFFICE)
def test_libreoffice_prints_the_charts_on_the_page(rendered: Rendered) -> None:
    _require(*LIBREOFFICE)
    assert rendered.pdf.is_file()
    with pdfplumber.open(rendered.pdf) as pdf:
        pictures = [(page.page_number, image) for page in pdf.pages for image in page.images]
        assert len(pictures) == 3, [(n, i["width"], i["height"]) for n, i in pictures]
        for _, image in pictures:
            assert image["width"] == pytest.approx(150 / 25.4 * 72, abs=2)  # 150 mm, in points
            page = pdf.pages[image["page_number"] - 1]
            assert 0 <= image["x0"] < image["x1"] <= page.width and 0 <= image["top"] < image["bottom"] <= page.height


# -- without matplotlib, without --charts, and in a template of one's own -------------------------------


def test_without_matplotlib_the_report_comes_out_with_one_finding(tmp_path: Path) -> None:
    """matplotlib's import fails (a process of its own): render --charts still writes every
    output, without pictures, and says so once (R516), never a traceback."""
    out = tmp_path / "out"
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None  # import matplotlib now fails\n"
        "from baobiao.cli import main\n"
        f"main(['render', 'gov-disclosure-2021', {str(DATA_2021)!r}, '--charts', '--to', 'docx,html,txt', "
        f"'--out', {str(out)!r}])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.count("[R516]") == 1 and "matplotlib" in done.stdout, done.stdout
    assert "pip install 'baobiao[charts]'" in done.stdout
    page = (out / "county-dept-2021.html").read_text(encoding="utf-8")
    assert "<img" not in page and 'id="table-t3"' in page and "29" in page
    assert _media(out / "county-dept-2021.docx") == {}
    assert "本年新收政府信息公开申请数量" in (out / "county-dept-2021.txt").read_text(encoding="utf-8")


def test_without_charts_nothing_is_drawn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("drew a chart")

    monkeypatch.setattr(charts, "images_of", never)
    form = _form("gov-disclosure-2021")
    result = render_report(form, DATA_2021, {}, targets=("docx", "html"), out_dir=tmp_path)
    assert len(result.written) == 2 and "R516" not in [d.code for d in result.report.diagnostics]
    assert "<img" not in (tmp_path / "county-dept-2021.html").read_text(encoding="utf-8")


@needs_matplotlib
def test_a_template_of_ones_own_asks_for_charts_by_id(tmp_path: Path) -> None:
    """``chart(id)`` anywhere in a template: the picture in HTML, its words in text; an id no
    chart has is a template error at its line (R504); the chart against last year, without
    last year's data, a note."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.html.j2").write_text('<html><body>{{ chart("results") }}</body></html>\n', "utf-8")
    (folder / "report.txt.j2").write_text('{{ chart("results") }}\n', "utf-8")
    form = _form("gov-disclosure-2021")
    out = tmp_path / "out"
    result = render_report(form, DATA_2021, {}, targets=("html", "txt"), out_dir=out, templates=folder, charts=True)
    assert len(result.written) == 2
    notes = [d for d in result.report.diagnostics if d.code == "R516"]
    assert [d.severity for d in notes] == [Severity.NOTE] and "--previous" in str(notes[0].args["hint"])
    alt = charts.plan(form, _instance(form, DATA_2021)).charts["results"].alt
    assert (out / "county-dept-2021.txt").read_text(encoding="utf-8").strip() == alt
    assert f'alt="{alt}"' in (out / "county-dept-2021.html").read_text(encoding="utf-8")

    (folder / "report.html.j2").write_text('<html>\n<body>{{ chart("pie") }}</body></html>\n', "utf-8")
    failed = render_report(form, DATA_2021, {}, targets=("html",), out_dir=out, templates=folder, charts=True)
    errors = [d for d in failed.report.diagnostics if d.code == "R504"]
    assert failed.written == () and len(errors) == 1
    assert errors[0].args["line"] == "2" and "applicants" in str(errors[0].args["problem"])


def test_render_takes_last_years_data_for_the_cross_year_rules(run_cli: Any, tmp_path: Path) -> None:
    """render --previous checks the rules over last year as check --previous does."""
    args = ("gov-disclosure-2021", str(DATA_2021), "--to", "txt", "--out", str(tmp_path))
    without = run_cli("render", *args)
    with_last = run_cli("render", *args, "--previous", str(DATA_2020))
    assert without.exit_code == 0 and with_last.exit_code == 0
    assert "C405" not in without.stdout and "C405" in with_last.stdout  # a rule over last year, now checked


@needs_matplotlib
def test_a_font_outside_the_usual_families_is_used_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of CJK_FAMILIES installed, but a font that holds the characters is: the charts are
    drawn in it, and R517 names it."""
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("No Such Family SC",))
    form = _form("gov-disclosure-2021")
    made, findings = charts.make_charts(form, _instance(form, DATA_2021), None, ("html",))
    assert sorted(chart for chart, _ in made.images) == ["applicants", "results"]
    fallback = [d for d in findings if d.code == "R517"]
    assert len(fallback) == 1 and fallback[0].severity is Severity.WARNING
    assert charts._covers(str(fallback[0].args["path"]), 0, "申请人") or "CJK" in str(fallback[0].args["path"])
