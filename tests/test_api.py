"""The public API (docs/api.md): its example runs as documented, every exported name resolves,
importing the package costs nothing, and one result convention holds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import baobiao

ROOT = Path(__file__).resolve().parents[1]


def test_the_documented_example_runs_and_prints_what_the_page_says() -> None:
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", page, re.S)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "False 3 errors"
    errors = [line.split()[1:3] for line in lines if line.startswith("error ")]
    # from the mistakes file: 其中 2 above its total 1 (line 23), 收到申请数 1 for parts of 2 (line 30),
    # 电子文件数 written "-" (line 68)
    assert errors == [["C402", "23:25"], ["C401", "30:15"], ["C404", "68:13"]]
    assert "True ['shandong-fao-2017.html', 'shandong-fao-2017.txt']" in lines
    assert lines[-1] == "None [('S206', 4)]"


def test_every_exported_name_resolves_and_nothing_else_does() -> None:
    for name in baobiao.__all__:
        assert getattr(baobiao, name) is not None, name
    assert set(baobiao.__all__) == {"__version__", *baobiao._EXPORTS}
    with pytest.raises(AttributeError):
        baobiao.no_such_name  # noqa: B018


def test_importing_the_package_imports_nothing_else() -> None:
    code = "import sys, baobiao; print(sorted(m for m in sys.modules if m.startswith('baobiao')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "['baobiao']"


def test_last_years_problems_come_in_the_same_report_under_its_name(tmp_path: Path) -> None:
    spec = baobiao.load_spec("gov-disclosure-2021")
    assert spec.form is not None
    last_year = tmp_path / "last.yaml"
    text = (ROOT / "examples" / "county-dept-2020.yaml").read_text(encoding="utf-8")
    last_year.write_text(text.replace("values:\n", "values:\n  没有这一栏: 1\n", 1), encoding="utf-8")
    result = baobiao.check(spec.form, ROOT / "examples" / "county-dept-2021.yaml", previous=last_year)
    assert result.report.not_checked == ()  # the cross-year rules were checked against it
    theirs = [d for d in result.report.diagnostics if d.span is not None and d.span.file == str(last_year)]
    assert [d.span.line for d in theirs if d.span] == [13]  # the unknown label, where it is in that file
    assert str(last_year) in result.report.sources and result.checked is not None
