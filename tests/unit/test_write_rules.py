"""The release writer's test of whether a release already written is the one it would write again."""

import shutil

from ddsc.package.checksums import SUMS, checksums
from ddsc.release.write import _same_folder


def _release(folder, text="x\n1\n"):
    folder.mkdir()
    (folder / "a.csv").write_text(text)
    (folder / SUMS).write_text(checksums(folder, ["a.csv"]))
    return folder


def test_an_old_release_is_the_same_only_when_its_own_files_still_match_its_sums(tmp_path):
    new = _release(tmp_path / "new")
    old = tmp_path / "old"
    shutil.copytree(new, old)
    assert _same_folder(old, new)
    (old / "a.csv").write_text("x\n2\n")  # edited after it was written: its SHA256SUMS, equal to the new one's, no longer holds
    assert not _same_folder(old, new)


def test_an_old_release_with_other_sums_or_other_files_is_not_the_same(tmp_path):
    new = _release(tmp_path / "new")
    assert not _same_folder(_release(tmp_path / "other", "x\n3\n"), new)
    extra = tmp_path / "extra"
    shutil.copytree(new, extra)
    (extra / "b.csv").write_text("y\n")
    assert not _same_folder(extra, new)
    assert not _same_folder(tmp_path / "missing", new)


def test_a_release_zip_that_differs_is_not_replaced_without_force(tmp_path):
    import pytest

    from ddsc.package.source import Source
    from ddsc.release.write import ReleaseExists, write_release
    from ddsc.validation.validate import check
    from tests.fixtures.tiny import tiny

    report = check(Source(tiny(tmp_path / "pkg"), snapshot=True))
    out = tmp_path / "dist"
    folder, archive, written = write_release(report, out)
    assert written and not write_release(report, out)[2]  # the same release again: nothing written
    archive.write_bytes(archive.read_bytes() + b"edited")
    edited = archive.read_bytes()
    with pytest.raises(ReleaseExists):
        write_release(report, out)
    assert archive.read_bytes() == edited
    shutil.rmtree(folder)  # the folder gone, the zip still another: still refused
    with pytest.raises(ReleaseExists):
        write_release(report, out)
    assert write_release(report, out, force=True)[2] and archive.read_bytes() != edited
