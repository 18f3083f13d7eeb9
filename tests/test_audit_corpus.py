"""`baobiao audit` on the corpus of published reports (tests/data/published: web pages, Word
files, PDFs and text in the styles agencies publish, with hand-written expectations): every
value cell read as printed, the form and the agency and year found, every planted mistake
found, and no error in a report that has none."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from baobiao.audit.run import Audited, audit
from baobiao.diagnostics.core import Severity
from baobiao.diagnostics.render import message

CORPUS = ROOT / "tests" / "data" / "published"
EXPECTED = sorted(CORPUS.glob("*.expected.yaml"))


def expectation(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def audited(expected: dict[str, object]) -> Audited:
    """The document audited, with the report of the year before it when the corpus has it."""
    document = CORPUS / str(expected["document"])
    before = expected.get("pair_with")
    paths = [CORPUS / str(before), document] if before else [document]
    return audit(paths, None, {})[-1]


@pytest.mark.parametrize("path", EXPECTED, ids=[p.name.removesuffix(".expected.yaml") for p in EXPECTED])
def test_a_published_report_audits_to_its_values_and_findings(path: Path) -> None:
    expected = expectation(path)
    result = audited(expected)
    found = result.report.diagnostics
    codes = {d.code for d in found}
    mistakes = expected.get("mistakes") or []
    assert isinstance(mistakes, list)
    for mistake in mistakes:
        named = [{c.id for c in d.cells} for d in found if d.code == mistake["code"]]
        assert named and set(mistake.get("cells") or ()) <= set().union(*named), (
            mistake,
            sorted((d.code, tuple(c.id for c in d.cells)) for d in found),
        )
    if expected["values"] == {}:  # a scan: nothing to read
        assert result.read.instance is None or not result.read.instance.values
        return
    extraction = result.read.extraction
    instance = result.read.instance
    assert extraction is not None and extraction.form is not None and instance is not None, sorted(codes)
    assert extraction.form.id == expected["form"]
    meta = expected["meta"]
    assert isinstance(meta, dict)
    assert instance.meta.get("agency") == meta["agency"] and instance.year == meta["year"]
    values = expected["values"]
    assert isinstance(values, dict)
    cells = {i.id for i in extraction.form.indicators}
    wrong = {}
    for cell_id, value in values.items():
        if cell_id not in cells:  # a subtotal printed beside its parts, or a row of an earlier form
            continue
        got = instance.values.get(cell_id)
        number = got.number if got is not None else None
        if number != (Decimal(str(value)) if value is not None else None):
            wrong[cell_id] = (value, got.text if got is not None else "(not read)")
    assert not wrong, wrong
    missing = set(expected.get("missing_tables") or ())  # type: ignore[call-overload]
    for table in extraction.form.tables:
        if table.id in missing:
            assert any(d.code == "A101" and table.label in message(d, "zh") for d in found), table.label
    if not mistakes and not missing:  # a report without mistakes: no error at all
        errors = [(d.code, [c.id for c in d.cells]) for d in found if d.severity is Severity.ERROR]
        assert not errors, errors
