"""Source text: reading files safely, line index and spans; text that must not reach a
terminal or an encoder (control characters, lone surrogates) and how it is shown escaped."""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

#: Inputs larger than this are refused before parsing (specs and data files are small). At
#: most this many bytes and one more are ever read, so devices and pipes are bounded too.
MAX_INPUT_BYTES = 8 * 1024 * 1024
#: A text (a YAML scalar, a workbook cell) longer than this is not read (Excel's own limit is
#: 32,767 characters a cell; a report's longest paragraph is a few thousand).
MAX_TEXT_CHARS = 100_000

#: C0 control characters other than tab and line feed, DEL and the C1 controls (ESC [ ... and
#: CSI would drive a terminal; most are not even allowed in XML).
CONTROL_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
#: Lone surrogates (no encoder accepts them) and the noncharacters U+FFFE, U+FFFF (XML does not):
#: not text.
SURROGATES = "\ud800-\udfff\ufffe\uffff"
#: Either: what is never printed or encoded as it is.
UNSAFE = re.compile(f"[{CONTROL_CHARS}{SURROGATES}]")
_NEWLINE = re.compile("\n")


def escape_unsafe(text: str) -> str:
    """``text`` with control characters and lone surrogates written as escapes (``\\x1b``,
    ``\\udc80``), so that it can be printed and encoded; other text is unchanged."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file; lines and columns are 1-based, ``end_column`` exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


@dataclass(frozen=True, slots=True)
class Source:
    """The text of one input, with a line index for excerpts."""

    name: str
    text: str
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(self.text))
        object.__setattr__(self, "_starts", tuple(starts))

    def line_text(self, line: int) -> str:
        """The text of 1-based ``line`` without its line break ('' if out of range)."""
        if line < 1 or line > len(self._starts):
            return ""
        start = self._starts[line - 1]
        end = self._starts[line] - 1 if line < len(self._starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        end_line, end_col = self.position(max(end, start))
        return Span(self.name, line, col, end_line, end_col)

    def point(self, line: int, column: int, width: int = 1) -> Span:
        return Span(self.name, line, column, line, column + width)


class ReadError(Exception):
    """An input could not be read; ``code`` is a diagnostic code, ``args`` its parameters."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def read_source(path: Path, display_name: str | None = None, limit: int = MAX_INPUT_BYTES) -> Source:
    """Read a UTF-8 file (a BOM is tolerated) of at most ``limit`` bytes. Raises
    :class:`ReadError`. The limit holds for devices and pipes as well (``/dev/zero``): at most
    ``limit + 1`` bytes are read, whatever the file claims its size is."""
    name = display_name or str(path)
    try:
        if path.is_dir():
            raise ReadError("F001", path=name, reason="is a directory")
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            regular = stat.S_ISREG(info.st_mode)
            if regular and info.st_size > limit:
                raise _too_large(name, info.st_size, limit)
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise _too_large(name, info.st_size if regular else None, limit)
    except FileNotFoundError:
        raise ReadError("F001", path=name, reason="not found") from None
    except PermissionError:
        raise ReadError("F001", path=name, reason="permission denied") from None
    except OSError as exc:
        raise ReadError("F001", path=name, reason=exc.strerror or type(exc).__name__) from None
    return decode_source(data, name)


def _too_large(name: str, size: int | None, limit: int) -> ReadError:
    """F003; ``size`` None when it is not known (a device or a pipe: more than the limit)."""
    if size is None or size <= limit:
        return ReadError("F003", path=name, size=f"超过 {limit}", size_en=f"over {limit}", limit=str(limit))
    return ReadError("F003", path=name, size=str(size), limit=str(limit))


def decode_source(data: bytes, name: str, limit: int = MAX_INPUT_BYTES) -> Source:
    if len(data) > limit:
        raise _too_large(name, len(data), limit)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError("F002", path=name, offset=str(exc.start)) from None
    if "\x00" in text:
        raise ReadError("F002", path=name, offset=str(text.index("\x00")))
    return Source(name, text.replace("\r\n", "\n").replace("\r", "\n"))
