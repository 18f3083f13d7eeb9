"""Reading a fill-in workbook (see report.workbook): cells are found by their printed labels, not
by fixed positions, so a workbook a person has edited — columns moved, blank rows inserted,
sheets added or renamed — still reads. Diagnostics point at the sheet and cell (表三!D7).

Bounded before and while reading. A workbook is a zip: the file's size, its number of parts,
their size unpacked (each XML part and all together) and the compression ratio are checked
before anything is unpacked (zip bombs). Its XML is then streamed here, element by element,
through defusedxml (no entity expansion, no DTD fetched): each element is dropped once read, so
memory does not grow with the file (openpyxl, even in read-only mode, holds a whole row, and
every element it does not know, at once), and at most :data:`MAX_SHEET_ROWS` rows a sheet and
:data:`MAX_CELLS` cells a workbook are read (D333). A sheet becomes a sparse map of its
non-empty cells indexed by row and by label, so finding the form's cells is linear. Texts are
checked as YAML scalars are (values.checked_text: control characters, lone surrogates,
over-long texts), a number stored as a binary float obeys the limits of typed text (1e300 is
too large), and a number formatted as a date is read as the date it shows, not a count.

Writing: :func:`text_cell` is the one way text goes into a workbook cell."""

from __future__ import annotations

import posixpath
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any
from xml.etree.ElementTree import Element

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.load import CellValue, Instance, fold_unit_warnings, value_problem
from baobiao.instance.meta import resolve_meta
from baobiao.instance.values import (
    MAX_INTEGER_DIGITS,
    MAX_TEXT_FINDINGS,
    Parsed,
    ValueKind,
    cell_number,
    checked_text,
    parse_float,
    parse_value,
)
from baobiao.labels import bare
from baobiao.model import AxisNode, Form, Table, all_entries, value_entries
from baobiao.source import UNSAFE, escape_unsafe
from baobiao.zipsafe import Unreadable as _Unreadable
from baobiao.zipsafe import ZipLimits, zip_refusal
from baobiao.zipsafe import has_part as _has
from baobiao.zipsafe import local as _local
from baobiao.zipsafe import stream as _stream

