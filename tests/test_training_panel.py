"""Right answers by default: each fiscal year counted from one report, every counted training in the
state-year its country stood for, missing where the dataset cannot tell.

The rules are pinned on small made-up frames first (independent of today's data); then the shipped
``country_years`` training cells are recomputed, for every cell of both systems, from the committed CSV
files with plain ``csv`` and ``datetime`` code written apart from ``ddsc/pipeline/derived/panels.py``."""

import csv
from collections import defaultdict
from datetime import date

import pandas as pd
import pytest

from ddsc.pipeline.derived import panels
from ddsc.pipeline.sources.fmtrpt import cleaning, curation
from tests.conftest import ROOT, read_rows

# The rules on small frames run in the fast tier; the tests on the real package are marked slow one by one.

# --- the counted rule -------------------------------------------------------------------------------------

STEMS = {"cow": "ccode", "gw": "gwcode"}  # the code column of each system's panel


def test_counted_takes_each_fiscal_year_from_the_latest_report_that_lists_it():
    report = pd.Series(["1999_2000", "1999_2000", "2000_2001", "2000_2001", "2001_2002", "2002_2003", "2002_2003"])
    year = pd.Series([1999, 2000, 2000, 2001, 2001, 2002, None], dtype="Int64")
    assert curation.counted(report, year).tolist() == [True, False, True, False, True, True, False]


def test_counted_keeps_the_index_and_a_single_report_counts_all_its_rows():
    report = pd.Series(["2010_2011"] * 3, index=[7, 3, 9])
    year = pd.Series([2010, 2010, 2010], index=[7, 3, 9], dtype="Int64")
    out = curation.counted(report, year)
    assert out.index.tolist() == [7, 3, 9] and out.all()


# --- curated corrections ----------------------------------------------------------------------------------

def _rows():
    return pd.DataFrame({
        "report_id": ["2019_2020", "2019_2020", "2018_2019", "2019_2020"],
        "ordinal": [41, 42, 41, 43],
        "country": ["Angola", "Angola", "Angola", "Botswana"],
        "country_id": ["AGO", "AGO", "AGO", "BWA"],
        "country_candidates": pd.Series([pd.NA] * 4, dtype="string"),
        "notes": pd.Series([pd.NA, "cost as extracted: '$'", pd.NA, pd.NA], dtype="string"),
    })


def _correction(**changes):
    row = {"correction_id": "c", "report_id": "2019_2020", "country_printed": "Angola", "field": "country_id", "printed_value": "AGO",
           "corrected_value": "", "candidates": "AGO BEN", "status": "unresolved", "reason": "page corrupted", "evidence": "e"}
    row.update(changes)
    return row


def test_an_unresolved_correction_empties_the_country_of_its_report_only_and_keeps_the_candidates():
    log = cleaning.CleaningLog()
    out = curation.apply_corrections(_rows(), [_correction()], log)
    assert out["country_id"].isna().tolist() == [True, True, False, False]
    assert out["country_candidates"].tolist()[:2] == ["AGO BEN", "AGO BEN"] and out["country_candidates"].isna().tolist()[2:] == [True, True]
    assert out["notes"][0].startswith("country unresolved") and out["notes"][1].startswith("cost as extracted: '$'; country unresolved")
    assert pd.isna(out["notes"][2]) and pd.isna(out["notes"][3])
    assert log.frame().values.tolist() == [["2019_2020", "correction_unresolved", "emptied", 2]]


def test_a_corrected_country_is_replaced_and_a_doubtful_one_kept_with_a_note():
    out = curation.apply_corrections(_rows(), [_correction(status="corrected", corrected_value="BEN", candidates="")], None)
    assert out["country_id"].tolist() == ["BEN", "BEN", "AGO", "BWA"] and out["country_candidates"].isna().all()
    log = cleaning.CleaningLog()
    out = curation.apply_corrections(_rows(), [_correction(status="doubtful", candidates="")], log)
    assert out["country_id"].tolist() == ["AGO", "AGO", "AGO", "BWA"] and out["notes"][0].startswith("country doubtful")
    assert log.frame()["action"].tolist() == ["flagged"]


