"""The batch file itself: its size limit and header, cut into blocks of whole agencies
(at agency boundaries, so that blocks are checked on their own, in any order), each block
read into a worker thread's buffer by ``pread``, and the process's memory kept for the next
block."""

from __future__ import annotations

import csv
import ctypes
import io
import mmap
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np

from baobiao.diagnostics.core import Diagnostic
from baobiao.instance.batch.lines import _COMMA, _FIELD, GARBAGE_LINES, _csv_problem, _unquoted
from baobiao.instance.scan import SPARE

BLOCK = 4 << 20  # bytes of CSV a worker reads and checks at a time
MAX_BYTES = 4 << 30  # larger batch files are refused before reading (D340): about 550,000 agencies of the 2021 form
NAMES = ("agency", "row", "column", "value")
# header names accepted for the four columns, in this order
HEADER_NAMES = (
    {"agency", "机关", "单位"},
    {"row", "row_id", "行"},
    {"column", "col", "col_id", "列"},
    {"value", "obs_value", "值", "数值"},
)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.1f} MB" if size < 1 << 30 else f"{size / (1 << 30):,.2f} GB"


def _header_problem(path: Path) -> Diagnostic | None:
    """What is wrong with the file's start: not UTF-8 (Excel's "CSV" on a Chinese Windows is
    GBK), or a first line that is not the header."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    lines = (head[: head.rfind(b"\n") + 1] or head).splitlines()  # whole lines: no character cut in two
    first = next((line for line in lines if not line.isascii()), b"")  # a single bad line is reported later
    try:
        first.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            first.decode("gb18030")
        except UnicodeDecodeError:
            return _csv_problem(f"{path}:1", "CSV 不是 UTF-8 编码", "the CSV is not in UTF-8")
        return _csv_problem(
            f"{path}:1",
            "CSV 是 GBK（GB18030）编码，不是 UTF-8：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
            "the CSV is in GBK (GB18030), not UTF-8: save it as 'CSV UTF-8 (comma delimited)' in Excel",
        )
    try:
        text = lines[0].decode("utf-8-sig") if lines else ""
        header = [h.strip().lower() for h in next(csv.reader(io.StringIO(text)), [])]
    except (UnicodeDecodeError, csv.Error):
        header = []
    if len(header) >= 4 and all(h in names for h, names in zip(header, HEADER_NAMES, strict=False)):
        return None
    return _csv_problem(
        f"{path}:1", "CSV 第一行应为 agency,row,column,value", "the CSV's first line must be agency,row,column,value"
    )


def _line_at(data: mmap.mmap, start: int) -> bytes:
    """The line starting at ``start``, without its line end."""
    end = data.find(b"\n", start)
    return data[start : end if end >= 0 else len(data)]


def _agency_of(data: mmap.mmap, start: int) -> bytes:
    """The first field (the agency) of the line starting at ``start``, unquoted (the line itself
    when it cannot be read: a quote never closed)."""
    line = _line_at(data, start)
    if not line.startswith(b'"'):
        return line.split(b",", 1)[0]
    match = _FIELD.match(line)
    assert match is not None
    if match.end() < len(line) and line[match.end()] != _COMMA:
        return line
    return _unquoted(match.group())


def _anywhere(line: bytes) -> bool:
    return True


def _agency_cut(data: mmap.mmap, start: int, end: int, placed: Callable[[bytes], bool] = _anywhere) -> int:
    """Where, in ``data[start:end]``, the last agency begins whose lines may go on after
    ``end`` (just after the line before it); ``start`` when all of it may be one agency.

    Lines that are not ``placed`` (garbage, a quote never closed, labels of no cell) belong to no
    agency: they neither end an agency's lines nor begin new ones, so an agency with such a line
    among its own is not cut in two (a long run of them is cut inside)."""
    line = data.rfind(b"\n", start, data.rfind(b"\n", start, end)) + 1  # the last whole line
    if line <= start:
        return start
    name: bytes | None = None
    stray, after = 0, line  # lines not placed one after another; the line after this one
    while True:
        agency = _agency_of(data, line)
        if agency == name:
            stray = 0
        elif placed(_line_at(data, line)):
            if name is not None:
                return after
            name, stray = agency, 0
        else:
            stray += 1
            if stray > GARBAGE_LINES:
                return after
        after = line
        if line <= start:
            return start
        line = max(start, data.rfind(b"\n", start, line - 1) + 1)


def _ranges(
    data: mmap.mmap, size: int = BLOCK, placed: Callable[[bytes], bool] = _anywhere
) -> Iterator[tuple[int, int]]:
    """The lines after the header as (start, end) offsets, in blocks of about ``size`` bytes
    that end where an agency ends, so that blocks can be checked on their own, in any order
    (``placed``: whether a line can be read as a line of an agency; see ``_agency_cut``)."""
    start = data.find(b"\n") + 1
    while 0 < start < len(data):
        end = min(len(data), start + size)
        while end < len(data):
            cut = _agency_cut(data, start, end, placed)
            if cut > start:
                end = cut
                break
            if end - start >= 16 * size:  # an agency longer than 16 blocks is cut at a line's end
                end = data.rfind(b"\n", start, end) + 1 or end
                break
            end = min(len(data), end + size)
        yield start, end
        start = end


def _read(handle: io.BufferedReader, start: int, size: int) -> np.ndarray:
    """Bytes ``start:start+size`` of a file, then ``SPARE`` zero bytes for the scan, read
    without holding the GIL (reading the file through its memory map would fault its pages in
    while holding it, one thread at a time), into this thread's buffer: valid until the
    thread reads its next block (what is kept of a block is copied out of it)."""
    buffer: np.ndarray | None = getattr(_buffers, "buffer", None)
    if buffer is None or len(buffer) < size + SPARE:
        buffer = _buffers.buffer = np.empty(size + SPARE, dtype=np.uint8)
    done = 0
    while done < size:
        got = _read_at(handle, buffer.data[done:size], start + done)
        if got <= 0:  # the file got shorter meanwhile
            break
        done += got
    buffer[done : done + SPARE] = 0
    return buffer[: done + SPARE]


def _read_at(handle: io.BufferedReader, into: memoryview, at: int) -> int:
    """Read into ``into`` from byte ``at``: with ``os.preadv`` where there is one (Linux, the
    BSDs, macOS), without touching the file's position; elsewhere (Windows) by seeking the
    shared handle, one thread at a time."""
    if _PREADV is not None:
        return int(_PREADV(handle.fileno(), [into], at))
    with _seeking:
        handle.seek(at)
        return handle.readinto(into) or 0


_PREADV = getattr(os, "preadv", None)
_seeking = threading.Lock()
_buffers = threading.local()  # each worker thread's block buffer


def _retain_freed_memory() -> None:
    """Each block allocates a few arrays of a megabyte or so (numpy, through malloc). glibc's
    malloc maps such arrays fresh from the kernel and unmaps them when freed, so every block
    pays thousands of page faults, which doubled the time of a batch. Raising its thresholds
    keeps freed memory in the process for the next block (no-op without glibc)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30)
    libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # glibc's largest


@contextmanager
def _mapped(handle: BinaryIO) -> Iterator[mmap.mmap]:
    """The file mapped into memory, read only (an empty file as an empty mapping of nothing)."""
    if os.fstat(handle.fileno()).st_size == 0:
        yield mmap.mmap(-1, 1)  # nothing to read: an anonymous page
        return
    data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield data
    finally:
        data.close()
