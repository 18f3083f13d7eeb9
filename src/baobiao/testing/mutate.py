"""Mutation fuzzing of every input kind baobiao reads: specs, YAML data files, workbooks, CSV
batches, report templates and published reports (HTML pages and Word files, as `audit` reads
them). Each mutant is run through the same entry point a user's file
goes through; anything but diagnostics (an exception, a run over the time budget, memory
exhausted under the caller's limit) is a failure to fix.

Mutants are grammar-aware where it matters: lines of a spec are deleted, duplicated, swapped,
re-indented, nested deeper or made longer; values and keys of a data file are replaced by what
real and hostile files hold (superscript digits, 1e300, lone surrogates, control characters,
YAML anchors and tags, deep nesting, template syntax in the narrative); CSV lines get stray
quotes, cut-short lines and garbage; templates get loops, undefined names and sandbox escapes.

``tests/test_fuzz_campaign.py`` runs a few hundred mutants in CI; ``benchmarks/fuzz_campaign.py``
runs long campaigns in worker processes under a memory limit.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from baobiao.model import Form
from baobiao.resources import data_dir

ROOT = data_dir("specs").parent

HOSTILE_TEXT = [
    "",
    "12²",
    "²",
    "1e300",
    "-",
    "１２",
    "1,2,3",
    "9" * 400,
    "\x1b[31m红\x1b[0m",
    "\x00\x07",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x/?"&A1,"点击")',
    "{{ ''.__class__ }}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{{ weibo + " * 300 + "1 }}",
    "(" * 2000,
    "&a [*a, *a, *a]",
    "!!python/object/apply:os.system ['true']",
    "[" * 3000 + "]" * 3000,
    "一" * 20000,
    "\ufeff\u200b\u202e",
]
#: YAML text that is hostile as text (escapes that decode to lone surrogates and controls)
HOSTILE_YAML_SCALARS = ['"\\udc80"', '"\\x1b[2J"', '"\\u0000"', "&x [*x]", "*undefined", "!!binary AAAA"]

SPEC_TOKENS = [
    "= sum",
    "= sum of a, b",
    'rule r warning "x"',
    "  a + b >= c",
    "previous(a)",
    "其中",
    'section s "标题"',
    'table t "表" 件',
    "columns",
    "rows",
    'note "说明"',
    'formerly "旧"',
    'term "收到…申请" 件 = new.total',
    '  part "维持" = recon_upheld',
    "extends gov-disclosure-2019",
    "remove t4",
    "decimal(99)",
    "signed",
    'when level in "县级"',
]


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    seed: int
    ok: bool  # ended in diagnostics (or nothing to say)
    seconds: float
    detail: str = ""  # the exception, for a failure


# -- seeds -------------------------------------------------------------------------------------


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@cache
def form_2021() -> Form:
    from baobiao.pipeline import load_spec

    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    return form


def seed_specs() -> list[str]:
    return [_text(p) for p in sorted(data_dir("specs").glob("*.spec"))]


def seed_data() -> list[str]:
    folder = ROOT / "examples"
    return [_text(p) for p in sorted(folder.glob("*.yaml"))]


@cache
def seed_csv() -> str:
    """A batch of three agencies in the long format (agency, cell, value)."""
    from baobiao.instance.load import Instance
    from baobiao.pipeline import load_data

    form = form_2021()
    instance, _, _ = load_data(form, ROOT / "examples" / "county-dept-2021.yaml")
    assert isinstance(instance, Instance)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["agency", "cell", "value"])
    for agency in ("甲局", "乙局", "丙局"):
        for cell, value in instance.values.items():
            writer.writerow([agency, cell, value.text])
    return out.getvalue()


def seed_template() -> str:
    return _text(data_dir("templates") / "base" / "report.txt.j2")


# -- mutators ------------------------------------------------------------------------------------


def _lines_mutant(rng: random.Random, text: str, extra: list[str]) -> str:
    lines = text.splitlines()
    if not lines:
        return rng.choice(extra)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        how = rng.randrange(9)
        if how == 0:
            del lines[i]
        elif how == 1:
            lines.insert(i, lines[i])
        elif how == 2 and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif how == 3:
            lines[i] = "  " + lines[i] if rng.random() < 0.5 else lines[i].lstrip()
        elif how == 4:
            lines.insert(i, " " * rng.choice((0, 2, 4, 6)) + rng.choice(extra))
        elif how == 5:  # nested deeper and deeper
            depth = rng.choice((50, 300, 1200))
            lines[i:i] = [" " * (2 * d) + f'section s{d} "层{d}"' for d in range(depth)]
        elif how == 6:  # a long line
            lines[i] = lines[i] + " + x" * rng.choice((100, 2000))
        elif how == 7 and lines[i]:
            j = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + rng.choice(HOSTILE_TEXT)[:200] + lines[i][j + 1 :]
        else:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    return "\n".join(lines) + "\n"


def mutate_spec(rng: random.Random) -> str:
    return _lines_mutant(rng, rng.choice(seed_specs()), SPEC_TOKENS)


def mutate_data(rng: random.Random) -> str:
    text = rng.choice(seed_data())
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        line = lines[i]
        how = rng.randrange(6)
        if ":" in line and how <= 2:  # a value or a key replaced
            key, _, _ = line.partition(":")
            hostile = rng.choice(HOSTILE_YAML_SCALARS + [repr(t) for t in HOSTILE_TEXT])
            lines[i] = f"{key}: {hostile}" if how < 2 else f"{' ' * (len(key) - len(key.lstrip()))}{hostile}: 1"
        elif how == 3:
            lines.insert(i, line)
        elif how == 4:
            del lines[i]
        else:
            lines.insert(i, "report:\n  preamble: " + repr(rng.choice(HOSTILE_TEXT)))
    return "\n".join(lines) + "\n"


def mutate_csv(rng: random.Random) -> str:
    lines = seed_csv().splitlines()
    for _ in range(rng.randint(1, 5)):
        i = rng.randrange(len(lines))
        how = rng.randrange(6)
        if how == 0:
            lines[i] = lines[i].replace(",", ',"', 1)  # a quote never closed
        elif how == 1:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif how == 2:
            lines.insert(i, "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(1, 80))))
        elif how == 3:
            lines.insert(i, lines[i])
        elif how == 4:
            _, _, rest = lines[i].partition(",")
            lines[i] = f"{rng.choice(HOSTILE_TEXT)[:100]},{rest}"
        else:
            del lines[i]
    return "\n".join(lines) + "\n"


def mutate_template(rng: random.Random) -> str:
    extra = [
        "{{ undefined_name }}",
        "{{ title.__class__.__mro__ }}",
        "{% for s in sections %}{% for t in sections %}{{ s }}{% endfor %}{% endfor %}",
        "{{ 'x' * 999999999 }}",
        "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}",
        "{{ range(10**9) | list }}",
        "{% if %}",
        "{{",
    ]
    return _lines_mutant(rng, seed_template(), extra)


def mutate_workbook(rng: random.Random) -> bytes:
    """The form's fill-in workbook with hostile values typed into it, or its bytes damaged."""
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    from baobiao.report.workbook import write_workbook

    data = write_workbook(form_2021()).data
    if rng.random() < 0.3:
        raw = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for _ in range(rng.randint(1, 30)):
        cell = sheet.cell(rng.randint(1, min(sheet.max_row, 80)), rng.randint(1, min(sheet.max_column, 12)))
        choice = rng.randrange(4)
        value = (
            rng.choice(HOSTILE_TEXT)[:30000]
            if choice == 0
            else 1e300
            if choice == 1
            else rng.randint(-(10**9), 10**9)
            if choice == 2
            else None
        )
        with contextlib.suppress(IllegalCharacterError):  # what Excel itself cannot hold
            cell.value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HTML_TOKENS = [
    '<td rowspan="0">',
    '<td colspan="99999">',
    '<td rowspan="-3" colspan="2;">',
    "<table><tr><td><table><tr><td>",
    "</table>",
    "<tr>",
    "<br>" * 50,
    "&nbsp;" * 20,
    '<meta charset="gbk">',
    '<meta charset="big5">',
    "<!--",
    "<![CDATA[",
    "<div>" * 3000,
    "<script>alert(1)</script>",
    "<td>１２３</td><td>12²</td><td>—</td>",
]
DOCX_TOKENS = [
    '<w:gridSpan w:val="9999"/>',
    '<w:gridSpan w:val="-1"/>',
    "<w:vMerge/>",
    '<w:vMerge w:val="restart"/>',
    "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>",
    "<w:tc>",
    "</w:tr>",
    '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
    "&a;",
    "<w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent>",
]


