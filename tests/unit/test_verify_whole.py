"""verify's functions on tiny inputs written here, each asserted whole: every problem with its file, line, column,
message and kind, and every value returned, for each way a table, an export, a generated file or the table of
published releases can differ from what the build writes."""

import datetime
import io
import os
import sqlite3
import struct
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ddsc.package.model import Table
from ddsc.package.source import ReleaseError, Source
from ddsc.release.export import SQLITE, parquet_bytes, write_sqlite
from ddsc.release.verify import (SUMS, _arrow_differs, _canonical, _cell_differs, _parquet_problems, _rows_differ, _same_cells, _shown_type, _sqlite_problems, _stata_cells, _stata_layout, _stata_problems, _value_problems,
                                 Verification, content_problems, export_problems, publish, published_releases, stata_proxy, verify_release)
from ddsc.validation.validate import check
from tests.fixtures.tiny import tiny
from tests.unit.test_verify_edges import FIELDS, PARQUET, STATA, TEXT, make_table, parquet_bytes_of, parquet_of, stata_bytes, typed


def whole(problems) -> list[tuple]:
    """Each problem as (file, line, column, message, kind): the kind is not part of a problem's equality."""
    return [(p.table, p.line, p.column, p.message, p.kind) for p in problems]


def fields_of(table) -> dict:
    return {f.name: f for f in table.fields}


def report_of(table, frame=None) -> SimpleNamespace:
    return SimpleNamespace(model={"t": table}, tables={"t": typed(table) if frame is None else frame}, descriptor={})


DIGEST_A, DIGEST_B = "a" * 64, "0123456789abcdef" * 4


# --- cells compared as the CSV writes them ---------------------------------------------------------------------


def test_date_text_read_back_as_objects_is_compared_as_a_date_and_text_that_is_no_date_as_missing():
    day = fields_of(make_table())["day"]
    found = _canonical(pd.Series(["2020-01-01", "2020-13-01", None, "1 May 2020"], index=[5, 6, 7, 8], dtype=object), day)
    pd.testing.assert_series_equal(found, pd.Series(["2020-01-01", "", "", ""], dtype="string"))


# --- values read back ------------------------------------------------------------------------------------------


def test_an_export_of_another_row_count_is_a_value_problem_counting_rows_with_thousands_separators():
    table = make_table([{"name": "row_id"}])
    frame = typed(table, {"row_id": [f"r{i}" for i in range(1000)]})
    assert whole(_value_problems(STATA, table, [frame.iloc[:999]], frame)) == [(STATA, 0, "", "t has 999 rows, the table 1,000", "export-value")]
    assert whole(_value_problems(STATA, table, [frame, frame.iloc[:1]], frame)) == [(STATA, 0, "", "t has more than 1,000 rows, the table 1,000", "export-value")]


# --- SQLite ----------------------------------------------------------------------------------------------------


def test_a_sqlite_header_field_the_build_does_not_set_is_a_value_problem_naming_every_page_and_header_count(tmp_path):
    table = make_table()
    report = report_of(table)
    write_sqlite(report, tmp_path)
    db = sqlite3.connect(tmp_path / SQLITE)
    db.execute("PRAGMA user_version = 7")
    pages, size = db.execute("PRAGMA page_count").fetchone()[0], db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    pragmas = {"page_count": pages, "page_size": size, "freelist_count": 0, "user_version": 7, "application_id": 0}
    assert whole(_sqlite_problems(report, tmp_path / SQLITE)) == [
        (SQLITE, 0, "", f"holds pages, bytes or header fields the build does not write ({pragmas})", "export-value")]


def test_the_first_differing_row_of_a_documentation_table_is_numbered_from_one_and_located_at_its_line():
    expected = [("t", "T", 1), ("u", "U", 2), ("v", "V", 3)]
    assert _rows_differ("_tables", list(expected), expected) == []
    assert whole(_rows_differ("_tables", [expected[0], expected[1], ("v", "V", 3.0)], expected)) == [
        (SQLITE, 4, "_tables", "row 3 is ('v', 'V', 3.0), the build writes ('v', 'V', 3)", "export-value")]
    assert whole(_rows_differ("_columns", expected[:2], expected)) == [(SQLITE, 0, "_columns", "_columns has 2 rows, the build writes 3", "export-value")]


def test_sqlite_storage_classes_are_named_as_sqlite_names_them_and_other_types_by_their_python_name():
    assert [_shown_type(v) for v in (1, 1.5, "a", b"a", None, True)] == ["integer", "real", "text", "blob", "null", "bool"]


# --- Stata -----------------------------------------------------------------------------------------------------


def test_a_stata_file_of_another_dataset_label_is_refused_for_its_header():
    table = make_table()
    frame = typed(table)
    retitled = Table.from_resource({"name": "t", "path": "tables/t.csv", "title": "U"}, {"fields": FIELDS, "primaryKey": ["row_id"]})
    assert whole(_stata_problems(STATA, stata_bytes(retitled, frame), frame, table)) == [
        (STATA, 0, "", "its header (release, byte order, dataset label, time stamp) differs from what the build writes", "export-type")]


