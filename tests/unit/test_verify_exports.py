"""verify compares every column of every export with the validated table, the last column included: a small
report written to Parquet, Stata and SQLite here, then one cell changed in one export."""

from types import SimpleNamespace

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ddsc.release.export import arrow_table, write_parquet, write_sqlite, write_stata
from ddsc.package.model import Table
from ddsc.package.source import Source
from ddsc.release.verify import export_problems

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
    found = export_problems(report, Source(folder))
    assert found and all(p.table == "parquet/t.parquet" for p in found), found
    assert any(column in f"{p.column} {p.message}" for p in found), found


@pytest.mark.parametrize("column", ["row_id", "note"])
def test_a_stata_file_changed_in_its_first_or_last_column_is_named(release, column):
    report, folder = release
    frame = report.tables["t"].copy()
    frame.loc[0, column] = "r0" if column == "row_id" else "changed"
    write_stata(SimpleNamespace(model=report.model, tables={"t": frame}), folder)
    found = export_problems(report, Source(folder))
    assert found and all(p.table == "stata/t.dta" for p in found), found
    assert any(column in f"{p.column} {p.message}" for p in found), found


def test_an_sqlite_row_changed_in_its_last_column_is_named(release):
    import sqlite3

    report, folder = release
    db = sqlite3.connect(folder / "ddsc.sqlite")
    db.execute("UPDATE t SET note = 'w' WHERE row_id = 'r2'")
    db.commit()
    db.close()
    found = export_problems(report, Source(folder))
    assert found and all(p.table == "ddsc.sqlite" for p in found), found
    assert any("note" in f"{p.column} {p.message}" for p in found), found
