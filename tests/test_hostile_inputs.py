"""Hostile inputs (issue 14, items 6 and 9): endless devices and pipes, huge and pathological
files, numbers that only look like digits, text that is not text, and labels that would be
formulas. Each ends in a located diagnostic, never a traceback; the risky ones run in a child
process with its address space limited and a timeout, so that exhausting time or memory fails
the test instead of the machine."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE_2017, ROOT, CliResult
from openpyxl import load_workbook

from baobiao.diagnostics.core import Diagnostic
from baobiao.diagnostics.render import message
from baobiao.model import Form
from baobiao.pipeline import check_data, load_spec
from baobiao.report.workbook import write_workbook
from baobiao.source import MAX_INPUT_BYTES, UNSAFE

Run = Callable[..., CliResult]

MEMORY = 500 * 1024 * 1024
TIMEOUT = 10  # seconds; every case takes one or two
EXAMPLE = EXAMPLE_2017.read_text(encoding="utf-8")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def bounded(script: str) -> list[dict[str, object]]:
    """Run ``script`` (its last lines print the diagnostics as JSON) in a child process with
    MEMORY of address space and TIMEOUT seconds; its diagnostics."""
    prelude = textwrap.dedent(
        f"""
        import json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
        from pathlib import Path
        from baobiao.diagnostics.render import diagnostic_json
        from baobiao.pipeline import check_data, load_spec
        form = load_spec("gov-disclosure-2017").form

        def show(diagnostics):
            print(json.dumps([diagnostic_json(d, "en") for d in diagnostics]))
        """
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout.splitlines()[-1])
    return found


def checked(path: Path) -> str:
    """The child's script that checks the data file ``path``."""
    return f"show(check_data(form, Path({str(path)!r}), {{}}).report.diagnostics)"


