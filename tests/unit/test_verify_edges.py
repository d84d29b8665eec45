"""verify's judges of one export at a time, on a three-row table written here: what each finds in a Parquet,
Stata or SQLite file that is not the one the build writes (located and kinded), the rows of a table that decide
its Stata types, and a generated file that cannot be read safely."""

import io
import os
import sqlite3
from types import SimpleNamespace

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ddsc.package.model import Table
from ddsc.package.problems import Problem
from ddsc.package.source import Source
from ddsc.release.export import SQLITE, parquet_bytes, write_sqlite, write_stata_table
from ddsc.release.verify import _parquet_problems, _sqlite_problems, _stata_layout, _stata_problems, _value_problems, content_problems, stata_proxy
from ddsc.validation.validate import check
from tests.fixtures.tiny import tiny

FIELDS = [{"name": "row_id", "constraints": {"required": True}}, {"name": "n", "type": "integer"}, {"name": "day", "type": "date"},
          {"name": "kind", "constraints": {"enum": ["a", "b"]}}, {"name": "note", "description": "A note on the row."}]
TEXT = {"row_id": ["r1", "r2", "r3"], "n": ["1", None, "3"], "day": ["2020-01-01", "2021-06-30", None], "kind": ["a", None, "b"], "note": ["x", "y", None]}
PARQUET, STATA = "parquet/t.parquet", "stata/t.dta"


def make_table(fields=FIELDS) -> Table:
    return Table.from_resource({"name": "t", "path": "tables/t.csv", "title": "T"}, {"fields": fields, "primaryKey": ["row_id"]})


def typed(table: Table, text: dict = TEXT) -> pd.DataFrame:
    return table.typed(pd.DataFrame(text, dtype="string"))


def parquet_of(table: Table, frame: pd.DataFrame) -> pa.Table:
    return pq.read_table(io.BytesIO(parquet_bytes(frame, table)))


