"""Properties over generated data, for every built-in form (hypothesis; the profile sets how many).

- every valid instance checks clean;
- every single-cell break is found: exactly the rules that must fail do, naming the cell;
- messy typing (full-width digits, commas, stray spaces, half-width brackets, "1、", blanks)
  reads as the clean data, and a blank is reported as missing, never as zero;
- rendering never fails and the text output shows every value.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baobiao.instance.check import check, table_cells
from baobiao.instance.load import load_instance
from baobiao.model import Form
from baobiao.pipeline import load_spec
from baobiao.report.backends import BACKENDS, Options
from baobiao.report.context import RenderInput, build_context
from baobiao.report.env import environment, template_dirs
from baobiao.source import Source
from baobiao.testing import Broken, Messy, broken_instances, instance_yaml, messy_data_files, valid_instances
from baobiao.testing.fuzz import problems

FORMS = ["gov-disclosure-2017", "gov-disclosure-2019", "gov-disclosure-2021"]
RULE_CODES = ("C401", "C402", "C403")


def form_of(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


@pytest.mark.parametrize("name", FORMS)
def test_valid_instances_check_clean(name: str) -> None:
    form = form_of(name)

    @given(valid_instances(form))
    def run(instance: object) -> None:
        checked = check(form, instance)  # type: ignore[arg-type]
        assert checked.findings == ()

    run()


@pytest.mark.parametrize("name", FORMS)
def test_every_single_cell_break_is_found(name: str) -> None:
    form = form_of(name)

    @given(broken_instances(form))
    def run(broken: Broken) -> None:
        assert broken.failing, "a cell of an equality changed: some rule must fail"
        findings = check(form, broken.instance).findings
        failed = {d.rule.id for d in findings if d.rule is not None and d.code in RULE_CODES}
        assert failed == set(broken.failing)
        for d in findings:
            if d.code in RULE_CODES:
                assert broken.cell in {c.id for c in d.cells}

    run()


@pytest.mark.parametrize("name", FORMS)
def test_messy_typing_reads_as_the_clean_data(name: str) -> None:
    form = form_of(name)

    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(messy_data_files(form))
    def run(messy: Messy) -> None:
        instance, loaded = load_instance(form, Source("messy.yaml", messy.text))
        assert loaded == [], messy.text
        assert instance is not None
        for cell_id, cell in messy.instance.values.items():
            got = instance.values[cell_id].number
            assert got is None if cell_id in messy.blanks else got == cell.number
        findings = check(form, instance).findings
        missing = {d.cells[0].id for d in findings if d.code == "C404"}
        tables = {t: set(ids) for t, ids in table_cells(form).items() if len(ids) > 1}  # one cell: C404
        wholly_blank = [t for t, ids in tables.items() if ids <= messy.blanks]  # once each (C412)
        assert missing == set(messy.blanks) - {c for t in wholly_blank for c in tables[t]}
        assert len([d for d in findings if d.code == "C412"]) == len(wholly_blank)
        # the true values fill the blanks, so no rule is broken: blanks, and rules they leave open
        assert {d.code for d in findings} <= {"C404", "C405", "C412", "C413"}

    run()


@pytest.mark.parametrize("name", FORMS)
def test_rendering_never_fails_and_shows_every_value(name: str) -> None:
    form = form_of(name)

    @settings(max_examples=min(settings().max_examples, 60), suppress_health_check=[HealthCheck.too_slow])
    @given(valid_instances(form))
    def run(instance: object) -> None:
        assert problems(form, instance, None, ("txt", "html")) == []  # type: ignore[arg-type]

    run()


@pytest.mark.parametrize("name", FORMS)
def test_word_output_renders_for_generated_data(name: str) -> None:
    form = form_of(name)

    @settings(max_examples=min(settings().max_examples, 8), suppress_health_check=[HealthCheck.too_slow])
    @given(valid_instances(form))
    def run(instance: object) -> None:
        context = build_context(RenderInput(form, instance))  # type: ignore[arg-type]
        data = BACKENDS["docx"][1](environment(template_dirs([form.id])), context, Options())
        assert data[:2] == b"PK"

    run()


@pytest.mark.parametrize("name", FORMS)
def test_a_generated_instance_saved_as_yaml_checks_clean(name: str, tmp_path: Path) -> None:
    form = form_of(name)

    @settings(max_examples=min(settings().max_examples, 20))
    @given(valid_instances(form))
    def run(instance: object) -> None:
        text = instance_yaml(form, instance)  # type: ignore[arg-type]
        loaded, problems_ = load_instance(form, Source("saved.yaml", text))
        assert problems_ == [] and loaded is not None
        assert check(form, loaded).findings == ()

    run()


@given(st.data())
def test_the_2021_money_cell_keeps_its_decimals(data: st.DataObject) -> None:
    form = form_of("gov-disclosure-2021")
    instance = data.draw(valid_instances(form))
    value = instance.values["fees.fee_amount"].number
    assert value is not None and value >= 0
    assert -value.as_tuple().exponent <= 4  # type: ignore[operator]
    assert re.fullmatch(r"\d+(\.\d{1,4})?", str(value))