@cache
def seed_documents() -> tuple[str, bytes]:
    """The bundled 2021 example as `render` publishes it: its HTML page and its Word file."""
    from baobiao.pipeline import render_report

    with tempfile.TemporaryDirectory(prefix="baobiao-seed-") as folder:
        out = Path(folder)
        render_report(
            form_2021(), ROOT / "examples" / "county-dept-2021.yaml", {}, targets=("html", "docx"), out_dir=out
        )
        return (out / "county-dept-2021.html").read_text(encoding="utf-8"), (out / "county-dept-2021.docx").read_bytes()


def _markup_mutant(rng: random.Random, text: str, tokens: list[str]) -> str:
    """Markup with tags spliced in, cut, duplicated or dropped at random places, and hostile
    text put into its text."""
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(text) + 1)
        how = rng.randrange(5)
        if how == 0:
            text = text[:i] + rng.choice(tokens) + text[i:]
        elif how == 1:
            j = min(len(text), i + rng.randint(1, 2000))
            text = text[:i] + text[j:]
        elif how == 2:
            j = min(len(text), i + rng.randint(1, 2000))
            text = text[:j] + text[i:j] * rng.randint(1, 20) + text[j:]
        elif how == 3:
            text = text[:i] + rng.choice(HOSTILE_TEXT)[:2000] + text[i:]
        else:
            text = text[:i]
    return text


