"""The rendered reports as readers get them: the Word file opened by LibreOffice and printed to
PDF, the HTML page loaded and printed by headless Chromium, the text read back with pdftotext.

Every section title, table caption, header cell, row label and figure of the render context
must come out of both PDFs; a text such as ``R&D <5%`` must survive in all three formats; the
HTML page must load nothing from outside.

These tests need LibreOffice (``soffice``), Chromium, poppler-utils (pdftotext, pdffonts,
pdfinfo) and a CJK font (fonts-noto-cjk). Without them they are skipped, saying what is
missing; .ci/run installs them and sets BAOBIAO_REQUIRE_OUTPUT_TOOLS=1, so that in CI a missing
tool fails instead of skipping. The Chinese official-document fonts (仿宋_GB2312, 黑体, ...) are
mapped to Noto CJK by tests/fontconfig/fonts.conf, given to both programs as FONTCONFIG_FILE.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from baobiao.pipeline import check_data, load_spec, render_report
from baobiao.report.context import RenderInput, build_context

ROOT = Path(__file__).resolve().parents[1]
FONTCONFIG_FILE = ROOT / "tests" / "fontconfig" / "fonts.conf"  # absolute, as fontconfig requires
PROBE = "R&D <5%"
TIMEOUT = 240  # seconds for one external program

# name -> (built-in form, data file)
EXAMPLES: dict[str, tuple[str, Path]] = {
    "shandong-fao-2017": ("gov-disclosure-2017", ROOT / "examples" / "shandong-fao-2017.yaml"),
    "county-dept-2021": ("gov-disclosure-2021", ROOT / "examples" / "county-dept-2021.yaml"),
    "city-gov-2019": ("gov-disclosure-2019", ROOT / "examples" / "city-gov-2019.yaml"),
}
PROBE_BASE = "county-dept-2021"  # the example that carries PROBE (or gets a copy that does)


# -- tools --------------------------------------------------------------------------------------


def _which(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


def _has_cjk_font() -> bool:
    if not shutil.which("fc-list"):
        return False
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return "Noto Serif CJK SC" in listed.stdout and "Noto Sans CJK SC" in listed.stdout


SOFFICE = _which("soffice", "libreoffice")
CHROMIUM = _which("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo"))
CJK_FONT = _has_cjk_font()

TOOLS = {  # what -> (present, how it is installed)
    "libreoffice": (SOFFICE is not None, "LibreOffice `soffice` (Debian: libreoffice-writer-nogui)"),
    "chromium": (CHROMIUM is not None, "`chromium` (Debian: chromium)"),
    "poppler": (POPPLER, "pdftotext/pdffonts/pdfinfo (Debian: poppler-utils)"),
    "cjk-font": (CJK_FONT, "Noto Serif/Sans CJK SC fonts (Debian: fonts-noto-cjk)"),
}
REQUIRED = os.environ.get("BAOBIAO_REQUIRE_OUTPUT_TOOLS", "") not in ("", "0")


def _missing(*tools: str) -> str:
    absent = [how for name in tools for present, how in [TOOLS[name]] if not present]
    return "real-output tools missing: " + "; ".join(absent) + " (.ci/run installs them)" if absent else ""


def needs(*tools: str) -> pytest.MarkDecorator:
    """Skip without these tools, saying which are missing; where they are required (CI), the
    test runs and fails instead (see ``_require``)."""
    return pytest.mark.skipif(bool(_missing(*tools)) and not REQUIRED, reason=_missing(*tools))


def _require(*tools: str) -> None:
    if _missing(*tools):
        pytest.fail(_missing(*tools))


LIBREOFFICE = ("libreoffice", "poppler", "cjk-font")
CHROMIUM_PRINT = ("chromium", "poppler", "cjk-font")


# -- what must appear -----------------------------------------------------------------------------


def squash(text: str) -> str:
    """Text without whitespace: table cells wrap, and PDF text has line breaks anywhere."""
    return re.sub(r"\s+", "", text)


def _section_titles(sections: list[dict[str, Any]]) -> Iterator[str]:
    for section in sections:
        yield section["title"]
        yield from _section_titles(section["subsections"])


def expected_texts(context: Mapping[str, Any]) -> list[str]:
    """Section titles, and of every table its caption, header cells, row labels (with their
    printed notes) and notes under the table."""
    out = list(_section_titles(context["sections"]))
    for table in context["tables"]:
        out.append(table["caption"])
        out.extend(cell["text"] for row in table["header"] for cell in row)
        for row in table["body"]:
            for cell in row:
                if not cell["numeric"]:
                    out.append(cell["text"])
                out.extend(cell["notes"])
        out.extend(table["notes"])
    return [text for text in dict.fromkeys(out) if squash(text)]


def expected_rows(context: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """Each table row's figures, in order, with the row's last label to name it."""
    rows = []
    for table in context["tables"]:
        for row in table["body"]:
            values = [cell["text"] for cell in row if cell["numeric"] and cell["text"]]
            labels = [cell["text"] for cell in row if not cell["numeric"]]
            if values:
                rows.append((f"{table['caption']} / {labels[-1] if labels else '(values)'}", values))
    return rows


# -- reading PDFs back ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Box:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: _Box) -> bool:
        return min(self.x1, other.x1) - max(self.x0, other.x0) > 0.5


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_FIGURE = re.compile(r"^[\d.,%+-]+$")


def _pages(pdf: Path) -> list[list[_Box]]:
    """The pieces of text of each page (``pdftotext -bbox``), words that touch joined, page
    numbers left out: what one table cell shows on one line."""
    listing = _run(["pdftotext", "-bbox", str(pdf), "-"]).stdout
    pages = []
    for page in listing.split("</page>")[:-1]:
        words = sorted(
            (_Box(html.unescape(m[5]), *map(float, m.groups()[:4])) for m in _WORD.finditer(page)),
            key=lambda b: (round(b.y0), b.x0),
        )
        pieces: list[_Box] = []
        for w in words:
            last = pieces[-1] if pieces else None
            if last and abs(last.y0 - w.y0) < 2 and w.x0 - last.x1 < 0.5 * (w.y1 - w.y0):
                pieces[-1] = _Box(last.text + w.text, last.x0, min(last.y0, w.y0), w.x1, max(last.y1, w.y1))
            else:
                pieces.append(w)
        text_bottom = max((p.y1 for p in pieces if not _FIGURE.match(p.text)), default=0.0)
        pages.append([p for p in pieces if not (_FIGURE.match(p.text) and p.y0 > text_bottom + 10)])
    return pages


def _columns(pages: list[list[_Box]], depth: int = 16) -> str:
    """Text read down the page: each piece followed by the nearest piece below it that it
    overlaps horizontally, and on across a page break. A table cell's wrapped lines come out
    joined, even where the row was cut by a page break. Chains joined by NUL."""
    after: dict[int, _Box] = {}
    for n, page in enumerate(pages):
        if not page:
            continue
        bottom = max(p.y1 for p in page)
        following = pages[n + 1] if n + 1 < len(pages) else []
        top = min((p.y0 for p in following), default=0.0)
        for piece in page:
            height = piece.y1 - piece.y0
            below = [p for p in page if p.y0 > piece.y1 - 1 and p.overlaps(piece) and p.y0 - piece.y1 < 2.5 * height]
            if below:
                after[id(piece)] = min(below, key=lambda p: (p.y0, -min(p.x1, piece.x1) + max(p.x0, piece.x0)))
            elif piece.y1 > bottom - 2 * height:
                overleaf = [p for p in following if p.overlaps(piece) and p.y0 < top + 2 * (p.y1 - p.y0)]
                if overleaf:
                    after[id(piece)] = min(overleaf, key=lambda p: p.y0)
    chains = []
    for page in pages:
        for piece in page:
            parts, current = [], piece
            for _ in range(depth):
                parts.append(current.text)
                if id(current) not in after:
                    break
                current = after[id(current)]
            chains.append(squash("".join(parts)))
    return "\0".join(chains)


@dataclass(frozen=True)
class PdfText:
    """A PDF's text two ways, squashed: in drawing order (``pdftotext -raw``: the lines of a
    table cell stay together, a row's figures in order), and read down the page (a cell that
    a page break cut in two, joined again)."""

    raw: str
    plain: str
    columns: str

    @classmethod
    def of(cls, pdf: Path) -> PdfText:
        raw = _run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"]).stdout
        return cls(raw, squash(raw), _columns(_pages(pdf)))

    def has(self, text: str) -> bool:
        wanted = squash(text)
        return wanted in self.plain or wanted in self.columns


def _run(command: list[str], env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=dict(env) if env is not None else None,
        timeout=TIMEOUT,
        check=False,
        stdin=subprocess.DEVNULL,
    )


# -- rendering and converting, once for the module ------------------------------------------------


@dataclass
class Outputs:
    name: str
    context: dict[str, Any]
    docx: Path
    html: Path
    txt: Path
    docx_pdf: Path  # the Word file printed by LibreOffice
    html_pdf: Path  # the HTML page printed by Chromium
    dom: str  # the HTML page as Chromium parsed it (--dump-dom)
    log: str  # what the programs said, for failure messages


def _tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    env.pop("FONTCONFIG_PATH", None)
    return env


def _probe_data(folder: Path) -> Path:
    """The 2021 example if it carries PROBE in its narrative; else a copy with a paragraph
    that does."""
    source = EXAMPLES[PROBE_BASE][1]
    text = source.read_text(encoding="utf-8")
    if PROBE in text:
        return source
    data = yaml.safe_load(text)
    data["report"]["sections"][0].setdefault("paragraphs", []).append(
        f"针对研发投入强度较低（{PROBE}）的中小企业，专题解读了研发费用加计扣除政策。"
    )
    variant = folder / f"{PROBE_BASE}-probe.yaml"
    variant.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return variant


def _render(spec: str, data: Path, out_dir: Path) -> tuple[dict[str, Any], Path, Path, Path]:
    loaded = load_spec(spec)
    assert loaded.form is not None, loaded.report.diagnostics
    result = render_report(loaded.form, data, loaded.report.sources, targets=("docx", "html", "txt"), out_dir=out_dir)
    assert len(result.written) == 3, [d.code for d in result.report.diagnostics]
    checked = check_data(loaded.form, data, loaded.report.sources)
    assert checked.instance is not None
    context = build_context(RenderInput(loaded.form, checked.instance))
    docx, page, txt = (out_dir / f"{data.stem}{suffix}" for suffix in (".docx", ".html", ".txt"))
    return context, docx, page, txt


def _chromium(page: Path, profile: Path, *action: str) -> list[str]:
    assert CHROMIUM is not None
    return [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *action,
        page.resolve().as_uri(),
    ]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outputs]:
    """Every example rendered, its Word file converted by one LibreOffice run, its page printed
    and dumped by Chromium (each run with a fresh profile, all at once), each program where
    installed."""
    base = tmp_path_factory.mktemp("outputs")
    runs = dict(EXAMPLES)
    probe = _probe_data(base)
    if probe != EXAMPLES[PROBE_BASE][1]:
        runs["probe"] = (EXAMPLES[PROBE_BASE][0], probe)
    rendered = {name: _render(spec, data, base / name) for name, (spec, data) in runs.items()}

    env = _tool_env()
    pdf_dir = base / "docx-pdf"
    jobs: dict[str, list[str]] = {}
    if SOFFICE is not None:
        jobs["soffice"] = [
            SOFFICE,
            f"-env:UserInstallation={(base / 'lo-profile').as_uri()}",  # a private profile
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdf_dir),
            *(str(docx) for _, docx, _, _ in rendered.values()),
        ]
    for name, (_, _, page, _) in rendered.items() if CHROMIUM is not None else ():
        print_to = f"--print-to-pdf={base / f'{name}.chromium.pdf'}"
        jobs[f"{name}.print"] = _chromium(page, base / f"chromium-{name}-print", print_to, "--no-pdf-header-footer")
        jobs[f"{name}.dom"] = _chromium(page, base / f"chromium-{name}-dom", "--dump-dom")
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(zip(jobs, pool.map(lambda command: _run(command, env), jobs.values()), strict=True))

    def said(*keys: str) -> str:
        runs = [done[k] for k in keys if k in done]
        return "\n".join(
            f"$ {' '.join(r.args)}\nexit {r.returncode}\n{r.stdout[-2000:]}{r.stderr[-2000:]}" for r in runs
        )

    out = {}
    for name, (context, docx, page, txt) in rendered.items():
        dom = done[f"{name}.dom"].stdout if f"{name}.dom" in done else ""
        out[name] = Outputs(
            name,
            context,
            docx,
            page,
            txt,
            pdf_dir / f"{docx.stem}.pdf",
            base / f"{name}.chromium.pdf",
            dom,
            said("soffice", f"{name}.print", f"{name}.dom"),
        )
    return out


def _pdf(path: Path, log: str) -> PdfText:
    # LibreOffice's and Chromium's exit codes are not trustworthy: look at the file
    assert path.is_file() and path.read_bytes()[:5] == b"%PDF-", f"no PDF at {path}\n{log}"
    return PdfText.of(path)


def _missing_from(text: PdfText, context: Mapping[str, Any]) -> list[str]:
    missing = [f"text: {t}" for t in expected_texts(context) if not text.has(t)]
    missing += [
        f"figures {' '.join(v)} of row {label}" for label, v in expected_rows(context) if "".join(v) not in text.plain
    ]
    return missing


# -- the tests ---------------------------------------------------------------------------------------

NAMES = list(EXAMPLES)


@needs(*LIBREOFFICE)
@pytest.mark.parametrize("name", NAMES)
def test_word_file_printed_by_libreoffice_shows_every_table_text(outputs: dict[str, Outputs], name: str) -> None:
    _require(*LIBREOFFICE)
    out = outputs[name]
    text = _pdf(out.docx_pdf, out.log)
    assert _missing_from(text, out.context) == [], f"missing from {out.docx_pdf} (from {out.docx})"


@needs(*LIBREOFFICE)
@pytest.mark.parametrize("name", NAMES)
def test_word_file_is_a4_with_the_mapped_chinese_fonts(outputs: dict[str, Outputs], name: str) -> None:
    """A4 pages, and the body font (仿宋_GB2312) printed in Noto Serif CJK and headings (黑体)
    in Noto Sans CJK: the fontconfig aliases reached LibreOffice. Without them LibreOffice
    falls back to Noto Sans CJK for every Chinese character."""
    _require(*LIBREOFFICE)
    out = outputs[name]
    _pdf(out.docx_pdf, out.log)
    info = _run(["pdfinfo", str(out.docx_pdf)]).stdout
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d* pts", info), info
    fonts = _run(["pdffonts", str(out.docx_pdf)]).stdout
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts, fonts


@needs(*CHROMIUM_PRINT)
@pytest.mark.parametrize("name", NAMES)
def test_html_page_printed_by_chromium_shows_every_table_text(outputs: dict[str, Outputs], name: str) -> None:
    _require(*CHROMIUM_PRINT)
    out = outputs[name]
    text = _pdf(out.html_pdf, out.log)
    assert _missing_from(text, out.context) == [], f"missing from {out.html_pdf} (from {out.html})"


class _Page(HTMLParser):
    """Tags with their attributes, inline styles, and the visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)
        style = dict(attrs).get("style")
        if style:
            self.styles.append(style)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "style":
            self.styles.append(data)
        elif not (self._in and self._in[-1] in ("script", "title")):
            self.text.append(data)


