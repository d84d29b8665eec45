"""Every export and reader holds exactly what was validated: each table read back from the built
release's CSV (through ddsc.load), SQLite, Parquet and Stata files equals the validated frame, row for
row and value for value, with the types the schema gives (missing values, categories and dates included)."""

import datetime
import math
import sqlite3

import pandas as pd
import pyarrow.parquet as pq
import pytest

import ddsc
from ddsc.validation.validate import check
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)


@pytest.fixture(scope="module")
def validated():
    report = check(ROOT)
    assert report.valid
    return report


def _python(value, kind: str):
    """A validated cell as a plain Python value (None when missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if kind == "date":
        return value.date()
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return bool(value)
    return str(value)


@pytest.fixture(scope="module")
def expected(validated) -> dict[str, dict[str, list]]:
    """Each validated cell as a plain Python value, per table and column, in the validated order (once per module)."""
    return {name: {f.name: [_python(v, f.type) for v in validated.tables[name][f.name].astype(object)] for f in table.fields}
            for name, table in validated.model.items()}


def test_ddsc_load_of_the_release_equals_the_validated_frames(validated, release):
    loaded = ddsc.load(release)
    assert sorted(loaded) == sorted(validated.tables)
    for name, frame in validated.tables.items():
        pd.testing.assert_frame_equal(loaded[name], frame, check_exact=True, obj=name)


def test_sqlite_holds_every_row_with_declared_types(validated, expected, release):
    with sqlite3.connect(release / "ddsc.sqlite") as db:
        for name, table in validated.model.items():
            declared = {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{name}")')}
            assert declared == {f.name: {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "DATE"}[f.type] for f in table.fields}, name
            found = db.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in table.field_names)} FROM "{name}" ORDER BY rowid').fetchall()
            assert len(found) == len(validated.tables[name]), name
            for f, column in zip(table.fields, zip(*found)):  # in the validated order
                want = [v.isoformat() if isinstance(v, datetime.date) else int(v) if isinstance(v, bool) else v for v in expected[name][f.name]]
                assert list(column) == want, (name, f.name)
    db.close()


def test_parquet_holds_every_row_with_schema_types(validated, expected, release):
    for name, table in validated.model.items():
        arrow = pq.read_table(release / "parquet" / f"{name}.parquet")
        assert arrow.column_names == table.field_names
        assert arrow.num_rows == len(validated.tables[name]), name
        for f in table.fields:
            found_type = str(arrow.schema.field(f.name).type)
            want = "dictionary<values=string, indices=int8, ordered=0>" if f.enum else {"string": "string", "integer": "int64", "number": "double", "boolean": "bool", "date": "date32[day]"}[f.type]
            assert found_type.replace("large_", "").split(",")[0] == want.split(",")[0], (name, f.name, found_type)
            assert arrow.column(f.name).to_pylist() == expected[name][f.name], (name, f.name)


def test_stata_holds_every_row_with_dates_as_dates(validated, expected, release):
    for name, table in validated.model.items():
        path = release / "stata" / f"{name}.dta"
        with pd.io.stata.StataReader(path) as reader:
            frame = reader.read(convert_categoricals=False)
            formats = dict(zip(frame.columns, reader._fmtlist))
            value_labels = reader.value_labels()
            label_names = dict(zip(frame.columns, reader._lbllist))
            variable_labels = reader.variable_labels()
        reader_labels = {c: value_labels[label_names[c]] for c in frame.columns if label_names[c]}
        assert set(reader_labels) == {f.name for f in table.fields if f.enum}, name
        assert all(len(label) <= 80 and "`" not in label for label in variable_labels.values()), name
        assert list(frame.columns) == table.field_names
        assert len(frame) == len(validated.tables[name]), name
        for f in table.fields:
            want = expected[name][f.name]
            column = frame[f.name]
            if f.enum:  # labelled integers: 1 is the first level, missing is .
                labels = reader_labels[f.name]
                found = [None if pd.isna(v) else labels[int(v)] for v in column]
            elif f.type == "date":
                assert formats[f.name] == "%td", (name, f.name, formats[f.name])
                found = [None if pd.isna(v) else v.date() for v in column]
            elif f.type in ("integer", "boolean"):
                found = [None if pd.isna(v) else int(v) for v in column]
                want = [None if v is None else int(v) for v in want]
            elif f.type == "number":
                found = [None if pd.isna(v) else float(v) for v in column]
            else:
                found = [None if v == "" else v for v in column]
            assert found == want, (name, f.name)
