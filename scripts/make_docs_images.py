"""Write the pictures of the rendered reports in docs/ (docs/outputs.md): `make docs-images`.

Each bundled example and a filled 2021 workbook without any text are rendered, their Word
files printed to PDF by LibreOffice with the tests' fontconfig aliases (Noto CJK for
仿宋_GB2312, 黑体, ...), and pages drawn at 60 dpi by pdftoppm; the 2021 example's web page is
photographed by headless Chromium at a phone's width (390 px). Needs soffice, pdftoppm,
pdftotext and chromium (Debian: libreoffice-writer-nogui, poppler-utils, chromium,
fonts-noto-cjk).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from baobiao.pipeline import load_spec, render_report
from baobiao.report.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FONTS = ROOT / "tests" / "fontconfig" / "fonts.conf"
DPI = 60
EXAMPLES = {  # name -> built-in form
    "shandong-fao-2017": "gov-disclosure-2017",
    "county-dept-2021": "gov-disclosure-2021",
    "city-gov-2019": "gov-disclosure-2019",
}
WORKBOOK = {  # the figures an office fills in; every other cell 0
    "normative.issued": 2,
    "normative.repealed": 1,
    "normative.in_force": 9,
    "licensing.licence_decisions": 4862,
    "penalty.sanction_decisions": 326,
    "enforcement.sanction_decisions": 41,
    "fees.fee_amount": Decimal("1.86"),
    **{f"{r}.{c}": 23 for r in ("new", "public", "results_total") for c in ("natural", "total")},
}
PHONE = 390


def run(*command: str) -> str:
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, "FONTCONFIG_FILE": str(FONTS)}
    )
    return done.stdout


def workbook(folder: Path) -> Path:
    form = load_spec("gov-disclosure-2021").form
    assert form is not None
    written = write_workbook(form, {"agency": "某某县市场监督管理局", "year": "2021", "level": "县级政府部门"})
    book = load_workbook(io.BytesIO(written.data))
    for cell_id, address in written.cells.items():
        sheet, _, ref = address.rpartition("!")
        book[sheet.strip("'")][ref] = WORKBOOK.get(cell_id, 0)
    path = folder / "workbook-2021.xlsx"
    book.save(path)
    return path


def render(spec: str, data: Path, folder: Path) -> None:
    form = load_spec(spec).form
    assert form is not None
    result = render_report(form, data, {}, targets=("docx", "html"), out_dir=folder)
    if len(result.written) != 2:
        sys.exit(f"{data}: not rendered: {[d.code for d in result.report.diagnostics]}")


def page(pdf: Path, number: int, name: str) -> None:
    run(
        "pdftoppm",
        "-r",
        str(DPI),
        "-png",
        "-f",
        str(number),
        "-l",
        str(number),
        "-singlefile",
        str(pdf),
        str(DOCS / name),
    )
    print(f"docs/{name}.png")


def first_page_with(pdf: Path, text: str) -> int:
    pages = int(next(line.split()[-1] for line in run("pdfinfo", str(pdf)).splitlines() if line.startswith("Pages:")))
    for n in range(1, pages + 1):
        if text in "".join(run("pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-").split()):
            return n
    sys.exit(f"no page of {pdf} shows {text}")


def phone(html: Path, folder: Path, name: str) -> None:
    """The page in a 390 px frame (headless Chromium's window is at least 500 px wide)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        print("chromium not found: no phone picture", file=sys.stderr)
        return
    frame = folder / "phone.html"
    frame.write_text(
        f'<!DOCTYPE html><html><body style="margin:0"><iframe src="{html.name}#table-t3" width="{PHONE}" '
        'height="844" style="border:0"></iframe></body></html>',
        encoding="utf-8",
    )
    shot = DOCS / f"{name}.png"  # one phone screen, scrolled to table 三
    run(
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={folder / 'chromium'}",
        f"--window-size={PHONE},844",
        "--hide-scrollbars",
        "--virtual-time-budget=3000",
        f"--screenshot={shot}",
        frame.as_uri(),
    )
    print(f"docs/{name}.png")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, spec in EXAMPLES.items():
            render(spec, ROOT / "examples" / f"{name}.yaml", folder)
        render("gov-disclosure-2021", workbook(folder), folder)
        names = [*EXAMPLES, "workbook-2021"]
        soffice = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
        run(
            soffice,
            f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(folder / f"{n}.docx") for n in names),
        )
        for n in names:
            if not (folder / f"{n}.pdf").is_file():
                sys.exit(f"LibreOffice wrote no {n}.pdf")
        for n in EXAMPLES:
            page(folder / f"{n}.pdf", 1, f"{n}-p1")
        county = folder / "county-dept-2021.pdf"
        page(county, first_page_with(county, "一、本年新收政府信息公开申请数量"), "county-dept-2021-table3")
        page(folder / "workbook-2021.pdf", 1, "workbook-2021-p1")
        page(folder / "workbook-2021.pdf", 2, "workbook-2021-p2")
        phone(folder / "county-dept-2021.html", folder, "county-dept-2021-phone")


if __name__ == "__main__":
    main()
