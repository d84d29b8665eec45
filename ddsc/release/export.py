"""Exports written from the validated, typed tables: SQLite (typed, keyed, CHECKed, documented) with its
datasette metadata, Parquet with pandas metadata and field descriptions, and Stata 118 files.

Each ``write_*`` of ``EXPORTS`` takes the validation report and the release folder and returns the paths it
wrote; ``metadata.json`` is generated text (``metadata_text``), written with the release's other documents."""

from __future__ import annotations

import html
import json
import textwrap
import sqlite3
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pandas.io.stata import StataStrLWriter, StataWriterUTF8

from ddsc.package.model import Table

SQLITE = "ddsc.sqlite"
STATA_LABEL = 80  # Stata's limit for dataset and variable labels
STATA_CHARACTERISTIC = 67_784  # Stata's limit for the bytes of one characteristic (a note is one)


def _cells(series: pd.Series, table_field) -> list:
    """Python values for SQLite, missing cells as None (one vectorized conversion per column)."""
    if table_field.type == "date":
        series = series.dt.strftime("%Y-%m-%d")
    elif table_field.type == "boolean":
        series = series.astype("Int64")
    values = series.astype(object)
    return values.where(series.notna(), None).tolist()


def _documentation(report) -> tuple[list, list]:
    tables = [(t.name, t.title, t.description, ", ".join(t.primary_key), len(report.tables[t.name])) for t in report.model.values()]
    columns = []
    for t in report.model.values():
        for position, f in enumerate(t.fields, 1):
            refs = [fk.target for fk in t.foreign_keys if f.name in fk.fields]
            levels = ", ".join(f.enum) if f.enum else None
            columns.append((t.name, f.name, position, f.type, f.description, int(f.required), f.constraints.get("pattern"), levels, ", ".join(refs) or None))
    return tables, columns


DOC_SQL = (
    'CREATE TABLE "_tables" ("table_name" TEXT PRIMARY KEY, "title" TEXT, "description" TEXT, "primary_key" TEXT, "rows" INTEGER)',
    'CREATE TABLE "_columns" ("table_name" TEXT NOT NULL REFERENCES "_tables" ("table_name"), "column_name" TEXT NOT NULL, "position" INTEGER NOT NULL, '
    '"type" TEXT NOT NULL, "description" TEXT, "required" INTEGER NOT NULL, "pattern" TEXT, "levels" TEXT, "references" TEXT, PRIMARY KEY ("table_name", "column_name"))',
)


def create_statements(report) -> list[str]:
    """Every statement that declares the SQLite file's tables and indexes (verify compares a release's file with them)."""
    out = list(DOC_SQL)
    for table in report.model.values():
        out += [table.create_sql(), *table.index_sql()]
    return out


