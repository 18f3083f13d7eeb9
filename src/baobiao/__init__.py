"""baobiao (报表): a spec language, checker and report renderer for statutory statistics forms.

The public API (docs/api.md)::

    import baobiao

    spec = baobiao.load_spec("gov-disclosure-2021")
    result = baobiao.check(spec.form, "report.yaml")
    for d in result.report.diagnostics:
        print(d.code, baobiao.message(d, "en"))

Names are imported when first used, so ``import baobiao`` (and every command line run, which
imports this package first) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> the module that defines it
_EXPORTS = {
    "load_spec": "baobiao.api",
    "compile_spec": "baobiao.api",
    "check": "baobiao.api",
    "render": "baobiao.api",
    "SpecResult": "baobiao.pipeline",
    "DataResult": "baobiao.pipeline",
    "RenderResult": "baobiao.pipeline",
    "Form": "baobiao.model",
    "Report": "baobiao.diagnostics.core",
    "Diagnostic": "baobiao.diagnostics.core",
    "Severity": "baobiao.diagnostics.core",
    "message": "baobiao.diagnostics.render",
    "hint": "baobiao.diagnostics.render",
}

__all__ = [
    "DataResult",
    "Diagnostic",
    "Form",
    "RenderResult",
    "Report",
    "Severity",
    "SpecResult",
    "__version__",
    "check",
    "compile_spec",
    "hint",
    "load_spec",
    "message",
    "render",
]

if TYPE_CHECKING:
    from baobiao.api import check, compile_spec, load_spec, render
    from baobiao.diagnostics.core import Diagnostic, Report, Severity
    from baobiao.diagnostics.render import hint, message
    from baobiao.model import Form
    from baobiao.pipeline import DataResult, RenderResult, SpecResult


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'baobiao' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
