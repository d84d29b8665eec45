"""The curation of the FMTR step: countries mapped through ``reference/fmtr_countries.csv`` and pycountry,
program headings through ``reference/fmtr_program_labels.csv``, corrections from ``reference/fmtr_corrections.csv``,
the reports' own "Program Totals" lines reconciled with their blocks, and the output tables built."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd

from ddsc.pipeline.sources import fmtrpt_html
from ddsc.pipeline.sources.fmtrpt.cleaning import CHANGED, CleaningLog, DROPPED, EMPTIED, note_rows, parse_cost, parse_integer, parse_page

# =============================================================================================================
# curate: countries, program headings, fiscal years, the reports' own totals, the output tables
# =============================================================================================================

COUNTRY_CURATION = "reference/fmtr_countries.csv"
PROGRAM_CURATION = "reference/fmtr_program_labels.csv"
REPORT_CURATION = "reference/fmtr_reports.csv"
CORRECTION_CURATION = "reference/fmtr_corrections.csv"
TOTALS_RULES = ("program_totals_line", "untitled_totals_line")
MATCH_SHARE = 0.01  # a block matches its Program Totals line when its costs add up to it within 1%


def heading_id(heading: str) -> str:
    """A stable key for a heading as written: ``h`` and the first 10 hex digits of its SHA-1."""
    return "h" + hashlib.sha1(heading.encode("utf-8")).hexdigest()[:10]


def _curation(root: Path, rel: str, key: str) -> dict[str, dict]:
    with (root / rel).open(encoding="utf-8", newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def country_ids(names: pd.Series, curation: dict[str, dict]) -> tuple[dict[str, str], list[str]]:
    """Country key of each name as written: the curated row where there is one, else the ISO 3166-1 entry
    pycountry matches exactly (name, official or common name); names matched by neither are returned apart."""
    import pycountry

    out, unknown = {}, []
    for name in sorted(names.dropna().unique()):
        if name in curation:
            out[name] = curation[name]["country_id"]
            continue
        try:
            out[name] = pycountry.countries.lookup(name).alpha_3
        except LookupError:
            unknown.append(name)
    return out, unknown


def program_headings(frame: pd.DataFrame, labels: dict[str, dict]) -> pd.DataFrame:
    """One row per program heading as written (whitespace cleaned), with its label and the program the
    curated label table maps it to."""
    missing = sorted(set(frame["label"]) - set(labels))
    if missing:
        raise ValueError(f"program labels not in {PROGRAM_CURATION}: {missing}")
    grouped = frame.groupby("heading", sort=True).agg(label=("label", "first"), trainings=("report_id", "size"),
                                                      first=("fiscal_year", "min"), last=("fiscal_year", "max"))
    out = pd.DataFrame({
        "heading_id": [heading_id(h) for h in grouped.index],
        "heading": grouped.index,
        "program_label": grouped["label"].to_numpy(),
        "program_id": [labels[lab]["program_id"] or pd.NA for lab in grouped["label"]],
        "fiscal_year_first": grouped["first"].to_numpy(),
        "fiscal_year_last": grouped["last"].to_numpy(),
        "trainings": grouped["trainings"].to_numpy(),
        "notes": [labels[lab]["notes"] or pd.NA for lab in grouped["label"]],
    })
    if out["heading_id"].duplicated().any():
        raise ValueError("two program headings share a heading_id")
    return out


def citation_id(report: str) -> str:
    return f"fmtr_{report}"


def _reconcile(lines: pd.DataFrame, trainings: pd.DataFrame) -> pd.DataFrame:
    """Each Program Totals line against the trainings of its block: rows, their summed costs, the difference
    and whether they agree within 1%."""
    reported, *_ = parse_cost(lines["total_cost"])
    students, _ = parse_integer(lines["quantity"])
    page, _, _ = parse_page(lines["page_number"])
    blocks = trainings.groupby(["report_id", "block"]).agg(rows=("cost_usd", "size"), rows_with_cost=("cost_usd", "count"),
                                                           rows_cost_usd=("cost_usd", "sum"), students=("students", "sum"))
    key = pd.MultiIndex.from_frame(lines[["report_id", "block"]])
    found = blocks.reindex(key)
    out = pd.DataFrame({
        "totals_id": (lines["report_id"] + "_" + lines["ordinal"].map("{:06d}".format).astype("str")).to_numpy(),  # str also when no line is left
        "report_id": lines["report_id"].to_numpy(),
        "fiscal_year": lines["fiscal_year"].to_numpy(),
        "counted": lines["counted"].to_numpy(),
        "country_id": lines["country_id"].to_numpy(),
        "heading_id": lines["heading_id"].to_numpy(),
        "region": lines["region"].to_numpy(),
        "page": page.to_numpy(),
        "reported_students": students.to_numpy(),
        "reported_cost_usd": reported.to_numpy(),
        "rows": found["rows"].fillna(0).astype("int64").to_numpy(),
        "rows_with_cost": found["rows_with_cost"].fillna(0).astype("int64").to_numpy(),
        "rows_students": found["students"].fillna(0).astype("int64").to_numpy(),
        "rows_cost_usd": found["rows_cost_usd"].fillna(0.0).round(2).to_numpy(),
    })
    out["difference_usd"] = (out["rows_cost_usd"] - out["reported_cost_usd"]).round(2)
    tolerance = MATCH_SHARE * out["reported_cost_usd"].abs()
    out["matches"] = (out["difference_usd"].abs() <= tolerance).where(out["reported_cost_usd"].notna())
    out["notes"] = pd.Series(lines["notes"].to_numpy(), index=out.index, dtype="string")
    out["notes"] = note_rows(out["notes"], out["reported_cost_usd"].isna(), "reported total", pd.Series(lines["total_cost"].to_numpy(), index=out.index))
    return out


def counted(report_id: pd.Series, fiscal_year: pd.Series) -> pd.Series:
    """Whether a row's fiscal year is counted from its report: the latest report (the report ids sort by
    their years) that lists the year. A fiscal year reported twice (planned in one report, done in the next)
    is thus counted once, from the later report; a row without a fiscal year is not counted."""
    known = fiscal_year.notna()
    latest = report_id[known].groupby(fiscal_year[known]).max()
    return pd.Series((report_id == fiscal_year.map(latest)).fillna(False).astype(bool).to_numpy(), index=report_id.index)


CORRECTION_STATUSES = {"corrected": CHANGED, "unresolved": EMPTIED, "doubtful": "flagged"}


def apply_corrections(frame: pd.DataFrame, corrections: list[dict], log: CleaningLog | None) -> pd.DataFrame:
    """The curated corrections of ``reference/fmtr_corrections.csv`` applied to the rows of ``frame`` (with
    ``report_id``, ``country`` as printed, ``country_id``, ``country_candidates`` and ``notes``) that each
    names by report and printed country (and, where it gives them, by the range of ordinals, document order,
    within the report: ``first_ordinal`` to ``last_ordinal``). ``corrected`` replaces the country, ``unresolved`` empties it and
    keeps the candidates, ``doubtful`` keeps it; every row touched gets the reason in ``notes``. A
    correction that matches no row of a report being built, or corrects a field other than ``country_id``,
    stops the step; one for a report not being built is left aside."""
    out = frame.copy()
    reports = set(out["report_id"])
    for c in corrections:
        if c["field"] != "country_id" or c["status"] not in CORRECTION_STATUSES:
            raise ValueError(f"{CORRECTION_CURATION}: field {c['field']!r} or status {c['status']!r} is not one the step applies")
        if c["report_id"] not in reports:
            continue
        rows = (out["report_id"] == c["report_id"]) & (out["country"] == c["country_printed"]).fillna(False).astype(bool)
        if c.get("first_ordinal") or c.get("last_ordinal"):
            rows &= out["ordinal"].between(int(c["first_ordinal"]), int(c["last_ordinal"]))
        if not rows.any():
            raise ValueError(f"{CORRECTION_CURATION}: no row of report {c['report_id']} prints the country {c['country_printed']!r}"
                             + (f" between ordinals {c['first_ordinal']} and {c['last_ordinal']}" if c.get("first_ordinal") else ""))
        if c["status"] == "corrected":
            out.loc[rows, "country_id"] = c["corrected_value"]
        elif c["status"] == "unresolved":
            out.loc[rows, "country_id"] = pd.NA
            out.loc[rows, "country_candidates"] = c["candidates"]
        text = f"country {c['status']} ({CORRECTION_CURATION}): {c['reason']}"
        out["notes"] = out["notes"].where(~rows, out["notes"].where(out["notes"].isna(), out["notes"] + "; ").fillna("") + text)
        if log is not None:
            log.add(f"correction_{c['status']}", CORRECTION_STATUSES[c["status"]], out["report_id"][rows])
    return out


def curate(df: pd.DataFrame, lines: pd.DataFrame, log: CleaningLog, root: Path) -> dict[str, pd.DataFrame]:
    """The output tables (but the reports and the log) from the cleaned trainings and the Program Totals lines."""
    countries = _curation(root, COUNTRY_CURATION, "name")
    labels = _curation(root, PROGRAM_CURATION, "label")
    names = pd.concat([df["country"], lines["country"]])
    ids, unknown = country_ids(names, countries)
    if unknown:
        raise ValueError(f"country names matched neither by {COUNTRY_CURATION} nor by pycountry: {unknown}")

    headings = program_headings(df, labels)
    by_heading = dict(zip(headings["heading"], headings["heading_id"]))
    program_of = dict(zip(headings["heading"], headings["program_id"]))
    for frame in (df, lines):
        frame["country_id"] = frame["country"].map(ids).replace("", pd.NA).astype("string")
        frame["heading_id"] = frame["heading"].map(by_heading).astype("string")
    df["program_id"] = df["heading"].map(program_of).astype("string")
    unmapped = df["country_id"].isna()
    df["notes"] = note_rows(df["notes"], unmapped, "country", df["country"])
    log.add("country_not_mapped", EMPTIED, df["report_id"][unmapped])
    lines["heading_id"] = lines["heading_id"].fillna(lines["heading"].map(heading_id))
    corrections = list(_curation(root, CORRECTION_CURATION, "correction_id").values())
    for frame in (df, lines):
        frame["country_candidates"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    lines["notes"] = pd.Series(pd.NA, index=lines.index, dtype="string")
    df = apply_corrections(df, corrections, log)
    lines = apply_corrections(lines, corrections, None)
    df["counted"] = counted(df["report_id"], df["fiscal_year"])
    latest = df.groupby("fiscal_year")["report_id"].max()
    lines["counted"] = (lines["report_id"] == lines["fiscal_year"].map(latest)).fillna(False).astype(bool)

    trainings = pd.DataFrame({
        "training_id": df["report_id"] + "_" + df["ordinal"].map("{:06d}".format),
        "report_id": df["report_id"],
        "fiscal_year": df["fiscal_year"],
        "counted": df["counted"],
        "country_printed": df["country"],
        "country_id": df["country_id"],
        "country_candidates": df["country_candidates"],
        "program_id": df["program_id"],
        "heading_id": df["heading_id"],
        "program_label": df["label"],
        "course_title": df["course_title"],
        "us_unit": df["us_unit"],
        "student_unit": df["student_unit"],
        "location": df["location"],
        "start_date": df["start_date_value"],
        "end_date": df["end_date_value"],
        "students": df["students"],
        "cost_usd": df["cost_usd"],
        "region": df["region"],
        "page": df["page"],
        "citation_id": df["file"].map(fmtrpt_html.page_citation).fillna(df["report_id"].map(citation_id)).astype("string"),
        "notes": df["notes"],
    })
    totals = _reconcile(lines, df)
    return {"trainings": trainings, "fmtr_program_totals": totals, "fmtr_program_headings": headings}


def _year_text(years: pd.Series) -> str:
    counts = years.value_counts().sort_index()
    return " and ".join(f"FY{int(y)} ({n:,} trainings)" for y, n in counts.items())


def reports(raw: pd.DataFrame, tables: dict[str, pd.DataFrame], log: pd.DataFrame, root: Path) -> pd.DataFrame:
    """One row per report: the fiscal years its headings name, its files and regional sections, its raw
    training elements and what became of them, its citation and the curated notes."""
    curated = _curation(root, REPORT_CURATION, "report_id")
    titles = _curation(root, "tables/citations.csv", "citation_id")
    trainings, totals = tables["trainings"], tables["fmtr_program_totals"]
    dropped = log[log["action"] == DROPPED]
    rows = []
    for report, group in raw.groupby("report_id", sort=True):
        own = trainings[trainings["report_id"] == report]
        lost = dropped[dropped["report_id"] == report]
        matched = totals[totals["report_id"] == report]["matches"]
        rows.append({
            "report_id": report,
            "label": f"FMTR {report.replace('_', '-')}",
            "title": titles[citation_id(report)]["title"],
            "fiscal_year_first": own["fiscal_year"].min(),
            "fiscal_year_last": own["fiscal_year"].max(),
            "fiscal_year_rule": "Headings name " + _year_text(own["fiscal_year"].dropna()) + "; each training takes the fiscal year its heading names.",
            "files": group["file"].nunique(),
            "regions": group["region"].nunique(),
            "training_elements": len(group),
            "trainings": len(own),
            "program_totals_lines": int(lost[lost["rule"].isin(TOTALS_RULES)]["rows"].sum()),
            "other_dropped_rows": int(lost[~lost["rule"].isin(TOTALS_RULES)]["rows"].sum()),
            "totals_matching": int(matched.fillna(False).astype(bool).sum()),
            "citation_id": citation_id(report),
            "notes": curated.get(report, {}).get("notes") or pd.NA,
        })
    out = pd.DataFrame(rows)
    if not (out["training_elements"] == out["trainings"] + out["program_totals_lines"] + out["other_dropped_rows"]).all():
        raise ValueError("raw training elements do not reconcile with trainings and counted drops")
    return out
