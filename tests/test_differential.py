"""Same verdicts as frictionless on generated packages: clean ones pass both, and each injected defect
is rejected by both and located by ours. (The broken corpus is compared with frictionless in test_broken.py.)
frictionless is a client researchers use: these tests carry the ``clients`` marker, as the corpus comparison does."""

import shutil
import warnings
from pathlib import Path

import pytest
from frictionless import validate as frictionless_validate

from tests.fixtures.generate import DEFECTS, write
from ddsc.validation.validate import validate
from tests.fixtures.make_fixtures import HERE, assemble

pytestmark = pytest.mark.clients


def _frictionless_valid(root: Path) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return frictionless_validate(str(root / "datapackage.json")).valid


def test_clean_packages_pass_both(tmp_path):
    for root in (assemble(HERE / "minimal", tmp_path / "minimal"), write(300, tmp_path / "synthetic")):
        assert validate(root) == []
        assert _frictionless_valid(root)


def _inject(root: Path, defect: str, row: int) -> tuple[str, int, str]:
    """Write one generated defect into data row ``row``; returns its table, CSV line and column."""
    table, column, value = DEFECTS[defect]
    path = root / "tables" / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row + 1].split(",")
    cells[header.index(column)] = lines[1].split(",")[header.index(column)] if value is None else value
    lines[row + 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return table, row + 2, column


def _located(problems, table: str, line: int, column: str) -> bool:
    return any(p.table == table and p.line == line and p.column == column for p in problems)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated 1,500-row package, written once; each test breaks a copy."""
    return write(1500, tmp_path_factory.mktemp("generated") / "pkg")


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_generated_defects_rejected_by_both_and_located(defect, generated, tmp_path):
    root = tmp_path / "pkg"
    shutil.copytree(generated, root)
    where = _inject(root, defect, 1000)
    problems = validate(root)
    assert _located(problems, *where), [str(p) for p in problems]
    assert not _frictionless_valid(root)
