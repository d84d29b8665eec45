"""The fmtrpt step's cleaning and curation functions on tiny frames and reports written here, each output asserted
whole: every column and its type, every row of the cleaning log with its rule, action and count, the full error."""


import pandas as pd
import pytest

from ddsc.pipeline.sources.fmtrpt import cleaning, curation, snapshot
from tests.conftest import shared
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


# --- clean: every rule once, on two reports -------------------------------------------------------------------

OTHER = "2017_2018"
T = dict(TRAINING)
RULE_ROWS = [  # report REPORT, block 1 ("IMET, FY 2018"): each row touched by one rule (or two of the same step)
    {**T, "course_title": " COURSE", "us_unit": "A  B"},                           # 1 strip_spaces, collapse_spaces
    {**T, "start_date": "6/4/2018 7/26/2018", "end_date": ""},                     # 2 dates_fused
    {**T, "total_cost": "100 6/4/2018", "start_date": ""},                         # 3 dates_fused_into_cost
    {**T, "quantity": "2 Fort Benning"},                                           # 4 location_fused_into_quantity
    {**T, "quantity": "", "course_title": "AIRBORNE 3"},                           # 5 quantity_fused_into_title
    {**T, "total_cost": "", "student_unit": "AIR ARM 250"},                        # 6 cost_fused_into_student_unit
    {"course_title": "WRAPPED", "page_number": "1"},                               # 7 fragment_row
    {**T, "us_unit": "-", "location": "-Fort Bragg"},                              # 8 dash_placeholder, dash_bullet
    {**T, "total_cost": "$1,000"},                                                 # 9 cost_currency_format
    {**T, "total_cost": "$"},                                                      # 10 cost_bare_dollar_sign
    {**T, "total_cost": "N/A"},                                                    # 11 cost_not_an_amount
    {**T, "start_date": "6/4/18"},                                                 # 12 date_two_digit_year
    {**T, "start_date": "TBD"},                                                    # 13 date_not_a_date
    {**T, "quantity": "x"},                                                        # 14 quantity_not_a_number
    {**T, "start_date": "6/4/2106"},                                               # 15 date_out_of_range
    {**T, "end_date": "6/3/2018"},                                                 # 16 end_date_before_start_date
    {**T, "page_number": "7 8"},                                                   # 17 page_two_numbers
    {**T, "page_number": "ii"},                                                    # 18 page_not_a_number
    {**T, "course_title": "FY 2018 Program Totals", "total_cost": "$1,000"},       # 19 program_totals_line
]
RULE_REPORTS = {
    REPORT: [("IMET, FY 2018", RULE_ROWS),
             ("Exchange", [T, {"quantity": "2", "total_cost": "$100", "page_number": "3"}]),  # 20; 21 untitled_totals_line (the year of the report)
             ("No activities reported for Angola", [T])],                                        # 22 no_activities_line
    OTHER: [("IMET, FY 2017", [T]), ("IMET, FY 2018", [T]), ("Misc", [T])],                     # 1, 2, 3 (fiscal_year_not_stated)
}


def test_clean_logs_every_rule_with_its_action_per_report_in_the_order_the_rules_run():
    _, _, log = _rules_cleaned()
    rules = [("strip_spaces", "changed"), ("collapse_spaces", "changed"), ("program_totals_line", "dropped"), ("untitled_totals_line", "dropped"),
             ("no_activities_line", "dropped"), ("dates_fused", "changed"), ("dates_fused_into_cost", "changed"), ("location_fused_into_quantity", "changed"),
             ("quantity_fused_into_title", "changed"), ("cost_fused_into_student_unit", "changed"), ("fragment_row", "dropped"),
             ("dash_placeholder", "emptied"), ("dash_bullet", "changed"), ("cost_currency_format", "changed"), ("cost_bare_dollar_sign", "emptied"),
             ("cost_not_an_amount", "emptied"), ("date_two_digit_year", "changed"), ("date_not_a_date", "emptied"), ("quantity_not_a_number", "emptied")]
    assert log == [{"report_id": REPORT, "rule": rule, "action": action, "rows": 1} for rule, action in rules] + [
        {"report_id": OTHER, "rule": "fiscal_year_not_stated", "action": "emptied", "rows": 1}] + [
        {"report_id": REPORT, "rule": rule, "action": action, "rows": 1} for rule, action in
        [("date_out_of_range", "emptied"), ("end_date_before_start_date", "emptied"), ("page_two_numbers", "changed"), ("page_not_a_number", "emptied")]]


