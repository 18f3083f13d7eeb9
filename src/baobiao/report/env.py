"""The one Jinja environment for report templates: sandboxed (a template received from
elsewhere cannot reach Python internals or the file system), strict about undefined
variables, autoescaping HTML. Template errors become diagnostics with file and line."""

from __future__ import annotations

import ctypes
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateRuntimeError,
    TemplateSyntaxError,
    UndefinedError,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.model import Form
from baobiao.report.text_table import text_table
from baobiao.resources import data_dir
from baobiao.source import Span

T = TypeVar("T")


def template_dirs(form_ids: Sequence[str], extra: Path | None = None) -> list[Path]:
    """Where templates are looked up for the forms ``form_ids`` (most specific first): a user's
    folder first (its subfolder of each form, then the folder itself), then the built-in folder
    of each form, then the shared base templates (found by their own name, report.html.j2, for
    a form with no folder of its own; the forms' templates extend them as base/report.html.j2,
    and may extend another form's as gov-disclosure-2019/report.html.j2)."""
    root = data_dir("templates")
    dirs = [*(extra / f for f in form_ids), extra] if extra is not None else []
    return [*dirs, *(root / f for f in form_ids), root, root / "base"]


def search_path(form: Form, extra: Path | None = None) -> list[Path]:
    """The one search path of a form's templates, for every back-end, ``templates check`` and
    ``fuzz``: the user's folder, the form's own folder, the folder of each form it extends
    (nearest first: a provincial variant of gov-disclosure-2021 uses 2021's templates, then
    2019's), then templates/base/."""
    return template_dirs((form.id, *form.lineage), extra)


#: processor seconds one template may take to render (4: a report renders in well under one, and
#: checking and writing around it stay within the 5 s any input must end in), and characters it may write
RENDER_SECONDS = 4.0
RENDER_CHARS = 50_000_000
#: a string or list a template may build with * (the sandbox already bounds range())
MAX_REPEAT = 1_000_000


class RenderBudgetExceeded(TemplateRuntimeError):
    """A template ran past its time or output budget (a loop or a product too large)."""


class _BudgetedEnvironment(SandboxedEnvironment):
    """The sandbox, with ``*`` and ``**`` bounded: "x" * 10**9 is an error, not 1 GB."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 1000:
            raise RenderBudgetExceeded("幂太大 / exponent too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) and len(seq) * times > MAX_REPEAT:
                    raise RenderBudgetExceeded("重复的内容太长 / a repeated string or list too long")
        return super().call_binop(context, operator, left, right)


def within_budget(render: Callable[[], T], seconds: float | None = None) -> T:
    """``render()``, stopped (RenderBudgetExceeded) once it has used ``seconds`` of processor time
    (or ten times that of wall time: a loaded machine slows a render, it does not stop it): a
    watchdog raises the exception in this thread at its next Python step (templates compile to
    Python code)."""
    seconds = RENDER_SECONDS if seconds is None else seconds
    target = threading.get_ident()
    lock = threading.Lock()
    done = threading.Event()
    fired: list[bool] = []
    cpu, wall = time.process_time(), time.monotonic()

    def watch() -> None:
        while not done.wait(0.05):
            if time.process_time() - cpu > seconds or time.monotonic() - wall > 10 * seconds:
                with lock:
                    if not done.is_set():
                        fired.append(True)
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(target), ctypes.py_object(RenderBudgetExceeded)
                        )
                return

    watchdog = threading.Thread(target=watch, daemon=True)
    watchdog.start()
    try:
        return render()
    except RecursionError as exc:  # a macro calling itself, or nesting too deep to compile
        raise RenderBudgetExceeded("模板递归或嵌套太深 / the template recurses or nests too deep") from exc
    except OverflowError as exc:  # the sandbox's own refusal of range(10**9)
        raise RenderBudgetExceeded(f"{exc}") from exc
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:  # the template's own slip
        raise TemplateRuntimeError(f"{type(exc).__name__}: {exc}") from exc
    except RenderBudgetExceeded as exc:
        if not fired:
            raise
        raise RenderBudgetExceeded(f"渲染超过 {seconds:g} 秒 / rendering took over {seconds:g} s") from exc
    finally:
        with lock:
            done.set()
            if fired:  # sent, perhaps not yet raised: withdraw it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)


def bounded_output(chunks: Iterable[str], limit: int = RENDER_CHARS) -> str:
    """The chunks a template generates, joined, stopping once they pass ``limit`` characters."""
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise RenderBudgetExceeded(f"输出超过 {limit:,} 个字符 / output over {limit:,} characters")
        out.append(chunk)
    return "".join(out)


def environment(dirs: list[Path]) -> SandboxedEnvironment:
    env = _BudgetedEnvironment(
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
    elif isinstance(exc, RenderBudgetExceeded):
        problem = str(exc)
        hint_zh = "模板里的循环或运算太大；渲染有时间和输出长度的上限。"
        hint_en = "a loop or product in the template is too large; rendering has a time and output budget."
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
