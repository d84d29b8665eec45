"""Release integrity: complete or absent, immutable per version, byte-identical rebuilds, verifiable."""

import json
import zipfile

import pytest
from frictionless import validate as frictionless_validate

from ddsc.release import write
from tests.conftest import RELEASE, ROOT, run

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)


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


def test_two_builds_are_byte_identical(package, built, tmp_path, capsys):
    """A build of the package equals the run's earlier build of the same content (from another folder)."""
    assert _build(package, tmp_path / "again", capsys)[0] == 0
    assert _files(tmp_path / "again") == _files(built.parent)


def test_same_content_is_a_no_op_and_changed_content_is_refused_without_force(package, built, capsys):
    out = built.parent
    first = _files(out)
    code, err = _build(package, out, capsys)
    assert code == 0 and "unchanged" in err and _files(out) == first
    path = package / "tables" / "citations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Arms Export Control Act", "Arms Export Control Act (edited)", 1), encoding="utf-8")
    code, err = _build(package, out, capsys)
    assert code == 1 and f"{RELEASE} is already released with different content" in err
    assert _files(out) == first
    code, err = _build(package, out, capsys, "--force")
    assert code == 0
    assert b"Arms Export Control Act (edited)" in (out / RELEASE / "tables" / "citations.csv").read_bytes()


def test_failure_mid_write_leaves_no_release(package, tmp_path, capsys, monkeypatch):
    def broken_zip(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(write, "write_zip", broken_zip)
    out = tmp_path / "dist"
    code, err = _build(package, out, capsys)
    assert code == 1 and "error: disk full" in err
    assert [p.name for p in out.iterdir()] == [f".{RELEASE}.lock"]  # the lock stays; no release, no temporary folder


@pytest.mark.parametrize("kind", ["zip", "folder"])
def test_verify_accepts_a_release_and_names_a_tampered_file(built, capsys, kind):
    out = built.parent
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


@pytest.mark.parametrize("rel", ["parquet/programs.parquet", "stata/programs.dta", "ddsc.sqlite", "metadata.json", "docs/codebook.md", "README.md"])
def test_verify_checks_the_checksum_of_every_export(built, capsys, rel):
    out = built.parent
    target = out / RELEASE / rel
    target.write_bytes(target.read_bytes() + b"\0")
    code, err = run(["verify", str(out / RELEASE)], capsys)
    assert code == 1 and f"{rel}: checksum mismatch" in err


def test_a_tampered_release_folder_is_not_judged_unchanged(package, built, capsys):
    out = built.parent
    target = out / RELEASE / "tables" / "events.csv"
    target.write_bytes(target.read_bytes().replace(b"enacted", b"enacteD", 1))  # SHA256SUMS left as it was
    code, err = _build(package, out, capsys)
    assert code == 1 and "already released with different content" in err
    assert _build(package, out, capsys, "--force")[0] == 0
    assert run(["verify", str(out / RELEASE)], capsys)[0] == 0


def test_a_second_build_waits_for_the_first_to_finish(package, tmp_path, monkeypatch):
    """Deterministic: the first build holds the lock inside ``stage`` until told to go on; the second build
    must not enter ``stage`` before the first has left it."""
    import threading

    from ddsc.validation.validate import check

    report = check(package)
    out = tmp_path / "dist"
    inside, go, second_entered = threading.Event(), threading.Event(), threading.Event()
    order, real_stage = [], write.stage

    def stage(report_, folder, log=None):
        first = not inside.is_set()
        order.append(("enter", first))
        if first:
            inside.set()
            go.wait(10)
        else:
            second_entered.set()
        paths = real_stage(report_, folder)
        order.append(("leave", first))
        return paths

    monkeypatch.setattr(write, "stage", stage)
    one = threading.Thread(target=write.write_release, args=(report, out))
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=write.write_release, args=(report, out))
    two.start()
    entered_early = second_entered.wait(2)  # with the lock, the second build is blocked: this times out
    go.set()
    one.join(20)
    two.join(20)
    assert not entered_early
    assert order == [("enter", True), ("leave", True), ("enter", False), ("leave", False)]


def test_an_interrupt_during_the_swap_leaves_a_complete_release(package, built, capsys):
    """Deterministic: Ctrl-C arrives right after the first rename of the swap; the swap completes first."""
    import subprocess
    import sys

    out = built.parent
    path = package / "tables" / "citations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Arms Export Control Act", "Arms Export Control Act (new)", 1), encoding="utf-8")
    script = f"""
import os, signal, sys
from pathlib import Path
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even when started where Ctrl-C is ignored
sys.path.insert(0, {str(ROOT)!r})
real = Path.rename
def rename(self, target):
    result = real(self, target)
    os.kill(os.getpid(), signal.SIGINT)  # interrupt after every rename of the swap
    return result
Path.rename = rename
from ddsc.cli import main
sys.exit(main(["--root", {str(package)!r}, "--out", {str(out)!r}, "--force"]))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 130 and "interrupted" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert b"Arms Export Control Act (new)" in (out / RELEASE / "tables" / "citations.csv").read_bytes()
    assert run(["verify", str(out / RELEASE)], capsys)[0] == 0 and run(["verify", str(out / f"{RELEASE}.zip")], capsys)[0] == 0


def test_a_table_saved_during_the_build_is_not_published(package, tmp_path, capsys, monkeypatch):
    """One snapshot per build: a table saved between validation and staging (here by a hook on ``stage``) is
    not what the release holds. Its files, their checksums and the exports are all the bytes that were validated."""
    path = package / "tables" / "citations.csv"
    validated = path.read_bytes()
    real_stage = write.stage

    def stage(report, folder, log=None):
        path.write_bytes(validated.replace(b"Arms Export Control Act", b"Arms Export Control Act (saved during the build)", 1))
        return real_stage(report, folder, log) if log else real_stage(report, folder)

    monkeypatch.setattr(write, "stage", stage)
    out = tmp_path / "dist"
    code, err = _build(package, out, capsys)
    assert code == 0, err
    assert path.read_bytes() != validated  # the edit was saved, during the build
    assert (out / RELEASE / "tables" / "citations.csv").read_bytes() == validated
    with zipfile.ZipFile(out / f"{RELEASE}.zip") as zipped:
        assert zipped.read("tables/citations.csv") == validated
    assert run(["verify", str(out / f"{RELEASE}.zip")], capsys)[0] == 0  # checksums and exports of the same bytes