_rules_cleaned = shared(lambda: _clean(RULE_REPORTS))  # (trainings, totals lines, log), computed once for the tests that read it


def _cleaned(report: str, ordinal: int, block: int, heading: str = "IMET, FY 2018", **changes) -> dict:
    """A cleaned row of TRAINING as ``clean`` returns it, with ``changes``."""
    return {"report_id": report, "file": f"{report}/{report}_Africa_fmtrpt_dedup.xml.gz", "region": "Africa", "ordinal": ordinal, "block": block,
            "country": "Angola", "heading": heading, "course_title": "COURSE", "us_unit": None, "student_unit": None, "location": None, "quantity": "1",
            "start_date": "6/4/2018", "end_date": "7/26/2018", "total_cost": "100", "page_number": "1", "notes": None, "cost_usd": 100,
            "start_date_value": pd.Timestamp("2018-06-04"), "end_date_value": pd.Timestamp("2018-07-26"), "students": 1, "label": "IMET", "fiscal_year": 2018,
            "page": 1, **changes}


CLEANED_TYPES = {"report_id": "str", "file": "str", "region": "str", "ordinal": "int64", "block": "int64", "country": "string", "heading": "string",
                 "course_title": "string", "us_unit": "string", "student_unit": "string", "location": "string", "quantity": "string", "start_date": "string",
                 "end_date": "string", "total_cost": "string", "page_number": "string", "notes": "string", "cost_usd": "Int64",
                 "start_date_value": "datetime64[us]", "end_date_value": "datetime64[us]", "students": "Int64", "label": "str", "fiscal_year": "Int64",
                 "page": "Int64"}


def test_clean_returns_every_training_with_its_cells_cleaned_typed_and_noted():
    df, _, _ = _rules_cleaned()
    assert _types(df) == CLEANED_TYPES
    r = REPORT
    assert _records(df) == [
        _cleaned(r, 1, 1, us_unit="A B"),
        _cleaned(r, 2, 1),
        _cleaned(r, 3, 1),
        _cleaned(r, 4, 1, quantity="2", location="Fort Benning", students=2),
        _cleaned(r, 5, 1, course_title="AIRBORNE", quantity="3", students=3),
        _cleaned(r, 6, 1, student_unit="AIR ARM", total_cost="250", cost_usd=250),
        _cleaned(r, 8, 1, location="Fort Bragg", notes="us_unit as extracted: '-'; location as extracted: '-Fort Bragg'"),
        _cleaned(r, 9, 1, total_cost="$1,000", cost_usd=1000),
        _cleaned(r, 10, 1, total_cost="$", cost_usd=None, notes="total_cost as extracted: '$'"),
        _cleaned(r, 11, 1, total_cost="N/A", cost_usd=None, notes="total_cost as extracted: 'N/A'"),
        _cleaned(r, 12, 1, start_date="6/4/18"),
        _cleaned(r, 13, 1, start_date="TBD", start_date_value=None, notes="start_date as extracted: 'TBD'"),
        _cleaned(r, 14, 1, quantity="x", students=None, notes="quantity as extracted: 'x'"),
        _cleaned(r, 15, 1, start_date="6/4/2106", start_date_value=None, notes="start_date as extracted: '6/4/2106'"),
        _cleaned(r, 16, 1, end_date="6/3/2018", end_date_value=None, notes="start_date as extracted: '6/4/2018'; end_date as extracted: '6/3/2018'"),
        _cleaned(r, 17, 1, page_number="7 8", page=7, notes="page as extracted: '7 8'"),
        _cleaned(r, 18, 1, page_number="ii", page=None, notes="page as extracted: 'ii'"),
        _cleaned(r, 20, 2, heading="Exchange", label="Exchange"),
        _cleaned(OTHER, 1, 1, heading="IMET, FY 2017", fiscal_year=2017),
        _cleaned(OTHER, 2, 2),
        _cleaned(OTHER, 3, 3, heading="Misc", label="Misc", fiscal_year=None)]


