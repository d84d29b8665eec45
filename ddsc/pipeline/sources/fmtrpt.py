"""Source step ``fmtrpt``: the training events of the Foreign Military Training Report (FMTR), from Security
Force Monitor's extraction of the report PDFs (``sources/fmtrpt/``), as five tables: ``trainings``,
``fmtr_reports``, ``fmtr_program_headings``, ``fmtr_program_totals`` and ``fmtr_cleaning_log``.

Three layers, in the owid/etl manner:

1. snapshot (``load``): every ``<training>`` element of every raw XML file, in document order, as text exactly
   as extracted (no cleaning), with its report, file, regional section, country and program heading;
2. clean (``clean``): each cleaning rule is a small named function that changes, splits, empties or drops
   values and returns which rows it touched; ``CleaningLog`` counts the rows per report and rule, and a value
   that cannot be parsed is emptied with its raw text kept in ``notes`` (nothing is dropped silently); the
   fiscal year of each row is read from its program heading;
3. curate (``curate``, ``reports``): countries mapped through ``reference/fmtr_countries.csv`` and
   pycountry, program headings mapped through ``reference/fmtr_program_labels.csv``, the reports' own
   "Program Totals" lines reconciled with their blocks, and the output tables built.

``python -m ddsc.pipeline.sources.fmtrpt`` rewrites the figures docs/fmtr.md states from the committed tables.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ddsc.pipeline.sources import fmtrpt_html
from ddsc.pipeline.step import SOURCE, Step
from ddsc.pipeline.raw import read_raw

SOURCE_NAME = "fmtrpt"
COUNTRY_CURATION = "reference/fmtr_countries.csv"
PROGRAM_CURATION = "reference/fmtr_program_labels.csv"
REPORT_CURATION = "reference/fmtr_reports.csv"
CORRECTION_CURATION = "reference/fmtr_corrections.csv"
TOTALS_RULES = ("program_totals_line", "untitled_totals_line")
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


class _Reader:
    """Streams one raw XML file (expat, about three times faster than building an ElementTree) into rows:
    ``countries/country[@name]/program[@name]/training/<field>``. Text is taken as is (None for an empty
    element); an element where a training or heading belongs that is neither is kept apart as stray."""

    def __init__(self, report: str, file: str, region: str, ordinal: Counter, block: Counter, rows: list, stray: list):
        self.report, self.file, self.region = report, file, region
        self.ordinal, self.block, self.rows, self.stray = ordinal, block, rows, stray
        self.stack: list[str] = []
        self.text: list[str] = []
        self.country = self.heading = None
        self.training: dict | None = None

    def start(self, name: str, attrs: dict) -> None:
        depth = len(self.stack)
        if depth == 1 and name == "country":
            self.country = attrs.get("name")
        elif depth == 2 and name == "program":
            self.heading = attrs.get("name")
            self.block[self.report] += 1
        elif depth == 3 and name == "training" and self.stack[-1] == "program":
            self.training = {}
        self.stack.append(name)
        self.text = []

    def data(self, text: str) -> None:
        self.text.append(text)

    def end(self, name: str) -> None:
        self.stack.pop()
        depth, text = len(self.stack), "".join(self.text) or None
        if depth == 4 and self.training is not None:
            self.training[name] = text
        elif depth == 3 and name == "training" and self.training is not None:
            self.ordinal[self.report] += 1
            self.rows.append((self.report, self.file, self.region, self.ordinal[self.report], self.block[self.report],
                              self.country, self.heading, *(self.training.get(f) for f in FIELDS)))
            self.training = None
        elif (depth == 2 and name not in ("c_name", "program")) or (depth == 3 and name not in ("p_name", "training")):
            self.stray.append((self.report, self.file, name, text))
        self.text = []


def load(files: dict[str, bytes]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every ``<training>`` element as a row of text (None where an element is absent or empty), numbered in
    document order within its report (files in manifest order, elements in file order), with the running
    number of its ``<program>`` element (its block); and every element found where a training or heading
    belongs that is neither (repeated column headers of the PDF), one row each."""
    import xml.parsers.expat

    rows, stray = [], []
    ordinal, block = Counter(), Counter()
    for file in files:  # manifest order
        reader = _Reader(report_of(file), file, region_of(file), ordinal, block, rows, stray)
        parser = xml.parsers.expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.CharacterDataHandler, parser.EndElementHandler = reader.start, reader.data, reader.end
        parser.Parse(files[file], True)
    columns = ["report_id", "file", "region", "ordinal", "block", "country", "heading", *FIELDS]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("country", "heading", *FIELDS):
        frame[name] = frame[name].astype("string")
    return frame, pd.DataFrame(stray, columns=["report_id", "file", "tag", "text"])


