"""verify compares every column of every export with the validated table, the last column included: a small
report written to Parquet, Stata and SQLite here, then one cell changed in one export."""

from types import SimpleNamespace

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ddsc.release.export import arrow_table, write_parquet, write_sqlite, write_stata
from ddsc.package.model import Table
from ddsc.package.source import Source
from ddsc.release.verify import _differs, export_problems

SCHEMA = {"fields": [{"name": "row_id", "constraints": {"required": True}}, {"name": "n", "type": "integer"}, {"name": "day", "type": "date"},
                     {"name": "kind", "constraints": {"enum": ["a", "b"]}}, {"name": "note"}], "primaryKey": ["row_id"]}
TEXT = {"row_id": ["r1", "r2", "r3"], "n": ["1", None, "3"], "day": ["2020-01-01", "2021-06-30", None], "kind": ["a", None, "b"], "note": ["x", "y", None]}


@pytest.fixture
def release(tmp_path):
    table = Table.from_resource({"name": "t", "path": "tables/t.csv", "title": "T"}, SCHEMA)
    report = SimpleNamespace(model={"t": table}, tables={"t": table.typed(pd.DataFrame(TEXT, dtype="string"))}, descriptor={})
    for write in (write_sqlite, write_parquet, write_stata):
        write(report, tmp_path)
    return report, tmp_path


def test_exports_written_from_the_report_hold_it(release):
    report, folder = release
    assert export_problems(report, Source(folder)) == []


@pytest.mark.parametrize(("column", "value", "held", "table"), [
    ("row_id", "r9", "'r9'", "'r2'"), ("n", 7, "'7'", "''"), ("day", pd.Timestamp("1999-01-01"), "'1999-01-01'", "'2021-06-30'"),
    ("kind", "a", "'a'", "''"), ("note", "z", "'z'", "'y'"),
])
def test_a_parquet_file_changed_in_any_column_is_named_with_its_row_and_column(release, column, value, held, table):
    report, folder = release
    frame = report.tables["t"].copy()
    frame.loc[1, column] = value
    pq.write_table(arrow_table(frame, report.model["t"]), folder / "parquet" / "t.parquet")
    assert export_problems(report, Source(folder)) == [f"parquet/t.parquet: t row 2 {column} holds {held}, the table {table}"]


@pytest.mark.parametrize("column", ["row_id", "note"])
def test_a_stata_file_changed_in_its_first_or_last_column_is_named(release, column):
    report, folder = release
    frame = report.tables["t"].copy()
    frame.loc[0, column] = "r0" if column == "row_id" else "changed"
    write_stata(SimpleNamespace(model=report.model, tables={"t": frame}), folder)
    assert export_problems(report, Source(folder)) == [f"stata/t.dta: t row 1 {column} holds 'r0', the table 'r1'" if column == "row_id"
                                                       else "stata/t.dta: t row 1 note holds 'changed', the table 'x'"]


def test_an_sqlite_row_changed_in_its_last_column_is_named(release):
    import sqlite3

    report, folder = release
    db = sqlite3.connect(folder / "ddsc.sqlite")
    db.execute("UPDATE t SET note = 'w' WHERE row_id = 'r2'")
    db.commit()
    db.close()
    assert export_problems(report, Source(folder)) == ["ddsc.sqlite: t row 2 note holds 'w', the table 'y'"]


def test_only_the_first_differing_column_and_a_difference_in_rows_are_told():
    expected = pd.DataFrame({"a": ["1", "2"], "b": ["x", "y"], "c": ["p", "q"]})
    assert _differs("t", "e", expected.assign(c=["p", "Q"]), expected) == ["e: t row 2 c holds 'Q', the table 'q'"]
    assert _differs("t", "e", expected.assign(b=["X", "y"], c=["p", "Q"]), expected) == ["e: t row 1 b holds 'X', the table 'x'"]
    assert _differs("t", "e", expected.iloc[:1], expected) == ["e: t has 1 rows, the table 2"]
    assert _differs("t", "e", expected.copy(), expected) == []