def test_stata_text_cells_are_the_tables_values_with_empty_text_as_none():
    table = make_table()
    fields = fields_of(table)
    found = _stata_cells(pd.Series(["x", "", "y"], index=[3, 4, 5], dtype="str"), fields["note"])  # text as pandas reads it from Stata
    pd.testing.assert_series_equal(found, pd.Series(["x", None, "y"], dtype=object))
    assert found.tolist() == ["x", None, "y"]


# --- the exports of a release ----------------------------------------------------------------------------------


def test_a_sqlite_file_that_is_a_symbolic_link_is_a_value_problem_giving_the_reason(tmp_path):
    report = report_of(make_table())
    (tmp_path / "elsewhere.sqlite").write_bytes(b"SQLite format 3\0")
    (tmp_path / "release").mkdir()
    os.symlink(tmp_path / "elsewhere.sqlite", tmp_path / "release" / SQLITE)
    assert whole(export_problems(report, Source(tmp_path / "release"))) == [
        (SQLITE, 0, "", f"{SQLITE}: is or passes through a symbolic link", "export-value")]


def test_a_sqlite_file_that_is_no_database_is_a_value_problem_naming_the_error(tmp_path):
    report = report_of(make_table())
    (tmp_path / SQLITE).write_bytes(b"not a database, " * 64)
    assert whole(export_problems(report, Source(tmp_path))) == [
        (SQLITE, 0, "", "not a readable SQLite database (DatabaseError: file is not a database)", "export-value")]


# --- the release as a whole ------------------------------------------------------------------------------------


def test_a_site_that_cannot_be_drawn_names_the_missing_module_and_is_not_checked(tmp_path, monkeypatch):
    import ddsc.release.site

    package = tiny(tmp_path / "pkg")
    (package / "site").mkdir()
    (package / "site" / "extra.html").write_text("<p>x</p>\n", encoding="utf-8")
    source = Source(package)
    report = check(source)

    def no_matplotlib(*args):
        raise ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib")

    monkeypatch.setattr(ddsc.release.site, "site_files", no_matplotlib)
    found = [p for p in whole(content_problems(report, source, {})) if p[4] != "missing-file"]
    assert found == [("site", 0, "", "cannot be checked: matplotlib is not installed (pip install 'ddsc[build]')", "generated-file")]

    def unnamed(*args):
        raise ImportError("cannot import name 'pyplot'")

    monkeypatch.setattr(ddsc.release.site, "site_files", unnamed)
    found = [p for p in whole(content_problems(report, source, {})) if p[4] != "missing-file"]
    assert found == [("site", 0, "", "cannot be checked: cannot import name 'pyplot' is not installed (pip install 'ddsc[build]')", "generated-file")]


def test_a_package_folder_lacks_every_file_the_build_writes_and_holds_none_it_does_not(tmp_path):
    package = tiny(tmp_path / "pkg")
    (package / "notes.txt").write_text("mine\n", encoding="utf-8")
    source = Source(package)
    report = check(source)
    missing = ["R/read_ddsc.R", "README.md", SUMS, SQLITE, "docs/codebook.md", "metadata.json", "parquet/things.parquet", "site/index.html",
               "site/style.css", "site/tables/things.html", "stata/things.dta"]
    assert whole(content_problems(report, source, {})) == [("notes.txt", 0, "", "a file the build does not write", "unexpected-file")] + [
        (rel, 0, "", "missing: the build writes it into every release", "missing-file") for rel in missing]


# --- published releases ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("row", [
    f"1.0.0,{DIGEST_A},2026-1-01", f"1.0.0,{DIGEST_A}", f"1.0,{DIGEST_A},2026-01-01", f"1.0.0,{DIGEST_A.upper()},2026-01-01", f"1.0.0,{DIGEST_A},2026-01-01,x",
    f"1.0.0,{DIGEST_A},2026-02-30", f"1.0.0,{DIGEST_A},\u0662\u0660\u0662\u0666-\u0660\u0661-\u0660\u0661",  # no such day; Arabic-Indic digits
])
def test_a_published_row_without_a_version_a_lower_case_digest_and_a_date_is_refused_at_its_line(tmp_path, row):
    table = tmp_path / "published.csv"
    table.write_text(f"version,sums_sha256,date\n0.9.0,{DIGEST_B},2025-12-31\n{row}\n", encoding="utf-8")
    with pytest.raises(ReleaseError) as refused:
        published_releases(table)
    assert str(refused.value) == "published.csv:3: not a version, a SHA-256 in lower-case hex and a date"


# --- more of each function, asserted whole ---------------------------------------------------------------------


