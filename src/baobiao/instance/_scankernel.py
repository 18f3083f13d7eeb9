"""The compiled part of ``scan``: numba's machine code for reading the usual long CSV in one
pass. Importing this module imports numba (about a quarter of a second); the first call loads
the machine code from numba's cache on disk (compiled once, on the first run ever)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, uint64

from baobiao.instance.scan import BLANK, OTHER, PLAIN_DIGITS

_COMMA, _QUOTE, _CR, _LF, _ZERO, _NINE = 44, 34, 13, 10, 48, 57


@njit(inline="always")
def _word(buf: Any, at: int) -> Any:
    """Eight bytes from ``at`` as one number: two aligned loads of the array's 64-bit view."""
    q = at >> 3
    shift = uint64(8 * (at & 7))
    return (buf[q] >> shift) | ((buf[q + 1] << uint64(1)) << (uint64(63) - shift))


@njit(inline="always")
def _equal(left: Any, at: int, right: Any, other: int, size: int) -> bool:
    """``left[at:at+size] == right[other:other+size]``, eight bytes at a time."""
    k = 0
    while k + 8 <= size:
        if _word(left, at + k) != _word(right, other + k):
            return False
        k += 8
    if k < size:
        mask = (uint64(1) << uint64(8 * (size - k))) - uint64(1)
        if (_word(left, at + k) ^ _word(right, other + k)) & mask:
            return False
    return True


@njit(nogil=True, cache=True)
def scan(
    buf: Any, size: int, segs: Any, seg_bounds: Any, values: Any, names: Any, name_bounds: Any, others: Any
) -> int:
    """Read ``buf[:size]`` (whole lines; ``SPARE`` bytes follow) as agencies of the layout
    ``segs`` (the ``,row,column,`` of each line, ``seg_bounds`` where each starts; ``SPARE``
    bytes follow).

    Fills ``values`` (agency × line, row-major: the number, ``BLANK`` or ``OTHER``), ``names``
    and ``name_bounds`` (the agencies' names, one after another; ``name_bounds[0]`` must be 0)
    and ``others`` (line, start, end of each ``OTHER`` value). Returns the number of agencies,
    or -1 when the block is not agencies of this layout, or has more ``OTHER`` values than
    ``others`` holds."""
    lines = seg_bounds.shape[0] - 1
    words = buf[: (buf.shape[0] // 8) * 8].view(np.uint64)
    seg_words = segs[: (segs.shape[0] // 8) * 8].view(np.uint64)
    pos = 0
    agency = 0
    other = 0
    named = 0
    before = -1  # where the previous agency's name starts
    before_size = -1
    while pos < size:
        name = pos
        while pos < size and buf[pos] != _COMMA:
            c = buf[pos]
            if c in (_LF, _CR, _QUOTE):
                return -1
            pos += 1
        length = pos - name
        if length == 0 or pos >= size:
            return -1
        if length == before_size and _equal(words, name, words, before, length):
            return -1  # an agency's lines in two runs: for the general reader to report
        for k in range(length):
            names[named + k] = buf[name + k]
        named += length
        name_bounds[agency + 1] = named
        for line in range(lines):
            if line > 0:
                if pos + length > size or not _equal(words, pos, words, name, length):
                    return -1
                pos += length
            seg = seg_bounds[line]
            seg_size = seg_bounds[line + 1] - seg
            if pos + seg_size > size or not _equal(words, pos, seg_words, seg, seg_size):
                return -1
            pos += seg_size
            first = pos
            number = 0
            while pos < size and _ZERO <= buf[pos] <= _NINE:
                number = number * 10 + (buf[pos] - _ZERO)
                pos += 1
            digits = pos - first
            plain = 0 < digits <= PLAIN_DIGITS and not (digits > 1 and buf[first] == _ZERO)
            while pos < size and buf[pos] != _LF and buf[pos] != _CR:
                c = buf[pos]
                if c in (_COMMA, _QUOTE):
                    return -1
                plain = False
                pos += 1
            last = pos
            if pos < size and buf[pos] == _CR:
                pos += 1
            if pos >= size or buf[pos] != _LF:
                return -1
            pos += 1
            row = agency * lines + line
            if plain:
                values[row] = number
            elif last == first:
                values[row] = BLANK
            else:
                if other >= others.shape[0]:
                    return -1
                values[row] = OTHER
                others[other, 0] = row
                others[other, 1] = first
                others[other, 2] = last
                other += 1
        before, before_size = name, length
        agency += 1
    return agency
