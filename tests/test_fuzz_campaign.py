"""A bounded run of the standing fuzz campaign (baobiao.testing.mutate): mutants of every input
kind — specs, YAML data files, workbooks, CSV batches, templates, published reports — each in a worker process
under a memory limit and a time budget. Every one must end in diagnostics: no exception, none
over the budget. Long campaigns: benchmarks/fuzz_campaign.py (figures in benchmarks/README.md).
Every failure a campaign finds becomes a case in tests/test_fuzz_regressions.py."""

from __future__ import annotations

import os

from baobiao.testing.mutate import KINDS, campaign

#: mutants per kind: a few minutes in CI
COUNT = int(os.environ.get("BAOBIAO_FUZZ_COUNT", "24"))


def test_every_mutant_of_every_input_kind_ends_in_diagnostics() -> None:
    results = campaign(list(KINDS), COUNT, start=1_000_000)
    assert len(results) == COUNT * len(KINDS)
    failures = [(o.kind, o.seed, o.detail) for o, _ in results if not o.ok]
    slow = [(o.kind, o.seed, round(o.seconds, 1)) for o, _ in results if o.ok and o.seconds > 5.0]
    assert not failures and not slow, (failures, slow)
