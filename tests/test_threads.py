"""baobiao as a library under threads (a server, a notebook, a parallel test runner): the same
answers from many threads at once as from one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from baobiao.model import Form
from baobiao.pipeline import SpecResult, check_data, compile_source
from baobiao.resources import builtin_specs
from baobiao.source import Source, read_source
from tests.conftest import EXAMPLES

BROKEN = 'form broken-1 "坏表"\nsection s "甲"\n  a "乙" 件 = sum\n    b "丙" 件\n   c "丁" 件\n'


def _compiled(name: str) -> SpecResult:
    if name == "broken":
        return compile_source(Source("broken.spec", BROKEN))
    path = builtin_specs()[name]
    return compile_source(read_source(path, f"<{name}>"), path)


def test_specs_compiled_from_many_threads_at_once_give_the_answers_of_one() -> None:
    names = [*builtin_specs(), "broken"]
    alone = {name: _compiled(name) for name in names}
    assert alone["broken"].form is None and alone["broken"].report.diagnostics  # a real syntax error
    jobs = names * 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(_compiled, jobs))
    for name, result in zip(jobs, results, strict=True):
        assert result.form == alone[name].form, name
        assert result.report.diagnostics == alone[name].report.diagnostics, name


def test_data_checked_from_many_threads_at_once_gives_the_findings_of_one() -> None:
    forms: dict[str, Form] = {}
    for name in EXAMPLES:
        form = _compiled(name).form
        assert form is not None
        forms[name] = form

    def findings(name: str) -> object:
        return check_data(forms[name], EXAMPLES[name], {}).report.diagnostics

    alone = {name: findings(name) for name in EXAMPLES}
    jobs = list(EXAMPLES) * 20
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(findings, jobs))
    for name, diagnostics in zip(jobs, found, strict=True):
        assert diagnostics == alone[name], name
