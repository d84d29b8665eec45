"""Source step ``state_systems``: the state system membership lists with their dates, as published: the
Gleditsch-Ward list of independent states (v7, data to 2020-12-31) with its microstates supplement, and the
Correlates of War State System Membership List (2024). It writes ``states`` (one row per system and code,
linked to a DDSC country) and ``state_memberships`` (one row per membership spell).

Each state is linked to a country by a rule, then by the hand-checked rows of ``reference/state_curation.csv``:
a COW state goes to the one country whose ``cow_code`` is its code; a G&W state goes to the country of the COW
state with the same code and abbreviation (the G&W list keeps COW's codes where the states are the same).
Every other state needs a curation row (with an empty ``country_id`` when it cannot be linked, and notes
saying why); the step stops on a state that has neither."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ddsc.pipeline.step import SOURCE, Step
from ddsc.pipeline.raw import read_raw, text_rows

CURATION = "reference/state_curation.csv"
SYSTEMS = ("cow", "gw")


@dataclass(frozen=True)
class StateList:
    """One published list: its file, how it is written and the citation of its rows."""

    system: str
    file: str
    encoding: str
    delimiter: str
    citation_id: str
    microstate: bool | None  # G&W: whether the list is the microstates supplement; COW: no such notion


# The G&W files are described as Latin-1, but their one byte in 0x80-0x9F (0x92 in "Cote D?Ivoire") is a
# Windows-1252 right single quotation mark: Latin-1 has only invisible control characters there, which
# validation rightly refuses. cp1252 reads every other byte exactly as Latin-1 does.
LISTS = (
    StateList("cow", "cow_statelist2024.csv", "utf-8", ",", "cow_2024", None),
    StateList("gw", "ksgmdw.txt", "cp1252", "\t", "gleditsch_ward_1999", False),
    StateList("gw", "microstates.txt", "cp1252", "\t", "gleditsch_microstates", True),
)


@dataclass(frozen=True)
class Spell:
    """One membership spell as a list writes it."""

    system: str
    code: int
    abbreviation: str
    name: str
    start: date
    end: date
    microstate: bool | None
    citation_id: str


def _cow_spell(row: dict, source: StateList) -> Spell:
    if row["version"].strip() != "2024":
        raise ValueError(f"{source.file}: version {row['version']!r}, expected 2024")
    day = lambda prefix: date(int(row[f"{prefix}year"]), int(row[f"{prefix}month"]), int(row[f"{prefix}day"]))  # noqa: E731
    return Spell("cow", int(row["ccode"]), row["stateabb"].strip(), row["statenme"].strip(), day("st"), day("end"), None, source.citation_id)


def _gw_spell(row: dict, source: StateList) -> Spell:
    return Spell("gw", int(row["statenumber"]), row["stateid"].strip(), row["countryname"].strip(),
                 date.fromisoformat(row["start"].strip()), date.fromisoformat(row["end"].strip()), source.microstate, source.citation_id)


def spells(files: dict[str, bytes]) -> list[Spell]:
    """Every spell of every list, in the lists' order."""
    out = []
    for source in LISTS:
        parse = _cow_spell if source.system == "cow" else _gw_spell
        out += [parse(row, source) for row in text_rows(files[source.file], source.encoding, source.delimiter)]
    return out


def list_ends(all_spells: list[Spell]) -> dict[str, date]:
    """The last date each system's lists cover (the latest end date they give): 2024-12-31 for COW 2024,
    2020-12-31 for G&W v7 and its microstates. A spell ending on it is censored, not ended."""
    return {system: max(s.end for s in all_spells if s.system == system) for system in SYSTEMS}


def _latest(all_spells: list[Spell]) -> dict[tuple[str, int], Spell]:
    """Per state, its latest spell (by start)."""
    out: dict[tuple[str, int], Spell] = {}
    for s in all_spells:
        key = (s.system, s.code)
        if key not in out or s.start > out[key].start:
            out[key] = s
    return out


def read_curation(root: Path) -> list[dict]:
    with (root / CURATION).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def state_countries(all_spells: list[Spell], cow_codes: dict[str, int], curation: list[dict]) -> dict[tuple[str, int], tuple[str, str]]:
    """``(system, code) -> (country_id, notes)`` for every state of the lists; country_id is '' for a state
    that is not linked. ``cow_codes`` is each DDSC country's ``cow_code``. Raises ValueError naming every
    state the rule cannot link and the curation does not cover."""
    latest = _latest(all_spells)
    curated = {(r["system"], int(r["code"])): (r["country_id"], r["notes"]) for r in curation}
    unknown = [k for k in curated if k not in latest]
    if unknown:
        raise ValueError(f"{CURATION}: states not in the lists: {unknown}")
    out: dict[tuple[str, int], tuple[str, str]] = {}
    problems = []
    for key in sorted(latest, key=lambda k: (SYSTEMS.index(k[0]), k[1])):
        system, code = key
        if key in curated:
            out[key] = curated[key]
            continue
        if system == "cow":
            found = sorted(c for c, k in cow_codes.items() if k == code)
        else:
            twin = latest.get(("cow", code))
            linked = out.get(("cow", code), ("", ""))[0]  # a twin the rule could not link either is named below, not a KeyError
            found = [linked] if twin and twin.abbreviation == latest[key].abbreviation and linked else []
        if len(found) == 1:
            out[key] = (found[0], "")
        else:
            problems.append(f"{system} {code} {latest[key].name!r}: {'countries ' + ', '.join(found) if found else 'no country'}")
    if problems:
        raise ValueError(f"states to curate in {CURATION}: " + "; ".join(problems))
    return out


def latest_codes(all_spells: list[Spell], links: dict, system: str) -> dict[str, int]:
    """Per DDSC country, the code of its state (in ``system``) with the latest spell: its current code."""
    best: dict[str, Spell] = {}
    for s in all_spells:
        country = links[(s.system, s.code)][0]
        if s.system == system and country and (country not in best or s.start > best[country].start):
            best[country] = s
    return {country: s.code for country, s in best.items()}


def frames(all_spells: list[Spell], links: dict) -> dict[str, pd.DataFrame]:
    ends = list_ends(all_spells)
    latest = _latest(all_spells)
    states = pd.DataFrame([
        {"system": system, "code": code, "abbreviation": s.abbreviation, "name": s.name, "country_id": links[(system, code)][0] or pd.NA,
         "microstate": s.microstate if s.microstate is not None else pd.NA, "citation_id": s.citation_id, "notes": links[(system, code)][1] or pd.NA}
        for (system, code), s in latest.items()
    ])
    memberships = pd.DataFrame([
        {"system": s.system, "code": s.code, "start_date": pd.Timestamp(s.start), "end_date": pd.Timestamp(s.end), "censored": s.end == ends[s.system],
         "abbreviation": s.abbreviation, "name": s.name}
        for s in all_spells
    ])
    states = states.astype({"code": "Int64", "microstate": "boolean"})
    memberships = memberships.astype({"code": "Int64", "censored": "boolean"})
    return {"states": states, "state_memberships": memberships}


def run(root: Path, raw_root: Path | None = None) -> dict[str, pd.DataFrame]:
    all_spells = spells(read_raw(root, "state_systems", raw_root))
    with (root / "tables" / "countries.csv").open(encoding="utf-8", newline="") as handle:
        cow_codes = {r["country_id"]: int(r["cow_code"]) for r in csv.DictReader(handle) if r["cow_code"]}
    return frames(all_spells, state_countries(all_spells, cow_codes, read_curation(root)))


STEP = Step("state_systems", SOURCE, ("states", "state_memberships"), run, sources=("state_systems",),
            description="Gleditsch-Ward v7 with microstates and COW 2024: states linked to DDSC countries, and their membership spells")