@pytest.mark.parametrize("changes", [{"country_printed": "Benin"}, {"report_id": "2018_2019", "country_printed": "Botswana"},
                                     {"field": "program_id"}, {"status": "maybe"}])
def test_a_correction_that_matches_no_row_or_that_the_step_cannot_apply_stops_the_step(changes):
    with pytest.raises(ValueError, match="fmtr_corrections.csv"):
        curation.apply_corrections(_rows(), [_correction(**changes)], None)


@pytest.mark.parametrize(("first", "last", "changed"), [("41", "41", [True, False]), ("42", "43", [False, True]), ("41", "42", [True, True])])
def test_a_correction_with_a_range_of_ordinals_touches_only_the_rows_of_its_country_in_the_range(first, last, changed):
    out = curation.apply_corrections(_rows(), [_correction(status="corrected", corrected_value="BFA", candidates="", first_ordinal=first, last_ordinal=last)], None)
    assert [c == "BFA" for c in out["country_id"]] == [*changed, False, False]
    assert out["country_id"].tolist()[2:] == ["AGO", "BWA"]  # ordinal 41 of another report, ordinal 43 of another country


def test_a_range_of_ordinals_that_holds_no_row_of_the_country_stops_the_step():
    with pytest.raises(ValueError, match="between ordinals 43 and 50"):
        curation.apply_corrections(_rows(), [_correction(first_ordinal="43", last_ordinal="50")], None)


def test_a_correction_for_a_report_not_being_built_is_left_aside():
    out = curation.apply_corrections(_rows(), [_correction(report_id="2017_2018")], None)
    assert out.equals(_rows())
@pytest.mark.slow  # the real package
def test_every_curated_correction_is_applied_to_the_committed_trainings():
    with (ROOT / curation.CORRECTION_CURATION).open(encoding="utf-8", newline="") as handle:
        corrections = list(csv.DictReader(handle))
    trainings = read_rows(ROOT, "trainings")
    for c in corrections:
        rows = [r for r in trainings if r["report_id"] == c["report_id"] and r["country_printed"] == c["country_printed"]]
        if c["first_ordinal"]:
            inside = lambda r: int(c["first_ordinal"]) <= int(r["training_id"][-6:]) <= int(c["last_ordinal"])  # noqa: E731
            assert not any(f"country {c['status']}" in r["notes"] for r in rows if not inside(r)), c["correction_id"]
            rows = [r for r in rows if inside(r)]
        assert rows, c["correction_id"]
        assert all(f"country {c['status']}" in r["notes"] for r in rows)
        if c["status"] == "unresolved":
            assert all(r["country_id"] == "" and r["country_candidates"] == c["candidates"] for r in rows)
        if c["status"] == "corrected":
            assert all(r["country_id"] == c["corrected_value"] for r in rows)


# --- the crosswalk rule on made-up states ------------------------------------------------------------------

def _tables(countries, states, spells):
    d = lambda x: pd.Timestamp(x) if x else pd.NaT  # noqa: E731
    return {
        "countries": pd.DataFrame({"country_id": [c[0] for c in countries], "cow_code": pd.array([c[1] for c in countries], dtype="Int64"),
                                   "gw_code": pd.array([c[2] for c in countries], dtype="Int64"),
                                   "start_date": [d(c[3]) for c in countries], "end_date": [d(c[4]) for c in countries]}),
        "states": pd.DataFrame({"system": [s[0] for s in states], "code": pd.array([s[1] for s in states], dtype="Int64"),
                                "country_id": [s[2] for s in states]}),
        "state_memberships": pd.DataFrame({"system": [m[0] for m in spells], "code": pd.array([m[1] for m in spells], dtype="Int64"),
                                           "start_date": [d(m[2]) for m in spells], "end_date": [d(m[3]) for m in spells],
                                           "censored": pd.array([m[4] for m in spells], dtype="boolean")}),
    }