def test_numbers_read_back_as_text_objects_are_compared_as_numbers_and_text_that_is_no_number_as_missing():
    fields = fields_of(make_table([{"name": "row_id"}, {"name": "n", "type": "integer"}, {"name": "day", "type": "date"}]))
    pd.testing.assert_series_equal(_canonical(pd.Series(["7", "seven", None, 8.0], dtype=object), fields["n"]), pd.Series(["7", "", "", "8"], dtype="string"))
    typed_numbers = pd.Series([7, None, 8], index=[4, 5, 6], dtype="Int64")
    pd.testing.assert_series_equal(_canonical(typed_numbers, fields["n"]), pd.Series(["7", "", "8"], dtype="string"))
    days = pd.Series(pd.to_datetime(["2020-02-29", None]), index=[1, 2])
    pd.testing.assert_series_equal(_canonical(days, fields["day"]), pd.Series(["2020-02-29", ""], dtype="string"))


def test_a_value_read_back_in_a_later_chunk_is_located_at_its_line_in_the_table_and_only_its_first_difference_is_named():
    table = make_table()
    frame = typed(table, {**{k: v * 2 for k, v in TEXT.items()}, "row_id": ["r1", "r2", "r3", "r4", "r5", "r6"]})
    changed = frame.copy()
    changed.loc[4, "note"] = "w"
    changed.loc[5, "n"] = 9
    chunks = [changed.iloc[:2], changed.iloc[2:4], changed.iloc[4:]]
    assert whole(_value_problems(STATA, table, chunks, frame)) == [(STATA, 7, "n", "holds '9', the table '3'", "export-value")]
    changed.loc[5, "n"] = 3
    assert whole(_value_problems(STATA, table, [changed.iloc[:2], changed.iloc[2:4], changed.iloc[4:]], frame)) == [
        (STATA, 6, "note", "holds 'w', the table 'y'", "export-value")]
    assert _value_problems(STATA, table, [frame.iloc[:2], frame.iloc[2:4], frame.iloc[4:]], frame) == []
    assert whole(_value_problems(STATA, table, [frame.iloc[:2], frame.iloc[2:3]], frame)) == [(STATA, 0, "", "t has 3 rows, the table 6", "export-value")]
    assert whole(_value_problems(STATA, table, [frame.iloc[:4], frame.iloc[2:5]], frame)) == [(STATA, 0, "", "t has more than 6 rows, the table 6", "export-value")]
    assert whole(_value_problems(STATA, table, [frame[["n", "row_id", "day", "kind", "note"]]], frame)) == [
        (STATA, 0, "", "columns n, row_id, day, kind, note, the table's are row_id, n, day, kind, note", "export-type")]


def test_a_stata_layout_gives_the_row_count_where_the_header_holds_it_and_the_offset_of_every_section():
    table = make_table()
    data = stata_bytes(table, typed(table))
    rows, at, offsets = _stata_layout(data)
    assert (rows, data[at - 3:at], len(offsets), offsets[0], offsets[13]) == (3, b"<N>", 14, 0, len(data))
    tags = [b"<stata_dta>", b"<map>", b"<variable_types>", b"<varnames>", b"<sortlist>", b"<formats>", b"<value_label_names>", b"<variable_labels>",
            b"<characteristics>", b"<data>", b"<strls>", b"<value_labels>", b"</stata_dta>"]
    assert [data[offset:offset + len(tag)] for offset, tag in zip(offsets, tags)] == tags
    assert struct.unpack("<Q", data[at:at + 8])[0] == 3


def test_the_rows_that_decide_stata_types_leave_out_enums_and_columns_without_a_value():
    table = make_table([{"name": "row_id"}, {"name": "kind", "constraints": {"enum": ["a", "bbbbbb"]}}, {"name": "note"}, {"name": "n", "type": "integer"},
                        {"name": "day", "type": "date"}])
    frame = typed(table, {"row_id": ["r1", "r2", "r333", "r4"], "kind": ["a", "bbbbbb", "a", "a"], "note": [None] * 4, "n": [None] * 4,
                          "day": ["2020-01-01", None, "2020-01-03", "2099-12-31"]})
    pd.testing.assert_frame_equal(stata_proxy(frame, table), frame.iloc[[0, 2]].reset_index(drop=True))


def test_stata_value_labels_other_than_the_enums_levels_name_that_section():
    table = make_table()
    frame = typed(table)
    other = make_table([*FIELDS[:3], {"name": "kind", "constraints": {"enum": ["a", "c"]}}, FIELDS[4]])
    assert whole(_stata_problems(STATA, stata_bytes(other, frame), frame, table)) == [
        (STATA, 0, "", "its value labels (types, formats, labels or notes) differ from what the build writes for the table", "export-type")]


