"""Charts of the figures offices chart in their reports: applications received by applicant
type, the results of handling, and both against last year's.

One registry (:data:`REGISTRY`) defines every chart by the form's ids, as a report's text names
figures (``new.natural``; a row heading with a column, ``refused.total``, is the sum of its
rows); a chart is drawn for a form whose ids it finds, so a provincial variant of the 2021 form
gets the 2021 charts, and the 2014 table (gov-disclosure-2017) its own. Templates ask for a
chart by its id, ``{{ chart("applicants") }}``: HTML gets an SVG image, Word a PNG at print
resolution, text the chart's description; the same description is the image's alt text, so
that a screen reader gets the figures and the figures cannot differ from the picture's.

matplotlib is an optional extra (``pip install 'baobiao[charts]'``) and is imported only to
draw. Charts are set in an installed CJK font chosen by family name (:data:`CJK_FAMILIES`) and
checked to hold every character drawn: without matplotlib, or without such a font, a chart is
left out with a finding (R516), never drawn with empty boxes for missing characters. Output is
deterministic (fixed size and DPI, no dates or versions in the files, a fixed SVG hash salt).
Charts print in black and white: grey and hatched bars, every figure written on its bar.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from jinja2 import TemplateRuntimeError
from markupsafe import escape

from baobiao.diagnostics.core import Diagnostic, Severity, diag
from baobiao.instance.load import Instance
from baobiao.instance.values import format_number
from baobiao.model import Form

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# -- the registry -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    """One bar: a figure named as a report's text names it (``new.natural``; ``refused.total``,
    a row heading with a column: the sum of its rows; a plain item by its id), and its label
    (empty: the form's printed label without its numbering and bracketed note)."""

    ref: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """A chart: its id (what templates ask for), title and bars; ``yearly``: each bar beside
    last year's figure (drawn only with last year's data)."""

    id: str
    title: str
    measures: tuple[Measure, ...]
    yearly: bool = False


def _measures(*refs: str) -> tuple[Measure, ...]:
    return tuple(Measure(ref) for ref in refs)


#: table 三 of the 2019 and 2021 formats: the applicant columns and the result rows
APPLICANTS = ("natural", "commercial", "research", "social", "legal_service", "other_org")
RESULTS = ("public", "partial", "refused", "unable", "not_processed", "other_handling")
#: the 2014 statistics table: 申请答复数's parts, and 收到申请数's
ANSWERS_2014 = (
    "already_public",
    "granted",
    "partly_granted",
    "refused",
    "not_this_agency",
    "nonexistent",
    "amend",
    "other_route",
)
CHANNELS_2014 = ("in_person", "fax", "online", "letter", "other_form")

#: Every chart, by the form's ids. A chart id may have several definitions (one per family of
#: forms): a form gets the first whose figures it has, all of them.
REGISTRY: tuple[ChartSpec, ...] = (
    # the 2019 and 2021 formats, and variants extending them: table 三
    ChartSpec("applicants", "本年新收政府信息公开申请（按申请人类型）", tuple(Measure(f"new.{c}") for c in APPLICANTS)),
    ChartSpec("results", "本年度政府信息公开申请办理结果", tuple(Measure(f"{r}.total") for r in RESULTS)),
    ChartSpec(
        "year_over_year",
        "政府信息公开申请办理情况与上年对比",
        (Measure("new.total", "本年新收"), *(Measure(f"{r}.total") for r in RESULTS)),
        yearly=True,
    ),
    # the 2014 statistics table (gov-disclosure-2017): no applicant types, but the channels
    ChartSpec("channels", "收到政府信息公开申请（按申请方式）", _measures(*CHANNELS_2014)),
    ChartSpec("results", "政府信息公开申请答复情况", _measures(*ANSWERS_2014)),
    ChartSpec(
        "year_over_year",
        "依申请公开情况与上年对比",
        (
            Measure("received", "收到申请"),
            Measure("closed", "申请办结"),
            Measure("granted", "同意公开"),
            Measure("partly_granted", "部分公开"),
            Measure("refused", "不同意公开"),
        ),
        yearly=True,
    ),
)

#: the chart ids templates may ask for
CHART_IDS: tuple[str, ...] = tuple(dict.fromkeys(spec.id for spec in REGISTRY))


# -- a chart's data -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartData:
    """What a chart shows: its bars' labels and figures (None: blank), last year's figures for
    a chart of two years, the unit, and the printed table whose figures these are (its id)."""

    id: str
    title: str
    unit: str
    labels: tuple[str, ...]
    numbers: tuple[Decimal | None, ...]
    table: str
    previous: tuple[Decimal | None, ...] | None = None
    years: tuple[str, str] = ("上年", "本年")

    @property
    def alt(self) -> str:
        """The chart in words, every figure stated: the image's alt text."""

        def figure(n: Decimal | None) -> str:
            return f"{format_number(n)}{self.unit}" if n is not None else "未填"

        if self.previous is None:
            parts = "，".join(f"{label}{figure(n)}" for label, n in zip(self.labels, self.numbers, strict=True))
        else:
            last, this = self.years
            parts = "；".join(
                f"{label}：{last}{figure(p)}、{this}{figure(n)}"
                for label, p, n in zip(self.labels, self.previous, self.numbers, strict=True)
            )
        return f"图：{self.title}。{parts}。"

    def as_dict(self) -> dict[str, Any]:
        """The chart's data as the render context holds it: printed figures ("" for a blank)."""
        return {
            "id": self.id,
            "title": self.title,
            "unit": self.unit,
            "alt": self.alt,
            "table": self.table,
            "years": list(self.years) if self.previous is not None else [],
            "bars": [
                {
                    "label": label,
                    "value": _printed(n),
                    "previous": _printed(self.previous[i]) if self.previous is not None else "",
                }
                for i, (label, n) in enumerate(zip(self.labels, self.numbers, strict=True))
            ],
        }


def _printed(n: Decimal | None) -> str:
    return format_number(n) if n is not None else ""


@dataclass(frozen=True, slots=True)
class Plan:
    """The charts a report can have: ``charts`` (by id, in the registry's order) and, for the
    form's charts that cannot be drawn from this data, why (``blank``: every figure blank;
    ``no-previous``: no last year's data; ``previous-lacks``: last year's data has none of its
    figures)."""

    charts: Mapping[str, ChartData]
    missing: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # id -> (title, why)


_CN = "一二三四五六七八九十"
_NUMBERING = re.compile(rf"^\s*(?:[{_CN}]+、|（[{_CN}]+）|\([{_CN}]+\)|\d+[.、．])")
_NOTE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


def short_label(label: str) -> str:
    """A printed label as a chart's axis prints it: without its numbering, a bracketed note at
    its end and a trailing colon (（二）部分公开（区分处理的，…） -> 部分公开)."""
    text = _NUMBERING.sub("", label.strip(), count=1)
    while (shorter := _NOTE.sub("", text)) != text and shorter:
        text = shorter
    return text.rstrip("：:").strip() or label


def cells_of(form: Form, ref: str) -> tuple[str, ...]:
    """The cells whose sum is the figure ``ref`` names (empty: the form has none): an item with
    a value; or ``row.column`` where row is a heading: the column's cells of the rows under it."""
    item = form.get(ref)
    if item is not None and item.has_value:
        return (ref,)
    row, dot, column = ref.rpartition(".")
    if not dot or form.get(row) is None:
        return ()
    below = (form.get(i) for i in form.below(row))
    return tuple(sorted(i.id for i in below if i is not None and i.has_value and i.aliases[:1] == (column,)))


def figure_of(instance: Instance, ref: str, cells: Sequence[str]) -> Decimal | None:
    """The figure ``ref`` names in ``instance`` (None: blank): a value given under ``ref``
    itself (last year's file in the earlier form may hold a row this form splits, 2019's
    （六）其他处理), else the sum of ``cells`` when none is blank, else a value given for the
    heading over them (instance.groups)."""
    given = instance.values.get(ref)
    if given is not None and given.number is not None:
        return given.number
    numbers = [v.number if (v := instance.values.get(c)) is not None else None for c in cells]
    if cells and all(n is not None for n in numbers):
        return sum((n for n in numbers if n is not None), Decimal(0))
    wanted = set(cells)
    return next((g.number for g in instance.groups if set(g.cells) == wanted and g.number is not None), None)


def _table_of(form: Form, cell: str) -> str:
    return next((t.id for t in form.tables if t.id and cell in form.below(t.id)), "")


def _label(form: Form, spec: ChartSpec, measure: Measure) -> str:
    if measure.label:
        return measure.label
    rows = {m.ref.rpartition(".")[0] for m in spec.measures}
    item = form.get(measure.ref)
    if item is None or (len(rows) > 1 and "." in measure.ref):  # the rows differ: the row's label
        item = form.get(measure.ref.rpartition(".")[0])
    return short_label(item.label) if item is not None else measure.ref


def _year(instance: Instance | None, fallback: str) -> str:
    return f"{instance.year}年" if instance is not None and instance.year is not None else fallback


def plan(form: Form, instance: Instance, previous: Instance | None = None) -> Plan:
    """The charts of this form and data (pure: figures only, nothing drawn)."""
    charts: dict[str, ChartData] = {}
    missing: dict[str, tuple[str, str]] = {}
    for spec in REGISTRY:
        if spec.id in charts or spec.id in missing:
            continue
        cells = [cells_of(form, m.ref) for m in spec.measures]
        if not all(cells):  # not this form's chart
            continue
        numbers = tuple(figure_of(instance, m.ref, c) for m, c in zip(spec.measures, cells, strict=True))
        unit = next((u for c in cells for i in [form.get(c[0])] if i is not None and (u := i.unit)), "")
        data = ChartData(
            spec.id,
            spec.title,
            unit,
            tuple(_label(form, spec, m) for m in spec.measures),
            numbers,
            _table_of(form, cells[0][0]),
        )
        if all(n is None for n in numbers):
            missing[spec.id] = (spec.title, "blank")
            continue
        if spec.yearly:
            if previous is None:
                missing[spec.id] = (spec.title, "no-previous")
                continue
            last = tuple(figure_of(previous, m.ref, c) for m, c in zip(spec.measures, cells, strict=True))
            if all(n is None for n in last):
                missing[spec.id] = (spec.title, "previous-lacks")
                continue
            years = (_year(previous, "上年"), _year(instance, "本年"))
            data = ChartData(data.id, data.title, unit, data.labels, numbers, data.table, last, years)
        charts[spec.id] = data
    return Plan(charts, missing)


# -- fonts ----------------------------------------------------------------------------------------

#: CJK families tried in this order: sans faces first (offices set charts in 黑体), the Noto and
#: Source Han fonts Linux distributions ship (Debian fonts-noto-cjk, which CI installs for
#: LibreOffice), WenQuanYi, then the fonts of Windows and macOS, then serif faces.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "Source Han Serif CN",
    "SimSun",
    "AR PL UMing CN",
    "Droid Sans Fallback",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
)
#: characters a chart font must hold, whatever the chart says
SAMPLE = "图政府信息公开申请件年本上对比自然人0123456789"


