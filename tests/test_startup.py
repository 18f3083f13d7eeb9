"""What checking one clean YAML file costs at start-up: none of the heavy libraries (they are for
batches, solving and slipped labels) is imported, in a process of its own as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "scipy", "pyarrow", "numba", "opencc", "rapidfuzz")


def test_checking_one_clean_yaml_file_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from baobiao.cli import main\n"
        "try:\n"
        f"    main(['check', 'gov-disclosure-2021', {str(ROOT / 'examples' / 'county-dept-2021.yaml')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_a_form_compiled_before_is_not_parsed_again(tmp_path: Path) -> None:
    """The second check of a form reads it from the compiled-form cache: the grammar and the
    compiler are not even imported."""
    code = (
        "import sys\n"
        "from baobiao.cli import main\n"
        "try:\n"
        f"    main(['check', 'gov-disclosure-2021', {str(ROOT / 'examples' / 'county-dept-2021.yaml')!r}])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "print(sorted(m for m in ('lark', 'baobiao.syntax.parser', 'baobiao.model.compile') if m in sys.modules))\n"
    )
    env = {**os.environ, "BAOBIAO_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True, env=env)
        for _ in range(2)
    ]
    imported = [run.stdout.strip().splitlines()[-1] for run in runs]
    assert imported == ["['baobiao.model.compile', 'baobiao.syntax.parser', 'lark']", "[]"], imported
