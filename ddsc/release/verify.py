"""Verifying a release from elsewhere: every file listed in SHA256SUMS with its checksum, every listed
file present (``ddsc.package.checksums``), then the content re-validated through the safe opener and every export
compared with the validated tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ddsc.package.checksums import checksum_problems
from ddsc.package.source import Source, UnsafeRelease


def _canonical(frame: pd.DataFrame, table) -> pd.DataFrame:
    """Every cell as the CSV writes it, missing as '' (one text form to compare exports by)."""
    from ddsc.package.render import cell_text

    out = {}
    for f in table.fields:
        column = frame[f.name]
        if f.type == "date" and not pd.api.types.is_datetime64_any_dtype(column):
            column = pd.to_datetime(column.astype("string"), format="%Y-%m-%d", errors="coerce")
        elif f.type in ("integer", "boolean", "number") and column.dtype == object:
            column = pd.to_numeric(column, errors="coerce")
        out[f.name] = cell_text(column, f.type).fillna("")
    return pd.DataFrame(out).reset_index(drop=True)


def _differs(name: str, what: str, found: pd.DataFrame, expected: pd.DataFrame) -> list[str]:
    if len(found) != len(expected):
        return [f"{what}: {name} has {len(found):,} rows, the table {len(expected):,}"]
    from ddsc.package.model import arrow_strings

    for column in expected.columns:
        if arrow_strings(found[column]).equals(arrow_strings(expected[column])):  # in Arrow: a Python comparison per cell costs seconds on trainings
            continue
        row = int((found[column].to_numpy() != expected[column].to_numpy()).argmax())
        return [f"{what}: {name} row {row + 1} {column} holds {found[column].iloc[row]!r}, the table {expected[column].iloc[row]!r}"]
    return []


def _stata(data: bytes, table) -> pd.DataFrame:
    import io

    found = pd.read_stata(io.BytesIO(data), convert_categoricals=True)
    text = [f.name for f in table.fields if f.type == "string" and not f.enum]
    return found.astype({c: object for c in text}).replace({c: {"": None} for c in text})  # Stata has no missing text: '' is missing


def export_problems(report, source: Source) -> list[str]:
    """Each export of a release holds exactly the validated tables (an unreadable export is named)."""
    try:
        return _export_problems(report, source)
    except Exception as err:  # noqa: BLE001 - a corrupt export raises whatever its reader raises: named, never a traceback
        return [f"an export could not be read: {type(err).__name__}: {err}"]


def _export_problems(report, source: Source) -> list[str]:
    """Each export of a release holds exactly the validated tables: SQLite (and nothing more in it), Parquet,
    Stata, and the datasette metadata the schemas give."""
    import io
    import json
    import sqlite3

    import pyarrow.parquet as pq

    from ddsc.release.export import SQLITE, create_statements, datasette_metadata

    problems = []
    try:
        if source.exists("metadata.json") and json.loads(source.text("metadata.json")) != datasette_metadata(report):
            problems.append("metadata.json: differs from the metadata the descriptor and schemas give")
    except (ValueError, UnsafeRelease) as err:
        problems.append(f"metadata.json: unreadable ({err})")
    db = sqlite3.connect(":memory:")
    try:
        if source.exists(SQLITE):
            db.deserialize(source.read(SQLITE))
            declared = sorted(sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
            if declared != sorted(create_statements(report)):
                problems.append(f"{SQLITE}: its tables, indexes or views differ from those the schemas give")
    except sqlite3.DatabaseError as err:
        problems.append(f"{SQLITE}: not a readable SQLite database ({err})")
    for name, table in report.model.items():
        expected = _canonical(report.tables[name], table)
        columns = ", ".join(f'"{c}"' for c in table.field_names)
        if source.exists(SQLITE) and not problems:
            found = pd.read_sql_query(f'SELECT {columns} FROM "{name}"', db, dtype=object)
            problems += _differs(name, SQLITE, _canonical(found, table), expected)
        readers = {f"parquet/{name}.parquet": lambda data: pq.read_table(io.BytesIO(data)).to_pandas(),
                   f"stata/{name}.dta": lambda data: _stata(data, table)}
        for rel, read in readers.items():
            if source.exists(rel):
                try:
                    found = read(source.read(rel))
                except Exception as err:  # noqa: BLE001 - each reader raises its own errors on a corrupt file
                    problems.append(f"{rel}: unreadable ({type(err).__name__}: {str(err)[:200]})")
                    continue
                problems += _differs(name, rel, _canonical(found, table), expected)
    db.close()
    return problems


def verify_release(path: Path) -> list[str]:
    """Problems with a released folder or zip: its checksums, then its content re-validated (read through the
    safe opener), then every export compared with the validated tables."""
    from ddsc.validation.validate import check

    try:
        source = Source(path)
        problems = checksum_problems(source)
    except UnsafeRelease as err:
        return [str(err)]
    report = check(source)
    problems += [str(p) for p in report.problems]
    if report.valid and report.tables:
        problems += export_problems(report, source)
    return problems
