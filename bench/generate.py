"""Synthetic DDSC packages of any size, using the real schemas: every constraint and key is honoured.

``python bench/generate.py --rows 100000 --out bench/out/100000`` writes a package with that many
event rows (and as many record citations); ``--defects`` injects a handful of located defects.
"""

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFECTS = {  # (table, column, value) written into row 1000 + index of the events table
    "date": ("events", "date", "2016-02-30"),
    "enum": ("events", "event_type", "party"),
    "pattern": ("events", "event_id", "EV bad"),
    "required": ("events", "title_en", ""),
    "foreign_key": ("events", "statute_id", "s_missing"),
    "duplicate": ("events", "event_id", None),
}


def _ids(prefix: str, n: int) -> pd.Series:
    return pd.Series([f"{prefix}_{i}" for i in range(n)])


def _frame(columns: dict, fields: list[str]) -> pd.DataFrame:
    n = max(len(v) for v in columns.values() if isinstance(v, pd.Series))
    return pd.DataFrame({f: columns.get(f, pd.Series([""] * n)) for f in fields})


def tables(rows: int, seed: int = 0) -> dict[str, dict]:
    rng = np.random.default_rng(seed)
    small = max(10, rows // 1000)
    agency, statute, program, citation = _ids("us_a", small), _ids("us_s", small), _ids("us_p", small), _ids("c", 50)
    parents = lambda ids: pd.Series([""] + [ids[(i - 1) // 2] for i in range(1, len(ids))])
    days = pd.to_datetime("1950-01-01") + pd.to_timedelta(rng.integers(0, 25000, rows), unit="D")
    dates = pd.Series(days.strftime("%Y-%m-%d"))
    event = "ev_" + dates.str.replace("-", "", regex=False) + "_" + pd.Series(np.arange(rows)).astype(str)
    pick = lambda ids, n: ids.iloc[rng.integers(0, len(ids), n)].reset_index(drop=True)
    countries = pd.read_csv(ROOT / "tables" / "countries.csv", dtype=str, keep_default_na=False)
    cited = pd.concat([agency, statute, program, event], ignore_index=True)
    names = ["agencies"] * small + ["statutes"] * small + ["programs"] * small + ["events"] * rows
    return {
        "countries": countries,
        "citations": dict(citation_id=citation, citation_type=pd.Series(["report"] * 50), title="Report " + citation, language=pd.Series(["en"] * 50)),
        "agencies": dict(agency_id=agency, name_en="Agency " + agency, agency_type=pd.Series(["office"] * small), country_id=pd.Series(["USA"] * small), parent_agency_id=parents(agency)),
        "statutes": dict(statute_id=statute, title_en="Act " + statute, instrument_type=pd.Series(["act"] * small), country_id=pd.Series(["USA"] * small), enacted_date=pd.Series(["2000-01-01"] * small), enacted_date_precision=pd.Series(["day"] * small), public_law=pd.Series(["114-92"] * small)),
        "programs": dict(program_id=program, name_en="Program " + program, category=pd.Series(["portfolio"] * small), provider_country_id=pd.Series(["USA"] * small), lead_agency_id=agency, parent_program_id=parents(program), start_date=pd.Series(["2001-01-01"] * small), start_date_precision=pd.Series(["year"] * small)),
        "events": dict(event_id=event, date=dates, date_precision=pd.Series(["day"] * rows), title_en="Event " + event, event_type=pd.Series(rng.choice(["summit", "enactment", "pledge"], rows)), statute_id=pick(statute, rows), program_id=pick(program, rows), agency_id=pick(agency, rows)),
        "program_statutes": dict(program_id=program, statute_id=statute, relation=pd.Series(["authorized_by"] * small)),
        "program_countries": dict(program_id=program, country_id=pd.Series(["JPN"] * small), role=pd.Series(["recipient"] * small)),
        "event_countries": dict(event_id=event, country_id=pd.Series(rng.choice(["USA", "JPN", "NAM"], rows)), role=pd.Series(["party"] * rows)),
        "record_citations": dict(table_name=pd.Series(names), record_id=cited, citation_id=pick(citation, len(cited)), locator=pd.Series(["sec. 1"] * len(cited))),
    }


def write(rows: int, out: Path, defects: bool = False) -> Path:
    shutil.rmtree(out, ignore_errors=True)
    (out / "tables").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", out / "schemas")
    for name in ("datapackage.json", "CITATION.cff", "CHANGES.md"):
        shutil.copyfile(ROOT / name, out / name)
    for name, columns in tables(rows).items():
        schema = json.loads((ROOT / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
        frame = columns if isinstance(columns, pd.DataFrame) else _frame(columns, [f["name"] for f in schema["fields"]])
        if defects and name == "events":
            for index, (table, column, value) in enumerate(DEFECTS.values()):
                frame.at[1000 + index, column] = frame.at[0, column] if value is None else value
        frame.to_csv(out / "tables" / f"{name}.csv", index=False, lineterminator="\n")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--defects", action="store_true")
    args = parser.parse_args()
    print(write(args.rows, args.out, args.defects))