def parquet_bytes_of(arrow: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(arrow, out)
    return out.getvalue()


def stata_bytes(table: Table, frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    write_stata_table(frame, table, out)
    return out.getvalue()


# --- Parquet ---------------------------------------------------------------------------------------------------


def test_a_parquet_file_without_a_column_of_the_table_names_the_missing_column():
    table = make_table()
    frame = typed(table)
    arrow = parquet_of(table, frame)
    found = _parquet_problems(PARQUET, parquet_bytes_of(arrow.drop_columns(["note"])), frame, table)
    assert found == [Problem(PARQUET, 0, "note", "the table's column is missing")]
    assert [p.kind for p in found] == ["export-type"]


def test_a_parquet_column_of_another_type_is_named_with_both_types():
    table = make_table()
    frame = typed(table)
    arrow = parquet_of(table, frame)
    at = arrow.schema.get_field_index("n")
    changed = arrow.set_column(at, arrow.schema.field(at).with_type(pa.string()), arrow.column("n").cast(pa.string()))
    found = _parquet_problems(PARQUET, parquet_bytes_of(changed), frame, table)
    assert found == [Problem(PARQUET, 0, "n", "is string {b'description': b''}, the table's int64 {b'description': b''}")]
    assert [p.kind for p in found] == ["export-type"]


def test_parquet_schema_metadata_names_only_the_keys_that_differ():
    table = make_table()
    frame = typed(table)
    arrow = parquet_of(table, frame)
    extra = arrow.replace_schema_metadata({**arrow.schema.metadata, b"origin": b"elsewhere"})
    found = _parquet_problems(PARQUET, parquet_bytes_of(extra), frame, table)
    assert found == [Problem(PARQUET, 0, "", "its schema metadata differs from the table's (origin)")]
    assert [p.kind for p in found] == ["export-type"]


# --- Stata -----------------------------------------------------------------------------------------------------


def test_a_file_that_is_not_stata_is_refused_as_such():
    table = make_table()
    found = _stata_problems(STATA, b"PAR1 not a Stata file", typed(table), table)
    assert found == [Problem(STATA, 0, "", "not a Stata 118 file (no header or map)")]
    assert [p.kind for p in found] == ["export-type"]


def test_a_stata_file_of_fewer_rows_than_the_table_gives_both_counts():
    table = make_table()
    frame = typed(table)
    found = _stata_problems(STATA, stata_bytes(table, frame.iloc[:2]), frame, table)
    assert found == [Problem(STATA, 0, "", "t has 2 rows, the table 3")]
    assert [p.kind for p in found] == ["export-value"]


def test_stata_variable_labels_other_than_the_descriptions_name_that_section():
    table = make_table()
    frame = typed(table)
    other = make_table([*FIELDS[:-1], {"name": "note", "description": "Another note."}])
    found = _stata_problems(STATA, stata_bytes(other, frame), frame, table)
    assert found == [Problem(STATA, 0, "", "its variable labels (types, formats, labels or notes) differ from what the build writes for the table")]
    assert [p.kind for p in found] == ["export-type"]


def test_bytes_after_the_end_of_a_stata_file_are_refused():
    table = make_table()
    frame = typed(table)
    found = _stata_problems(STATA, stata_bytes(table, frame) + b"\0\0\0\0", frame, table)
    assert found == [Problem(STATA, 0, "", "its data or file is longer or shorter than the table's rows in the types it declares")]
    assert [p.kind for p in found] == ["export-type"]


def test_a_stata_file_whose_long_texts_cannot_be_read_is_called_unreadable():
    table = make_table()
    frame = typed(table)
    data = stata_bytes(table, frame)
    strls = _stata_layout(data)[2][10]
    assert data[strls:strls + 10] == b"<strls>GSO"
    found = _stata_problems(STATA, data[:strls + 7] + b"XSO" + data[strls + 10:], frame, table)
    assert [(p.table, p.line, p.column, p.kind) for p in found] == [(STATA, 0, "", "export-value")]
    assert found[0].message.startswith("unreadable (KeyError: ")


def test_the_rows_that_decide_stata_types_hold_the_least_and_greatest_integer():
    table = make_table([{"name": "row_id"}, {"name": "n", "type": "integer"}])
    frame = typed(table, {"row_id": ["r1", "r2", "r3", "r4"], "n": ["5", None, "-2", "9"]})
    pd.testing.assert_frame_equal(stata_proxy(frame, table), frame.iloc[[0, 2, 3]].reset_index(drop=True))


def test_the_least_and_greatest_levels_of_an_integer_enum_are_compared_as_numbers():
    table = make_table([{"name": "row_id"}, {"name": "n", "type": "integer", "constraints": {"enum": ["1", "2", "10"]}}])
    frame = typed(table, {"row_id": ["r1", "r2", "r3"], "n": ["2", "10", "1"]})
    pd.testing.assert_frame_equal(stata_proxy(frame, table), frame)


# --- values read back ------------------------------------------------------------------------------------------


def test_an_export_of_other_columns_names_both_lists():
    table = make_table()
    frame = typed(table)
    found = _value_problems(STATA, table, [frame.rename(columns={"note": "remark"})], frame)
    assert found == [Problem(STATA, 0, "", "columns row_id, n, day, kind, remark, the table's are row_id, n, day, kind, note")]
    assert [p.kind for p in found] == ["export-type"]


def test_an_export_of_fewer_or_more_rows_gives_both_counts():
    table = make_table()
    frame = typed(table)
    assert _value_problems(STATA, table, [frame.iloc[:2]], frame) == [Problem(STATA, 0, "", "t has 2 rows, the table 3")]
    assert _value_problems(STATA, table, [frame, frame.iloc[:1]], frame) == [Problem(STATA, 0, "", "t has more than 3 rows, the table 3")]
    assert _value_problems(STATA, table, [frame.iloc[:1], frame.iloc[1:]], frame) == []


# --- SQLite ----------------------------------------------------------------------------------------------------


def test_a_sqlite_file_with_a_table_the_schemas_do_not_give_is_refused(tmp_path):
    table = make_table()
    report = SimpleNamespace(model={"t": table}, tables={"t": typed(table)}, descriptor={})
    write_sqlite(report, tmp_path)
    db = sqlite3.connect(tmp_path / SQLITE)
    db.execute("CREATE TABLE extra (x)")
    db.commit()
    db.close()
    found = _sqlite_problems(report, tmp_path / SQLITE)
    assert found == [Problem(SQLITE, 0, "", "its tables, indexes, views or triggers differ from those the schemas give")]
    assert [p.kind for p in found] == ["export-type"]


# --- generated files -------------------------------------------------------------------------------------------


def test_a_generated_file_that_is_a_symbolic_link_is_refused_as_generated(tmp_path):
    package = tiny(tmp_path / "pkg")
    (tmp_path / "elsewhere.md").write_text("# Readme\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere.md", package / "README.md")
    source = Source(package)
    report = check(source)
    assert report.valid
    found = [p for p in content_problems(report, source, {}) if p.table == "README.md"]
    assert found == [Problem("README.md", 0, "", "README.md: is or passes through a symbolic link")]
    assert [p.kind for p in found] == ["generated-file"]
