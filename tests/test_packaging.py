"""A wheel built from the repository carries the grammar and the built-in specs: installed
elsewhere and run from another directory, `baobiao check` works."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import EXAMPLE_2017, ROOT


def test_wheel_runs_from_another_directory(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("baobiao-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "baobiao/_data/grammar/baobiao.lark" in names
    assert "baobiao/_data/specs/gov-disclosure-2017.spec" in names

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import sys, baobiao, baobiao.resources as r;"
        "assert baobiao.__file__.startswith(sys.argv[1]), baobiao.__file__;"
        "assert str(r.data_dir('specs')).startswith(sys.argv[1]);"
        "from baobiao.cli import main; main(['check', 'gov-disclosure-2017', sys.argv[2]])"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(target), str(EXAMPLE_2017)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "通过校验" in run.stderr