def _xlsx(path: Path, sheet: bytes, stored: bool = False) -> Path:
    """A minimal workbook of one sheet (the parts a reader needs, nothing else)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="r1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
            '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + sheet + b"</sheetData></worksheet>",
            compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
        )
    return path


def _text_rows(form: Form, path: Path, rows: int) -> Path:
    """The fill-in workbook with ``rows`` rows of notes under its table (two texts a row)."""
    wb = load_workbook(io.BytesIO(write_workbook(form).data))
    ws = wb.worksheets[1]
    first = ws.max_row + 2
    for k in range(rows):
        ws.cell(first + k, 1, f"第{k}行说明：本行是填表人写的备注，与统计数无关 {k}")
        ws.cell(first + k, 2, f"备注{k}")
    wb.save(path)
    return path


def test_sizes_and_shapes_are_bounded(form2017: Form, tmp_path: Path) -> None:
    """Each case: (what, script, the code expected, what its message or place must hold)."""
    limit = str(MAX_INPUT_BYTES)
    big_yaml = tmp_path / "big.yaml"  # 8 MiB less a little: parsed, linearly (it took 28 s)
    values, report = EXAMPLE.split("report:", 1)
    flow = ", ".join(str(k) for k in range(1_200_000))[: MAX_INPUT_BYTES - len(EXAMPLE.encode()) - 100]
    big_yaml.write_text(values + "report:" + report + "notes: [" + flow.rsplit(",", 1)[0] + "]\n", encoding="utf-8")
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 60_001))
    wide = '<row r="1">' + "<c/>" * 300_000 + "</row>"  # one row, 300,000 cells: held whole by openpyxl
    cases: list[tuple[str, str, str, str]] = [
        ("/dev/zero as data", checked(Path("/dev/zero")), "F003", limit),
        ("/dev/urandom as a spec", 'show(load_spec("/dev/urandom").report.diagnostics)', "F003", limit),
        (
            "an endless pipe",
            f"""
            import os, threading
            fifo = Path({str(tmp_path / "pipe.yaml")!r}); os.mkfifo(fifo)
            def feed():
                try:
                    with open(fifo, "wb") as out:
                        while True:
                            out.write(b"a: 1\\n" * 65536)
                except OSError:
                    pass
            threading.Thread(target=feed, daemon=True).start()
            show(check_data(form, fifo, {{}}).report.diagnostics)
            """,
            "F003",
            limit,
        ),
        ("an 8 MiB YAML file", checked(big_yaml), "D304", "$"),
        (
            "a sheet of 60,000 numeric rows",
            checked(_xlsx(tmp_path / "rows.xlsx", rows.encode())),
            "D333",
            "数据!A50001",
        ),
        (
            "a row of 300,000 cells",
            checked(_xlsx(tmp_path / "wide.xlsx", wide.encode(), stored=True)),
            "D333",
            "数据!A1",
        ),
        (
            "a workbook of 10,000 rows of text",
            checked(_text_rows(form2017, tmp_path / "text.xlsx", 10_000)),
            "C412",  # read linearly (20,000 rows took 105 s): the only finding is the blank table
            "$",
        ),
    ]
    for what, script, code, needle in cases:
        found = bounded(script)
        hits = [d for d in found if d["code"] == code]
        assert hits, (what, [d["code"] for d in found])
        d = hits[0]
        place = f"{d['message']} {d['data_path']} {d['location']}"
        assert needle == "$" or needle in place, (what, d)
        assert d["location"] is not None or d["data_path"] is not None or code.startswith("F"), (what, d)
        if code == "C412":
            assert [x["code"] for x in found] == ["C412"], (what, found)


def test_the_limit_is_named_in_the_message(form2017: Form, tmp_path: Path) -> None:
    """A regular file over the limit says its size; an oversized workbook is refused before it
    is opened (a sparse file: nothing is written)."""
    book = tmp_path / "huge.xlsx"
    with book.open("wb") as handle:
        handle.truncate(17 * 1024 * 1024)
    (d,) = check_data(form2017, book, {}).report.diagnostics
    assert d.code == "F003" and str(16 * 1024 * 1024) in message(d, "en")
    (d,) = check_data(form2017, Path("/dev/zero"), {}).report.diagnostics
    assert message(d, "zh") == f"/dev/zero 太大（超过 {MAX_INPUT_BYTES} 字节，上限 {MAX_INPUT_BYTES} 字节）"


def _findings(result_diagnostics: tuple[Diagnostic, ...], code: str) -> list[Diagnostic]:
    return [d for d in result_diagnostics if d.code == code]


def test_numbers_are_ascii_or_full_width_digits(form2017: Form, tmp_path: Path) -> None:
    """Superscripts, circled digits and other scripts' digits are not digits here (NFKC would
    make "12²" 122); a workbook's float obeys the limits of typed text."""
    for written, code in [("12²", "D308"), ("²", "D308"), ("①", "D308"), ("٣", "D308"), ("１２", None)]:
        path = tmp_path / "n.yaml"
        path.write_text(EXAMPLE.replace("    3.网络申请数: 1", f'    3.网络申请数: "{written}"'), encoding="utf-8")
        found = check_data(form2017, path, {}).report.diagnostics
        if code is None:
            assert not [d for d in found if d.code.startswith("D")], (written, found)
            continue
        (d,) = _findings(found, code)
        assert d.span is not None and (d.span.line, d.span.column) == (33, 14), written
    written = write_workbook(form2017)
    wb = load_workbook(io.BytesIO(written.data))
    cases = {"online": 1e300, "fax": "12²", "letter": 1e-300, "in_person": 0.1 + 0.2}
    for cell_id, value in cases.items():
        sheet, coordinate = written.cells[cell_id].split("!")
        wb[sheet][coordinate] = value
    book = tmp_path / "book.xlsx"
    wb.save(book)
    check = check_data(form2017, book, {})
    found = check.report.diagnostics
    assert {d.data_path for d in _findings(found, "D309")} == {written.cells["online"], written.cells["letter"]}
    assert [d.data_path for d in _findings(found, "D308")] == [written.cells["fax"]]
    assert check.instance is not None and str(check.instance.values["in_person"].number) == "0.3"


