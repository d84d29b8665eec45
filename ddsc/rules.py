"""Cross-table rules that a Table Schema cannot state, and the foreign keys it declares.

Each rule takes the tables (text DataFrames keyed by resource name) and their schemas and returns located problems.
"""

import re
from datetime import date

import pandas as pd

from ddsc.fields import absent, typed_columns
from ddsc.package import foreign_keys, primary_key
from ddsc.problems import Problem, line_of

CITED_TABLES = ("programs", "statutes", "agencies", "events")
DATE_PAIRS = (("start_date", "end_date"), ("established_date", "dissolved_date"))


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) for i in mask.index[mask]]


def foreign_key_problems(tables: dict, schemas: dict, parsed: dict | None = None) -> list[Problem]:
    """Every value of a declared foreign key (self-references included) exists in the referenced key."""
    problems = []
    for name, frame in tables.items():
        for field, resource, ref in foreign_keys(schemas[name]):
            if resource not in tables:
                continue
            values = frame[field]
            problems += [Problem(name, line_of(i), field, f"{values[i]!r} not found in {resource}.{ref}") for i in absent(values, tables[resource][ref])]
    return problems


def citation_target_problems(tables: dict, schemas: dict, parsed: dict | None = None) -> list[Problem]:
    """Each record_citations row points at a record that exists."""
    links = tables.get("record_citations")
    if links is None:
        return []
    problems = []
    for target in links["table_name"].dropna().unique():
        if target not in tables:
            continue
        ids = links["record_id"][links["table_name"] == target]
        problems += [Problem("record_citations", line_of(i), "record_id", f"{ids[i]!r} not found in {target}") for i in absent(ids, tables[target][primary_key(schemas[target])[0]])]
    return problems


def uncited_problems(tables: dict, schemas: dict, parsed: dict | None = None) -> list[Problem]:
    """Every program, statute, agency and event has a record_citations row with a locator."""
    links = tables.get("record_citations")
    if links is None:
        return []
    with_locator = links["locator"].notna()
    problems = []
    for name in CITED_TABLES:
        if name not in tables:
            continue
        key = primary_key(schemas[name])[0]
        ids = tables[name][key]
        cited = links["record_id"][with_locator & (links["table_name"] == name)]
        problems += [Problem(name, line_of(i), key, f"record {ids[i]!r} has no record_citations row with a locator") for i in absent(ids, cited)]
    return problems


def date_problems(tables: dict, schemas: dict, parsed: dict | None = None, today: date | None = None) -> list[Problem]:
    """End dates not before start dates; no date in the future; precision consistent with the stored date.

    ``parsed`` holds each table's typed columns (see ``typed_columns``), parsed once for all checks.
    """
    limit = pd.Timestamp(today or date.today())
    problems = []
    for name, frame in tables.items():
        typed = (parsed or {}).get(name) or typed_columns(frame, schemas[name])
        dates = {f["name"]: typed[f["name"]] for f in schemas[name]["fields"] if f.get("type") == "date"}
        for field, values in dates.items():
            future = values > limit
            problems += [Problem(name, line_of(i), field, f"date {frame.at[i, field]} is in the future") for i in _rows(future)]
            problems += _precision_problems(name, frame, field, values)
        for start, end in DATE_PAIRS:
            if start in dates and end in dates:
                early = dates[end] < dates[start]
                problems += [Problem(name, line_of(i), end, f"{frame.at[i, end]} is before {start} {frame.at[i, start]}") for i in _rows(early)]
    return problems


def _precision_problems(name: str, frame: pd.DataFrame, field: str, values: pd.Series) -> list[Problem]:
    column = "date_precision" if field == "date" else f"{field}_precision"
    if column not in frame.columns:
        return []
    precision, given = frame[column], frame[field].notna()
    checks = (
        (given & precision.isna(), "precision is missing for a given date"),
        (~given & precision.notna(), f"precision given but {field} is empty"),
        ((precision == "month") & values.notna() & (values.dt.day != 1), f"month precision but {field} is not the first of a month"),
        ((precision == "year") & values.notna() & ((values.dt.day != 1) | (values.dt.month != 1)), f"year precision but {field} is not 1 January"),
    )
    return [Problem(name, line_of(i), column, message) for mask, message in checks for i in _rows(mask.fillna(False))]


def cycle_problems(tables: dict, schemas: dict, parsed: dict | None = None) -> list[Problem]:
    """No cycles in self-referencing hierarchies (parent_agency_id, parent_program_id, ...)."""
    problems = []
    for name, frame in tables.items():
        key = primary_key(schemas[name])
        for field, resource, ref in foreign_keys(schemas[name]):
            if resource != name or len(key) != 1:
                continue
            parent = dict(zip(frame[key[0]], frame[field]))
            position = {k: i for i, k in enumerate(frame[key[0]])}
            for node in _nodes_in_cycles(parent):
                path = _cycle_from(node, parent)
                problems.append(Problem(name, line_of(position[node]), field, f"cycle in {field}: {' -> '.join(path)}"))
    return problems


def _nodes_in_cycles(parent: dict) -> list:
    state, in_cycle = {}, []
    for start in parent:
        path, node = [], start
        while isinstance(node, str) and node in parent and node not in state:
            state[node] = start
            path.append(node)
            node = parent[node]
        if isinstance(node, str) and state.get(node) == start:
            in_cycle += path[path.index(node):]
    return in_cycle


def _cycle_from(node, parent: dict) -> list:
    path = [node]
    while parent[path[-1]] != node:
        path.append(parent[path[-1]])
    return path + [node]


def version_problems(desc: dict, citation_cff: str | None, changes: str | None, zenodo: dict | None = None) -> list[Problem]:
    """The package version is semver, equals CITATION.cff's (and .zenodo.json's, where present) and has a CHANGES.md entry."""
    version = str(desc.get("version", ""))
    problems = []
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        problems.append(Problem("datapackage.json", 1, "version", f"version {version!r} is not MAJOR.MINOR.PATCH"))
    cff = re.search(r"^version:\s*['\"]?([^'\"\s]+)", citation_cff or "", re.M)
    if cff is None or cff.group(1) != version:
        found = cff.group(1) if cff else "none"
        problems.append(Problem("CITATION.cff", 1, "version", f"version {found!r} differs from datapackage.json {version!r}"))
    if zenodo is not None and str(zenodo.get("version")) != version:
        problems.append(Problem(".zenodo.json", 1, "version", f"version {zenodo.get('version')!r} differs from datapackage.json {version!r}"))
    if not re.search(rf"^## \[{re.escape(version)}\]", changes or "", re.M):
        problems.append(Problem("CHANGES.md", 1, "", f"no entry '## [{version}]' for the package version"))
    return problems


TABLE_RULES = (foreign_key_problems, citation_target_problems, uncited_problems, date_problems, cycle_problems)
