"""The panel rules of ddsc/pipeline/derived/panels.py on a small world written here, one partner of Japan per rule, each
with the values the rule gives worked out by hand in its test: successors hand over at the entry into force of
the first of them (at the end of its period when it is dated to the month or year), parallel agreements of
one family are counted apart and the latest named, an agreement ended without an end date is unknown after
its entry into force, one only signed is unknown from its signature, a membership ending mid-year keeps its
year but not its 31 December, an OSA project counts while its state is a member (its last day in, the day
after out), and the panels keep to their years. Nothing here reads today's tables."""

import pandas as pd
import pytest

from ddsc import api
from ddsc.pipeline.derived import panels as P
from tests.conftest import shared

FIRST, LAST = 2008, 2016
YEARS = range(FIRST, LAST + 1)
STATES = {"JPN": 740, "AUS": 900, "GBR": 200, "IND": 750, "FRA": 220, "DEU": 255, "KOR": 732, "ITA": 325, "PHL": 840, "NZL": 920}
ENDS = {"DEU": "2012-06-30", "KOR": "2012-12-31"}  # members until then (not censored); every other state to the list's end


def _agreement(sid, family, partner, in_force=None, signed=None, end=None, status="in_force", replaces=None, in_force_precision="day", end_precision="day"):
    return dict(statute_id=sid, agreement_family=family, partner=partner, signed_date=signed or in_force, in_force_date=in_force,
                in_force_date_precision=in_force_precision if in_force else None, end_date=end, end_date_precision=end_precision if end else None,
                status=status, replaces_statute_id=replaces)


AGREEMENTS = [
    # successors (AUS): A superseded by B and, later, by C; B expired at its end date
    _agreement("A", "information_security", "AUS", "2005-01-01", status="superseded"),
    _agreement("B", "information_security", "AUS", "2012-03-01", end="2013-06-30", status="expired", replaces="A"),
    _agreement("C", "information_security", "AUS", "2015-01-01", replaces="A"),
    # parallel agreements of one family (GBR): X and the later Y, which ends in 2016 while X runs on
    _agreement("X", "acquisition_cross_servicing", "GBR", "2009-06-01"),
    _agreement("Y", "acquisition_cross_servicing", "GBR", "2014-03-01", end="2016-06-30", status="expired"),
    # expired without an end date (IND); an end known to the year only (FRA)
    _agreement("E", "reciprocal_access", "IND", "2010-05-01", status="expired"),
    _agreement("F", "reciprocal_access", "FRA", "2008-01-01", end="2011-01-01", end_precision="year", status="expired"),
    # memberships ending mid-year (DEU) and on 31 December (KOR)
    _agreement("Z", "equipment_technology_transfer", "DEU", "2009-01-01"),
    _agreement("W", "equipment_technology_transfer", "KOR", "2009-01-01"),
    # only signed (ITA); in force before its signature, as recorded (PHL)
    _agreement("S", "status_of_forces", "ITA", signed="2011-04-01", status="signed"),
    _agreement("T", "status_of_forces", "PHL", "2008-06-30", signed="2008-09-01"),
    # a successor dated to the year only, of another family (NZL): Q hands over to R at the end of 2012
    _agreement("Q", "security_treaty", "NZL", "2008-01-01", status="superseded"),
    _agreement("R", "status_of_forces", "NZL", "2012-01-01", in_force_precision="year", replaces="Q"),
]
PROJECTS = [("2012-06-30", "DEU", 100.0, "JPY"), ("2012-07-01", "DEU", 50.0, "JPY"), ("2011-03-01", "PHL", 10.0, "JPY"),
            ("2011-09-01", "PHL", 5.0, "JPY"), ("2013-01-01", "PHL", 7.0, "USD"), ("2013-05-01", "PHL", 3.0, "JPY"), ("2014-01-01", "PHL", None, "JPY")]


def _frame(rows, columns, dates=(), ints=(), floats=(), booleans=()):
    frame = pd.DataFrame(rows, columns=columns)
    for c in columns:
        frame[c] = (pd.to_datetime(frame[c]) if c in dates else frame[c].astype("Int64") if c in ints else frame[c].astype("Float64") if c in floats
                    else frame[c].astype("boolean") if c in booleans else frame[c].astype("string"))
    return frame


