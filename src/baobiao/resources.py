"""Where the grammar, the built-in specs and the templates live.

In a wheel they are inside the package (``baobiao/_data``); in a source checkout (editable
install) they are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(kind: str) -> Path:
    """The folder of ``kind`` ("grammar", "specs" or "templates")."""
    bundled = _PACKAGE / "_data" / kind
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parents[1] / kind


def builtin_specs() -> dict[str, Path]:
    """Built-in form names -> spec files."""
    folder = data_dir("specs")
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.spec"))}
