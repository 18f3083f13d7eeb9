"""Templates a user chooses stay sandboxed Jinja, with a budget: a loop that runs too long, a
product too large or an output too long ends in a diagnostic naming the template."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from jinja2 import DictLoader

from baobiao.report import env as env_module
from baobiao.report.env import RenderBudgetExceeded, bounded_output, environment, within_budget

ROOT = Path(__file__).resolve().parents[1]

HOSTILE = {
    "nested-loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "string-product": "{{ 'x' * 1000000000 }}",
    "list-product": "{{ ([1] * 100000) * 100000 }}",
    "power": "{{ 9 ** 99999999 }}",
    "long-output": "{% for i in range(100000) %}{{ 'y' * 1000 }}{% endfor %}",
    "macro-recursion": "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}",
    "macro-loop": "{% macro m(n) %}{% for i in range(100000) %}{{ n }}{% endfor %}{% endmacro %}"
    "{% for i in range(100000) %}{{ m(i) | length }}{% endfor %}",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_template_stops_within_its_budget(name: str) -> None:
    env = environment([])
    env.loader = DictLoader(HOSTILE)
    start = time.process_time()
    with pytest.raises(RenderBudgetExceeded):
        within_budget(lambda: bounded_output(env.get_template(name).generate(), 5_000_000), 1.0)
    assert time.process_time() - start < 3.0
    assert sum(range(1000)) == 499500  # the thread goes on normally afterwards


def test_render_with_a_looping_template_is_a_diagnostic(
    run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(env_module, "RENDER_SECONDS", 1.0)
    folder = tmp_path / "tpl" / "gov-disclosure-2021"
    folder.mkdir(parents=True)
    (folder / "report.txt.j2").write_text(HOSTILE["nested-loops"], encoding="utf-8")
    data = ROOT / "examples" / "county-dept-2021.yaml"
    args = ["render", "gov-disclosure-2021", str(data), "--templates", str(tmp_path / "tpl"), "--to", "txt"]
    result = run_cli(*args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "R504" in result.stdout + result.stderr and "1 秒" in result.stdout + result.stderr
    assert not (tmp_path / "out" / "county-dept-2021.txt").exists()