def tables(agreements=AGREEMENTS, projects=PROJECTS, ends=ENDS) -> dict:
    """The typed core tables the panels read, COW only: Japan and its partners, members from 1946."""
    columns = ["statute_id", "agreement_family", "signed_date", "in_force_date", "in_force_date_precision", "end_date", "end_date_precision", "status", "replaces_statute_id"]
    statutes = _frame([[a[c] for c in columns] for a in agreements], columns, dates=("signed_date", "in_force_date", "end_date"))
    parties = _frame([(a["statute_id"], country, "party") for a in agreements for country in ("JPN", a["partner"])], ["statute_id", "country_id", "role"])
    projects = _frame([("jp_osa", day, country, amount, currency) for day, country, amount, currency in projects],
                      ["program_id", "agreement_date", "recipient_country_id", "amount", "currency"], dates=("agreement_date",), floats=("amount",))
    states = _frame([("cow", code, country) for country, code in STATES.items()], ["system", "code", "country_id"], ints=("code",))
    memberships = _frame([("cow", code, "1946-01-01", ends.get(country, "2024-12-31"), country not in ends) for country, code in STATES.items()],
                         ["system", "code", "start_date", "end_date", "censored"], dates=("start_date", "end_date"), ints=("code",), booleans=("censored",))
    return {"statutes": statutes, "statute_countries": parties, "projects": projects, "states": states, "state_memberships": memberships}


def _world():
    t = tables()
    return P.dyad_years(t, FIRST, LAST), P.country_years(t, FIRST, LAST)


@pytest.fixture
def world():
    return _shared_world()


_shared_world = shared(_world)


def _by_year(frame: pd.DataFrame, key: str, code: int, column: str) -> dict:
    rows = frame[frame[key] == code]
    return {int(y): (None if pd.isna(v) else v) for y, v in zip(rows["year"], rows[column])}


def dyad(world, partner, column):
    return _by_year(world[0], "code2", STATES[partner], column)


def country(world, partner, column):
    return _by_year(world[1], "code", STATES[partner], column)


def _years(values: dict) -> dict:
    """{year: value} for every panel year from a {(first, last): value} of spans."""
    return {y: v for (a, b), v in values.items() for y in range(a, b + 1)}


# --- successors --------------------------------------------------------------------------------------------

def test_an_agreement_ends_when_its_first_successor_enters_into_force(world):
    # A until B (2012-03-01); B to 2013-06-30; nothing in 2014 (C, A's later successor, does not keep A alive); C from 2015
    assert dyad(world, "AUS", "infosec_in_force_any") == _years({(2008, 2013): True, (2014, 2014): False, (2015, 2016): True})
    assert dyad(world, "AUS", "infosec_in_force_dec31") == _years({(2008, 2012): True, (2013, 2014): False, (2015, 2016): True})
    assert dyad(world, "AUS", "infosec_id") == _years({(2008, 2011): "A", (2012, 2013): "B", (2014, 2014): None, (2015, 2016): "C"})
    assert country(world, "AUS", "jp_infosec_any") == _years({(2008, 2013): 1, (2014, 2014): 0, (2015, 2016): 1})  # one lineage


def test_a_successor_dated_to_the_year_hands_over_on_the_last_day_of_that_year(world):
    assert dyad(world, "NZL", "security_treaty_in_force_any") == _years({(2008, 2012): True, (2013, 2016): False})
    assert dyad(world, "NZL", "security_treaty_in_force_dec31") == _years({(2008, 2011): True, (2012, 2016): False})
    assert dyad(world, "NZL", "sofa_in_force_dec31") == _years({(2008, 2011): False, (2012, 2016): True})


# --- parallel agreements --------------------------------------------------------------------------------------

def test_two_agreements_of_one_family_in_force_together_are_counted_apart_and_the_latest_is_named(world):
    assert country(world, "GBR", "jp_acsa_dec31") == _years({(2008, 2008): None, (2009, 2013): 1, (2014, 2015): 2, (2016, 2016): 1})
    assert country(world, "GBR", "jp_acsa_any") == _years({(2008, 2008): None, (2009, 2013): 1, (2014, 2016): 2})
    # the one in force on 31 December with the latest entry into force; in 2016 Y has ended, X is named
    assert dyad(world, "GBR", "acsa_id") == _years({(2008, 2008): None, (2009, 2013): "X", (2014, 2015): "Y", (2016, 2016): "X"})
    assert dyad(world, "GBR", "acsa_in_force_dec31") == _years({(2008, 2008): None, (2009, 2016): True})  # the family starts in 2009