def _page(markup: str) -> _Page:
    page = _Page()
    page.feed(markup)
    page.close()
    return page


@pytest.mark.parametrize("name", NAMES)
def test_html_page_loads_nothing_from_outside(outputs: dict[str, Outputs], name: str) -> None:
    out = outputs[name]
    markup = out.html.read_text(encoding="utf-8")
    page = _page(markup)
    outside = []
    for tag, attrs in page.tags:
        if tag in ("link", "script", "iframe", "object", "embed", "base"):
            outside.append(f"<{tag} {attrs}>")
        for attr in ("src", "href", "srcset", "data", "poster", "action", "background"):
            value = (attrs.get(attr) or "").strip()
            if attr in attrs and not (attr == "href" and value.startswith("#")):
                outside.append(f"<{tag} {attr}={value!r}>")
    for style in page.styles:
        outside += [f"css {m.group(0)}" for m in re.finditer(r"url\s*\(|@import", style)]
    assert outside == []
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:|file:|//)", markup, re.IGNORECASE)


@needs("chromium")
@pytest.mark.parametrize("name", NAMES)
def test_chromium_parses_the_page_with_every_table(outputs: dict[str, Outputs], name: str) -> None:
    _require("chromium")
    out = outputs[name]
    assert "</html>" in out.dom, out.log
    page = _page(out.dom)
    assert sum(1 for tag, _ in page.tags if tag == "table") == len(out.context["tables"])
    shown = squash("".join(page.text))
    assert [t for t in expected_texts(out.context) if squash(t) not in shown] == []


