"""Compiled forms kept on disk, so that a command does not parse and compile a spec it has
compiled before (the parse is most of a small command's work, and seconds for a large form).

An entry is keyed by the spec's text, its name and place, baobiao's code (the version, and the
size and time of every module and grammar file, so that an edited checkout never reads an
entry an older build wrote) and the Python version. It also records every file the spec
extends, with a hash of its text: an entry whose bases changed is not used. Only specs that
compile are kept, with their warnings.

The folder is ``$BAOBIAO_CACHE_DIR``, else ``$XDG_CACHE_HOME/baobiao``, else
``~/.cache/baobiao``; ``BAOBIAO_CACHE_DIR`` set to an empty value turns the cache off. Entries
are pickles, so a folder or an entry that another user could have written is never read: the
folder is made private (0700) and both must belong to this user and be writable by no one
else. Whatever goes wrong with the cache (no home, a read-only disk, a damaged entry) only
means compiling again; it is never an error of the command. At most ``MAX_ENTRIES`` entries
are kept, the least recently used removed first.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import hashlib
import io
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import baobiao
from baobiao.diagnostics.core import Report
from baobiao.model import Form
from baobiao.resources import builtin_specs, data_dir
from baobiao.source import ReadError, Source, read_source

ENV = "BAOBIAO_CACHE_DIR"
#: entries kept; the least recently used beyond this are removed when one is written
MAX_ENTRIES = 64
#: an entry larger than this is not written (a spec is at most 2 MiB; its form about 5 times that)
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_SUFFIX = ".form"
_FORMAT = 1  # the layout of an entry: (format, bases, form, report)

Entry = tuple[Form, Report]


def cache_dir() -> Path | None:
    """The cache folder (not yet made), or None when the cache is off or has no place."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "baobiao"
    try:
        return Path.home() / ".cache" / "baobiao"
    except RuntimeError:  # no home folder
        return None


def lookup(source: Source, path: Path) -> Entry | None:
    """The form and report compiled before from ``source`` (read from ``path``), if kept and
    still valid."""
    folder = cache_dir()
    if folder is None or not _private(folder):
        return None
    entry = folder / (_key(source, path) + _SUFFIX)
    try:
        with entry.open("rb") as handle:
            if not _private(entry, os.fstat(handle.fileno())):
                return None
            loaded = pickle.load(handle)  # a private file this user wrote (see above)
        version, bases, form, report = loaded
        if version != _FORMAT or not isinstance(form, Form) or not isinstance(report, Report):
            raise ValueError("not an entry")
        if any(_digest(p) != digest for p, digest in bases):
            return None
        os.utime(entry)  # recently used
    except FileNotFoundError:
        return None
    except Exception:  # a damaged entry (unpickling fails in many ways) is compiled again
        _remove(entry)
        return None
    return form, report


def store(source: Source, path: Path, form: Form, report: Report) -> None:
    """Keep a compiled form (silently nothing when the cache cannot be written)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        bases = tuple((p, _digest(p)) for p in _bases(report, source))
        data = _dumps((_FORMAT, bases, form, report))
        if len(data) > MAX_ENTRY_BYTES:
            return
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, folder / (_key(source, path) + _SUFFIX))
        except BaseException:
            _remove(Path(temporary))
            raise
        _prune(folder)
    except (OSError, pickle.PicklingError, ReadError):
        return


def _key(source: Source, path: Path) -> str:
    h = hashlib.sha256()
    for part in (_code_fingerprint(), source.name, str(path.resolve()), source.text):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


_fingerprint: list[str] = []


def _code_fingerprint() -> str:
    """baobiao's version, Python's, and the size and time of each of baobiao's modules and
    grammar files: what makes an entry written by other code unusable."""
    if not _fingerprint:
        h = hashlib.sha256(f"{baobiao.__version__} {sys.version_info[:3]} {_FORMAT}".encode())
        package = Path(baobiao.__file__).parent
        files = [*_files(package, ".py"), *_files(data_dir("grammar"), ".lark")]
        for file in sorted(files):
            info = file.stat()
            h.update(f"{file} {info.st_size} {info.st_mtime_ns}\n".encode("utf-8", "surrogatepass"))
        _fingerprint.append(h.hexdigest())
    return _fingerprint[0]


def _files(folder: Path, suffix: str) -> Iterable[Path]:
    return folder.rglob(f"*{suffix}") if folder.is_dir() else ()


def _bases(report: Report, source: Source) -> Iterable[Path]:
    """The files the spec extends (every source read but its own), as absolute paths."""
    builtins = builtin_specs()
    for name in report.sources:
        if name == source.name:
            continue
        if name.startswith("<") and name.endswith(">") and name[1:-1] in builtins:
            yield builtins[name[1:-1]].resolve()
        else:
            yield Path(name).resolve()


def _digest(path: Path) -> str:
    try:
        text = read_source(path).text
    except ReadError:
        return ""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _private(path: Path, info: os.stat_result | None = None) -> bool:
    """``path`` belongs to this user and no one else may write it (a folder is made 0700)."""
    try:
        info = info or path.stat()
    except OSError:
        return False
    getuid = getattr(os, "getuid", None)
    if getuid is not None and info.st_uid != getuid():
        return False
    return not (info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob(f"*{_SUFFIX}"), key=_mtime, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        _remove(old)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


# -- pickling --------------------------------------------------------------------------------
# Frozen dataclasses with slots unpickle through dataclasses' own __setstate__, which looks up
# the fields again for every object (over a second for a form of 20,000 indicators). They are
# written instead as the class and the values of its fields, and rebuilt field by field.

_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _rebuild(cls: type, values: tuple[Any, ...]) -> object:
    obj: object = object.__new__(cls)
    put = object.__setattr__
    for name, value in zip(_field_names(cls), values, strict=True):
        put(obj, name, value)
    return obj


def _mapping(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


class _Pickler(pickle.Pickler):
    dispatch_table = copyreg.dispatch_table.copy()
    dispatch_table[MappingProxyType] = lambda m: (_mapping, (dict(m),))

    def reducer_override(self, obj: object) -> tuple[Callable[..., object], tuple[Any, ...]] | Any:
        cls = type(obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and "__slots__" in cls.__dict__:
            values = tuple(getattr(obj, n) for n in _field_names(cls))
            return (cls, values) if _by_init(cls) else (_rebuild, (cls, values))
        return NotImplemented


_INIT: dict[type, bool] = {}


def _by_init(cls: type) -> bool:
    """Whether ``cls(*values of its fields)`` rebuilds an object (faster than field by field)."""
    known = _INIT.get(cls)
    if known is None:
        fields = dataclasses.fields(cls)
        generated = cls.__dataclass_params__.init  # type: ignore[attr-defined]
        known = _INIT[cls] = generated and all(f.init for f in fields) and not hasattr(cls, "__post_init__")
    return known


def _dumps(value: object) -> bytes:
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()
