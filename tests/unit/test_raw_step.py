"""The raw inputs of a source step (ddsc/pipeline/raw.py) on a tiny source written here: a listed file is read
(a gzip file uncompressed and checked as its uncompressed bytes); a missing, changed or unlisted file stops
the step with a RawSourceError that names the file."""

import gzip
import hashlib

import pytest

from ddsc.pipeline.raw import RawSourceError, read_raw

SOURCE = "lists"
A, B = b"code,name\n740,Japan\n", b"<xml>report</xml>\n"


def _source(tmp_path, files: dict[str, bytes], listed: dict[str, bytes] | None = None, compressed=False):
    """A package root with ``sources/lists/MANIFEST.csv`` listing ``listed`` (default: ``files``, by their
    uncompressed bytes), and the raw folder ``raw/lists`` holding ``files`` (``.gz`` names written compressed).
    Returns (root, raw root)."""
    listed = files if listed is None else listed
    digest, size = ("sha256_uncompressed", "bytes_uncompressed") if compressed else ("sha256", "bytes")
    lines = [f"file,origin_path,{digest},{size}"] + [f"{name},x/{name},{hashlib.sha256(data).hexdigest()},{len(data)}" for name, data in listed.items()]
    (tmp_path / "sources" / SOURCE).mkdir(parents=True)
    (tmp_path / "sources" / SOURCE / "MANIFEST.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, data in files.items():
        path = tmp_path / "raw" / SOURCE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    (tmp_path / "raw" / SOURCE).mkdir(parents=True, exist_ok=True)
    return tmp_path, tmp_path / "raw"


def test_listed_files_are_read_and_gzip_files_checked_as_their_uncompressed_bytes(tmp_path):
    root, raw = _source(tmp_path, {"b/report.xml.gz": B, "a.csv": A}, compressed=True)
    assert read_raw(root, SOURCE, raw) == {"b/report.xml.gz": B, "a.csv": A}
    assert list(read_raw(root, SOURCE, raw)) == ["b/report.xml.gz", "a.csv"]  # manifest order


def test_a_missing_raw_file_is_named_not_a_bare_file_not_found(tmp_path):
    root, raw = _source(tmp_path, {"a.csv": A}, listed={"a.csv": A, "b/report.csv": B})
    with pytest.raises(RawSourceError, match="^lists/b/report.csv: missing"):
        read_raw(root, SOURCE, raw)


def test_a_missing_raw_folder_names_the_source_and_the_setting(tmp_path):
    root, _ = _source(tmp_path, {"a.csv": A})
    with pytest.raises(RawSourceError, match="lists: raw files not found at .*DDSC_SOURCES"):
        read_raw(root, SOURCE, tmp_path / "elsewhere")


@pytest.mark.parametrize("changed", [A.replace(b"740", b"741"), A + b"\n", A[:-1]])
def test_a_raw_file_that_differs_from_its_manifest_is_named(tmp_path, changed):
    root, raw = _source(tmp_path, {"a.csv": changed, "b.csv": B}, listed={"a.csv": A, "b.csv": B})
    with pytest.raises(RawSourceError, match="^lists/a.csv: differs from its manifest"):
        read_raw(root, SOURCE, raw)


def test_a_gzip_file_is_checked_by_its_uncompressed_bytes_not_its_compressed_ones(tmp_path):
    root, raw = _source(tmp_path, {"r.xml.gz": B.replace(b"report", b"rePort")}, listed={"r.xml.gz": B}, compressed=True)
    with pytest.raises(RawSourceError, match="^lists/r.xml.gz: differs from its manifest"):
        read_raw(root, SOURCE, raw)


def test_a_wrong_size_in_the_manifest_is_refused_even_with_the_right_checksum(tmp_path):
    root, raw = _source(tmp_path, {"a.csv": A})
    manifest = root / "sources" / SOURCE / "MANIFEST.csv"
    manifest.write_text(manifest.read_text().replace(f",{len(A)}\n", f",{len(A) + 1}\n"))
    with pytest.raises(RawSourceError, match="^lists/a.csv: differs from its manifest"):
        read_raw(root, SOURCE, raw)


def test_a_file_the_manifest_does_not_list_stops_the_step_naming_it(tmp_path):
    root, raw = _source(tmp_path, {"a.csv": A, "b/new_report.xml.gz": B}, listed={"a.csv": A})
    with pytest.raises(RawSourceError, match="^lists: b/new_report.xml.gz is not listed in sources/lists/MANIFEST.csv"):
        read_raw(root, SOURCE, raw)


def test_the_folders_own_manifest_and_licence_are_not_inputs(tmp_path):
    root, raw = _source(tmp_path, {"a.csv": A})
    for name in ("MANIFEST.csv", "LICENSE.md", "LICENSE-NOTE.md"):
        (raw / SOURCE / name).write_text("x")
    assert read_raw(root, SOURCE, raw) == {"a.csv": A}
    (raw / SOURCE / "b").mkdir()
    (raw / SOURCE / "b" / "LICENSE.md").write_text("x")  # only at the top of the folder
    with pytest.raises(RawSourceError, match="b/LICENSE.md is not listed"):
        read_raw(root, SOURCE, raw)



@pytest.mark.parametrize("damage", [lambda data: data[:-6], lambda data: data[:10] + b"\xff" * 8 + data[18:], lambda data: b"not gzip"],
                         ids=["cut short", "bytes overwritten", "not gzip"])
def test_a_gzip_file_that_no_longer_decompresses_is_named(tmp_path, damage):
    root, raw = _source(tmp_path, {"r.xml.gz": B}, compressed=True)
    path = raw / SOURCE / "r.xml.gz"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(RawSourceError, match="^lists/r.xml.gz: differs from its manifest"):
        read_raw(root, SOURCE, raw)
