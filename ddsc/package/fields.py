"""Fields with one meaning across tables: stated once, in the schema that owns them, and the same everywhere.

An identifier, a free-text note or a date precision means the same in every table that has it. Table Schema
has no way to reuse a field, so each schema states it in full, and this rule holds them to one definition:
the one of the table whose primary key the field is (``countries.country_id``), or, for a field no table is
keyed by (``notes``, ``url``, the ``*_precision`` columns), the definition most schemas state. The types and
constraints themselves stay in ``schemas/*.json``; this module names only which fields are shared. What
differs by use stays free: ``required`` and ``unique`` (a key column is required, a reference may be empty)
and the description (what a table's ``notes`` hold). Columns that only share a name (``role``, ``status``,
``year``: different levels or ranges in different tables) are not listed. A column that references
another table under another name (``provider_country_id``) is held to its target by the foreign-key shape
rule (``ddsc.package.descriptor``).

The rule is the repository's: a release from elsewhere, or an older one, is judged by the schemas it carries."""

from __future__ import annotations

import json
from collections import Counter

from ddsc.package.model import date_of_precision
from ddsc.package.problems import Problem

SHARED = (
    "agency_id", "citation_id", "country_id", "event_id", "heading_id", "program_id", "report_id", "statute_id",
    "system", "code", "url", "page", "notes", "locator", "name_en", "name_ja", "title_en", "title_ja", "description_en",
)
PRECISION = "*_precision"  # every date's precision column: one meaning, whatever its date is called
PER_USE = ("required", "unique")  # constraints a table sets for its own use of a shared field


def _family(name: str) -> str | None:
    return PRECISION if date_of_precision(name) else name if name in SHARED else None


def _stated(field) -> str:
    return json.dumps({"type": field.type, "constraints": {k: v for k, v in field.constraints.items() if k not in PER_USE}}, sort_keys=True)


def shared_field_problems(model: dict) -> list[Problem]:
    """A schema field whose name is shared but whose type or constraints differ from its one definition."""
    uses: dict[str, list] = {}
    for name, table in model.items():
        for f in table.fields:
            family = _family(f.name)
            if family:
                uses.setdefault(family, []).append((name, f))
    problems = []
    for family, fields in uses.items():
        owner = next(((t, f) for t, f in fields if model[t].primary_key == (f.name,)), None)
        if owner is None:  # the definition most schemas state; on a tie, the first table's
            counts = Counter(_stated(f) for _, f in fields)
            owner = next((t, f) for t, f in fields if counts[_stated(f)] == max(counts.values()))
        reference = _stated(owner[1])
        for name, f in fields:
            if _stated(f) != reference:
                problems.append(Problem("datapackage.json", 1, f"schemas.{name}.{f.name}",
                                        f"{f.name} means the same in every table: {owner[0]}.{owner[1].name} states {reference}; this schema says {_stated(f)}",
                                        "shared-field"))
    return problems
