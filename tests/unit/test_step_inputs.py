"""What the steps take in, on tiny packages, lists and pages written here: steps run without naming any, a
derived table cut short, the rows of ISO and former countries, the countries list read by the state_systems
step, and the file names, line breaks and cell ends of the 2006-2007 report's HTML pages."""

import gettext

import pycountry

from ddsc.pipeline.repository import check_repository
from ddsc.pipeline.run import run_steps
from ddsc.pipeline.sources import countries as C
from ddsc.pipeline.sources import fmtrpt_html as H
from ddsc.pipeline.sources import state_systems as S
from tests.unit.test_step_edges import _edit_line, _lists, _package, ascii_locale  # noqa: F401 - a fixture used by name

# --- running steps, and derived tables against their rebuild ------------------------------------------------


def test_with_no_step_named_each_source_step_without_its_raw_files_is_skipped_naming_the_first_missing_folder(tmp_path):
    root = _package(tmp_path, ("countries",))
    _edit_line(root / "tables" / "countries.csv", 2, ",", ";")  # a core table that does not validate stops the derived steps
    (tmp_path / "raw" / "fmtrpt").mkdir(parents=True)  # of the fmtrpt step's two sources, only the HTML pages are missing
    said = []
    assert run_steps(root, [], raw_root=tmp_path / "raw", log=said.append) == 1
    assert said == ["countries: skipped, raw files of 'state_systems' not found (see sources/state_systems/source.json)",
                    "state_systems: skipped, raw files of 'state_systems' not found (see sources/state_systems/source.json)",
                    "fmtrpt: skipped, raw files of 'fmtrpt_html' not found (see sources/fmtrpt_html/source.json)",
                    "panels: the core tables are not valid; run build.py validate"]


def test_a_derived_table_that_ends_without_its_last_line_break_is_refused_at_its_last_line(tmp_path):
    root = _package(tmp_path)
    path = root / "tables" / "program_authorities.csv"
    data = path.read_bytes()
    path.write_bytes(data[:-1])
    report = check_repository(root)
    assert [(p.table, p.line, p.column, p.message, p.kind) for p in report.problems] == [
        ("program_authorities", data.count(b"\n"), "", "derived table differs from its rebuild by step 'authorities' (first at this line); run: build.py run authorities",
         "stale-derived")]


# --- the rows of the countries step -------------------------------------------------------------------------

FIELDS = ["country_id", "name_en", "name_ja", "iso2", "iso3", "iso_numeric", "cow_code", "gw_code", "start_date", "end_date", "notes"]


def test_an_iso_country_takes_the_cow_code_of_its_common_name_when_neither_other_name_is_in_the_cow_list():
    ja = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"])
    korea = pycountry.countries.get(alpha_3="KOR")
    assert (korea.name, getattr(korea, "official_name", ""), korea.common_name) == ("Korea, Republic of", "", "South Korea")
    assert C._iso_row(korea, {"southkorea": 732, "northkorea": 731}, ja, FIELDS) == {
        "country_id": "KOR", "name_en": "Korea, Republic of", "name_ja": ja.gettext("Korea, Republic of"), "iso2": "KR", "iso3": "KOR", "iso_numeric": "410",
        "cow_code": "732", "gw_code": "", "start_date": "", "end_date": "", "notes": ""}


def test_a_former_state_without_a_japanese_name_or_a_numeric_code_leaves_them_empty():
    assert C._historic_row("YUG", FIELDS) == {
        "country_id": "YUG", "name_en": "Yugoslavia, (Socialist) Federal Republic of", "name_ja": "", "iso2": "YU", "iso3": "YUG", "iso_numeric": "891",
        "cow_code": "", "gw_code": "", "start_date": "", "end_date": "", "notes": ""}
    sikkim = C._historic_row("SKM", FIELDS)
    assert (sikkim["name_en"], sikkim["iso2"], sikkim["iso3"], sikkim["iso_numeric"]) == ("Sikkim", "SK", "SKM", "")
    assert sikkim["name_ja"] != "" and sikkim["name_ja"] != "Sikkim"


# --- the countries list read by the state_systems step ------------------------------------------------------


def test_the_state_systems_step_reads_the_countries_table_as_utf_8_whatever_the_locale(tmp_path, ascii_locale):  # noqa: F811
    root = tmp_path / "pkg"
    raw_root = _lists(tmp_path, root)
    (root / "tables").mkdir()
    (root / "tables" / "countries.csv").write_text("country_id,name_en,cow_code\nCIV,Côte d’Ivoire,437\nDDR,German Democratic Republic,265\n"
                                                  "JPN,Japan,740\nDMA,Dominica,\n", encoding="utf-8")
    states = S.run(root, raw_root)["states"]
    assert list(zip(states["system"], states["code"], states["country_id"])) == [("cow", 740, "JPN"), ("cow", 265, "DDR"), ("gw", 740, "JPN"), ("gw", 265, "DDR"),
                                                                                 ("gw", 54, "DMA")]


# --- the 2006-2007 report's HTML pages ----------------------------------------------------------------------


def test_a_pages_region_is_read_from_its_file_name_with_or_without_a_folder_and_its_citation_only_in_the_reports_folder():
    assert H.region_of("2006_2007/Near_East_2006_2007.html.gz") == "Near East"
    assert H.region_of("Near_East_2006_2007.html.gz") == "Near East"
    assert H.page_citation("2006_2007/Near_East_2006_2007.html.gz") == "fmtr_2006_2007_near_east"
    assert H.page_citation("Near_East_2006_2007.html.gz") is None  # not in the report's folder
    assert H.page_citation("2018_2019/2018_2019_Africa_fmtrpt_dedup.xml.gz") is None


def test_a_line_break_in_a_cell_separates_its_words_as_a_paragraph_does():
    rows, _ = H.page_rows("2006_2007/Europe_2006_2007.html.gz", b"<table><TR><TD colSpan=8><B>Chile</B></TD></TR>"
                          b"<TR><TD><B>IMET - FY 2006 DoS Training</B></TD><TD></TD><TD></TD><TD></TD><TD></TD><TD></TD><TD></TD><TD></TD></TR>"
                          b"<TR><TD>COURSE</TD><TD>1</TD><TD>X</TD><TD>National Academy<BR>Communications<br/>Institute</TD><TD>-</TD><TD>5</TD>"
                          b"<TD>5/1/2006</TD><TD>5/2/2006</TD></TR></table>")
    assert rows == [(2, "Chile", "IMET - FY 2006 DoS Training", "COURSE", "1", "X", "National Academy Communications Institute", "-", "5", "5/1/2006", "5/2/2006")]


def test_text_after_a_closed_cell_is_not_part_of_it():
    parser = H._Rows()
    parser.feed("<TABLE><TR><TD>a</TD>stray<TD colSpan=2><B>b</B></TD> <B>bold</B></TR></TABLE>")
    parser.close()
    assert parser.rows == [[("a", False, 1), ("b", True, 2)]]

