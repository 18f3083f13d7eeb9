"""Figures in the narrative: a paragraph may write ``{{ website }}`` or ``{{ weibo + wechat }}``
and the number comes from the table, so text and table cannot disagree.

Paragraphs are data, possibly received from elsewhere, so they are rendered in Jinja's
sandbox: no attribute of Python objects beyond the values, no file system.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.narrative import Para
from baobiao.instance.values import format_number
from baobiao.model import Form


def _finalize(value: object) -> object:
    if isinstance(value, Decimal):
        return format_number(value)
    if value is None:
        return ""
    return value


_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, finalize=_finalize)


def namespace(form: Form, number: Mapping[str, Decimal | None]) -> dict[str, Any]:
    """Names a paragraph may use: each plain indicator and each column of a one-row table by
    id; each table row by id, holding its cells by column id (``{{ new.total }}``)."""
    names: dict[str, Any] = {}
    for item in form.indicators:
        if item.aliases:  # a cell of a matrix: under its row
            row = names.setdefault(item.parent or "", {})
            if isinstance(row, dict):
                row[item.aliases[0]] = number.get(item.id)
        else:
            names[item.id] = number.get(item.id)
    return names


def render_para(para: Para, names: Mapping[str, Any]) -> tuple[str, list[Diagnostic]]:
    """The paragraph with its figures filled in; on a problem the text as written and a
    diagnostic at the paragraph."""
    if "{" not in para.text:
        return para.text, []
    try:
        return _ENV.from_string(para.text).render(names), []
    except TemplateSyntaxError as exc:
        problem = (exc.message or "").split("\n")[0]
        return para.text, [diag("R501", para.span, data_path=para.path, problem=problem)]
    except UndefinedError as exc:
        name = str(exc.message or "").split("'")[1] if "'" in str(exc.message) else str(exc.message)
        close = difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)
        return para.text, [
            diag(
                "R502",
                para.span,
                data_path=para.path,
                name=name,
                suggestion=f"是不是：{'、'.join(close)}" if close else "用表式里的指标编号，例如 {{ received }}。",
                suggestion_en=f"did you mean: {', '.join(close)}"
                if close
                else "use an id of the form, e.g. {{ received }}.",
            )
        ]
    except SecurityError:
        return para.text, [diag("R503", para.span, data_path=para.path)]
    except (TemplateError, ArithmeticError, TypeError, ValueError) as exc:
        return para.text, [diag("R501", para.span, data_path=para.path, problem=type(exc).__name__)]
