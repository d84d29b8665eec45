"""Source step ``countries``: every ISO 3166-1 entry (pycountry) with its Correlates of War code (COW
State System Membership list 2024, from the ``state_systems`` raw files) and its Gleditsch-Ward number
(the code list of the ``countrycode`` package), then the hand-checked values of
``reference/country_curation.csv`` (text names, hand-matched COW codes, former states) on top."""

from __future__ import annotations

import csv
import gettext
import importlib.resources
import io
import pickle
import re
from pathlib import Path

import pandas as pd

from ddsc.steps import SOURCE, Step
from ddsc.steps.raw import read_raw, text_rows

ISO_NOTE = "Japanese name from the iso-codes translation shipped with pycountry."
CURATION = "reference/country_curation.csv"
COW_FILE = "cow_statelist2024.csv"


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def cow_by_name(cow_rows: list[dict]) -> dict:
    """COW code by normalized state name (the latest spell's name wins for a code listed twice)."""
    return {_key(r["statenme"]): int(r["ccode"]) for r in cow_rows}


def gleditsch_ward_by_iso() -> dict[str, str]:
    """ISO alpha-3 -> Gleditsch-Ward number from the installed ``countrycode`` package's code list."""
    import countrycode

    data = pickle.loads((importlib.resources.files(countrycode) / "data" / "codelist.pickle").read_bytes())
    return {iso: str(int(gw)) for iso, gw in zip(data["iso3c"], data["gwn"]) if isinstance(iso, str) and gw == gw and gw is not None}


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


def _historic_row(key: str, ja3: gettext.NullTranslations, fields: list[str]) -> dict:
    """A former state's row from pycountry's ISO 3166-3 entry with that alpha-3 code (names and codes, the
    Japanese name from the iso-codes translation where it has one); only the key for a state without one."""
    import pycountry

    row = dict.fromkeys(fields, "") | {"country_id": key}
    entry = pycountry.historic_countries.get(alpha_3=key)
    if entry is not None:
        name_ja = ja3.gettext(entry.name)
        row.update({"name_en": entry.name, "name_ja": name_ja if name_ja != entry.name else "",
                    "iso2": entry.alpha_2, "iso3": entry.alpha_3, "iso_numeric": entry.numeric})
    return row


def build_rows(cow_rows: list[dict], curation: list[dict], gw: dict[str, str], fields: list[str]) -> list[dict]:
    import pycountry

    ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"])
    cow = cow_by_name(cow_rows)
    rows = {c.alpha_3: _iso_row(c, cow, ja, fields) for c in pycountry.countries}
    for iso, number in gw.items():
        if iso in rows:
            rows[iso]["gw_code"] = number
    ja3 = gettext.translation("iso3166-3", pycountry.LOCALES_DIR, languages=["ja"])
    for cur in curation:
        row = rows.setdefault(cur["country_id"], _historic_row(cur["country_id"], ja3, fields))
        text_name = bool(cur["name_ja"])
        row.update({k: v for k, v in cur.items() if v and k in fields})
        row["notes"] = "; ".join(x for x in (cur["notes"], "" if text_name else ISO_NOTE) if x)
    for row in rows.values():
        if not row["notes"] and row["name_ja"]:
            row["notes"] = ISO_NOTE
    return [rows[k] for k in sorted(rows)]


def run(root: Path, raw_root: Path | None = None) -> dict[str, pd.DataFrame]:
    from ddsc.package import read_model
    from ddsc.source import Source

    fields = read_model(Source(root))[1]["countries"].field_names
    cow_rows = text_rows(read_raw(root, "state_systems", raw_root)[COW_FILE])
    with (root / CURATION).open(encoding="utf-8", newline="") as handle:
        curation = list(csv.DictReader(handle))
    rows = build_rows(cow_rows, curation, gleditsch_ward_by_iso(), fields)
    return {"countries": pd.DataFrame(rows, columns=fields, dtype="string").replace("", pd.NA)}


STEP = Step("countries", SOURCE, ("countries",), run, source="state_systems",
            description="ISO 3166-1 (pycountry), COW 2024 codes, Gleditsch-Ward numbers (countrycode), and the curation file")
