"""Opening zip-packaged Office files (.xlsx workbooks, .docx documents) safely: the limits a
package must pass before any of its XML is parsed, and its XML streamed element by element.

Before anything is unpacked (zip bombs): the file is a regular file (not a device, a pipe or
a folder) no larger than its limit; the number of parts its end record declares is read from
the file's last bytes (a hostile zip directory may list millions); then the parts' total size
unpacked, the compression ratio and each XML part's size unpacked are checked against
:class:`ZipLimits`. Each reader chooses its own limits and says what they are.

XML is parsed through defusedxml (no entity expansion, no DTD fetched) and streamed: each
element is dropped once read, so memory stays that of the open elements, and elements nested
deeper than a limit stop the part (:class:`Unreadable`)."""

from __future__ import annotations

import functools
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

MAX_XML_DEPTH = 32  # elements nested in a part (a sheet needs 5)
_MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What a package may hold: the file as stored, its number of parts, all parts unpacked,
    one XML part unpacked (bytes), and the ratio of unpacked to packed size."""

    file_bytes: int
    parts: int
    unpacked: int
    part_xml: int
    ratio: int


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a package is not opened, in both languages. Over a size limit, ``size`` and
    ``limit`` (bytes) are set, and ``where`` names the file, or the file and the part
    (``report.docx:word/document.xml``)."""

    zh: str
    en: str
    where: str = ""
    size: int | None = None
    limit: int | None = None


class Unreadable(Exception):
    """A part that cannot be read: ``zh``/``en`` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def zip_entries(path: Path) -> int | None:
    """The number of files the zip's end record declares (None: no end record), read from its
    last bytes, before any zip directory is loaded (a hostile one may list millions)."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - 22 - 65_535))
        tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    return int.from_bytes(tail[at + 10 : at + 12], "little")


def zip_refusal(path: Path, limits: ZipLimits, kind_zh: str, kind_en: str) -> Refusal | None:
    """Why the package at ``path`` is not opened (None: it may be); ``kind_zh``/``kind_en``
    name what it should be ("Excel 工作簿（.xlsx）"). Every limit is checked before any of its
    XML is parsed. A damaged zip directory may raise (zipfile, zlib): callers report it."""
    try:
        info = path.stat()
    except OSError as exc:
        return Refusal(exc.strerror or type(exc).__name__, exc.strerror or type(exc).__name__)
    if not stat.S_ISREG(info.st_mode):
        return Refusal("不是普通文件", "not a regular file")
    if info.st_size > limits.file_bytes:
        return Refusal("", "", str(path), info.st_size, limits.file_bytes)
    if not zipfile.is_zipfile(path):
        return Refusal(f"不是 {kind_zh}", f"not {kind_en}")
    entries = zip_entries(path)
    if entries is None or entries > limits.parts:
        return Refusal(f"包含的文件过多（上限 {limits.parts} 个）", f"too many files inside (limit {limits.parts})")
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > limits.parts or unpacked > limits.unpacked or unpacked / packed > limits.ratio:
        return Refusal(
            f"解压后过大（疑似压缩炸弹；上限 {limits.unpacked // _MIB} MiB，压缩比 {limits.ratio}）",
            f"too large unpacked (a zip bomb?; limit {limits.unpacked // _MIB} MiB, ratio {limits.ratio})",
        )
    for i in infos:
        if i.filename.endswith((".xml", ".rels")) and i.file_size > limits.part_xml:
            return Refusal("", "", f"{path}:{i.filename}", i.file_size, limits.part_xml)
    return None


@functools.lru_cache(maxsize=256)
def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


def stream(
    z: zipfile.ZipFile, name: str, keep: str = "", depth: int = MAX_XML_DEPTH
) -> Iterator[tuple[str, Element, Element | None]]:
    """A part's elements as (event, element, parent), ``start`` and ``end``, each element
    dropped from the tree once it ended, except inside a ``keep`` element (whose content is
    read when it ends): memory stays that of the open elements, whatever the part holds.
    Elements nested deeper than ``depth`` raise :class:`Unreadable`."""
    from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]

    stack: list[Element] = []
    kept = 0
    with z.open(name) as handle:
        for event, elem in iterparse(handle, events=("start", "end")):
            if event == "start":
                parent = stack[-1] if stack else None
                stack.append(elem)
                if len(stack) > depth:
                    raise Unreadable(f"{name} 嵌套过深", f"{name} is nested too deeply")
                if keep and local(elem.tag) == keep:
                    kept += 1
                yield event, elem, parent
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            yield event, elem, parent
            if keep and local(elem.tag) == keep:
                kept -= 1
            if parent is not None and not kept:
                parent.remove(elem)


def has_part(z: zipfile.ZipFile, name: str) -> bool:
    try:
        z.getinfo(name)
    except KeyError:
        return False
    return True
