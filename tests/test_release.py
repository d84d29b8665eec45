"""Release integrity: complete or absent, immutable per version, byte-identical rebuilds, verifiable."""

import json
import zipfile

import pytest
from frictionless import validate as frictionless_validate

from ddsc import release
from tests.conftest import RELEASE, VERSION, run


def _build(package, out, capsys, *extra):
    return run(["--root", str(package), "--out", str(out), *extra], capsys)


def _files(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_folder_zip_and_checksums(package, tmp_path, capsys):
    out = tmp_path / "dist"
    code, err = _build(package, out, capsys)
    assert code == 0, err
    folder = out / RELEASE
    assert (folder / "tables" / "programs.csv").read_bytes() == (package / "tables" / "programs.csv").read_bytes()
    assert any(line.endswith("  tables/programs.csv") for line in (folder / "SHA256SUMS").read_text().splitlines())
    with zipfile.ZipFile(out / f"{RELEASE}.zip") as zipped:
        assert {"datapackage.json", "SHA256SUMS", "CITATION.cff", "ddsc.sqlite"} <= set(zipped.namelist())
    assert frictionless_validate(str(folder / "datapackage.json")).valid
    assert f"{len(json.loads((package / 'datapackage.json').read_text())['resources'])} tables" in err and "wrote" in err


def test_two_builds_are_byte_identical(package, tmp_path, capsys):
    assert _build(package, tmp_path / "a", capsys)[0] == 0
    assert _build(package, tmp_path / "b", capsys)[0] == 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_same_content_is_a_no_op_and_changed_content_is_refused_without_force(package, tmp_path, capsys):
    out = tmp_path / "dist"
    assert _build(package, out, capsys)[0] == 0
    first = _files(out)
    code, err = _build(package, out, capsys)
    assert code == 0 and "unchanged" in err and _files(out) == first
    path = package / "tables" / "citations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Adelphi Paper 365", "Adelphi Paper 366"), encoding="utf-8")
    code, err = _build(package, out, capsys)
    assert code == 1 and f"{RELEASE} is already released with different content" in err
    assert _files(out) == first
    code, err = _build(package, out, capsys, "--force")
    assert code == 0
    assert b"Adelphi Paper 366" in (out / RELEASE / "tables" / "citations.csv").read_bytes()


def test_failure_mid_write_leaves_no_release(package, tmp_path, capsys, monkeypatch):
    def broken_zip(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(release, "write_zip", broken_zip)
    out = tmp_path / "dist"
    code, err = _build(package, out, capsys)
    assert code == 1 and "error: disk full" in err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_verify_accepts_a_release_and_names_a_tampered_file(package, tmp_path, capsys, kind):
    out = tmp_path / "dist"
    assert _build(package, out, capsys)[0] == 0
    target = out / (f"{RELEASE}.zip" if kind == "zip" else RELEASE)
    code, err = run(["verify", str(target)], capsys)
    assert code == 0, err
    if kind == "zip":
        with zipfile.ZipFile(target) as zipped:
            members = {n: zipped.read(n) for n in zipped.namelist()}
        members["tables/events.csv"] += b"ev_2016_zz_extra,2016-01-01,day,Extra,summit,,,,,,\n"
        with zipfile.ZipFile(target, "w") as zipped:
            for name, data in members.items():
                zipped.writestr(name, data)
    else:
        (target / "tables" / "events.csv").write_bytes((target / "tables" / "events.csv").read_bytes() + b"ev_2016_zz_extra,2016-01-01,day,Extra,summit,,,,,,\n")
    code, err = run(["verify", str(target)], capsys)
    assert code == 1
    assert "tables/events.csv: checksum mismatch" in err
    assert "events:" in err and "has no record_citations row" in err
