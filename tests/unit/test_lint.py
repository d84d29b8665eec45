"""The code passes the linter the project pins (ruff, the pyflakes rules of pyproject.toml): no unused
import or name, no undefined name, in the package, the tests, the benchmark and build.py."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is not installed: pip install -r requirements.txt"
    result = subprocess.run([ruff, "check", "--no-cache", "ddsc", "tests", "bench", "build.py"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
