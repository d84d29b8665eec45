"""The broken-input corpus: every validation rule has a small package with one defect, and the build
must exit non-zero with the exact located message and leave the release folder untouched."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RELEASE, VERSION, ROOT, run
from tests.fixtures.make_fixtures import HERE, assemble, make_broken

CASES = sorted(p.name for p in (HERE / "broken").iterdir())


def test_minimal_fixture_is_valid(tmp_path, capsys):
    code, err = run(["validate", "--root", str(assemble(HERE / "minimal", tmp_path / "pkg"))], capsys)
    assert code == 0, err


@pytest.mark.parametrize("case", CASES)
def test_broken_input_fails_with_located_message_and_writes_nothing(case, tmp_path, capsys):
    root = assemble(HERE / "broken" / case, tmp_path / "pkg")
    expected = (HERE / "broken" / case / "expected.txt").read_text(encoding="utf-8").strip()
    out = tmp_path / "dist"
    out.mkdir()
    (out / "keep.txt").write_text("existing release folder content\n")
    code, err = run(["--root", str(root), "--out", str(out)], capsys)
    assert code == 1
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_matches_its_generator(tmp_path):
    make_broken(HERE / "minimal", tmp_path)
    assert _tree(tmp_path / "broken") == _tree(HERE / "broken"), "run: python -m tests.fixtures.make_fixtures"


def test_validate_collects_every_failure_not_only_the_first(tmp_path, capsys):
    root = assemble(HERE / "broken" / "impossible_date", tmp_path / "pkg")
    cff = root / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace(f'version: "{VERSION}"', 'version: "9.0.0"'), encoding="utf-8")
    code, err = run(["validate", "--root", str(root)], capsys)
    assert code == 1
    assert "events:4:date: value '2016-02-30' fails check: type is date" in err
    assert f"CITATION.cff:1:version: version '9.0.0' differs from datapackage.json '{VERSION}'" in err


def test_build_script_exits_non_zero_on_broken_input(tmp_path):
    root = assemble(HERE / "broken" / "duplicate_primary_key", tmp_path / "pkg")
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--root", str(root)], capture_output=True, text=True)
    assert result.returncode == 1
    assert (HERE / "broken" / "duplicate_primary_key" / "expected.txt").read_text(encoding="utf-8").strip() in result.stderr
