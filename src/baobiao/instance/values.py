"""Cell text -> number, blank, or a reason it is neither. Exact: Decimal, never float.

Also what every reader does with the text it reads (:func:`checked_text`): lone surrogates,
control characters and over-long texts are findings at their place, and the text passed on is
made safe, so that nothing downstream (an encoder, a terminal, a workbook) ever meets them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.source import CONTROL_CHARS, MAX_TEXT_CHARS, SURROGATES, UNSAFE, Span, escape_unsafe

#: Texts that mean "left blank" (compared after NFKC and stripping).
MISSING_MARKERS = frozenset({"", "-", "--", "/", "—", "——", "–", "无", "~", "null"})
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 10
#: Significant digits kept of a number a workbook stores as a binary float (Excel's own
#: precision): 0.1 + 0.2 is read as 0.3, not 0.30000000000000004.
FLOAT_DIGITS = 15

# ASCII digits only (re.ASCII): other scripts' digits are not read as numbers; full-width
# digits are made ASCII by NFKC before matching.
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", re.ASCII)
_WITH_UNIT = re.compile(
    r"^(?P<number>[+-]?[\d,]+(?:\.\d+)?)\s*(?P<unit>万元|元|条|件|次|篇|个|人次|人|项|份|期|%)$", re.ASCII
)
_ASCII_DIGITS = "0123456789"
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", _ASCII_DIGITS)


class ValueKind(StrEnum):
    NUMBER = "number"
    MISSING = "missing"
    WITH_UNIT = "with-unit"
    TOO_LARGE = "too-large"
    NOT_A_NUMBER = "not-a-number"


@dataclass(frozen=True, slots=True)
class Parsed:
    kind: ValueKind
    number: Decimal | None = None
    unit: str | None = None  # for WITH_UNIT


def _digits(text: str) -> int:
    return sum(text.count(d) for d in _ASCII_DIGITS)


def parse_value(text: str) -> Parsed:
    """Read what a person wrote into a cell. Full-width digits and thousands commas are fine;
    other characters that Unicode calls digits (superscripts ², circled ①, other scripts) are
    not: "12²" is not a number, never 122."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_INTEGER_DIGITS:  # the usual case, at once
        return Parsed(ValueKind.NUMBER, Decimal(text))
    written = text.translate(_FULL_WIDTH_DIGITS)
    clean = unicodedata.normalize("NFKC", written).strip()
    if _digits(clean) != _digits(written):  # NFKC made digits of something else (², ①, ⒈)
        return Parsed(ValueKind.NOT_A_NUMBER)
    if clean in MISSING_MARKERS:
        return Parsed(ValueKind.MISSING)
    match = _WITH_UNIT.match(clean)
    if match:
        number = parse_value(match.group("number"))
        return Parsed(ValueKind.WITH_UNIT, number.number, match.group("unit"))
    if not _NUMBER.match(clean):
        return Parsed(ValueKind.NOT_A_NUMBER)
    digits = clean.lstrip("+-").replace(",", "")
    whole, _, fraction = digits.partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
        return Parsed(ValueKind.TOO_LARGE)
    return Parsed(ValueKind.NUMBER, Decimal(clean.replace(",", "")))


def cell_number(parsed: Parsed, unit: str | None) -> Decimal | None:
    """The number a cell holds: a number, or a number followed by the cell's own unit ("23件"
    in a cell counted in 件, as published reports often print them); None for anything else (a
    number in another unit is not converted on a guess)."""
    if parsed.kind is ValueKind.NUMBER or (parsed.kind is ValueKind.WITH_UNIT and unit and parsed.unit == unit):
        return parsed.number
    return None


def parse_float(value: float) -> tuple[Parsed, str]:
    """A number a workbook stores as a binary float, under the same limits as typed text (1e300
    is too large, not a 301-digit count), rounded to Excel's 15 significant digits; with the
    text it is shown as."""
    shown = f"{value:.{FLOAT_DIGITS}g}"
    try:
        exact = Decimal(shown)
    except InvalidOperation:  # pragma: no cover - every float formats as a Decimal literal
        return Parsed(ValueKind.NOT_A_NUMBER), shown
    if not exact.is_finite():
        return Parsed(ValueKind.NOT_A_NUMBER), shown
    if exact and not -MAX_FRACTION_DIGITS <= exact.adjusted() < MAX_INTEGER_DIGITS:
        return Parsed(ValueKind.TOO_LARGE), shown  # the exponent says so: 1e300 is never expanded
    plain = format_number(exact)
    return parse_value(plain), plain


def format_number(value: Decimal) -> str:
    """A Decimal as plain digits (never exponent notation), as written where possible."""
    text = format(value, "f")
    return "0" if text in ("-0", "+0") else text


# -- text as read ---------------------------------------------------------------------------

_CONTROL = re.compile(f"[{CONTROL_CHARS}]")
_SURROGATE = re.compile(f"[{SURROGATES}]")
_NUMBER_LIKE = re.compile("[0-9０-９,，.．+\\- \t\n\u3000]*")  # judged by its digits (D309), not its length
QUOTED_CHARS = 40  # characters of a text quoted in a finding
#: Texts reported per file at most (the rest are still made safe, silently).
MAX_TEXT_FINDINGS = 100
KEPT_OF_LONG_TEXT = 200  # characters kept of a text over MAX_TEXT_CHARS (so findings can name it)


def quote(text: str, limit: int = QUOTED_CHARS) -> str:
    """A text as a finding quotes it: shortened, and escaped where it cannot be printed."""
    return escape_unsafe(text[:limit]) + ("…" if len(text) > limit else "")


def _chars(found: list[str]) -> str:
    """The characters found, escaped, each once (the first five)."""
    distinct = list(dict.fromkeys(found))
    return ", ".join(escape_unsafe(c) for c in distinct[:5]) + (", …" if len(distinct) > 5 else "")


def checked_text(text: str, span: Span | None = None, data_path: str | None = None) -> tuple[str, list[Diagnostic]]:
    """Text as a reader passes it on, and what was wrong with it, at its place (``span`` or
    ``data_path``): lone surrogates (D330, an error) become U+FFFD, control characters other
    than tab and line feed (D331, a warning) become spaces, and a text over
    :data:`MAX_TEXT_CHARS` (D332, an error) is not read: only its beginning is kept, to name
    it. A number is never too long here: its digits are judged by :func:`parse_value`."""
    if len(text) <= MAX_TEXT_CHARS and UNSAFE.search(text) is None:  # the usual case, at once
        return text, []
    problems: list[Diagnostic] = []
    shown = quote(text)
    if len(text) > MAX_TEXT_CHARS and not _NUMBER_LIKE.fullmatch(text):
        problems.append(
            diag(
                "D332",
                span,
                data_path=data_path,
                text=shown,
                length=str(len(text)),
                limit=str(MAX_TEXT_CHARS),
            )
        )
        text = text[:KEPT_OF_LONG_TEXT] + "…"
    surrogates = _SURROGATE.findall(text)
    if surrogates:
        problems.append(diag("D330", span, data_path=data_path, text=shown, chars=_chars(surrogates)))
        text = _SURROGATE.sub("\ufffd", text)
    controls = _CONTROL.findall(text)
    if controls:
        problems.append(diag("D331", span, data_path=data_path, text=shown, chars=_chars(controls)))
        text = _CONTROL.sub(" ", text)
    return text, problems
