"""The cleaning rules of the FMTR step: each rule is a small named function that changes, splits, empties or
drops values and returns which rows it touched; ``CleaningLog`` counts the rows per report and rule, and a value
that cannot be parsed is emptied with its raw text kept in ``notes`` (nothing is dropped silently); the fiscal
year of each row is read from its program heading (``clean`` applies them in order)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from ddsc.pipeline.sources.fmtrpt.snapshot import FIELDS

# =============================================================================================================
# clean: each rule a small function; the log counts the rows each rule touched, per report
# =============================================================================================================

TEXT_FIELDS = ("course_title", "us_unit", "student_unit", "location")


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


def note_rows(notes: pd.Series, rows: pd.Series, label: str, raw: pd.Series) -> pd.Series:
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
            df["notes"] = note_rows(df["notes"], hit, name, df[name])
            df[name] = value
            touched |= hit
        log.add(rule, action, rid[touched])

    # 6. typed values; what does not parse is emptied and its text kept in notes
    cost, formatted, bare, bad = parse_cost(df["total_cost"])
    log.add("cost_currency_format", CHANGED, rid[formatted])
    log.add("cost_bare_dollar_sign", EMPTIED, rid[bare])
    log.add("cost_not_an_amount", EMPTIED, rid[bad])
    df["notes"] = note_rows(df["notes"], bad | bare, "total_cost", df["total_cost"])
    df["cost_usd"] = cost

    two_digit = invalid = pd.Series(False, index=df.index)
    for name in ("start_date", "end_date"):
        dates, short, bad = parse_dates(df[name])
        two_digit, invalid = two_digit | (short & ~bad), invalid | bad
        df["notes"] = note_rows(df["notes"], bad, name, df[name])
        df[name + "_value"] = dates
    log.add("date_two_digit_year", CHANGED, rid[two_digit])
    log.add("date_not_a_date", EMPTIED, rid[invalid])

    students, bad = parse_integer(df["quantity"])
    log.add("quantity_not_a_number", EMPTIED, rid[bad])
    df["notes"] = note_rows(df["notes"], bad, "quantity", df["quantity"])
    df["students"] = students

    # 7. fiscal years from the headings; dates that cannot be right for them, or for each other
    df = _fiscal_years(df, log)
    lines = _fiscal_years(lines, CleaningLog())
    touched = pd.Series(False, index=df.index)
    for name in ("start_date", "end_date"):
        bad = date_out_of_range(df[name + "_value"], df["fiscal_year"])
        df["notes"] = note_rows(df["notes"], bad, name, df[name])
        df.loc[bad, name + "_value"] = pd.NaT
        touched |= bad
    log.add("date_out_of_range", EMPTIED, rid[touched])
    bad = end_before_start(df["start_date_value"], df["end_date_value"])
    log.add("end_date_before_start_date", EMPTIED, rid[bad])
    df["notes"] = note_rows(note_rows(df["notes"], bad, "start_date", df["start_date"]), bad, "end_date", df["end_date"])
    df.loc[bad, "end_date_value"] = pd.NaT

    page, two, bad = parse_page(df["page_number"])
    log.add("page_two_numbers", CHANGED, rid[two])
    log.add("page_not_a_number", EMPTIED, rid[bad])
    df["notes"] = note_rows(df["notes"], two | bad, "page", df["page_number"])
    df["page"] = page
    return df, lines
