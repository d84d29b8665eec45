"""Validation of the whole package: structure, then pandera schemas from the Table Schemas, then the rules they cannot state."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ddsc.validation import rules
from ddsc.package.cff import read_cff
from ddsc.validation.checks import pandera_schemas, schema_problems
from ddsc.package.model import Table
from ddsc.package.descriptor import read_model
from ddsc.package.problems import MAX_PER_TABLE, Problem, line_of, more_problems, ordered
from ddsc.package.read import read_table
from ddsc.package.source import Source, UnsafeRelease

MIRRORS = ("CITATION.cff", "CHANGES.md", ".zenodo.json", "pyproject.toml")  # files that repeat the version


@dataclass
class Report:
    """What a validation found and what it looked at; when valid, the typed tables the release is written from."""

    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    checks: int = 0
    descriptor: dict = field(default_factory=dict)
    model: dict[str, Table] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    source: Source | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return not self.problems


def _quiet(message: str) -> None:
    pass


def _text(source: Source, rel: str) -> str | None:
    try:
        return source.text(rel) if source.exists(rel) else None
    except (UnsafeRelease, FileNotFoundError):
        return None


def type_problems(table: Table, unparsed: dict[str, pd.Series]) -> list[Problem]:
    """Cells whose text is not a value of the column's type (for enums: not one of the levels): the first
    ``MAX_PER_TABLE``, and a count of the rest."""
    cells = ((name, i, text) for name, column in unparsed.items() for i, text in column.items())
    problems = [Problem(table.name, line_of(i), name, f"value {text!r} fails check: {table.field(name).type_failure(text)}", "enum" if table.field(name).enum else "type")
                for name, i, text in itertools.islice(cells, MAX_PER_TABLE)]
    more = sum(len(column) for column in unparsed.values()) - len(problems)
    return problems + ([more_problems(table.name, more)] if more else [])


def version_files(source: Source, desc: dict) -> list[Problem]:
    texts = {name: _text(source, name) for name in MIRRORS}
    try:
        zenodo = json.loads(texts[".zenodo.json"]) if texts[".zenodo.json"] else None
    except json.JSONDecodeError as err:
        return [Problem(".zenodo.json", err.lineno, "", f"invalid JSON: {err.msg}", "invalid-json")]
    problems = rules.version_problems(desc, texts["CITATION.cff"], texts["CHANGES.md"], zenodo, texts["pyproject.toml"])
    located = {(p.table, p.column) for p in problems}  # one problem per place: a version given twice is a version problem, not also a YAML one
    meta, cff = read_cff(texts["CITATION.cff"]) if texts["CITATION.cff"] is not None else (None, [])
    references = (meta or {}).get("references")
    problems += rules.reference_problems(desc, references if isinstance(references, list) else None) if meta is not None or texts["CITATION.cff"] is None else []
    return problems + [p for p in cff if (p.table, p.column) not in located]


def check(root: Path | Source, log=_quiet, layers: tuple[str, ...] | None = None) -> Report:
    """Validate the package at ``root`` (a folder, a release zip or an open ``Source``) and report every problem.

    Every table is judged, whatever its layer (``ddsc.package.descriptor`` refuses a layer other than core and derived);
    ``layers`` chooses some (the steps read the core tables alone). The repository's own rules (shared field definitions, derived tables
    equal to their rebuild) are added by ``ddsc.pipeline.repository.check_repository``, which the build uses."""
    source = root if isinstance(root, Source) else Source(root)
    desc, model, problems = read_model(source)
    if desc is None or problems:  # the data is judged only by sound schemas: the schema's problem, not its echoes
        return Report(ordered(problems))
    model = {name: table for name, table in model.items() if layers is None or table.layer in layers}
    text, typed, skip = {}, {}, {}
    for name, table in model.items():
        arrow, found = read_table(source, table.path, table.field_names, name)
        problems += found
        if arrow is not None:
            text[name] = arrow.to_pandas(types_mapper=pd.ArrowDtype)
            typed[name] = table.typed(text[name])
            unparsed = table.unparsed(text[name], typed[name])
            problems += type_problems(table, unparsed)
            skip[name] = {(int(i), column) for column, cells in unparsed.items() for i in cells.index}
    schemas = pandera_schemas(typed, model)
    for name, frame in typed.items():
        problems += schema_problems(schemas[name], frame, model[name], skip[name], text[name])
    present = {name: model[name] for name in typed}
    for rule in rules.TABLE_RULES:
        problems += rule(typed, present)
    problems += version_files(source, desc)
    checks = sum(len(s.columns) + len(s.checks) for s in schemas.values()) + len(rules.TABLE_RULES) + 1
    found = ordered(problems)
    return Report(found, {name: len(frame) for name, frame in typed.items()}, checks, desc, model, typed if not found else {}, source)


def validate(root: Path) -> list[Problem]:
    """Every problem in the package at ``root``; empty when it is valid."""
    return check(root).problems