@dataclass(frozen=True, slots=True)
class FontChoice:
    """The font charts are set in: its family name (as matplotlib is given it), file and face."""

    family: str
    path: str
    index: int = 0
    listed: bool = True  # one of CJK_FAMILIES (else a fallback: R517)


@functools.lru_cache(maxsize=256)
def _charmap(path: str, index: int) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    try:
        try:
            font = FT2Font(path, face_index=index)
        except TypeError:  # matplotlib before 3.10 reads a collection's first face only
            font = FT2Font(path)
        return frozenset(font.get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


def _covers(path: str, index: int, text: str) -> bool:
    charmap = _charmap(path, index)
    return all(ord(ch) in charmap for ch in set(text) if not ch.isspace())


def cjk_font(text: str = "") -> FontChoice | None:
    """The first installed family of :data:`CJK_FAMILIES` whose regular face holds every
    character of ``text`` (and of :data:`SAMPLE`); failing those, any installed font that does
    (the nearest to regular weight); None when no font does. Needs matplotlib."""
    from matplotlib import font_manager

    wanted = SAMPLE + text
    entries = sorted(
        font_manager.fontManager.ttflist,
        key=lambda e: (abs(_weight(e.weight) - 400), e.name, e.fname, getattr(e, "index", 0)),
    )
    by_family: dict[str, list[Any]] = {}
    for entry in entries:
        by_family.setdefault(entry.name, []).append(entry)
    tried = [e for family in CJK_FAMILIES for e in by_family.get(family, [])]
    others = [e for e in entries if e.name not in CJK_FAMILIES]
    for entry in (*tried, *others):
        index = int(getattr(entry, "index", 0))
        if _covers(str(entry.fname), index, wanted):
            return FontChoice(str(entry.name), str(entry.fname), index, entry.name in CJK_FAMILIES)
    return None


def _weight(weight: object) -> int:
    if isinstance(weight, int):
        return weight
    names = {"light": 300, "normal": 400, "regular": 400, "book": 400, "medium": 500, "bold": 700}
    return names.get(str(weight).lower(), 400)


# -- drawing ----------------------------------------------------------------------------------------

WIDTH_MM = 150.0  # within the Word page's text width (156 mm)
HEIGHT_MM = 80.0
PRINT_DPI = 300  # the Word file's PNG
FONT_PT = 10.5  # 五号, as the tables
TITLE_PT = 12.0
INK = "#000000"
FILL = "#595959"  # this year's bars: a grey that prints as grey in black and white
LAST_FILL = "#ffffff"  # last year's: white, hatched
HATCH = "////"
_PT_MM = 25.4 / 72
#: drawing changes matplotlib's global settings (rc_context): one chart at a time
_LOCK = threading.Lock()
_RC: dict[str, Any] = {
    "svg.hashsalt": "baobiao",  # the SVG's ids, the same on every run
    "svg.fonttype": "path",  # glyphs as outlines: the page shows them without the font
    "axes.unicode_minus": False,
    "hatch.linewidth": 0.6,
    "axes.linewidth": 0.6,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "font.size": FONT_PT,
    "text.color": INK,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


def _wrap(label: str, per_line: int) -> str:
    """A label in lines of at most ``per_line`` characters, balanced."""
    if len(label) <= per_line:
        return label
    lines = -(-len(label) // per_line)
    size = -(-len(label) // lines)
    return "\n".join(label[i : i + size] for i in range(0, len(label), size))


def _layout(chart: ChartData) -> tuple[bool, int, float]:
    """(horizontal, characters a line of an axis label, height in mm): bars stand upright while
    their labels fit in two lines under them; otherwise they lie down, labels to the left."""
    per_line = max(2, int((WIDTH_MM * 0.85 / len(chart.labels)) * 0.92 / (FONT_PT * _PT_MM)))
    horizontal = max(len(label) for label in chart.labels) > 2 * per_line
    if not horizontal:
        return False, per_line, HEIGHT_MM
    band = 11.0 if chart.previous is not None else 8.0
    return True, per_line, max(HEIGHT_MM, 26.0 + band * len(chart.labels))


@contextlib.contextmanager
def style(font: FontChoice) -> Iterator[None]:
    """matplotlib's settings for charts set in ``font``: drawing and saving happen inside (a
    figure makes its tick labels as it is saved, in the font of the settings then)."""
    import matplotlib

    with matplotlib.rc_context(cast(Any, {**_RC, "font.family": [font.family]})):
        yield


def draw(chart: ChartData) -> Figure:
    """The chart as a matplotlib figure (not yet saved); inside :func:`style`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    horizontal, per_line, height = _layout(chart)
    fig = Figure(figsize=(WIDTH_MM / 25.4, height / 25.4), dpi=PRINT_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    n = len(chart.labels)
    positions = [float(i) for i in range(n)]
    series: list[tuple[tuple[Decimal | None, ...], str, str, str]] = []  # numbers, fill, hatch, legend
    if chart.previous is not None:
        series.append((chart.previous, LAST_FILL, HATCH, chart.years[0]))
        series.append((chart.numbers, FILL, "", chart.years[1]))
    else:
        series.append((chart.numbers, FILL, "", ""))
    width = 0.7 / len(series) if len(series) > 1 else 0.6
    for k, (numbers, fill, hatch, legend) in enumerate(series):
        offset = (k - (len(series) - 1) / 2) * width
        at = [p + offset for p in positions]
        heights = [float(v) if v is not None else 0.0 for v in numbers]
        look: dict[str, Any] = {
            "color": fill,
            "edgecolor": INK,
            "linewidth": 0.6,
            "hatch": hatch or None,
            "label": legend or None,
        }
        bars = ax.barh(at, heights, width, **look) if horizontal else ax.bar(at, heights, width, **look)
        texts = [format_number(v) if v is not None else "未填" for v in numbers]
        ax.bar_label(bars, labels=texts, padding=2, fontsize=FONT_PT)
    top = max((float(v) for s in series for v in s[0] if v is not None), default=0.0)
    limit = top * 1.18 if top > 0 else 1.0
    labels = chart.labels if horizontal else [_wrap(label, per_line) for label in chart.labels]
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_locator(MaxNLocator(integer=True))
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.set_xlim(0, limit)
        ax.invert_yaxis()  # the form's order, top to bottom
        ax.spines[["top", "right"]].set_visible(False)
    else:
        ax.set_xticks(positions, labels)
        ax.set_ylim(0, limit)
        ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(length=3)
    two_years = chart.previous is not None
    fig.suptitle(chart.title, fontsize=TITLE_PT, fontweight="bold")
    if chart.unit:
        ax.annotate(
            f"单位：{chart.unit}",
            (0, 1),
            xycoords="axes fraction",
            xytext=(0, 4),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=FONT_PT - 1.5,
        )
    if two_years:  # above the bars, right, level with the unit
        ax.legend(
            frameon=False,
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            ncols=2,
            fontsize=FONT_PT - 0.5,
            borderaxespad=0.2,
        )
    return fig


def save(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG (at :data:`PRINT_DPI`, grey, no transparency: a printer's picture) or
    SVG, without dates or versions in either; inside :func:`style`."""
    buffer = io.BytesIO()
    if fmt == "png":
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from PIL import Image  # matplotlib's own dependency

        canvas: Any = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        canvas.draw()
        width, height = canvas.get_width_height(physical=True)
        rgba = Image.frombuffer("RGBA", (width, height), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1)
        rgba.convert("L").save(buffer, format="PNG", optimize=True, dpi=(PRINT_DPI, PRINT_DPI))
    else:
        fig.savefig(buffer, format=fmt, metadata={"Date": None, "Creator": "baobiao"}, facecolor="white")
    return buffer.getvalue()


def images_of(chart: ChartData, font: FontChoice, formats: Iterable[str]) -> dict[str, bytes]:
    """The chart drawn in ``font``, saved in each of ``formats`` ("png", "svg")."""
    with _LOCK, style(font):
        fig = draw(chart)
        return {fmt: save(fig, fmt) for fmt in formats}


def chart_text(chart: ChartData) -> str:
    """Every character a chart draws (its font must hold them all)."""
    numbers = [*chart.numbers, *(chart.previous or ())]
    figures = "".join(format_number(n) for n in numbers if n is not None)
    return "".join((chart.title, *chart.labels, *chart.years, chart.unit, "单位：未填", figures))


# -- the charts of one report -------------------------------------------------------------------------

#: which image each back-end takes
IMAGE_FORMATS = {"html": "svg", "docx": "png", "pdf": "png"}


@dataclass(frozen=True, slots=True)
class Charts:
    """The charts of one report, drawn: their data and images, ``(chart id, "svg"|"png")``."""

    plan: Plan
    images: Mapping[tuple[str, str], bytes]

    def drawn(self, chart_id: str) -> bool:
        return any(key[0] == chart_id for key in self.images)


def make_charts(
    form: Form, instance: Instance, previous: Instance | None, targets: Iterable[str]
) -> tuple[Charts, list[Diagnostic]]:
    """Draw the charts of this form and data for the back-ends ``targets`` (html: SVG; docx,
    pdf: PNG), with the findings for charts left out (R516): matplotlib not installed, no
    installed font holds the characters, or the data lacks what a chart shows (last year's)."""
    planned = plan(form, instance, previous)
    formats = sorted({IMAGE_FORMATS[t] for t in targets if t in IMAGE_FORMATS})
    if not formats:  # text only: no pictures to draw
        return Charts(planned, {}), []
    findings: list[Diagnostic] = [_missing_note(planned.missing)] if planned.missing else []
    if not planned.charts:
        return Charts(planned, {}), findings
    try:
        import matplotlib  # noqa: F401
    except ImportError:  # one finding for every chart, and nothing else said about them
        titles = (*(c.title for c in planned.charts.values()), *(title for title, _ in planned.missing.values()))
        return Charts(planned, {}), [
            diag(
                "R516",
                None,
                charts="、".join(f"“{title}”" for title in titles),
                reason="没有安装 matplotlib",
                reason_en="matplotlib is not installed",
                hint="安装图表支持：pip install 'baobiao[charts]'（或 pip install 'matplotlib>=3.8,<4'）；"
                "不要图表时不加 --charts。",
                hint_en="install chart support: pip install 'baobiao[charts]' (or pip install 'matplotlib>=3.8,<4'); "
                "leave out --charts for no charts.",
            )
        ]
    drawn: dict[tuple[str, str], bytes] = {}
    unfit: list[ChartData] = []
    fallbacks: dict[FontChoice, None] = {}
    for chart in planned.charts.values():
        font = cjk_font(chart_text(chart))
        if font is None:
            unfit.append(chart)
            continue
        if not font.listed:
            fallbacks[font] = None
        for fmt, data in images_of(chart, font, formats).items():
            drawn[(chart.id, fmt)] = data
    if unfit:
        findings.append(_no_font(unfit))
    findings.extend(_fallback(font) for font in fallbacks)
    return Charts(planned, drawn), findings


def _fallback(font: FontChoice) -> Diagnostic:
    """R517: the charts are set in a font that holds their characters but is none of the CJK
    families charts are meant to be set in."""
    return diag(
        "R517",
        None,
        family=font.family,
        path=font.path,
        families="、".join(CJK_FAMILIES[:5]),
        families_en=", ".join(CJK_FAMILIES[:5]),
    )


def _no_font(charts: Sequence[ChartData]) -> Diagnostic:
    tried = "、".join(CJK_FAMILIES[:5])
    return diag(
        "R516",
        None,
        charts="、".join(f"“{c.title}”" for c in charts),
        reason=f"没有找到能显示这些中文的字体（试过 {tried} 等，以及已安装的其他字体）",
        reason_en=f"no installed font holds these Chinese characters (tried {', '.join(CJK_FAMILIES[:5])}, "
        "and every other installed font)",
        hint="安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk；Windows 和 macOS 自带的黑体、宋体也可以），"
        "然后重新生成；图表不会用方框代替缺字。",
        hint_en="install a Chinese font (Debian/Ubuntu: apt-get install fonts-noto-cjk; the fonts of Windows and macOS "
        "will do) and render again; a chart is never drawn with boxes for missing characters.",
    )


_WHY = {
    "no-previous": ("没有上年的数据（render … --previous 上年数据文件）", "no last year's data (--previous FILE)"),
    "previous-lacks": ("上年的数据文件没有这些栏目", "last year's data file has none of its figures"),
    "blank": ("这些栏目都没有填写", "its figures are all blank"),
}


def _missing_note(missing: Mapping[str, tuple[str, str]]) -> Diagnostic:
    reasons = sorted({why for _, why in missing.values()})
    return diag(
        "R516",
        None,
        severity=Severity.NOTE,
        charts="、".join(f"“{title}”" for title, _ in missing.values()),
        reason="；".join(_WHY[r][0] for r in reasons),
        reason_en="; ".join(_WHY[r][1] for r in reasons),
        hint="与上年对比的图表要用 --previous 给出上年的数据文件。" if "no-previous" in reasons else "填写这些栏目。",
        hint_en="a chart against last year needs last year's data file, given with --previous."
        if "no-previous" in reasons
        else "fill in these figures.",
    )


# -- in templates -----------------------------------------------------------------------------------


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _px(mm: float) -> int:
    return round(mm / 25.4 * 96)


@dataclass(frozen=True, slots=True)
class Shown:
    """A chart as a template prints it: in HTML (``__html__``) a figure with the SVG image and
    its alt text; as text, the chart in words."""

    data: ChartData
    svg: bytes | None

    def __html__(self) -> str:
        if self.svg is None:
            return ""
        _, _, height = _layout(self.data)
        return (
            f'<figure class="chart" id="chart-{escape(self.data.id)}">'
            f'<img src="{_data_uri(self.svg)}" alt="{escape(self.data.alt)}" '
            f'width="{_px(WIDTH_MM)}" height="{_px(height)}"></figure>'
        )

    def __str__(self) -> str:
        return self.data.alt


class ChartFunction:
    """``chart(id)`` in a template: the chart drawn for this report (:class:`Shown`), or ""
    when it is not (charts not asked for, or left out with a finding); an id no chart has is a
    template error naming the ids. Its data is private (underscored): the sandbox keeps
    templates from it."""

    def __init__(self, charts: Charts | None, planned: Plan) -> None:
        self._charts = charts
        self._plan = planned

    def _check(self, chart_id: object) -> str:
        if not isinstance(chart_id, str) or chart_id not in CHART_IDS:
            raise TemplateRuntimeError(
                f"没有图表 {chart_id!r}（可用：{', '.join(CHART_IDS)}） / no chart {chart_id!r} "
                f"(charts: {', '.join(CHART_IDS)})"
            )
        return chart_id

    def __call__(self, chart_id: object) -> Shown | str:
        name = self._check(chart_id)
        if self._charts is None or name not in self._plan.charts or not self._charts.drawn(name):
            return ""
        return Shown(self._plan.charts[name], self._charts.images.get((name, "svg")))

    def for_word(self, tpl: Any) -> Callable[[object], Any]:
        """``chart(id)`` for the Word template ``tpl`` (docxtpl): the PNG as an inline picture,
        150 mm wide, its alt text the chart in words."""
        from docx.shared import Mm
        from docxtpl import InlineImage

        class Picture(InlineImage):  # type: ignore[misc]
            """docxtpl's InlineImage with alt text (wp:docPr/@descr), which Word reads aloud."""

            def __init__(self, png: bytes, alt: str) -> None:
                super().__init__(tpl, io.BytesIO(png), width=Mm(WIDTH_MM))
                self.alt = alt

            def _insert_image(self) -> str:
                inline = self.tpl.current_rendering_part.new_pic_inline(
                    io.BytesIO(self.image_descriptor.getvalue()), self.width, self.height
                )
                inline.docPr.set("descr", self.alt)
                drawing = f"<w:drawing>{inline.xml}</w:drawing>"
                return f'</w:t></w:r><w:r>{drawing}</w:r><w:r><w:t xml:space="preserve">'

        def chart(chart_id: object) -> Any:
            name = self._check(chart_id)
            png = self._charts.images.get((name, "png")) if self._charts is not None else None
            if png is None or name not in self._plan.charts:
                return ""
            return Picture(png, self._plan.charts[name].alt)

        return chart


def in_context(form: Form, instance: Instance, charts: Charts | None) -> dict[str, Any]:
    """What the render context holds of charts: ``charts`` (each chart's data, by id: title,
    unit, alt, bars with label, value, previous), ``chart`` (the template function) and, for
    the tables, which charts follow each (``charts_after``: table id -> chart ids drawn)."""
    planned = charts.plan if charts is not None else plan(form, instance)
    after: dict[str, list[str]] = {}
    if charts is not None:
        for chart in planned.charts.values():
            if charts.drawn(chart.id):
                after.setdefault(chart.table, []).append(chart.id)
    return {
        "charts": {c.id: c.as_dict() for c in planned.charts.values()},
        "chart": ChartFunction(charts, planned),
        "charts_after": after,
    }