def test_japan_counts_every_agreement_of_a_family_with_any_partner(world):
    assert country(world, "JPN", "jp_acsa_dec31") == country(world, "GBR", "jp_acsa_dec31")
    # Japan's own row counts an agreement while Japan is a member, whether or not its partner's state still is
    assert country(world, "JPN", "jp_equipment_dec31") == _years({(2008, 2008): None, (2009, 2016): 2})
    assert country(world, "JPN", "jp_raa_any") == _years({(2008, 2009): 1, (2010, 2010): 2, (2011, 2016): None})


# --- ended agreements -----------------------------------------------------------------------------------------

def test_an_agreement_expired_without_an_end_date_is_unknown_after_its_entry_into_force(world):
    assert dyad(world, "IND", "raa_in_force_any") == _years({(2008, 2009): False, (2010, 2010): True, (2011, 2016): None})
    assert dyad(world, "IND", "raa_in_force_dec31") == _years({(2008, 2009): False, (2010, 2016): None})
    assert country(world, "IND", "jp_raa_any") == _years({(2008, 2009): 0, (2010, 2010): 1, (2011, 2016): None})
    assert dyad(world, "IND", "raa_id") == _years({(2008, 2009): None, (2010, 2010): "E", (2011, 2016): None})


def test_an_end_dated_to_the_year_ends_on_its_last_day(world):
    assert dyad(world, "FRA", "raa_in_force_any") == _years({(2008, 2011): True, (2012, 2016): False})
    assert dyad(world, "FRA", "raa_in_force_dec31") == _years({(2008, 2010): True, (2011, 2016): False})


def test_an_agreement_only_signed_is_unknown_from_its_signature_and_none_before(world):
    assert dyad(world, "ITA", "sofa_in_force_any") == _years({(2008, 2010): False, (2011, 2016): None})
    assert country(world, "ITA", "jp_sofa_dec31") == _years({(2008, 2010): 0, (2011, 2016): None})


def test_an_entry_into_force_recorded_before_the_signature_counts_from_the_signature(world):
    frame = P.agreement_intervals(tables(), pd.Timestamp(f"{LAST + 1}-01-01")).set_index(["statute_id", "kind"])
    assert frame.loc[("T", "known"), "lo"] == pd.Timestamp("2008-09-01") and frame.loc[("R", "known"), "lo"] == pd.Timestamp("2012-01-01")
    assert frame.loc[("Q", "known"), "hi"] == pd.Timestamp("2012-12-31") and frame.loc[("A", "known"), "hi"] == pd.Timestamp("2012-03-01")


# --- memberships and years --------------------------------------------------------------------------------------

def test_a_membership_ending_mid_year_keeps_the_year_but_not_its_31_december(world):
    assert dyad(world, "DEU", "member_dec31") == _years({(2008, 2011): True, (2012, 2012): False})
    assert dyad(world, "DEU", "equipment_in_force_any") == _years({(2008, 2008): None, (2009, 2012): True})  # the family's first agreement is of 2009
    assert dyad(world, "DEU", "equipment_in_force_dec31") == _years({(2008, 2008): None, (2009, 2011): True, (2012, 2012): False})
    assert dyad(world, "KOR", "equipment_in_force_dec31") == _years({(2008, 2008): None, (2009, 2012): True})  # a member on 31 December 2012
    assert dyad(world, "KOR", "member_dec31") == _years({(2008, 2012): True})


def test_a_dyad_is_a_member_on_31_december_only_when_japan_is_too():
    frame = P.dyad_years(tables(ends={**ENDS, "JPN": "2014-06-30"}), 2013, 2016)
    assert _by_year(frame, "code2", 900, "member_dec31") == {2013: True, 2014: False}
    assert _by_year(frame, "code2", 200, "acsa_in_force_dec31") == {2013: True, 2014: False}
    assert _by_year(frame, "code2", 200, "acsa_in_force_any") == {2013: True, 2014: True}


