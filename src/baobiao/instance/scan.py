"""The usual long CSV, read in one pass of compiled code (numba).

Exports give every agency the same lines in the same order: ``name,row,column,value``. Given
those lines' ``,row,column,`` parts (the layout, taken from a first agency), the scan reads a
block of such agencies byte by byte: it checks that every line is the agency's name, then its
part of the layout, then a value, and reads plain numbers as it goes. Anything else (quotes, a
line missing or in another order, a name that comes back) ends the scan, and the block is read
by the general CSV reader instead, which reports what is wrong. This is an accelerator for the
common case, never a second judge: a test holds that both readers read every file alike.

The machine code is compiled on the first run ever and cached on disk by numba; a process
then pays about half a second once to load it (numba's import and registries). So it is loaded when
asked for (``load``), or for a file large enough to repay it; it runs without the GIL, so the
worker threads scan blocks in parallel.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

SPARE = 16  # zero bytes after a scanned buffer and ``segs``: words are read 8 bytes at a time, as 2 aligned loads
PLAIN_DIGITS = 15  # at most this many digits are read as a number by the scan (exact in float64)
BLANK, OTHER = -1, -2  # the scan's values of lines with nothing written, and with something else than digits
WORTH_LOADING = 512 << 20  # bytes of CSV from which loading the scan (about 0.5 s) pays for itself
_KERNEL = "baobiao.instance._scankernel"
_lock = threading.Lock()
_ready: list[Callable[..., int]] = []
unavailable: list[str] = []  # why the scan could not be loaded, if it could not


def loaded() -> Callable[..., int] | None:
    """The scan, if this process has loaded it."""
    return _ready[0] if _ready else None


def load() -> Callable[..., int] | None:
    """Load the scan (numba, and its machine code from the cache; compiled on the first run
    ever) and return it; a process pays this once. None when it cannot be had here (numba
    missing or failing): then every block is read by pyarrow, which reads every file too, and
    ``unavailable`` says why."""
    with _lock:
        if not _ready and not unavailable:
            try:
                kernel: Any = importlib.import_module(_KERNEL).scan
                segs, bounds = layout_bytes([b"r"], [b"c"])
                buffer = np.zeros(8 + SPARE, dtype=np.uint8)
                buffer[:8] = np.frombuffer(b"a,r,c,7\n", dtype=np.uint8)
                values, *rest = _outputs(8, 1, 1)
                count = kernel(buffer, 8, segs, bounds, values, *rest)  # loaded here, not in a worker
                if count != 1 or values[0] != 7:
                    raise RuntimeError(f"the scan read a test line wrong ({count}, {values[0]})")
            except Exception as exc:  # an accelerator: whatever goes wrong, pyarrow reads instead
                unavailable.append(f"{type(exc).__name__}: {exc}")
            else:
                _ready.append(kernel)
    return loaded()


def _outputs(size: int, width: int, agencies: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Empty arrays for the scan's results: values, names, name bounds, other values."""
    return (
        np.empty(agencies * width, dtype=np.int64),
        np.empty(size, dtype=np.uint8),
        np.zeros(agencies + 1, dtype=np.int64),
        np.empty((agencies * width // 4 + 16, 3), dtype=np.int64),  # more OTHER values: the general reader
    )


def layout_bytes(rows: list[bytes], cols: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """``segs`` and ``seg_bounds`` for the scan: the lines' ``,row,column,`` one after another."""
    parts = [b"," + row + b"," + col + b"," for row, col in zip(rows, cols, strict=True)]
    joined = b"".join(parts)
    segs = np.zeros(len(joined) + SPARE, dtype=np.uint8)  # its own memory: aligned for the 64-bit view
    segs[: len(joined)] = np.frombuffer(joined, dtype=np.uint8)
    return segs, np.concatenate(([0], np.cumsum([len(p) for p in parts]))).astype(np.int64)


def scan_block(
    kernel: Callable[..., int], raw: np.ndarray, size: int, segs: np.ndarray, seg_bounds: np.ndarray
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scan ``raw[:size]`` (``SPARE`` bytes follow) as agencies of a layout: the number of
    agencies (-1: not this layout), each line's value, the names one after another, their
    bounds, and the (line, start, end) of each OTHER value, in line order."""
    width = len(seg_bounds) - 1
    shortest = 1 + int(np.diff(seg_bounds).min()) + 1  # a name's byte, the layout's part, the line end
    values, names, name_bounds, others = _outputs(size, width, size // shortest // width + 1)
    count = kernel(raw, size, segs, seg_bounds, values, names, name_bounds, others)
    return count, values, names, name_bounds, others
