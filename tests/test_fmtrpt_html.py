"""The 2006-2007 report from its HTML pages (the reader on small pages is tested in
tests/unit/test_fmtrpt_html_rules.py), on the raw pages: rows found in the committed table with
their values (read with a parser written apart from the step's), each country's printed totals equal to its
trainings, and the program blocks reconciled. (The byte-for-byte rebuild is the generic test in
test_steps.py.)"""

import csv
import html
import random
import re

import pandas as pd
import pycountry
import pytest

from ddsc.pipeline.sources.fmtrpt import curation
from ddsc.pipeline.sources import fmtrpt_html as H
from ddsc.pipeline.raw import default_raw_root, manifest, read_raw
from tests.conftest import ROOT, table_path

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

RAW = default_raw_root(ROOT)


def test_each_page_has_its_citation_and_region():
    assert H.page_citation("2006_2007/Near_East_2006_2007.html.gz") == "fmtr_2006_2007_near_east"
    assert H.page_citation("2007_2008/2007_2008_Africa_1_fmtrpt_dedup.xml.gz") is None
    assert H.region_of("2006_2007/South_Central_Asia_2006_2007.html.gz") == "South Central Asia"
    cited = {r["citation_id"]: r for r in pd.read_csv(table_path(ROOT, "citations"), dtype=str, keep_default_na=False).to_dict("records")}
    for row in manifest(ROOT, H.SOURCE_NAME):
        assert cited[H.page_citation(row["file"])]["url"] == row["official_url"]


# --- against the raw pages --------------------------------------------------------------------------------

def _need_raw():
    if not (RAW / H.SOURCE_NAME).is_dir():
        pytest.skip(f"raw files of {H.SOURCE_NAME!r} are not beside the checkout; CI has them")


def _rows_apart(data: bytes):
    """The table rows of a page read with a tolerant regular-expression reader (not the step's parser):
    (country, heading, cells) for every row of eight cells, and the country totals rows."""
    text = data.decode("utf-8")
    body = text[text.index("<TBODY>"):]
    rows, totals, country, heading = [], [], None, None
    for chunk in re.split(r"<TR>", body)[1:]:
        cells = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", c)).replace("\xa0", " ")).strip()
                 for c in re.split(r"<TD[^>]*>", chunk)[1:]]
        if not cells:
            continue
        if "colSpan=8" in chunk.split("<TD", 2)[1][:40]:
            country, heading = cells[0], None
            cells = cells[1:]
            if not cells:
                continue
        if len(cells) != 8:
            continue
        if re.search(r"<(STRONG|B)>", chunk, re.I) and cells[0] and not any(cells[1:]):
            heading = cells[0]
        elif cells[0].endswith("FY 2006 Totals"):
            totals.append((country, cells))
        elif cells[0] != "Course Title":
            rows.append((country, heading, cells))
    return rows, totals


def test_rows_read_apart_from_the_step_are_in_the_table_with_their_values():
    _need_raw()
    pages = read_raw(ROOT, H.SOURCE_NAME, RAW)
    everything = []
    for file in pages:
        rows, _ = _rows_apart(pages[file])
        everything += [(file, *r) for r in rows]
    trainings = pd.read_csv(table_path(ROOT, "trainings"), dtype=str, keep_default_na=False)
    mine = trainings[trainings["report_id"] == H.REPORT].reset_index(drop=True)
    by_id = {int(t.split("_")[-1]): row for t, row in zip(mine["training_id"], mine.to_dict("records"))}
    rng = random.Random(2006)
    # the ordinals count every eight-cell row that is not a heading, a header or a country total
    assert len(everything) == len(mine) + int(pd.read_csv(table_path(ROOT, "fmtr_reports")).set_index("report_id").loc[H.REPORT, ["program_totals_lines", "other_dropped_rows"]].sum())
    sample = rng.sample(range(len(everything)), 300)
    checked = 0
    for i in sample:
        file, country, heading, cells = everything[i]
        key = i + 1
        if key not in by_id:
            continue
        row = by_id[key]
        assert row["country_printed"] == country and row["course_title"] == (cells[0] or ""), key
        assert row["students"] == (cells[1] if re.fullmatch(r"[0-9]+", cells[1]) else row["students"]), key
        if re.fullmatch(r"\$?[0-9][0-9,]*(\.[0-9]+)?", cells[5]):
            assert float(row["cost_usd"]) == float(cells[5].replace("$", "").replace(",", "")), key
        m = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", cells[6])
        if m and row["start_date"]:
            assert row["start_date"] == f"{int(m[3]):04d}-{int(m[1]):02d}-{int(m[2]):02d}", key
        assert row["citation_id"] == H.page_citation(file) and row["page"] == "", key
        checked += 1
    assert checked > 250


def test_each_countrys_printed_totals_equal_the_sum_of_its_program_totals():
    """The report's "<country> FY 2006 Totals" lines, read apart from the step, against the Program Totals
    lines the step kept for the country (students and cost): the blocks are cut where the report cuts them,
    and each block's trainings are checked against its line in ``fmtr_program_totals.matches``."""
    _need_raw()
    pages = read_raw(ROOT, H.SOURCE_NAME, RAW)
    curated = {r["name"]: r["country_id"] for r in csv.DictReader((ROOT / curation.COUNTRY_CURATION).open(encoding="utf-8"))}
    totals = pd.read_csv(table_path(ROOT, "fmtr_program_totals"), keep_default_na=False, na_values=[""])
    blocks = totals[totals["report_id"] == H.REPORT]
    checked = 0
    for file in pages:
        for _, cells in _rows_apart(pages[file])[1]:
            country = cells[0].removesuffix(" FY 2006 Totals")  # the name the totals line prints, not the section's heading
            code = curated[country] if country in curated else pycountry.countries.lookup(country).alpha_3
            mine = blocks[(blocks["country_id"] == code) & (blocks["region"] == H.region_of(file))]
            assert float(cells[5].replace("$", "").replace(",", "")) == pytest.approx(mine["reported_cost_usd"].sum(), abs=0.5), country
            assert int(cells[1]) == mine["reported_students"].sum(), country
            checked += 1
    assert checked == 149


def test_the_program_blocks_reconcile_with_their_printed_totals():
    totals = pd.read_csv(table_path(ROOT, "fmtr_program_totals"), keep_default_na=False, na_values=[""])
    blocks = totals[totals["report_id"] == H.REPORT]
    assert len(blocks) > 400 and blocks["matches"].astype(bool).mean() >= 0.98
    trainings = pd.read_csv(table_path(ROOT, "trainings"), dtype=str, keep_default_na=False, na_values=[""])
    fy = trainings[trainings["fiscal_year"] == "2006"]
    assert set(fy["report_id"]) == {H.REPORT} and (fy["counted"] == "true").all()
