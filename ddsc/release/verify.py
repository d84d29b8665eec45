"""Verifying a release from elsewhere: it holds exactly the files SHA256SUMS lists, with their checksums; its
content passes validation; every export holds the validated tables, in type as well as value; every file the
build generates is byte for byte what this version writes from those tables; and it says whether it is a
release the maintainers published (``ddsc/release/published.csv``). Every finding is a ``Problem`` located at its file.

Work is bounded: files are hashed in pieces, each table file is parsed once (by validation), each export is
read and compared one table at a time, and at most ``MAX_PER_TABLE`` problems are kept per file."""

from __future__ import annotations

import datetime
import io
import re
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ddsc.package.checksums import SUMS, checksum_problems, parse_sums, read_sums, sha256  # noqa: F401 - verify's API
from ddsc.package.model import is_date
from ddsc.package.problems import Problem, line_of, limited
from ddsc.package.source import ReleaseError, Source, UnsafeRelease

PUBLISHED = Path(__file__).with_name("published.csv")  # the releases the maintainers published (``publish`` adds to it)
PUBLISHED_HEADER = "version,sums_sha256,date"
DIGEST = re.compile(r"[0-9a-f]{64}")


# --- the exports, read back and compared with the validated tables -------------------------------------------


def _canonical(column: pd.Series, f) -> pd.Series:
    """Every cell as the CSV writes it, missing as '' (one text form to compare exports by)."""
    from ddsc.package.render import cell_text

    if f.type == "date" and not pd.api.types.is_datetime64_any_dtype(column):
        column = pd.to_datetime(column.astype("string"), format="%Y-%m-%d", errors="coerce")
    elif f.type in ("integer", "boolean", "number") and column.dtype == object:
        column = pd.to_numeric(column, errors="coerce")
    return cell_text(column, f.type).fillna("").reset_index(drop=True)


def _value_problems(rel: str, table, chunks, expected: pd.DataFrame) -> list[Problem]:
    """The rows of an export read back (``chunks``: frames of consecutive rows) against the validated frame,
    column by column: the first cell that differs, located at the row's line in the table."""
    from ddsc.package.model import arrow_strings

    start, longer = 0, False
    for found in chunks:
        if list(found.columns) != table.field_names:
            return [Problem(rel, 0, "", f"columns {', '.join(map(str, found.columns))}, the table's are {', '.join(table.field_names)}", "export-type")]
        if start + len(found) > len(expected):
            longer = True
            break
        for f in table.fields:
            a, b = _canonical(found[f.name], f), _canonical(expected[f.name].iloc[start:start + len(found)], f)
            if arrow_strings(a).equals(arrow_strings(b)):  # in Arrow: a Python comparison per cell costs seconds on trainings
                continue
            row = int((a.to_numpy() != b.to_numpy()).argmax())
            return [Problem(rel, line_of(start + row), f.name, f"holds {a.iloc[row]!r}, the table {b.iloc[row]!r}", "export-value")]
        start += len(found)
    if longer or start != len(expected):
        rows = f"more than {len(expected):,}" if longer else f"{start:,}"
        return [Problem(rel, 0, "", f"{table.name} has {rows} rows, the table {len(expected):,}", "export-value")]
    return []