# =============================================================================================================
# clean: each rule a small function; the log counts the rows each rule touched, per report
# =============================================================================================================

CHANGED, EMPTIED, DROPPED, SKIPPED = "changed", "emptied", "dropped", "skipped"


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


def _extract(values: pd.Series, pattern: str) -> pd.DataFrame:
    """The named groups of ``pattern`` in each cell it matches in full (missing elsewhere). Only the cells
    pyarrow's regex finds matching go through pandas' (Python) extract."""
    hit = values.str.fullmatch(pattern).fillna(False).astype(bool)
    names = list(re.compile(pattern).groupindex)
    if not hit.any():
        return pd.DataFrame({name: pd.Series(pd.NA, index=values.index, dtype="string") for name in names})
    return values[hit].str.extract(pattern).reindex(values.index)[names]


def strip_spaces(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Leading and trailing whitespace removed; a cell of whitespace only becomes empty."""
    out = values.str.strip()
    out = out.where(out != "")
    return out, (out.fillna("\0") != values.fillna("\0"))


def collapse_spaces(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Runs of whitespace inside a value (doubled spaces where the PDF broke a line) become one space, and so
    does a lone tab or line break (as the 2006-2007 pages' reader joins a cell's lines)."""
    out = values.str.replace(SPACES + "{2,}|[\t\n\r\f\v]", " ", regex=True)
    return out, (out.fillna("\0") != values.fillna("\0"))


DASH_RX = r"-(?: [0-9]+)?"


def dash_placeholder(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A cell that is only a dash (``-``, or a dash and a number, ``- 0``) holds no text of the field: emptied
    (the raw text goes to ``notes``)."""
    hit = values.str.fullmatch(DASH_RX).fillna(False).astype(bool)
    return values.where(~hit), hit


def dash_bullet(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A text that starts with a dash used as a list bullet (``-National Academy ... (3) -Communications
    Institute ...``): the leading dash removed, since a cell starting with ``-`` is a formula to a
    spreadsheet (the raw text goes to ``notes``); the dashes inside are kept."""
    hit = values.str.match(r"^-[^ 0-9-]").fillna(False).astype(bool)
    return values.where(~hit, values.str.slice(1)), hit


SPACES = "[ \t\n\r\f\v]"  # whitespace as RE2 (pyarrow) matches it without falling back to Python's re
NUMBER = r"\$?[0-9][0-9,]*(?:\.[0-9]+)?"
DATE = r"[0-9]{1,2}/[0-9]{1,2}/(?:[0-9]{4}|[0-9]{2})"


def dates_fused(start: pd.Series, end: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Two dates in one date cell while the other date cell is empty (``7/21/2008 1/23/2009``): the first is
    the start date and the second the end date."""
    out_start, out_end = start.copy(), end.copy()
    touched = pd.Series(False, index=start.index)
    for cell, other in ((start, end), (end, start)):
        parts = _extract(cell, rf"(?P<a>{DATE}) (?P<b>{DATE})")
        hit = parts["a"].notna() & other.isna()
        out_start[hit], out_end[hit] = parts["a"][hit], parts["b"][hit]
        touched |= hit
    return out_start, out_end, touched


def dates_fused_into_cost(cost: pd.Series, start: pd.Series, end: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """A cost followed by one or two dates in the cost cell (``1430 3/16/2009``) while the date cells they
    belong to are empty: the number is the cost, the first date the start date and a second one the end date."""
    parts = _extract(cost, rf"(?P<cost>{NUMBER}) (?P<a>{DATE})(?: (?P<b>{DATE}))?")
    one = parts["cost"].notna() & parts["b"].isna() & start.isna()
    two = parts["cost"].notna() & parts["b"].notna() & start.isna() & end.isna()
    hit = one | two
    out_cost, out_start, out_end = cost.copy(), start.copy(), end.copy()
    out_cost[hit] = parts["cost"][hit]
    out_start[hit] = parts["a"][hit]
    out_end[two] = parts["b"][two]
    return out_cost, out_start, out_end, hit


def location_fused_into_quantity(quantity: pd.Series, location: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """A number followed by text in the quantity cell (``1 Garmisch,``; ``1 39529-7099``): the number is the
    quantity and the text the (rest of the) location, appended to the location cell."""
    parts = _extract(quantity, r"(?P<q>[0-9]+) (?P<text>[^0-9 ].*|[0-9]{5}-[0-9]{4})")
    hit = parts["q"].notna()
    out_q, out_loc = quantity.copy(), location.copy()
    out_q[hit] = parts["q"][hit]
    joined = (location.fillna("") + " " + parts["text"].fillna("")).str.strip()
    out_loc[hit] = joined[hit]
    return out_q, out_loc, hit


def quantity_fused_into_title(title: pd.Series, quantity: pd.Series, other: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The quantity cell empty, the row otherwise a training (``other``: it has a cost or a date) and the
    course title ending in a space and a number (``AIRBORNE 1``): the number is the quantity."""
    parts = _extract(title.where(quantity.isna() & other), r"(?P<title>.*[A-Za-z].*[^ ]) (?P<q>[0-9]{1,4})")
    hit = parts["title"].notna() & quantity.isna() & other
    out_t, out_q = title.copy(), quantity.copy()
    out_t[hit], out_q[hit] = parts["title"][hit], parts["q"][hit]
    return out_t, out_q, hit


def cost_fused_into_student_unit(unit: pd.Series, cost: pd.Series, other: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The cost cell empty, the row otherwise a training (``other``: it has a quantity or a date) and the
    student unit ending in a space and a number (``AIR ARM 10635``): the number is the cost. (Where the cost
    cell holds anything, a bare ``$`` included, a unit's number stays.)"""
    parts = _extract(unit.where(cost.isna() & other), r"(?P<unit>.*[^ ]) (?P<cost>[0-9]+(?:\.[0-9]+)?)")
    hit = parts["unit"].notna() & cost.isna() & other
    out_u, out_c = unit.copy(), cost.copy()
    out_u[hit], out_c[hit] = parts["unit"][hit], parts["cost"][hit]
    return out_u, out_c, hit


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
    long = text.str.fullmatch(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}").fillna(False).astype(bool)
    short = text.str.fullmatch(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}").fillna(False).astype(bool)
    full = text.where(long, text.where(short).str.replace(r"/([0-9]{2})$", r"/20\1", regex=True))
    dates = pd.to_datetime(full, format="%m/%d/%Y", errors="coerce")
    bad = text.notna() & dates.isna()
    return dates, short, bad


def parse_integer(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A whole number of students; other text emptied."""
    ok = text.str.fullmatch(r"[0-9]+").fillna(False).astype(bool)
    return pd.to_numeric(text.where(ok), errors="coerce").astype("Int64"), text.notna() & ~ok


def parse_page(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The page number; a cell with two numbers (``7 7``, ``223 224``: a row printed across a page break)
    keeps the first, the page the row starts on. Returns pages, two-number rows, rows not a number (emptied)."""
    one = text.str.fullmatch(r"[0-9]+").fillna(False).astype(bool)
    parts = _extract(text.where(~one), r"(?P<first>[0-9]+) (?P<second>[0-9]+)")
    two = parts["first"].notna()
    first = text.where(one, parts["first"])
    return pd.to_numeric(first, errors="coerce").astype("Int64"), two, text.notna() & first.isna()


REGION_PREFIX = re.compile(r"^(?:(?:DOD|DOS|DoD|DoS|DOHS) )?(?:Africa|East Asia and Pacific|Europe|Near East|NIS|South Asia|Western Hemisphere) Region, ")
FY_SUFFIX = re.compile(r"^(?P<label>.*?)[\s,\-]*(?<![A-Za-z])(?:Fiscal Year|FY)(?![A-Za-z])\s*(?P<year>[0-9]{4}|[0-9]{2})?(?P<tail>(?: (?:Department of [A-Za-z ]+|DoD|DoS|DOHS|DHS))? Training)?$")


def heading_parts(heading: str, country: str) -> tuple[str, int | None]:
    """The program label of a heading and the fiscal year it names (None where it names none).

    The label is the heading without its fiscal year (``, FY 00``; ``- Fiscal Year 2018 Department of State
    Training``) and, in the reports for FY2001-FY2005, without the region and country that start it
    (``DOS Western Hemisphere Region, Colombia, ``). Two-digit years are 19YY from 50 on, else 20YY."""
    label, year = heading, None
    found = FY_SUFFIX.match(heading)
    if found:
        label = found["label"]
        if found["year"]:
            year = int(found["year"]) if len(found["year"]) == 4 else (1900 if int(found["year"]) >= 50 else 2000) + int(found["year"])
    prefix = REGION_PREFIX.match(label)
    if prefix:
        label = label[prefix.end():]
        if label.startswith(country + ","):
            label = label[len(country) + 1:]
    label = re.sub(r"^Republic Of, ", "", label)  # 1999-2000: "Cape Verde, Republic Of" split at its comma
    return label.strip(" ,-"), year


def _fiscal_years(frame: pd.DataFrame, log: CleaningLog) -> pd.DataFrame:
    """``label`` and ``fiscal_year`` of each row from its heading; a heading that names no fiscal year leaves
    it empty (counted) unless the report's other headings all name one and the same year."""
    pairs = frame[["heading", "country"]].drop_duplicates()
    parts = {(h, c): heading_parts(h, c) for h, c in pairs.itertuples(index=False)}
    keys = list(zip(frame["heading"], frame["country"]))
    frame["label"] = [parts[k][0] for k in keys]
    frame["fiscal_year"] = pd.array([parts[k][1] for k in keys], dtype="Int64")
    years = frame.groupby("report_id")["fiscal_year"].agg(lambda s: set(s.dropna()))
    single = {report: next(iter(found)) for report, found in years.items() if len(found) == 1}
    fill = frame["fiscal_year"].isna() & frame["report_id"].isin(list(single))
    frame.loc[fill, "fiscal_year"] = frame.loc[fill, "report_id"].map(single).astype("int64")
    log.add("fiscal_year_not_stated", EMPTIED, frame["report_id"][frame["fiscal_year"].isna()])
    return frame


def date_out_of_range(dates: pd.Series, fiscal_year: pd.Series) -> pd.Series:
    """Rows whose date lies more than 10 years before or 2 years after the training's fiscal year (``2106``
    for 2006, ``1900``): a misprint in the report or the extraction, emptied (the text goes to ``notes``)."""
    year = dates.dt.year
    return ((year < fiscal_year - 10) | (year > fiscal_year + 2)).fillna(False).astype(bool)


def end_before_start(start: pd.Series, end: pd.Series) -> pd.Series:
    """Rows whose end date is before their start date: the end date is emptied (both texts go to ``notes``),
    since which of the two is wrong cannot be told."""
    return (end < start).fillna(False).astype(bool)


def _note(notes: pd.Series, rows: pd.Series, label: str, raw: pd.Series) -> pd.Series:
    """Append ``label as extracted: 'raw'`` to the notes of ``rows``."""
    text = label + " as extracted: '" + raw.fillna("") + "'"
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
    last = df["block"].ne(df["block"].shift(-1)) | df["report_id"].ne(df["report_id"].shift(-1))  # blocks are numbered per report
    totals = df["course_title"].str.contains(r"Program Totals$", regex=True).fillna(False).astype(bool)
    log.add("program_totals_line", DROPPED, rid[totals])
    untitled = (last & ~totals & df["course_title"].isna() & df["start_date"].isna() & df["end_date"].isna()
                & df["location"].isna() & df["total_cost"].notna())
    log.add("untitled_totals_line", DROPPED, rid[untitled])
    placeholder = df["heading"].str.startswith("No activities reported").fillna(False).astype(bool)
    log.add("no_activities_line", DROPPED, rid[placeholder])
    lines = df[totals | untitled].copy()
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

    df["student_unit"], df["total_cost"], hit = cost_fused_into_student_unit(
        df["student_unit"], df["total_cost"], df[["quantity", "start_date", "end_date"]].notna().any(axis=1))
    log.add("cost_fused_into_student_unit", CHANGED, rid[hit])

    # 4. fragments: rows with neither students, dates nor cost are pieces of a neighbouring row (a line of a
    #    title, unit or location the PDF wrapped) or empty lines, not trainings
    fragment = df[["quantity", "start_date", "end_date", "total_cost"]].isna().all(axis=1)
    log.add("fragment_row", DROPPED, rid[fragment])
    df = df[~fragment].copy()
    rid = df["report_id"]

    # 5. dashes that stand for nothing, and dashes used as list bullets
    for rule, func, action in (("dash_placeholder", dash_placeholder, EMPTIED), ("dash_bullet", dash_bullet, CHANGED)):
        touched = pd.Series(False, index=df.index)
        for name in TEXT_FIELDS:
            value, hit = func(df[name])
            df["notes"] = _note(df["notes"], hit, name, df[name])
            df[name] = value
            touched |= hit
        log.add(rule, action, rid[touched])

    # 6. typed values; what does not parse is emptied and its text kept in notes
    cost, formatted, bare, bad = parse_cost(df["total_cost"])
    log.add("cost_currency_format", CHANGED, rid[formatted])
    log.add("cost_bare_dollar_sign", EMPTIED, rid[bare])
    log.add("cost_not_an_amount", EMPTIED, rid[bad])
    df["notes"] = _note(df["notes"], bad | bare, "total_cost", df["total_cost"])
    df["cost_usd"] = cost

    two_digit = invalid = pd.Series(False, index=df.index)
    for name in ("start_date", "end_date"):
        dates, short, bad = parse_dates(df[name])
        two_digit, invalid = two_digit | (short & ~bad), invalid | bad
        df["notes"] = _note(df["notes"], bad, name, df[name])
        df[name + "_value"] = dates
    log.add("date_two_digit_year", CHANGED, rid[two_digit])
    log.add("date_not_a_date", EMPTIED, rid[invalid])

    students, bad = parse_integer(df["quantity"])
    log.add("quantity_not_a_number", EMPTIED, rid[bad])
    df["notes"] = _note(df["notes"], bad, "quantity", df["quantity"])
    df["students"] = students

    # 7. fiscal years from the headings; dates that cannot be right for them, or for each other
    df = _fiscal_years(df, log)
    lines = _fiscal_years(lines, CleaningLog())
    touched = pd.Series(False, index=df.index)
    for name in ("start_date", "end_date"):
        bad = date_out_of_range(df[name + "_value"], df["fiscal_year"])
        df["notes"] = _note(df["notes"], bad, name, df[name])
        df.loc[bad, name + "_value"] = pd.NaT
        touched |= bad
    log.add("date_out_of_range", EMPTIED, rid[touched])
    bad = end_before_start(df["start_date_value"], df["end_date_value"])
    log.add("end_date_before_start_date", EMPTIED, rid[bad])
    df["notes"] = _note(_note(df["notes"], bad, "start_date", df["start_date"]), bad, "end_date", df["end_date"])
    df.loc[bad, "end_date_value"] = pd.NaT

    page, two, bad = parse_page(df["page_number"])
    log.add("page_two_numbers", CHANGED, rid[two])
    log.add("page_not_a_number", EMPTIED, rid[bad])
    df["notes"] = _note(df["notes"], two | bad, "page", df["page_number"])
    df["page"] = page
    return df, lines


# =============================================================================================================
# curate: countries, program headings, fiscal years, the reports' own totals, the output tables
# =============================================================================================================

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
        "totals_id": (lines["report_id"] + "_" + lines["ordinal"].map("{:06d}".format)).to_numpy(),
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
    out["notes"] = _note(out["notes"], out["reported_cost_usd"].isna(), "reported total", pd.Series(lines["total_cost"].to_numpy(), index=out.index))
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
    df["notes"] = _note(df["notes"], unmapped, "country", df["country"])
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


# =============================================================================================================
# the step
# =============================================================================================================

def build(files: dict[str, bytes], root: Path, pages: dict[str, bytes] | None = None) -> dict[str, pd.DataFrame]:
    """The tables from the extraction's XML files and the 2006-2007 report's HTML pages (``fmtrpt_html``),
    the reports in order."""
    raw, stray = load(files)
    if pages:
        more, skipped = fmtrpt_html.load(pages, FIELDS)
        raw = pd.concat([raw, more], ignore_index=True).sort_values("report_id", kind="stable", ignore_index=True)
        stray = pd.concat([stray, skipped], ignore_index=True)
    log = CleaningLog()
    totals_rows = stray["tag"] == fmtrpt_html.COUNTRY_TOTALS_TAG
    log.add("stray_element", SKIPPED, stray["report_id"][~totals_rows])
    log.add("country_totals_line", SKIPPED, stray["report_id"][totals_rows])
    df, lines = clean(raw, log)
    tables = curate(df, lines, log, root)
    tables["fmtr_cleaning_log"] = log.frame()
    tables["fmtr_reports"] = reports(raw, tables, tables["fmtr_cleaning_log"], root)
    return tables


def run(root: Path, raw_root: Path | None = None) -> dict[str, pd.DataFrame]:
    return build(read_raw(root, SOURCE_NAME, raw_root), root, read_raw(root, fmtrpt_html.SOURCE_NAME, raw_root))


STEP = Step("fmtrpt", SOURCE, ("trainings", "fmtr_reports", "fmtr_program_headings", "fmtr_program_totals", "fmtr_cleaning_log"), run,
            sources=(SOURCE_NAME, fmtrpt_html.SOURCE_NAME), description="Foreign Military Training Report trainings (Security Force Monitor's extraction), cleaned and curated")


# =============================================================================================================
# the figures README.md states (a test checks that they equal the tables')
# =============================================================================================================

README = "docs/fmtr.md"
FIGURES_START, FIGURES_END = "<!-- fmtrpt figures: start (python -m ddsc.pipeline.sources.fmtrpt) -->", "<!-- fmtrpt figures: end -->"
REGION_ORDER = ["Africa", "East Asia and Pacific", "Europe", "Near East", "Newly Independent States", "South Asia", "South Central Asia", "Western Hemisphere", "All Regions"]


def readme_figures(totals: pd.DataFrame, reports_: pd.DataFrame, log: pd.DataFrame, headings: pd.DataFrame, coverage: pd.DataFrame) -> str:
    """The heading mapping, the reconciliation of the Program Totals lines and the coverage table, as Markdown,
    from the tables (``coverage``: report_id and region of every training)."""
    mapped = headings[headings["program_id"].notna()]
    labels = headings.groupby("program_label")["program_id"].first()
    mapping = (f"- Program headings: {len(headings):,} as written ({labels.size:,} labels); {len(mapped):,} map to a DDSC program "
               f"({int(labels.notna().sum()):,} labels, {mapped['program_id'].nunique():,} programs), covering {int(mapped['trainings'].sum()):,} "
               f"of the {int(headings['trainings'].sum()):,} trainings ({mapped['trainings'].sum() / headings['trainings'].sum():.1%}); "
               f"{len(headings) - len(mapped):,} headings ({int(labels.isna().sum()):,} labels, {int(headings['trainings'].sum() - mapped['trainings'].sum()):,} trainings) map to none.")
    matches = totals["matches"].astype("boolean")
    n, ok = len(totals), int(matches.fillna(False).sum())
    bad = totals[matches.eq(False).fillna(False).astype(bool)]
    gaps = bad[bad["rows_with_cost"] < bad["rows"]]
    full = bad[bad["rows_with_cost"] == bad["rows"]]
    students_differ = int((full["rows_students"] != full["reported_students"]).sum())
    untitled = int(log.loc[log["rule"] == "untitled_totals_line", "rows"].sum())
    by_report = bad.groupby("report_id").size().sort_values(ascending=False)
    worst = ", ".join(f"{r}: {k:,}" for r, k in by_report.items())
    no_total = int(totals["reported_cost_usd"].isna().sum())
    bare = log[log["rule"] == "cost_bare_dollar_sign"].set_index("report_id")["rows"]
    bare_text = "; ".join(
        f"in report {r} {k:,} costs are a bare '$' (left empty) and {int(reports_.set_index('report_id').at[r, 'totals_matching']):,} of its "
        f"{int(reports_.set_index('report_id').at[r, 'program_totals_lines']):,} totals lines match, consistent with the '$' standing for zero"
        for r, k in bare.items())
    lines = [
        mapping,
        f"- Program Totals lines: {n:,} (in the reports of {', '.join(sorted(totals['report_id'].unique()))}; {untitled:,} of them untitled, in 2007-2008)"
        + (f", {no_total:,} without an amount" if no_total else "") + ".",
        f"- Blocks whose trainings add up to their total within 1%: {ok:,} ({ok / n:.1%}); not within 1%: {len(bad):,} ({worst}).",
        f"- Of those {len(bad):,}, {len(gaps):,} have trainings without a cost in the extraction (the cost cell is empty): extraction gaps. "
        f"In the other {len(full):,} every training has a cost: in {students_differ:,} the students do not add up either (rows missing from "
        f"or misplaced in the extraction), in {len(full) - students_differ:,} the cost alone differs (a misprinted total or row, or a misread digit).",
    ]
    if bare_text:
        lines.append(f"- {bare_text[0].upper()}{bare_text[1:]}.")
    regions = [r for r in REGION_ORDER if r in set(coverage["region"])]
    table = coverage.groupby(["report_id", "region"]).size().unstack(fill_value=0).reindex(columns=regions, fill_value=0)
    years = reports_.set_index("report_id")
    head = "| report | fiscal years | " + " | ".join(regions) + " | trainings |"
    rule = "|---|---|" + "---:|" * (len(regions) + 1)
    rows = []
    for report, counts in table.iterrows():
        first, last = int(years.at[report, "fiscal_year_first"]), int(years.at[report, "fiscal_year_last"])
        fy = f"{first}" if first == last else f"{first}-{last}"
        rows.append(f"| {report} | {fy} | " + " | ".join(f"{v:,}" if v else "" for v in counts) + f" | {int(counts.sum()):,} |")
    rows.append("| all | | " + " | ".join(f"{int(v):,}" for v in table.sum()) + f" | {int(table.to_numpy().sum()):,} |")
    return "\n".join([FIGURES_START, "", *lines, "", head, rule, *rows, "", FIGURES_END])


def figures_from_package(root: Path) -> str:
    """``readme_figures`` from the committed tables of the package at ``root``."""
    import pyarrow.csv as pacsv

    def read(name: str, columns: list[str] | None = None) -> pd.DataFrame:
        options = pacsv.ConvertOptions(include_columns=columns, strings_can_be_null=False, column_types={"matches": "string"})
        return pacsv.read_csv(root / "tables" / f"{name}.csv", convert_options=options).to_pandas()

    totals = read("fmtr_program_totals")
    totals["matches"] = totals["matches"].map({"true": True, "false": False})
    headings = read("fmtr_program_headings")
    headings["program_id"] = headings["program_id"].replace("", pd.NA)
    return readme_figures(totals, read("fmtr_reports"), read("fmtr_cleaning_log"), headings, read("trainings", ["report_id", "region"]))


def write_readme_figures(root: Path) -> bool:
    """Rewrite the figures block of docs/fmtr.md from the tables; returns whether it changed."""
    path = root / README
    text = path.read_text(encoding="utf-8")
    start, end = text.index(FIGURES_START), text.index(FIGURES_END) + len(FIGURES_END)
    new = text[:start] + figures_from_package(root) + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    print("docs/fmtr.md figures", "rewritten" if write_readme_figures(Path(__file__).resolve().parents[3]) else "unchanged")