def test_a_panel_holds_the_member_years_of_each_state_and_of_each_dyad_with_japan():
    t = tables()
    years = P.state_years(t, FIRST, LAST)
    assert set(years.loc[years["code"] == 255, "year"]) == set(range(2008, 2013)) and len(years) == 8 * 9 + 5 * 2
    assert str(years["year"].dtype) == "int64"
    dyads = P.dyad_years(t, 2015, 2016)
    assert len(dyads) == 2 * 7 and set(dyads["code1"]) == {740} and 740 not in set(dyads["code2"])
    assert dyads["carried_forward"].eq(False).all()


def test_years_after_the_end_of_a_list_are_carried_forward():
    t = tables()
    t["state_memberships"]["end_date"] = t["state_memberships"]["end_date"].where(~t["state_memberships"]["censored"], pd.Timestamp("2014-12-31"))
    years = P.state_years(t, 2013, 2016)
    japan = years[years["code"] == 740].set_index("year")
    assert japan["carried_forward"].to_dict() == {2013: False, 2014: False, 2015: True, 2016: True} and japan["member_dec31"].all()


def test_a_family_without_a_recorded_agreement_before_a_year_is_unknown_in_it(world):
    t = tables([_agreement("late", "information_security", "AUS", "2012-05-01")], projects=[])
    frame = P.dyad_years(t, FIRST, LAST)
    assert _by_year(frame, "code2", 900, "infosec_in_force_dec31") == _years({(2008, 2011): None, (2012, 2016): True})
    assert _by_year(frame, "code2", 200, "infosec_in_force_dec31") == _years({(2008, 2011): None, (2012, 2016): False})
    assert _by_year(frame, "code2", 900, "acsa_in_force_dec31") == _years({(2008, 2016): None})  # a family with no agreement at all


def test_the_last_panel_year_is_the_year_before_the_latest_date_the_panels_read():
    assert P.last_year(tables()) == 2015  # C enters into force on 2015-01-01: 2015 is still running when the tables end
    assert P.last_year(tables(projects=PROJECTS + [("2016-12-31", "PHL", 1.0, "JPY")])) == 2016  # a year whose last day is in


# --- Official Security Assistance ------------------------------------------------------------------------------

def test_an_osa_project_counts_on_the_last_day_of_a_membership_and_not_the_day_after(world):
    assert country(world, "DEU", "osa_projects") == _years({(2008, 2011): 0, (2012, 2012): 1})
    assert country(world, "DEU", "osa_committed_jpy") == _years({(2008, 2011): 0.0, (2012, 2012): 100.0})


def test_osa_yen_are_summed_by_year_and_missing_where_an_amount_is_missing_or_in_another_currency(world):
    assert country(world, "PHL", "osa_projects") == _years({(2008, 2010): 0, (2011, 2011): 2, (2012, 2012): 0, (2013, 2013): 2, (2014, 2014): 1, (2015, 2016): 0})
    assert country(world, "PHL", "osa_committed_jpy") == _years({(2008, 2010): 0.0, (2011, 2011): 15.0, (2012, 2012): 0.0, (2013, 2014): None, (2015, 2016): 0.0})


# --- the panel as ddsc.panel returns it --------------------------------------------------------------------------

def test_panel_returns_the_rows_of_the_table_given_with_a_clean_index_and_no_system_column():
    frame = pd.DataFrame({"system": ["cow"] * 3, "ccode": [900, 740, 200], "year": [2010] * 3}, index=[7, 3, 11])
    out = api.panel("country_years", system="COW", tables={"country_years_cow": frame[frame["ccode"] != 740]})
    assert list(out.columns) == ["ccode", "year"] and out.index.equals(pd.RangeIndex(2)) and out["ccode"].tolist() == [900, 200]
    with pytest.raises(ValueError, match="system must be one of cow, gw"):
        api.panel("country_years", system="polity", tables={})
    with pytest.raises(ValueError, match="no panel named 'state_years'"):
        api.panel("state_years", tables={})


# --- the rules one at a time ------------------------------------------------------------------------------------