def test_a_stata_file_cut_before_its_end_names_the_first_section_it_lacks():
    table = make_table()
    frame = typed(table)
    data = stata_bytes(table, frame)
    offsets = _stata_layout(data)[2]
    assert whole(_stata_problems(STATA, data[:offsets[12]], frame, table)) == [
        (STATA, 0, "", "its stata data close (types, formats, labels or notes) differ from what the build writes for the table", "export-type")]
    assert whole(_stata_problems(STATA, data[:offsets[9]], frame, table)) == [
        (STATA, 0, "", "its value labels (types, formats, labels or notes) differ from what the build writes for the table", "export-type")]
    assert whole(_stata_problems(STATA, data[:offsets[8]], frame, table)) == [
        (STATA, 0, "", "its characteristics (types, formats, labels or notes) differ from what the build writes for the table", "export-type")]


def test_a_stata_value_is_named_at_its_line_and_column_with_both_values_and_the_file_of_the_table_passes():
    table = make_table()
    frame = typed(table)
    assert _stata_problems(STATA, stata_bytes(table, frame), frame, table) == []
    changed = frame.copy()
    changed.loc[2, "kind"] = "a"
    assert whole(_stata_problems(STATA, stata_bytes(table, changed), frame, table)) == [(STATA, 4, "kind", "holds 'a', the table 'b'", "export-value")]
    changed = frame.copy()
    changed.loc[1, "note"] = "z"
    assert whole(_stata_problems(STATA, stata_bytes(table, changed), frame, table)) == [(STATA, 3, "note", "holds 'z', the table 'y'", "export-value")]


def test_stata_codes_are_the_enums_levels_counted_from_one_and_a_code_without_a_level_is_named():
    kind = fields_of(make_table())["kind"]
    found = _stata_cells(pd.Series([1, 2, None, 3, 0], index=[7, 8, 9, 10, 11], dtype="float64"), kind)
    pd.testing.assert_series_equal(found, pd.Series(["a", "b", None, "(code 3, no level)", "(code 0, no level)"], dtype=object))
    n = fields_of(make_table())["n"]
    pd.testing.assert_series_equal(_stata_cells(pd.Series([5, 6], index=[3, 4], dtype="int32"), n), pd.Series([5, 6], dtype="int32"))


def sqlite_of(tmp_path, report, *statements) -> Path:
    """The SQLite file the build writes for ``report``, then ``statements`` run on it."""
    write_sqlite(report, tmp_path)
    db = sqlite3.connect(tmp_path / SQLITE, isolation_level=None)
    for statement in statements:
        db.execute(statement)
    db.close()
    return tmp_path / SQLITE