def test_clean_returns_the_totals_lines_titled_or_not_as_extracted_with_their_fiscal_year():
    _, lines, _ = _rules_cleaned()
    raw = {k: v for k, v in _cleaned(REPORT, 19, 1).items() if k in CLEANED_TYPES and not k.endswith("_value") and k not in ("notes", "cost_usd", "students", "page")}
    assert _types(lines) == {k: t for k, t in CLEANED_TYPES.items() if k in raw or k in ("label", "fiscal_year")}
    assert _records(lines) == [
        {**raw, "course_title": "FY 2018 Program Totals", "total_cost": "$1,000"},
        {**raw, "ordinal": 21, "block": 2, "heading": "Exchange", "course_title": None, "quantity": "2", "start_date": None, "end_date": None, "total_cost": "$100",
         "page_number": "3", "label": "Exchange"}]


# --- heading labels -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("heading", "country", "parts"), [
    ("IMET - Fiscal Year 2018 Department of State Training", "Angola", ("IMET", 2018)),
    ("IMET FY2018 DoD Training", "Angola", ("IMET", 2018)),
    ("IMET, FY 2018 Training", "Angola", ("IMET", 2018)),
    ("IMET-FY18", "Angola", ("IMET", 2018)),
    ("IMET, FY 2018 Army Training", "Angola", ("IMET, FY 2018 Army Training", None)),  # a tail the reports do not use: no fiscal year read
    ("Misc SFY 2018", "Angola", ("Misc SFY 2018", None)),                              # FY inside a word
    ("IMET FYI", "Angola", ("IMET FYI", None)),
    ("IMET, FY", "Angola", ("IMET", None)),
    ("Near East Region, Egypt, FMF, FY 01", "Egypt", ("FMF", 2001)),
    ("DOHS Europe Region, Albania, IMET, FY 2002", "Egypt", ("Albania, IMET", 2002)),
])
def test_a_heading_splits_into_its_label_and_the_fiscal_year_its_suffix_names(heading, country, parts):
    assert cleaning.heading_parts(heading, country) == parts


# --- program headings ---------------------------------------------------------------------------------------

def test_a_program_heading_spans_the_first_to_the_last_fiscal_year_of_its_rows_and_a_yearless_one_none():
    frame = pd.DataFrame({"heading": ["IMET, FY 2018", "Misc", "IMET, FY 2018", "IMET, FY 2018"], "label": ["IMET", "Misc", "IMET", "IMET"],
                          "report_id": ["r1", "r1", "r2", "r2"], "fiscal_year": pd.array([2018, None, 2017, 2019], dtype="Int64")})
    labels = {"IMET": {"program_id": "us_imet", "notes": "Military education."}, "Misc": {"program_id": "", "notes": ""}}
    assert _records(curation.program_headings(frame, labels)) == [
        {"heading_id": _heading_id("IMET, FY 2018"), "heading": "IMET, FY 2018", "program_label": "IMET", "program_id": "us_imet",
         "fiscal_year_first": 2017, "fiscal_year_last": 2019, "trainings": 3, "notes": "Military education."},
        {"heading_id": _heading_id("Misc"), "heading": "Misc", "program_label": "Misc", "program_id": None,
         "fiscal_year_first": None, "fiscal_year_last": None, "trainings": 1, "notes": None}]


def test_labels_missing_from_the_curated_table_are_named_in_order_and_stop_the_step():
    names = ["Zeta", "Eta", "IMET", "Delta", "Alpha", "Gamma", "Beta"]
    frame = pd.DataFrame({"heading": names, "label": names, "report_id": ["r1"] * 7, "fiscal_year": pd.array([2018] * 7, dtype="Int64")})
    with pytest.raises(ValueError) as err:
        curation.program_headings(frame, {"IMET": {"program_id": "us_imet", "notes": ""}})
    assert str(err.value) == "program labels not in reference/fmtr_program_labels.csv: ['Alpha', 'Beta', 'Delta', 'Eta', 'Gamma', 'Zeta']"


# --- corrections --------------------------------------------------------------------------------------------

def _correct(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"report_id": [REPORT, REPORT], "ordinal": [1, 2], "country": s("Benin", "Angola"), "country_id": s("BEN", "AGO"),
                          "country_candidates": s(None, None), "notes": s(None, None)})
    base = dict(correction_id="c", report_id=REPORT, country_printed="Benin", field="country_id", status="corrected", corrected_value="BFA", candidates="",
                reason="why", first_ordinal="", last_ordinal="")
    return curation.apply_corrections(frame, [{**base, **changes}], None)