def write_sqlite(report, folder: Path) -> list[str]:
    """One SQLite file: declared types, NOT NULL, CHECKs for enums and ranges, primary and foreign keys, and
    the tables ``_tables`` and ``_columns`` documenting every table and column. Built in one transaction."""
    target = folder / SQLITE
    db = sqlite3.connect(target, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        # The rows were validated against the same schemas the CHECKs come from: evaluating every CHECK again
        # while loading costs 60% of the insert time (bench/run.py). The CHECKs stay declared and are enforced
        # on every later write to the file.
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute("BEGIN")
        for statement in DOC_SQL:
            db.execute(statement)
        tables, columns = _documentation(report)
        db.executemany('INSERT INTO "_tables" VALUES (?, ?, ?, ?, ?)', tables)
        db.executemany('INSERT INTO "_columns" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', columns)
        for name, table in report.model.items():
            db.execute(table.create_sql())
            cells = [_cells(report.tables[name][f.name], f) for f in table.fields]
            db.executemany(f'INSERT INTO "{name}" VALUES ({", ".join("?" for _ in cells)})', zip(*cells))
            for statement in table.index_sql():
                db.execute(statement)
        db.execute("COMMIT")
    finally:
        db.close()
    return [SQLITE]


def label_column(table: Table, frame: pd.DataFrame) -> str | None:
    """The column datasette shows for a row where another table links to it: the first of ``label``,
    ``name_en``, ``title_en`` and ``title`` that tells every row apart (no empty cell, no value twice);
    none when none does (the row's key is shown)."""
    for name in ("label", "name_en", "title_en", "title"):
        if name in table.field_names and frame[name].notna().all() and not frame[name].duplicated().any():
            return name
    return None


def _plain(text: str) -> str:
    """Documentation text for a web page: markdown code marks removed."""
    return " ".join(str(text).replace("`", "").split())


# Questions researchers ask first, as datasette canned queries (named parameters become form fields).
CANNED = {
    "agreements_in_force": ("Japan's agreements in force at the end of a year", "statutes", """
SELECT s.statute_id, s.title_en, s.agreement_family, s.in_force_date, s.in_force_date_precision, s.end_date,
       group_concat(sc.country_id, ', ') AS parties
FROM statutes s LEFT JOIN statute_countries sc USING (statute_id)
WHERE s.agreement_family IS NOT NULL AND s.in_force_date IS NOT NULL
  AND s.in_force_date <= :year || '-12-31' AND (s.end_date IS NULL OR s.end_date > :year || '-12-31')
GROUP BY s.statute_id ORDER BY s.agreement_family, s.in_force_date"""),
    "laws_of_a_program": ("The laws of a program, with their relation", "program_statutes", """
SELECT ps.relation, s.statute_id, s.title_en, s.public_law, s.statutes_at_large, s.code_citation, s.enacted_date, ps.locator
FROM program_statutes ps JOIN statutes s USING (statute_id)
WHERE ps.program_id = :program_id ORDER BY s.enacted_date"""),
    "osa_by_recipient_and_year": ("Official Security Assistance by recipient and fiscal year", "projects", """
SELECT recipient_country_id, fiscal_year, count(*) AS projects, sum(amount) AS amount, currency
FROM projects GROUP BY recipient_country_id, fiscal_year, currency ORDER BY fiscal_year, recipient_country_id"""),
    "citations_of_a_record": ("Where a record is cited: its citations and locators", "record_citations", """
SELECT rc.locator, c.citation_id, c.title, c.publisher, c.url
FROM record_citations rc JOIN citations c USING (citation_id)
WHERE rc.table_name = :table_name AND rc.record_id = :record_id"""),
}


# One line per row on table pages (long text is cut with an ellipsis and shown whole on the row's page),
# so that rows are on the first screen; suggested facets hidden. A data: URL keeps the release self-contained.
WEB_CSS = ("body.table table.rows-and-columns td{white-space:nowrap;max-width:24em;overflow:hidden;text-overflow:ellipsis}"
           ".suggested-facets{display:none}")


def datasette_metadata(report) -> dict:
    """datasette metadata from the schemas: title, licence, short table descriptions with a link to the
    column documentation (the ``_columns`` table), label columns, and canned queries for the first questions."""
    desc = report.descriptor
    licence = (desc.get("licenses") or [{}])[0]
    tables = {}
    for t in report.model.values():
        entry = {"description": _plain(t.description), "size": 20}
        if t.cited or "citation_id" in t.field_names:
            how = ("its citation_id and locator columns" if "citation_id" in t.field_names else
                   f'<a href="/ddsc/citations_of_a_record?table_name={html.escape(t.name)}">citations of a record</a> (enter its id)')
            entry["description_html"] = f"{html.escape(_plain(t.description))} Where each row is cited: {how}. Column documentation: " \
                                        f'<a href="/ddsc/_columns?table_name={html.escape(t.name)}">_columns</a>.'
            del entry["description"]
        label = label_column(t, report.tables[t.name])
        if label:
            entry["label_column"] = label
        tables[t.name] = entry
    tables["_columns"] = {"description": "What every column of every table means: type, constraints, levels and references."}
    tables["_tables"] = {"description": "Every table with its title, description, primary key and row count."}
    queries = {name: {"title": title, "sql": sql.strip()} for name, (title, table, sql) in CANNED.items() if table in report.model and "statutes" in report.model}
    links = "".join(f'<li><a href="/ddsc/{html.escape(name)}">{html.escape(q["title"])}</a></li>' for name, q in queries.items())
    return {
        "title": f"{desc.get('title', 'DDSC')} {desc.get('version', '')}".strip(),
        "description_html": f"<p>{html.escape(_plain(desc.get('description', '')))}</p>"
                            + (f"<p>First questions (canned queries):</p><ul>{links}</ul>" if links else "")
                            + '<p>What every column means: the <a href="/ddsc/_columns">_columns</a> table; every table: '
                              '<a href="/ddsc/_tables">_tables</a>.</p>',
        "license": licence.get("name", ""), "license_url": licence.get("path", ""),
        "source": "DDSC release " + str(desc.get("version", "")), "source_url": desc.get("homepage", ""),
        "extra_css_urls": ["data:text/css," + WEB_CSS.replace(" ", "%20")],
        "databases": {"ddsc": {"tables": tables, "queries": queries}},
    }


METADATA = "metadata.json"


def metadata_text(report) -> str:
    """``metadata.json`` as the release holds it (generated: ``verify`` compares a release's with it byte for byte)."""
    return json.dumps(datasette_metadata(report), indent=2, ensure_ascii=False) + "\n"


def arrow_table(frame: pd.DataFrame, table: Table) -> pa.Table:
    """The typed frame as Arrow with pandas metadata (so ``pd.read_parquet`` restores the dtypes), dates as
    ``date32`` (every Parquet reader shows a date, not a timestamp) and each field's description in its metadata."""
    converted = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [converted.schema.field(f.name).with_type(f.arrow_type() if f.type == "date" else converted.schema.field(f.name).type)
              .with_metadata({"description": f.description}).with_nullable(not f.required) for f in table.fields]
    return converted.cast(pa.schema(fields, metadata=converted.schema.metadata))


def parquet_path(name: str) -> str:
    return f"parquet/{name}.parquet"


def parquet_bytes(frame: pd.DataFrame, table: Table) -> bytes:
    """The Parquet file of one table, as the release holds it."""
    out = pa.BufferOutputStream()
    pq.write_table(arrow_table(frame, table), out, compression="zstd")
    return out.getvalue().to_pybytes()


def write_parquet(report, folder: Path) -> list[str]:
    (folder / "parquet").mkdir(exist_ok=True)
    paths = []
    for name, table in report.model.items():
        (folder / parquet_path(name)).write_bytes(parquet_bytes(report.tables[name], table))
        paths.append(parquet_path(name))
    return paths


STATA_LONG = (-2_147_483_647, 2_147_483_620)  # Stata's long; larger integers are stored as doubles
STATA_EXACT = 2**53  # a double holds every integer up to here exactly


def stata_label(text: str, width: int = STATA_LABEL) -> str:
    """A variable or dataset label: markdown removed, cut at a word boundary to ``width`` (Stata's 80 characters)."""
    plain = " ".join(text.replace("`", "").split())
    return plain if len(plain) <= width else textwrap.shorten(plain, width, placeholder="...")


def stata_labels(descriptions: dict[str, str]) -> dict[str, str]:
    """The variable labels of one file, ``{variable: label}`` from ``{variable: description}``: each its
    description as ``stata_label`` cuts it, and where two cut labels would read the same (descriptions
    that differ only after 80 characters), each of them cut shorter and ended by its variable's name in
    brackets, so that no two labels of a file are identical."""
    labels = {name: stata_label(text) for name, text in descriptions.items()}
    counts = pd.Series(list(labels.values()), dtype=object).value_counts()
    for name, label in labels.items():
        if counts[label] > 1:
            suffix = f" [{name}]"
            labels[name] = stata_label(descriptions[name], STATA_LABEL - len(suffix)) + suffix
    return labels


def _stata_integers(column: pd.Series, table: Table, name: str) -> pd.Series:
    values = column.dropna()
    if values.empty or (values.min() >= STATA_LONG[0] and values.max() <= STATA_LONG[1]):
        return column.astype("Int32")
    if values.abs().max() < STATA_EXACT:
        return column.astype("Float64")
    raise ValueError(f"{table.name}:{name}: integer {values.abs().max()} cannot be held exactly in a Stata file")


def stata_frame(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """What ``to_stata`` can write: text as str ('' when missing, as Stata has no missing string), enums as
    labelled integers (1 = first level; missing as .), dates as datetime64 written as %td, integers as
    long (or double when larger; a value no Stata type holds exactly fails the build)."""
    out = {}
    for f in table.fields:
        column = frame[f.name]
        if f.enum:
            codes = pd.Series(column.cat.codes, index=column.index).astype("Int32") + 1
            out[f.name] = codes.where(column.notna())
        elif f.type == "integer":
            out[f.name] = _stata_integers(column, table, f.name)
        elif f.stata_dtype() == "str":  # plain Python strings (object): pandas' Stata writer reads them cell by cell, 10x faster than Arrow strings
            out[f.name] = pd.Series(column.astype(object).where(column.notna(), "").to_numpy(dtype=object), index=column.index, dtype=object)
        else:
            out[f.name] = column.astype(f.stata_dtype())
    return pd.DataFrame(out)


class _StrLTable(StataStrLWriter):
    """pandas' table of long strings (strL), the same keys in the same order, read from one NumPy array
    instead of a Series per row (pandas 3 infers an Arrow string Series for each row: 20 s on trainings)."""

    def generate_table(self) -> tuple[dict, pd.DataFrame]:
        gso_table, gso_df = self._gso_table, self.df
        positions = [list(gso_df.columns).index(col) for col in self.columns]
        values = gso_df[self.columns].to_numpy(dtype=object)
        keys = np.empty(values.shape, dtype=np.uint64)
        for o, row in enumerate(values):
            for j, val in enumerate(row):
                val = "" if pd.isna(val) else val
                key = gso_table.get(val)
                if key is None:  # Stata numbers from 1: (variable, observation) of the first occurrence
                    key = gso_table[val] = (positions[j] + 1, o + 1)
                keys[o, j] = self._convert_key(key)
        for i, col in enumerate(self.columns):
            gso_df[col] = keys[:, i]
        return gso_table, gso_df


class _StataWithNotes(StataWriterUTF8):
    """A Stata 118 writer that also stores notes, as Stata's ``notes`` command does: characteristics
    ``var[note0]`` (the count) and ``var[note1]`` (the text); ``_dta`` for the dataset. pandas writes labels
    but leaves the characteristics section empty; this fills it and nothing else."""

    def __init__(self, *args, notes: dict[str, str], **kwargs):
        self._notes = notes
        super().__init__(*args, **kwargs)

    def _convert_strls(self, data: pd.DataFrame) -> pd.DataFrame:
        """As pandas does, with the strL table built by ``_StrLTable``."""
        columns = [col for i, col in enumerate(data) if self.typlist[i] == 32768 or col in self._convert_strl]
        if columns:
            strls = _StrLTable(data, columns, version=self._dta_version, byteorder=self._byteorder)
            table, data = strls.generate_table()
            self._strl_blob = strls.generate_blob(table)
        return data

    def _write_characteristics(self) -> None:
        self._update_map("characteristics")
        entries = [(var, key, value) for var, text in self._notes.items() for key, value in (("note0", "1"), ("note1", text))]
        self._write_bytes(self._tag(b"".join(self._characteristic(*entry) for entry in entries), "characteristics"))

    def _characteristic(self, variable: str, name: str, text: str) -> bytes:
        contents = text.encode("utf-8") + b"\0"
        if len(contents) > STATA_CHARACTERISTIC:
            raise ValueError(f"{variable}: a note of {len(contents)} bytes is longer than a Stata characteristic holds")
        body = variable.encode("utf-8").ljust(129, b"\0") + name.encode("utf-8").ljust(129, b"\0") + contents
        return self._tag(struct.pack(self._byteorder + "I", len(body)) + body, "ch")


def stata_note(text: str) -> str:
    """A note: the full description, markdown code marks removed, on one line."""
    return " ".join(text.replace("`", "").split())


def stata_path(name: str) -> str:
    return f"stata/{name}.dta"


def write_stata_table(frame: pd.DataFrame, table: Table, target) -> None:
    """One table as a Stata 118 (UTF-8) file at ``target`` (a path or a binary buffer): the dataset label,
    variable labels from the descriptions (cut at 80 characters), each full description as the variable's
    note, the table's as the dataset's note, and value labels from the enums."""
    dates = {f.name: "td" for f in table.fields if f.type == "date"}
    labels = stata_labels({f.name: f.description for f in table.fields})
    values = {f.name: {i: str(level) for i, level in enumerate(f.enum, 1)} for f in table.fields if f.enum}
    long_text = [f.name for f in table.fields if f.free_text]  # strL: each distinct text stored once (trainings: 253 MB -> 39 MB)
    notes = {"_dta": stata_note(table.description or table.title or table.name)} | {f.name: stata_note(f.description) for f in table.fields if f.description}
    writer = _StataWithNotes(target, stata_frame(frame, table), notes=notes, write_index=False, convert_dates=dates, variable_labels=labels, value_labels=values,
                             convert_strl=long_text, data_label=stata_label(table.title or table.name), time_stamp=pd.Timestamp("2000-01-01").to_pydatetime())
    writer.write_file()


def write_stata(report, folder: Path) -> list[str]:
    """One Stata file per table (``write_stata_table``)."""
    (folder / "stata").mkdir(exist_ok=True)
    paths = []
    for name, table in report.model.items():
        write_stata_table(report.tables[name], table, folder / stata_path(name))
        paths.append(stata_path(name))
    return paths


EXPORTS = (write_sqlite, write_parquet, write_stata)  # the exports of the tables; verify reads each back and compares it with them


def export_paths(report) -> list[str]:
    """The files ``EXPORTS`` write for ``report``."""
    return [SQLITE] + [parquet_path(name) for name in report.model] + [stata_path(name) for name in report.model]
