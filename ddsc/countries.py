"""Build the countries table from ISO 3166 (pycountry), COW v2016 and the curation file.

``python build.py countries`` rewrites ``tables/countries.csv``; a test checks the committed table is current.
"""

import csv
import gettext
import io
import re
from pathlib import Path

import pycountry

FIELDS = ["country_id", "name_en", "name_ja", "iso2", "iso3", "iso_numeric", "cow_code", "gw_code", "start_date", "end_date", "notes"]
ISO_NOTE = "Japanese name from the iso-codes translation shipped with pycountry."


def _key(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def cow_by_name(cow_rows: list[dict]) -> dict:
    """COW code by normalized state name."""
    return {_key(r["statenme"]): int(r["ccode"]) for r in cow_rows}


def iso_row(country, cow: dict, ja: gettext.NullTranslations) -> dict:
    names = [country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")]
    codes = [cow[_key(n)] for n in names if n and _key(n) in cow]
    return {
        "country_id": country.alpha_3, "name_en": country.name, "name_ja": ja.gettext(country.name),
        "iso2": country.alpha_2, "iso3": country.alpha_3, "iso_numeric": country.numeric,
        "cow_code": codes[0] if codes else "", "gw_code": "", "start_date": "", "end_date": "", "notes": "",
    }


def build_rows(cow_rows: list[dict], curation: list[dict], gw_rows: list[dict] = ()) -> list[dict]:
    """Every ISO 3166-1 entry with its Gleditsch-Ward number (countrycode list, by ISO alpha-3), then curated
    values (text names, hand-matched COW codes, former states) on top."""
    ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"])
    cow = cow_by_name(cow_rows)
    rows = {c.alpha_3: iso_row(c, cow, ja) for c in pycountry.countries}
    for gw in gw_rows:
        if gw["iso3c"] in rows:
            rows[gw["iso3c"]]["gw_code"] = gw["gwn"]
    for cur in curation:
        row = rows.setdefault(cur["country_id"], {f: "" for f in FIELDS} | {"country_id": cur["country_id"]})
        text_name = bool(cur["name_ja"])
        row.update({k: v for k, v in cur.items() if v and k in FIELDS})
        row["notes"] = "; ".join(x for x in (cur["notes"], "" if text_name else ISO_NOTE) if x)
    for row in rows.values():
        if not row["notes"] and row["name_ja"]:
            row["notes"] = ISO_NOTE
    return [rows[k] for k in sorted(rows)]


def render(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def countries_csv(root: Path) -> str:
    ref = root / "reference"
    return render(build_rows(read_csv(ref / "cow_states2016.csv"), read_csv(ref / "country_curation.csv"), read_csv(ref / "countrycode_gw.csv")))