def _sqlite_problems(report, path: Path) -> list[Problem]:
    """The SQLite file declares exactly the tables and indexes the schemas give, holds nothing else (no free
    pages, no bytes after its last page, no header field set), has indexes that agree with their tables
    (``PRAGMA integrity_check``), documents every table and column in ``_tables`` and ``_columns`` as the build
    does, and holds every row of every table with each value of the storage class and value the build writes."""
    import sqlite3

    from ddsc.release.export import SQLITE, _cells, _documentation, create_statements

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        declared = sorted(sql for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        if declared != sorted(create_statements(report)):
            return [Problem(SQLITE, 0, "", "its tables, indexes, views or triggers differ from those the schemas give", "export-type")]
        pragmas = {name: db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_count", "page_size", "freelist_count", "user_version", "application_id")}
        if pragmas["freelist_count"] or pragmas["page_count"] * pragmas["page_size"] != path.stat().st_size or pragmas["user_version"] or pragmas["application_id"]:
            return [Problem(SQLITE, 0, "", f"holds pages, bytes or header fields the build does not write ({pragmas})", "export-value")]
        damaged = [row for (row,) in db.execute("PRAGMA integrity_check(10)")]
        if damaged != ["ok"]:  # an index that disagrees with its table gives other rows to the queries that use it
            return [Problem(SQLITE, 0, "", f"its indexes or pages are not consistent with its tables ({'; '.join(damaged[:3])})", "export-value")]
        tables, columns = _documentation(report)
        problems = []
        for name, expected in (("_tables", tables), ("_columns", columns)):
            found = db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            problems += _rows_differ(f"{name}", found, [tuple(row) for row in expected])
        for name, table in report.model.items():
            frame = report.tables[name]
            count = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            if count != len(frame):
                problems.append(Problem(SQLITE, 0, name, f"{name} has {count:,} rows, the table {len(frame):,}", "export-value"))
                continue
            columns, last = ", ".join(f'"{n}"' for n in table.field_names), 0
            for start in range(0, len(frame), CHUNK):  # a chunk of rows at a time: never a whole table as Python objects
                rows = db.execute(f'SELECT rowid, {columns} FROM "{name}" WHERE rowid > ? ORDER BY rowid LIMIT {CHUNK}', (last,)).fetchall()
                last = rows[-1][0]
                found = list(zip(*rows))[1:]
                differs = next((_cell_differs(name, f.name, start, column, _cells(frame[f.name].iloc[start:start + CHUNK], f))
                                for f, column in zip(table.fields, found) if not _same_cells(column, _cells(frame[f.name].iloc[start:start + CHUNK], f))), None)
                if differs:
                    problems.append(differs)
                    break
        return problems
    finally:
        db.close()


CHUNK = 20_000  # rows of an export compared at a time


def _same_cells(found, expected: list) -> bool:
    """Equal cells of equal storage classes (SQLite's 1 and 1.0 are equal in Python, not in type)."""
    return list(found) == expected and list(map(type, found)) == list(map(type, expected))


def _shown_type(value) -> str:
    return {int: "integer", float: "real", str: "text", bytes: "blob", type(None): "null"}.get(type(value), type(value).__name__)


def _cell_differs(name: str, column: str, start: int, found, expected: list) -> Problem:
    """The first cell of a chunk of a SQLite column that differs from what the build inserted, in storage class or value."""
    from ddsc.release.export import SQLITE

    row = next(i for i, (a, b) in enumerate(zip(found, expected)) if type(a) is not type(b) or a != b)
    a, b = found[row], expected[row]
    kind = "export-type" if type(a) is not type(b) and b is not None and a is not None else "export-value"
    return Problem(SQLITE, line_of(start + row), f"{name}.{column}", f"holds {_shown_type(a)} {a!r}, the table {_shown_type(b)} {b!r}", kind)


def _rows_differ(name: str, found: list[tuple], expected: list[tuple]) -> list[Problem]:
    """The first row of a documentation table (``_tables``, ``_columns``) that differs from what the build writes."""
    from ddsc.release.export import SQLITE

    typed = lambda rows: [tuple((type(v), v) for v in row) for row in rows]  # noqa: E731 - 1 is not 1.0, nor '1'
    if typed(found) == typed(expected):
        return []
    if len(found) != len(expected):
        return [Problem(SQLITE, 0, name, f"{name} has {len(found):,} rows, the build writes {len(expected):,}", "export-value")]
    row = next(i for i, (a, b) in enumerate(zip(typed(found), typed(expected))) if a != b)
    return [Problem(SQLITE, line_of(row), name, f"row {row + 1} is {found[row]!r}, the build writes {expected[row]!r}", "export-value")]


def _arrow_differs(a, b):
    """The first position at which two Arrow columns of one type differ (None when they are equal)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(a.type):
        a, b = a.cast(a.type.value_type), b.cast(b.type.value_type)
    unequal = pc.or_(pc.fill_null(pc.not_equal(a, b), False), pc.xor(pc.is_null(a), pc.is_null(b)))
    at = pc.index(unequal, True).as_py()
    return None if at < 0 else at


def _parquet_problems(rel: str, data: bytes, frame: pd.DataFrame, table) -> list[Problem]:
    """A Parquet file is the one the build writes from the validated table: the same schema (each column's
    type, nullability and description, no column more or less), the same schema metadata (pandas' among
    them), the same values, and no other bytes."""
    import pyarrow.parquet as pq

    from ddsc.release.export import parquet_bytes

    expected_bytes = parquet_bytes(frame, table)
    if data == expected_bytes:
        return []
    try:
        found = pq.read_table(io.BytesIO(data))
    except Exception as err:  # noqa: BLE001 - a corrupt file raises whatever the reader raises: named, never a traceback
        return [Problem(rel, 0, "", f"unreadable ({type(err).__name__}: {str(err)[:200]})", "export-value")]
    expected = pq.read_table(io.BytesIO(expected_bytes))
    extra = [name for name in found.column_names if name not in expected.column_names]
    missing = [name for name in expected.column_names if name not in found.column_names]
    problems = [Problem(rel, 0, name, "a column the table does not have", "export-type") for name in extra]
    problems += [Problem(rel, 0, name, "the table's column is missing", "export-type") for name in missing]
    for name in expected.column_names:
        if name in found.column_names and not found.schema.field(name).equals(expected.schema.field(name), check_metadata=True):
            a, b = found.schema.field(name), expected.schema.field(name)
            problems.append(Problem(rel, 0, name, f"is {a.type}{'' if a.nullable else ' not null'} {a.metadata or {}}, the table's {b.type}"
                                    f"{'' if b.nullable else ' not null'} {b.metadata or {}}", "export-type"))
    if not problems and found.column_names != expected.column_names:
        problems.append(Problem(rel, 0, "", f"columns in the order {', '.join(found.column_names)}, the table's {', '.join(expected.column_names)}", "export-type"))
    if found.schema.metadata != expected.schema.metadata:
        keys = sorted(set(found.schema.metadata or {}) | set(expected.schema.metadata or {}))
        changed = [k.decode("utf-8", "replace") for k in keys if (found.schema.metadata or {}).get(k) != (expected.schema.metadata or {}).get(k)]
        problems.append(Problem(rel, 0, "", f"its schema metadata differs from the table's ({', '.join(changed)})", "export-type"))
    if problems:
        return problems
    if found.num_rows != expected.num_rows:
        return [Problem(rel, 0, "", f"{table.name} has {found.num_rows:,} rows, the table {expected.num_rows:,}", "export-value")]
    for name in expected.column_names:
        at = _arrow_differs(found.column(name), expected.column(name))
        if at is not None:
            return [Problem(rel, line_of(at), name, f"holds {found.column(name)[at].as_py()!r}, the table {expected.column(name)[at].as_py()!r}", "export-value")]
    return [Problem(rel, 0, "", "differs from the file the build writes from the table in bytes outside its schema and values (file metadata, statistics, encoding)", "export-value")]


STATA_SECTIONS = ("stata_data", "map", "variable_types", "varnames", "sortlist", "formats", "value_label_names", "variable_labels",
                  "characteristics", "data", "strls", "value_labels", "stata_data_close", "eof")


def _stata_layout(data: bytes) -> tuple[int, int, list[int]]:
    """A Stata 118 file's row count, where its header's row count lies, and the offsets of its sections (its map)."""
    at = data.index(b"<N>") + 3
    rows = struct.unpack("<Q", data[at:at + 8])[0]
    start = data.index(b"<map>") + 5
    return rows, at, list(struct.unpack("<14Q", data[start:start + 14 * 8]))


def stata_proxy(frame: pd.DataFrame, table) -> pd.DataFrame:
    """The rows of ``frame`` that decide the Stata file's types: for each text column the longest text (in
    bytes and in characters), for each integer column its least and greatest value. The Stata writer gives a
    file of these rows the same types, widths, formats, labels and notes as the whole table's."""
    import pyarrow.compute as pc

    from ddsc.package.model import arrow_strings

    rows = {0}
    for f in table.fields:
        column = frame[f.name]
        if f.type == "string" and not f.enum:
            text = arrow_strings(column)
            for length in (pc.binary_length(text.cast("binary")), pc.utf8_length(text)):
                rows.add(int(pc.index(length, pc.max(length)).as_py()) if pc.max(length).is_valid else 0)
        elif f.type == "integer" and column.notna().any():
            values = column.to_numpy(dtype="float64", na_value=np.nan)
            rows |= {int(np.nanargmax(values)), int(np.nanargmin(values))}
    return frame.iloc[sorted(rows)].reset_index(drop=True)


def _stata_problems(rel: str, data: bytes, frame: pd.DataFrame, table) -> list[Problem]:
    """A Stata file has the types, widths, formats, variable and value labels, notes and dataset label the build
    writes for the validated table (every section but the data, compared byte for byte with the file the writer
    makes of the rows that decide them, ``stata_proxy``), a data section of the table's size, and its values."""
    from ddsc.release.export import write_stata_table

    out = io.BytesIO()
    write_stata_table(stata_proxy(frame, table), table, out)
    proxy = out.getvalue()
    try:
        rows, at, offsets = _stata_layout(data)
        _, proxy_at, proxy_offsets = _stata_layout(proxy)
    except (ValueError, struct.error):
        return [Problem(rel, 0, "", "not a Stata 118 file (no header or map)", "export-type")]
    expected_header = proxy[:proxy_at] + struct.pack("<Q", len(frame)) + proxy[proxy_at + 8:proxy_offsets[1]]
    if rows != len(frame):
        return [Problem(rel, 0, "", f"{table.name} has {rows:,} rows, the table {len(frame):,}", "export-value")]
    if data[:offsets[1]] != expected_header:
        return [Problem(rel, 0, "", "its header (release, byte order, dataset label, time stamp) differs from what the build writes", "export-type")]
    for first, last in ((2, 9), (11, 13)):
        if any(offsets[i] > len(data) for i in range(first, last + 1)) or data[offsets[first]:offsets[last]] != proxy[proxy_offsets[first]:proxy_offsets[last]]:
            differs = next((STATA_SECTIONS[i] for i in range(first, last) if data[offsets[i]:offsets[i + 1]] != proxy[proxy_offsets[i]:proxy_offsets[i + 1]]), STATA_SECTIONS[first])
            return [Problem(rel, 0, "", f"its {differs.replace('_', ' ')} (types, formats, labels or notes) differ from what the build writes for the table", "export-type")]
    width = (proxy_offsets[10] - proxy_offsets[9] - len(b"<data></data>")) // _stata_layout(proxy)[0]  # bytes per row
    if offsets[10] - offsets[9] != len(b"<data></data>") + width * rows or offsets[13] != len(data):
        return [Problem(rel, 0, "", "its data or file is longer or shorter than the table's rows in the types it declares", "export-type")]

    def chunks():
        with pd.read_stata(io.BytesIO(data), convert_categoricals=False, chunksize=CHUNK) as reader:
            for found in reader:
                reader.value_labels()  # pandas reads the table of long strings again for each chunk until the value labels are read
                yield pd.DataFrame({f.name: _stata_cells(found[f.name], f) for f in table.fields}) if list(found.columns) == table.field_names else found

    try:
        return _value_problems(rel, table, chunks(), frame)
    except Exception as err:  # noqa: BLE001 - a corrupt file raises whatever the reader raises: named, never a traceback
        return [Problem(rel, 0, "", f"unreadable ({type(err).__name__}: {str(err)[:200]})", "export-value")]


def _stata_cells(column: pd.Series, f) -> pd.Series:
    """A column read from a Stata file as the table's values: '' is missing text (Stata has none), and an enum's
    codes are its levels (1 is the first; a code with no level is shown as such, never taken for missing)."""
    if f.enum:
        codes = column.to_numpy(dtype="float64", na_value=np.nan)
        out = np.full(len(codes), None, dtype=object)
        known = np.isin(codes, np.arange(1, len(f.enum) + 1))
        out[known] = np.asarray(f.enum, dtype=object)[codes[known].astype(int) - 1]
        unknown = ~known & ~np.isnan(codes)
        out[unknown] = [f"(code {code:g}, no level)" for code in codes[unknown]]
        return pd.Series(out, dtype=object)
    if f.type == "string":
        out = column.to_numpy(dtype=object)
        out[out == ""] = None
        return pd.Series(out, dtype=object)
    return column.reset_index(drop=True)


def export_problems(report, source: Source) -> list[Problem]:
    """Each export of a release holds exactly the validated tables: SQLite, then each table's Parquet and Stata
    files (one table at a time, so that memory follows the largest table)."""
    from ddsc.release.export import SQLITE, parquet_path, stata_path

    problems = []
    if source.exists(SQLITE):
        with tempfile.TemporaryDirectory(prefix="ddsc-verify-") as tmp:  # SQLite reads a file: a copy, streamed from the release
            path = Path(tmp) / SQLITE
            try:
                with path.open("wb") as handle:
                    for piece in source.chunks(SQLITE):
                        handle.write(piece)
                problems += _sqlite_problems(report, path)
            except (UnsafeRelease, FileNotFoundError) as err:
                problems.append(Problem(SQLITE, 0, "", str(err), "export-value"))
            except Exception as err:  # noqa: BLE001 - sqlite3 raises its own errors on a corrupt file
                problems.append(Problem(SQLITE, 0, "", f"not a readable SQLite database ({type(err).__name__}: {str(err)[:200]})", "export-value"))
    for name, table in report.model.items():
        for rel, judge in ((parquet_path(name), _parquet_problems), (stata_path(name), _stata_problems)):
            if source.exists(rel):
                try:
                    problems += judge(rel, source.read(rel), report.tables[name], table)
                except (UnsafeRelease, FileNotFoundError) as err:
                    problems.append(Problem(rel, 0, "", str(err), "export-value"))
    return problems


# --- the release as a whole ----------------------------------------------------------------------------------


def content_problems(report, source: Source, listed: dict[str, str]) -> list[Problem]:
    """What a valid release holds beside its tables: exactly the files the build writes (no file more, none
    missing), the generated files byte for byte as this version writes them from the validated tables (the R
    reader, README.md, the codebook, metadata.json, site/), and exports holding the validated tables."""
    from ddsc.release.export import export_paths
    from ddsc.release.write import citation_file, documents, package_paths
    from ddsc.release.site import site_files

    generated = documents(report)
    own = package_paths(report) + list(generated) + export_paths(report)
    present = set(source.files())
    try:
        site = site_files(report, citation_file(source), {rel: listed[rel] for rel in own if rel in listed})
    except ImportError as err:  # the figures are drawn with matplotlib (pip install 'ddsc[build]'): unchecked is not verified
        site = {}
        present = {rel for rel in present if not rel.startswith("site/")}
        own_problems = [Problem("site", 0, "", f"cannot be checked: {err.name or err} is not installed (pip install 'ddsc[build]')", "generated-file")]
    else:
        own_problems = []
    generated |= site
    expected = set(own) | set(site) | {SUMS}
    problems = own_problems + [Problem(rel, 0, "", "a file the build does not write", "unexpected-file") for rel in sorted(present - expected)]
    problems += [Problem(rel, 0, "", "missing: the build writes it into every release", "missing-file") for rel in sorted(expected - present)]
    for rel, data in generated.items():
        if rel in present:
            try:
                if source.read(rel) != data:
                    problems.append(Problem(rel, 0, "", "differs from the file this version of ddsc generates from the validated tables", "generated-file"))
            except (UnsafeRelease, FileNotFoundError) as err:
                problems.append(Problem(rel, 0, "", str(err), "generated-file"))
    del generated, site
    return problems + export_problems(report, source)


@dataclass
class Verification:
    """What ``verify_release`` found: the problems (none when the release verifies), the release's version,
    the SHA-256 of its SHA256SUMS (which names the release: every file's checksum is in it), and the version
    under which ``ddsc/release/published.csv`` lists that digest when every file matches SHA256SUMS (None otherwise)."""

    problems: list[Problem] = field(default_factory=list)
    version: str | None = None
    digest: str | None = None
    published: str | None = None

    @property
    def status(self) -> str:
        return f"published release {self.published}" if self.published else "not a published release (rebuilt or edited)"


def _opened(path: Path, err: UnsafeRelease) -> Problem:
    message = str(err).removeprefix(f"{path.name}: ")
    return Problem(path.name, 0, "", message, "release-archive")


def verify_release(path: Path, expect: str | None = None, published: Path | None = None) -> Verification:
    """Verify the release folder or zip at ``path``: its checksums, its content re-validated (read through the
    safe opener), then everything else it holds (``content_problems``); whether the table of published
    releases (``published``, by default ``PUBLISHED``) lists it; and, given ``expect`` (a SHA-256 a user got
    elsewhere), that it is the digest of its SHA256SUMS."""
    from ddsc.validation.validate import check

    path = Path(path)
    try:
        source = Source(path)
        listed, digest, problems = read_sums(source)
    except UnsafeRelease as err:
        return Verification([_opened(path, err)])
    report = check(source)
    problems += report.problems
    if report.valid and report.tables:
        problems += content_problems(report, source, listed)
    if expect is not None and expect.lower() != digest:
        problems.append(Problem(SUMS, 0, "", f"its SHA-256 is {digest or 'unknown (no SHA256SUMS)'}, not {expect.lower()}, the digest given", "expected-digest"))
    intact = not any(p.kind == "checksum" for p in problems)
    version = report.descriptor.get("version") if isinstance(report.descriptor, dict) else None
    names = published_releases(published or PUBLISHED)
    return Verification(limited(problems), str(version) if version is not None else None, digest, names.get(digest, (None,))[0] if intact and digest else None)


# --- published releases ----------------------------------------------------------------------------------------


def published_releases(path: Path | None = None) -> dict[str, tuple[str, str]]:
    """``{SHA-256 of SHA256SUMS: (version, date)}`` of every release the maintainers published, from the table
    shipped with the code (``ddsc/release/published.csv``; ``publish`` adds to it). A malformed table is an error."""
    import csv

    path = Path(path or PUBLISHED)
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != PUBLISHED_HEADER:
        raise ReleaseError(f"{path.name}: the header must be {PUBLISHED_HEADER}")
    out = {}
    for number, row in enumerate(csv.reader(lines[1:]), 2):
        if len(row) != 3 or not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", row[0]) or not DIGEST.fullmatch(row[1]) or not is_date(row[2]):
            raise ReleaseError(f"{path.name}:{number}: not a version, a SHA-256 in lower-case hex and a date")
        out[row[1]] = (row[0], row[2])
    return out


def publish(path: Path, table: Path | None = None, today: datetime.date | None = None) -> tuple[str, str, bool]:
    """Mark the release at ``path`` as published: it must verify; its version and the SHA-256 of its SHA256SUMS
    are added to ``table`` with today's date. Returns the version, the digest and whether a row was added (a
    release already listed is not added twice). A version is published once: another digest for a version
    already listed is refused."""
    table = Path(table or PUBLISHED)
    found = verify_release(path, published=table)
    if found.problems:
        raise ReleaseError(f"{Path(path).name} does not verify ({found.problems[0]}{' ...' if len(found.problems) > 1 else ''}); nothing was published")
    rows = published_releases(table)
    listed = {version: digest for digest, (version, _) in rows.items()}
    if found.digest in rows:
        return found.version, found.digest, False
    if found.version in listed:
        raise ReleaseError(f"{found.version} is already published with SHA256SUMS digest {listed[found.version]}; a published version is never replaced (bump the version)")
    text = table.read_text(encoding="utf-8") if table.is_file() else PUBLISHED_HEADER + "\n"
    date = (today or datetime.date.today()).isoformat()
    table.write_text(text + ("" if text.endswith("\n") else "\n") + f"{found.version},{found.digest},{date}\n", encoding="utf-8")
    return found.version, found.digest, True