YUGOSLAVIA = _tables(
    countries=[("YUG", 345, 345, None, "1992-04-27"), ("SCG", 345, None, None, None), ("SRB", 345, 340, None, None)],
    states=[("cow", 345, "SRB"), ("gw", 345, "YUG"), ("gw", 340, "SRB")],
    spells=[("cow", 345, "1944-10-20", "2006-06-03", False), ("cow", 345, "2006-06-03", "2024-12-31", True),
            ("gw", 345, "1918-12-01", "2006-06-04", False), ("gw", 340, "2006-06-05", "2020-12-31", True)],
)


def test_a_country_stands_for_the_state_linked_to_it_and_the_state_of_its_own_code_within_its_own_dates():
    out = panels.country_states(YUGOSLAVIA)
    got = {(r.country_id, r.system, r.code, str(r.start_date.date()), str(r.end_date.date()), r.basis) for r in out.itertuples()}
    assert ("SCG", "cow", 345, "1944-10-20", "2006-06-03", "country_code") in got  # its own cow_code, no link in states
    assert ("SCG", "gw", 345, "1918-12-01", "2006-06-04") not in {g[:5] for g in got}  # no gw_code: no G&W state
    assert ("YUG", "cow", 345, "1944-10-20", "1992-04-27", "country_code") in got  # clipped to the country's end
    assert not any(g[0] == "YUG" and g[3] > "1992-04-27" for g in got)
    assert ("YUG", "gw", 345, "1918-12-01", "1992-04-27", "state") in got
    assert ("SRB", "gw", 340, "2006-06-05", "2020-12-31", "state") in got and ("SRB", "cow", 345, "2006-06-03", "2024-12-31", "state") in got
    censored = out.set_index(["country_id", "system", "code", "start_date"])["censored"]
    assert not censored[("YUG", "cow", 345, pd.Timestamp("1944-10-20"))] and censored[("SRB", "gw", 340, pd.Timestamp("2006-06-05"))]


def test_a_country_starting_after_its_state_stands_for_it_from_its_own_first_day_only():
    tables = _tables(countries=[("SSD", 626, None, "2011-07-09", None)], states=[("cow", 626, "SSD")],
                     spells=[("cow", 626, "2011-07-08", "2024-12-31", True)])
    out = panels.country_states(tables)
    assert out["start_date"].tolist() == [pd.Timestamp("2011-07-09")] and bool(out["censored"][0])
    years = panels.country_state_years(out, 2010, 2012)
    assert years["year"].tolist() == [2011, 2012]
    tables["countries"].loc[0, "start_date"] = pd.Timestamp("2025-01-01")  # after the spell: no row at all
    assert panels.country_states(tables).empty


def test_a_country_that_would_stand_for_two_states_on_one_day_stops_the_step():
    tables = _tables(countries=[("DEU", 255, None, None, None)], states=[("cow", 255, "DEU"), ("cow", 260, "DEU")],
                     spells=[("cow", 255, "1990-10-03", "2024-12-31", True), ("cow", 260, "1955-05-05", "1990-10-03", False)])
    with pytest.raises(ValueError, match="DEU"):
        panels.country_states(tables)
    tables["state_memberships"].loc[1, "end_date"] = pd.Timestamp("1990-10-02")  # the day before: no overlap
    assert len(panels.country_states(tables)) == 2


def test_in_a_year_of_two_states_the_country_is_placed_in_the_later_and_a_censored_spell_carries_on():
    tables = _tables(countries=[("DEU", 255, None, None, None)], states=[("cow", 255, "DEU"), ("cow", 260, "DEU")],
                     spells=[("cow", 255, "1990-10-03", "2024-12-31", True), ("cow", 260, "1955-05-05", "1990-10-02", False)])
    years = panels.country_state_years(panels.country_states(tables), 1989, 2026)
    code = dict(zip(years["year"], years["code"]))
    assert code[1989] == 260 and code[1990] == 255 and code[2024] == 255 and code[2026] == 255 and 2027 not in code
    assert panels.country_state_years(panels.country_states(tables), 1955, 1955)["code"].tolist() == [260]
    ended = _tables(countries=[("XXX", 5, None, None, None)], states=[("cow", 5, "XXX")], spells=[("cow", 5, "2000-01-01", "2010-12-31", False)])
    assert panels.country_state_years(panels.country_states(ended), 1999, 2012)["year"].tolist() == list(range(2000, 2011))


