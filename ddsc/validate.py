"""Validation of the whole package: structure, fields (pandera, from the schemas) and cross-table rules."""

import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd

from ddsc import rules
from ddsc.fields import field_checks, field_problems, typed_columns
from ddsc.problems import Problem
from ddsc.read import WORKERS, start_reading


SMALL_TABLE = 100_000  # rows; a table this size is checked after the cross-table rules


@dataclass
class Report:
    """What a validation found, and what it looked at."""

    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    checks: int = 0
    schemas: dict = field(default_factory=dict)


def _text(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _quiet(message: str) -> None:
    pass


def check(root: Path, log=_quiet, reading: Future | None = None) -> Report:
    """Validate the package at ``root`` and report every problem, the row counts and the number of checks run.

    ``reading`` is the package already being read (``read.start_reading``), if the caller started it."""
    root = Path(root)
    desc, schemas, arrow_tables, problems = (reading or start_reading(root)).result()
    tables = {name: table.to_pandas(types_mapper=pd.ArrowDtype) for name, table in arrow_tables.items()}
    parsed = {name: typed_columns(frame, schemas[name]) for name, frame in tables.items()}

    def fields(name: str) -> list[Problem]:
        found = field_problems(tables[name], schemas[name], name, parsed[name])
        log(f"  checked {name}: {len(tables[name])} rows")
        return found

    def rule(check_rule) -> list[Problem]:
        found = check_rule(tables, schemas, parsed)
        log(f"  checked rule: {check_rule.__name__.removesuffix('_problems').replace('_', ' ')}")
        return found

    # Arrow kernels release the GIL, so two tasks run at a time (the machines have 2 cores): the large
    # tables' field checks first, then the cross-table rules, then the small tables.
    large = sorted((name for name in tables if len(tables[name]) > SMALL_TABLE), key=lambda name: -len(tables[name]))
    small = [name for name in tables if len(tables[name]) <= SMALL_TABLE]
    tasks = [partial(fields, name) for name in large] + [partial(rule, r) for r in rules.TABLE_RULES] + [partial(fields, name) for name in small]
    with ThreadPoolExecutor(WORKERS) as pool:
        for found in pool.map(lambda task: task(), tasks):
            problems += found
    zenodo = _text(root / ".zenodo.json")
    problems += rules.version_problems(desc, _text(root / "CITATION.cff"), _text(root / "CHANGES.md"), json.loads(zenodo) if zenodo else None)
    checks = sum(len(field_checks(f)) + 2 for s in schemas.values() for f in s["fields"]) + len(rules.TABLE_RULES) * len(schemas) + 1
    ordered = sorted(set(problems), key=lambda p: (p.table, p.line, p.column, p.message))
    return Report(ordered, {name: len(frame) for name, frame in tables.items()}, checks, schemas)


def validate(root: Path) -> list[Problem]:
    """Every problem in the package at ``root``; empty when it is valid."""
    return check(root).problems
