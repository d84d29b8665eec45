"""Field checks derived from the Table Schemas and run with pandera.

Every type and constraint is read from ``schemas/*.json``; nothing about a column is stated here.
"""

import re

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from ddsc.package import primary_key
from ddsc.problems import Problem, line_of

FORMULA_START = ("=", "+", "-", "@")
INTEGER = r"[+-]?[0-9]+"
NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
DATE_RX = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def arrow(values) -> "pyarrow.Array | pyarrow.ChunkedArray":
    """Arrow strings of a Series (zero-copy for Arrow-backed columns) or of any iterable."""
    if isinstance(values, pd.Series) and hasattr(values.array, "__arrow_array__"):
        return pc.cast(values.array.__arrow_array__(), pyarrow.string())
    return pyarrow.array(pd.Series(list(values), dtype=object), type=pyarrow.string(), from_pandas=True)


def member(values: pd.Series, allowed) -> pd.Series:
    """Whether each value is in ``allowed``, computed in Arrow (pandas' own isin loops in Python on Arrow strings)."""
    found = pc.is_in(arrow(values), value_set=pc.drop_null(arrow(allowed)))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def absent(values: pd.Series, allowed) -> list:
    """Labels of the non-missing ``values`` that are not in ``allowed``, in row order (an Arrow hash anti-join:
    one pass over each side, faster than a per-cell membership test on large key sets)."""
    left = pyarrow.table({"value": arrow(values), "row": pyarrow.array(np.arange(len(values)))})
    right = pyarrow.table({"value": pc.drop_null(arrow(allowed))})
    found = left.join(right, "value", join_type="left anti")
    rows = np.sort(found.filter(pc.is_valid(found["value"]))["row"].to_numpy())
    return list(values.index[rows])


SAMPLE = 10_000


def repeated_values(series: pd.Series) -> pd.Series | None:
    """The distinct values of a long column that repeats them (judged on its first rows), or None:
    checking each distinct value once is then cheaper than checking every cell."""
    head = series.iloc[:SAMPLE]
    if len(series) <= SAMPLE or 2 * len(head.unique()) >= len(head):
        return None
    return pd.Series(series.unique()).dropna()


def by_value(test, values: pd.Series | None):
    """A cell-wise check run first on the column's distinct ``values`` (see ``repeated_values``); only when one
    of them fails is it run on every cell, so that pandera locates each failing cell. The verdict is the same
    as running ``test`` on every cell."""

    def run(series: pd.Series) -> pd.Series:
        if values is not None and bool(test(values).fillna(False).all()):
            return pd.Series(True, index=series.index)
        return test(series)

    return run


def distinct(frame: pd.DataFrame, columns: list[str]) -> bool:
    """Whether no two rows share their values in ``columns`` (one hash pass in Arrow; missing cells count as a value).
    False only means "maybe": the exact duplicates are then found by pandera."""
    cells = [arrow(frame[c]) for c in columns]
    key = cells[0] if len(cells) == 1 else pc.binary_join_element_wise(*cells, "\x1f")
    return len(pc.unique(key)) == len(frame)


DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _calendar_dates(cells: pyarrow.Array) -> pyarrow.Array:
    """Timestamps of ISO date strings; null where a string is not a real calendar date (2016-02-30, 2015-02-29, 2016-2-3)."""
    shaped = pc.fill_null(pc.match_substring_regex(cells, DATE_RX), False)
    safe = pc.if_else(shaped, cells, "2000-01-01")
    year, month, day = (pc.cast(pc.utf8_slice_codeunits(safe, a, b), pyarrow.int32()).to_numpy() for a, b in ((0, 4), (5, 7), (8, 10)))
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_ok = (month >= 1) & (month <= 12)
    last_day = DAYS_IN_MONTH[np.where(month_ok, month, 0)] + ((month == 2) & leap)
    valid = shaped.to_numpy(zero_copy_only=False) & month_ok & (day >= 1) & (day <= last_day)
    return pc.cast(pc.if_else(pyarrow.array(valid), safe, pyarrow.scalar(None, pyarrow.string())), pyarrow.timestamp("s"))


def _dates(series: pd.Series) -> pd.Series:
    """ISO dates parsed in one vectorized pass over the distinct strings (a column of dates repeats them:
    there are only about 110,000 days from 1800 to 2100), then spread back to every cell."""
    encoded = pc.dictionary_encode(arrow(series))
    encoded = encoded.combine_chunks() if isinstance(encoded, pyarrow.ChunkedArray) else encoded
    stamps = pc.take(_calendar_dates(encoded.dictionary), encoded.indices)
    return pd.Series(stamps.to_numpy(zero_copy_only=False), index=series.index)


def parse(series: pd.Series, typ: str) -> pd.Series:
    """Typed values of a text column, missing where a cell does not parse (one vectorized pass)."""
    if typ == "date":
        return _dates(series)
    if typ == "integer":
        return pd.to_numeric(series.where(series.str.fullmatch(INTEGER)), errors="coerce")
    if typ == "number":
        return pd.to_numeric(series.where(series.str.fullmatch(NUMBER)), errors="coerce")
    if typ == "boolean":
        return series.map({"true": True, "false": False})
    return series


