"""A frame as the package's CSV text: columns in schema order, rows sorted by primary key, UTF-8, LF line
ends, minimal quoting, missing cells empty. Every table a step produces is written by this one function,
so that a rebuild with no data change is byte-identical."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ddsc.package.model import Table, arrow_strings


def cell_text(column: pd.Series, kind: str) -> pd.Series:
    """Cells as the CSV writes them: dates YYYY-MM-DD, integers without a decimal point, booleans true/false."""
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype) or isinstance(column.dtype, pd.CategoricalDtype):
        return column.astype("string")
    if kind == "date":
        return column.dt.strftime("%Y-%m-%d").astype("string")
    if kind == "integer":
        return column.astype("Int64").astype("string")
    if kind == "boolean":
        return column.astype("boolean").map({True: "true", False: "false"}).astype("string")
    if kind == "number":
        return _number_text(column.astype("Float64"))
    return column.astype("string")


def _number_text(values: pd.Series) -> pd.Series:
    """Python's shortest round-trip form of each number (``repr``), without a trailing ``.0``: 1500, 0.5,
    1e+20, -0. Each distinct value is formatted once (trainings: 245,000 costs, far fewer values)."""
    def text(v: float) -> str:
        out = repr(float(v))
        return out[:-2] if out.endswith(".0") else out

    mask = values.notna().to_numpy(dtype=bool)
    floats = values.to_numpy(dtype=float, na_value=np.nan)[mask]
    texts = pd.Series(floats).map({v: text(v) for v in pd.unique(floats)}).to_numpy(dtype=object)
    zeros = floats == 0  # 0.0 and -0.0 are one key of the lookup: each formatted on its own
    texts[zeros] = [text(v) for v in floats[zeros]]
    out = np.full(len(values), None, dtype=object)
    out[mask] = texts
    return pd.Series(out, index=values.index, dtype="string")


def to_csv(frame: pd.DataFrame, table: Table) -> bytes:
    """The CSV bytes of ``frame`` for ``table`` (every schema column must be present; others are refused)."""
    missing = [f for f in table.field_names if f not in frame.columns]
    extra = [c for c in frame.columns if c not in table.field_names]
    if missing or extra:
        raise ValueError(f"{table.name}: columns {missing} missing, {extra} not in the schema")
    text = pd.DataFrame({f.name: cell_text(frame[f.name], f.type) for f in table.fields})
    if table.primary_key:
        order = frame[list(table.primary_key)].copy()
        text = text.iloc[_sort_positions(order)]
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(table.field_names)
    if text.empty:
        return header.getvalue().encode("utf-8")
    cells = [_csv_cells(arrow_strings(text[name]), alone=len(text.columns) == 1) for name in text.columns]
    lines = pc.binary_join_element_wise(*cells, ",")
    return (header.getvalue() + "\n".join(lines.to_pylist()) + "\n").encode("utf-8")


def _csv_cells(values: pa.Array, alone: bool) -> pa.Array:
    """Cells as Python's ``csv.writer`` writes them (minimal quoting, line end ``\\n``), column by column in
    Arrow: a cell holding a comma, a quote or a ``\\n`` (the line end; a bare ``\\r`` is not quoted) is quoted
    with its quotes doubled; missing is empty, and an empty cell alone on its row is ``""``
    (tests/unit/test_render.py compares the two)."""
    values = pc.fill_null(values, "")
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    out = pc.if_else(pc.match_substring_regex(values, '[,"\n]'), quoted, values)
    return pc.if_else(pc.equal(values, ""), '""', out) if alone else out


def _sort_positions(keys: pd.DataFrame) -> list[int]:
    """Row positions in primary-key order (numbers as numbers, text as text)."""
    return list(keys.reset_index(drop=True).sort_values(list(keys.columns), kind="stable").index)