def test_a_country_ending_before_a_spell_its_list_leaves_running_is_not_carried_on():
    tables = _tables(countries=[("XXX", 5, None, None, "2012-06-30")], states=[("cow", 5, "XXX")], spells=[("cow", 5, "2000-01-01", "2024-12-31", True)])
    out = panels.country_states(tables)
    assert out["end_date"].tolist() == [pd.Timestamp("2012-06-30")] and not bool(out["censored"][0])
    assert panels.country_state_years(out, 2010, 2026)["year"].tolist() == [2010, 2011, 2012]


def test_the_states_an_unresolved_training_may_belong_to_are_unknown_in_its_year_and_other_states_are_counted():
    placed = pd.DataFrame({"system": ["cow"] * 3, "code": pd.array([540, None, 2], dtype="Int64"), "year": [2019, 2019, 2019],
                           "title10": [True, False, True], "title22": [False, True, False], "students": pd.array([1, 2, 3], dtype="Int64"),
                           "cost": pd.array([10.0, None, 5.0], dtype="Float64"), "no_cost": [False, True, False],
                           "candidates": pd.array([None, "AGO BEN", None], dtype="string")})
    placed.attrs["crosswalk"] = pd.DataFrame({"country_id": pd.array(["AGO", "BEN", "USA"], dtype="string"), "system": ["cow"] * 3,
                                              "code": pd.array([540, 434, 2], dtype="Int64"), "year": [2019] * 3})
    frame = pd.DataFrame({"system": ["cow"] * 4, "code": pd.array([540, 434, 2, 2], dtype="Int64"), "year": [2019, 2019, 2019, 2018]})
    out = panels._with_trainings(frame, placed)
    assert [None if pd.isna(v) else int(v) for v in out["us_trainings"]] == [None, None, 1, None]  # 2018: no report covers it


# --- the shipped panel, recomputed cell by cell ----------------------------------------------------------

def _d(text):
    return date.fromisoformat(text) if text else None


