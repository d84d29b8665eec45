"""Reading the CSV tables as text, with the structural checks a Table Schema cannot express
(encoding, line ends, header, blank lines, ragged rows)."""

import csv

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from ddsc.package.problems import Problem, first_problems
from ddsc.package.source import MAX_FILE_BYTES, ReleaseError, Source, UnreadableFile, UnsafeRelease

BOM = b"\xef\xbb\xbf"
MAX_COLUMNS = 1000
csv.field_size_limit(MAX_FILE_BYTES)


def _line_at(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def utf8_problems(data: bytes, table: str) -> list[Problem]:
    """The first invalid UTF-8 byte, located."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return [Problem(table, _line_at(data, err.start), "", f"invalid UTF-8 byte {data[err.start:err.start + 1]!r}; save the file as UTF-8", "encoding")]
    return []


def encoding_problems(data: bytes, table: str) -> list[Problem]:
    """Byte order marks, NUL bytes and CR line ends are rejected: files are UTF-8 without BOM, with LF line ends."""
    if data[: len(BOM)] == BOM:
        return [Problem(table, 1, "", "file starts with a UTF-8 byte order mark; save as UTF-8 without BOM", "encoding")]
    nul = data.find(b"\x00")
    if nul >= 0:
        return [Problem(table, _line_at(data, nul), "", "NUL byte: not a text file", "encoding")]
    cr = data.find(b"\r")
    if cr >= 0:
        return [Problem(table, _line_at(data, cr), "", "carriage return (CR or CRLF line end); use LF line ends", "encoding")]
    return []


def header_problems(found: list[str], expected: list[str], table: str) -> list[Problem]:
    if len(found) > MAX_COLUMNS:
        return [Problem(table, 1, "", f"header has {len(found):,} columns, the schema {len(expected)}", "too-many-columns")]
    missing = [name for name in expected if name not in found]
    extra = [name for name in found if name not in expected]
    problems = [Problem(table, 1, name, "required column is missing", "missing-column") for name in missing]
    problems += [Problem(table, 1, name, "unknown column not in the schema", "unknown-column") for name in extra]
    if len(set(found)) != len(found):
        problems.append(Problem(table, 1, "", "duplicate column names in the header", "duplicate-column"))
    if not problems and found != expected:
        first = next(i for i, (a, b) in enumerate(zip(found, expected)) if a != b)
        problems.append(Problem(table, 1, found[first], f"columns out of schema order: expected {', '.join(expected)}", "column-order"))
    return problems


def row_problems(data: bytes, width: int, table: str) -> list[Problem]:
    """Blank lines, line breaks inside cells and ragged rows, located by line number: the first
    ``MAX_PER_TABLE`` of them, and a count of the rest (never made one by one).

    Counts line ends, commas and quotes per line with NumPy; only lines holding a quote are parsed one by one."""
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    if len(raw) and raw[-1] != 10:
        ends = np.append(ends, len(raw))
    starts = np.concatenate(([0], ends[:-1] + 1))[1:]
    ends = ends[1:]
    if not len(ends):
        return []
    lengths = ends - starts
    commas = np.add.reduceat(raw == 44, starts, dtype=np.int64)
    quotes = np.add.reduceat(raw == 34, starts, dtype=np.int64)
    empty = lengths == 0
    commas[empty], quotes[empty] = 0, 0  # reduceat returns the next element for empty slices
    counts = commas + 1
    unbalanced = []
    for i in np.flatnonzero(quotes):
        if quotes[i] % 2:
            unbalanced.append(i)
            counts[i] = width
        else:
            counts[i] = len(next(csv.reader([data[starts[i]:ends[i]].decode("utf-8", errors="replace")])))
    ragged = np.flatnonzero((counts != width) & ~empty)
    lines = np.concatenate((np.flatnonzero(empty), np.asarray(unbalanced, dtype=np.int64), ragged))
    kinds = np.repeat([0, 1, 2], [len(lines) - len(unbalanced) - len(ragged), len(unbalanced), len(ragged)])
    order = np.lexsort((kinds, lines))

    def make(at: int) -> Problem:
        i, kind = int(lines[at]), kinds[at]
        if kind == 0:
            return Problem(table, i + 2, "", "blank line", "blank-line")
        if kind == 1:
            return Problem(table, i + 2, "", "unbalanced quote or line break inside a cell", "row-shape")
        return Problem(table, i + 2, "", f"row has {counts[i]} cells, the header has {width}", "row-shape")

    return first_problems(order, make, table)


def parse_csv(data: bytes, columns: list[str]) -> pyarrow.Table:
    """All cells as text, empty cells missing and the text ``NA`` kept. A blank line is kept, as a row with every cell missing."""
    return pacsv.read_csv(
        pyarrow.BufferReader(data),
        parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={c: pyarrow.string() for c in columns}, null_values=[""], strings_can_be_null=True),
    )


def _has_empty_row(table: pyarrow.Table) -> bool:
    """Whether some row has every cell missing: a blank line, or a line of commas only."""
    empty = pc.is_null(table.column(0))
    for column in table.columns[1:]:
        empty = pc.and_(empty, pc.is_null(column))
    return pc.any(empty).as_py() or False


def read_table(source: Source, path: str, expected: list[str], table: str) -> tuple[pyarrow.Table | None, list[Problem]]:
    """The table as text (empty cells missing, the text ``NA`` kept), or None with the problems found."""
    try:
        data = source.read(path)
    except FileNotFoundError:
        return None, [Problem(table, 0, "", f"file {path.rsplit('/', 1)[-1]} does not exist", "missing-file")]
    except UnreadableFile as err:
        return None, [Problem(table, 0, "", str(err), "unreadable-file")]
    except UnsafeRelease as err:
        return None, [Problem(table, 0, "", str(err), "unsafe-path")]
    if not data:
        return None, [Problem(table, 1, "", "file is empty: no header", "empty-file")]
    problems = encoding_problems(data, table)
    if problems:
        return None, problems
    header_end = data.find(b"\n")
    first_line = data[: header_end if header_end >= 0 else len(data)]
    if not first_line:
        return None, [Problem(table, 1, "", "file is empty: no header", "empty-file")]
    if utf8_problems(first_line, table):
        return None, utf8_problems(first_line, table)
    header = next(csv.reader([first_line.decode("utf-8")]))
    problems = header_problems(header, expected, table)
    if problems:
        return None, problems
    if header_end < 0 or header_end == len(data) - 1:
        return None, [Problem(table, 1, "", "table has a header but no rows", "no-rows")]
    try:
        parsed = parse_csv(data, expected)
    except pyarrow.ArrowInvalid as err:  # invalid UTF-8 or a ragged row: locate it
        return None, utf8_problems(data, table) or row_problems(data, len(header), table) or [Problem(table, 0, "", f"unreadable CSV: {err}", "row-shape")]
    lines = data.count(b"\n") + (not data.endswith(b"\n")) - 1
    if parsed.num_rows != lines or data.count(b'"') % 2 or _has_empty_row(parsed):
        # a line break inside a quoted cell, an unbalanced quote, a blank line or a row of empty cells: the
        # byte scan locates each (it runs only then: on a clean file Arrow's parse is the whole check)
        problems = row_problems(data, len(header), table)
    return (None, problems) if problems else (parsed, [])


def read_text(source: Source, table) -> pd.DataFrame:
    """A table's cells as text (empty cells missing, the text ``NA`` kept), read exactly as validation reads
    it (``read_table``: header unquoted, structure checked); a structural problem is an error."""
    arrow, problems = read_table(source, table.path, table.field_names, table.name)
    if problems:
        raise ReleaseError(str(problems[0]) + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return arrow.to_pandas(types_mapper=pd.ArrowDtype)
