"""Back-ends, by name: each turns the render context into the bytes of one output file.
Written atomically (a temporary file in the target folder, then renamed)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from baobiao.report.env import bounded_output, within_budget
from baobiao.report.text_table import DEFAULT_WIDTH


@dataclass(frozen=True, slots=True)
class Options:
    text_width: int = DEFAULT_WIDTH


Backend = Callable[[SandboxedEnvironment, dict[str, Any], Options], bytes]


def _jinja(name: str) -> Backend:
    def render(env: SandboxedEnvironment, context: dict[str, Any], options: Options) -> bytes:
        template = env.get_template(name)
        text = within_budget(lambda: bounded_output(template.generate(**context, text_width=options.text_width)))
        return text.encode("utf-8")

    return render


def _docx(env: SandboxedEnvironment, context: dict[str, Any], options: Options) -> bytes:
    from baobiao.report.docx import render_docx

    return within_budget(lambda: render_docx(env, context))


BACKENDS: dict[str, tuple[str, Backend]] = {
    # name -> (file suffix, renderer)
    "docx": (".docx", _docx),
    "html": (".html", _jinja("report.html.j2")),
    "txt": (".txt", _jinja("report.txt.j2")),
}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so that it is either complete or untouched (mode as for a new file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
