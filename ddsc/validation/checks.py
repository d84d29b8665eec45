"""pandera schemas derived from the Table Schemas, cross-table keys included, and their failures as located problems.

``pandera_schemas(tables, model)`` gives one ``DataFrameSchema`` per typed frame: dtypes, required,
unique, pattern, enum, ranges and the primary key as column checks; every declared foreign key
(self-references included), the citation targets and the uncited records as DataFrame-level checks
against the other frames. The build validates with exactly these schemas.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

from ddsc.package.kinds import check as kinded_check, kinds_of
import pyarrow.compute as pc

from ddsc.package.model import TEXT_CHECKS, Table, arrow_strings, rules_broken
from ddsc.package.descriptor import CITATION_TABLE
from ddsc.package.problems import MAX_PER_TABLE, Problem, line_of, more_problems

FK_CHECK = "foreign key {label}"
TARGET_CHECK = "citation target exists: record_id"
CITED_CHECK = "cited with a locator: {key}"
UNIQUE_CHECK = "unique"  # Table Schema uniqueness: among the values present (missing cells may repeat)


@dataclasses.dataclass(frozen=True)
class _String(pandas_engine.STRING):
    """pandera's string type, judged for the whole column as every other type is. pandera's own answers cell by
    cell when the type matches, and then formats an empty table of failure cases for every string column: a
    third of the time of validating a small package (bench/run.py)."""

    def check(self, pandera_dtype, data_container=None) -> bool:
        return bool(np.all(super().check(pandera_dtype, data_container)))


def _pandera_dtype(field):
    dtype = field.pandas_dtype()
    return _String() if dtype == "string" else dtype


def _keys(frame: pd.DataFrame | None, column: str) -> pd.Series:
    if frame is None or column not in frame:
        return pd.Series([], dtype="string")
    return frame[column].dropna().astype("string")


def _in(values: pd.Series, keys: pd.Series) -> pd.Series:
    """Whether each value is missing or among ``keys`` (plain bools, for pandera). Computed in Arrow:
    pandas' ``isin`` on Arrow-backed strings loops in Python (20x slower at a million rows, bench/run.py)."""
    found = pc.or_(pc.is_null(arr := arrow_strings(values)), pc.fill_null(pc.is_in(arr, value_set=arrow_strings(keys)), False))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _joined(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """One text key per row from one or more columns; missing when any part is missing (not checked)."""
    if len(columns) == 1:
        return frame[columns[0]]
    parts = [frame[c].astype("string") for c in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\x1f" + part  # a unit separator: refused in every cell, so keys cannot collide
    return joined


def _foreign_key(table: Table, fk, tables: dict) -> pa.Check:
    def check(frame: pd.DataFrame) -> pd.Series:
        target = frame if fk.resource == table.name else tables.get(fk.resource)
        if target is None or any(r not in target for r in fk.references):  # the referenced table is not given (or could not be read)
            return pd.Series(True, index=frame.index)
        return _in(_joined(frame, fk.fields), _joined(target, fk.references).dropna().astype("string"))

    return kinded_check(check, FK_CHECK.format(label=fk.label), "foreign-key")


def _citation_targets(model: dict[str, Table], tables: dict) -> pa.Check:
    def check(frame: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=frame.index)
        names = frame["table_name"]
        for target in names.dropna().unique():
            table = model.get(target)
            if table is not None and target not in tables:
                continue
            rows = (names == target).to_numpy(dtype=bool, na_value=False)
            keys = _keys(tables.get(target), table.primary_key[0]) if table and len(table.primary_key) == 1 else _keys(None, "")
            ok[rows] = _in(frame["record_id"][rows], keys).to_numpy()
        return ok

    return kinded_check(check, TARGET_CHECK, "citation-target")


def _cited(table: Table, tables: dict) -> pa.Check:
    key = table.primary_key[0]

    def check(frame: pd.DataFrame) -> pd.Series:
        links = tables.get(CITATION_TABLE)
        if links is None:
            return pd.Series(True, index=frame.index)
        chosen = (links["table_name"] == table.name).to_numpy(dtype=bool, na_value=False) & links["locator"].notna().to_numpy()
        return _in(frame[key], links["record_id"][chosen].dropna()) & frame[key].notna()

    return kinded_check(check, CITED_CHECK.format(key=key), "uncited")


def table_schema(table: Table, model: dict[str, Table], tables: dict) -> pa.DataFrameSchema:
    """The pandera schema of one table; cross-table checks read the other frames from ``tables``."""
    pk = list(table.primary_key)
    columns = {
        f.name: pa.Column(
            _pandera_dtype(f),
            checks=f.pandera_checks() + ([kinded_check(lambda s: ~s.duplicated(keep=False), UNIQUE_CHECK, "unique")] if f.constraints.get("unique") and pk != [f.name] else []),
            nullable=not (f.required or f.name in pk),
            unique=pk == [f.name],
            report_duplicates="all",
        )
        for f in table.fields
    }
    checks = [_foreign_key(table, fk, tables) for fk in table.foreign_keys]
    if table.name == CITATION_TABLE:
        checks.append(_citation_targets(model, tables))
    if table.cited and len(pk) == 1:
        checks.append(_cited(table, tables))
    return pa.DataFrameSchema(columns, checks=checks, unique=pk if len(pk) > 1 else None, report_duplicates="all", strict=True, ordered=True, name=table.name)


def pandera_schemas(tables: dict[str, pd.DataFrame], model: dict[str, Table]) -> dict[str, pa.DataFrameSchema]:
    """One pandera schema per table of ``model``; foreign keys are checked against the frames in ``tables``."""
    return {name: table_schema(table, model, tables) for name, table in model.items()}


def _value_text(value) -> str:
    if isinstance(value, pd.Timestamp):
        return repr(value.strftime("%Y-%m-%d"))
    return repr(value.item() if hasattr(value, "item") else value)


def _problem(case, table: Table, frame: pd.DataFrame, declared: dict, text: pd.DataFrame | None = None) -> Problem | list[Problem] | None:
    """The located problem of one pandera failure case (None for the extra cells of a row-wise check; one per
    rule broken for the check of free text). Our checks are told apart by the kinds they ``declared``
    (``kinds_of``); pandera's own (nullable, unique, dtype, columns) by the names pandera gives them."""
    check, column, name = str(case.check), case.column, table.name
    kinds = declared.get(check, ())
    if pd.isna(case.index):
        if check.startswith("column_in_"):
            return Problem(name, 1, str(case.failure_case), "column does not match the schema", "frame-columns")
        if check == "column_ordered":  # pandera gives the schema's name as its column: locate the column out of place
            return Problem(name, 1, str(case.failure_case), "column out of the schema's order", "frame-columns")
        return Problem(name, 1, str(column or ""), f"{check}: {case.failure_case}", "dtype" if check.startswith("dtype") else "frame-columns")
    row = int(case.index)
    line = line_of(row)
    if text is not None and column in text.columns:  # quote the cell as written
        case = case._replace(failure_case=text.at[row, column])
    if kinds == ("foreign-key",):
        fk = next(fk for fk in table.foreign_keys if check == FK_CHECK.format(label=fk.label))  # which of the table's keys
        if column != fk.field:
            return None
        value = tuple(str(frame.at[row, c]) for c in fk.fields) if len(fk.fields) > 1 else case.failure_case
        return Problem(name, line, column, f"{_value_text(value) if len(fk.fields) == 1 else repr(value)} not found in {fk.target}", "foreign-key")
    if kinds == ("citation-target",):
        if column != "record_id":
            return None
        return Problem(name, line, column, f"{_value_text(case.failure_case)} not found in {frame.at[row, 'table_name']}", "citation-target")
    if kinds == ("uncited",):
        if column != table.primary_key[0]:
            return None
        return Problem(name, line, column, f"record {_value_text(case.failure_case)} has no {CITATION_TABLE} row with a locator", "uncited")
    if check == "not_nullable":
        return Problem(name, line, column, "required value is missing", "required")
    if kinds == ("unique",):
        return Problem(name, line, column, f"duplicate value {_value_text(case.failure_case)}", "unique")
    if check == "field_uniqueness":
        is_key = list(table.primary_key) == [column]
        return Problem(name, line, column, f"duplicate {'primary key' if is_key else 'value'} {_value_text(case.failure_case)}", "primary-key" if is_key else "unique")
    if check == "multiple_fields_uniqueness":
        key = tuple(str(v) for v in frame.loc[row, list(table.primary_key)])
        return Problem(name, line, ", ".join(table.primary_key), f"duplicate primary key {key!r}", "primary-key")
    if check.startswith("dtype"):
        return Problem(name, line, column, f"value {_value_text(case.failure_case)} has the wrong type: {check}", "dtype")
    if check in TEXT_CHECKS:
        return [Problem(name, line, column, f"value {_value_text(case.failure_case)} fails check: {rule}", code) for rule, code in rules_broken(str(case.failure_case), TEXT_CHECKS[check])] or None
    return Problem(name, line, column, f"value {_value_text(case.failure_case)} fails check: {check}", kinds[0] if len(kinds) == 1 else "unlocated")


def schema_problems(schema: pa.DataFrameSchema, frame: pd.DataFrame, table: Table, skip: set = frozenset(), text: pd.DataFrame | None = None) -> list[Problem]:
    """Every failure of ``schema`` on ``frame``, located; cells in ``skip`` ((row, column), already reported) are left out.
    Given the ``text`` the frame was parsed from, messages quote cells as written."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    else:
        return []
    declared = kinds_of(schema)
    problems, failed, reported, more = set(), set(), set(), 0
    for case in cases.itertuples(index=False):
        if not pd.isna(case.index) and (int(case.index), case.column) in skip:
            continue
        failed.add(str(case.check))
        found = _problem(case, table, frame, declared, text)
        if found:
            found = found if isinstance(found, list) else [found]
            if len(problems) < MAX_PER_TABLE:  # the first problems are kept, the rest counted
                problems.update(found)
            else:
                more += len(set(found) - problems)
            reported.add(str(case.check))
    # a check that failed must never pass silently, even when no failing cell could be located
    problems |= {Problem(table.name, 1, "", f"check failed: {check}", "unlocated") for check in failed - reported}
    return sorted(problems) + ([more_problems(table.name, more)] if more else [])
