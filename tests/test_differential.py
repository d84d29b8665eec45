"""Same verdicts as frictionless: on every broken fixture and on generated packages with injected
defects, our validator rejects whatever frictionless rejects, and locates each defect.

Some rules are ours alone (citations, cycles, date order and precision, versions, encoding and
spreadsheet hygiene): frictionless accepts those fixtures by design, and the test pins that list.
"""

import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from frictionless import validate as frictionless_validate

from bench.generate import DEFECTS, write
from ddsc.validate import validate
from tests.fixtures.make_fixtures import HERE, assemble

PROJECT_ONLY = {
    "citation_to_missing_record", "crlf_line_ends", "date_without_precision", "end_before_start", "formula_injection",
    "future_date", "header_only", "no_changes_entry", "parent_cycle", "precision_mismatch", "precision_without_date",
    "program_self_parent", "unbalanced_quote", "uncited_record", "utf8_bom", "version_mismatch", "version_not_semver",
    "year_precision_mismatch", "zenodo_version_mismatch",
}
CASES = sorted(p.name for p in (HERE / "broken").iterdir())


def _frictionless_valid(root: Path) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return frictionless_validate(str(root / "datapackage.json")).valid


KINDS = {"type", "enum", "constraint", "required", "unique", "primary-key", "foreign-key", "citation-target", "uncited", "header", "row-shape",
         "blank-line", "encoding", "missing-file", "unsafe-path", "precision", "date-order", "future-date", "cycle", "version"}


@pytest.mark.parametrize("case", CASES)
def test_broken_fixture_verdicts_match_frictionless(case, tmp_path):
    root = assemble(HERE / "broken" / case, tmp_path / "pkg")
    problems = validate(root)
    table, line, column = (HERE / "broken" / case / "expected.txt").read_text(encoding="utf-8").split(":", 3)[:3]
    located = [p for p in problems if (p.table, str(p.line), p.column) == (table, line, column)]
    assert located and all(p.kind in KINDS for p in located), [(str(p), p.kind) for p in problems]
    assert _frictionless_valid(root) == (case in PROJECT_ONLY)


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
