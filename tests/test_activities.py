"""Japan's activities (jp_activities, jp_activity_countries): every recorded 2+2 series is numbered 1 to n
in date order, so that the n-th meeting an official page names equals the rows for that partner up to it;
the dyad-year panel's 2+2 counts recomputed for every cell from the CSV tables with plain csv code; the
completeness rule on made-up series; planted defects located by validation."""

from collections import Counter, defaultdict

import pandas as pd
import pytest

from ddsc.package.descriptor import read_model
from ddsc.package.source import Source
from ddsc.pipeline.derived import panels
from ddsc.validation.validate import check
from tests.conftest import ROOT, append_rows, read_rows

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

STEMS = {"cow": "ccode", "gw": "gwcode"}


def _meetings():
    partner = {r["activity_id"]: r["country_id"] for r in read_rows(ROOT, "jp_activity_countries") if r["role"] == "partner"}
    return [dict(r, partner=partner[r["activity_id"]]) for r in read_rows(ROOT, "jp_activities") if r["kind"] == "two_plus_two"]


def _series() -> dict[str, list[dict]]:
    by_partner = defaultdict(list)
    for m in _meetings():
        by_partner[m["partner"]].append(m)
    return {p: sorted(ms, key=lambda m: m["start_date"]) for p, ms in by_partner.items()}


def _complete(meetings: list[dict]) -> bool:
    return [m["ordinal"] for m in meetings] == [str(i) for i in range(1, len(meetings) + 1)]


def test_every_recorded_two_plus_two_series_is_numbered_one_to_n_in_date_order():
    series = _series()
    assert {"AUS", "IND", "GBR", "FRA", "IDN", "PHL", "DEU"} <= set(series)
    for partner, meetings in series.items():
        if partner != "USA":
            assert _complete(meetings), partner
    assert len(series["AUS"]) == 12  # MOFA: "the 12th Japan-Australia 2+2" (5 September 2025)


def test_the_security_consultative_committee_is_recorded_from_its_20th_meeting_and_left_unknown_in_the_panel():
    """MOFA numbers the meeting of 27 September 1995 the 20th, the first with cabinet-level members on both sides;
    the later meetings are not numbered, so the series cannot be shown complete and its panel cells stay empty."""
    scc = _series()["USA"]
    assert scc[0]["start_date"] == "1995-09-27" and scc[0]["ordinal"] == "20"
    assert all(m["ordinal"] == "" for m in scc[1:]) and not _complete(scc)
    assert len({m["start_date"] for m in scc}) == len(scc) == 20
    assert all(m["program_id"] == "jp_us_security_consultative_committee" for m in scc)
    for system in STEMS:
        assert {r["two_plus_two_meetings"] for r in read_rows(ROOT, f"dyad_years_{system}") if r["country_id2"] == "USA"} == {""}


def test_every_activity_has_a_partner_and_a_citation():
    cited = {r["record_id"] for r in read_rows(ROOT, "record_citations") if r["table_name"] == "jp_activities"}
    partners = Counter(r["activity_id"] for r in read_rows(ROOT, "jp_activity_countries"))
    for a in read_rows(ROOT, "jp_activities"):
        assert a["activity_id"] in cited and partners[a["activity_id"]] >= 1, a["activity_id"]


@pytest.mark.parametrize("system", ["cow", "gw"])
def test_every_two_plus_two_cell_of_the_dyad_panel_equals_its_recount(system):
    """Recomputed with csv only: a cell counts the meetings with the state's country in the year; it is
    empty for a country without a recorded series and for years after its latest recorded meeting."""
    meetings = [m for ms in _series().values() if _complete(ms) for m in ms]
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


def test_every_capacity_building_project_has_its_recipient_field_and_program():
    recipients = defaultdict(set)
    for link in read_rows(ROOT, "jp_activity_countries"):
        recipients[link["activity_id"]].add((link["country_id"], link["role"]))
    projects = [a for a in read_rows(ROOT, "jp_activities") if a["kind"] == "capacity_building"]
    assert len(projects) >= 50
    for a in projects:
        assert a["field_ja"] and a["agency_id"] == "jp_mod" and a["program_id"] == "jp_capacity_building_assistance", a["activity_id"]
        assert [role for _, role in recipients[a["activity_id"]]] == ["recipient"], a["activity_id"]


def test_every_osa_delivery_hands_over_its_own_grant_to_the_grant_s_recipient():
    grants = {p["project_id"]: p for p in read_rows(ROOT, "projects")}
    recipient = {l["activity_id"]: l["country_id"] for l in read_rows(ROOT, "jp_activity_countries") if l["role"] == "recipient"}
    deliveries = [a for a in read_rows(ROOT, "jp_activities") if a["kind"] == "osa_delivery"]
    assert deliveries
    for a in deliveries:
        grant = grants[a["project_id"]]
        assert grant["program_id"] == a["program_id"] == "jp_osa"
        assert grant["recipient_country_id"] == recipient[a["activity_id"]], a["activity_id"]
        assert a["start_date"] >= grant["agreement_date"], a["activity_id"]  # handed over after the exchange of notes


def test_every_capacity_building_total_is_recounted_from_the_activity_rows():
    """recorded_countries: distinct recipients of capacity-building rows starting up to the end of the statement's
    year (all rows for an undated page); difference = stated - recorded."""
    kind = {a["activity_id"]: (a["kind"], int(a["start_date"][:4])) for a in read_rows(ROOT, "jp_activities")}
    links = [(l["country_id"], kind[l["activity_id"]][1]) for l in read_rows(ROOT, "jp_activity_countries")
             if kind[l["activity_id"]][0] == "capacity_building" and l["role"] == "recipient"]
    totals = read_rows(ROOT, "jp_capacity_building_totals")
    assert {t["total_id"] for t in totals} >= {"mod_white_paper_2025", "mod_capacity_building_index"}
    for t in totals:
        recorded = {c for c, year in links if not t["year"] or year <= int(t["year"])}
        assert int(t["recorded_countries"]) == len(recorded), t["total_id"]
        assert int(t["difference"]) == int(t["stated_countries"]) - len(recorded), t["total_id"]
        assert t["explanation"].startswith(f"Recorded here: {len(recorded)} countries"), t["total_id"]


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
    import ast

    lines = result.stdout.splitlines()
    first_india = min(m["start_date"] for m in _meetings() if m["partner"] == "IND")
    with_australia = sum(1 for m in _meetings() if m["partner"] == "AUS")
    assert lines[:2] == [first_india, str(with_australia)]
    kind = {a["activity_id"]: a for a in read_rows(ROOT, "jp_activities")}
    links = [(l, kind[l["activity_id"]]) for l in read_rows(ROOT, "jp_activity_countries")]
    in_2022 = {(l["country_id"], a["field_en"]) for l, a in links if a["kind"] == "capacity_building" and a["start_date"].startswith("2022")}
    assert set(ast.literal_eval(lines[2])) == in_2022 and in_2022
    per_year = Counter(a["start_date"][:4] for l, a in links if a["kind"] == "exercise" and l["country_id"] == "GBR")
    printed = dict(line.split() for line in lines[4:] if line[:1].isdigit())
    assert {y: int(n) for y, n in printed.items()} == dict(per_year)
