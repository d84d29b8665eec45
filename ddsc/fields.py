"""Fields with one meaning across tables, defined once.

An identifier, a free-text note or a date precision means the same in every table that has it, so its type
and constraints are stated here and each Table Schema that uses the name must state the same. What differs
by use stays in the schema: ``required`` and ``unique`` (a key column is required, a reference may be
empty) and the description (what a table's ``notes`` hold). Columns that only share a name (``role``,
``status``, ``year``: different levels or ranges in different tables) are not listed. A column that
references another table under another name (``provider_country_id``) is held to its target's
definition by the foreign-key shape rule (``ddsc.package``).

The rule is the repository's: a release from elsewhere, or an older one, is judged by the schemas it
carries."""

from __future__ import annotations

from ddsc.problems import Problem

SLUG = {"type": "string", "constraints": {"pattern": "^[a-z][a-z0-9_]*[a-z0-9]$"}}
TEXT = {"type": "string", "constraints": {}}
PRECISION = {"type": "string", "constraints": {"enum": ["day", "month", "year"]}}

SHARED: dict[str, dict] = {
    "agency_id": SLUG,
    "citation_id": SLUG,
    "program_id": SLUG,
    "statute_id": SLUG,
    "country_id": {"type": "string", "constraints": {"pattern": "^[A-Z]{3}$"}},
    "event_id": {"type": "string", "constraints": {"pattern": "^ev_[0-9]{4,8}_[a-z0-9_]*[a-z0-9]$"}},
    "heading_id": {"type": "string", "constraints": {"pattern": "^h[0-9a-f]{10}$"}},
    "report_id": {"type": "string", "constraints": {"pattern": "^[0-9]{4}_[0-9]{4}$"}},
    "system": {"type": "string", "constraints": {"enum": ["cow", "gw"]}},
    "code": {"type": "integer", "constraints": {"minimum": 2, "maximum": 999}},
    "url": {"type": "string", "constraints": {"pattern": "^https?://\\S+$"}},
    "page": {"type": "integer", "constraints": {"minimum": 1}},
    "date_precision": PRECISION,
    "start_date_precision": PRECISION,
    "end_date_precision": PRECISION,
    "notes": TEXT,
    "locator": TEXT,
    "name_en": TEXT,
    "name_ja": TEXT,
    "title_en": TEXT,
    "title_ja": TEXT,
    "description_en": TEXT,
}
PER_USE = ("required", "unique")  # constraints a table sets for its own use of a shared field


def shared_field_problems(model: dict) -> list[Problem]:
    """A schema field whose name is shared but whose type or constraints differ from ``SHARED``."""
    problems = []
    for name, table in model.items():
        for f in table.fields:
            shared = SHARED.get(f.name)
            if shared is None:
                continue
            stated = {"type": f.type, "constraints": {k: v for k, v in f.constraints.items() if k not in PER_USE}}
            if stated != shared:
                problems.append(Problem("datapackage.json", 1, f"schemas.{name}.{f.name}",
                                        f"{f.name} is defined once in ddsc/fields.py as {shared}; this schema says {stated}", "shared-field"))
    return problems
