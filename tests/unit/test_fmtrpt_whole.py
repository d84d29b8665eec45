"""The fmtrpt step's cleaning and curation functions on tiny frames and reports written here, each output asserted
whole: every column and its type, every row of the cleaning log with its rule, action and count, the full error."""

import pandas as pd
import pytest

from ddsc.pipeline.sources.fmtrpt import cleaning, curation, snapshot
from tests.unit.test_fmtrpt_edges import CURATION, REPORT, TRAINING, _heading_id, _records, _xml


def s(*values) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def _types(frame: pd.DataFrame) -> dict:
    return frame.dtypes.astype(str).to_dict()


def _load(reports: dict[str, list], country: str = "Angola") -> pd.DataFrame:
    """The raw rows of reports given as {report: [(heading, [training cells, ...]), ...]}, one Africa file each."""
    raw, _ = snapshot.load({f"{r}/{r}_Africa_fmtrpt_dedup.xml.gz": _xml(blocks, country) for r, blocks in reports.items()})
    return raw


def _clean(reports: dict[str, list], country: str = "Angola") -> tuple[pd.DataFrame, pd.DataFrame, list]:
    log = cleaning.CleaningLog()
    df, lines = cleaning.clean(_load(reports, country), log)
    return df, lines, _records(log.frame())


def _write(root, files: dict) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


# --- the fiscal year of each row ---------------------------------------------------------------------------

def _years_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame({"report_id": [r for r, _ in rows], "heading": s(*(h for _, h in rows)), "country": s(*["Angola"] * len(rows))})


def test_each_row_takes_the_label_and_year_of_its_heading_and_a_yearless_heading_the_one_year_of_its_report():
    frame = _years_frame([("r1", "IMET, FY 2018"), ("r1", "Misc"), ("r2", "IMET, FY 00"), ("r2", "IMET, FY 01"), ("r2", "Misc"), ("r3", "Misc, FY")])
    log = cleaning.CleaningLog()
    out = cleaning._fiscal_years(frame, log)
    assert _records(out[["report_id", "label", "fiscal_year"]]) == [
        {"report_id": "r1", "label": "IMET", "fiscal_year": 2018}, {"report_id": "r1", "label": "Misc", "fiscal_year": 2018},
        {"report_id": "r2", "label": "IMET", "fiscal_year": 2000}, {"report_id": "r2", "label": "IMET", "fiscal_year": 2001},
        {"report_id": "r2", "label": "Misc", "fiscal_year": None}, {"report_id": "r3", "label": "Misc", "fiscal_year": None}]
    assert _types(out)["fiscal_year"] == "Int64"
    assert _records(log.frame()) == [{"report_id": "r2", "rule": "fiscal_year_not_stated", "action": "emptied", "rows": 1},
                                     {"report_id": "r3", "rule": "fiscal_year_not_stated", "action": "emptied", "rows": 1}]


def test_the_fiscal_year_is_a_nullable_integer_when_no_heading_names_one_and_when_there_is_no_row():
    none = cleaning._fiscal_years(_years_frame([("r1", "Misc"), ("r1", "Other")]), cleaning.CleaningLog())
    assert _types(none)["fiscal_year"] == "Int64" and none["fiscal_year"].isna().all()
    empty = cleaning._fiscal_years(_years_frame([]), cleaning.CleaningLog())
    assert _types(empty)["fiscal_year"] == "Int64" and empty.empty


def test_a_region_and_country_that_start_a_heading_are_not_part_of_its_label():
    assert cleaning.heading_parts("DOS Western Hemisphere Region, Colombia, IMET, FY 01", "Colombia") == ("IMET", 2001)
    assert cleaning.heading_parts("Africa Region, Angola, Exchange", "Angola") == ("Exchange", None)
    assert cleaning.heading_parts("Africa Region, Benin, Exchange", "Angola") == ("Benin, Exchange", None)  # another country is kept
    assert cleaning.heading_parts("Colombia, IMET, FY 01", "Colombia") == ("Colombia, IMET", 2001)  # no region: the country is kept


# --- dates in the step --------------------------------------------------------------------------------------

def test_a_start_date_alone_with_a_two_digit_year_or_not_a_date_is_counted_in_the_log():
    df, _, log = _clean({REPORT: [("IMET, FY 2018", [{**TRAINING, "start_date": "6/4/18"}, {**TRAINING, "start_date": "TBD"}])]})
    assert _records(df[["ordinal", "start_date_value", "end_date_value", "notes"]]) == [
        {"ordinal": 1, "start_date_value": pd.Timestamp("2018-06-04"), "end_date_value": pd.Timestamp("2018-07-26"), "notes": None},
        {"ordinal": 2, "start_date_value": None, "end_date_value": pd.Timestamp("2018-07-26"), "notes": "start_date as extracted: 'TBD'"}]
    assert log == [{"report_id": REPORT, "rule": "date_two_digit_year", "action": "changed", "rows": 1},
                   {"report_id": REPORT, "rule": "date_not_a_date", "action": "emptied", "rows": 1}]


# --- the reports' totals lines against their blocks -----------------------------------------------------------