def pragmas_of(path: Path) -> dict:
    db = sqlite3.connect(path)
    try:
        return {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_count", "page_size", "freelist_count", "user_version", "application_id")}
    finally:
        db.close()


@pytest.mark.parametrize("statements", [
    ["PRAGMA application_id = 9"], ["PRAGMA user_version = 1"], ["CREATE TABLE hidden AS SELECT * FROM t", "INSERT INTO hidden SELECT * FROM hidden", "DROP TABLE hidden"],
])
def test_each_header_field_and_free_page_the_build_does_not_write_is_refused_alone(tmp_path, statements):
    report = report_of(make_table(), typed(make_table(), {k: v * 400 for k, v in TEXT.items()} | {"row_id": [f"r{i}" for i in range(1200)]}))
    path = sqlite_of(tmp_path, report, *statements)
    pragmas = pragmas_of(path)
    assert pragmas["freelist_count"] or pragmas["user_version"] or pragmas["application_id"]
    assert whole(_sqlite_problems(report, path)) == [(SQLITE, 0, "", f"holds pages, bytes or header fields the build does not write ({pragmas})", "export-value")]


def test_bytes_after_the_last_sqlite_page_are_refused(tmp_path):
    report = report_of(make_table())
    path = sqlite_of(tmp_path, report)
    assert _sqlite_problems(report, path) == []
    path.write_bytes(path.read_bytes() + b"\0" * 100)
    assert whole(_sqlite_problems(report, path)) == [(SQLITE, 0, "", f"holds pages, bytes or header fields the build does not write ({pragmas_of(path)})", "export-value")]


def test_an_index_that_misses_rows_of_its_table_is_refused_naming_its_first_three_damages(tmp_path):
    table = make_table()
    report = report_of(table, typed(table, {k: v + v[:1] for k, v in TEXT.items()} | {"row_id": ["r1", "r2", "r3", "r4"]}))
    path = sqlite_of(tmp_path, report)
    db = sqlite3.connect(path)
    root, size = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_t_1'").fetchone()[0], db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    page = bytes(data[(root - 1) * size:root * size])
    for key in (b"r1", b"r2", b"r3", b"r4"):  # each key of the primary key's index, not of the table: queries by key miss every row
        at = (root - 1) * size + page.index(key)
        data[at:at + 2] = b"q" + key[1:]
    path.write_bytes(bytes(data))
    damages = "; ".join(f"row {i} missing from index sqlite_autoindex_t_1" for i in (1, 2, 3))
    assert whole(_sqlite_problems(report, path)) == [(SQLITE, 0, "", f"its indexes or pages are not consistent with its tables ({damages})", "export-value")]


def test_each_documentation_table_of_sqlite_is_compared_with_what_the_build_writes(tmp_path):
    report = report_of(make_table())
    path = sqlite_of(tmp_path, report, "UPDATE _tables SET title = 'X'", "UPDATE _columns SET type = 'text' WHERE column_name = 'day'")
    assert whole(_sqlite_problems(report, path)) == [
        (SQLITE, 2, "_tables", "row 1 is ('t', 'X', '', 'row_id', 3), the build writes ('t', 'T', '', 'row_id', 3)", "export-value"),
        (SQLITE, 4, "_columns", "row 3 is ('t', 'day', 3, 'text', '', 0, None, None, None), the build writes ('t', 'day', 3, 'date', '', 0, None, None, None)", "export-value")]


def test_a_sqlite_table_of_another_row_count_is_named_and_the_next_table_is_still_compared(tmp_path):
    first = make_table()
    second = Table.from_resource({"name": "u", "path": "tables/u.csv", "title": "U"}, {"fields": FIELDS, "primaryKey": ["row_id"]})
    report = SimpleNamespace(model={"t": first, "u": second}, tables={"t": typed(first), "u": typed(second)}, descriptor={})
    path = sqlite_of(tmp_path, report, "DELETE FROM t WHERE row_id = 'r2'", "UPDATE u SET n = 'x' WHERE row_id = 'r3'", "UPDATE u SET note = NULL WHERE row_id = 'r1'")
    assert whole(_sqlite_problems(report, path)) == [
        (SQLITE, 0, "t", "t has 2 rows, the table 3", "export-value"), (SQLITE, 4, "u.n", "holds text 'x', the table integer 3", "export-type")]


def test_sqlite_rows_are_compared_a_chunk_at_a_time_and_only_the_first_cell_that_differs_is_named(tmp_path, monkeypatch):
    import ddsc.release.verify

    table = make_table()
    report = report_of(table, typed(table, {k: (v * 2)[:5] for k, v in TEXT.items()} | {"row_id": ["r1", "r2", "r3", "r4", "r5"]}))
    monkeypatch.setattr(ddsc.release.verify, "CHUNK", 2)
    path = sqlite_of(tmp_path, report)
    assert _sqlite_problems(report, path) == []
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("UPDATE t SET note = 'w' WHERE row_id IN ('r4', 'r5')")
    db.execute("UPDATE t SET day = '2020-01-02' WHERE row_id = 'r4'")
    db.close()
    assert whole(_sqlite_problems(report, path)) == [(SQLITE, 5, "t.day", "holds text '2020-01-02', the table text '2020-01-01'", "export-value")]


def test_a_sqlite_cell_is_named_by_its_storage_class_and_value_a_type_problem_only_between_two_values():
    assert whole([_cell_differs("t", "n", 10, [1, 2, "3"], [1, 2, 3])]) == [(SQLITE, 14, "t.n", "holds text '3', the table integer 3", "export-type")]
    assert whole([_cell_differs("t", "n", 0, [1.0, 2], [1, 2])]) == [(SQLITE, 2, "t.n", "holds real 1.0, the table integer 1", "export-type")]
    assert whole([_cell_differs("t", "n", 0, [1, None], [1, 2])]) == [(SQLITE, 3, "t.n", "holds null None, the table integer 2", "export-value")]
    assert whole([_cell_differs("t", "n", 0, [1, 2], [1, None])]) == [(SQLITE, 3, "t.n", "holds integer 2, the table null None", "export-value")]
    assert whole([_cell_differs("t", "n", 2, [4, 2], [1, 2])]) == [(SQLITE, 4, "t.n", "holds integer 4, the table integer 1", "export-value")]
    assert [_same_cells([1, None], [1, None]), _same_cells((1, 2.0), [1, 2]), _same_cells([1], [1, 2]), _same_cells(("a",), ["b"])] == [True, False, False, False]


# --- Arrow and Parquet -----------------------------------------------------------------------------------------


def test_the_first_position_at_which_two_arrow_columns_differ_counts_a_missing_value_against_a_value():
    same, other, missing = pa.array([1, 2, 3]), pa.array([1, 5, 7]), pa.array([1, None, 3])
    assert [_arrow_differs(same, pa.array([1, 2, 3])), _arrow_differs(same, other), _arrow_differs(same, missing), _arrow_differs(missing, same)] == [None, 1, 1, 1]
    assert [_arrow_differs(pa.array([None, 2]), pa.array([None, 2])), _arrow_differs(pa.array([0, 2]), same[:2])] == [None, 0]
    levels = pa.array(["a", "b", None]).dictionary_encode()
    assert [_arrow_differs(levels, pa.array(["a", "b", None]).dictionary_encode()), _arrow_differs(levels, pa.array(["a", "a", None]).dictionary_encode())] == [None, 1]


def test_a_parquet_file_of_a_renamed_column_names_the_extra_and_the_missing_column_and_the_metadata_that_differs():
    table = make_table()
    frame = typed(table)
    arrow = parquet_of(table, frame)
    assert _parquet_problems(PARQUET, parquet_bytes(frame, table), frame, table) == []
    assert whole(_parquet_problems(PARQUET, parquet_bytes_of(arrow.rename_columns(["row_id", "n", "day", "kind", "remark"])), frame, table)) == [
        (PARQUET, 0, "remark", "a column the table does not have", "export-type"), (PARQUET, 0, "note", "the table's column is missing", "export-type"),
        (PARQUET, 0, "", "its schema metadata differs from the table's (pandas)", "export-type")]
    assert whole(_parquet_problems(PARQUET, parquet_bytes_of(arrow.replace_schema_metadata(None)), frame, table)) == [
        (PARQUET, 0, "", "its schema metadata differs from the table's (pandas)", "export-type")]


def test_a_parquet_column_that_may_or_may_not_be_missing_unlike_the_tables_is_named_with_both():
    table = make_table()
    frame = typed(table, TEXT | {"note": ["x", "y", "z"]})
    arrow = parquet_of(table, frame)
    for name, nullable in (("row_id", True), ("note", False)):
        at = arrow.schema.get_field_index(name)
        arrow = arrow.set_column(at, arrow.schema.field(at).with_nullable(nullable), arrow.column(at))
    assert whole(_parquet_problems(PARQUET, parquet_bytes_of(arrow), frame, table)) == [
        (PARQUET, 0, "row_id", "is large_string {b'description': b''}, the table's large_string not null {b'description': b''}", "export-type"),
        (PARQUET, 0, "note", "is large_string not null {b'description': b'A note on the row.'}, the table's large_string {b'description': b'A note on the row.'}", "export-type")]


def test_a_parquet_file_of_other_rows_or_values_or_bytes_names_each_as_a_value_problem():
    table = make_table()
    frame = typed(table)
    assert whole(_parquet_problems(PARQUET, parquet_bytes(frame.iloc[:2], table), frame, table)) == [(PARQUET, 0, "", "t has 2 rows, the table 3", "export-value")]
    changed = frame.copy()
    changed.loc[1, "n"] = 7
    changed.loc[2, "note"] = "z"
    assert whole(_parquet_problems(PARQUET, parquet_bytes(changed, table), frame, table)) == [(PARQUET, 3, "n", "holds 7, the table None", "export-value")]
    out = io.BytesIO()
    pq.write_table(parquet_of(table, frame), out, compression="snappy")
    assert whole(_parquet_problems(PARQUET, out.getvalue(), frame, table)) == [
        (PARQUET, 0, "", "differs from the file the build writes from the table in bytes outside its schema and values (file metadata, statistics, encoding)", "export-value")]


def test_a_parquet_column_of_another_description_or_none_is_named_with_both_descriptions():
    table = make_table()
    frame = typed(table)
    arrow = parquet_of(table, frame)
    for name, metadata in (("n", None), ("note", {"description": "Other."})):
        at = arrow.schema.get_field_index(name)
        arrow = arrow.set_column(at, arrow.schema.field(at).with_metadata(metadata) if metadata else arrow.schema.field(at).remove_metadata(), arrow.column(at))
    assert whole(_parquet_problems(PARQUET, parquet_bytes_of(arrow), frame, table)) == [
        (PARQUET, 0, "n", "is int64 {}, the table's int64 {b'description': b''}", "export-type"),
        (PARQUET, 0, "note", "is large_string {b'description': b'Other.'}, the table's large_string {b'description': b'A note on the row.'}", "export-type")]


# --- the exports and the release as a whole --------------------------------------------------------------------


def test_the_exports_are_judged_sqlite_first_then_each_tables_parquet_and_stata_file(tmp_path):
    first = make_table()
    second = Table.from_resource({"name": "u", "path": "tables/u.csv", "title": "U"}, {"fields": FIELDS, "primaryKey": ["row_id"]})
    report = SimpleNamespace(model={"t": first, "u": second}, tables={"t": typed(first), "u": typed(second, TEXT | {"note": ["x", "y", "v"]})}, descriptor={})
    folder = tmp_path / "release"
    (folder / "parquet").mkdir(parents=True)
    (folder / "stata").mkdir()
    (folder / SQLITE).write_bytes(b"not a database, " * 64)
    (tmp_path / "elsewhere.parquet").write_bytes(b"PAR1")
    os.symlink(tmp_path / "elsewhere.parquet", folder / "parquet" / "t.parquet")
    (folder / "stata" / "t.dta").write_bytes(b"not Stata")
    (folder / "parquet" / "u.parquet").write_bytes(parquet_bytes(report.tables["u"], second))
    (folder / "stata" / "u.dta").write_bytes(stata_bytes(second, typed(second, TEXT | {"note": ["x", "y", "w"]})))
    assert whole(export_problems(report, Source(folder))) == [
        (SQLITE, 0, "", "not a readable SQLite database (DatabaseError: file is not a database)", "export-value"),
        (PARQUET, 0, "", f"{PARQUET}: is or passes through a symbolic link", "export-value"),
        (STATA, 0, "", "not a Stata 118 file (no header or map)", "export-type"),
        ("stata/u.dta", 4, "note", "holds 'w', the table 'v'", "export-value")]
    (folder / "stata" / "t.dta").unlink()
    os.symlink(tmp_path / "elsewhere.parquet", folder / "stata" / "t.dta")
    assert whole(export_problems(report, Source(folder)))[2] == (STATA, 0, "", f"{STATA}: is or passes through a symbolic link", "export-value")


def summed(package: Path) -> str:
    """SHA256SUMS written for every file of ``package``; its own SHA-256."""
    import hashlib

    from ddsc.release.write import checksums

    files = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())
    (package / SUMS).write_text(checksums(package, files), encoding="utf-8")
    return hashlib.sha256((package / SUMS).read_bytes()).hexdigest()


