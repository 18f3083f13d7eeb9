"""List numbers as Word shows them (``w:numFmt`` of ``word/numbering.xml``): Chinese counting
(一 … 十一 … 二十), counting in thousands (一百零五), legal (壹拾壹), digital (一〇五), the stems
and branches, enclosed digits (①, ⑴, ⒈), full-width digits, letters and roman numerals. A format
not known here, or a number out of its range, is written in digits, as Word falls back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

_IDEOGRAPHS = "〇一二三四五六七八九"
_ZERO_IDEOGRAPHS = "零一二三四五六七八九"  # 零 inside a number in words (一百零五)
_SIMPLIFIED_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TRADITIONAL_LEGAL = "零壹貳參肆伍陸柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
    (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _positional(n: int, digits: str) -> str:
    """Digit by digit: 105 -> 一〇五."""
    return "".join(digits[int(d)] for d in str(n))


def _counting(n: int, digits: str = _IDEOGRAPHS) -> str:
    """chineseCounting: 一 … 十, 十一 … 十九, 二十 … 九十九; from 100 digit by digit (一〇〇),
    as Word shows it."""
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return _positional(n, digits)


def _myriads(n: int, digits: str, units: str, zero: bool = True, one: str = "ten") -> str:
    """A number in words grouped by 万 (chineseCountingThousand: 十一, 一百零五, 一千二百,
    一万零一): ``units`` are 十, 百, 千, 万; a gap of zeros inside is one 零 when ``zero``; the
    一 before a unit is left out at the start before 十 (``one="ten"``: 十一, 十万) or
    everywhere (``one="all"``, Japanese: 百十一), or never (``one=""``, 壹拾壹)."""
    if n == 0:
        return digits[0]
    high, low = divmod(n, 10_000)
    out = _myriads(high, digits, units, zero, one) + units[3] if high else ""
    gap = bool(high) and low < 1000
    for power in (3, 2, 1, 0):
        digit = low // 10**power % 10
        if digit == 0:
            gap = gap or bool(out)
            continue
        if gap and zero:
            out += digits[0]
        gap = False
        unit = units[power - 1] if power else ""
        elided = digit == 1 and power > 0 and (one == "all" or (one == "ten" and power == 1 and not out))
        out += unit if elided else digits[digit] + unit
    return out


def _enclosed(n: int, first: int, size: int) -> str:
    """1..size as the enclosed characters from ``first`` (①…⑳), beyond them in digits."""
    return chr(first + n - 1) if 1 <= n <= size else str(n)


def _letters(n: int, upper: bool) -> str:
    """A, B … Z, AA, BB …; in digits beyond ten letters."""
    if n < 1 or n > 260:
        return str(n)
    letter = chr(ord("A" if upper else "a") + (n - 1) % 26)
    return letter * ((n - 1) // 26 + 1)


def _roman(n: int, upper: bool) -> str:
    if n < 1 or n >= 4000:
        return str(n)
    out = ""
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out += symbol * count
    return out if upper else out.lower()


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


#: each w:numFmt known, as a function of the number
FORMATS: Mapping[str, Callable[[int], str]] = MappingProxyType(
    {
        "decimal": str,
        "decimalHalfWidth": str,
        "decimalZero": lambda n: f"{n:02d}" if 0 <= n < 10 else str(n),
        "decimalFullWidth": lambda n: str(n).translate(_FULL_WIDTH),
        "decimalFullWidth2": lambda n: str(n).translate(_FULL_WIDTH),
        "decimalEnclosedCircle": lambda n: _enclosed(n, 0x2460, 20),
        "decimalEnclosedCircleChinese": lambda n: _enclosed(n, 0x2460, 20),
        "decimalEnclosedParen": lambda n: _enclosed(n, 0x2474, 20),
        "decimalEnclosedFullstop": lambda n: _enclosed(n, 0x2488, 20),
        "ideographEnclosedCircle": lambda n: _enclosed(n, 0x3220, 10),
        "chineseCounting": _counting,
        "taiwaneseCounting": _counting,
        "chineseCountingThousand": lambda n: _myriads(n, _ZERO_IDEOGRAPHS, "十百千万"),
        "taiwaneseCountingThousand": lambda n: _myriads(n, _ZERO_IDEOGRAPHS, "十百千萬"),
        "japaneseCounting": lambda n: _myriads(n, _IDEOGRAPHS, "十百千万", zero=False, one="all"),
        "chineseLegalSimplified": lambda n: _myriads(n, _SIMPLIFIED_LEGAL, "拾佰仟万", one=""),
        "ideographLegalTraditional": lambda n: _myriads(n, _TRADITIONAL_LEGAL, "拾佰仟萬", one=""),
        "ideographDigital": lambda n: _positional(n, _IDEOGRAPHS),
        "taiwaneseDigital": lambda n: _positional(n, _IDEOGRAPHS),
        "japaneseDigitalTenThousand": lambda n: _positional(n, _IDEOGRAPHS),
        "ideographTraditional": lambda n: _STEMS[n - 1] if 1 <= n <= 10 else str(n),
        "ideographZodiac": lambda n: _BRANCHES[n - 1] if 1 <= n <= 12 else str(n),
        "ideographZodiacTraditional": lambda n: (
            _STEMS[(n - 1) % 10] + _BRANCHES[(n - 1) % 12] if 1 <= n <= 60 else str(n)
        ),
        "upperLetter": lambda n: _letters(n, True),
        "lowerLetter": lambda n: _letters(n, False),
        "upperRoman": lambda n: _roman(n, True),
        "lowerRoman": lambda n: _roman(n, False),
        "ordinal": _ordinal,
        "numberInDash": lambda n: f"- {n} -",
        "none": lambda n: "",
    }
)


def format_number(n: int, fmt: str) -> str:
    """``n`` in the list number format ``fmt`` (``w:numFmt``), as Word shows it: formats not
    known here (and numbers out of a format's range) in digits, as Word falls back."""
    if n < 0:
        return str(n)
    return FORMATS.get(fmt, str)(n)
