"""Shared helpers: a scratch copy of the real package that a test can break."""

import csv
import json
import io
import shutil
from pathlib import Path

import pytest

from ddsc.cli import main

ROOT = Path(__file__).resolve().parents[1]
VERSION = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
RELEASE = f"ddsc-{VERSION}"
PACKAGE_FILES = ("datapackage.json", "CITATION.cff", "CHANGES.md", "README.md", "schemas", "tables", "reference")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the repository's data package in a temporary folder."""
    root = tmp_path / "pkg"
    root.mkdir()
    for name in PACKAGE_FILES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, root / name)
    return root


def table_path(root: Path, table: str) -> Path:
    return root / "tables" / f"{table}.csv"


def read_rows(root: Path, table: str) -> list[dict]:
    with table_path(root, table).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def append_rows(root: Path, table: str, rows: list[dict]) -> int:
    """Append rows (missing columns empty); returns the CSV line number of the first appended row."""
    path = table_path(root, table)
    header = next(csv.reader([path.read_text(encoding="utf-8").split("\n", 1)[0]]))
    first_line = len(path.read_text(encoding="utf-8").splitlines()) + 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row.get(name, "") for name in header] for row in rows])
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(out.getvalue())
    return first_line


def run(args: list[str], capsys) -> tuple[int, str]:
    """Run the CLI in-process; returns the exit code and what it printed to stderr."""
    code = main(args)
    return code, capsys.readouterr().err


def run_out(args: list[str], capsys) -> tuple[int, str]:
    """Run the CLI in-process; returns the exit code and what it printed to stdout."""
    code = main(args)
    return code, capsys.readouterr().out
