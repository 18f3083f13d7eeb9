"""Cell text -> number, blank, or a reason it is neither. Exact: Decimal, never float."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

#: Texts that mean "left blank" (compared after NFKC and stripping).
MISSING_MARKERS = frozenset({"", "-", "--", "/", "—", "——", "–", "无", "~", "null"})
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 10

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_WITH_UNIT = re.compile(r"^(?P<number>[+-]?[\d,]+(?:\.\d+)?)\s*(?P<unit>万元|元|条|件|次|篇|个|人次|人|项|份|期|%)$")


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


def parse_value(text: str) -> Parsed:
    """Read what a person wrote into a cell. Full-width digits and thousands commas are fine."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_INTEGER_DIGITS:  # the usual case, at once
        return Parsed(ValueKind.NUMBER, Decimal(text))
    clean = unicodedata.normalize("NFKC", text).strip()
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


def format_number(value: Decimal) -> str:
    """A Decimal as plain digits (never exponent notation), as written where possible."""
    text = format(value, "f")
    return "0" if text in ("-0", "+0") else text