def test_a_reconciled_totals_line_counts_its_block_rows_and_students_as_whole_numbers():
    lines = pd.DataFrame({"report_id": REPORT, "block": [1, 2], "ordinal": [3, 5], "fiscal_year": pd.array([2018, None], dtype="Int64"),
                          "counted": [True, False], "country_id": s("AGO", "AGO"), "heading_id": s("h1", "h2"), "region": ["Africa", "Africa"],
                          "total_cost": s("$30", "$7"), "quantity": s("3", None), "page_number": s("2", "2"), "notes": s(None, None)})
    trainings = pd.DataFrame({"report_id": REPORT, "block": [1, 1], "cost_usd": pd.array([10, 20], dtype="Int64"), "students": pd.array([1, 2], dtype="Int64")})
    out = curation._reconcile(lines, trainings)
    assert _records(out) == [
        {"totals_id": f"{REPORT}_000003", "report_id": REPORT, "fiscal_year": 2018, "counted": True, "country_id": "AGO", "heading_id": "h1", "region": "Africa",
         "page": 2, "reported_students": 3, "reported_cost_usd": 30, "rows": 2, "rows_with_cost": 2, "rows_students": 3, "rows_cost_usd": 30,
         "difference_usd": 0, "matches": True, "notes": None},
        {"totals_id": f"{REPORT}_000005", "report_id": REPORT, "fiscal_year": None, "counted": False, "country_id": "AGO", "heading_id": "h2", "region": "Africa",
         "page": 2, "reported_students": None, "reported_cost_usd": 7, "rows": 0, "rows_with_cost": 0, "rows_students": 0, "rows_cost_usd": 0,
         "difference_usd": -7, "matches": False, "notes": None}]
    assert {k: _types(out)[k] for k in ("rows", "rows_with_cost", "rows_students")} == {"rows": "int64", "rows_with_cost": "int64", "rows_students": "int64"}


# --- program headings ---------------------------------------------------------------------------------------

def test_two_headings_whose_ids_coincide_stop_the_step():
    a, b = "Heading 194009", "Heading 3005583"  # their SHA-1 digests share the first 10 hex digits
    assert curation.heading_id(a) == curation.heading_id(b)
    frame = pd.DataFrame({"heading": [a, b], "label": ["IMET", "IMET"], "report_id": [REPORT, REPORT], "fiscal_year": pd.array([2018, 2018], dtype="Int64")})
    with pytest.raises(ValueError) as err:
        curation.program_headings(frame, {"IMET": {"program_id": "us_imet", "notes": ""}})
    assert str(err.value) == "two program headings share a heading_id"


# --- the output tables ----------------------------------------------------------------------------------------

TRAININGS_COLUMNS = ["training_id", "report_id", "fiscal_year", "counted", "country_printed", "country_id", "country_candidates", "program_id", "heading_id",
                     "program_label", "course_title", "us_unit", "student_unit", "location", "start_date", "end_date", "students", "cost_usd", "region", "page",
                     "citation_id", "notes"]


def test_the_trainings_table_has_every_column_and_counts_a_fiscal_year_from_the_latest_report_that_lists_it(tmp_path):
    _write(tmp_path, CURATION)
    totals = {**TRAINING, "course_title": "FY 2018 Program Totals"}
    df, lines, _ = _clean({"2017_2018": [("IMET, FY 2018", [TRAINING, totals])],
                           REPORT: [("IMET, FY 2018", [{**TRAINING, "us_unit": "US", "student_unit": "SU", "location": "LOC"}]), ("Exchange, FY 2019", [TRAINING])]})
    log = cleaning.CleaningLog()
    tables = curation.curate(df, lines, log, tmp_path)
    trainings = tables["trainings"]
    assert list(trainings.columns) == TRAININGS_COLUMNS
    base = {"country_printed": "Angola", "country_id": "AGO", "country_candidates": None, "course_title": "COURSE", "us_unit": None, "student_unit": None,
            "location": None, "start_date": pd.Timestamp("2018-06-04"), "end_date": pd.Timestamp("2018-07-26"), "students": 1, "cost_usd": 100,
            "region": "Africa", "page": 1, "notes": None}
    imet, exchange = _heading_id("IMET, FY 2018"), _heading_id("Exchange, FY 2019")
    assert _records(trainings) == [
        {**base, "training_id": "2017_2018_000001", "report_id": "2017_2018", "fiscal_year": 2018, "counted": False, "program_id": "us_imet", "heading_id": imet,
         "program_label": "IMET", "citation_id": "fmtr_2017_2018"},
        {**base, "training_id": f"{REPORT}_000001", "report_id": REPORT, "fiscal_year": 2018, "counted": True, "program_id": "us_imet", "heading_id": imet,
         "program_label": "IMET", "us_unit": "US", "student_unit": "SU", "location": "LOC", "citation_id": f"fmtr_{REPORT}"},
        {**base, "training_id": f"{REPORT}_000002", "report_id": REPORT, "fiscal_year": 2019, "counted": True, "program_id": None, "heading_id": exchange,
         "program_label": "Exchange", "citation_id": f"fmtr_{REPORT}"}]
    assert _types(trainings)["counted"] == "bool"
    assert _records(tables["fmtr_program_totals"][["totals_id", "counted", "heading_id"]]) == [{"totals_id": "2017_2018_000002", "counted": False, "heading_id": imet}]
    assert _records(log.frame()) == []