def test_a_release_whose_files_match_its_sums_is_named_as_published_under_the_listed_version_whatever_else_it_lacks(tmp_path):
    package = tiny(tmp_path / "pkg")
    digest = summed(package)
    table = tmp_path / "published.csv"
    table.write_text(f"version,sums_sha256,date\n0.9.0,{DIGEST_B},2025-01-01\n1.0.0,{digest},2026-01-01\n", encoding="utf-8")
    missing = ["R/read_ddsc.R", "README.md", SQLITE, "docs/codebook.md", "metadata.json", "parquet/things.parquet", "site/index.html", "site/style.css",
               "site/tables/things.html", "stata/things.dta"]
    found = verify_release(package, expect=digest.upper(), published=table)
    assert (found.version, found.digest, found.published, found.status) == ("1.0.0", digest, "1.0.0", "published release 1.0.0")
    assert whole(found.problems) == [(rel, 0, "", "missing: the build writes it into every release", "missing-file") for rel in missing]


def test_a_release_with_a_file_unlike_its_sums_is_not_published_nor_checked_further_once_invalid(tmp_path):
    package = tiny(tmp_path / "pkg")
    digest = summed(package)
    table = tmp_path / "published.csv"
    table.write_text(f"version,sums_sha256,date\n1.0.0,{digest},2026-01-01\n", encoding="utf-8")
    (package / "CHANGES.md").write_text("# Changes\n", encoding="utf-8")
    found = verify_release(package, expect="AB" * 32, published=table)
    assert (found.version, found.digest, found.published, found.status) == ("1.0.0", digest, None, "not a published release (rebuilt or edited)")
    assert whole(found.problems) == [
        ("CHANGES.md", 0, "", "checksum mismatch", "checksum"), ("CHANGES.md", 1, "", "no entry '## [1.0.0]' for the package version", "version"),
        (SUMS, 0, "", f"its SHA-256 is {digest}, not {'ab' * 32}, the digest given", "expected-digest")]


