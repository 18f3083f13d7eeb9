"""`baobiao fuzz`: render many generated valid instances through a form's templates and report
the first problem found — a crash, an undefined variable, a value missing from an output — as
the smallest instance hypothesis can shrink it to, saved as a data file."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from random import Random

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample

from baobiao.diagnostics.render import message
from baobiao.instance.check import check
from baobiao.instance.load import Instance
from baobiao.model import Form
from baobiao.report.backends import BACKENDS, Options
from baobiao.report.context import RenderInput, build_context
from baobiao.report.env import TEMPLATE_ERRORS, environment, template_dirs, template_error
from baobiao.testing.strategies import instance_yaml, valid_instances

_TAGS = re.compile(r"<[^>]+>")


def _visible(name: str, data: bytes) -> str | None:
    """The text a reader sees in an output, for txt and html; None for docx."""
    if name == "txt":
        return data.decode("utf-8")
    if name == "html":
        return html.unescape(_TAGS.sub(" ", data.decode("utf-8")))
    return None


def problems(form: Form, instance: Instance, templates: Path | None, targets: tuple[str, ...]) -> list[str]:
    """What goes wrong rendering this instance (empty: nothing)."""
    context = build_context(RenderInput(form, instance))
    found = [message(d, "en") for d in check(form, instance).findings if d.code.startswith("R")]  # the narrative's
    dirs = template_dirs([form.id], templates)
    for name in targets:
        _, backend = BACKENDS[name]
        try:
            data = backend(environment(dirs), context, Options())
        except TEMPLATE_ERRORS as exc:
            d = template_error(exc, name)
            found.append(f"{name}: {message(d, 'en')}")
            continue
        except Exception as exc:  # a crash of a back-end is what fuzzing is for
            found.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        text = _visible(name, data)
        if text is None:
            continue
        squashed = re.sub(r"\s+", "", text)
        for cell_id, value in context["values"].items():
            if value and value not in squashed:
                found.append(f"{name}: the value {value} of {form.path(cell_id)} [{cell_id}] is not in the output")
                break
    return found


@dataclass(frozen=True)
class FuzzResult:
    examples: int
    failure: Instance | None
    problems: tuple[str, ...]
    saved: Path | None


def fuzz(
    form: Form,
    *,
    examples: int = 100,
    seed: int = 0,
    templates: Path | None = None,
    targets: tuple[str, ...] = ("txt", "html", "docx"),
    save_to: Path,
) -> FuzzResult:
    """Search ``examples`` valid instances for one that fails to render; shrink and save it."""
    try:
        failing = find(
            valid_instances(form),
            lambda inst: bool(problems(form, inst, templates, targets)),
            settings=settings(
                max_examples=examples,
                database=None,
                deadline=None,
                phases=[Phase.generate, Phase.shrink],
                suppress_health_check=list(HealthCheck),
            ),
            random=Random(seed),
        )
    except NoSuchExample:
        return FuzzResult(examples, None, (), None)
    found = problems(form, failing, templates, targets)
    save_to.parent.mkdir(parents=True, exist_ok=True)
    from baobiao.report.backends import write_atomically

    write_atomically(save_to, instance_yaml(form, failing).encode("utf-8"))
    return FuzzResult(examples, failing, tuple(found), save_to)
