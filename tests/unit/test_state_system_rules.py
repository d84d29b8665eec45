"""The state_systems and countries steps' readers and rules on tiny lists written here: the COW list's version
check, the G&W files' encoding, censored spells, the rule that links a state to a country (COW by code, G&W by
its COW twin of the same code and abbreviation), the curation rows on top of it and the guards that stop the
step, and the countries step's precedence (the curated file over pycountry and the COW names)."""

from datetime import date

import pandas as pd
import pytest

from ddsc.pipeline.sources import countries as C
from ddsc.pipeline.sources import state_systems as S

COW_HEADER = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
GW_HEADER = "statenumber\tstateid\tcountryname\tstart\tend\n"
JAPAN = ("JPN", 740, "Japan", "1816-01-01", "2024-12-31")
GERMANY = [("GMY", 255, "Germany", "1816-01-01", "1945-05-08"), ("GFR", 260, "German Federal Republic", "1955-05-05", "1990-10-02"),
           ("GMY", 255, "Germany", "1990-10-03", "2024-12-31")]


def _cow(rows, version="2024") -> bytes:
    def cells(abb, code, name, start, end):
        (sy, sm, sd), (ey, em, ed) = (map(int, start.split("-")), map(int, end.split("-")))
        return f"{abb},{code},{name},{sy},{sm},{sd},{ey},{em},{ed},{version}\n"
    return (COW_HEADER + "".join(cells(*r) for r in rows)).encode("utf-8")


def _gw(rows) -> bytes:
    return (GW_HEADER + "".join(f"{code}\t{abb}\t{name}\t{start}\t{end}\n" for abb, code, name, start, end in rows)).encode("cp1252")


def _files(cow=(JAPAN,), gw=(("JPN", 740, "Japan", "1816-01-01", "2020-12-31"),), micro=(), version="2024") -> dict:
    return {"cow_statelist2024.csv": _cow(cow, version), "ksgmdw.txt": _gw(gw), "microstates.txt": _gw(micro)}


def _spell(system, code, abb, start="1816-01-01", end="2020-12-31", name=None):
    return S.Spell(system, code, abb, name or abb, date.fromisoformat(start), date.fromisoformat(end), None if system == "cow" else False, "c")


# --- reading the lists -------------------------------------------------------------------------------------

def test_the_lists_are_read_with_their_dates_systems_and_microstate_flags():
    found = S.spells(_files(gw=[("JPN", 740, "Japan", "1816-01-01", "2020-12-31")], micro=[("DMA", 54, "Dominica", "1978-11-03", "2020-12-31")]))
    assert [(s.system, s.code, s.abbreviation, s.start, s.end, s.microstate, s.citation_id) for s in found] == [
        ("cow", 740, "JPN", date(1816, 1, 1), date(2024, 12, 31), None, "cow_2024"),
        ("gw", 740, "JPN", date(1816, 1, 1), date(2020, 12, 31), False, "gleditsch_ward_1999"),
        ("gw", 54, "DMA", date(1978, 11, 3), date(2020, 12, 31), True, "gleditsch_microstates")]


@pytest.mark.parametrize("version", ["2023", "2024.1", "", "2025"])
def test_a_cow_list_of_another_version_stops_the_step_naming_the_file(version):
    with pytest.raises(ValueError, match=f"cow_statelist2024.csv: version '{version}', expected 2024"):
        S.spells(_files(version=version))


def test_the_cow_version_is_read_without_surrounding_spaces():
    assert len(S.spells(_files(version=" 2024 "))) == 2


def test_a_gw_name_is_read_as_windows_1252_where_latin_1_would_give_a_control_character():
    files = _files()
    files["ksgmdw.txt"] = GW_HEADER.encode() + b"437\tCDI\tCote D\x92Ivoire\t1960-08-07\t2020-12-31\n"
    assert [s.name for s in S.spells(files) if s.system == "gw"] == ["Cote D\u2019Ivoire"]


def test_a_spell_is_censored_when_it_ends_on_the_last_day_its_system_lists():
    spells = S.spells(_files(cow=[JAPAN, *GERMANY], gw=[("JPN", 740, "Japan", "1816-01-01", "2020-12-31"), ("GFR", 260, "Germany", "1949-09-21", "2020-12-30")]))
    assert S.list_ends(spells) == {"cow": date(2024, 12, 31), "gw": date(2020, 12, 31)}
    links = {(s.system, s.code): ("X", "") for s in spells}
    memberships = S.frames(spells, links)["state_memberships"]
    assert memberships[["system", "code", "censored"]].values.tolist() == [
        ["cow", 740, True], ["cow", 255, False], ["cow", 260, False], ["cow", 255, True], ["gw", 740, True], ["gw", 260, False]]


