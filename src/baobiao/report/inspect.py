"""`baobiao templates check`: what a form's templates use and show, without rendering.

Reports variables a template uses that the render context lacks (with template file and
line), and the form's values that no template shows.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from baobiao.diagnostics.core import Diagnostic, diag
from baobiao.instance.load import Instance
from baobiao.model import Form
from baobiao.report.context import RenderInput, build_context
from baobiao.report.docx import find_template
from baobiao.report.env import environment, search_path, template_error
from baobiao.source import Span

JINJA_TEMPLATES = ("report.html.j2", "report.txt.j2")
EXTRA_NAMES = {"text_width", "loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace"}
TABLE_KEYS = {"sections", "appendix", "tables"}  # each shows every table of the form


def context_keys(form: Form) -> set[str]:
    context = build_context(RenderInput(form, Instance("", {}, None, {})))
    return set(context)


def _names(env: SandboxedEnvironment, name: str, seen: set[str]) -> list[tuple[str, int, str]]:
    """(variable, line, template file) for every top-level name a template and the templates
    it extends or includes read."""
    if name in seen:
        return []
    seen.add(name)
    source, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    tree = env.parse(source, name, filename)
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    assigned |= {m.name for m in tree.find_all(nodes.Macro)}
    found = [
        (n.name, n.lineno, filename or name)
        for n in tree.find_all(nodes.Name)
        if n.ctx == "load" and n.name not in assigned
    ]
    for ref in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        template = getattr(ref, "template", None)
        if isinstance(template, nodes.Const) and isinstance(template.value, str):
            found.extend(_names(env, template.value, seen))
    return found


def check_templates(form: Form, extra: Path | None = None) -> tuple[list[Diagnostic], list[str]]:
    """Problems, and a line per template saying what it uses."""
    keys = context_keys(form) | EXTRA_NAMES
    dirs = search_path(form, extra)
    env = environment(dirs)
    problems: list[Diagnostic] = []
    summary: list[str] = []
    shown_everything = False
    for name in JINJA_TEMPLATES:
        try:
            names = _names(env, name, set())
        except TemplateSyntaxError as exc:
            problems.append(template_error(exc, name))
            continue
        except Exception as exc:  # a missing template
            problems.append(template_error(exc, name))
            continue
        used = {n for n, _, _ in names}
        shown_everything |= bool(used & TABLE_KEYS)
        for var, line, filename in names:
            if var not in keys:
                problems.append(
                    diag(
                        "R506",
                        Span(str(filename), line, 1, line, 2),
                        template=filename,
                        line=str(line),
                        name=var,
                        known="、".join(sorted(keys - EXTRA_NAMES)),
                    )
                )
        summary.append(f"{name}: {', '.join(sorted(used & keys))}")
    try:
        docx_path = find_template(env)
        from docxtpl import DocxTemplate

        used = set(DocxTemplate(str(docx_path)).get_undeclared_template_variables(environment(dirs)))
        shown_everything |= bool(used & TABLE_KEYS)
        for var in sorted(used - keys):
            problems.append(
                diag(
                    "R506",
                    None,
                    template=str(docx_path),
                    line="?",
                    name=var,
                    known="、".join(sorted(keys - EXTRA_NAMES)),
                )
            )
        summary.append(f"report.docx: {', '.join(sorted(used & keys))}")
    except Exception as exc:
        problems.append(template_error(exc, "report.docx"))
    if not shown_everything:  # no template prints the tables: none of the form's values is shown
        unshown = [i.id for i in form.indicators]
        problems.append(diag("R507", None, count=str(len(unshown)), names="、".join(unshown[:20])))
    return problems, summary