def mutate_document(rng: random.Random) -> bytes:
    """A published report: the example's HTML page or Word file, its markup mutated (a Word
    file's document.xml inside an intact zip, or the zip's bytes damaged); the first byte says
    which (H or W)."""
    html, docx = seed_documents()
    if rng.random() < 0.5:
        return b"H" + _markup_mutant(rng, html, HTML_TOKENS).encode("utf-8", errors="surrogatepass")
    if rng.random() < 0.2:
        raw = bytearray(docx)
        for _ in range(rng.randint(1, 20)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return b"W" + bytes(raw)
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                text = _markup_mutant(rng, data.decode("utf-8"), DOCX_TOKENS)
                data = text.encode("utf-8", errors="surrogatepass")
            target.writestr(info.filename, data)
    return b"W" + out.getvalue()


# -- running a mutant --------------------------------------------------------------------------


def _run_spec(text: str, folder: Path) -> None:
    from baobiao.pipeline import check_data, load_spec
    from baobiao.syntax.printer import format_spec

    path = folder / "mutant.spec"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    loaded = load_spec(str(path), tree=True)
    if loaded.form is not None and loaded.ast is not None:
        format_spec(loaded.ast)
        check_data(loaded.form, ROOT / "examples" / "county-dept-2021.yaml", loaded.report.sources)


def _run_data(text: str, folder: Path) -> None:
    from baobiao.pipeline import render_report

    path = folder / "mutant.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    render_report(form_2021(), path, {}, targets=("txt", "html"), out_dir=folder, draft=True)


def _run_csv(text: str, folder: Path) -> None:
    from baobiao.instance.batch.check import check_csv

    path = folder / "mutant.csv"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    check_csv(form_2021(), path, lambda _: None)


def _run_template(text: str, folder: Path) -> None:
    from baobiao.pipeline import render_report

    templates = folder / "tpl"
    (templates / "gov-disclosure-2021").mkdir(parents=True, exist_ok=True)
    (templates / "gov-disclosure-2021" / "report.txt.j2").write_text(text, encoding="utf-8", errors="surrogatepass")
    data = ROOT / "examples" / "county-dept-2021.yaml"
    render_report(form_2021(), data, {}, targets=("txt",), out_dir=folder, templates=templates)


def _run_workbook(data: bytes, folder: Path) -> None:
    from baobiao.pipeline import check_data

    path = folder / "mutant.xlsx"
    path.write_bytes(data)
    check_data(form_2021(), path, {})


def _run_document(data: bytes, folder: Path) -> None:
    from baobiao.audit.run import audit

    path = folder / ("mutant.html" if data[:1] == b"H" else "mutant.docx")
    path.write_bytes(data[1:])
    audit([path], None, {})


#: kind -> (make a mutant, run it)
KINDS: dict[str, tuple[Callable[[random.Random], str | bytes], Callable[..., None]]] = {
    "spec": (mutate_spec, _run_spec),
    "data": (mutate_data, _run_data),
    "csv": (mutate_csv, _run_csv),
    "template": (mutate_template, _run_template),
    "workbook": (mutate_workbook, _run_workbook),
    "document": (mutate_document, _run_document),
}


def mutant(kind: str, seed: int) -> str | bytes:
    return KINDS[kind][0](random.Random(f"{kind}:{seed}"))


def run(kind: str, seed: int) -> Outcome:
    """Make mutant ``seed`` of ``kind`` and run it; an exception is a failure (diagnostics are
    what every input must end in)."""
    made = mutant(kind, seed)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="baobiao-fuzz-") as folder:
        try:
            KINDS[kind][1](made, Path(folder))
        except BaseException as exc:  # a failure of ours, whatever it is: recorded, not raised
            if isinstance(exc, KeyboardInterrupt):
                raise
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            return Outcome(kind, seed, False, time.perf_counter() - start, detail[:500])
    return Outcome(kind, seed, True, time.perf_counter() - start)