def test_a_family_is_known_from_the_year_of_its_first_signature_or_else_entry_into_force():
    agreements = [_agreement("late", "information_security", "AUS", "2012-05-01", signed="2011-12-01"), _agreement("early", "information_security", "GBR", "2013-01-01")]
    agreements[1]["signed_date"] = None  # only its entry into force recorded
    agreements.append({**_agreement("never", "reciprocal_access", "IND"), "signed_date": None})  # neither date: no first year
    unsigned = [{**_agreement("u", "status_of_forces", "FRA", "2010-03-01"), "signed_date": None}]
    assert P.family_first_years(tables(agreements, projects=[])) == {"information_security": 2011}
    assert P.family_first_years(tables(unsigned, projects=[])) == {"status_of_forces": 2010}


def test_a_date_of_month_or_year_precision_stands_for_the_last_day_of_its_period_at_an_end():
    dates = pd.Series(pd.to_datetime(["2011-02-01", "2012-01-01", "2013-05-05", None, "2016-02-01"]))
    precision = pd.Series(["month", "year", "day", None, "month"], dtype="string")
    assert P._period_end(dates, precision).tolist() == [pd.Timestamp(d) if d else pd.NaT for d in ("2011-02-28", "2012-12-31", "2013-05-05", None, "2016-02-29")]


def test_an_end_or_a_successor_dated_to_the_month_ends_an_agreement_on_the_last_day_of_that_month():
    agreements = [_agreement("M", "reciprocal_access", "FRA", "2009-01-01", end="2011-12-01", end_precision="month", status="expired"),
                  _agreement("P", "security_treaty", "NZL", "2008-01-01", status="superseded"),
                  _agreement("N", "security_treaty", "NZL", "2013-11-01", in_force_precision="month", replaces="P")]
    frame = P.agreement_intervals(tables(agreements, projects=[]), pd.Timestamp("2017-01-01")).set_index(["statute_id", "kind"])
    assert frame.loc[("M", "known"), "hi"] == pd.Timestamp("2011-12-31") and frame.loc[("P", "known"), "hi"] == pd.Timestamp("2013-11-30")
    dyads = P.dyad_years(tables(agreements, projects=[]), 2010, 2016)
    assert _by_year(dyads, "code2", STATES["FRA"], "raa_in_force_dec31") == _years({(2010, 2010): True, (2011, 2016): False})
    assert _by_year(dyads, "code2", STATES["FRA"], "raa_in_force_any") == _years({(2010, 2011): True, (2012, 2016): False})


def test_a_lineage_stops_where_its_chain_of_successors_turns_back_on_itself():
    chain = pd.DataFrame({"statute_id": ["A", "B", "C", "D"], "replaces_statute_id": ["B", "C", "B", None]})
    assert P._lineages(chain).tolist() == ["C", "C", "B", "D"]  # each followed until the next step would return to where it has been


def test_an_agreement_entering_into_force_on_31_december_is_in_force_on_that_day_and_one_ending_then_is_not():
    agreements = [_agreement("D", "reciprocal_access", "FRA", "2012-12-31"), _agreement("O", "acquisition_cross_servicing", "GBR", "2010-01-01", end="2013-12-31", status="expired")]
    dyads = P.dyad_years(tables(agreements, projects=[]), 2011, 2014)
    assert _by_year(dyads, "code2", STATES["FRA"], "raa_in_force_dec31") == {2011: None, 2012: True, 2013: True, 2014: True}
    assert _by_year(dyads, "code2", STATES["GBR"], "acsa_in_force_dec31") == {2011: True, 2012: True, 2013: False, 2014: False}
    assert _by_year(dyads, "code2", STATES["GBR"], "acsa_in_force_any") == {2011: True, 2012: True, 2013: True, 2014: False}


def test_an_agreement_ending_on_the_day_it_enters_into_force_is_in_force_on_no_day():
    agreements = [_agreement("first", "reciprocal_access", "IND", "2009-01-01"), _agreement("blink", "reciprocal_access", "FRA", "2012-06-01", end="2012-06-01", status="expired")]
    dyads = P.dyad_years(tables(agreements, projects=[]), 2011, 2013)
    assert _by_year(dyads, "code2", STATES["FRA"], "raa_in_force_any") == {2011: False, 2012: False, 2013: False}


