"""Exports generated from the validated tables: SQLite (keys declared) and one Parquet file per table."""

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ddsc.typed import load
from ddsc.package import foreign_keys, primary_key

SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT", "string": "TEXT"}
ARROW_TYPES = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(), "string": pa.string()}


def _schemas(root: Path) -> dict:
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: json.loads((root / r["schema"]).read_text(encoding="utf-8")) for r in desc["resources"]}


def create_table_sql(name: str, schema: dict) -> str:
    """CREATE TABLE with types, NOT NULL, primary key and foreign keys from the Table Schema."""
    lines = []
    for f in schema["fields"]:
        required = " NOT NULL" if f.get("constraints", {}).get("required") else ""
        lines.append(f'"{f["name"]}" {SQL_TYPES[f.get("type", "string")]}{required}')
    lines.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in primary_key(schema)) + ")")
    lines += [f'FOREIGN KEY ("{field}") REFERENCES "{res}" ("{ref}")' for field, res, ref in foreign_keys(schema)]
    return f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(lines) + "\n)"


def _column(series: pd.Series, typ: str) -> list:
    """Python values for SQLite, missing cells as None (one vectorized conversion per column)."""
    if typ == "date":
        series = series.dt.strftime("%Y-%m-%d")
    elif typ == "boolean":
        series = series.astype("Int64")
    values = series.astype(object)
    return values.where(series.notna(), None).tolist()


def write_sqlite(root: Path, target: Path) -> None:
    schemas, tables = _schemas(root), load(root)
    with sqlite3.connect(target) as db:
        for name, schema in schemas.items():
            db.execute(create_table_sql(name, schema))
            columns = [_column(tables[name][f["name"]], f.get("type", "string")) for f in schema["fields"]]
            marks = ", ".join("?" for _ in columns)
            db.executemany(f'INSERT INTO "{name}" VALUES ({marks})', zip(*columns))
    db.close()


def foreign_key_violations(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        rows = db.execute("PRAGMA foreign_key_check").fetchall()
    db.close()
    return rows


def arrow_table(frame, schema: dict) -> pa.Table:
    """The typed table as Arrow with the schema's types; enum fields become dictionary-encoded strings."""
    columns, fields = [], []
    for f in schema["fields"]:
        typ = ARROW_TYPES[f.get("type", "string")]
        series = frame[f["name"]]
        if "enum" in f.get("constraints", {}):
            typ = pa.dictionary(pa.int32(), pa.string())
            array = pa.array(series.astype(object).where(series.notna(), None), type=pa.string()).dictionary_encode()
        elif f.get("type") == "date":
            array = pa.array([None if pd.isna(v) else v.date() for v in series.astype(object)], type=typ)
        else:
            array = pa.array(series.astype(object).where(series.notna(), None), type=typ)
        columns.append(array)
        fields.append(pa.field(f["name"], typ, nullable=not f.get("constraints", {}).get("required")))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def write_parquet(root: Path, folder: Path) -> list[Path]:
    schemas, tables = _schemas(root), load(root)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, schema in schemas.items():
        path = folder / f"{name}.parquet"
        pq.write_table(arrow_table(tables[name], schema), path, compression="zstd")
        paths.append(path)
    return paths
