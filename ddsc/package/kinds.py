"""The registry of problem kinds: every kind a check can report, declared once with a title and a
description. ``Problem.kind`` must be one of them; tools and tests match on the kind and the location
(table, line, column), never on the message, which is for people and may improve."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    description: str


_DECLARED = (
    # files and the descriptor (ddsc.package, ddsc.validate)
    Kind("missing-file", "missing file", "A file the descriptor names, or one the build writes into every release, does not exist."),
    Kind("unsafe-path", "unsafe path", "A path is absolute, a URL, leaves the package, or passes through a symbolic link or special file."),
    Kind("unreadable-file", "unreadable file", "A zip entry cannot be extracted: its compressed data is corrupt."),
    Kind("invalid-json", "invalid JSON", "The descriptor, a schema or .zenodo.json is not valid JSON, or holds a lone surrogate (half a character)."),
    Kind("descriptor", "descriptor", "datapackage.json is not an object, declares no resources, has no title, holds a property the release cannot write (a title or description that is not text or longer than a Stata note, licenses that are not a list of objects, a homepage or licence path that is not a web address) or the reader does not honour (a profile given as a URL), or a resource has no valid or a duplicate name (or one SQLite reserves), or names the path of another resource (each table file is read once)."),
    Kind("schema-fields", "schema fields", "A Table Schema has no list of fields, a field without a name, duplicate field names, or a title or description that is not text (or longer than a Stata note)."),
    Kind("field-type", "field type", "A field declares a type other than string, integer, number, boolean or date, a format or another property that changes how a cell is parsed (trueValues, falseValues, decimalChar, groupChar, bareNumber, missingValues), or its constraints are not an object."),
    Kind("schema-constraint", "schema constraint", "A constraint cannot be honoured: a pattern that does not compile, a bound or flag of the wrong type, a constraint on a type it does not fit (a length or pattern on a non-text field, a bound on text or an enum), a minimum above its maximum, an enum that is not a non-empty list of distinct text levels, or whose levels are not values of the field's type (enums are on string and integer fields)."),
    Kind("schema-key", "schema key", "A primary or foreign key names a field, resource or reference field that does not exist, a foreign key is malformed, or it references fields that are not a key (the primary key, or one field declared unique)."),
    # bytes and structure of a CSV file (ddsc.package.read)
    Kind("encoding", "encoding", "A byte order mark, a NUL byte, a carriage return or invalid UTF-8."),
    Kind("empty-file", "empty file", "The file is empty: it has no header."),
    Kind("no-rows", "no rows", "The table has a header but no rows."),
    Kind("too-many-columns", "too many columns", "The header has more columns than the limit."),
    Kind("missing-column", "missing column", "A column of the schema is not in the header."),
    Kind("unknown-column", "unknown column", "The header has a column the schema does not declare."),
    Kind("duplicate-column", "duplicate column", "The header names a column twice."),
    Kind("column-order", "column order", "The columns are not in schema order."),
    Kind("blank-line", "blank line", "A line is empty."),
    Kind("row-shape", "row shape", "A row has more or fewer cells than the header, or an unbalanced quote or a line break inside a cell."),
    # cells (ddsc.validation.validate, ddsc.validation.checks, ddsc.package.model)
    Kind("type", "type", "A cell is not a value of the column's type (integer, number, boolean, date; an integer at most 2^53 - 1 either way)."),
    Kind("enum", "enum", "A cell is not one of the column's levels."),
    Kind("required", "required", "A required cell is empty."),
    Kind("pattern", "pattern", "A cell does not match the column's pattern."),
    Kind("range", "range", "A value is below the column's minimum or above its maximum."),
    Kind("length", "length", "A text is shorter than the column's minLength or longer than its maxLength."),
    Kind("whitespace", "whitespace", "A text cell (free text, or text with a pattern) starts or ends with whitespace."),
    Kind("formula", "spreadsheet formula", "A free-text cell starts with =, +, - or @ (a spreadsheet would run it as a formula)."),
    Kind("invisible-character", "invisible character", "A text cell (free text, or text with a pattern) holds a control, bidirectional or invisible character (ddsc.package.text)."),
    Kind("unique", "unique", "A value of a unique column occurs twice."),
    Kind("primary-key", "primary key", "A primary key occurs twice or is missing."),
    Kind("foreign-key", "foreign key", "A value (or a combination, for a composite key) is not found in the referenced table."),
    Kind("citation-target", "citation target", "A record_citations row names a record that does not exist."),
    Kind("uncited", "uncited record", "A record of a table that requires citations has no record_citations row with a locator."),
    Kind("dtype", "column type", "A column as a whole does not have the schema's type (frames checked with ddsc.pandera_schemas)."),
    Kind("frame-columns", "frame columns", "A frame's columns do not match the schema (frames checked with ddsc.pandera_schemas)."),
    Kind("unlocated", "unlocated failure", "A check failed without a failing cell to point at; never passed silently."),
    # rules a Table Schema cannot state (ddsc.validation.rules)
    Kind("future-date", "future date", "A date lies after today."),
    Kind("precision", "date precision", "A *_precision cell disagrees with its date (missing, given for an empty date, or a month/year date not on the period's first day)."),
    Kind("date-order", "date order", "An end date lies before its start date, compared at the coarser precision of the two."),
    Kind("cycle", "cycle", "A parent_* hierarchy loops back on itself."),
    Kind("membership-overlap", "membership overlap", "Two membership spells of one state overlap, or a spell ends before it starts."),
    Kind("non-member-year", "non-member year", "A panel row lies in a year in which its state (or one state of its dyad) was not a member of the system."),
    Kind("panel-gap", "panel gap", "A member year of a state (or dyad) has no panel row."),
    Kind("entry-into-force", "entry into force", "An agreement recorded only as signed for more than a year, without an entry into force, does not say in notes what was searched ('No entry into force found: ...')."),
    Kind("act-unknown", "act unknown", "A program's authority that is a US law lacks its act's Public Law and enactment date, and the instrument's notes do not say the enacting law was 'not confirmed'."),
    Kind("look-alike-key", "look-alike key", "A text key (in a primary key or a field declared unique) is not in Unicode NFC, or looks like another key of its table: equal once compatibility forms (fullwidth letters) are read plainly and Cyrillic or Greek look-alikes as Latin (ddsc.package.text.skeleton)."),
    Kind("citation-file", "citation file", "CITATION.cff is not YAML a citation can be made from: anchors or aliases, a key given twice, or a title, version, release date or author name missing or not text."),
    Kind("version", "version", "The version is not MAJOR.MINOR.PATCH, differs between the files that mirror it, or has no CHANGES.md entry."),
    Kind("reference", "reference", "A resource names in its sources a work that is not a reference of CITATION.cff."),
    # a release from elsewhere (ddsc.release.verify)
    Kind("release-archive", "release archive", "A release cannot be opened safely: not a folder or a readable zip, zip entries that could extract to something other than what was checked, bytes outside every entry, a folder entry carrying data, an encrypted entry or an unsupported compression method, or more files, depth or bytes than the limits."),
    Kind("checksum", "checksum", "SHA256SUMS is missing or has a malformed line, a file's SHA-256 differs from the one it lists, a listed file is missing, or a file is not listed."),
    Kind("unexpected-file", "unexpected file", "A release holds a file the build does not write."),
    Kind("generated-file", "generated file", "A file the build generates from the validated tables (R/read_ddsc.R, README.md, docs/codebook.md, metadata.json, site/) differs from what this version writes."),
    Kind("export-type", "export type", "An export does not have the types, schema, metadata or labels the build writes from the validated tables: a Parquet schema or its pandas metadata, a SQLite value's storage class or the file's tables and indexes, a Stata file's types, formats, labels or notes."),
    Kind("export-value", "export value", "An export holds other rows or values than the validated tables (SQLite's _tables and _columns included), or cannot be read."),
    Kind("expected-digest", "expected digest", "The SHA-256 of the release's SHA256SUMS is not the digest given with --expect."),
    Kind("more-problems", "more problems", "A table (or file) has more problems than are kept (1,000): the rest are counted in this one, not listed."),
    # the repository's build (ddsc.steps.run)
    Kind("shared-field", "shared field", "A field with one meaning in several tables (an identifier, notes, a date precision; listed in ddsc/fields.py) has another type or constraint than in the table keyed by it, or than most schemas state."),
    Kind("stale-derived", "stale derived table", "A derived table differs from its rebuild from the core tables."),
)
KINDS: dict[str, Kind] = {k.code: k for k in _DECLARED}

def kind(code: str) -> str:
    """``code``, after checking that it is declared."""
    if code not in KINDS:
        raise ValueError(f"undeclared problem kind {code!r}: declare it in ddsc/package/kinds.py")
    return code


def check(function, name: str, *codes: str, **options):
    """A pandera check that declares, beside itself, the kinds of the problems it reports (``kinds_of``
    reads them back from a schema); a check that runs several rules declares the kind of each."""
    import pandera.pandas as pa

    built = pa.Check(function, name=name, **options)
    built.kinds = tuple(kind(code) for code in codes)
    return built


def kinds_of(schema) -> dict[str, tuple[str, ...]]:
    """Check name -> the kinds it declared, for every check of a pandera ``schema`` (its own and its columns');
    a check built without declaring its kinds is absent."""
    checks = list(schema.checks) + [c for column in schema.columns.values() for c in column.checks]
    return {c.name: c.kinds for c in checks if hasattr(c, "kinds")}
