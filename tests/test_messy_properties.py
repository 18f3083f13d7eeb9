"""Properties of reading real reports, over any generated instance of the built-in forms:

- labels printed as reports print them (traditional script, a bracketed note dropped or added,
  one character mistyped where no other label comes near) are read where they belong, with
  warnings only;
- blanking cells never makes a failing rule silent: with the wrong cell still there, every
  rule it breaks is still reported (broken, not checkable, or contradicting another rule).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from baobiao.diagnostics.core import Severity
from baobiao.instance.check import check
from baobiao.model import Form
from baobiao.pipeline import check_data, load_spec
from baobiao.testing import Broken, Slipped, broken_instances, make_instance, slipped_data_files

FORMS = ["gov-disclosure-2017", "gov-disclosure-2019", "gov-disclosure-2021"]
RULE_FINDINGS = ("C401", "C402", "C403", "C405", "C413")


def form_of(name: str) -> Form:
    form = load_spec(name).form
    assert form is not None
    return form


@pytest.mark.parametrize("name", FORMS)
def test_slipped_labels_are_read_with_warnings_only(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    form = form_of(name)
    folder = tmp_path_factory.mktemp(name)

    @settings(max_examples=min(settings().max_examples, 25), suppress_health_check=[HealthCheck.too_slow])
    @given(slipped_data_files(form))
    def run(slipped: Slipped) -> None:
        path = folder / "data.yaml"
        path.write_text(slipped.text, encoding="utf-8")
        result = check_data(form, path, {})
        errors = [(d.code, d.args.get("key")) for d in result.report.diagnostics if d.severity is Severity.ERROR]
        assert not errors
        assert result.instance is not None
        read = {i: c.number for i, c in result.instance.values.items()}
        assert read == {i: c.number for i, c in slipped.instance.values.items()}
        warned = {str(d.args.get("key")) for d in result.report.diagnostics if d.code in ("D316", "D324")}
        # a warning names a key (or a path of labels) that has a label written otherwise
        assert all(any(slip in key for slip in slipped.slips) for key in warned)
        if slipped.slips:
            assert warned, "a slipped label is read silently"

    run()


@pytest.mark.parametrize("name", FORMS)
def test_blanks_never_silence_a_broken_rule(name: str) -> None:
    form = form_of(name)

    @settings(max_examples=min(settings().max_examples, 30), suppress_health_check=[HealthCheck.too_slow])
    @given(broken_instances(form), st.data())
    def run(broken: Broken, data: st.DataObject) -> None:
        others = sorted(c for c in broken.instance.values if c != broken.cell)
        blank = set(data.draw(st.lists(st.sampled_from(others), max_size=12)))
        values: dict[str, Decimal | None] = {
            i: (None if i in blank else c.number) for i, c in broken.instance.values.items()
        }
        findings = check(form, make_instance(form, broken.instance.meta, values)).findings
        named = {d.rule.id for d in findings if d.rule is not None and d.code in RULE_FINDINGS}
        together = " ".join(str(d.args.get("rules", "")) for d in findings if d.code == "C414")
        silent = [r for r in broken.failing if r not in named and f"{r}（" not in together]
        assert not silent, (broken.cell, sorted(blank), silent)

    run()