# -- campaigns: worker processes under a memory limit -------------------------------------------


def peak_memory_mb() -> float:
    """This process's peak resident memory in MB, its own: the high-water mark of its address
    space (VmHWM, Linux), which starts afresh when a program is executed. (getrusage's
    ru_maxrss is kept across execve, so a child started by a process of 1 GB reports 1 GB
    whatever it did itself; it is the fallback where /proc is missing.)"""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: seconds one mutant may take, and the address space a worker may use
TIME_BUDGET = 5.0
MEMORY_LIMIT = 2 << 30


def _worker(kind: str, seeds: list[int], memory: int, queue: Any) -> None:
    import os
    import resource

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    for seed in seeds:
        queue.put(("start", seed))
        outcome = run(kind, seed)
        peak = int(peak_memory_mb())
        queue.put(("done", outcome, peak))


def _lane(kind: str, seeds: list[int], budget: float, memory: int, out: list[tuple[Outcome, int]]) -> None:
    """Run ``seeds`` of ``kind`` in a worker process; a mutant over the time budget (or one that
    kills its worker) is a failure, and the worker starts again after it."""
    import multiprocessing
    import queue as queues

    ctx = multiprocessing.get_context("spawn")
    pending = list(seeds)
    while pending:
        messages = ctx.Queue()
        process = ctx.Process(target=_worker, args=(kind, pending, memory, messages), daemon=True)
        process.start()
        current: int | None = None
        while True:
            try:
                message = messages.get(timeout=60 if current is None else budget * 4)
            except queues.Empty:
                process.kill()
                if current is not None:
                    out.append((Outcome(kind, current, False, budget * 4, "over the time budget"), 0))
                break
            if message[0] == "start":
                current = message[1]
                continue
            outcome, peak = message[1], message[2]
            out.append((outcome, peak))
            current = None
            pending.remove(outcome.seed)
            if not pending:
                break
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
        if current is not None and current in pending:
            pending.remove(current)
        if pending and current is None and process.exitcode not in (0, None):
            seed = pending.pop(0)  # it died starting the next one: count it against that one
            out.append((Outcome(kind, seed, False, 0.0, f"worker died ({process.exitcode})"), 0))


def campaign(
    kinds: list[str],
    count: int,
    start: int = 0,
    lanes: int = 2,
    budget: float = TIME_BUDGET,
    memory: int = MEMORY_LIMIT,
) -> list[tuple[Outcome, int]]:
    """``count`` mutants of each kind from seed ``start``, in ``lanes`` worker processes at a
    time: (outcome, the worker's peak memory in MB) for each."""
    import threading

    work = [(k, list(range(start + i, start + count, lanes))) for k in kinds for i in range(lanes)]
    out: list[tuple[Outcome, int]] = []
    for n in range(0, len(work), lanes):
        threads = [
            threading.Thread(target=_lane, args=(kind, seeds, budget, memory, out))
            for kind, seeds in work[n : n + lanes]
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return out
