"""The cleaning rules of the fmtrpt step (ddsc/pipeline/sources/fmtrpt/cleaning.py) at their boundaries, on tiny XML reports
written here and on small series: what each rule changes, empties or drops, the row it does it to (by its
ordinal in document order), what ``notes`` keeps of the raw text, and what the cleaning log counts. Nothing
here reads the raw files or today's tables; a cell-level rule is also checked as a property (hypothesis)."""

from html import escape

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddsc.pipeline.sources import fmtrpt
from ddsc.pipeline.sources.fmtrpt import cleaning, curation, snapshot
from tests.conftest import shared

REPORT = "2018_2019"
FILE = f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz"
TRAINING = dict(course_title="COURSE", quantity="1", start_date="6/4/2018", end_date="7/26/2018", total_cost="$100", page_number="1")


def s(*values) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def _list(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


def row(**cells) -> dict:
    """A training element: a complete row, with ``cells`` changed (None leaves an element out)."""
    return {k: v for k, v in {**TRAINING, **cells}.items() if v is not None}


def _xml(blocks: list, country: str = "Angola") -> bytes:
    """A report file of one country: ``blocks`` is a list of (program heading, elements); an element is a dict
    of training cells, or a string put in the block as it is (a stray element)."""
    parts = [f'<?xml version="1.0"?><countries><country name="{escape(country)}"><c_name>{escape(country)}</c_name>']
    for heading, elements in blocks:
        parts.append(f'<program name="{escape(heading)}"><p_name>{escape(heading)}</p_name>')
        for e in elements:
            parts.append(e if isinstance(e, str) else "<training>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in e.items()) + "</training>")
        parts.append("</program>")
    return ("".join(parts) + "</country></countries>").encode("utf-8")


SCENARIOS: dict[str, list] = {}


def scenario(*blocks) -> str:
    """A report of ``blocks`` (each test's input, written beside it); returns its report id. Every report
    written so is cleaned once, all together (``clean``): a report's rows, ordinals, blocks and log counts are
    its own, as in the step, where the reports are cleaned together."""
    name = f"s{len(SCENARIOS):02d}"
    SCENARIOS[name] = list(blocks)
    return name


def _clean_all() -> tuple[pd.DataFrame, pd.DataFrame, cleaning.CleaningLog]:
    raw, _ = snapshot.load({f"{name}/{name}_Africa_fmtrpt_dedup.xml.gz": _xml(blocks) for name, blocks in SCENARIOS.items()})
    log = cleaning.CleaningLog()
    return *cleaning.clean(raw, log), log


_cleaned = shared(_clean_all)


def clean(report: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The cleaned trainings and the totals lines of a report, both indexed by ordinal, and its log as {rule: rows}."""
    df, lines, log = _cleaned()
    counts = {rule: n for (name, rule), n in log.counts.items() if name == report and n}
    return df[df["report_id"] == report].set_index("ordinal"), lines[lines["report_id"] == report].set_index("ordinal"), counts


HEADING = "IMET, FY 2018"


# --- the fiscal year of a heading ---------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "year"), [("00", 2000), ("02", 2002), ("29", 2029), ("30", 2030), ("49", 2049),
                                               ("50", 1950), ("51", 1951), ("99", 1999)])
def test_a_two_digit_fiscal_year_is_19yy_from_50_on_and_20yy_below(written, year):
    assert cleaning.heading_parts(f"IMET, FY {written}", "Angola") == ("IMET", year)
    assert cleaning.heading_parts(f"IMET - Fiscal Year {written}", "Angola") == ("IMET", year)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=99), st.sampled_from([" FY {}", " FY{}", ", FY {}", " - Fiscal Year {}"]))
def test_every_two_digit_year_reads_as_the_one_year_of_1950_to_2049_that_ends_in_it(yy, form):
    label, year = cleaning.heading_parts("Exchange" + form.format(f"{yy:02d}"), "Angola")
    assert 1950 <= year <= 2049 and year % 100 == yy and label == "Exchange"


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1900, max_value=2099))
def test_a_four_digit_fiscal_year_is_read_as_written(yyyy):
    assert cleaning.heading_parts(f"IMET - Fiscal Year {yyyy} Department of State Training", "Angola") == ("IMET", yyyy)


TWO_YEARS = scenario(("IMET, FY 00", [row(start_date="6/4/2000", end_date="7/26/2000")]), ("IMET, FY 01", [row(start_date="6/4/2001", end_date="7/26/2001")]),
                     ("Misc DoD/DoS Non-SA, FY", [row()]))


def test_a_heading_that_names_no_year_in_a_report_that_names_two_leaves_it_empty():
    df, _, two_years = clean(TWO_YEARS)
    assert _list(df["fiscal_year"]) == [2000, 2001, None] and two_years["fiscal_year_not_stated"] == 1


ONE_YEAR = scenario((HEADING, [row()]), ("Misc DoD/DoS Non-SA, FY", [row()]))


def test_a_one_year_report_fills_the_year_a_heading_leaves_out():
    df, _, log = clean(ONE_YEAR)
    assert _list(df["fiscal_year"]) == [2018, 2018] and _list(df["label"]) == ["IMET", "Misc DoD/DoS Non-SA"]
    assert "fiscal_year_not_stated" not in log


# --- dates against the fiscal year, and against each other -------------------------------------------------

@pytest.mark.parametrize(("day", "out"), [("1995-12-31", True), ("1996-01-01", False), ("2006-06-30", False),
                                          ("2008-12-31", False), ("2009-01-01", True)])
def test_a_date_may_lie_10_years_before_to_2_years_after_its_fiscal_year(day, out):
    assert cleaning.date_out_of_range(pd.Series([pd.Timestamp(day)]), pd.Series([2006], dtype="Int64")).tolist() == [out]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=1950, max_value=2049), st.integers(min_value=-20, max_value=20), st.integers(1, 12)), min_size=1, max_size=40))
def test_the_date_window_is_the_fiscal_year_minus_10_to_plus_2(cases):
    fiscal_years = pd.Series([fy for fy, _, _ in cases], dtype="Int64")
    dates = pd.Series([pd.Timestamp(year=fy + offset, month=month, day=1) for fy, offset, month in cases])
    assert cleaning.date_out_of_range(dates, fiscal_years).tolist() == [not -10 <= offset <= 2 for _, offset, _ in cases]


def test_a_missing_date_or_fiscal_year_is_never_out_of_range():
    dates = pd.Series([pd.NaT, pd.Timestamp("1900-01-01")])
    assert cleaning.date_out_of_range(dates, pd.Series([2006, pd.NA], dtype="Int64")).tolist() == [False, False]


OUT_OF_RANGE = scenario((HEADING, [row(start_date="1/1/2008", end_date="1/1/2021"), row(start_date="12/31/2007", end_date="12/31/2020")]))


def test_a_date_out_of_range_is_emptied_and_quoted_in_notes():
    df, _, log = clean(OUT_OF_RANGE)
    assert _list(df.loc[1, ["start_date_value", "end_date_value"]]) == [pd.Timestamp("2008-01-01"), None]
    assert df.loc[1, "notes"] == "end_date as extracted: '1/1/2021'"
    assert _list(df.loc[2, ["start_date_value", "end_date_value"]]) == [None, pd.Timestamp("2020-12-31")]
    assert df.loc[2, "notes"] == "start_date as extracted: '12/31/2007'" and log["date_out_of_range"] == 2


END_BEFORE_START = scenario((HEADING, [row(start_date="6/4/2018", end_date="6/4/2018"), row(start_date="6/4/2018", end_date="6/3/2018")]))


def test_an_end_date_before_its_start_date_is_emptied_and_both_are_quoted():
    df, _, log = clean(END_BEFORE_START)
    assert df.loc[1, "end_date_value"] == pd.Timestamp("2018-06-04") and pd.isna(df.loc[1, "notes"])
    assert pd.isna(df.loc[2, "end_date_value"]) and df.loc[2, "start_date_value"] == pd.Timestamp("2018-06-04")
    assert df.loc[2, "notes"] == "start_date as extracted: '6/4/2018'; end_date as extracted: '6/3/2018'"
    assert log["end_date_before_start_date"] == 1


# --- typed cells --------------------------------------------------------------------------------------------

def test_a_two_digit_year_is_20yy_so_29_february_2000_is_a_day_and_2001_is_not():
    dates, short, bad = cleaning.parse_dates(s("2/29/00", "2/29/01", "2/29/2000", "1/29/2001"))
    assert _list(dates) == [pd.Timestamp("2000-02-29"), None, pd.Timestamp("2000-02-29"), pd.Timestamp("2001-01-29")]
    assert short.tolist() == [True, True, False, False] and bad.tolist() == [False, True, False, False]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.dates(min_value=pd.Timestamp("2000-01-01").date(), max_value=pd.Timestamp("2099-12-31").date()), st.booleans()), min_size=1, max_size=40))
def test_any_calendar_day_written_m_d_yy_or_m_d_yyyy_is_read_as_that_day(cases):
    text = [f"{d.month}/{d.day}/{d.year % 100:02d}" if two else f"{d.month}/{d.day}/{d.year}" for d, two in cases]
    dates, short, bad = cleaning.parse_dates(s(*text))
    assert list(dates) == [pd.Timestamp(d) for d, _ in cases] and short.tolist() == [two for _, two in cases] and not bad.any()


DATES = scenario((HEADING, [row(start_date="6/4/18", end_date="7/26/18"), row(start_date="2/30/18", end_date="TBD")]))


def test_date_rules_are_counted_once_per_row_and_the_text_kept():
    df, _, log = clean(DATES)
    assert df.loc[1, "start_date_value"] == pd.Timestamp("2018-06-04") and pd.isna(df.loc[1, "notes"])
    assert df.loc[2, ["start_date_value", "end_date_value"]].isna().all() and df.loc[2, "notes"] == "start_date as extracted: '2/30/18'; end_date as extracted: 'TBD'"
    assert (log["date_two_digit_year"], log["date_not_a_date"]) == (1, 1)  # a two-digit date that is no day is counted as no date only


@pytest.mark.parametrize(("text", "usd", "formatted", "bare", "bad"), [
    ("$1,234", 1234, True, False, False), ("1,234", 1234, True, False, False), ("$5", 5, True, False, False),
    ("1234", 1234, False, False, False), ("10211.88", 10211.88, False, False, False), ("0", 0, False, False, False),
    ("$", None, False, True, False), ("$$5", None, False, False, True), ("-5", None, False, False, True),
    (".5", None, False, False, True), ("1.", None, False, False, True), ("ST-2 $31,000", None, False, False, True),
])
def test_a_cost_is_an_amount_in_dollars_or_emptied(text, usd, formatted, bare, bad):
    cost, f, b, x = cleaning.parse_cost(s(text))
    assert _list(cost) == [usd] and (bool(f[0]), bool(b[0]), bool(x[0])) == (formatted, bare, bad)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10**9), st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_any_whole_dollar_amount_reads_back_with_or_without_sign_and_commas(cases):
    text = [("$" if dollar else "") + (f"{amount:,}" if commas else str(amount)) for amount, dollar, commas in cases]
    cost, formatted, bare, bad = cleaning.parse_cost(s(*text))
    assert list(cost) == [amount for amount, _, _ in cases] and not bare.any() and not bad.any()
    assert formatted.tolist() == [("$" in t or "," in t) for t in text]


COSTS = scenario((HEADING, [row(total_cost="$1,000"), row(total_cost="$"), row(total_cost="N/A")]))


def test_cost_rules_note_what_they_empty_and_count_what_they_change():
    df, _, log = clean(COSTS)
    assert _list(df["cost_usd"]) == [1000, None, None]
    assert _list(df["notes"]) == [None, "total_cost as extracted: '$'", "total_cost as extracted: 'N/A'"]
    assert (log["cost_currency_format"], log["cost_bare_dollar_sign"], log["cost_not_an_amount"]) == (1, 1, 1)


QUANTITIES = scenario((HEADING, [row(quantity="12"), row(quantity="1.5"), row(quantity="N/A")]))


def test_a_quantity_that_is_not_a_whole_number_is_emptied_and_quoted():
    df, _, log = clean(QUANTITIES)
    assert _list(df["students"]) == [12, None, None] and log["quantity_not_a_number"] == 2
    assert df.loc[3, "notes"] == "quantity as extracted: 'N/A'"


PAGES = scenario((HEADING, [row(page_number="7"), row(page_number="223 224"), row(page_number="7 8 9"), row(page_number="ii")]))


def test_a_page_keeps_the_first_of_two_numbers_and_empties_other_text():
    df, _, log = clean(PAGES)
    assert _list(df["page"]) == [7, 223, None, None] and (log["page_two_numbers"], log["page_not_a_number"]) == (1, 2)
    assert _list(df["notes"]) == [None, "page as extracted: '223 224'", "page as extracted: '7 8 9'", "page as extracted: 'ii'"]


# --- whitespace and dashes ----------------------------------------------------------------------------------

def test_spaces_are_stripped_and_doubled_spaces_made_one_in_every_cell_heading_and_country():
    raw, _ = snapshot.load({FILE: _xml([("IMET,  FY 2018 ", [row(course_title="  A  B ", location="X\n\nY", quantity=" 3")])], country=" Angola  ")})
    log = cleaning.CleaningLog()
    df, _ = cleaning.clean(raw, log)
    assert _list(df[["country", "heading", "course_title", "location", "quantity"]].iloc[0]) == ["Angola", "IMET, FY 2018", "A B", "X Y", "3"]
    assert df["students"].tolist() == [3] and {rule: n for (_, rule), n in log.counts.items() if "spaces" in rule} == {"strip_spaces": 1, "collapse_spaces": 1}


def test_a_cell_of_whitespace_only_becomes_empty():
    value, hit = cleaning.strip_spaces(s("   ", " \n", "a", None))
    assert _list(value) == [None, None, "a", None] and hit.tolist() == [True, True, False, False]


@pytest.mark.parametrize(("text", "out"), [("a b", "a b"), ("a  b", "a b"), ("a \n b", "a b"), ("a   b  c", "a b c"),
                                           ("a\nb", "a b"), ("a\tb", "a b"), ("a\r\nb", "a b")])
def test_a_run_of_two_or_more_whitespace_characters_becomes_one_space(text, out):
    value, hit = cleaning.collapse_spaces(s(text))
    assert _list(value) == [out] and bool(hit[0]) == (text != out)


@pytest.mark.parametrize(("text", "emptied"), [("-", True), ("- 0", True), ("- 12", True), ("-0", False), ("--", False), ("- a", False), ("HQ- RABAT", False)])
def test_a_cell_that_is_only_a_dash_or_a_dash_and_a_number_is_emptied(text, emptied):
    value, hit = cleaning.dash_placeholder(s(text))
    assert _list(value) == [None if emptied else text] and bool(hit[0]) == emptied


@pytest.mark.parametrize(("text", "out"), [("-National Academy (3) -Communications", "National Academy (3) -Communications"),
                                           ("-x", "x"), ("- National", "- National"), ("-5 students", "-5 students"), ("--x", "--x"), ("Mil-to-Mil", "Mil-to-Mil")])
def test_a_leading_dash_is_removed_only_as_a_bullet_before_a_word(text, out):
    value, hit = cleaning.dash_bullet(s(text))
    assert _list(value) == [out] and bool(hit[0]) == (text != out)


DASHES = scenario((HEADING, [row(us_unit="-", location="-Fort Bragg"), row(quantity="- 0")]))


def test_dash_rules_apply_to_text_cells_only_and_keep_the_text_in_notes():
    df, _, log = clean(DASHES)
    assert pd.isna(df.loc[1, "us_unit"]) and df.loc[1, "location"] == "Fort Bragg"
    assert df.loc[1, "notes"] == "us_unit as extracted: '-'; location as extracted: '-Fort Bragg'"
    assert pd.isna(df.loc[2, "students"]) and df.loc[2, "notes"] == "quantity as extracted: '- 0'"  # a quantity is not text: not a number
    assert (log["dash_placeholder"], log["dash_bullet"], log["quantity_not_a_number"]) == (1, 1, 1)


# --- rows that are not trainings ----------------------------------------------------------------------------

TITLED_TOTALS = scenario((HEADING, [row(), row(course_title="FY 2018 Program Totals  ", start_date=None, end_date=None),
                                     row(course_title="Program Totals review course")]))


def test_a_program_totals_line_goes_to_the_totals_lines_even_with_trailing_spaces():
    df, lines, log = clean(TITLED_TOTALS)
    assert list(df.index) == [1, 3] and list(lines.index) == [2] and lines.loc[2, "block"] == 1
    assert log["program_totals_line"] == 1 and "untitled_totals_line" not in log


TOTAL = dict(course_title=None, start_date=None, end_date=None, location=None)


UNTITLED_CASES = [
    (row(**TOTAL), "totals"),                                  # untitled, undated, unplaced, with a cost: the block's total
    (row(**{**TOTAL, "location": "Fort Bragg"}), "training"),  # a location: a training whose title was lost
    (row(**{**TOTAL, "course_title": "COURSE"}), "training"),
    (row(**{**TOTAL, "start_date": "6/4/2018"}), "training"),
    (row(**{**TOTAL, "end_date": "6/4/2018"}), "training"),
    (row(**{**TOTAL, "total_cost": None}), "training"),        # no cost: not a total (its quantity keeps it a training)
]
UNTITLED = scenario(*[(HEADING, [row(), last]) for last, _ in UNTITLED_CASES])  # the cases are rows 2, 4, ..., 12, each last in block 1, 2, ...


def test_an_untitled_totals_line_is_the_last_row_of_a_block_with_a_cost_and_no_title_dates_or_location():
    df, lines, log = clean(UNTITLED)
    found = ["totals" if o in lines.index else "training" if o in df.index else "dropped" for o in range(2, 2 * len(UNTITLED_CASES) + 1, 2)]
    assert found == [expected for _, expected in UNTITLED_CASES] and log["untitled_totals_line"] == 1
    assert (lines.loc[2, "block"], lines.loc[2, "total_cost"], lines.loc[2, "quantity"]) == (1, "$100", "1")


UNTITLED_PLACES = scenario((HEADING, [row(**TOTAL), row()]), ("Exchange, FY 2018", [row(), row(**TOTAL)]))


def test_an_untitled_row_is_a_total_only_at_the_end_of_its_block_the_last_block_included():
    df, lines, log = clean(UNTITLED_PLACES)
    assert list(df.index) == [1, 2, 3] and list(lines.index) == [4] and lines.loc[4, "block"] == 2 and log["untitled_totals_line"] == 1


NO_ACTIVITIES = scenario((HEADING, [row()]), ("No activities reported for Angola in 2007-2008", [row()]))


def test_a_no_activities_line_is_dropped():
    df, _, log = clean(NO_ACTIVITIES)
    assert list(df.index) == [1] and log["no_activities_line"] == 1


EMPTY = dict(quantity=None, start_date=None, end_date=None, total_cost=None, course_title="WRAPPED LINE")
FRAGMENTS = scenario(*[(HEADING, [row(**cells), row()]) for cells in (EMPTY, {**EMPTY, "quantity": "1"}, {**EMPTY, "start_date": "6/4/2018"},
                                                                       {**EMPTY, "end_date": "6/4/2018"}, {**EMPTY, "total_cost": "$"})])  # rows 1, 3, 5, 7, 9


def test_a_row_without_quantity_dates_and_cost_is_a_fragment_and_dropped():
    df, _, log = clean(FRAGMENTS)
    assert [o for o in (1, 3, 5, 7, 9) if o not in df.index] == [1] and log["fragment_row"] == 1


def test_an_element_outside_any_training_is_kept_apart_as_stray():
    raw, stray = snapshot.load({FILE: _xml([(HEADING, [row(), "<location>Location</location>", row()])])})
    assert raw["ordinal"].tolist() == [1, 2] and stray[["report_id", "tag", "text"]].values.tolist() == [[REPORT, "location", "Location"]]


# --- values fused into a neighbouring cell, and the neighbour already filled ---------------------------------

def test_two_dates_in_one_cell_are_split_only_while_the_other_date_cell_is_empty():
    start, end, hit = cleaning.dates_fused(s("7/21/2008 1/23/2009", "7/21/2008 1/23/2009", None, "9/1/2008"),
                                    s(None, "2/1/2009", "9/8/2008 11/5/2008", "9/8/2008 11/5/2008"))
    assert _list(start) == ["7/21/2008", "7/21/2008 1/23/2009", "9/8/2008", "9/1/2008"]
    assert _list(end) == ["1/23/2009", "2/1/2009", "11/5/2008", "9/8/2008 11/5/2008"]
    assert hit.tolist() == [True, False, True, False]


def test_dates_in_the_cost_cell_are_split_only_into_empty_date_cells():
    cost, start, end, hit = cleaning.dates_fused_into_cost(
        s("1430 3/16/2009", "1430 3/16/2009", "9 10/6/2008 11/7/2008", "9 10/6/2008 11/7/2008", "9 10/6/2008 11/7/2008", "$1,430 3/16/2009"),
        s(None, "3/1/2009", None, None, "10/1/2008", None),
        s("5/12/2009", None, None, "11/9/2008", None, None))
    assert _list(cost) == ["1430", "1430 3/16/2009", "9", "9 10/6/2008 11/7/2008", "9 10/6/2008 11/7/2008", "$1,430"]
    assert _list(start) == ["3/16/2009", "3/1/2009", "10/6/2008", None, "10/1/2008", "3/16/2009"]
    assert _list(end) == ["5/12/2009", None, "11/7/2008", "11/9/2008", None, None]
    assert hit.tolist() == [True, False, True, False, False, True]


def test_text_after_the_quantity_joins_the_location_filled_or_not():
    quantity, location, hit = cleaning.location_fused_into_quantity(s("1 Garmisch,", "2 Garmisch,", "1 39529-7099", "30 30", "12", "1 2345"),
                                                             s(None, "Marshall Center", "STENNIS, MS", "Jamaica", None, None))
    assert _list(quantity) == ["1", "2", "1", "30 30", "12", "1 2345"]
    assert _list(location) == ["Garmisch,", "Marshall Center Garmisch,", "STENNIS, MS 39529-7099", "Jamaica", None, None]
    assert hit.tolist() == [True, True, True, False, False, False]


def test_a_number_ending_the_title_is_the_quantity_only_when_the_quantity_is_empty_and_the_row_is_a_training():
    title, quantity, hit = cleaning.quantity_fused_into_title(s("AIRBORNE 1", "AIRBORNE 1", "AIRBORNE 1", "RANGER 12345", "747", "BA 2"),
                                                       s(None, "3", None, None, None, None),
                                                       pd.Series([True, True, False, True, True, True]))
    assert _list(title) == ["AIRBORNE", "AIRBORNE 1", "AIRBORNE 1", "RANGER 12345", "747", "BA"]
    assert _list(quantity) == ["1", "3", None, None, None, "2"] and hit.tolist() == [True, False, False, False, False, True]


def test_a_number_ending_the_student_unit_is_the_cost_only_when_the_cost_cell_is_empty_and_the_row_is_a_training():
    unit, cost, hit = cleaning.cost_fused_into_student_unit(s("AIR ARM 10635", "AIR ARM 10635", "AIR ARM 10635", "AIR ARM 10635.5", "10635"),
                                                     s(None, "$", None, None, None), pd.Series([True, True, False, True, True]))
    assert _list(unit) == ["AIR ARM", "AIR ARM 10635", "AIR ARM 10635", "AIR ARM", "10635"]
    assert _list(cost) == ["10635", "$", None, "10635.5", None] and hit.tolist() == [True, False, False, True, False]


FUSED = scenario((HEADING, [row(quantity=None, start_date=None, end_date=None, total_cost="500 6/4/2018 7/26/2018"),
                             row(quantity=None, start_date=None, end_date=None, total_cost=None, course_title="AIRBORNE 2", student_unit="AIR ARM 700"),
                             row(quantity="3 Fort Benning, GA", location=None)]))


def test_fused_cells_are_split_in_the_step_before_a_row_is_judged_a_fragment():
    df, _, log = clean(FUSED)
    assert _list(df.loc[1, ["cost_usd", "start_date_value", "end_date_value"]]) == [500, pd.Timestamp("2018-06-04"), pd.Timestamp("2018-07-26")]
    assert 2 not in df.index  # no quantity, date or cost: the title's and the unit's numbers are not taken from a fragment
    assert df.loc[3, "students"] == 3 and df.loc[3, "location"] == "Fort Benning, GA"
    assert (log["dates_fused_into_cost"], log["fragment_row"], log["location_fused_into_quantity"]) == (1, 1, 1)
    assert "quantity_fused_into_title" not in log and "cost_fused_into_student_unit" not in log


FUSED_ON_A_TRAINING = scenario((HEADING, [row(quantity=None, total_cost=None, course_title="AIRBORNE 2", student_unit="AIR ARM 700")]))


def test_a_fused_title_quantity_and_unit_cost_are_taken_on_a_row_with_a_date():
    df, _, log = clean(FUSED_ON_A_TRAINING)
    assert _list(df.loc[1, ["course_title", "students", "student_unit", "cost_usd"]]) == ["AIRBORNE", 2, "AIR ARM", 700]
    assert (log["quantity_fused_into_title"], log["cost_fused_into_student_unit"]) == (1, 1)


# --- the reports' own totals against their blocks -------------------------------------------------------------

def _reconciled(reported: list, blocks: list[list]) -> pd.DataFrame:
    """Each block's totals line (its printed cost) against the costs of its trainings (None: a row without a cost)."""
    n = len(reported)
    lines = pd.DataFrame({"report_id": REPORT, "block": range(1, n + 1), "ordinal": range(100, 100 + n), "fiscal_year": 2018, "counted": True,
                          "country_id": "AGO", "heading_id": "h0", "region": "Africa", "total_cost": pd.array(reported, dtype="string"),
                          "quantity": pd.array(["2"] * n, dtype="string"), "page_number": pd.array(["1"] * n, dtype="string"),
                          "notes": pd.array([None] * n, dtype="string")})
    rows = [(b, c) for b, costs in enumerate(blocks, 1) for c in costs]
    trainings = pd.DataFrame({"report_id": REPORT, "block": [b for b, _ in rows], "cost_usd": pd.array([c for _, c in rows], dtype="Float64"),
                              "students": pd.array([1] * len(rows), dtype="Int64")})
    return curation._reconcile(lines, trainings)


@pytest.mark.parametrize(("reported", "costs", "matches"), [
    ("$1,000", [500, 500], True),
    ("$1,000", [500, 510], True),       # 1% over the printed total
    ("$1,000", [500, 490], True),       # 1% under it (within 1% of the rows' 990 it would not be)
    ("$1,000", [500, 489.99], False),
    ("$1,000", [500, 510.01], False),
    ("$1,000", [1000, None], True),     # a row without a cost adds nothing
])
def test_a_block_matches_its_printed_total_within_1_percent_of_that_total(reported, costs, matches):
    out = _reconciled([reported], [costs]).iloc[0]
    assert bool(out["matches"]) == matches and out["reported_cost_usd"] == 1000
    assert out["rows_cost_usd"] == round(sum(c for c in costs if c is not None), 2) and out["rows"] == len(costs)
    assert out["rows_with_cost"] == sum(c is not None for c in costs) and out["rows_students"] == len(costs)


def test_a_total_without_an_amount_matches_nothing_and_is_quoted():
    out = _reconciled(["$", "n/a"], [[100], [100]])
    assert out["matches"].isna().all() and out["difference_usd"].isna().all()
    assert out["notes"].tolist() == ["reported total as extracted: '$'", "reported total as extracted: 'n/a'"]


def test_a_total_whose_block_has_no_training_counts_zero_rows():
    out = _reconciled(["$0", "$100"], [[], []]).iloc[1]
    assert (out["rows"], out["rows_cost_usd"], bool(out["matches"])) == (0, 0, False)
    assert _reconciled(["$0"], [[]]).iloc[0]["matches"]


# --- countries and corrections ---------------------------------------------------------------------

def test_the_curated_country_file_is_read_before_pycountry():
    # pycountry matches "Congo" exactly (COG); the curation says which Congo a report means
    ids, unknown = curation.country_ids(s("Congo", "Angola", "Korea, Republic of South", "Atlantis", None),
                                 {"Congo": {"country_id": "COD"}, "Korea, Republic of South": {"country_id": "KOR"}})
    assert ids == {"Congo": "COD", "Angola": "AGO", "Korea, Republic of South": "KOR"} and unknown == ["Atlantis"]


def test_a_curated_name_mapped_to_no_country_stays_unmapped():
    ids, unknown = curation.country_ids(s("Indochina"), {"Indochina": {"country_id": ""}})
    assert ids == {"Indochina": ""} and unknown == []


def _corrected(correction: dict, log=None) -> pd.DataFrame:
    frame = pd.DataFrame({"report_id": [REPORT, REPORT, REPORT, "2017_2018"], "ordinal": [1, 2, 3, 1], "country": s("Benin", "Benin", "Angola", "Benin"),
                          "country_id": s("BEN", "BEN", "AGO", "BEN"), "country_candidates": s(None, None, None, None), "notes": s(None, "kept", None, None)})
    base = dict(correction_id="c", report_id=REPORT, country_printed="Benin", field="country_id", status="corrected", corrected_value="BFA",
                candidates="", reason="why", first_ordinal="", last_ordinal="")
    return curation.apply_corrections(frame, [{**base, **correction}], log)


def test_a_correction_applies_to_the_rows_of_its_report_and_printed_country_within_its_ordinals():
    log = cleaning.CleaningLog()
    out = _corrected(dict(first_ordinal="2", last_ordinal="3"), log)
    assert _list(out["country_id"]) == ["BEN", "BFA", "AGO", "BEN"]
    assert _list(out["notes"]) == [None, "kept; country corrected (reference/fmtr_corrections.csv): why", None, None]
    assert log.counts == {(REPORT, "correction_corrected"): 1}
    assert _list(_corrected({})["country_id"]) == ["BFA", "BFA", "AGO", "BEN"]


def test_an_unresolved_correction_empties_the_country_and_keeps_the_candidates():
    out = _corrected(dict(status="unresolved", candidates="AGO BEN"))
    assert _list(out["country_id"]) == [None, None, "AGO", "BEN"] and _list(out["country_candidates"]) == ["AGO BEN", "AGO BEN", None, None]


@pytest.mark.parametrize("correction", [dict(country_printed="Togo"), dict(first_ordinal="3", last_ordinal="3"), dict(field="region"), dict(status="guessed")])
def test_a_correction_that_matches_no_row_or_is_not_one_the_step_applies_stops_it(correction):
    with pytest.raises(ValueError, match="fmtr_corrections.csv"):
        _corrected(correction)


def test_a_correction_for_a_report_not_being_built_is_left_aside():
    assert _list(_corrected(dict(report_id="2019_2020"))["country_id"]) == ["BEN", "BEN", "AGO", "BEN"]


# --- the step on a tiny report with its own curation files ----------------------------------------------------

CURATION = {
    curation.COUNTRY_CURATION: "name,country_id,notes\nIndochina,,A region.\n",
    curation.PROGRAM_CURATION: "label,program_id,notes\nIMET,us_imet,\nExchange,,Not a program.\n",
    curation.REPORT_CURATION: "report_id,notes\n",
    curation.CORRECTION_CURATION: "correction_id,report_id,country_printed,field,status,corrected_value,candidates,first_ordinal,last_ordinal,reason\n",
    "tables/citations.csv": f"citation_id,title\nfmtr_{REPORT},Report\n",
}


def _build(tmp_path, files: dict) -> dict:
    for rel, text in CURATION.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return fmtrpt.build({f"{REPORT}/{REPORT}_{region}_fmtrpt_dedup.xml.gz": data for region, data in files.items()}, tmp_path)


def test_a_report_accounts_for_every_element_and_a_name_no_country_maps_is_kept_as_printed(tmp_path):
    tables = _build(tmp_path, {
        "Africa": _xml([(HEADING, [row(), "<location>Location</location>", row(course_title="X", quantity=None, start_date=None, end_date=None, total_cost=None),
                                   row(**{**TOTAL, "total_cost": "$100"})])]),
        "East_Asia_and_Pacific": _xml([("Exchange, FY 2018", [row(total_cost="$5"), row(course_title="FY 2018 Program Totals", total_cost="$6")])], country="Indochina"),
    })
    trainings = tables["trainings"].set_index("training_id")
    assert list(trainings.index) == [f"{REPORT}_000001", f"{REPORT}_000004"]  # training elements in document order, files in manifest order
    assert _list(trainings["country_id"]) == ["AGO", None] and _list(trainings["country_printed"]) == ["Angola", "Indochina"]
    assert trainings.loc[f"{REPORT}_000004", "notes"] == "country as extracted: 'Indochina'" and _list(trainings["program_id"]) == ["us_imet", None]
    assert _list(trainings["region"]) == ["Africa", "East Asia and Pacific"]
    log = tables["fmtr_cleaning_log"].set_index("rule")["rows"].to_dict()
    assert {k: log[k] for k in ("stray_element", "fragment_row", "untitled_totals_line", "program_totals_line", "country_not_mapped")} == dict.fromkeys(
        ("stray_element", "fragment_row", "untitled_totals_line", "program_totals_line", "country_not_mapped"), 1)
    report = tables["fmtr_reports"].iloc[0]
    assert (report["training_elements"], report["trainings"], report["program_totals_lines"], report["other_dropped_rows"], report["files"]) == (5, 2, 2, 1, 2)
    totals = tables["fmtr_program_totals"].set_index("totals_id")
    assert _list(totals["matches"]) == [True, False] and _list(totals["difference_usd"]) == [0.0, -1.0]


def test_a_name_neither_curated_nor_in_pycountry_or_a_label_not_curated_stops_the_step(tmp_path):
    with pytest.raises(ValueError, match=r"country names matched neither .*\['Atlantis'\]"):
        _build(tmp_path, {"Africa": _xml([(HEADING, [row()])], country="Atlantis")})
    with pytest.raises(ValueError, match=r"program labels not in reference/fmtr_program_labels.csv: \['Unknown Program'\]"):
        _build(tmp_path, {"Africa": _xml([("Unknown Program, FY 2018", [row()])])})


def test_the_last_row_of_a_report_of_one_block_is_the_end_of_its_block_before_the_next_report():
    files = {f"{r}/{r}_Africa_fmtrpt_dedup.xml.gz": _xml([(heading, [row(), row(**TOTAL)])]) for r, heading in (("2017_2018", "IMET, FY 2017"), (REPORT, HEADING))}
    raw, _ = snapshot.load(files)
    log = cleaning.CleaningLog()
    df, lines = cleaning.clean(raw, log)
    assert lines[["report_id", "ordinal", "block"]].values.tolist() == [["2017_2018", 2, 1], [REPORT, 2, 1]]
    assert log.counts[("2017_2018", "untitled_totals_line")] == 1 and len(df) == 2