def test_a_state_listed_twice_takes_the_name_and_abbreviation_of_its_latest_spell():
    spells = [_spell("cow", 345, "YUG", "1878-07-13", "2006-06-04", "Yugoslavia"), _spell("cow", 345, "SRB", "2006-06-05", "2024-12-31", "Serbia"),
              _spell("gw", 345, "YUG")]
    states = S.frames(spells, {("cow", 345): ("SRB", ""), ("gw", 345): ("", "")})["states"]
    assert states[["code", "abbreviation", "name", "country_id"]].values.tolist()[0] == [345, "SRB", "Serbia", "SRB"]
    assert pd.isna(states.loc[0, "notes"]) and pd.isna(states.loc[0, "microstate"])


# --- states linked to countries ------------------------------------------------------------------------------

def test_a_cow_state_goes_to_the_one_country_with_its_code_and_its_gw_twin_follows():
    spells = [_spell("cow", 740, "JPN"), _spell("gw", 740, "JPN")]
    assert S.state_countries(spells, {"JPN": 740, "KOR": 732}, []) == {("cow", 740): ("JPN", ""), ("gw", 740): ("JPN", "")}


@pytest.mark.parametrize(("spells", "codes", "says"), [
    ([_spell("cow", 740, "JPN")], {}, "cow 740 'JPN': no country"),
    ([_spell("cow", 345, "YUG")], {"SRB": 345, "YUG": 345}, "cow 345 'YUG': countries SRB, YUG"),
    ([_spell("cow", 260, "GFR"), _spell("gw", 260, "GMY")], {"DEU": 260}, "gw 260 'GMY': no country"),  # same code, another abbreviation
    ([_spell("gw", 816, "DRV")], {"VNM": 816}, "gw 816 'DRV': no country"),                             # no COW twin: the COW code is not enough
])
def test_a_state_the_rule_cannot_link_and_no_curation_covers_stops_the_step(spells, codes, says):
    with pytest.raises(ValueError, match="states to curate") as err:
        S.state_countries(spells, codes, [])
    assert says in str(err.value)


def test_a_gw_state_whose_cow_twin_has_no_country_either_is_named_with_it():
    with pytest.raises(ValueError, match="states to curate") as err:
        S.state_countries([_spell("cow", 260, "GFR"), _spell("gw", 260, "GFR")], {}, [])
    assert "cow 260 'GFR': no country" in str(err.value) and "gw 260 'GFR': no country" in str(err.value)


def test_every_state_to_curate_is_named_at_once():
    with pytest.raises(ValueError) as err:
        S.state_countries([_spell("cow", 1, "A"), _spell("cow", 2, "B"), _spell("gw", 3, "C")], {}, [])
    assert all(f"{who}: no country" in str(err.value) for who in ("cow 1 'A'", "cow 2 'B'", "gw 3 'C'"))


def test_a_gw_twin_takes_its_cow_states_latest_abbreviation():
    # COW 345 is YUG and then SRB; G&W 345 (YUG throughout) is not the twin of the state COW lists last
    spells = [_spell("cow", 345, "YUG", "1878-07-13", "2006-06-04"), _spell("cow", 345, "SRB", "2006-06-05", "2024-12-31"), _spell("gw", 345, "YUG")]
    with pytest.raises(ValueError, match="gw 345 'YUG': no country"):
        S.state_countries(spells, {"SRB": 345}, [])
    assert S.state_countries(spells[:2] + [_spell("gw", 345, "SRB")], {"SRB": 345}, [])[("gw", 345)] == ("SRB", "")


def test_a_curation_row_wins_over_the_rule_and_may_leave_a_state_unlinked():
    spells = [_spell("cow", 260, "GFR"), _spell("gw", 260, "GFR"), _spell("cow", 365, "RUS")]
    curation = [dict(system="cow", code="260", country_id="DEU", notes="West Germany."), dict(system="cow", code="365", country_id="", notes="Not linked.")]
    links = S.state_countries(spells, {"DEU": 255, "SUN": 365, "RUS": 365}, curation)
    assert links == {("cow", 260): ("DEU", "West Germany."), ("cow", 365): ("", "Not linked."), ("gw", 260): ("DEU", "")}
    states = S.frames(spells, links)["states"].set_index(["system", "code"])
    assert pd.isna(states.loc[("cow", 365), "country_id"]) and states.loc[("cow", 365), "notes"] == "Not linked."


def test_a_gw_state_whose_cow_twin_is_curated_unlinked_needs_its_own_curation():
    spells = [_spell("cow", 365, "RUS"), _spell("gw", 365, "RUS")]
    with pytest.raises(ValueError, match="gw 365 'RUS': no country"):
        S.state_countries(spells, {}, [dict(system="cow", code="365", country_id="", notes="Not linked.")])


@pytest.mark.parametrize("row", [dict(system="cow", code="999", country_id="JPN", notes=""), dict(system="gw", code="740", country_id="JPN", notes="")])
def test_a_curation_row_for_a_state_in_neither_list_stops_the_step(row):
    with pytest.raises(ValueError, match=r"state_curation.csv: states not in the lists: \[\('" + row["system"]):
        S.state_countries([_spell("cow", 740, "JPN")], {"JPN": 740}, [row])


