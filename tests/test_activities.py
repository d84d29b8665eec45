"""Japan's activities (jp_activities, jp_activity_countries): every recorded 2+2 series is numbered 1 to n
in date order, so that the n-th meeting an official page names equals the rows for that partner up to it;
the dyad-year panel's 2+2 counts recomputed for every cell from the CSV tables with plain csv code; the
completeness rule on made-up series; planted defects located by validation."""

import csv
from collections import Counter, defaultdict

import pandas as pd
import pytest

from ddsc.package import read_model
from ddsc.source import Source
from ddsc.steps import panels
from ddsc.validate import check
from tests.conftest import ROOT, append_rows, read_rows

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

STEMS = {"cow": "ccode", "gw": "gwcode"}


def _meetings():
    partner = {r["activity_id"]: r["country_id"] for r in read_rows(ROOT, "jp_activity_countries") if r["role"] == "partner"}
    return [dict(r, partner=partner[r["activity_id"]]) for r in read_rows(ROOT, "jp_activities") if r["kind"] == "two_plus_two"]


def test_every_recorded_two_plus_two_series_is_numbered_one_to_n_in_date_order():
    by_partner = defaultdict(list)
    for m in _meetings():
        by_partner[m["partner"]].append(m)
    assert {"AUS", "IND", "GBR", "FRA", "IDN", "PHL", "DEU"} <= set(by_partner)
    for partner, meetings in by_partner.items():
        meetings.sort(key=lambda m: m["start_date"])
        assert [int(m["ordinal"]) for m in meetings] == list(range(1, len(meetings) + 1)), partner
    assert len(by_partner["AUS"]) == 12  # MOFA: "the 12th Japan-Australia 2+2" (5 September 2025)


def test_every_activity_has_a_partner_and_a_citation():
    cited = {r["record_id"] for r in read_rows(ROOT, "record_citations") if r["table_name"] == "jp_activities"}
    partners = Counter(r["activity_id"] for r in read_rows(ROOT, "jp_activity_countries"))
    for a in read_rows(ROOT, "jp_activities"):
        assert a["activity_id"] in cited and partners[a["activity_id"]] >= 1, a["activity_id"]


@pytest.mark.parametrize("system", ["cow", "gw"])
def test_every_two_plus_two_cell_of_the_dyad_panel_equals_its_recount(system):
    """Recomputed with csv only: a cell counts the meetings with the state's country in the year; it is
    empty for a country without a recorded series and for years after its latest recorded meeting."""
    meetings = _meetings()
    last = defaultdict(int)
    counts = Counter()
    for m in meetings:
        year = int(m["start_date"][:4])
        last[m["partner"]] = max(last[m["partner"]], year)
        counts[(m["partner"], year)] += 1
    checked = 0
    for row in read_rows(ROOT, f"dyad_years_{system}"):
        country, year = row["country_id2"], int(row["year"])
        if country in last and year <= last[country]:
            assert row["two_plus_two_meetings"] == str(counts[(country, year)]), (country, year)
            checked += 1
        else:
            assert row["two_plus_two_meetings"] == "", (country, year)
    assert checked > 100 and sum(counts.values()) == len(meetings)


def _tables(ordinals: list, dates: list) -> dict:
    tables = dict(panels_core())
    model = read_model(Source(ROOT))[1]
    rows = [dict(activity_id=f"jpa_{d.replace('-', '')}_x_2plus2", kind="two_plus_two", ordinal=o, name_en="x", start_date=d, start_date_precision="day")
            for o, d in zip(ordinals, dates)]
    text = pd.DataFrame([{f: (None if r.get(f) is None else str(r[f])) for f in model["jp_activities"].field_names} for r in rows], dtype="string")
    tables["jp_activities"] = model["jp_activities"].typed(text)
    links = pd.DataFrame([{f: None for f in model["jp_activity_countries"].field_names} | dict(activity_id=r["activity_id"], country_id="PHL", role="partner", citation_id="c", locator="x") for r in rows], dtype="string")
    tables["jp_activity_countries"] = model["jp_activity_countries"].typed(links)
    return tables


def panels_core():
    from tests.test_panels import _real_core

    return _real_core()


def _cell(tables, year):
    frame = panels.run(tables)["dyad_years_cow"]
    return frame.loc[(frame["ccode2"] == 840) & (frame["year"] == year), "two_plus_two_meetings"].iloc[0]


def test_a_series_numbered_one_to_n_is_complete_up_to_its_latest_meeting_and_zero_before_its_first():
    tables = _tables([1, 2, 3], ["2010-03-01", "2012-03-01", "2012-09-01"])
    assert _cell(tables, 2009) == 0 and _cell(tables, 2010) == 1 and _cell(tables, 2011) == 0 and _cell(tables, 2012) == 2
    assert pd.isna(_cell(tables, 2013))  # after the latest recorded meeting: not known


@pytest.mark.parametrize(("ordinals", "why"), [([1, 3], "a gap"), ([2, 3], "no first"), ([1, None], "an unnumbered meeting"), ([2, 1], "out of date order")])
def test_a_series_that_is_not_numbered_one_to_n_leaves_every_year_unknown(ordinals, why):
    tables = _tables(ordinals, ["2010-03-01", "2012-03-01"])
    assert pd.isna(_cell(tables, 2009)) and pd.isna(_cell(tables, 2010)), why


def test_a_planted_activity_with_an_unknown_partner_an_undated_precision_or_no_citation_is_located(package):
    line = append_rows(package, "jp_activity_countries", [dict(activity_id="jpa_20070606_aus_2plus2", country_id="XXX", role="partner", citation_id="mofa_region_asia_paci_australia_joint0706_html", locator="para. 1")])
    found = {(p.table, p.line, p.column, p.kind) for p in check(package).problems}
    assert ("jp_activity_countries", line, "country_id", "foreign-key") in found, found
    uncited = append_rows(package, "jp_activities", [dict(activity_id="jpa_20991231_x_2plus2", kind="two_plus_two", name_en="X", start_date="2024-05-02", start_date_precision="month")])
    found = {(p.table, p.line, p.column, p.kind) for p in check(package).problems}
    assert ("jp_activities", uncited, "start_date_precision", "precision") in found, found
    assert any(p[0] == "jp_activities" and p[1] == uncited and p[3] == "uncited" for p in found), found


def test_repository_readme_activities_example_runs_as_written_and_gives_the_table_s_answers():
    import subprocess
    import sys

    from tests.conftest import code_blocks

    block = next(text for lang, text in code_blocks(ROOT / "README.md") if lang == "python" and "jp_activities" in text)
    result = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    first_india = min(m["start_date"] for m in _meetings() if m["partner"] == "IND")
    with_australia = sum(1 for m in _meetings() if m["partner"] == "AUS")
    assert result.stdout.split() == [first_india, str(with_australia)]
