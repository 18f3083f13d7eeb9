"""Source text: reading files safely, line index and spans."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

#: Inputs larger than this are refused before parsing (specs and data files are small).
MAX_INPUT_BYTES = 8 * 1024 * 1024


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
        for i, ch in enumerate(self.text):
            if ch == "\n":
                starts.append(i + 1)
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


def read_source(path: Path, display_name: str | None = None) -> Source:
    """Read a UTF-8 file (a BOM is tolerated). Raises :class:`ReadError`."""
    name = display_name or str(path)
    try:
        if path.is_dir():
            raise ReadError("F001", path=name, reason="is a directory")
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ReadError("F003", path=name, size=str(size), limit=str(MAX_INPUT_BYTES))
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError("F001", path=name, reason="not found") from None
    except PermissionError:
        raise ReadError("F001", path=name, reason="permission denied") from None
    except OSError as exc:
        raise ReadError("F001", path=name, reason=exc.strerror or type(exc).__name__) from None
    return decode_source(data, name)


def decode_source(data: bytes, name: str) -> Source:
    if len(data) > MAX_INPUT_BYTES:
        raise ReadError("F003", path=name, size=str(len(data)), limit=str(MAX_INPUT_BYTES))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError("F002", path=name, offset=str(exc.start)) from None
    if "\x00" in text:
        raise ReadError("F002", path=name, offset=str(text.index("\x00")))
    return Source(name, text.replace("\r\n", "\n").replace("\r", "\n"))
