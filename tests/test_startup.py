"""What checking one clean YAML file costs at start-up: none of the heavy libraries (they are for
batches, solving and slipped labels) is imported, in a process of its own as a user runs it."""

from __future__ import annotations

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