MAX_WORKBOOK_BYTES = 16 * 1024 * 1024  # the .xlsx file as stored (a fill-in workbook: ~30 KB)
MAX_PARTS = 1_000  # files inside the zip (a fill-in workbook has about 15)
MAX_UNPACKED = 64 * 1024 * 1024  # all parts together, unpacked
MAX_PART_XML = 16 * 1024 * 1024  # one XML part unpacked (a sheet, the shared strings)
MAX_RATIO = 200
MAX_SHEET_ROWS = 50_000  # rows read of one sheet
MAX_CELLS = 200_000  # cells read of a workbook (<c> elements, empty ones too)
META_LABELS = {"机关名称": "agency", "年度": "year", "表式": "form", "机关层级": "level"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(table: Table) -> str:
    """A table's sheet: its printed label, as Excel allows sheet names (no []:*?/\\, at most 31
    characters, not starting or ending with an apostrophe, no control characters)."""
    name = UNSAFE.sub("", _BAD_SHEET_CHARS.sub("", table.label or "统计表"))[:31].strip("'")
    return name or "统计表"


def _first_line(value: Any) -> str:
    return bare(str(value).split("\n")[0]) if isinstance(value, str) and value.strip() else ""


def _bad(path: Path, zh: str, en: str) -> Diagnostic:
    return diag("D320", None, path=str(path), problem=zh, problem_en=en)


_LIMITS = ZipLimits(MAX_WORKBOOK_BYTES, MAX_PARTS, MAX_UNPACKED, MAX_PART_XML, MAX_RATIO)


def _safe(path: Path) -> Diagnostic | None:
    """Why the workbook is not opened (None: it may be): every limit here is checked before
    any of its XML is parsed (see baobiao.zipsafe)."""
    refused = zip_refusal(path, _LIMITS, "Excel 工作簿（.xlsx）", "an Excel workbook (.xlsx)")
    if refused is None:
        return None
    if refused.size is not None:
        return diag("F003", None, path=refused.where, size=str(refused.size), limit=str(refused.limit))
    return _bad(path, refused.zh, refused.en)


def _coordinate(row: int, col: int) -> str:
    """A1-style: column letters, then the row."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


class _Sheet:
    """A sheet read once: its non-empty cells (texts made safe), and the first line of each text
    (a label) indexed by label and by row, so that every lookup is direct."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.values: dict[tuple[int, int], Any] = {}
        self.by_label: dict[str, list[tuple[int, int]]] = {}
        self.by_row: dict[int, list[tuple[int, str]]] = {}  # row -> (column, label), left to right
        self.rows: dict[int, list[int]] = {}  # row -> columns holding a value

    def add(self, row: int, col: int, value: Any, problems: list[Diagnostic]) -> None:
        if isinstance(value, str):
            value, found = checked_text(value, data_path=f"{self.title}!{_coordinate(row, col)}")
            if found and len(problems) < MAX_TEXT_FINDINGS:
                problems.extend(found)
        self.values[(row, col)] = value
        self.rows.setdefault(row, []).append(col)
        key = _first_line(value)
        if key:
            self.by_label.setdefault(key, []).append((row, col))
            self.by_row.setdefault(row, []).append((col, key))

    def value(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def find(self, label: str, below: int = 0) -> list[tuple[int, int]]:
        return sorted(pos for pos in self.by_label.get(bare(label), ()) if pos[0] > below)


_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_RELATIONSHIP_ID = "}id"  # r:id, in the transitional or the strict namespace


def _text_of(elem: Element) -> str:
    """The text of a shared or inline string: its <t>, or its runs' <t> (phonetic hints left out)."""
    parts: list[str] = []
    for child in elem:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(g.text or "" for g in child if _local(g.tag) == "t")
    return "".join(parts)


def _relationships(z: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target part) of a part's relationships."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if not _has(z, rels):
        return []
    found = []
    for event, elem, _ in _stream(z, rels):
        if event == "end" and _local(elem.tag) == "Relationship" and elem.get("TargetMode") != "External":
            target = elem.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found.append((elem.get("Id", ""), elem.get("Type", ""), path))
    return found


def _shared_strings(z: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None or not _has(z, part):
        return []
    strings = []
    for event, elem, _ in _stream(z, part, keep="si"):
        if event == "end" and _local(elem.tag) == "si":
            strings.append(_text_of(elem))
    return strings


def _date_styles(z: zipfile.ZipFile, part: str | None) -> set[int]:
    """The cell styles (indexes into cellXfs) that show a number as a date or time."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if part is None or not _has(z, part):
        return set()
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    styles: list[int] = []
    for event, elem, parent in _stream(z, part):
        if event != "end":
            continue
        name = _local(elem.tag)
        number = _index(elem.get("numFmtId"))
        if name == "numFmt" and number is not None:
            formats[number] = elem.get("formatCode", "")
        elif name == "xf" and parent is not None and _local(parent.tag) == "cellXfs":
            styles.append(number or 0)
    shown_as_dates = {n for n in set(styles) if is_date_format(formats.get(n, ""))}
    return {k for k, number in enumerate(styles) if number in shown_as_dates}


def _index(text: str | None) -> int | None:
    """A count or index as a workbook writes it (ASCII digits, at most 9), else None."""
    return int(text) if text and len(text) <= 9 and text.isascii() and text.isdigit() else None


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _cell_value(elem: Element, strings: list[str], dates: set[int]) -> Any:
    """A cell's value as its workbook stores it (a formula's last result): a text, an int, a
    float, a bool, or None; a number beyond what int() converts stays the text written."""
    kind = elem.get("t", "n")
    v: str | None = None
    inline: Element | None = None
    for child in elem:
        name = _local(child.tag)
        if name == "v":
            v = child.text
        elif name == "is":
            inline = child
    if kind == "inlineStr":
        return _text_of(inline) if inline is not None else None
    if v is None:
        return None
    if kind == "s":
        index = _index(v.strip())
        return strings[index] if index is not None and index < len(strings) else None
    if kind == "b":
        return v.strip() == "1"
    if kind != "n":  # str (a formula's text), e (#DIV/0!), d (an ISO date): text
        return v
    raw = v.strip()
    if _index(elem.get("s")) in dates:
        return _as_date(raw)
    if _INTEGER.fullmatch(raw):
        return int(raw) if len(raw) <= 1_000 else raw
    try:
        return float(raw)
    except ValueError:
        return raw


def _as_date(raw: str) -> str:
    """A number shown as a date: the date, as text (a date is not a count)."""
    from openpyxl.utils.datetime import from_excel

    try:
        return str(from_excel(float(raw)))
    except (ValueError, OverflowError):
        return raw


def _sheet_parts(z: zipfile.ZipFile) -> tuple[list[tuple[str, str]], str | None, str | None]:
    """(sheet name, part) of each worksheet in order, the shared strings' part and the styles'."""
    book = next(
        (t for _, kind, t in _relationships(z, "") if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    if not _has(z, book):
        raise _Unreadable("缺少 workbook.xml", "no workbook.xml")
    rels = _relationships(z, book)
    targets = {rid: (kind, target) for rid, kind, target in rels}
    sheets: list[tuple[str, str]] = []
    for event, elem, _ in _stream(z, book):
        if event == "end" and _local(elem.tag) == "sheet":
            rid = next((v for k, v in elem.attrib.items() if k.endswith(_RELATIONSHIP_ID)), "")
            kind, target = targets.get(rid, ("", ""))
            if kind.endswith("/worksheet") and _has(z, target):
                sheets.append((elem.get("name", ""), target))
    strings = next((t for _, kind, t in rels if kind.endswith("/sharedStrings")), None)
    styles = next((t for _, kind, t in rels if kind.endswith("/styles")), None)
    return sheets, strings, styles


def _read_sheets(path: Path) -> tuple[list[_Sheet], list[Diagnostic], list[Diagnostic]]:
    """The sheets, read within the limits; (sheets, problems, findings about texts). A sheet
    that cannot be read is a D320 problem of its own (the other sheets are still read); the
    workbook's own parts raise."""
    sheets: list[_Sheet] = []
    problems: list[Diagnostic] = []
    texts: list[Diagnostic] = []
    with zipfile.ZipFile(path) as z:
        parts, strings_part, styles_part = _sheet_parts(z)
        strings = _shared_strings(z, strings_part)
        dates = _date_styles(z, styles_part)
        budget = MAX_CELLS
        for title, part in parts:
            sheet = _Sheet(title)
            sheets.append(sheet)
            if budget <= 0:
                continue
            try:
                budget = _read_sheet(z, part, sheet, strings, dates, budget, problems, texts)
            except _Unreadable as exc:
                problems.append(_bad(path, f"工作表“{title}”：{exc.zh}", f"sheet '{title}': {exc.en}"))
            except Exception as exc:  # broken XML or zip data, defusedxml's refusals: that sheet only
                name = type(exc).__name__
                problems.append(
                    _bad(path, f"工作表“{title}”无法读取（{name}）", f"sheet '{title}' is unreadable ({name})")
                )
    return sheets, problems, texts


def _read_sheet(
    z: zipfile.ZipFile,
    part: str,
    sheet: _Sheet,
    strings: list[str],
    dates: set[int],
    budget: int,
    problems: list[Diagnostic],
    texts: list[Diagnostic],
) -> int:
    """Read one sheet's cells into ``sheet``, at most ``budget`` cells; returns what is left."""
    row = col = 0
    for event, elem, _ in _stream(z, part, keep="c"):
        name = _local(elem.tag)
        if event == "start":
            if name == "row":
                r = elem.get("r") or ""
                row, col = _index(r) or row + 1, 0
            continue
        if name != "c":
            continue
        ref = _REF.fullmatch(elem.get("r") or "")
        if ref is not None:
            col, row = _column(ref.group(1)), int(ref.group(2))
        else:
            col += 1
        if row > MAX_SHEET_ROWS:
            problems.append(_too_large(sheet.title, row, f"{MAX_SHEET_ROWS} 行", f"{MAX_SHEET_ROWS} rows"))
            return budget
        budget -= 1
        if budget < 0:
            problems.append(_too_large(sheet.title, row, f"全簿 {MAX_CELLS} 格", f"{MAX_CELLS} cells a workbook"))
            return budget
        value = _cell_value(elem, strings, dates)
        if value is not None:
            sheet.add(row, col, value, texts)
    return budget


def _too_large(sheet: str, row: int, limit: str, limit_en: str) -> Diagnostic:
    where = f"{sheet}!A{row}"
    return diag("D333", None, data_path=where, sheet=sheet, where=where, limit=limit, limit_en=limit_en)


def _rows_in_order(sheet: _Sheet, nodes: list[AxisNode], start: int, exclude_cols: set[int]) -> dict[str, int]:
    """Sheet rows of labelled entries, matched in the printed order (so that repeated labels
    such as （三）其他情形数 go to the right parent); blank or extra rows are skipped."""
    at: dict[str, list[int]] = {}  # label -> its places in the printed order
    for k, node in enumerate(nodes):
        at.setdefault(bare(node.label), []).append(k)
    found: dict[str, int] = {}
    pointer = 0
    for row in sorted(r for r in sheet.by_row if r > start):
        for col, text in sorted(sheet.by_row[row]):  # a row may carry a group's label and its first entry's
            if col in exclude_cols:
                continue
            place = next((k for k in at.get(text, ()) if k >= pointer), None)
            if place is not None:
                found[nodes[place].id] = row
                pointer = place + 1
    return found


def _columns_in_order(sheet: _Sheet, leaves: list[AxisNode], start: int) -> dict[str, tuple[int, int]]:
    """(row, column) of each value column's heading, matched left to right."""
    found: dict[str, tuple[int, int]] = {}
    last = 0
    for leaf in leaves:
        candidates = [(c, r) for r, c in sheet.find(leaf.label, start) if c > last]
        if candidates:
            c, r = min(candidates)
            found[leaf.id] = (r, c)
            last = c
    return found


def _number(value: Any) -> tuple[Parsed, str]:
    """A cell's value as read by openpyxl: numbers under the limits of typed text, text as a
    person wrote it."""
    if value is None:
        return Parsed(ValueKind.MISSING), ""
    if isinstance(value, bool):
        return Parsed(ValueKind.NOT_A_NUMBER), str(value)
    if isinstance(value, int):
        if abs(value) >= 10**MAX_INTEGER_DIGITS:
            digits = str(value) if value.bit_length() < 4_000 else "…"
            return Parsed(ValueKind.TOO_LARGE), digits
        return Parsed(ValueKind.NUMBER, Decimal(value)), str(value)
    if isinstance(value, float):
        return parse_float(value)
    text = str(value)
    return parse_value(text), text


def load_workbook_instance(
    form: Form, path: Path, strict_labels: bool = False
) -> tuple[Instance | None, list[Diagnostic]]:
    """Read a filled workbook by its printed labels (its labels are the form's own, matched
    exactly; ``strict_labels`` applies to the meta values, such as the agency level)."""
    try:
        problem = _safe(path)
    except Exception as exc:  # a damaged zip directory (zipfile, zlib): reported, never raised
        problem = _bad(path, f"文件已损坏（{type(exc).__name__}）", f"damaged ({type(exc).__name__})")
    if problem is not None:
        return None, [problem]
    try:
        sheets, problems, texts = _read_sheets(path)
    except _Unreadable as exc:
        return None, [_bad(path, exc.zh, exc.en)]
    except Exception as exc:  # a broken zip or XML: zlib, expat, defusedxml's refusals…
        return None, [_bad(path, type(exc).__name__, type(exc).__name__)]
    problems.extend(texts[:MAX_TEXT_FINDINGS])
    values: dict[str, CellValue] = {}
    meta = _meta(sheets)

    def take(cell_id: str, sheet: _Sheet, row: int, col: int) -> None:
        parsed, text = _number(sheet.value(row, col))
        where = f"{sheet.title}!{_coordinate(row, col)}"
        problem = value_problem(form.item(cell_id), text, parsed, data_path=where)
        if problem is not None:
            problems.append(problem)
        number = cell_number(parsed, form.item(cell_id).unit)
        values[cell_id] = CellValue(cell_id, number, text, where, None)

    for table in form.tables:
        sheet = _sheet_of(sheets, table)
        if sheet is None:
            problems.append(diag("D319", None, table=table.label, sheet=sheet_name(table)))
            continue
        if not table.columns:  # label | unit | value
            heads = sheet.find("统计数")
            if not heads:
                problems.append(diag("D319", None, table=table.label, sheet=sheet.title))
                continue
            head_row, value_col = heads[0]
            rows = _rows_in_order(sheet, all_entries(table.rows or ()), head_row, {value_col})
            for node in all_entries(table.rows or ()):
                if not node.is_group and node.id in rows:
                    take(node.id, sheet, rows[node.id], value_col)
            continue
        leaves = value_entries(table.columns)
        columns = _columns_in_order(sheet, leaves, 0)
        if not columns:
            problems.append(diag("D319", None, table=table.label, sheet=sheet.title))
            continue
        header_bottom = max(r for r, _ in columns.values())
        if table.rows is None:
            value_cols = {c for _, c in columns.values()}
            data_row = next(
                (r for r in sorted(sheet.rows) if r > header_bottom and value_cols.intersection(sheet.rows[r])),
                header_bottom + 1,
            )
            for leaf in leaves:
                if leaf.id in columns:
                    take(table.cell_id(None, leaf.id), sheet, data_row, columns[leaf.id][1])
            continue
        value_cols = {c for _, c in columns.values()}
        rows = _rows_in_order(sheet, all_entries(table.rows), header_bottom, value_cols)
        for node in value_entries(table.rows):
            for leaf in leaves:
                if node.id in rows and leaf.id in columns:
                    take(table.cell_id(node.id, leaf.id), sheet, rows[node.id], columns[leaf.id][1])
    year = _index(meta.get("year"))
    resolved, meta_problems = resolve_meta(form, meta, strict=strict_labels)
    problems.extend(meta_problems)
    return Instance(str(path), MappingProxyType(resolved), year, MappingProxyType(values)), fold_unit_warnings(problems)


def _sheet_of(sheets: list[_Sheet], table: Table) -> _Sheet | None:
    wanted = sheet_name(table)
    for sheet in sheets:
        if sheet.title == wanted:
            return sheet
    key = bare(table.label)
    return next((s for s in sheets if any(r <= 3 for r, _ in s.by_label.get(key, ()))), None)


def _meta(sheets: list[_Sheet]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for sheet in sheets:
        found = sorted(
            (pos, field) for label, field in META_LABELS.items() for pos in sheet.by_label.get(bare(label), ())
        )
        for (row, col), field in found:
            value = sheet.value(row, col + 1)
            if field not in meta and value is not None and str(value).strip():
                meta[field] = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
    return meta


# -- writing ----------------------------------------------------------------------------------

#: What makes a spreadsheet read a text as a formula (OWASP, CSV/spreadsheet injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(ws: Any, row: int, column: int, text: object) -> Any:
    """Write ``text`` into a cell as a string, never a formula, whatever it starts with
    (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``, ``+``, ``-``, ``@``): labels, names and messages
    from a spec or a data file go through here. Control characters and lone surrogates are
    written escaped (``\\x1b``); a text that would read as a formula is also marked as quoted
    text (Excel's quotePrefix), so editing the cell keeps it text. None leaves the cell empty."""
    cell = ws.cell(row, column)
    if text is None:
        cell.value = None
        return cell
    value = escape_unsafe(str(text))
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell
