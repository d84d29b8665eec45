"""Source step ``countries``: every ISO 3166-1 entry (pycountry) with its Correlates of War code (COW
State System Membership list 2024, matched by name, from the ``state_systems`` raw files), then the
hand-checked values of ``reference/country_curation.csv`` (text names, hand-matched COW codes, former
states) on top. A former state keyed by its ISO 3166-3 code takes its names and codes from pycountry's
historic countries. The Gleditsch-Ward number is the code of the country's latest state in the G&W list
(v7 with microstates), as the ``state_systems`` step links states to countries."""

from __future__ import annotations

import csv
import gettext
import re
from pathlib import Path

import pandas as pd

from ddsc.pipeline.step import SOURCE, Step
from ddsc.pipeline.raw import read_raw, text_rows

ISO_NOTE = "Japanese name from the iso-codes translation shipped with pycountry."
CURATION = "reference/country_curation.csv"
COW_FILE = "cow_statelist2024.csv"


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def cow_by_name(cow_rows: list[dict]) -> dict:
    """COW code by normalized state name (the latest spell's name wins for a code listed twice)."""
    return {_key(r["statenme"]): int(r["ccode"]) for r in cow_rows}


def _iso_row(country, cow: dict, ja: gettext.NullTranslations, fields: list[str]) -> dict:
    import pycountry  # noqa: F401 - the country objects come from it

    names = [country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")]
    codes = [cow[_key(n)] for n in names if n and _key(n) in cow]
    row = dict.fromkeys(fields, "")
    row.update({
        "country_id": country.alpha_3, "name_en": country.name, "name_ja": ja.gettext(country.name),
        "iso2": country.alpha_2, "iso3": country.alpha_3, "iso_numeric": country.numeric,
        "cow_code": str(codes[0]) if codes else "",
    })
    return row


def _historic_row(country_id: str, fields: list[str]) -> dict:
    """A former state from ISO 3166-3 (pycountry's historic countries) when ``country_id`` is one of its
    alpha-3 codes, with its Japanese name from the iso-codes translation; otherwise an empty row."""
    import pycountry

    row = dict.fromkeys(fields, "") | {"country_id": country_id}
    old = next((c for c in pycountry.historic_countries if getattr(c, "alpha_3", "") == country_id), None)
    if old is not None:
        ja = gettext.translation("iso3166-3", pycountry.LOCALES_DIR, languages=["ja"]).gettext(old.name)
        row.update({"name_en": old.name, "name_ja": ja if ja != old.name else "", "iso2": old.alpha_2, "iso3": old.alpha_3,
                    "iso_numeric": getattr(old, "numeric", "")})
    return row


def build_rows(all_spells: list, cow_rows: list[dict], curation: list[dict], state_curation: list[dict], fields: list[str]) -> list[dict]:
    import pycountry

    from ddsc.pipeline.sources.state_systems import latest_codes, state_countries

    ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"])
    cow = cow_by_name(cow_rows)
    rows = {c.alpha_3: _iso_row(c, cow, ja, fields) for c in pycountry.countries}
    for cur in curation:
        row = rows.get(cur["country_id"]) or rows.setdefault(cur["country_id"], _historic_row(cur["country_id"], fields))
        text_name = bool(cur["name_ja"])
        row.update({k: v for k, v in cur.items() if v and k in fields})
        if not row["cow_code"] and _key(row["name_en"]) in cow:  # a former state named as COW names it
            row["cow_code"] = str(cow[_key(row["name_en"])])
        row["notes"] = "; ".join(x for x in (cur["notes"], "" if text_name or not row["name_ja"] else ISO_NOTE) if x)
    for row in rows.values():
        if not row["notes"] and row["name_ja"]:
            row["notes"] = ISO_NOTE
    links = state_countries(all_spells, {k: int(r["cow_code"]) for k, r in rows.items() if r["cow_code"]}, state_curation)
    for country, code in latest_codes(all_spells, links, "gw").items():
        rows[country]["gw_code"] = str(code)
    return [rows[k] for k in sorted(rows)]


def run(root: Path, raw_root: Path | None = None) -> dict[str, pd.DataFrame]:
    from ddsc.package.descriptor import read_model
    from ddsc.package.source import Source

    from ddsc.pipeline.sources.state_systems import read_curation, spells

    fields = read_model(Source(root))[1]["countries"].field_names
    raw = read_raw(root, "state_systems", raw_root)
    with (root / CURATION).open(encoding="utf-8", newline="") as handle:
        curation = list(csv.DictReader(handle))
    rows = build_rows(spells(raw), text_rows(raw[COW_FILE]), curation, read_curation(root), fields)
    return {"countries": pd.DataFrame(rows, columns=fields, dtype="string").replace("", pd.NA)}


STEP = Step("countries", SOURCE, ("countries",), run, sources=("state_systems",),
            description="ISO 3166-1 and 3166-3 (pycountry), COW 2024 codes, Gleditsch-Ward v7 numbers, and the curation file")
