"""The broken-input corpus, run once: every validation rule has a small package with one defect; the
validator raises a problem of the declared kind at the declared location (table, line, column), and
frictionless agrees that the package is invalid unless the rule is ours alone. The command line fails
on such a package and leaves the release folder untouched."""

import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from frictionless import validate as frictionless_validate

from ddsc.package.kinds import KINDS
from ddsc.validation.validate import validate
from tests.conftest import ROOT, VERSION, run
from tests.fixtures.make_fixtures import HERE, assemble, make_broken

CASES = sorted(p.name for p in (HERE / "broken").iterdir())
# Rules frictionless does not have (citations, cycles, dates, versions, encoding and spreadsheet hygiene): it accepts these by design.
PROJECT_ONLY = {
    "citation_to_missing_record", "crlf_line_ends", "date_without_precision", "end_before_start", "formula_injection",
    "future_date", "look_alike_key", "membership_overlap", "signed_too_long", "authority_without_act", "no_changes_entry", "parent_cycle", "precision_mismatch", "precision_without_date",
    "program_self_parent", "unbalanced_quote", "uncited_record", "utf8_bom", "version_mismatch", "version_not_semver",
    "year_precision_mismatch", "zenodo_version_mismatch",
}


def _expected(case: str) -> tuple[tuple[str, int, str], str]:
    location, kind = (HERE / "broken" / case / "expected.txt").read_text(encoding="utf-8").rstrip("\n").split("\t")
    table, line, column = location.split(":", 2)
    return (table, int(line), column), kind


def _frictionless_valid(root: Path) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return frictionless_validate(str(root / "datapackage.json")).valid


@pytest.mark.slow  # the command line over the whole minimal package (tests/unit/test_fields.py validates it in the fast tier)
def test_minimal_fixture_is_valid(tmp_path, capsys):
    code, err = run(["validate", "--root", str(assemble(HERE / "minimal", tmp_path / "pkg"))], capsys)
    assert code == 0, err


@pytest.mark.slow  # the whole corpus, a whole-package validation each (the rules themselves are tested at their edges in tests/unit)
@pytest.mark.parametrize("case", CASES)
def test_broken_input_raises_its_kind_at_its_location(case, tmp_path):
    root = assemble(HERE / "broken" / case, tmp_path / "pkg")
    where, kind = _expected(case)
    assert kind in KINDS
    found = [((p.table, p.line, p.column), p.kind) for p in validate(root)]
    assert (where, kind) in found, found


@pytest.mark.clients
@pytest.mark.parametrize("case", CASES)
def test_frictionless_agrees_on_the_broken_corpus(case, tmp_path):
    """frictionless (a client researchers use) rejects every broken package too, except where the rule is ours alone."""
    root = assemble(HERE / "broken" / case, tmp_path / "pkg")
    assert _frictionless_valid(root) == (case in PROJECT_ONLY)


@pytest.mark.slow  # a build per case
@pytest.mark.parametrize("case", ["duplicate_primary_key", "dangling_country", "impossible_date", "crlf_line_ends", "version_mismatch"])
def test_build_of_broken_input_prints_the_location_and_writes_nothing(case, tmp_path, capsys):
    root = assemble(HERE / "broken" / case, tmp_path / "pkg")
    (table, line, column), _ = _expected(case)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "keep.txt").write_text("existing release folder content\n")
    code, err = run(["--root", str(root), "--out", str(out)], capsys)
    assert code == 1
    assert any(printed.startswith(f"{table}:{line}:{column}:") for printed in err.splitlines()), err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow  # regenerates the whole corpus
def test_corpus_matches_its_generator(tmp_path):
    make_broken(HERE / "minimal", tmp_path)
    assert _tree(tmp_path / "broken") == _tree(HERE / "broken"), "run: python -m tests.fixtures.make_fixtures"


@pytest.mark.slow
def test_validate_collects_every_failure_not_only_the_first(tmp_path, capsys):
    root = assemble(HERE / "broken" / "impossible_date", tmp_path / "pkg")
    cff = root / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace(f'version: "{VERSION}"', 'version: "9.0.0"'), encoding="utf-8")
    found = {(p.table, p.line, p.column, p.kind) for p in validate(root)}
    assert {("events", 4, "date", "type"), ("CITATION.cff", 1, "version", "version")} <= found


@pytest.mark.slow
def test_build_script_exits_non_zero_on_broken_input(tmp_path):
    root = assemble(HERE / "broken" / "duplicate_primary_key", tmp_path / "pkg")
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--root", str(root)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "programs:6:program_id: duplicate primary key" in result.stderr
