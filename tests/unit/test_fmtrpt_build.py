"""The fmtrpt step built from an XML report and an HTML page of the 2006-2007 report together, the label of a
heading split from "Cape Verde, Republic Of", and the figures block of docs/fmtr.md rewritten in place."""

from ddsc.pipeline.sources import fmtrpt
from ddsc.pipeline.sources.fmtrpt import cleaning, figures
from tests.conftest import make_package
from tests.unit.test_fmtrpt_edges import CURATION, REPORT, TRAINING, _records, _xml
from tests.unit.test_fmtrpt_html_rules import HEADER, _country, _heading, _page, _row
from tests.unit.test_step_edges import ascii_locale  # noqa: F401 - a fixture used by name

PAGE = "2006_2007/Europe_2006_2007.html.gz"


def test_the_pages_of_the_2006_2007_report_are_built_with_the_xml_reports_in_report_order(tmp_path):
    for rel, text in {**CURATION, "tables/citations.csv": CURATION["tables/citations.csv"] + "fmtr_2006_2007,Foreign Military Training Report FY2006-2007\n"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    page = _page(_country("Albania"), _heading("IMET - FY 2006 DoS Training"), HEADER, _row("COURSE", "2", "X", "Y", "-", "300", "4/17/2006", "4/28/2006"),
                 _row("FY 2006 Program Totals", "2", None, None, None, "$300", None, None),
                 _row("Albania FY 2006 Totals", "2", None, None, None, "$300", None, None, bold=True))
    tables = fmtrpt.build({f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz": _xml([("IMET, FY 2018", [TRAINING])])}, tmp_path, {PAGE: page})
    assert _records(tables["trainings"][["training_id", "report_id", "region", "course_title", "students", "cost_usd", "page", "citation_id"]]) == [
        {"training_id": "2006_2007_000001", "report_id": "2006_2007", "region": "Europe", "course_title": "COURSE", "students": 2, "cost_usd": 300, "page": None,
         "citation_id": "fmtr_2006_2007_europe"},
        {"training_id": f"{REPORT}_000001", "report_id": REPORT, "region": "Africa", "course_title": "COURSE", "students": 1, "cost_usd": 100, "page": 1,
         "citation_id": f"fmtr_{REPORT}"}]
    assert _records(tables["fmtr_program_totals"][["totals_id", "region", "reported_cost_usd", "rows", "matches"]]) == [
        {"totals_id": "2006_2007_000002", "region": "Europe", "reported_cost_usd": 300, "rows": 1, "matches": True}]
    assert _records(tables["fmtr_cleaning_log"]) == [
        {"report_id": "2006_2007", "rule": "stray_element", "action": "skipped", "rows": 1},
        {"report_id": "2006_2007", "rule": "country_totals_line", "action": "skipped", "rows": 1},
        {"report_id": "2006_2007", "rule": "program_totals_line", "action": "dropped", "rows": 1},
        {"report_id": "2006_2007", "rule": "dash_placeholder", "action": "emptied", "rows": 1}]


def test_the_label_of_a_heading_split_from_a_country_named_republic_of_loses_those_words():
    assert cleaning.heading_parts("Republic Of, Foreign Military Financing, FY 00", "Cape Verde") == ("Foreign Military Financing", 2000)
    assert cleaning.heading_parts("Republic Of Korea Exchange, FY 00", "Korea") == ("Republic Of Korea Exchange", 2000)


def test_the_figures_block_of_the_docs_is_rewritten_as_utf_8_whatever_the_locale_and_left_alone_when_current(tmp_path, ascii_locale):  # noqa: F811
    root = make_package(tmp_path / "pkg")
    path = root / figures.README
    path.parent.mkdir(exist_ok=True)
    before, after = "# FMTR — the trainings\n\n", "\n\nSee “Sources”.\n"
    path.write_text(before + figures.FIGURES_START + "\nold figures\n" + figures.FIGURES_END + after, encoding="utf-8")
    assert figures.write_readme_figures(root) is True
    assert path.read_text(encoding="utf-8") == before + figures.figures_from_package(root) + after
    assert figures.write_readme_figures(root) is False


def test_a_report_without_any_program_totals_line_gives_its_trainings_and_no_totals(tmp_path):
    for rel, text in CURATION.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    tables = fmtrpt.build({f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz": _xml([("IMET, FY 2018", [TRAINING])])}, tmp_path, {})
    assert tables["trainings"]["training_id"].tolist() == [f"{REPORT}_000001"]
    totals = tables["fmtr_program_totals"]
    assert totals.empty and "totals_id" in totals and "matches" in totals
