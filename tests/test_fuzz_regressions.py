"""Every failure a fuzz campaign found (benchmarks/fuzz_campaign.py), kept: the mutant is made
again from its kind and seed and must now end in diagnostics, within the time budget."""

from __future__ import annotations

import pytest

from baobiao.testing.mutate import TIME_BUDGET, run

FOUND = [
    ("data", 85),  # a run of 20,000 Chinese numerals: figure reading was quadratic (28 s)
    ("data", 124),  # a lone surrogate ("\udc80") reached the encoder in render
    ("data", 133),  # over the time budget
    ("data", 148),  # a lone surrogate in the narrative
    ("template", 105),  # a macro calling itself: RecursionError
    ("template", 131),
    ("template", 5035),  # range(10**9): the sandbox's OverflowError escaped
    ("template", 5277),  # RecursionError
    ("template", 12686),  # a TypeError of the template's own ({{ dict - list }}) escaped
    ("workbook", 48),  # damaged bytes: BadZipFile (bad magic number)
    ("workbook", 69),  # damaged bytes: NotImplementedError (zip version)
    ("workbook", 85),  # damaged bytes: BadZipFile (corrupt extra field)
    ("workbook", 87),
]


@pytest.mark.parametrize(("kind", "seed"), FOUND, ids=[f"{k}-{s}" for k, s in FOUND])
def test_a_mutant_that_once_failed_ends_in_diagnostics(kind: str, seed: int) -> None:
    outcome = run(kind, seed)
    assert outcome.ok, outcome.detail
    assert outcome.seconds < TIME_BUDGET
