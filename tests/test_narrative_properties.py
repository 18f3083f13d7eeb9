"""Properties of checking a report's text against its tables, over any generated instance of
the built-in forms: text stating the true figures in the words of the form's terms gives no
finding; one figure changed gives exactly one finding, and it names that figure."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baobiao.instance.check import check
from baobiao.instance.load import Instance
from baobiao.instance.narrative import Narrative, Para
from baobiao.model import Form
from baobiao.pipeline import load_spec
from baobiao.testing import Stated, stated_texts, valid_instances

FORMS = ["gov-disclosure-2017", "gov-disclosure-2019", "gov-disclosure-2021"]
TEXT_CODES = {"C411", "C415", "C416", "C417", "C418", "C419"}


def form_of(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


def text_findings(form: Form, instance: Instance, text: str) -> list[tuple[str, object]]:
    report = Narrative(preamble=(Para(text, "$.report.preamble", None),))
    found = check(form, dataclasses.replace(instance, narrative=report)).findings
    return [(d.code, d.args.get("figure")) for d in found if d.code in TEXT_CODES]


@pytest.mark.parametrize("name", FORMS)
def test_true_figures_pass_and_one_changed_figure_is_named(name: str) -> None:
    form = form_of(name)
    assert form.terms

    @settings(max_examples=min(settings().max_examples, 20), suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def run(data: st.DataObject) -> None:
        instance = data.draw(valid_instances(form))
        stated: Stated = data.draw(stated_texts(form, instance))
        if not stated.sentences:
            return
        assert text_findings(form, instance, stated.text) == []
        index = data.draw(st.integers(0, len(stated.figures) - 1))
        by = data.draw(st.integers(1, 9) | st.integers(-9, -1))
        text, figure = stated.changed(index, by)
        assert text_findings(form, instance, text) == [("C411", figure)]

    run()
