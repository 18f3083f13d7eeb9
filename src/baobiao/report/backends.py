"""Back-ends, by name: each turns the render context into the bytes of one output file.
Written atomically (a temporary file in the target folder, then renamed) and never over an
input: baobiao.outputs is the one home of writing (``write_atomically`` is re-exported here)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from baobiao.diagnostics.core import Diagnostic
from baobiao.outputs import write_atomically as write_atomically
from baobiao.report.env import bounded_output, environment, within_budget
from baobiao.report.text_table import DEFAULT_WIDTH


@dataclass(frozen=True, slots=True)
class Options:
    text_width: int = DEFAULT_WIDTH


Backend = Callable[[SandboxedEnvironment, dict[str, Any], Options], bytes]


def environment_for(name: str, dirs: Sequence[Path]) -> SandboxedEnvironment:
    """The Jinja environment back-end ``name`` renders with, for the template search path
    ``dirs``: one per process for each search path, so that templates are compiled once. Jinja
    looks at a template file's time on each use and compiles it again when it has changed; a
    file added to or removed from a folder of the path changes the folder's time, and then a
    new environment looks the templates up again. Word and PDF have one of their own: docxtpl
    switches autoescaping on in the one it is given, which HTML and text must not have."""
    kind = "docx" if name in ("docx", "pdf") else "jinja"
    return _environment(kind, tuple((str(d), _mtime(d)) for d in dirs))


def _mtime(folder: Path) -> int:
    try:
        return folder.stat().st_mtime_ns
    except OSError:
        return -1


@functools.lru_cache(maxsize=32)
def _environment(kind: str, dirs: tuple[tuple[str, int], ...]) -> SandboxedEnvironment:
    return environment([Path(d) for d, _ in dirs])


def _jinja(name: str) -> Backend:
    def render(env: SandboxedEnvironment, context: dict[str, Any], options: Options) -> bytes:
        def run() -> str:  # compiling is inside the budget too: a template nested too deep
            template = env.get_template(name)
            return bounded_output(template.generate(**context, text_width=options.text_width))

        return within_budget(run).encode("utf-8")

    return render


def _docx(env: SandboxedEnvironment, context: dict[str, Any], options: Options) -> bytes:
    from baobiao.report.docx import render_docx

    return within_budget(lambda: render_docx(env, context))


def _pdf(env: SandboxedEnvironment, context: dict[str, Any], options: Options) -> bytes:
    """The Word report printed to PDF by LibreOffice (report.pdf; outside the render budget,
    which counts this process's time: the conversion has its own timeout)."""
    from baobiao.report.pdf import docx_to_pdf

    return docx_to_pdf(_docx(env, context, options))


BACKENDS: dict[str, tuple[str, Backend]] = {
    # name -> (file suffix, renderer)
    "docx": (".docx", _docx),
    "html": (".html", _jinja("report.html.j2")),
    "txt": (".txt", _jinja("report.txt.j2")),
    "pdf": (".pdf", _pdf),
}


def unavailable(targets: tuple[str, ...]) -> list[Diagnostic]:
    """Why some of ``targets`` cannot be written on this machine (R508: ``pdf`` without
    LibreOffice), checked before any work."""
    from baobiao.report.pdf import unavailable as no_pdf

    return [d for d in [no_pdf() if "pdf" in targets else None] if d is not None]
