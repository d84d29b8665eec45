"""The schema model: what a Table Schema field or table means for every target.

One ``Field`` answers, from its Table Schema entry, its pandas dtype, Arrow type, SQLite column, Stata
storage, R class and pandera column; one ``Table`` gives the keys and the pandera schema of a table.
The type maps sit together here; nothing else in the code states a column's type or constraint.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Table Schema type -> target type. Enum fields are categoricals / factors / dictionary strings.
PANDAS_TYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[us]"}
SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "DATE"}
STATA_TYPES = {"string": "str", "integer": "Int32", "number": "Float64", "boolean": "Int8", "date": "datetime64[s]"}  # written as %td dates (seconds: any year, not only 1678-2262)
R_CLASSES = {"string": "character", "integer": "integer", "number": "numeric", "boolean": "logical", "date": "Date"}
KNOWN_TYPES = tuple(PANDAS_TYPES)

FORMULA_START = ("=", "+", "-", "@")
INTEGER_RX = r"[+-]?[0-9]+"
NUMBER_RX = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
DATE_RX = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def is_date(text) -> bool:
    """A calendar day written YYYY-MM-DD in ASCII digits (a regular expression's ``\\d`` would also take other
    scripts' digits, and ``2026-02-30`` has the shape of a date)."""
    if not isinstance(text, str) or not re.fullmatch(DATE_RX, text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True

FIRST_DAY = pd.Timestamp("0001-01-01")
from ddsc.package.text import INVISIBLE_RX  # noqa: E402 - one definition, shared with the terminal output



def precision_column(date_field: str) -> str:
    """The column holding the precision of a date column: ``date`` -> ``date_precision``, ``x_date`` -> ``x_date_precision``."""
    return f"{date_field}_precision"


def date_of_precision(column: str) -> str | None:
    """The date column whose precision ``column`` holds (None when it is not a precision column)."""
    return column.removesuffix("_precision") if column.endswith("_precision") else None


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO dates (YYYY-MM-DD, real calendar days from 0001-01-01) as datetime64; missing where a cell is not
    one. The only date parser."""
    strings = arrow_strings(text)
    shaped = pc.if_else(pc.fill_null(pc.match_substring_regex(strings, f"^{DATE_RX}$"), False), strings, pa.scalar(None, pa.string()))
    try:  # Arrow refuses an impossible day (2023-02-30) for the whole column ...
        days = pd.Series(pc.cast(pc.cast(shaped, pa.date32()), pa.timestamp("us")).to_pandas(), index=text.index).astype(PANDAS_TYPES["date"])
    except pa.ArrowInvalid:  # ... so a column holding one is parsed cell by cell, the impossible days missing
        shaped = text.where(pd.Series(shaped.is_valid().to_numpy(zero_copy_only=False), index=text.index))
        days = pd.to_datetime(shaped, format="%Y-%m-%d", errors="coerce").astype(PANDAS_TYPES["date"])
    return days.where(days >= FIRST_DAY)  # both read year 0000, which no calendar date has


MAX_INTEGER = 2**53 - 1  # the largest integer a double holds exactly, with every integer below it: Stata, R and JavaScript read integers so


def parse_numbers(text: pd.Series, kind: str) -> pd.Series:
    """Integers (``kind`` "integer") or numbers of a text column, parsed in Arrow; missing where a cell does
    not have the shape, where an integer lies beyond ``MAX_INTEGER`` either way (a Stata or R file, or a
    JavaScript client, would hold another number; more than 18 digits are refused before the cast, never
    wrapped around), or where a number is infinite (``1e400``). The only number parser."""
    strings = arrow_strings(text)
    shape = INTEGER_RX if kind == "integer" else NUMBER_RX
    ok = pc.fill_null(pc.match_substring_regex(strings, f"^(?:{shape})$"), False)
    if kind == "integer":
        ok = pc.and_(ok, pc.less_equal(pc.utf8_length(pc.utf8_ltrim(pc.utf8_ltrim(strings, "+-"), "0")), 18))
        strings = pc.replace_substring_regex(strings, "^\\+", "")  # Arrow reads -5, not +5
    target = pa.int64() if kind == "integer" else pa.float64()
    values = pc.cast(pc.if_else(ok, strings, pa.scalar(None, pa.string())), target)
    if kind == "number":
        values = pc.if_else(pc.is_inf(values), pa.scalar(None, target), values)
    else:
        values = pc.if_else(pc.greater(pc.abs(values), MAX_INTEGER), pa.scalar(None, target), values)
    dtype = pd.Int64Dtype() if kind == "integer" else pd.Float64Dtype()
    return pd.Series(values.to_pandas(types_mapper={target: dtype}.get), index=text.index)


def arrow_strings(values: pd.Series) -> pa.Array:
    """A text column as Arrow strings, missing cells null (an Arrow-backed column without a copy)."""
    if isinstance(values.dtype, pd.ArrowDtype | pd.StringDtype) and hasattr(values.array, "__arrow_array__"):
        arr = pa.array(values.array)
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        return arr if arr.type == pa.string() else arr.cast(pa.string())
    return pa.array(values.astype("string"), type=pa.string())


def matches(values: pd.Series, pattern: str) -> pd.Series:
    """Whether each whole value matches ``pattern``, in RE2 (linear time: no pattern can make it backtrack);
    missing cells count as matching (they are left to ``required``)."""
    found = pc.match_substring_regex(arrow_strings(values), pattern=f"^(?:{pattern})$")
    return pd.Series(pc.fill_null(found, True).to_numpy(zero_copy_only=False), index=values.index, dtype=bool)


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class Field:
    """One Table Schema field."""

    name: str
    type: str = "string"
    constraints: dict = field(default_factory=dict)
    description: str = ""

    @classmethod
    def from_schema(cls, spec: dict) -> Field:
        return cls(spec["name"], spec.get("type", "string"), dict(spec.get("constraints", {})), spec.get("description", ""))

    @property
    def enum(self) -> list | None:
        return self.constraints.get("enum")

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def free_text(self) -> bool:
        """A string without pattern or enum: checked for whitespace, formula starts and bidirectional controls."""
        return self.type == "string" and "pattern" not in self.constraints and not self.enum

    def text_check(self) -> str | None:
        """The name of the check of text this field's cells pass (``TEXT_CHECKS``): every rule of free text
        for free text; for text with a pattern, no surrounding whitespace and no control, bidirectional or
        invisible character (U+001F separates the parts of a composite key), whatever the pattern allows;
        none for an enum (its levels are checked in the schema) or another type."""
        if self.free_text:
            return FREE_TEXT_CHECK
        return PATTERN_TEXT_CHECK if self.type == "string" and not self.enum else None

    # --- pandas -----------------------------------------------------------------------------------
    def pandas_dtype(self):
        return self._pandas_dtype

    @cached_property
    def _pandas_dtype(self):  # a categorical dtype costs more to build than most checks of a small table
        return pd.CategoricalDtype(self.enum) if self.enum else PANDAS_TYPES[self.type]

    def parse(self, text: pd.Series) -> pd.Series:
        """Typed values of a text column (one vectorized pass); missing where a given cell does not parse."""
        if self.enum:  # the level of each cell, looked up in Arrow (pandas' object path is 10x slower at a million rows)
            codes = pc.fill_null(pc.index_in(arrow_strings(text), value_set=pa.array([str(v) for v in self.enum])), -1)
            return pd.Series(pd.Categorical.from_codes(codes.to_numpy(zero_copy_only=False), dtype=self.pandas_dtype()), index=text.index)
        if self.type == "date":
            return parse_dates(text)
        if self.type in ("integer", "number"):
            return parse_numbers(text, self.type)
        if self.type == "boolean":  # "true" and "false" only
            strings = arrow_strings(text)
            values = pc.if_else(pc.equal(strings, "true"), True, pc.if_else(pc.equal(strings, "false"), False, pa.scalar(None, pa.bool_())))
            return pd.Series(values.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get), index=text.index)
        return text.astype("string")

    def type_check_name(self) -> str:
        return f"is one of {', '.join(map(str, self.enum))}" if self.enum else f"type is {self.type}"

    def type_failure(self, text: str) -> str:
        """Why the cell ``text`` did not parse: the check it failed, and for an integer too large, the limit."""
        if self.type == "integer" and not self.enum and re.fullmatch(INTEGER_RX, text):
            return f"type is integer, at most {MAX_INTEGER:,} either way (the largest a Stata or R file holds exactly)"
        return self.type_check_name()

    def bounds(self) -> list[tuple[str, object]]:
        """(name, value) of the minimum and maximum, typed."""
        cast = pd.Timestamp if self.type == "date" else (lambda v: v)
        return [(key, cast(self.constraints[key])) for key in ("minimum", "maximum") if key in self.constraints]

    # --- Arrow, SQLite, R -------------------------------------------------------------------------
    def arrow_type(self):
        if self.enum:
            return pa.dictionary(pa.int32(), pa.string())
        return {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32()}[self.type]

    def sql_column(self) -> str:
        """Column definition with declared type, NOT NULL and CHECK constraints (enum, pattern shape, ranges)."""
        quoted = f'"{self.name}"'
        parts = [quoted, SQL_TYPES[self.type]]
        if self.required:
            parts.append("NOT NULL")
        checks = []
        if self.enum:
            checks.append(f"{quoted} IN ({', '.join(sql_literal(v) for v in self.enum)})")
        for key, op in (("minimum", ">="), ("maximum", "<=")):
            if key in self.constraints:
                checks.append(f"{quoted} {op} {sql_literal(self.constraints[key])}")
        if self.type == "date":
            checks.append(f"{quoted} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'")
        if checks:
            parts.append("CHECK (" + " AND ".join(f"({c})" for c in checks) + ")")
        return " ".join(parts)

    def stata_dtype(self) -> str:
        """The pandas dtype ``to_stata`` writes this field from (enums as their text; text missing as '')."""
        return STATA_TYPES[self.type]

    def r_class(self) -> str:
        return "factor" if self.enum else R_CLASSES[self.type]

    # --- pandera ----------------------------------------------------------------------------------
    def pandera_checks(self) -> list:
        """Checks on the typed column, each with its problem kind (``ddsc.package.kinds``); missing cells are left to ``nullable``."""
        from ddsc.package.kinds import check

        checks = []
        name = self.text_check()
        if name:  # free text keeps every rule of text; a pattern decides on its own whether a value may start like a formula
            checks.append(check(lambda s, rules=TEXT_CHECKS[name]: text_ok(s, rules), name, *(code for _, code, _ in TEXT_CHECKS[name])))
        if "pattern" in self.constraints:
            pattern = self.constraints["pattern"]
            checks.append(check(lambda s, p=pattern: matches(s, p), f"matches pattern {pattern}", "pattern"))
        if self.enum:
            checks.append(check(lambda s, levels=tuple(self.enum): s.isin(levels), self.type_check_name(), "enum"))
        for key, bound in self.bounds():
            op = "ge" if key == "minimum" else "le"
            checks.append(check(lambda s, b=bound, op=op: getattr(s, op)(b), f"{key} {self.constraints[key]}", "range"))
        for key, op in (("minLength", "ge"), ("maxLength", "le")):
            if key in self.constraints:
                checks.append(check(lambda s, n=self.constraints[key], op=op: getattr(s.str.len(), op)(n), f"{key} {self.constraints[key]}", "length"))
        return checks


# The rules of free text: (name, kind, whether each cell passes). One pandera check runs them together (a check
# costs pandera about a millisecond whatever the size of the column, and 60 columns are free text); a failing
# cell is then reported once for each rule it breaks (``rules_broken``). Text with a pattern keeps all but the
# formula rule (its pattern decides what a value may start with).
FREE_TEXT_RULES = (
    ("no leading or trailing whitespace", "whitespace", lambda s: s == s.str.strip()),
    ("does not start with =, +, - or @ (spreadsheet formula)", "formula", lambda s: ~s.str.startswith(FORMULA_START)),
    ("has no control, bidirectional or invisible character", "invisible-character", lambda s: ~s.str.contains(INVISIBLE_RX, regex=True)),
)
PATTERN_TEXT_RULES = tuple(rule for rule in FREE_TEXT_RULES if rule[1] != "formula")
FREE_TEXT_CHECK = "free text: " + "; ".join(name for name, _, _ in FREE_TEXT_RULES)
PATTERN_TEXT_CHECK = "text: " + "; ".join(name for name, _, _ in PATTERN_TEXT_RULES)
TEXT_CHECKS = {FREE_TEXT_CHECK: FREE_TEXT_RULES, PATTERN_TEXT_CHECK: PATTERN_TEXT_RULES}


def text_ok(values: pd.Series, rules=FREE_TEXT_RULES) -> pd.Series:
    """Whether each cell keeps every rule of ``rules`` (missing cells are left to ``required``)."""
    ok = None
    for _, _, rule in rules:
        ok = rule(values) if ok is None else ok & rule(values)
    return ok


def rules_broken(value: str, rules=FREE_TEXT_RULES) -> list[tuple[str, str]]:
    """(name, kind) of each rule of ``rules`` (those of free text by default) that ``value`` breaks."""
    cell = pd.Series([value], dtype="string")
    return [(name, code) for name, code, rule in rules if not bool(rule(cell).iloc[0])]


def sql_literal(value) -> str:
    return str(value) if isinstance(value, (int, float)) else "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True)
class ForeignKey:
    """``fields`` of a row reference ``references`` of a row of ``resource`` (composite when more than one)."""

    fields: tuple[str, ...]
    resource: str
    references: tuple[str, ...]

    @property
    def field(self) -> str:
        """The first field (the one a failure is located at)."""
        return self.fields[0]

    @property
    def target(self) -> str:
        """``resource.field`` or ``resource.(a, b)``, as messages and documentation name it."""
        refs = self.references[0] if len(self.references) == 1 else "(" + ", ".join(self.references) + ")"
        return f"{self.resource}.{refs}"

    @property
    def label(self) -> str:
        own = self.fields[0] if len(self.fields) == 1 else "(" + ", ".join(self.fields) + ")"
        return f"{own} -> {self.target}"


@dataclass(frozen=True)
class Table:
    """A resource of the package with its Table Schema."""

    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    cited: bool = False
    layer: str = "core"  # "core": curated or produced by a source step; "derived": built from core tables
    indexes: tuple[tuple[str, ...], ...] = ()  # extra SQLite indexes the resource declares ("indexes": [["fiscal_year"]])
    title: str = ""
    description: str = ""
    schema: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_resource(cls, resource: dict, schema: dict) -> Table:
        fks = []
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            fks.append(ForeignKey(tuple(_as_list(fk["fields"])), ref.get("resource") or resource["name"], tuple(_as_list(ref["fields"]))))
        return cls(
            name=resource["name"], path=resource["path"],
            fields=tuple(Field.from_schema(f) for f in schema["fields"]),
            primary_key=tuple(_as_list(schema.get("primaryKey", []))), foreign_keys=tuple(fks),
            cited=bool(resource.get("citationRequired")), layer=resource.get("layer", "core"),
            indexes=tuple(tuple(i) for i in resource.get("indexes", []) if isinstance(i, list) and i and all(f in [x["name"] for x in schema["fields"]] for f in i)), title=resource.get("title", ""),
            description=resource.get("description", "") or schema.get("description", ""), schema=schema,
        )

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def typed(self, text: pd.DataFrame) -> pd.DataFrame:
        """The text table with every column parsed to its type (cells that do not parse become missing)."""
        return pd.DataFrame({f.name: f.parse(text[f.name]) for f in self.fields}, index=text.index)

    def unparsed(self, text: pd.DataFrame, typed: pd.DataFrame) -> dict[str, pd.Series]:
        """Per column, the text of the given cells that did not parse to the column's type."""
        out = {}
        for f in self.fields:
            if f.type == "string" and not f.enum:
                continue
            bad = text[f.name].notna() & typed[f.name].isna()
            if bad.any():
                out[f.name] = text[f.name][bad]
        return out

    def index_sql(self) -> list[str]:
        """An index on each foreign key that is not the leading part of the primary key, and on each set of
        columns the resource declares in ``indexes`` (joins and filters stay fast)."""
        out, done = [], set()
        for fields in [fk.fields for fk in self.foreign_keys] + list(self.indexes):
            if tuple(self.primary_key[: len(fields)]) == tuple(fields) or tuple(fields) in done:
                continue
            done.add(tuple(fields))
            cols = ", ".join(f'"{n}"' for n in fields)
            out.append(f'CREATE INDEX "ix_{self.name}_{"_".join(fields)}" ON "{self.name}" ({cols})')
        return out

    def create_sql(self) -> str:
        lines = [f.sql_column() for f in self.fields]
        lines.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in self.primary_key) + ")")
        quoted = lambda names: ", ".join(f'"{n}"' for n in names)  # noqa: E731
        lines += [f'FOREIGN KEY ({quoted(fk.fields)}) REFERENCES "{fk.resource}" ({quoted(fk.references)})' for fk in self.foreign_keys]
        return f'CREATE TABLE "{self.name}" (\n  ' + ",\n  ".join(lines) + "\n)"
