"""Shared fixtures. Hypothesis profiles: ``default`` (quick, for local runs) and ``ci``
(thorough; .ci/run selects it through HYPOTHESIS_PROFILE=ci)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from baobiao.cli import main
from baobiao.model import Form
from baobiao.pipeline import load_spec

# compiled forms are cached in a folder of the test run's own, not the user's ~/.cache
_CACHE = tempfile.mkdtemp(prefix="baobiao-test-cache-")
os.environ["BAOBIAO_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)
# a message naming a parameter its diagnostic lacks is an error, not "{key}" in the text
os.environ["BAOBIAO_STRICT_MESSAGES"] = "1"

settings.register_profile("default", max_examples=40, deadline=None)
settings.register_profile("ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_2017 = ROOT / "examples" / "shandong-fao-2017.yaml"
#: each built-in form's bundled example data file
EXAMPLES = {
    "gov-disclosure-2017": ROOT / "examples" / "shandong-fao-2017.yaml",
    "gov-disclosure-2019": ROOT / "examples" / "city-gov-2019.yaml",
    "gov-disclosure-2021": ROOT / "examples" / "county-dept-2021.yaml",
}


@pytest.fixture(scope="session")
def form2017() -> Form:
    result = load_spec("gov-disclosure-2017")
    assert result.form is not None, result.report.diagnostics
    return result.form


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    """Run the command line in-process; any exception other than SystemExit fails the test,
    which is how "never a traceback" is asserted."""

    def run(*args: str) -> CliResult:
        runner = CliRunner()
        result = runner.invoke(main, list(args), catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)

    return run


def comparable_findings(findings, matrix) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """What a batch finding says, without where: its code and its rule (or its cells); notes
    and the rules a batch does not check are left out (the batch tests compare single-file
    checks with batch checks through it)."""
    batch_rules = {r.id for r in matrix.rules}
    out = set()
    for d in findings:
        if d.severity.value == "note" or (d.rule is not None and d.rule.id not in batch_rules):
            continue
        out.add((d.code, d.rule.id if d.rule else ",".join(sorted(c.id for c in d.cells))))
    return out
