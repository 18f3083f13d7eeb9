"""A rendered Word document's bytes (.docx), as python-docx saves it, made faster for a
process that renders many reports.

python-docx writes the package (OpcPackage.save) as ``[Content_Types].xml``, the package's
relationships, then each part and its relationships, in that order, each member deflated by
zipfile. Most of that time went into deflating the template's style parts (``styles.xml`` and
``stylesWithEffects.xml``: 0.8 MB of XML, the same in every report) again for each report.
:func:`docx_bytes` writes the same members in the same order, and keeps a large member's
deflated bytes for the process (by its content), so that it is deflated once. The zip is
written as zipfile writes it (:func:`zip_bytes`); only the members' times differ from one save
to the next, as they do with python-docx.
"""

from __future__ import annotations

import struct
import threading
import time
import zlib
from collections.abc import Sequence
from typing import Any

#: members at least this large have their deflated bytes kept (smaller ones deflate in no time)
KEEP_FROM = 32 * 1024
#: at most this many kept (a process rendering with several templates)
KEEP_AT_MOST = 32

_kept: dict[bytes, bytes] = {}
_lock = threading.Lock()


def _deflated(data: bytes) -> bytes:
    """``data`` deflated as zipfile deflates a member (raw deflate, the default level)."""
    if len(data) >= KEEP_FROM:
        with _lock:
            found = _kept.get(data)
        if found is not None:
            return found
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    out = compressor.compress(data) + compressor.flush()
    if len(data) >= KEEP_FROM:
        with _lock:
            if len(_kept) >= KEEP_AT_MOST:
                _kept.clear()
            _kept[data] = out
    return out


def zip_bytes(
    members: Sequence[tuple[str, bytes]], date_time: tuple[int, int, int, int, int, int] | None = None
) -> bytes:
    """A zip archive of ``members`` (name, bytes), each deflated, byte for byte as
    ``zipfile.ZipFile(…, "w", ZIP_DEFLATED).writestr(name, data)`` writes them into a seekable
    file (no data descriptors; read and write permission for the owner), dated ``date_time``
    (local time, default now)."""
    year, month, day, hour, minute, second = date_time or time.localtime(time.time())[:6]
    dos_time = hour << 11 | minute << 5 | second // 2
    dos_date = (year - 1980) << 9 | month << 5 | day
    local = bytearray()
    central = bytearray()
    for name, data in members:
        encoded = name.encode("ascii") if name.isascii() else name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800  # the name in UTF-8
        crc, deflated = zlib.crc32(data), _deflated(data)
        offset = len(local)
        local += struct.pack(
            "<4s2B4HL2L2H",
            b"PK\x03\x04",
            20,
            0,
            flags,
            8,
            dos_time,
            dos_date,
            crc,
            len(deflated),
            len(data),
            len(encoded),
            0,
        )
        local += encoded
        local += deflated
        central += struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\x01\x02",
            20,  # made by version 2.0
            3,  # on Unix
            20,  # needs version 2.0
            0,
            flags,
            8,  # deflated
            dos_time,
            dos_date,
            crc,
            len(deflated),
            len(data),
            len(encoded),
            0,
            0,
            0,
            0,
            0o600 << 16,  # -rw-------, as zipfile gives a member written from bytes
            offset,
        )
        central += encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(local), 0)
    return bytes(local + central + end)


def docx_bytes(document: Any) -> bytes:
    """A python-docx Document's .docx (OpcPackage.save, through :func:`zip_bytes`)."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    content_types: Any = _ContentTypesItem  # python-docx's own, as PackageWriter uses it
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    members = [
        (CONTENT_TYPES_URI.membername, content_types.from_parts(parts).blob),
        (PACKAGE_URI.rels_uri.membername, package.rels.xml),
    ]
    for part in parts:
        members.append((part.partname.membername, part.blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    return zip_bytes(members)
