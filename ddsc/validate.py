"""Validation of the whole package: structure, fields (pandera, from the schemas) and cross-table rules."""

from pathlib import Path

from ddsc import package, rules
from ddsc.fields import field_problems
from ddsc.problems import Problem
from ddsc.read import read_table


def read_package(root: Path) -> tuple[dict, dict, dict, list[Problem]]:
    """Descriptor, schemas and text tables of the package, with the problems found reading them."""
    desc = package.descriptor(root)
    resources, problems = package.resources(root, desc)
    tables, schemas = {}, {}
    for res in resources:
        name, schema = res["name"], res["schema"]
        schemas[name] = schema
        frame, found = read_table(root / res["path"], package.field_names(schema), name)
        problems += found
        if frame is not None:
            tables[name] = frame
    return desc, schemas, tables, problems


def _text(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def validate(root: Path) -> list[Problem]:
    """Every problem in the package at ``root``; empty when it is valid."""
    root = Path(root)
    desc, schemas, tables, problems = read_package(root)
    for name, frame in tables.items():
        problems += field_problems(frame, schemas[name], name)
    for rule in rules.TABLE_RULES:
        problems += rule(tables, schemas)
    problems += rules.version_problems(desc, _text(root / "CITATION.cff"), _text(root / "CHANGES.md"))
    return sorted(set(problems), key=lambda p: (p.table, p.line, p.column, p.message))
