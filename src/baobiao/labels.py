"""Printed labels as people type them: normalising for matching.

Two spellings of a label match when they agree after
- Unicode NFKC (full-width brackets, digits, letters and spaces become half-width),
- removing all whitespace (line breaks inside labels, "商业 企业"),
- treating the numbering punctuation "、" like "." ("1、" = "1."),
- ignoring ASCII case and a trailing colon ("（三）不予公开：" = "（三）不予公开");
- the variant spelling 其它 = 其他;
and a label may be written without its numbering prefix ("（三）", "1.", "一、", "其中：").
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACE = re.compile(r"\s+")
_CN_NUM = "一二三四五六七八九十百零〇"
_PREFIX = re.compile(rf"^(?:其中:?|[{_CN_NUM}]+\.|\([{_CN_NUM}]+\)\.?|\(\d+\)\.?|\d+\.(?!\d))")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_VARIANTS = (("其它", "其他"),)  # spellings that are the same word


@functools.lru_cache(maxsize=1 << 16)  # labels recur: every key is compared with every label
def normalize(text: str) -> str:
    """A label's comparison form, numbering kept."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    for variant, usual in _VARIANTS:
        text = text.replace(variant, usual)
    return _SPACE.sub("", text).replace("、", ".").casefold().rstrip(":")


@functools.lru_cache(maxsize=1 << 16)
def bare(text: str) -> str:
    """A label's comparison form without its numbering prefixes."""
    text = normalize(text)
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text or not stripped:
            return text
        text = stripped