@needs(*LIBREOFFICE, *CHROMIUM_PRINT)
def test_special_characters_survive_every_format(outputs: dict[str, Outputs]) -> None:
    """``R&D <5%``: docxtpl without autoescape writes ``R 5%``; a template that escapes twice
    shows ``R&amp;D``; an unescaped page could lose text to a tag."""
    _require(*LIBREOFFICE, *CHROMIUM_PRINT)
    out = outputs.get("probe", outputs[PROBE_BASE])
    txt = out.txt.read_text(encoding="utf-8")
    assert PROBE in txt
    markup = out.html.read_text(encoding="utf-8")
    assert html.escape(PROBE, quote=False) in markup
    assert html.escape(PROBE, quote=False) in out.dom  # Chromium's DOM: text, not a tag
    assert PROBE in squash_spaces("".join(_page(out.dom).text))
    for pdf in (out.docx_pdf, out.html_pdf):
        text = _pdf(pdf, out.log)
        assert PROBE in text.raw or squash(PROBE) in text.plain, f"{PROBE!r} not in {pdf}"
        assert "&amp;" not in text.raw and "&lt;" not in text.raw


def squash_spaces(text: str) -> str:
    """Runs of whitespace as one space (the DOM's text has the template's line breaks)."""
    return re.sub(r"\s+", " ", text)