def test_a_release_that_cannot_be_opened_is_one_problem_of_the_archive_without_version_or_digest(tmp_path):
    (tmp_path / "release.txt").write_text("x", encoding="utf-8")
    for name, message in (("missing.zip", "no such file or folder"), ("release.txt", "not a package folder or a .zip file")):
        found = verify_release(tmp_path / name, published=tmp_path / "published.csv")
        assert whole(found.problems) == [(name, 0, "", message, "release-archive")]
        assert (found.version, found.digest, found.published) == (None, None, None)


def test_a_releases_version_is_the_descriptors_as_text_and_none_when_the_descriptor_is_no_object(tmp_path):
    package = tiny(tmp_path / "pkg", edit=lambda desc: desc.update(version=2))
    found = verify_release(package, published=tmp_path / "published.csv")
    assert (found.version, found.digest, found.published) == ("2", None, None)
    package = tiny(tmp_path / "other")
    (package / "datapackage.json").write_text("[1]", encoding="utf-8")
    digest = summed(package)
    found = verify_release(package, published=tmp_path / "published.csv")
    assert (found.version, found.digest, found.published) == (None, digest, None)
    assert found.problems and all(p.kind not in ("missing-file", "checksum") for p in found.problems)


# --- the table of published releases, and publishing -----------------------------------------------------------