@pytest.mark.parametrize(("changes", "message"), [
    (dict(field="region"), "reference/fmtr_corrections.csv: field 'region' or status 'corrected' is not one the step applies"),
    (dict(status="guessed"), "reference/fmtr_corrections.csv: field 'country_id' or status 'guessed' is not one the step applies"),
    (dict(country_printed="Togo"), f"reference/fmtr_corrections.csv: no row of report {REPORT} prints the country 'Togo'"),
    (dict(first_ordinal="2", last_ordinal="5"), f"reference/fmtr_corrections.csv: no row of report {REPORT} prints the country 'Benin' between ordinals 2 and 5"),
])
def test_a_correction_the_step_cannot_apply_stops_it_saying_why(changes, message):
    with pytest.raises(ValueError) as err:
        _correct(**changes)
    assert str(err.value) == message


def test_each_correction_status_sets_the_country_candidates_and_notes_of_its_rows():
    assert _records(_correct()[["country_id", "country_candidates", "notes"]]) == [
        {"country_id": "BFA", "country_candidates": None, "notes": "country corrected (reference/fmtr_corrections.csv): why"},
        {"country_id": "AGO", "country_candidates": None, "notes": None}]
    assert _records(_correct(status="unresolved", corrected_value="", candidates="BEN BFA")[["country_id", "country_candidates", "notes"]]) == [
        {"country_id": None, "country_candidates": "BEN BFA", "notes": "country unresolved (reference/fmtr_corrections.csv): why"},
        {"country_id": "AGO", "country_candidates": None, "notes": None}]
    assert _records(_correct(status="doubtful", corrected_value="", candidates="BEN BFA")[["country_id", "country_candidates", "notes"]]) == [
        {"country_id": "BEN", "country_candidates": None, "notes": "country doubtful (reference/fmtr_corrections.csv): why"},
        {"country_id": "AGO", "country_candidates": None, "notes": None}]


# --- the report rows ----------------------------------------------------------------------------------------

def test_a_report_row_counts_its_files_regions_elements_trainings_drops_and_matching_totals(tmp_path):
    _write(tmp_path, {curation.REPORT_CURATION: f"report_id,notes\n{REPORT},Read from the PDF.\n",
                      "tables/citations.csv": f"citation_id,title\nfmtr_{OTHER},Report 2017\nfmtr_{REPORT},Report 2018\n"})
    raw = pd.DataFrame({"report_id": [REPORT] * 2 + [OTHER] * 6, "file": ["a"] * 2 + ["b", "b", "b", "c", "c", "c"],
                        "region": ["Africa"] * 2 + ["Africa", "Africa", "Europe", "Europe", "Near East", "Near East"]})
    trainings = pd.DataFrame({"report_id": [OTHER, OTHER, OTHER, REPORT, REPORT], "fiscal_year": pd.array([2018, 2017, 2018, 2018, None], dtype="Int64")})
    totals = pd.DataFrame({"report_id": [OTHER, OTHER], "matches": pd.array([True, None], dtype="boolean")})
    log = pd.DataFrame([(OTHER, "program_totals_line", "dropped", 1), (OTHER, "untitled_totals_line", "dropped", 1), (OTHER, "fragment_row", "dropped", 1),
                        (OTHER, "strip_spaces", "changed", 4), (REPORT, "stray_element", "skipped", 3)], columns=["report_id", "rule", "action", "rows"])
    out = curation.reports(raw, {"trainings": trainings, "fmtr_program_totals": totals}, log, tmp_path)
    assert _records(out) == [
        {"report_id": OTHER, "label": "FMTR 2017-2018", "title": "Report 2017", "fiscal_year_first": 2017, "fiscal_year_last": 2018,
         "fiscal_year_rule": "Headings name FY2017 (1 trainings) and FY2018 (2 trainings); each training takes the fiscal year its heading names.",
         "files": 2, "regions": 3, "training_elements": 6, "trainings": 3, "program_totals_lines": 2, "other_dropped_rows": 1, "totals_matching": 1,
         "citation_id": f"fmtr_{OTHER}", "notes": None},
        {"report_id": REPORT, "label": "FMTR 2018-2019", "title": "Report 2018", "fiscal_year_first": 2018, "fiscal_year_last": 2018,
         "fiscal_year_rule": "Headings name FY2018 (1 trainings); each training takes the fiscal year its heading names.",
         "files": 1, "regions": 1, "training_elements": 2, "trainings": 2, "program_totals_lines": 0, "other_dropped_rows": 0, "totals_matching": 0,
         "citation_id": f"fmtr_{REPORT}", "notes": "Read from the PDF."}]