def test_text_that_is_not_text(run_cli: Run, form2017: Form, tmp_path: Path) -> None:
    """Lone surrogates, control characters and over-long texts are findings where they stand,
    and nothing of them reaches an encoder or the terminal, in any output."""
    text = (
        EXAMPLE.replace("  agency: 山东省人民政府外事办公室", '  agency: "山东省\\udc80外事\\uFFFE办公室"')
        .replace("    3.网络申请数: 1", '    "3.网络申请数\\e[31m": 1\n    "\\e]0;pwned\\a自然人": "\\e[2J7"')
        .replace("  preamble: 根据", "  preamble: " + "很长" * 60_000 + "根据")
    )
    path = tmp_path / "text.yaml"
    path.write_text(text, encoding="utf-8")
    found = check_data(form2017, path, {}).report.diagnostics
    places = {(d.code, d.span.line, d.span.column) for d in found if d.span is not None}
    assert {("D330", 6, 11), ("D331", 33, 5), ("D331", 34, 5), ("D331", 34, 24), ("D332", 88, 13)} <= places
    d330 = _findings(found, "D330")[0]
    assert "\\udc80, \\ufffe" in message(d330, "zh") and not UNSAFE.search(message(d330, "en"))
    jsonl = tmp_path / "out.jsonl"
    runs = [
        run_cli("check", "gov-disclosure-2017", str(path)),
        run_cli("check", "gov-disclosure-2017", "--format", "json", str(path)),
        run_cli("check", "gov-disclosure-2017", "--format", "short", "--jsonl", str(jsonl), str(path)),
        run_cli("render", "gov-disclosure-2017", str(path), "--draft", "--out", str(tmp_path / "out")),
    ]
    for result in runs:
        assert result.exit_code in (0, 1, 2)  # render --draft writes the report with the text made safe
        assert not UNSAFE.search(result.stdout + result.stderr), result.stdout[:2000]
    assert runs[0].exit_code == 1 and "\\x1b" in runs[0].stdout and "\\udc80" in runs[0].stdout
    json.loads(runs[1].stdout)
    assert "\\\\udc80" in jsonl.read_bytes().decode("utf-8")


def test_labels_are_never_formulas(run_cli: Run, tmp_path: Path) -> None:
    """A spec whose labels are formulas (OWASP's spreadsheet injection) gives a workbook whose
    texts are all text cells; the only formulas are the 核对 sheet's, built by baobiao."""
    hostile = {
        '"政府信息公开工作情况统计表"': '"=HYPERLINK(\\"http://evil.example\\",\\"点击\\")"',
        '"（一）收到申请数"': "\"=cmd|' /C calc'!A0\"",
        '"1.当面申请数"': '"+1+cmd|x!A1"',
        '"2.传真申请数"': '"-2+3"',
        '"3.网络申请数"': '"@SUM(1,1)"',
        '"4.信函申请数"': '"\t=1+1"',
        '"5.其他形式"': '"\'); DROP"',
    }
    spec = (ROOT / "specs" / "gov-disclosure-2017.spec").read_text(encoding="utf-8")
    for old, new in hostile.items():
        assert old in spec
        spec = spec.replace(old, new, 1)
    spec_path = tmp_path / "hostile.spec"
    spec_path.write_text(spec, encoding="utf-8")
    form = load_spec(str(spec_path)).form
    assert form is not None
    out = tmp_path / "book.xlsx"
    assert run_cli("workbook", str(spec_path), "-o", str(out)).exit_code == 0
    wb = load_workbook(out)
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "s"}
    for label in ("=HYPERLINK(", "=cmd|' /C calc'!A0", "+1+cmd|x!A1", "-2+3", "@SUM(1,1)", "\t=1+1"):
        assert any(t.startswith(label) for t in texts), label
    quoted = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if str(c.value).startswith(("=", "+", "-", "@"))
    ]
    assert all(c.quotePrefix for c in quoted if c.data_type == "s")  # editing the cell keeps it text
    cells = [(ws.title, c) for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    formulas = [(title, c.column) for title, c in cells if c.data_type == "f"]
    assert formulas and all(title == "核对" and column in (2, 3, 4) for title, column in formulas)
    check = wb["核对"]
    assert all(str(check.cell(r, 2).value).startswith("='") for r in range(2, check.max_row + 1))
    assert run_cli("check", str(spec_path), str(out)).exit_code == 1  # the blank workbook reads back