def test_the_published_table_gives_each_digest_its_version_and_date_and_none_when_absent(tmp_path):
    table = tmp_path / "published.csv"
    assert published_releases(table) == {}
    assert published_releases(tmp_path) == {}
    table.write_text(f"version,sums_sha256,date\n0.9.0,{DIGEST_B},2025-12-31\n1.10.2,{DIGEST_A},2026-01-01\n", encoding="utf-8")
    assert published_releases(table) == {DIGEST_B: ("0.9.0", "2025-12-31"), DIGEST_A: ("1.10.2", "2026-01-01")}
    for text in ("", "version,digest,date\n", "\nversion,sums_sha256,date\n"):
        table.write_text(text, encoding="utf-8")
        with pytest.raises(ReleaseError) as refused:
            published_releases(table)
        assert str(refused.value) == "published.csv: the header must be version,sums_sha256,date"
    table.write_text("version,sums_sha256,date\n", encoding="utf-8")
    assert published_releases(table) == {}


def test_a_published_release_is_named_by_the_version_the_table_lists_and_another_is_called_rebuilt_or_edited():
    assert Verification([], "2.0.0", DIGEST_A, "1.0.0").status == "published release 1.0.0"
    assert Verification([], "1.0.0", DIGEST_A, None).status == "not a published release (rebuilt or edited)"


@pytest.fixture
def verified(monkeypatch):
    """``verify_release`` finding a release of version 1.2.0 with no problem (the release itself is tested above); the calls it gets."""
    import ddsc.release.verify

    calls = []

    def verify(path, expect=None, published=None):
        calls.append((path, expect, published))
        return Verification([], "1.2.0", DIGEST_A, None)

    monkeypatch.setattr(ddsc.release.verify, "verify_release", verify)
    return calls


def test_publishing_writes_the_table_with_its_header_when_there_is_none(tmp_path, verified):
    table = tmp_path / "published.csv"
    assert publish(tmp_path / "ddsc-1.2.0", table, today=datetime.date(2026, 12, 8)) == ("1.2.0", DIGEST_A, True)
    assert table.read_text(encoding="utf-8") == f"version,sums_sha256,date\n1.2.0,{DIGEST_A},2026-12-08\n"
    assert verified == [(tmp_path / "ddsc-1.2.0", None, table)]


def test_publishing_adds_a_line_after_the_last_row_even_without_its_line_break_and_dates_it_today(tmp_path, verified):
    table = tmp_path / "published.csv"
    table.write_text(f"version,sums_sha256,date\n0.9.0,{DIGEST_B},2025-12-31", encoding="utf-8")
    assert publish(tmp_path / "ddsc-1.2.0", table) == ("1.2.0", DIGEST_A, True)
    today = datetime.date.today().isoformat()
    assert table.read_text(encoding="utf-8") == f"version,sums_sha256,date\n0.9.0,{DIGEST_B},2025-12-31\n1.2.0,{DIGEST_A},{today}\n"


def test_a_release_already_published_is_not_added_again_and_its_version_is_never_given_another_digest(tmp_path, verified):
    table = tmp_path / "published.csv"
    text = f"version,sums_sha256,date\n1.1.0,{DIGEST_A},2025-12-31\n"
    table.write_text(text, encoding="utf-8")
    assert publish(tmp_path / "ddsc-1.2.0", table) == ("1.2.0", DIGEST_A, False)
    assert table.read_text(encoding="utf-8") == text
    text = f"version,sums_sha256,date\n1.2.0,{DIGEST_B},2025-12-31\n"
    table.write_text(text, encoding="utf-8")
    with pytest.raises(ReleaseError) as refused:
        publish(tmp_path / "ddsc-1.2.0", table)
    assert str(refused.value) == f"1.2.0 is already published with SHA256SUMS digest {DIGEST_B}; a published version is never replaced (bump the version)"
    assert table.read_text(encoding="utf-8") == text


def test_a_release_with_several_problems_is_refused_naming_the_first_and_that_there_are_more(tmp_path):
    (tmp_path / "empty").mkdir()
    table = tmp_path / "published.csv"
    with pytest.raises(ReleaseError) as refused:
        publish(tmp_path / "empty", table)
    assert str(refused.value) == "empty does not verify (SHA256SUMS: missing (a release lists every file with its checksum) ...); nothing was published"
    assert not table.exists()


def test_a_stata_data_section_longer_than_the_tables_rows_is_refused_though_the_map_agrees():
    table = make_table()
    frame = typed(table)
    data = stata_bytes(table, frame)
    _, _, offsets = _stata_layout(data)
    at = data.index(b"<map>") + 5
    extra = b"\0" * 5
    moved = offsets[:10] + [offset + len(extra) for offset in offsets[10:]]
    longer = data[:at] + struct.pack("<14Q", *moved) + data[at + 14 * 8:offsets[10] - len(b"</data>")] + extra + data[offsets[10] - len(b"</data>"):]
    assert _stata_layout(longer)[2] == moved and moved[13] == len(longer)
    assert whole(_stata_problems(STATA, longer, frame, table)) == [
        (STATA, 0, "", "its data or file is longer or shorter than the table's rows in the types it declares", "export-type")]
