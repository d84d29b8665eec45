"""Synthetic DDSC packages of any size, derived from the real descriptor and schemas: every table, every
constraint and every key is honoured, so a table or column added to the schemas is generated too.

``python bench/generate.py --rows 100000 --out bench/out/100000`` writes a package with that many
event rows (and as many event countries and record citations); ``--defects`` injects located defects.
"""

import argparse
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
LARGE = {"events", "event_countries", "record_citations"}  # tables that grow with --rows
DEFECTS = {  # (table, column, value) written into row 1000 + index of the events table
    "date": ("events", "date", "2016-02-30"),
    "enum": ("events", "event_type", "party"),
    "pattern": ("events", "event_id", "EV bad"),
    "required": ("events", "title_en", ""),
    "foreign_key": ("events", "statute_id", "s_missing"),
    "duplicate": ("events", "event_id", None),
}


def _model():
    import sys

    sys.path.insert(0, str(ROOT))
    from ddsc.package.descriptor import read_model
    from ddsc.package.source import Source

    return read_model(Source(ROOT))[1]


def _order(model: dict) -> list[str]:
    """Tables after the tables their foreign keys reference."""
    done, order = set(), []
    while len(order) < len(model):
        for name, table in model.items():
            if name not in done and all(fk.resource in done or fk.resource == name for fk in table.foreign_keys):
                done.add(name)
                order.append(name)
    return order


def _key(table, n: int, dates: pd.Series | None) -> pd.Series:
    prefix = table.name[:3]
    if table.primary_key[0] == "event_id":
        return "ev_" + dates.str.replace("-", "", regex=False) + "_" + pd.Series(np.arange(n)).astype(str)
    keys = pd.Series([f"{prefix}_{i}" for i in range(n)])
    pattern = table.field(table.primary_key[0]).constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, keys[0]):  # a key of a fixed shape: the schema's example, counting in its last digits
        example = next(f["example"] for f in table.schema["fields"] if f["name"] == table.primary_key[0])
        head, digits = re.fullmatch(r"(.*?)([0-9]+)", example).groups()
        keys = pd.Series([head + str(i).zfill(len(digits)) for i in range(n)])
    return keys


def _column(field, n: int, rng, keys: dict, table, frame: dict) -> pd.Series:
    """Valid values for one field (empty where the field is optional and has no simple valid value)."""
    fk = next((f for f in table.foreign_keys if f.fields == (field.name,)), None)
    if fk is not None:
        if fk.resource == table.name:  # a self-reference: each row's parent comes before it
            ids = frame[table.primary_key[0]]
            return pd.Series([""] + [ids[(i - 1) // 2] for i in range(1, n)])
        pool = keys[fk.resource]
        return pool.iloc[rng.integers(0, len(pool), n)].reset_index(drop=True)
    if field.enum:
        return pd.Series([field.enum[0]] * n)
    if field.type == "date":
        return frame.get("_dates", pd.Series(["2000-01-01"] * n))
    if field.type == "integer":  # a year is that of the dates (so panel rows fall in the generated memberships), within its range
        low, high = field.constraints.get("minimum"), field.constraints.get("maximum")
        value = 2000 if field.name == "year" or low is None else low
        value = max(value, low) if low is not None else value
        value = min(value, high) if high is not None else value
        return pd.Series([str(value)] * n)
    if field.type == "boolean":
        return pd.Series(["false"] * n)
    if field.type == "number":
        return pd.Series(["1"] * n)
    if field.constraints.get("pattern") and field.required:
        example = next(f.get("example", "") for f in table.schema["fields"] if f["name"] == field.name)
        return pd.Series([str(example)] * n)
    if field.constraints.get("pattern") or not field.required:
        return pd.Series([""] * n)
    return pd.Series([f"Text {i}" for i in range(n)])


def tables(rows: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    model = _model()
    small = max(10, rows // 1000)
    days = pd.to_datetime("1950-01-01") + pd.to_timedelta(rng.integers(0, 25000, rows), unit="D")
    event_dates = pd.Series(days.strftime("%Y-%m-%d"))
    keys, out = {}, {}
    out["countries"] = pd.read_csv(ROOT / "tables" / "countries.csv", dtype=str, keep_default_na=False)
    keys["countries"] = out["countries"]["country_id"]
    for name in _order(model):
        if name == "countries":
            continue
        table = model[name]
        if name == "record_citations":
            continue
        n = rows if name in LARGE else small
        frame = {"_dates": event_dates if name == "events" else pd.Series(["2000-01-01"] * n)}
        if len(table.primary_key) == 1:
            frame[table.primary_key[0]] = _key(table, n, frame["_dates"])
        for field in table.fields:
            if field.name not in frame:
                frame[field.name] = _column(field, n, rng, keys, table, frame)
        for field in table.fields:  # a precision is given exactly where its date is
            from ddsc.package.model import date_of_precision

            if date_of_precision(field.name):
                base = frame[date_of_precision(field.name)]
                frame[field.name] = base.where(base == "", "day")
        data = pd.DataFrame({f.name: frame[f.name] for f in table.fields})
        for fk in table.foreign_keys:  # a composite key takes whole rows of its target, so that the combination exists
            if len(fk.fields) > 1 and fk.resource != name and fk.resource in out and len(out[fk.resource]):
                rows_taken = rng.integers(0, len(out[fk.resource]), len(data))
                for own, ref in zip(fk.fields, fk.references):
                    data[own] = out[fk.resource][ref].iloc[rows_taken].to_numpy()
        if len(table.primary_key) > 1:
            data = data.drop_duplicates(list(table.primary_key)).reset_index(drop=True)
        if name == "statutes":  # generated laws have no enacting act: their notes say so, as the act-unknown rule asks
            from ddsc.validation.rules import NOT_CONFIRMED

            data["notes"] = f"The enacting law was {NOT_CONFIRMED}."
        out[name] = data
        if len(table.primary_key) == 1:
            keys[name] = data[table.primary_key[0]]
    cited = [name for name, t in model.items() if t.cited]
    names = pd.Series([n for n in cited for _ in range(len(out[n]))])
    ids = pd.concat([out[n][model[n].primary_key[0]] for n in cited], ignore_index=True)
    citation = keys["citations"]
    out["record_citations"] = pd.DataFrame({f.name: pd.Series([""] * len(ids)) for f in model["record_citations"].fields})
    out["record_citations"]["table_name"], out["record_citations"]["record_id"] = names, ids
    out["record_citations"]["citation_id"] = citation.iloc[rng.integers(0, len(citation), len(ids))].reset_index(drop=True)
    out["record_citations"]["locator"] = "sec. 1"
    return out


def write(rows: int, out: Path, defects: bool = False) -> Path:
    shutil.rmtree(out, ignore_errors=True)
    (out / "tables").mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", out / "schemas")
    for name in ("datapackage.json", "CITATION.cff", "CHANGES.md"):
        shutil.copyfile(ROOT / name, out / name)
    for name, frame in tables(rows).items():
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