CORRECTED_CURATION = {
    **CURATION,
    curation.COUNTRY_CURATION: "name,country_id,notes\nIndochina,,A region.\n",
    curation.CORRECTION_CURATION: "correction_id,report_id,country_printed,field,status,corrected_value,candidates,first_ordinal,last_ordinal,reason\n"
                                  f"c1,{REPORT},Benin,country_id,corrected,BFA,,,,misprinted\n",
}


def test_curate_empties_an_unmapped_country_corrects_totals_lines_too_and_keys_a_heading_only_a_totals_line_has(tmp_path):
    _write(tmp_path, CORRECTED_CURATION)
    total = {**TRAINING, "course_title": "FY 2019 Program Totals"}
    raw, _ = snapshot.load({f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz": _xml([("IMET, FY 2018", [TRAINING]), ("Exchange, FY 2019", [total])], "Benin"),
                            f"{REPORT}/{REPORT}_East_Asia_and_Pacific_fmtrpt_dedup.xml.gz": _xml([("IMET, FY 2018", [TRAINING])], "Indochina")})
    log = cleaning.CleaningLog()
    tables = curation.curate(*cleaning.clean(raw, log), log, tmp_path)
    assert _records(tables["trainings"][["training_id", "country_printed", "country_id", "notes"]]) == [
        {"training_id": f"{REPORT}_000001", "country_printed": "Benin", "country_id": "BFA", "notes": "country corrected (reference/fmtr_corrections.csv): misprinted"},
        {"training_id": f"{REPORT}_000003", "country_printed": "Indochina", "country_id": None, "notes": "country as extracted: 'Indochina'"}]
    assert _records(tables["fmtr_program_totals"][["totals_id", "fiscal_year", "counted", "country_id", "heading_id", "notes"]]) == [
        {"totals_id": f"{REPORT}_000002", "fiscal_year": 2019, "counted": False, "country_id": "BFA", "heading_id": _heading_id("Exchange, FY 2019"),
         "notes": "country corrected (reference/fmtr_corrections.csv): misprinted"}]
    assert list(tables["fmtr_program_headings"]["heading"]) == ["IMET, FY 2018"]
    assert _records(log.frame()) == [{"report_id": REPORT, "rule": "program_totals_line", "action": "dropped", "rows": 1},
                                     {"report_id": REPORT, "rule": "country_not_mapped", "action": "emptied", "rows": 1},
                                     {"report_id": REPORT, "rule": "correction_corrected", "action": "changed", "rows": 1}]


def test_country_names_neither_curated_nor_known_to_pycountry_stop_the_step_named_in_order(tmp_path):
    _write(tmp_path, CURATION)
    raw, _ = snapshot.load({f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz": _xml([("IMET, FY 2018", [TRAINING])], "Utopia"),
                            f"{REPORT}/{REPORT}_Europe_fmtrpt_dedup.xml.gz": _xml([("IMET, FY 2018", [TRAINING, {**TRAINING, "course_title": "FY 2018 Program Totals"}])],
                                                                                  "Atlantis")})
    log = cleaning.CleaningLog()
    with pytest.raises(ValueError) as err:
        curation.curate(*cleaning.clean(raw, log), log, tmp_path)
    assert str(err.value) == "country names matched neither by reference/fmtr_countries.csv nor by pycountry: ['Atlantis', 'Utopia']"


# --- typed cells ----------------------------------------------------------------------------------------------

def test_a_missing_date_is_neither_a_two_digit_year_nor_a_bad_date():
    dates, short, bad = cleaning.parse_dates(s(None, "6/4/18", "13/1/2018"))
    assert _records(pd.DataFrame({"dates": dates, "short": short, "bad": bad})) == [
        {"dates": None, "short": False, "bad": False}, {"dates": pd.Timestamp("2018-06-04"), "short": True, "bad": False},
        {"dates": None, "short": False, "bad": True}]
