"""Source step ``fmtrpt``: the training events of the Foreign Military Training Report (FMTR), from Security
Force Monitor's extraction of the report PDFs (``sources/fmtrpt/``), as five tables: ``trainings``,
``fmtr_reports``, ``fmtr_program_headings``, ``fmtr_program_totals`` and ``fmtr_cleaning_log``.

Three layers, in the owid/etl manner:

1. snapshot (``load``): every ``<training>`` element of every raw XML file, in document order, as text exactly
   as extracted (no cleaning), with its report, file, regional section, country and program heading;
2. clean (``clean``): each cleaning rule is a small named function that changes, splits, empties or drops
   values and returns which rows it touched; ``CleaningLog`` counts the rows per report and rule, and a value
   that cannot be parsed is emptied with its raw text kept in ``notes`` (nothing is dropped silently);
3. curate (``curate``): countries mapped through ``reference/fmtr_countries.csv`` and pycountry, program
   headings mapped through ``reference/fmtr_program_labels.csv``, fiscal years read from the headings, the
   reports' own "Program Totals" lines reconciled with their blocks, and the output tables built.
"""

from __future__ import annotations

import csv
import hashlib
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ddsc.steps import SOURCE, Step
from ddsc.steps.raw import read_raw

SOURCE_NAME = "fmtrpt"
COUNTRY_CURATION = "reference/fmtr_countries.csv"
PROGRAM_CURATION = "reference/fmtr_program_labels.csv"
FIELDS = ("course_title", "us_unit", "student_unit", "location", "quantity", "start_date", "end_date", "total_cost", "page_number")
TEXT_FIELDS = ("course_title", "us_unit", "student_unit", "location")
MATCH_SHARE = 0.01  # a block matches its Program Totals line when its costs add up to it within 1%

# The regional section a raw file holds, from its file name (``2018_2019_East_Asia_and_Pacific_fmtrpt_dedup``).
REGIONS = {
    "africa": "Africa",
    "east_asia_and_pacific": "East Asia and Pacific",
    "europe": "Europe",
    "near_east": "Near East",
    "newly_independent_states": "Newly Independent States",
    "south_asia": "South Asia",
    "south_asia_region": "South Asia",
    "south_central_asia": "South Central Asia",
    "western_hemisphere": "Western Hemisphere",
    "western_hemisphere_region": "Western Hemisphere",
    "all_regions": "All Regions",
}


# =============================================================================================================
# snapshot: raw XML -> one text row per <training> element, in document order (no cleaning)
# =============================================================================================================

def report_of(file: str) -> str:
    """``1999_2000/1999_2000_Africa_1_fmtrpt_dedup.xml.gz`` -> ``1999_2000`` (the report as the files name it)."""
    return file.split("/", 1)[0]


def region_of(file: str) -> str:
    stem = file.rsplit("/", 1)[-1].split("_fmtrpt_dedup", 1)[0]
    section = re.sub(r"_[0-9]+$", "", stem[len(report_of(file)) + 1:]).lower()
    return REGIONS[section]


