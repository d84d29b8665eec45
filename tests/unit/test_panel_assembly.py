"""The panels step assembled on the small world of ``test_panel_rules.py`` with countries, a 2+2 series and a few
trainings added: the tables the step writes, each system's codes named as peace science names them, the 2+2
meetings counted per dyad-year only where the partner's series is known complete, and the trainings a panel
counts (each fiscal year once, with its program's Title). The values are worked out by hand here."""

import pandas as pd
import pytest

from ddsc.pipeline.derived import panels as P
from tests.conftest import shared
from tests.unit.test_panel_rules import STATES, _frame, _series, tables


def _world() -> dict:
    t = tables()
    t["state_memberships"]["start_date"] = pd.Timestamp("2005-01-01")  # members from 2005: the panels start there
    t["countries"] = _frame([(c, code, None, None, None) for c, code in STATES.items()],
                            ["country_id", "cow_code", "gw_code", "start_date", "end_date"], dates=("start_date", "end_date"), ints=("cow_code", "gw_code"))
    philippines = _series([1, 2, 3], ["2010-03-01", "2012-05-01", "2014-01-01"])
    australia = _series([None], ["2011-01-01"], partner="AUS")  # a meeting without its number: the series is not known complete
    for name in ("jp_activities", "jp_activity_countries"):
        frame = pd.concat([philippines[name], australia[name].replace({"m0": "a0"})], ignore_index=True)
        t[name] = frame
    t["programs"] = _frame([("imet", "22"), ("ctfp", "10")], ["program_id", "us_code_title"])
    t["trainings"] = _frame(
        [("imet", "PHL", None, "Philippines", 2010, True, 3, 5.0), ("ctfp", "PHL", None, "Philippines", 2010, True, 2, None),
         ("imet", "PHL", None, "Philippines", 2010, True, 1, 1.25),
         ("imet", "PHL", None, "Philippines", 2010, False, 9, 9.0), ("imet", "GBR", None, "United Kingdom", 2011, True, 1, 1.0),
         ("imet", None, None, "West Bank", 2011, True, 4, 2.0)],
        ["program_id", "country_id", "country_candidates", "country_printed", "fiscal_year", "counted", "students", "cost_usd"],
        ints=("fiscal_year", "students"), floats=("cost_usd",), booleans=("counted",))
    return t


STEP = shared(lambda: P.run(_world()))  # the step's tables, computed once for the tests that read them


def _cells(frame, key, code, column, years):
    rows = frame[frame[key] == code].set_index("year")[column]
    return {y: None if pd.isna(rows[y]) else rows[y] for y in years}


def test_the_step_writes_the_crosswalk_both_panels_of_both_systems_and_the_unplaced_trainings():
    out = STEP()
    assert set(out) == {"country_states", "country_years_cow", "country_years_gw", "dyad_years_cow", "dyad_years_gw", "unplaced_trainings"}
    assert list(out["country_years_cow"].columns[:2]) == ["ccode", "year"] and list(out["dyad_years_cow"].columns[:3]) == ["ccode1", "ccode2", "year"]
    assert list(out["dyad_years_gw"].columns[:3]) == ["gwcode1", "gwcode2", "year"] and out["dyad_years_gw"].empty
    assert out["unplaced_trainings"][["system", "fiscal_year", "country_printed", "reason", "trainings"]].values.tolist() == [
        ["cow", 2011, "West Bank", "country_not_mapped", 1],  # the world has no G&W state: every country stands for none
        ["gw", 2010, "Philippines", "no_state", 3], ["gw", 2011, "United Kingdom", "no_state", 1], ["gw", 2011, "West Bank", "country_not_mapped", 1]]


def test_two_plus_two_meetings_are_counted_where_the_series_is_complete_and_empty_after_it_or_without_one():
    dyads = STEP()["dyad_years_cow"]
    years = range(2008, 2016)
    assert _cells(dyads, "ccode2", STATES["PHL"], "two_plus_two_meetings", years) == {2008: 0, 2009: 0, 2010: 1, 2011: 0, 2012: 1, 2013: 0, 2014: 1, 2015: None}
    assert set(_cells(dyads, "ccode2", STATES["AUS"], "two_plus_two_meetings", years).values()) == {None}


