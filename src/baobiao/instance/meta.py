"""The data's meta against the form's declared vocabularies (``meta level "机关层级" in ...``).

A value the form lists is kept (compared after NFKC and with whitespace removed, and returned
as the form writes it). A near miss that fits exactly one listed value is read as that value,
with a warning saying what was written and what it was read as (D322); the slips recognised,
tried in this order, each on the text the previous one leaves:

1. traditional script (OpenCC ``t2s``): ``設區的市級人民政府``;
2. 级 left out or added: ``设区的市人民政府``;
3. one or two characters off (Levenshtein distance <= 2 for values of 6 characters or more,
   <= 1 for 4 or 5; shorter values are never guessed): ``设区的巿级人民政府``.

A step that fits several values stops there: the value is ambiguous. An ambiguous or unknown
value is a warning listing the allowed values (D323), and the field is left out of the meta
returned, so that the rules depending on it are reported as not checkable rather than applied
on a guess. ``strict=True`` makes a slip an error (D322) and leaves the value unread too.
Fields without a declaration, and blank values, are passed through untouched.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from baobiao.diagnostics.core import Diagnostic, Severity, diag
from baobiao.model import Form, MetaField
from baobiao.source import Span

_SPACE = re.compile(r"\s+")


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@functools.cache
def _t2s() -> _Converter:
    """OpenCC's traditional -> simplified converter, made once, on first use."""
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def normalize(text: str) -> str:
    """How values are compared: NFKC (full-width letters and digits, compatibility forms), no
    whitespace at all."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _max_distance(text: str) -> int:
    n = len(text)
    return 2 if n >= 6 else (1 if n >= 4 else 0)


@dataclass(frozen=True, slots=True)
class _Slip:
    """One way of reading a written value as a listed one."""

    zh: str
    en: str
    fits: Callable[[str, str], bool]  # (written, listed), both normalised and simplified


def _without_ji(text: str) -> str:
    return text.replace("级", "")


_SLIPS = (
    _Slip("繁体字", "traditional script", lambda written, listed: written == listed),
    _Slip(
        "多写或漏写“级”",
        "级 added or left out",
        lambda written, listed: _without_ji(written) == _without_ji(listed),
    ),
)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a written value was read as: ``value`` (None: not read), how it differed (None: it
    did not), and the values that fit equally well when there are several."""

    value: str | None
    how: tuple[str, str] | None = None  # (zh, en)
    candidates: tuple[str, ...] = ()


def read_value(declared: MetaField, written: str) -> Reading:
    """A written value against a field's declared values (see the module's docstring)."""
    text = normalize(written)
    listed = {normalize(v): v for v in declared.values}
    if text in listed:
        return Reading(listed[text])
    simple = normalize(_t2s().convert(text))
    traditional = ("繁体字，", "traditional script, ") if simple != text else ("", "")
    for slip in _SLIPS:
        fits = [v for key, v in listed.items() if slip.fits(simple, key)]
        if len(fits) == 1:
            how = (slip.zh, slip.en) if slip is _SLIPS[0] else (traditional[0] + slip.zh, traditional[1] + slip.en)
            return Reading(fits[0], how)
        if fits:
            return Reading(None, candidates=tuple(fits))
    limit = _max_distance(simple)
    if limit == 0:
        return Reading(None)
    from rapidfuzz.distance import Levenshtein  # only for a value that is not exact

    distances = {v: Levenshtein.distance(simple, key, score_cutoff=limit) for key, v in listed.items()}
    best = min(distances.values(), default=limit + 1)
    if best > limit:
        return Reading(None)
    fits = [v for v, d in distances.items() if d == best]
    if len(fits) > 1:
        return Reading(None, candidates=tuple(fits))
    return Reading(fits[0], (f"{traditional[0]}相差 {best} 个字", f"{traditional[1]}{best} character(s) differ"))


def _quoted(values: tuple[str, ...], lang: str) -> str:
    return "、".join(f"“{v}”" for v in values) if lang == "zh" else ", ".join(f"'{v}'" for v in values)


def _slip(declared: MetaField, written: str, reading: Reading, span: Span | None, strict: bool) -> Diagnostic:
    assert reading.value is not None and reading.how is not None
    if strict:
        outcome = (
            "严格模式下不予读取，依赖它的规则无法检查；",
            "in strict mode it is left unread and the rules on it are not checked; ",
        )
    else:
        outcome = (f"已按“{reading.value}”读取；", f"it was read as '{reading.value}'; ")
    return diag(
        "D322",
        span,
        severity=Severity.ERROR if strict else None,
        data_path=f"$.meta.{declared.name}",
        field=declared.name,
        label=declared.label,
        value=written,
        read_as=reading.value,
        how=reading.how[0],
        how_en=reading.how[1],
        outcome=outcome[0],
        outcome_en=outcome[1],
    )


def _unknown(declared: MetaField, written: str, reading: Reading, span: Span | None) -> Diagnostic:
    close = ("", "")
    if reading.candidates:
        close = (
            f"{_quoted(reading.candidates, 'zh')}都同样相近，无法确定是哪一个；",
            f"{_quoted(reading.candidates, 'en')} are equally close, so none is guessed; ",
        )
    return diag(
        "D323",
        span,
        data_path=f"$.meta.{declared.name}",
        field=declared.name,
        label=declared.label,
        value=written,
        allowed=_quoted(declared.values, "zh"),
        allowed_en=_quoted(declared.values, "en"),
        close=close[0],
        close_en=close[1],
    )


def resolve_meta(
    form: Form, meta: Mapping[str, str], spans: Mapping[str, Span | None] | None = None, *, strict: bool = False
) -> tuple[dict[str, str], list[Diagnostic]]:
    """The meta with each declared field read against the form's values, and the findings.

    ``spans``: where each field's value was written, for the findings. Returns a new dict
    (``meta`` is not changed); a field whose value was not read is left out of it."""
    out = dict(meta)
    problems: list[Diagnostic] = []
    for declared in form.meta_fields:
        written = meta.get(declared.name)
        if not isinstance(written, str) or not normalize(written):
            continue  # not given, or blank: the checker reports the rules it leaves undecided
        reading = read_value(declared, written)
        span = (spans or {}).get(declared.name)
        if reading.value is not None and reading.how is None:
            out[declared.name] = reading.value
        elif reading.value is not None:
            problems.append(_slip(declared, written, reading, span, strict))
            if strict:
                del out[declared.name]
            else:
                out[declared.name] = reading.value
        else:
            problems.append(_unknown(declared, written, reading, span))
            del out[declared.name]
    return out, problems