@pytest.fixture(scope="module")
def recomputed():
    """Per (system, code, year): the counted trainings the codebook's rule places there, from plain rows."""
    countries = {r["country_id"]: r for r in read_rows(ROOT, "countries")}
    linked = defaultdict(set)
    for r in read_rows(ROOT, "states"):
        if r["country_id"]:
            linked[r["country_id"]].add((r["system"], int(r["code"])))
    for c, r in countries.items():
        for system, column in (("cow", "cow_code"), ("gw", "gw_code")):
            if r[column]:
                linked[c].add((system, int(r[column])))
    spells = defaultdict(list)
    for m in read_rows(ROOT, "state_memberships"):
        end = date(9999, 12, 31) if m["censored"] == "true" else _d(m["end_date"])
        spells[(m["system"], int(m["code"]))].append((_d(m["start_date"]), end))

    def state_of(country, system, year):
        own_start = _d(countries[country]["start_date"]) or date.min
        own_end = _d(countries[country]["end_date"]) or date.max
        found = []
        for sys_, code in linked.get(country, ()):
            if sys_ != system:
                continue
            for lo, hi in spells[(sys_, code)]:
                lo, hi = max(lo, own_start), min(hi, own_end)
                if lo <= hi and lo <= date(year, 12, 31) and hi >= date(year, 1, 1):
                    found.append((lo, code))
        return max(found)[1] if found else None

    with (ROOT / "tables" / "programs.csv").open(encoding="utf-8", newline="") as handle:
        title = {r["program_id"]: r["us_code_title"] for r in csv.DictReader(handle)}
    cells = defaultdict(lambda: [0, 0, 0, 0, 0.0, 0])
    unplaced = defaultdict(int)
    doubt = set()
    with (ROOT / "tables" / "trainings.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["counted"] != "true":
                continue
            year = int(r["fiscal_year"])
            for system in ("cow", "gw"):
                if r["country_candidates"]:
                    doubt.update((system, c, year) for c in r["country_candidates"].split())
                code = state_of(r["country_id"], system, year) if r["country_id"] else None
                if code is None:
                    unplaced[(system, year, r["country_printed"])] += 1
                    continue
                cell = cells[(system, code, year)]
                cell[0] += 1
                cell[1] += title.get(r["program_id"]) == "10"
                cell[2] += title.get(r["program_id"]) == "22"
                cell[3] += int(r["students"] or 0)
                cell[4] += float(r["cost_usd"] or 0)
                cell[5] += not r["cost_usd"]
    doubtful = {(s, state_of(c, s, y), y) for s, c, y in doubt} - {(s, None, y) for s, _, y in doubt}
    return cells, unplaced, doubtful


@pytest.mark.slow  # the real package
@pytest.mark.parametrize("system", ["cow", "gw"])
def test_every_training_cell_of_the_country_year_panel_equals_its_recount(recomputed, system):
    cells, _, doubtful = recomputed
    covered = {int(r["fiscal_year"]) for r in read_rows(ROOT, "trainings") if r["counted"] == "true"}
    checked = 0
    for row in read_rows(ROOT, f"country_years_{system}"):
        key = (row["system"], int(row[STEMS[system]]), int(row["year"]))
        if key[2] not in covered or key in doubtful:
            assert row["us_trainings"] == "" and row["us_training_cost_usd"] == "", key
            continue
        n, t10, t22, students, cost, no_cost = cells.get(key, [0, 0, 0, 0, 0.0, 0])
        assert (int(row["us_trainings"]), int(row["us_trainings_title10"]), int(row["us_trainings_title22"]),
                int(row["us_training_students"]), int(row["us_trainings_cost_missing"])) == (n, t10, t22, students, no_cost), key
        assert abs(float(row["us_training_cost_usd"]) - cost) < 0.01, key
        checked += 1
    assert checked > 3000
    placed = {k for k in cells if k[0] == system}
    shipped = {(r["system"], int(r[STEMS[system]]), int(r["year"])) for r in read_rows(ROOT, f"country_years_{system}")}
    assert placed <= shipped  # no training is placed in a state-year the panel does not hold


@pytest.mark.slow  # the real package
@pytest.mark.parametrize("system", ["cow", "gw"])
def test_every_counted_training_reaches_a_state_year_or_is_listed_with_its_reason(recomputed, system):
    cells, unplaced, _ = recomputed
    listed = {(r["system"], int(r["fiscal_year"]), r["country_printed"]): r for r in read_rows(ROOT, "unplaced_trainings")}
    mine = {k: v for k, v in unplaced.items() if k[0] == system}
    assert {k: int(v["trainings"]) for k, v in listed.items() if k[0] == system} == mine
    counted = sum(1 for r in read_rows(ROOT, "trainings") if r["counted"] == "true")
    assert sum(c[0] for k, c in cells.items() if k[0] == system) + sum(mine.values()) == counted
@pytest.mark.slow  # the real package
def test_serbia_and_montenegro_reaches_345_in_both_systems_and_angola_benin_2019_are_empty():
    scg = [r for r in read_rows(ROOT, "trainings") if r["country_id"] == "SCG" and r["counted"] == "true"]
    assert scg and {int(r["fiscal_year"]) for r in scg} <= set(range(2000, 2007))
    cy = {(r["system"], r[STEMS[r["system"]]], r["year"]): r for system in STEMS for r in read_rows(ROOT, f"country_years_{system}")}
    for r in scg:
        for system in ("cow", "gw"):
            assert int(cy[(system, "345", r["fiscal_year"])]["us_trainings"] or 0) >= 1
    for system in ("cow", "gw"):
        for code in ("540", "434"):  # Angola, Benin
            assert cy[(system, code, "2019")]["us_trainings"] == "" and cy[(system, code, "2018")]["us_trainings"] != ""
    reasons = {(r["system"], r["fiscal_year"], r["country_printed"]): r["reason"] for r in read_rows(ROOT, "unplaced_trainings")}
    assert reasons[("cow", "2019", "Angola")] == "country_unresolved"
