"""Reading the CSV tables as text, with the structural checks a Table Schema cannot express.

Arrow only (no pandas): ``start_reading`` begins parsing before the checks' libraries are imported."""

import csv
import mmap
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from ddsc import package
from ddsc.problems import Problem

BOM = b"\xef\xbb\xbf"
BLOCK = 16 << 20  # bytes per parse block: few chunks per column, still parsed in parallel


def _line_at(data: bytes, offset: int) -> int:
    return data[:offset].count(b"\n") + 1


def utf8_problems(data: bytes, table: str) -> list[Problem]:
    """The first invalid UTF-8 byte, located (run only when the fast reader reports bad bytes)."""
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError as err:
        return [Problem(table, _line_at(data, err.start), "", f"invalid UTF-8 byte {data[err.start:err.start + 1]!r}")]
    return []


def encoding_problems(data: bytes, table: str) -> list[Problem]:
    """Byte order marks and CR line ends are rejected: files are UTF-8 without BOM, with LF line ends."""
    if data[: len(BOM)] == BOM:
        return [Problem(table, 1, "", "file starts with a UTF-8 byte order mark; save as UTF-8 without BOM")]
    cr = data.find(b"\r")
    if cr >= 0:
        return [Problem(table, _line_at(data, cr), "", "carriage return (CR or CRLF line end); use LF line ends")]
    return []


def header_problems(found: list[str], expected: list[str], table: str) -> list[Problem]:
    missing = [name for name in expected if name not in found]
    extra = [name for name in found if name not in expected]
    problems = [Problem(table, 1, name, "required column is missing") for name in missing]
    problems += [Problem(table, 1, name, "unknown column not in the schema") for name in extra]
    if len(set(found)) != len(found):
        problems.append(Problem(table, 1, "", "duplicate column names in the header"))
    if not problems and found != expected:
        first = next(i for i, (a, b) in enumerate(zip(found, expected)) if a != b)
        problems.append(Problem(table, 1, found[first], f"columns out of schema order: expected {', '.join(expected)}"))
    return problems


def row_problems(data: bytes, width: int, table: str) -> list[Problem]:
    """Blank lines, line breaks inside cells and ragged rows, located by line number.

    Works on the raw bytes with NumPy: line ends, commas and quotes are counted per line without
    splitting the file into Python strings; only lines holding a quote are parsed one by one.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    if len(raw) and raw[-1] != 10:
        ends = np.append(ends, len(raw))
    starts = np.concatenate(([0], ends[:-1] + 1))[1:]
    ends = ends[1:]
    if not len(ends):
        return []
    lengths = ends - starts
    commas = np.add.reduceat(raw == 44, starts, dtype=np.int32)
    quotes = np.add.reduceat(raw == 34, starts, dtype=np.int32)
    empty = lengths == 0
    commas[empty], quotes[empty] = 0, 0  # reduceat returns the next element for empty slices
    counts = commas + 1
    problems = [Problem(table, int(i) + 2, "", "blank line") for i in np.flatnonzero(empty)]
    for i in np.flatnonzero(quotes):
        line = data[starts[i]:ends[i]].decode("utf-8")
        if quotes[i] % 2:
            problems.append(Problem(table, int(i) + 2, "", "unbalanced quote or line break inside a cell"))
            counts[i] = width
        else:
            counts[i] = len(next(csv.reader([line])))
    ragged = np.flatnonzero((counts != width) & ~empty)
    problems += [Problem(table, int(i) + 2, "", f"row has {counts[i]} cells, the header has {width}") for i in ragged]
    return problems


def parse_csv(path: Path, columns: list[str]) -> pyarrow.Table:
    """All cells as text, empty cells missing and the text ``NA`` kept (Arrow's multi-threaded reader).
    A blank line is kept, as a row with every cell missing."""
    return pacsv.read_csv(
        str(path),
        read_options=pacsv.ReadOptions(block_size=BLOCK),
        parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(column_types={c: pyarrow.string() for c in columns}, null_values=[""], strings_can_be_null=True),
    )


def _has_empty_row(table: pyarrow.Table) -> bool:
    """Whether some row has every cell missing: a blank line, or a line of commas only."""
    empty = pc.is_null(table.column(0))
    for column in table.columns[1:]:
        empty = pc.and_(empty, pc.is_null(column))
    return pc.any(empty).as_py() or False


def read_table(path: Path, expected: list[str], table: str) -> tuple[pyarrow.Table | None, list[Problem]]:
    """The table as strings (empty cells missing, the text ``NA`` kept), or None with the problems found.

    The structural scans run on a memory map of the file, so that its bytes are never copied."""
    if not path.is_file():
        return None, [Problem(table, 0, "", f"file {path.name} does not exist")]
    if path.stat().st_size == 0:
        return None, [Problem(table, 1, "", "file is empty: no header")]
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _read(data, path, expected, table)


def _read(data: mmap.mmap, path: Path, expected: list[str], table: str) -> tuple[pyarrow.Table | None, list[Problem]]:
    problems = encoding_problems(data, table)
    if problems:
        return None, problems
    header_end = data.find(b"\n")
    first_line = data[: header_end if header_end >= 0 else len(data)]
    if not first_line:
        return None, [Problem(table, 1, "", "file is empty: no header")]
    if utf8_problems(first_line, table):
        return None, utf8_problems(first_line, table)
    header = next(csv.reader([first_line.decode("utf-8")]))
    problems = header_problems(header, expected, table)
    if data.find(b'"') >= 0:
        problems += row_problems(data, len(header), table)
    if header_end < 0 or header_end == len(data) - 1:
        problems.append(Problem(table, 1, "", "table has a header but no rows"))
    if problems:
        return None, problems
    try:
        parsed = parse_csv(path, expected)
    except pyarrow.ArrowInvalid as err:  # invalid UTF-8 or a ragged row: locate it (the fast path skips both scans)
        return None, utf8_problems(data, table) or row_problems(data, len(header), table) or [Problem(table, 0, "", f"unreadable CSV: {err}")]
    if _has_empty_row(parsed):  # a blank line (located by the byte scan), or a row of empty cells (reported per field)
        problems = row_problems(data, len(header), table)
    return (None, problems) if problems else (parsed, [])


WORKERS = 2  # the machines have 2 cores; Arrow's parser releases the GIL


def read_package(root: Path) -> tuple[dict, dict, dict, list[Problem]]:
    """Descriptor, schemas and text tables (Arrow) of the package, with the problems found reading them."""
    desc = package.descriptor(root)
    resources, problems = package.resources(root, desc)
    schemas = {res["name"]: res["schema"] for res in resources}
    with ThreadPoolExecutor(WORKERS) as pool:
        read = list(pool.map(lambda res: read_table(root / res["path"], package.field_names(res["schema"]), res["name"]), resources))
    tables = {}
    for res, (table, found) in zip(resources, read):
        problems += found
        if table is not None:
            tables[res["name"]] = table
    return desc, schemas, tables, problems


def start_reading(root: Path) -> Future:
    """``read_package(root)`` started in the background; its result is the future's."""
    pool = ThreadPoolExecutor(1)
    future = pool.submit(read_package, root)
    pool.shutdown(wait=False)
    return future
