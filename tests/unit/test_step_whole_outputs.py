"""Whole outputs of three source steps on tiny inputs written here: the FMTR cleaning of one small report (its
trainings, totals lines and cleaning log), the rows and skipped rows of one 2006-2007 HTML page, and the
state_systems frames and current codes."""

import pandas as pd

from ddsc.pipeline.sources import fmtrpt_html as H
from ddsc.pipeline.sources import state_systems as S
from ddsc.pipeline.sources.fmtrpt import cleaning, snapshot
from tests.unit.test_fmtrpt_edges import REPORT, TRAINING, _records, _xml
from tests.unit.test_fmtrpt_html_rules import _country, _heading, _page, _row
from tests.unit.test_state_system_rules import _spell


def _types(frame: pd.DataFrame) -> dict:
    return frame.dtypes.astype(str).to_dict()


# --- FMTR cleaning: one report of one block ------------------------------------------------------------------

def _clean_one_block(elements: list) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    raw, _ = snapshot.load({f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz": _xml([("IMET, FY 2018", elements)])})
    log = cleaning.CleaningLog()
    df, lines = cleaning.clean(raw, log)
    return df, lines, _records(log.frame())


def test_an_untitled_cost_before_the_last_row_of_a_report_stays_a_training_and_start_dates_count_in_the_date_rules():
    df, lines, log = _clean_one_block([
        {**TRAINING, "start_date": "TBD"},
        {"total_cost": "50", "page_number": "1"},  # no title, dates or location, but not the last row of its block
        {**{k: v for k, v in TRAINING.items() if k != "total_cost"}, "student_unit": "AIR ARM 250", "start_date": "6/4/18"},
    ])
    assert log == [{"report_id": REPORT, "rule": "cost_fused_into_student_unit", "action": "changed", "rows": 1},
                   {"report_id": REPORT, "rule": "date_two_digit_year", "action": "changed", "rows": 1},
                   {"report_id": REPORT, "rule": "date_not_a_date", "action": "emptied", "rows": 1}]
    assert lines.empty
    assert _records(df[["ordinal", "course_title", "student_unit", "cost_usd", "start_date_value", "end_date_value", "students", "notes"]]) == [
        {"ordinal": 1, "course_title": "COURSE", "student_unit": None, "cost_usd": 100, "start_date_value": None,
         "end_date_value": pd.Timestamp("2018-07-26"), "students": 1, "notes": "start_date as extracted: 'TBD'"},
        {"ordinal": 2, "course_title": None, "student_unit": None, "cost_usd": 50, "start_date_value": None, "end_date_value": None, "students": None, "notes": None},
        {"ordinal": 3, "course_title": "COURSE", "student_unit": "AIR ARM", "cost_usd": 250, "start_date_value": pd.Timestamp("2018-06-04"),
         "end_date_value": pd.Timestamp("2018-07-26"), "students": 1, "notes": None}]


# --- the 2006-2007 HTML pages: a country's totals line is known by its bold first cell --------------------------

FILE = "2006_2007/Europe_2006_2007.html.gz"
COURSE = ("COURSE", "1", "MONTEREY, CA", "MOD", "-", "100", "4/17/2006", "4/28/2006")


def test_a_country_totals_line_is_skipped_only_when_its_first_cell_is_bold_otherwise_it_is_a_training_element():
    page = _page(_country("Albania"), _heading("IMET - FY 2006 DoS Training"), _row(*COURSE),
                 _row("Albania FY 2006 Totals", "1", None, None, None, "$100", None, None),
                 _row("Albania, FY 2006 Totals", "1", None, None, None, "$100", None, None, bold=True))
    rows, stray = H.page_rows(FILE, page)
    assert rows == [(2, "Albania", "IMET - FY 2006 DoS Training", *COURSE),
                    (2, "Albania", "IMET - FY 2006 DoS Training", "Albania FY 2006 Totals", "1", None, None, None, "$100", None, None)]
    assert stray == [("country_totals_row", "Albania, FY 2006 Totals | 1 |  |  |  | $100 |  | ")]


# --- state_systems: the frames and the current codes -----------------------------------------------------------

def test_the_states_and_memberships_frames_hold_every_state_and_spell_with_nullable_codes_and_flags():
    spells = [_spell("gw", 260, "GFR", "1949-09-21", "1990-10-02"), _spell("gw", 255, "GMY", "1990-10-03", "2020-12-31"),
              _spell("cow", 255, "GMY", "1816-01-01", "2024-12-31")]
    links = {("gw", 260): ("DEU", ""), ("gw", 255): ("DEU", ""), ("cow", 255): ("", "Not linked.")}
    out = S.frames(spells, links)
    states, memberships = out["states"], out["state_memberships"]
    assert _types(states) == {"system": "str", "code": "Int64", "abbreviation": "str", "name": "str", "country_id": "str", "microstate": "boolean",
                              "citation_id": "str", "notes": "str"}
    assert _records(states) == [
        {"system": "gw", "code": 260, "abbreviation": "GFR", "name": "GFR", "country_id": "DEU", "microstate": False, "citation_id": "c", "notes": None},
        {"system": "gw", "code": 255, "abbreviation": "GMY", "name": "GMY", "country_id": "DEU", "microstate": False, "citation_id": "c", "notes": None},
        {"system": "cow", "code": 255, "abbreviation": "GMY", "name": "GMY", "country_id": None, "microstate": None, "citation_id": "c", "notes": "Not linked."}]
    assert _types(memberships) == {"system": "str", "code": "Int64", "start_date": "datetime64[s]", "end_date": "datetime64[s]", "censored": "boolean",
                                   "abbreviation": "str", "name": "str"}
    assert _records(memberships) == [
        {"system": "gw", "code": 260, "start_date": pd.Timestamp("1949-09-21"), "end_date": pd.Timestamp("1990-10-02"), "censored": False,
         "abbreviation": "GFR", "name": "GFR"},
        {"system": "gw", "code": 255, "start_date": pd.Timestamp("1990-10-03"), "end_date": pd.Timestamp("2020-12-31"), "censored": True,
         "abbreviation": "GMY", "name": "GMY"},
        {"system": "cow", "code": 255, "start_date": pd.Timestamp("1816-01-01"), "end_date": pd.Timestamp("2024-12-31"), "censored": True,
         "abbreviation": "GMY", "name": "GMY"}]


def test_of_two_states_of_a_country_starting_on_the_same_day_the_first_listed_gives_its_current_code():
    spells = [_spell("gw", 260, "GFR", "1990-10-03"), _spell("gw", 255, "GMY", "1990-10-03"), _spell("gw", 265, "GDR", "1949-10-07")]
    links = {("gw", 260): ("DEU", ""), ("gw", 255): ("DEU", ""), ("gw", 265): ("DEU", "")}
    assert S.latest_codes(spells, links, "gw") == {"DEU": 260}
    assert S.latest_codes(spells[1::-1], links, "gw") == {"DEU": 255}