def load(files: dict[str, bytes]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every ``<training>`` element as a row of text (None where an element is absent), numbered in document
    order within its report (files in manifest order, elements in file order), with the running number of
    its ``<program>`` element (its block); and every element found where a training or heading belongs that
    is neither (repeated column headers of the PDF), one row each."""
    rows, stray = [], []
    ordinal, block = Counter(), Counter()
    for file in files:  # manifest order
        report, region = report_of(file), region_of(file)
        for country in ET.fromstring(files[file]):
            for program in country:
                if program.tag != "program":
                    if program.tag != "c_name":
                        stray.append((report, file, program.tag))
                    continue
                block[report] += 1
                for training in program:
                    if training.tag != "training":
                        if training.tag != "p_name":
                            stray.append((report, file, training.tag))
                        continue
                    ordinal[report] += 1
                    values = {child.tag: child.text for child in training}
                    rows.append((report, file, region, ordinal[report], block[report], country.get("name"), program.get("name"),
                                 *(values.get(f) for f in FIELDS)))
    columns = ["report_id", "file", "region", "ordinal", "block", "country", "heading", *FIELDS]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("country", "heading", *FIELDS):
        frame[name] = frame[name].astype("string")
    return frame, pd.DataFrame(stray, columns=["report_id", "file", "tag"])


# =============================================================================================================
# clean: each rule a small function; the log counts the rows each rule touched, per report
# =============================================================================================================

CHANGED, EMPTIED, DROPPED = "changed", "emptied", "dropped"


@dataclass
class CleaningLog:
    """Rows touched per (report, rule), with what the rule did to them."""

    counts: Counter = field(default_factory=Counter)
    actions: dict = field(default_factory=dict)

    def add(self, rule: str, action: str, reports: pd.Series) -> None:
        self.actions[rule] = action
        for report, n in reports.value_counts().items():
            self.counts[(report, rule)] += int(n)

    def frame(self) -> pd.DataFrame:
        rows = [(report, rule, self.actions[rule], n) for (report, rule), n in self.counts.items() if n]
        return pd.DataFrame(rows, columns=["report_id", "rule", "action", "rows"])


def _blank(values: pd.Series) -> pd.Series:
    """Missing or only whitespace."""
    return values.isna() | values.fillna("").str.strip().eq("")


def strip_spaces(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Leading and trailing whitespace removed; a cell of whitespace only becomes empty."""
    out = values.str.strip()
    out = out.where(out != "")
    return out, (out.fillna("\0") != values.fillna("\0"))


def collapse_spaces(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Runs of whitespace inside a value (doubled spaces where the PDF broke a line) become one space."""
    out = values.str.replace(r"\s{2,}", " ", regex=True)
    return out, (out.fillna("\0") != values.fillna("\0"))


DASH_RX = r"-(?: [0-9]+)?"


def dash_placeholder(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A cell that is only a dash (``-``, or a dash and a number, ``- 0``) holds no text of the field: emptied
    (the raw text goes to ``notes``)."""
    hit = values.str.fullmatch(DASH_RX).fillna(False).astype(bool)
    return values.where(~hit), hit


NUMBER = r"\$?[0-9][0-9,]*(?:\.[0-9]+)?"
DATE = r"[0-9]{1,2}/[0-9]{1,2}/(?:[0-9]{4}|[0-9]{2})"


def dates_fused(start: pd.Series, end: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Two dates in one date cell while the other date cell is empty (``7/21/2008 1/23/2009``): the first is
    the start date and the second the end date."""
    out_start, out_end = start.copy(), end.copy()
    touched = pd.Series(False, index=start.index)
    for cell, other in ((start, end), (end, start)):
        parts = cell.str.extract(rf"^({DATE}) ({DATE})$")
        hit = parts[0].notna() & other.isna()
        out_start[hit], out_end[hit] = parts[0][hit], parts[1][hit]
        touched |= hit
    return out_start, out_end, touched


def dates_fused_into_cost(cost: pd.Series, start: pd.Series, end: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """A cost followed by one or two dates in the cost cell (``1430 3/16/2009``) while the date cells they
    belong to are empty: the number is the cost, the first date the start date and a second one the end date."""
    parts = cost.str.extract(rf"^({NUMBER}) ({DATE})(?: ({DATE}))?$")
    one = parts[0].notna() & parts[2].isna() & start.isna()
    two = parts[0].notna() & parts[2].notna() & start.isna() & end.isna()
    hit = one | two
    out_cost, out_start, out_end = cost.copy(), start.copy(), end.copy()
    out_cost[hit] = parts[0][hit]
    out_start[hit] = parts[1][hit]
    out_end[two] = parts[2][two]
    return out_cost, out_start, out_end, hit


def location_fused_into_quantity(quantity: pd.Series, location: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A number followed by text in the quantity cell (``1 Garmisch,``; ``1 39529-7099``): the number is the
    quantity and the text the (rest of the) location, appended to the location cell."""
    parts = quantity.str.extract(r"^([0-9]+) ([^0-9\s].*|[0-9]{5}-[0-9]{4})$")
    hit = parts[0].notna()
    out_q, out_loc = quantity.copy(), location.copy()
    out_q[hit] = parts[0][hit]
    joined = (location.fillna("") + " " + parts[1].fillna("")).str.strip()
    out_loc[hit] = joined[hit]
    return out_q, out_loc, hit


def quantity_fused_into_title(title: pd.Series, quantity: pd.Series, other: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The quantity cell empty, the row otherwise a training (``other``: it has a cost or a date) and the
    course title ending in a space and a number (``AIRBORNE 1``): the number is the quantity."""
    parts = title.str.extract(r"^(.*[A-Za-z].*\S) ([0-9]{1,4})$")
    hit = parts[0].notna() & quantity.isna() & other
    out_t, out_q = title.copy(), quantity.copy()
    out_t[hit], out_q[hit] = parts[0][hit], parts[1][hit]
    return out_t, out_q, hit


def parse_cost(cost: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """US dollars as a number: ``$1,234`` -> 1234, ``10211.88`` kept. Returns the numbers, the rows whose text
    carried a dollar sign or thousands separators, the rows whose cell was a bare ``$`` (emptied) and the rows
    whose text is not an amount (emptied)."""
    shaped = cost.str.fullmatch(NUMBER).fillna(False).astype(bool)
    plain = cost.where(shaped).str.replace(r"[$,]", "", regex=True)
    formatted = shaped & cost.str.contains(r"[$,]", regex=True).fillna(False).astype(bool)
    bare = cost.eq("$").fillna(False).astype(bool)
    bad = cost.notna() & ~shaped & ~bare
    return pd.to_numeric(plain, errors="coerce"), formatted, bare, bad


def parse_dates(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``M/D/YYYY`` or ``M/D/YY`` as dates. A two-digit year is 20YY (the reports' two-digit years are 00 to
    02). Returns the dates, the rows with a two-digit year and the rows whose text is not a calendar date
    (emptied)."""
    parts = text.str.extract(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}|[0-9]{2})$")
    short = parts[2].str.len().eq(2).fillna(False).astype(bool)
    year = parts[2].where(~short, "20" + parts[2])
    iso = year + "-" + parts[0].str.zfill(2) + "-" + parts[1].str.zfill(2)
    dates = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    bad = text.notna() & dates.isna()
    return dates, short, bad


def parse_integer(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A whole number of students; other text emptied."""
    ok = text.str.fullmatch(r"[0-9]+").fillna(False).astype(bool)
    return pd.to_numeric(text.where(ok), errors="coerce").astype("Int64"), text.notna() & ~ok


def parse_page(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The page number; a cell with two numbers (``7 7``, ``223 224``: a row printed across a page break)
    keeps the first, the page the row starts on. Returns pages, two-number rows, rows not a number (emptied)."""
    parts = text.str.extract(r"^([0-9]+)(?: ([0-9]+))?$")
    two = parts[1].notna()
    return pd.to_numeric(parts[0], errors="coerce").astype("Int64"), two, text.notna() & parts[0].isna()


def _note(notes: pd.Series, rows: pd.Series, label: str, raw: pd.Series) -> pd.Series:
    """Append ``label as extracted: 'raw'`` to the notes of ``rows``."""
    text = label + " as extracted: '" + raw.fillna("").str.replace("'", "\u2019") + "'"
    joined = notes.where(notes.isna(), notes + "; ").fillna("") + text
    return notes.where(~rows, joined)


def clean(raw: pd.DataFrame, log: CleaningLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cleaned trainings and the report's own "Program Totals" lines (with their block), each value cleaned
    by the rules in turn; every touched row counted in ``log``."""
    df = raw.copy()
    rid = df["report_id"]

    # 1. whitespace, in every text cell (values, country names, headings)
    for rule, func in (("strip_spaces", strip_spaces), ("collapse_spaces", collapse_spaces)):
        touched = pd.Series(False, index=df.index)
        for name in ("country", "heading", *FIELDS):
            df[name], hit = func(df[name])
            touched |= hit
        log.add(rule, CHANGED, rid[touched])

    # 2. rows that are not trainings
    last = df["block"].ne(df["block"].shift(-1))
    totals = df["course_title"].str.contains(r"Program Totals$", regex=True).fillna(False).astype(bool)
    log.add("program_totals_line", DROPPED, rid[totals])
    untitled = (last & ~totals & df["course_title"].isna() & df["start_date"].isna() & df["end_date"].isna()
                & df["location"].isna() & df["total_cost"].notna())
    log.add("untitled_totals_line", DROPPED, rid[untitled])
    placeholder = df["heading"].str.startswith("No activities reported").fillna(False).astype(bool)
    log.add("no_activities_line", DROPPED, rid[placeholder])
    totals_lines = df[totals | untitled].copy()
    df = df[~(totals | untitled | placeholder)].copy()
    rid = df["report_id"]
    df["notes"] = pd.Series(pd.NA, index=df.index, dtype="string")

    # 3. values fused into a neighbouring cell by the extraction
    df["start_date"], df["end_date"], hit = dates_fused(df["start_date"], df["end_date"])
    log.add("dates_fused", CHANGED, rid[hit])
    df["total_cost"], df["start_date"], df["end_date"], hit = dates_fused_into_cost(df["total_cost"], df["start_date"], df["end_date"])
    log.add("dates_fused_into_cost", CHANGED, rid[hit])
    df["quantity"], df["location"], hit = location_fused_into_quantity(df["quantity"], df["location"])
    log.add("location_fused_into_quantity", CHANGED, rid[hit])
    df["course_title"], df["quantity"], hit = quantity_fused_into_title(
        df["course_title"], df["quantity"], df[["start_date", "end_date", "total_cost"]].notna().any(axis=1))
    log.add("quantity_fused_into_title", CHANGED, rid[hit])

    # 4. fragments: rows with neither students, dates nor cost are pieces of a neighbouring row (a line of a
    #    title, unit or location the PDF wrapped) or empty lines, not trainings
    fragment = df[["quantity", "start_date", "end_date", "total_cost"]].isna().all(axis=1)
    log.add("fragment_row", DROPPED, rid[fragment])
    df = df[~fragment].copy()
    rid = df["report_id"]

    # 6. dashes that stand for nothing
    for name in TEXT_FIELDS:
        value, hit = dash_placeholder(df[name])
        df["notes"] = _note(df["notes"], hit, name, df[name])
        df[name] = value
        log.add("dash_placeholder", EMPTIED, rid[hit])

    # 7. typed values; what does not parse is emptied and its text kept in notes
    cost, formatted, bare, bad = parse_cost(df["total_cost"])
    log.add("cost_currency_format", CHANGED, rid[formatted])
    log.add("cost_bare_dollar_sign", EMPTIED, rid[bare])
    log.add("cost_not_an_amount", EMPTIED, rid[bad])
    df["notes"] = _note(df["notes"], bad | bare, "total_cost", df["total_cost"])
    df["cost_usd"] = cost

    for name in ("start_date", "end_date"):
        dates, short, bad = parse_dates(df[name])
        log.add("date_two_digit_year", CHANGED, rid[short & ~bad])
        log.add("date_not_a_date", EMPTIED, rid[bad])
        df["notes"] = _note(df["notes"], bad, name, df[name])
        df[name + "_value"] = dates

    students, bad = parse_integer(df["quantity"])
    log.add("quantity_not_a_number", EMPTIED, rid[bad])
    df["notes"] = _note(df["notes"], bad, "quantity", df["quantity"])
    df["students"] = students

    page, two, bad = parse_page(df["page_number"])
    log.add("page_two_numbers", CHANGED, rid[two])
    log.add("page_not_a_number", EMPTIED, rid[bad])
    df["notes"] = _note(df["notes"], two | bad, "page", df["page_number"])
    df["page"] = page
    return df, totals_lines
