"""The one Jinja environment for report templates: sandboxed (a template received from
elsewhere cannot reach Python internals or the file system), strict about undefined
variables, autoescaping HTML. Template errors become diagnostics with file and line."""

from __future__ import annotations

import traceback
from pathlib import Path

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.report.text_table import text_table
from baobiao.resources import data_dir
from baobiao.source import Span


def template_dirs(form_ids: list[str], extra: Path | None = None) -> list[Path]:
    """Where a form's templates are looked up: a user's folder first, then the form's own
    folder and those of the forms it extends, then the shared base templates."""
    root = data_dir("templates")
    dirs = [extra / f for f in form_ids] + [extra] if extra is not None else []
    return [*dirs, *(root / f for f in form_ids), root]


def environment(dirs: list[Path]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2", "xml"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["text_table"] = text_table
    return env


def template_error(exc: Exception, name: str) -> Diagnostic:
    """A diagnostic for a failed template, naming the template file and line."""
    line = getattr(exc, "lineno", None)
    filename = getattr(exc, "filename", None) or name
    if line is None:  # runtime errors: Jinja rewrites tracebacks to template lines
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename and (frame.filename.endswith((".j2", ".xml")) or frame.filename == filename):
                filename, line = frame.filename, frame.lineno
                break
    if isinstance(exc, UndefinedError):
        problem = str(exc.message or exc)
        hint_zh = "模板用了渲染数据里没有的变量；`baobiao templates check SPEC` 列出可用的变量。"
        hint_en = "the template uses a variable the context lacks; `baobiao templates check SPEC` lists them."
    elif isinstance(exc, SecurityError):
        problem = "不安全的操作 / unsafe operation"
        hint_zh = "模板在沙箱中渲染，不能访问程序内部。"
        hint_en = "templates render in a sandbox and cannot reach Python internals."
    elif isinstance(exc, TemplateNotFound):
        problem = f"找不到模板 {exc.name} / template not found"
        hint_zh = "检查 templates/<表式>/ 目录。"
        hint_en = "check the templates/<form>/ folder."
    else:
        problem = str(getattr(exc, "message", None) or exc).split("\n")[0]
        hint_zh = "检查模板语法（{{ }}、{% %} 是否成对）。"
        hint_en = "check the template syntax ({{ }} and {% %} come in pairs)."
    span = Span(str(filename), int(line), 1, int(line), 2) if line else None
    return diag(
        "R504",
        span,
        template=str(filename),
        line=str(line or "?"),
        problem=problem,
        hint=hint_zh,
        hint_en=hint_en,
    )


TEMPLATE_ERRORS = (TemplateError, TemplateSyntaxError, UndefinedError, SecurityError)