def test_a_country_takes_the_code_of_its_state_with_the_latest_spell():
    spells = [_spell("gw", 255, "GMY", "1816-01-01", "1945-05-08"), _spell("gw", 260, "GFR", "1949-09-21", "1990-10-02"),
              _spell("gw", 255, "GMY", "1990-10-03", "2020-12-31"), _spell("gw", 265, "GDR", "1949-10-07", "1990-10-02"), _spell("cow", 1, "X")]
    links = {("gw", 255): ("DEU", ""), ("gw", 260): ("DEU", ""), ("gw", 265): ("", ""), ("cow", 1): ("DEU", "")}
    assert S.latest_codes(spells, links, "gw") == {"DEU": 255}
    assert S.latest_codes(spells[:2], links, "gw") == {"DEU": 260} and S.latest_codes(spells, links, "cow") == {"DEU": 1}


# --- the countries step: the curated file on top of pycountry and the COW names ----------------------------------

FIELDS = ["country_id", "name_en", "name_ja", "iso2", "iso3", "iso_numeric", "cow_code", "gw_code", "start_date", "end_date", "notes"]


def _curated(country_id, **values):
    return dict.fromkeys(["country_id", "name_en", "iso2", "iso3", "iso_numeric", "cow_code", "gw_code", "start_date", "end_date", "name_ja", "notes"], "") | {"country_id": country_id, **values}


def _countries(curation, cow_rows=(), spells=(), state_curation=()):
    return {r["country_id"]: r for r in C.build_rows(list(spells), list(cow_rows), curation, list(state_curation), FIELDS)}


def test_a_country_takes_the_cow_code_of_the_state_cow_names_as_pycountry_names_it():
    rows = _countries([], cow_rows=[dict(statenme="Japan", ccode="740"), dict(statenme="Korea, Republic of", ccode="732")])
    assert (rows["JPN"]["cow_code"], rows["KOR"]["cow_code"], rows["FRA"]["cow_code"]) == ("740", "732", "")
    assert rows["JPN"]["name_en"] == "Japan" and rows["JPN"]["iso_numeric"] == "392"


def test_the_curated_file_wins_over_pycountry_and_the_cow_names_and_an_empty_cell_erases_nothing():
    rows = _countries([_curated("JPN", cow_code="741", name_ja="日本", notes="Checked by hand.")], cow_rows=[dict(statenme="Japan", ccode="740")])
    assert (rows["JPN"]["cow_code"], rows["JPN"]["name_ja"], rows["JPN"]["name_en"], rows["JPN"]["iso2"]) == ("741", "日本", "Japan", "JP")
    assert rows["JPN"]["notes"] == "Checked by hand."  # a Japanese name given by hand: no note that iso-codes gave it


def test_a_former_state_takes_its_names_from_iso_3166_3_and_its_cow_code_from_the_cow_name():
    rows = _countries([_curated("DDR", name_en="German Democratic Republic")], cow_rows=[dict(statenme="German Democratic Republic", ccode="265")])
    assert (rows["DDR"]["iso2"], rows["DDR"]["cow_code"]) == ("DD", "265")


def test_the_gw_code_is_that_of_the_latest_state_the_curated_cow_code_links():
    spells = [_spell("cow", 741, "JPN", end="2024-12-31"), _spell("gw", 741, "JPN"), _spell("gw", 740, "JPN", "1800-01-01", "1815-12-31")]
    rows = _countries([_curated("JPN", cow_code="741")], cow_rows=[dict(statenme="Japan", ccode="740")], spells=spells,
                      state_curation=[dict(system="gw", code="740", country_id="JPN", notes="")])
    assert (rows["JPN"]["cow_code"], rows["JPN"]["gw_code"]) == ("741", "741")


def test_the_gw_code_comes_from_the_gw_list_where_the_two_systems_number_a_state_apart():
    spells = [_spell("cow", 345, "SRB", end="2024-12-31"), _spell("gw", 340, "SRB")]
    rows = _countries([_curated("SRB", cow_code="345")], spells=spells, state_curation=[dict(system="gw", code="340", country_id="SRB", notes="")])
    assert (rows["SRB"]["cow_code"], rows["SRB"]["gw_code"]) == ("345", "340")


def test_a_japanese_name_is_said_to_come_from_iso_codes_only_where_the_curated_file_gives_none():
    rows = _countries([_curated("XKX", name_en="Kosovo", name_ja="コソボ", notes="Not in ISO 3166."), _curated("FRA", notes="Checked.")])
    assert rows["XKX"]["notes"] == "Not in ISO 3166."  # no ISO row at all: the name is the curated file's
    assert rows["FRA"]["notes"] == f"Checked.; {C.ISO_NOTE}" and rows["FRA"]["name_ja"]
    assert rows["DEU"]["notes"] == C.ISO_NOTE