def typed_columns(frame: pd.DataFrame, schema: dict) -> dict[str, pd.Series]:
    """Every non-string column parsed once; the field checks and the cross-table rules share the result."""
    return {f["name"]: parse(frame[f["name"]], f["type"]) for f in schema["fields"] if f.get("type", "string") != "string"}


def _bound(value, typ: str):
    return pd.Timestamp(value) if typ == "date" else value


def _typed_check(test, name: str) -> pa.Check:
    """A check on the whole column (missing cells pass), so that it can use the pre-parsed values."""
    return pa.Check(lambda s: test(s) | s.isna(), name=name, ignore_na=False)


def field_checks(field: dict, parsed: pd.Series | None = None, distinct_values: pd.Series | None = None) -> list[pa.Check]:
    """pandera checks for one Table Schema field, each named by the rule it enforces.

    ``parsed`` holds the column's typed values (see ``typed_columns``); without it they are parsed here.
    ``distinct_values`` (see ``repeated_values``), where given, are checked before the cells.
    """
    once = lambda test: by_value(test, distinct_values)  # noqa: E731
    typ, cons = field.get("type", "string"), field.get("constraints", {})
    values = (lambda s: parsed) if parsed is not None else (lambda s: parse(s, typ))
    checks = []
    if typ != "string":
        checks.append(_typed_check(lambda s: values(s).notna(), f"type is {typ}"))
    else:
        checks.append(pa.Check(once(lambda s: s == s.str.strip()), name="no leading or trailing whitespace"))
        if "pattern" not in cons and "enum" not in cons:
            checks.append(pa.Check(once(lambda s: ~s.str.startswith(FORMULA_START)), name="does not start with =, +, - or @ (spreadsheet formula)"))
    if "pattern" in cons:
        rx = re.compile(cons["pattern"])
        checks.append(pa.Check(once(lambda s, rx=rx: s.str.fullmatch(rx).fillna(False)), name=f"matches pattern {cons['pattern']}"))
    if "enum" in cons:
        checks.append(pa.Check(once(lambda s, levels=tuple(cons["enum"]): member(s, levels)), name=f"is one of {', '.join(map(str, cons['enum']))}"))
    for key, op in (("minimum", "ge"), ("maximum", "le")):
        if key in cons:
            bound = _bound(cons[key], typ)
            checks.append(_typed_check(lambda s, b=bound, op=op: getattr(values(s), op)(b) | values(s).isna(), f"{key} {cons[key]}"))
    for key, op in (("minLength", "ge"), ("maxLength", "le")):
        if key in cons:
            checks.append(pa.Check(once(lambda s, n=cons[key], op=op: getattr(s.str.len(), op)(n)), name=f"{key} {cons[key]}"))
    return checks


def pandera_schema(schema: dict, parsed: dict | None = None, frame: pd.DataFrame | None = None) -> pa.DataFrameSchema:
    """The pandera schema equivalent to a Table Schema (types, required, unique, pattern, enum, ranges, primary key).

    Given the ``frame`` to validate, uniqueness is left to pandera only where a hash pass (``distinct``) finds a
    repeated key: pandas' duplicate search is the slowest check on a large table, and needless when all keys differ.
    Cell checks on a column that repeats its values run on its distinct values first (``repeated_values``).
    """
    pk = primary_key(schema)

    def unique(columns: list[str]) -> bool:
        return frame is None or not distinct(frame, columns)

    def distinct_values(column: str, typ: str) -> pd.Series | None:
        return repeated_values(frame[column]) if frame is not None and typ == "string" else None

    columns = {
        f["name"]: pa.Column(
            None,
            checks=field_checks(f, (parsed or {}).get(f["name"]), distinct_values(f["name"], f.get("type", "string"))),
            nullable=not (f.get("constraints", {}).get("required") or f["name"] in pk),
            unique=(bool(f.get("constraints", {}).get("unique")) or pk == [f["name"]]) and unique([f["name"]]),
            report_duplicates="all",
        )
        for f in schema["fields"]
    }
    return pa.DataFrameSchema(columns, unique=pk if len(pk) > 1 and unique(pk) else None, report_duplicates="all", strict=True, ordered=True)


def _message(check: str, value, column: str, pk: list[str]) -> str:
    if check == "not_nullable":
        return "required value is missing"
    if check == "field_uniqueness":
        return f"duplicate {'primary key' if pk == [column] else 'value'} {value!r}"
    if check == "multiple_fields_uniqueness":
        return f"duplicate primary key {value!r}"
    return f"value {value!r} fails check: {check}"


def field_problems(frame: pd.DataFrame, schema: dict, table: str, parsed: dict | None = None) -> list[Problem]:
    """Every cell that breaks its field's type or constraints, located."""
    try:
        pandera_schema(schema, parsed, frame).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    else:
        return []
    pk = primary_key(schema)
    problems = []
    for case in cases.itertuples(index=False):
        if pd.isna(case.index):
            problems.append(Problem(table, 1, str(case.column), f"{case.check}: {case.failure_case}"))
            continue
        column, value = case.column, frame.at[int(case.index), case.column]
        if case.check == "multiple_fields_uniqueness":
            column, value = ", ".join(pk), tuple(frame.loc[int(case.index), pk])
        problems.append(Problem(table, line_of(case.index), column, _message(str(case.check), value, column, pk)))
    return sorted(set(problems))
