"""The rules a Table Schema cannot state: date order, precision and future dates, cycles in hierarchies,
and version agreement. Each rule takes typed frames and the schema model and returns located problems.
(Types, constraints, keys and citations are pandera checks: see ``ddsc.validation.checks``.)"""

import re
from datetime import date

import numpy as np
import pandas as pd

from ddsc.package.model import Table, precision_column
from ddsc.package.problems import Problem, line_of

DATE_PAIRS = (("start_date", "end_date"), ("established_date", "dissolved_date"), ("signed_date", "in_force_date"), ("signed_date", "end_date"), ("enacted_date", "end_date"))


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) for i in mask.index[mask.fillna(False).astype(bool)]]


def _where(frame: pd.DataFrame, mask: np.ndarray) -> list[int]:
    return [int(i) for i in frame.index[mask]]


def _day(value) -> str:
    return value.strftime("%Y-%m-%d")


def _dates(frame: pd.DataFrame, field: str) -> np.ndarray:
    """A date column as NumPy datetimes (missing: NaT, which every comparison answers False)."""
    return frame[field].to_numpy(dtype="datetime64[us]")


def _texts(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A text or enum column as a NumPy array of str, missing cells None (which equals no text)."""
    return frame[column].astype("string").to_numpy(dtype=object, na_value=None)


def _first_of(values: np.ndarray, unit: str) -> np.ndarray:
    """The first day of the month (``unit`` "M") or year ("Y") holding each date."""
    return values.astype(f"datetime64[{unit}]").astype("datetime64[us]")


def date_problems(tables: dict, model: dict[str, Table], today: date | None = None) -> list[Problem]:
    """End dates not before start dates; no date in the future; precision consistent with the stored date.
    (NumPy on whole columns: the pandas operations cost more than the data of a small package.)"""
    limit = np.datetime64(pd.Timestamp(today or date.today()).to_datetime64(), "us")
    problems = []
    for name, frame in tables.items():
        dates = [f.name for f in model[name].fields if f.type == "date"]
        for field in dates:
            values = frame[field]
            problems += [Problem(name, line_of(i), field, f"date {_day(values[i])} is in the future", "future-date") for i in _where(frame, _dates(frame, field) > limit)]
            problems += _precision_problems(name, frame, field)
        for start, end in DATE_PAIRS:
            if start in dates and end in dates:
                early = (_dates(frame, end) < _dates(frame, start)) & ~_same_period(frame, start, end)
                problems += [Problem(name, line_of(i), end, f"{_day(frame.at[i, end])} is before {start} {_day(frame.at[i, start])}", "date-order") for i in _where(frame, early)]
    return problems


def _coarse(frame: pd.DataFrame, field: str, level: str) -> np.ndarray:
    """Whether each date of ``field`` has the precision ``level`` (never, where the table states no precision)."""
    column = precision_column(field)
    if column in frame.columns:
        return _texts(frame, column) == level
    return np.zeros(len(frame), dtype=bool)


def _same_period(frame: pd.DataFrame, start: str, end: str) -> np.ndarray:
    """Whether two dates fall in the same month or year, at the coarser of their precisions: a month- or
    year-precision date is stored as the period's first day, so it is not 'before' a day inside that period."""
    year = _coarse(frame, start, "year") | _coarse(frame, end, "year")
    month = (_coarse(frame, start, "month") | _coarse(frame, end, "month")) & ~year
    if not (year.any() or month.any()):
        return year
    a, b = _dates(frame, start), _dates(frame, end)
    same_year = _first_of(a, "Y") == _first_of(b, "Y")
    return (year & same_year) | (month & (_first_of(a, "M") == _first_of(b, "M")))


def _precision_problems(name: str, frame: pd.DataFrame, field: str) -> list[Problem]:
    column = precision_column(field)
    if column not in frame.columns:
        return []
    values, precision = _dates(frame, field), _texts(frame, column)
    given, stated = ~np.isnat(values), precision != None  # noqa: E711 - elementwise on a NumPy array
    checks = (
        (given & ~stated, "precision is missing for a given date"),
        (~given & stated, f"precision given but {field} is empty"),
        ((precision == "month") & given & (values != _first_of(values, "M")), f"month precision but {field} is not the first of a month"),
        ((precision == "year") & given & (values != _first_of(values, "Y")), f"year precision but {field} is not 1 January"),
    )
    return [Problem(name, line_of(i), column, message, "precision") for mask, message in checks for i in _where(frame, mask)]


def cycle_problems(tables: dict, model: dict[str, Table]) -> list[Problem]:
    """No cycles in self-referencing hierarchies (parent_agency_id, parent_program_id, ...)."""
    problems = []
    for name, frame in tables.items():
        key = model[name].primary_key
        for fk in model[name].foreign_keys:
            if fk.resource != name or len(key) != 1 or len(fk.fields) != 1:
                continue
            ids = frame[key[0]].astype(object).where(frame[key[0]].notna(), None)
            parents = frame[fk.field].astype(object).where(frame[fk.field].notna(), None)
            parent = dict(zip(ids, parents))
            position = {k: i for i, k in enumerate(ids)}
            for node in _nodes_in_cycles(parent):
                path = _cycle_from(node, parent)
                problems.append(Problem(name, line_of(position[node]), fk.field, f"cycle in {fk.field}: {' -> '.join(path)}", "cycle"))
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


def spell_problems(tables: dict, model: dict[str, Table]) -> list[Problem]:
    """Spells of one entity do not overlap: in a table keyed by (entity ..., start_date) that has an
    ``end_date`` (state_memberships), a spell may start on the day the previous one ends (COW 345 becomes
    Serbia on 2006-06-03, the day its Yugoslavia spell ends) but not before. (A spell that ends before it
    starts is a ``date-order`` problem.)"""
    problems = []
    for name, frame in tables.items():
        key = list(model[name].primary_key)
        if len(key) < 2 or key[-1] != "start_date" or "end_date" not in frame.columns:
            continue
        entity = key[:-1]
        spells = frame.dropna(subset=key + ["end_date"])
        ordered = spells.assign(_row=spells.index).sort_values(entity + ["start_date"], kind="stable")
        groups = ordered.groupby([ordered[c].astype("string") for c in entity], sort=False, observed=True)
        before_end, before_start, before_row = groups["end_date"].shift(), groups["start_date"].shift(), groups["_row"].shift()
        for i in _rows(ordered["start_date"] < before_end):
            who = ", ".join(str(frame.at[i, c]) for c in entity)
            other = int(before_row[i])
            problems.append(Problem(name, line_of(i), "start_date", f"spell of ({who}) from {_day(frame.at[i, 'start_date'])} overlaps the spell from {_day(before_start[i])} to {_day(before_end[i])} (line {line_of(other)})", "membership-overlap"))
    return problems


CODE_NAMES = {"cow": "ccode", "gw": "gwcode"}  # each state system's code column, as peace-science data name it
PANEL_KEYS = tuple(keys for stem in CODE_NAMES.values() for keys in ((stem,), (f"{stem}1", f"{stem}2")))


def member_years(memberships: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """Every (system, code, year) of ``first..last`` in which a state is a member of its system on at least
    one day; a censored spell (one the list leaves running) runs on to ``last``."""
    start = memberships["start_date"].dt.year.clip(lower=first)
    censored = memberships["censored"].fillna(False).astype(bool)
    end = memberships["end_date"].dt.year.where(~censored, last).clip(upper=last)
    spans = pd.DataFrame({"system": memberships["system"].astype("string"), "code": memberships["code"].astype("Int64"),
                          "year": [list(range(a, b + 1)) for a, b in zip(start, end)]})
    out = spans.explode("year").dropna(subset=["year"]).astype({"year": "int64"})
    return out.drop_duplicates().reset_index(drop=True)


def panel_problems(tables: dict, model: dict[str, Table]) -> list[Problem]:
    """A panel keyed by (ccode, year) or (ccode1, ccode2, year), or the same in G&W codes (gwcode ...), with
    its ``system``, holds a row for a state (for a dyad: for both states) in exactly the years it is a member
    of its system (state_memberships, with censored memberships carried on), between its first and last year:
    a row in any other year is a ``non-member-year``; a member year missing between two rows of the same
    state or dyad, or a member state with no row, is a ``panel-gap``."""
    if "state_memberships" not in tables or "states" not in tables:
        return []
    problems, members_of = [], {}  # the state-years of each span of years, computed once for all panels
    for name, frame in tables.items():
        key = list(model[name].primary_key)
        codes = next((list(c) for c in PANEL_KEYS if key == [*c, "year"]), None)
        if codes is None or frame.empty or "system" not in frame:
            continue
        span = int(frame["year"].min()), int(frame["year"].max())
        if span not in members_of:
            members_of[span] = member_years(tables["state_memberships"], *span)
        members = members_of[span]
        members = members[members["system"].isin(set(frame["system"].astype("string").dropna()))]
        rows = pd.DataFrame({"system": frame["system"].astype("string"), "year": frame["year"].astype("int64"), "_line": frame.index + 2})
        for c in codes:
            rows[c] = frame[c].astype("Int64")
        expected = rows[["system", *codes]].drop_duplicates() if len(codes) > 1 else members[["system", "code"]].rename(columns={"code": codes[0]}).drop_duplicates()
        for c in codes:
            years = members.rename(columns={"code": c})
            expected = expected.merge(years, on=["system", c]) if "year" not in expected else expected.merge(years, on=["system", c, "year"])
        found = rows.merge(expected.assign(_member=True), on=["system", *codes, "year"], how="left")
        who = lambda r: ", ".join(str(r[c]) for c in ["system", *codes])  # noqa: E731
        for r in found[found["_member"].isna()].to_dict("records"):
            what = "is not a member" if len(codes) == 1 else "are not both members"
            problems.append(Problem(name, int(r["_line"]), "year", f"({who(r)}) {what} of the state system in {r['year']} (state_memberships)", "non-member-year"))
        missing = expected.merge(rows, on=["system", *codes, "year"], how="left")
        missing = missing[missing["_line"].isna()]
        if not missing.empty:
            order = rows.sort_values(["system", *codes, "year"])
            for r in missing.to_dict("records"):
                same = order["system"] == r["system"]
                for c in codes:
                    same &= order[c] == r[c]
                later = order[same & (order["year"] > r["year"])]
                line = int(later["_line"].iloc[0]) if len(later) else int(order["_line"].max()) + 1
                problems.append(Problem(name, line, "year", f"({who(r)}) has no row for {r['year']}, a year {'it is a member' if len(codes) == 1 else 'both are members'} (state_memberships)", "panel-gap"))
    return problems


def _pyproject_problems(text: str, version: str) -> list[Problem]:
    """``[project].version`` of pyproject.toml, read as TOML (a ``version =`` of another table is not it)."""
    import tomllib

    try:
        project = tomllib.loads(text).get("project")
    except tomllib.TOMLDecodeError as err:
        at = re.search(r"line (\d+)", str(err))
        return [Problem("pyproject.toml", int(at.group(1)) if at else 1, "", f"not valid TOML: {str(err).split(' (at ')[0]}", "version")]
    found = project.get("version") if isinstance(project, dict) else None
    if found == version:
        return []
    line, table = 1, None
    for number, row in enumerate(text.split("\n"), 1):  # the line of [project]'s version, where it has one
        header = re.match(r"\s*\[([^\[\]]+)\]\s*(#.*)?$", row)
        table = header.group(1).strip() if header else table
        if table == "project" and re.match(r"\s*version\s*=", row):
            line = number
            break
    return [Problem("pyproject.toml", line, "version", f"[project] version {found if found is not None else 'none'!r} differs from datapackage.json {version!r}", "version")]


def version_problems(desc: dict, citation_cff: str | None, changes: str | None, zenodo: dict | None = None, pyproject: str | None = None) -> list[Problem]:
    """The package version is semver, equals CITATION.cff's (and .zenodo.json's and pyproject.toml's, where present)
    and has a CHANGES.md entry. datapackage.json holds the version; the others mirror it."""
    version = str(desc.get("version", ""))
    problems = []
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        problems.append(Problem("datapackage.json", 1, "version", f"version {version!r} is not MAJOR.MINOR.PATCH", "version"))
    found_versions = re.findall(r"^version:\s*['\"]?([^'\"\s]+)", citation_cff or "", re.M)
    cff = re.search(r"^version:\s*['\"]?([^'\"\s]+)", citation_cff or "", re.M)
    if len(found_versions) > 1:
        problems.append(Problem("CITATION.cff", 1, "version", f"version is given {len(found_versions)} times", "version"))
    elif cff is None or cff.group(1) != version:
        found = cff.group(1) if cff else "none"
        problems.append(Problem("CITATION.cff", 1, "version", f"version {found!r} differs from datapackage.json {version!r}", "version"))
    if zenodo is not None and str(zenodo.get("version")) != version:
        problems.append(Problem(".zenodo.json", 1, "version", f"version {zenodo.get('version')!r} differs from datapackage.json {version!r}", "version"))
    if pyproject is not None:
        problems += _pyproject_problems(pyproject, version)
    if not re.search(rf"^## \[{re.escape(version)}\]", changes or "", re.M):
        problems.append(Problem("CHANGES.md", 1, "", f"no entry '## [{version}]' for the package version", "version"))
    return problems


def reference_problems(desc: dict, references: list | None) -> list[Problem]:
    """Each work a resource names in its ``sources`` is a reference of CITATION.cff (by title), so that
    ``cite --table`` can print it; ``references`` is CITATION.cff's list (None when the file has none)."""
    titles = {r.get("title") for r in references or [] if isinstance(r, dict)}
    problems = []
    for res in desc.get("resources", []):
        for i, work in enumerate(res.get("sources", []) if isinstance(res, dict) else []):
            title = work.get("title") if isinstance(work, dict) else None
            if title not in titles:
                problems.append(Problem("datapackage.json", 1, f"resources.{res.get('name')}.sources[{i}]", f"{title!r} is not the title of a reference in CITATION.cff", "reference"))
    return problems


NO_ENTRY_INTO_FORCE = "No entry into force found"  # how statutes.notes says what was searched for an agreement only signed
NOT_CONFIRMED = "not confirmed"  # how statutes.notes says an enacting law was searched for and not found
US_LAW = ("act", "act_section", "code_section")


def signed_problems(tables: dict, model: dict[str, Table]) -> list[Problem]:
    """An agreement (``statutes`` with an ``agreement_family``) recorded only as ``signed``, without an entry
    into force, more than 365 days before the newest date of the statutes must say in ``notes`` what was
    searched (``No entry into force found: ...``): otherwise it is an ``entry-into-force`` problem."""
    s = tables.get("statutes")
    if s is None or s.empty or "agreement_family" not in s:
        return []
    dates = pd.concat([s[c] for c in ("signed_date", "in_force_date", "end_date", "enacted_date") if c in s]).dropna()
    if dates.empty:
        return []
    old = (dates.max() - s["signed_date"]).dt.days > 365
    bad = (s["agreement_family"].notna() & (s["status"].astype("string") == "signed") & s["in_force_date"].isna() & old.fillna(False)
           & ~s["notes"].astype("string").str.contains(NO_ENTRY_INTO_FORCE, regex=False).fillna(False))
    return [Problem("statutes", line_of(i), "status", f"{s.at[i, 'statute_id']} is only signed ({_day(s.at[i, 'signed_date'])}) more than a year before {_day(dates.max())}, "
                    f"without an entry into force or a note '{NO_ENTRY_INTO_FORCE}: <what was searched>'", "entry-into-force") for i in _rows(bad)]


def authority_problems(tables: dict, model: dict[str, Table]) -> list[Problem]:
    """Every ``program_authorities`` row whose instrument is a US law (an act, an act section or a code
    section) carries its act's Public Law and enactment date, or the instrument's ``notes`` say its enacting
    law was searched for and ``not confirmed``: otherwise an ``act-unknown`` problem."""
    a, s = tables.get("program_authorities"), tables.get("statutes")
    if a is None or s is None or a.empty:
        return []
    own = s.set_index("statute_id")
    kind = a["statute_id"].map(own["instrument_type"].astype("string"))
    said = a["statute_id"].map(own["notes"].astype("string")).str.contains(NOT_CONFIRMED, regex=False).fillna(False).astype(bool)
    bad = kind.isin(US_LAW).fillna(False).astype(bool) & (a["act_public_law"].isna() | a["act_enacted_date"].isna()) & ~said
    return [Problem("program_authorities", line_of(i), "act_public_law", f"{a.at[i, 'program_id']} -> {a.at[i, 'statute_id']}: no Public Law and enactment date of its act, "
                    f"and statutes.notes of {a.at[i, 'statute_id']} does not say the enacting law was '{NOT_CONFIRMED}'", "act-unknown") for i in _rows(bad)]


def _non_ascii(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Whether each cell of a text column holds a character outside ASCII (missing cells: no)."""
    import pyarrow.compute as pc

    from ddsc.package.model import arrow_strings

    return pc.fill_null(pc.invert(pc.string_is_ascii(arrow_strings(frame[column]))), False).to_numpy(zero_copy_only=False)


def _codes(value: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in value if ord(c) > 127)


def look_alike_problems(tables: dict, model: dict[str, Table]) -> list[Problem]:
    """Keys that look like other keys: in a primary key or a field declared unique, a text value not in Unicode
    NFC (``Café`` with a combining accent), or a key equal to an earlier one of its table once both are
    reduced to what they look like (``ddsc.package.text.skeleton``: a fullwidth ``Ｐ1`` or a Cyrillic ``Р1`` beside a
    Latin ``P1``). Case is not folded: keys that differ in case look different. An ASCII key is its own
    skeleton, so only tables holding a key with another character are compared."""
    import unicodedata

    from ddsc.package.text import skeleton

    problems = []
    for name, frame in tables.items():
        table = model[name]
        keys = [tuple(table.primary_key)] + [(f.name,) for f in table.fields if f.constraints.get("unique") is True and (f.name,) != tuple(table.primary_key)]
        for key in keys:
            texts = [c for c in key if table.field(c).type == "string" and not table.field(c).enum]
            wide = {c: _non_ascii(frame, c) for c in texts}
            if not any(w.any() for w in wide.values()):
                continue
            unnormal = set()
            for column in texts:
                for i in _where(frame, wide[column]):
                    if not unicodedata.is_normalized("NFC", frame.at[i, column]):
                        unnormal.add(i)
                        problems.append(Problem(name, line_of(i), column, f"key {frame.at[i, column]!r} ({_codes(frame.at[i, column])}) is not in Unicode NFC: write it composed, as it looks", "look-alike-key"))
            rows = np.logical_or.reduce(list(wide.values()))
            raw = {i: tuple(None if pd.isna(v) else str(v) for v in frame.loc[i, list(key)]) for i in _where(frame, rows) if i not in unnormal}
            looks = {i: tuple(skeleton(v) if v is not None and c in texts else v for c, v in zip(key, values)) for i, values in raw.items()}
            wanted = set(looks.values())
            if not wanted:
                continue
            plain = frame.loc[~rows, list(key)].astype(object).where(frame.loc[~rows, list(key)].notna(), None)
            raw |= {i: tuple(None if v is None else str(v) for v in values) for i, values in zip(plain.index, plain.itertuples(index=False)) if tuple(None if v is None else str(v) for v in values) in wanted}
            first: dict[tuple, int] = {}
            for i in sorted(raw):
                look = looks.get(i, raw[i])
                if look in first and raw[first[look]] != raw[i]:
                    other = raw[first[look]]
                    shown = lambda t: repr(t[0]) if len(t) == 1 else repr(t)  # noqa: E731
                    problems.append(Problem(name, line_of(i), ", ".join(key), f"key {shown(raw[i])} looks like {shown(other)} on line {line_of(first[look])} "
                                            f"({_codes(''.join(v or '' for v in raw[i] + other))}): equal once fullwidth forms and Cyrillic or Greek look-alikes are read as Latin", "look-alike-key"))
                first.setdefault(look, i)
    return problems


TABLE_RULES = (date_problems, cycle_problems, spell_problems, panel_problems, signed_problems, authority_problems, look_alike_problems)