def test_activity_counts_follow_the_rows_of_the_frame_they_are_given():
    frame = STEP()["dyad_years_cow"].rename(columns={"ccode1": "code1", "ccode2": "code2"})
    some = frame[(frame["code2"] == STATES["PHL"]) & (frame["year"] >= 2012)]  # an index that is not 0..n-1
    counts = P.activity_counts(_world(), "two_plus_two", some, P.FIRST_YEAR, 2015)
    assert counts.index.tolist() == some.index.tolist()
    assert [None if pd.isna(v) else int(v) for v in counts] == [1, 0, 1, None]


def test_the_trainings_of_a_country_year_are_its_counted_rows_by_title_students_and_cost():
    countries = STEP()["country_years_cow"]
    philippines = countries[countries["ccode"] == STATES["PHL"]].set_index("year")
    columns = ["us_trainings", "us_trainings_title10", "us_trainings_title22", "us_training_students", "us_training_cost_usd", "us_trainings_cost_missing"]
    assert philippines.loc[2010, columns].tolist() == [3, 1, 2, 6, 6.25, 1]  # dollars and cents
    assert philippines.loc[2011, columns].tolist() == [0, 0, 0, 0, 0.0, 0]  # a year a report covers: none
    assert philippines.loc[2009, columns].isna().all()  # no report covers it


def _crosswalk_world(countries, states, spells) -> dict:
    return {"countries": _frame(countries, ["country_id", "cow_code", "gw_code", "start_date", "end_date"], dates=("start_date", "end_date"), ints=("cow_code", "gw_code")),
            "states": _frame(states, ["system", "code", "country_id"], ints=("code",)),
            "state_memberships": _frame(spells, ["system", "code", "start_date", "end_date", "censored"], dates=("start_date", "end_date"), ints=("code",), booleans=("censored",))}


def test_a_country_that_outlives_its_state_keeps_the_spells_end_and_the_codes_stay_integers():
    world = _crosswalk_world([("XXX", 5, None, None, "2020-12-31")], [], [("cow", 5, "2000-01-01", "2010-12-31", False)])
    out = P.country_states(world)
    assert out[["country_id", "code", "start_date", "end_date", "basis"]].values.tolist() == [
        ["XXX", 5, pd.Timestamp("2000-01-01"), pd.Timestamp("2010-12-31"), "country_code"]]
    assert str(out["code"].dtype) == "Int64"


def test_every_country_that_would_stand_for_two_states_on_one_day_is_named():
    world = _crosswalk_world([("AAA", 1, None, None, None), ("BBB", 3, None, None, None)], [("cow", 2, "AAA"), ("cow", 4, "BBB")],
                             [("cow", c, "2000-01-01", "2010-12-31", False) for c in (1, 2, 3, 4)])
    with pytest.raises(ValueError) as err:
        P.country_states(world)
    assert str(err.value) == "countries that stand for two states of one system on one day: AAA (cow), BBB (cow)"


def test_an_agreement_that_ended_before_its_partner_joined_the_system_is_not_in_force_in_the_year_it_joins():
    from tests.unit.test_panel_rules import _agreement

    t = tables([_agreement("G", "information_security", "GBR", "2009-01-01", end="2012-03-01", status="expired")], projects=[])
    m = t["state_memberships"]
    m.loc[m["code"] == STATES["GBR"], "start_date"] = pd.Timestamp("2012-07-01")  # a member from July 2012 only
    countries = P.country_years(t, 2011, 2013)
    britain = countries[countries["code"] == STATES["GBR"]].set_index("year")
    assert britain["jp_infosec_any"].tolist() == [0, 0] and britain.index.tolist() == [2012, 2013]


def test_a_country_ending_on_the_last_day_its_list_leaves_running_is_not_carried_on():
    world = _crosswalk_world([("XXX", 5, None, None, "2024-12-31")], [], [("cow", 5, "2000-01-01", "2024-12-31", True)])
    out = P.country_states(world)
    assert out["end_date"].tolist() == [pd.Timestamp("2024-12-31")] and not bool(out["censored"][0])
    assert P.country_state_years(out, 2023, 2026)["year"].tolist() == [2023, 2024]
