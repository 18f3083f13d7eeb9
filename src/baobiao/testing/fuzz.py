"""`baobiao fuzz`: render many generated valid instances through a form's templates and report
the first problem found — a crash, an undefined variable, a value missing from an output — as
the smallest instance hypothesis can shrink it to, saved as a data file. A template error that
does not depend on the data (every instance fails the same way) is told apart and reported
once, without an instance: no instance would help to reproduce it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample

from baobiao.diagnostics.render import message
from baobiao.instance.check import check
from baobiao.instance.load import Instance
from baobiao.model import Form
from baobiao.report.backends import BACKENDS, Options, environment_for
from baobiao.report.context import RenderInput, build_context
from baobiao.report.env import TEMPLATE_ERRORS, search_path, template_error
from baobiao.testing.strategies import instance_yaml, valid_instances

_TAGS = re.compile(r"<[^>]+>")


def _visible(name: str, data: bytes) -> str | None:
    """The text a reader sees in an output, for txt and html; None for docx."""
    if name == "txt":
        return data.decode("utf-8")
    if name == "html":
        return html.unescape(_TAGS.sub(" ", data.decode("utf-8")))
    return None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that went wrong rendering an instance. ``target``: the back-end ("" for a
    finding of the check, such as a figure of the narrative that does not resolve);
    ``template``: a template error or a crash of the back-end (the kind that may not depend on
    the data at all), not a value missing from an output."""

    target: str
    text: str
    template: bool = False

    def __str__(self) -> str:
        return f"{self.target}: {self.text}" if self.target else self.text


def render_problems(
    form: Form, instance: Instance, templates: Path | None, targets: tuple[str, ...], *, findings: bool = True
) -> list[Problem]:
    """What goes wrong rendering this instance (empty: nothing); ``findings``: also the check's
    render findings (the narrative's figures)."""
    context = build_context(RenderInput(form, instance))
    found = (
        [Problem("", message(d, "en")) for d in check(form, instance).findings if d.code.startswith("R")]
        if findings
        else []
    )
    dirs = search_path(form, templates)
    for name in targets:
        _, backend = BACKENDS[name]
        try:
            data = backend(environment_for(name, dirs), context, Options())  # templates compiled once
        except TEMPLATE_ERRORS as exc:
            found.append(Problem(name, message(template_error(exc, name), "en"), template=True))
            continue
        except Exception as exc:  # a crash of a back-end is what fuzzing is for
            found.append(Problem(name, f"{type(exc).__name__}: {exc}", template=True))
            continue
        text = _visible(name, data)
        if text is None:
            continue
        squashed = re.sub(r"\s+", "", text)
        for cell_id, value in context["values"].items():
            if value and value not in squashed:
                found.append(
                    Problem(name, f"the value {value} of {form.path(cell_id)} [{cell_id}] is not in the output")
                )
                break
    return found


def problems(form: Form, instance: Instance, templates: Path | None, targets: tuple[str, ...]) -> list[str]:
    """What goes wrong rendering this instance (empty: nothing), as lines of text."""
    return [str(p) for p in render_problems(form, instance, templates, targets)]


#: how many other instances a template error is tried on before it is called independent of the data
PROBES = 8

#: ``progress(done, total, phase)``: instances rendered so far; phase "generate" (of ``total``) or
#: "shrink" (total 0: as many as it takes)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class FuzzResult:
    """``failure``: the smallest instance found that fails to render (saved to ``saved``) and its
    ``problems``; ``independent``: template errors that do not depend on the data (every
    instance tried fails with them), reported once and not searched further."""

    examples: int
    failure: Instance | None
    problems: tuple[str, ...]
    saved: Path | None
    independent: tuple[str, ...] = ()


def _settings(examples: int, *phases: Phase) -> settings:
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=list(phases),
        suppress_health_check=list(HealthCheck),
    )


def independent_errors(form: Form, templates: Path | None, targets: tuple[str, ...], seed: int = 0) -> list[Problem]:
    """Template errors that do not depend on the data: those of the first instance generated that
    ``PROBES`` other instances show the same (a misspelt variable, a syntax error, a template
    missing). An error some instance renders without depends on the data, and is left to the
    search for the smallest failing instance."""
    first = find(valid_instances(form), lambda _: True, settings=_settings(1, Phase.generate), random=Random(seed))
    out: list[Problem] = []
    for problem in render_problems(form, first, templates, targets, findings=False):
        if not problem.template:
            continue

        def without(instance: Instance, p: Problem = problem) -> bool:
            return p not in render_problems(form, instance, templates, (p.target,), findings=False)

        try:
            find(valid_instances(form), without, settings=_settings(PROBES, Phase.generate), random=Random(seed + 1))
        except NoSuchExample:
            out.append(problem)
    return out


def fuzz(
    form: Form,
    *,
    examples: int = 100,
    seed: int = 0,
    templates: Path | None = None,
    targets: tuple[str, ...] = ("txt", "html", "docx"),
    save_to: Path,
    progress: Progress | None = None,
) -> FuzzResult:
    """Search ``examples`` valid instances for one that fails to render; shrink and save it. A
    template error that does not depend on the data (``independent_errors``) is reported once,
    without an instance, and its back-end is left out of the search."""
    independent = independent_errors(form, templates, targets, seed)
    searched = tuple(t for t in targets if t not in {p.target for p in independent})
    rendered = [0]
    failed = [False]

    def fails(instance: Instance) -> bool:
        rendered[0] += 1
        if progress is not None:
            progress(rendered[0], 0 if failed[0] else examples, "shrink" if failed[0] else "generate")
        found = bool(render_problems(form, instance, templates, searched))
        failed[0] = failed[0] or found
        return found

    shown = tuple(str(p) for p in independent)
    if not searched:  # every back-end fails whatever the data
        return FuzzResult(0, None, (), None, shown)
    try:
        failing = find(
            valid_instances(form),
            fails,
            settings=_settings(examples, Phase.generate, Phase.shrink),
            random=Random(seed),
        )
    except NoSuchExample:
        return FuzzResult(examples, None, (), None, shown)
    found = [str(p) for p in render_problems(form, failing, templates, searched)]
    save_to.parent.mkdir(parents=True, exist_ok=True)
    from baobiao.report.backends import write_atomically

    write_atomically(save_to, instance_yaml(form, failing).encode("utf-8"))
    return FuzzResult(examples, failing, tuple(found), save_to, shown)