def test_an_agreement_without_any_date_may_be_in_force_in_every_year_of_its_family():
    agreements = [_agreement("dated", "information_security", "AUS", "2009-01-01"), {**_agreement("undated", "information_security", "GBR", status="signed"), "signed_date": None}]
    dyads = P.dyad_years(tables(agreements, projects=[]), 2008, 2010)
    assert _by_year(dyads, "code2", STATES["GBR"], "infosec_in_force_any") == {2008: None, 2009: None, 2010: None}  # 2008: before the family's first year
    assert _by_year(dyads, "code2", STATES["IND"], "infosec_in_force_any") == {2008: None, 2009: False, 2010: False}


def test_each_unplaced_training_gets_the_reason_that_explains_it():
    """A row whose country cannot be told apart is unresolved even though its country_id is empty; an empty
    country_id alone is a name that is no country; a country without a state, or a state not a member that year."""
    placed = pd.DataFrame({
        "system": ["cow"] * 4, "year": [2019] * 4,
        "country_printed": ["Angola or Benin", "West Bank", "Puerto Rico", "Serbia"],
        "country_id": pd.array([pd.NA, pd.NA, "PRI", "SRB"], dtype="string"),
        "candidates": pd.array(["AGO BEN", pd.NA, pd.NA, pd.NA], dtype="string"),
        "code": pd.array([pd.NA] * 4, dtype="Int64"),
        "title10": [True] * 4, "students": [1] * 4, "cost": [1.0] * 4,
    })
    placed.attrs["crosswalk"] = pd.DataFrame({"country_id": ["SRB"], "system": ["cow"], "year": [2010], "code": [345]})
    reasons = dict(zip(P.unplaced_trainings(placed)["country_printed"], P.unplaced_trainings(placed)["reason"]))
    assert reasons == {"Angola or Benin": "country_unresolved", "West Bank": "country_not_mapped", "Puerto Rico": "no_state", "Serbia": "not_a_member"}


def test_a_state_of_two_spells_in_a_year_is_a_member_on_31_december_when_its_later_spell_holds_that_day():
    t = tables()
    m = t["state_memberships"]
    again = m[m["code"] == 255].assign(start_date=pd.Timestamp("2012-10-03"), end_date=pd.Timestamp("2024-12-31"), censored=pd.array([True], dtype="boolean"))
    t["state_memberships"] = pd.concat([m, again], ignore_index=True)  # DEU: a member until 30 June 2012, again from 3 October
    years = P.state_years(t, 2011, 2013)
    germany = years[years["code"] == 255].set_index("year")
    assert germany["member_dec31"].to_dict() == {2011: True, 2012: True, 2013: True}
    assert len(germany) == 3  # one row per year, however many spells it holds


def _series(ordinals, days, partner="PHL"):
    ids = [f"m{i}" for i in range(len(days))]
    activities = pd.DataFrame({"activity_id": pd.array(ids, dtype="string"), "kind": pd.array(["two_plus_two"] * len(ids), dtype="string"),
                               "ordinal": pd.array(ordinals, dtype="Int64"), "start_date": pd.to_datetime(days)})
    links = pd.DataFrame({"activity_id": pd.array(ids * 2, dtype="string"), "country_id": pd.array([partner] * len(ids) + ["JPN"] * len(ids), dtype="string"),
                          "role": pd.array(["partner"] * len(ids) + ["host"] * len(ids), dtype="string")})
    return {"jp_activities": activities, "jp_activity_countries": links}


def test_a_series_is_complete_to_its_latest_year_only_when_numbered_from_one_in_date_order():
    complete = P.complete_series(_series([2, 1, 3], ["2012-05-01", "2010-03-01", "2014-01-01"]), "two_plus_two")
    assert set(complete["complete_to"]) == {2014} and set(complete["country_id"]) == {"PHL"}  # a host is not a partner
    for ordinals in ([0, 1, 2], [1, 2, 4], [1, None, 3], [2, 1, 3][::-1]):
        found = P.complete_series(_series(ordinals, ["2010-03-01", "2012-05-01", "2014-01-01"]), "two_plus_two")
        assert found["complete_to"].isna().all(), ordinals
