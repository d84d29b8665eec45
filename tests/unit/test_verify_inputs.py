"""verify on the inputs it is handed: cells read back as Python objects, a Parquet file of reordered columns or not
Parquet at all, the rows that decide a Stata file's text widths, files that cannot be read safely or differ from
what the build writes, a digest given for a folder without SHA256SUMS, and a release that does not verify."""

import os
from types import SimpleNamespace

import pandas as pd
import pytest

from ddsc.package.problems import Problem
from ddsc.package.source import ReleaseError, Source
from ddsc.release.verify import SUMS, _canonical, _parquet_problems, _value_problems, content_problems, export_problems, publish, stata_proxy, verify_release
from ddsc.validation.validate import check
from tests.fixtures.tiny import tiny
from tests.unit.test_verify_edges import PARQUET, make_table, parquet_bytes_of, parquet_of, typed

NUMBERS = [{"name": "row_id"}, {"name": "n", "type": "integer"}, {"name": "flag", "type": "boolean"}, {"name": "x", "type": "number"}]


def test_numbers_and_booleans_read_back_as_python_objects_are_compared_as_the_table_writes_them():
    table = make_table(NUMBERS)
    frame = typed(table, {"row_id": ["r1", "r2", "r3"], "n": ["1", None, "30"], "flag": ["true", "false", None], "x": ["1.5", "2", None]})
    fields = {f.name: f for f in table.fields}
    objects = {"row_id": ["r1", "r2", "r3"], "n": [1.0, None, 30.0], "flag": [True, False, None], "x": [1.5, 2.0, None]}
    assert {name: _canonical(pd.Series(cells, dtype=object), fields[name]).tolist() for name, cells in objects.items()} == {
        "row_id": ["r1", "r2", "r3"], "n": ["1", "", "30"], "flag": ["true", "false", ""], "x": ["1.5", "2", ""],
    }
    chunk = pd.DataFrame({name: pd.Series(cells, dtype=object) for name, cells in objects.items()})
    assert _value_problems("t.dta", table, [chunk], frame) == []
    chunk["x"] = pd.Series([1.5, 2.5, None], dtype=object)
    assert _value_problems("t.dta", table, [chunk], frame) == [Problem("t.dta", 3, "x", "holds '2.5', the table '2'")]


def test_a_parquet_file_of_the_tables_columns_in_another_order_names_both_orders():
    table = make_table()
    frame = typed(table)
    arrow = parquet_of(table, frame)
    found = _parquet_problems(PARQUET, parquet_bytes_of(arrow.select(["n", "row_id", "day", "kind", "note"])), frame, table)
    assert found == [Problem(PARQUET, 0, "", "columns in the order n, row_id, day, kind, note, the table's row_id, n, day, kind, note")]
    assert [p.kind for p in found] == ["export-type"]


def test_a_parquet_file_that_cannot_be_read_is_called_unreadable_as_a_value_problem():
    table = make_table()
    found = _parquet_problems(PARQUET, b"not a Parquet file at all", typed(table), table)
    assert [(p.table, p.line, p.column, p.kind) for p in found] == [(PARQUET, 0, "", "export-value")]
    assert found[0].message.startswith("unreadable (")


def test_the_rows_that_decide_stata_types_hold_the_longest_text_in_bytes_and_in_characters():
    table = make_table([{"name": "row_id"}, {"name": "note"}])
    frame = typed(table, {"row_id": ["r1", "r2", "r3", "r4"], "note": ["a", "ééé", "abcd", None]})  # 'ééé': 6 bytes, 'abcd': 4 characters
    pd.testing.assert_frame_equal(stata_proxy(frame, table), frame.iloc[[0, 1, 2]].reset_index(drop=True))


def test_a_parquet_file_that_is_a_symbolic_link_is_refused_with_the_reason(tmp_path):
    table = make_table()
    report = SimpleNamespace(model={"t": table}, tables={"t": typed(table)}, descriptor={})
    (tmp_path / "elsewhere.parquet").write_bytes(b"PAR1")
    (tmp_path / "release" / "parquet").mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere.parquet", tmp_path / "release" / PARQUET)
    found = export_problems(report, Source(tmp_path / "release"))
    assert found == [Problem(PARQUET, 0, "", f"{PARQUET}: is or passes through a symbolic link")]
    assert [p.kind for p in found] == ["export-value"]


def test_a_generated_file_edited_in_a_release_is_named_as_differing_from_what_the_build_writes(tmp_path):
    package = tiny(tmp_path / "pkg")
    (package / "README.md").write_text("# Readme, edited\n", encoding="utf-8")
    source = Source(package)
    report = check(source)
    assert report.valid
    found = [p for p in content_problems(report, source, {}) if p.table == "README.md"]
    assert found == [Problem("README.md", 0, "", "differs from the file this version of ddsc generates from the validated tables")]
    assert [p.kind for p in found] == ["generated-file"]


def test_a_digest_given_for_a_folder_without_sha256sums_is_called_unknown(tmp_path):
    (tmp_path / "empty").mkdir()
    found = verify_release(tmp_path / "empty", expect="AB" * 32, published=tmp_path / "published.csv")
    digest = [p for p in found.problems if p.kind == "expected-digest"]
    assert digest == [Problem(SUMS, 0, "", f"its SHA-256 is unknown (no SHA256SUMS), not {'ab' * 32}, the digest given")]


def test_a_release_with_one_problem_is_not_published_and_the_refusal_names_that_problem_alone(tmp_path):
    table = tmp_path / "published.csv"
    with pytest.raises(ReleaseError) as refused:
        publish(tmp_path / "missing.zip", table=table)
    assert str(refused.value) == "missing.zip does not verify (missing.zip: no such file or folder); nothing was published"
    assert not table.exists()

