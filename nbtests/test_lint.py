"""Lint: ruff over the library, the tests and the chapter sources."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "solutions").glob("*.py"))
    targets = ["utils", "nbtests", "benchmarks", "conftest.py", *sources]
    result = subprocess.run([str(ruff), "check", *targets], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
