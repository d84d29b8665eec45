"""Floors and conventions of the curated content: US authorities with their laws, Japan's bilateral
defense agreements, Official Security Assistance projects, statute citations, translated names and
country codes. Each assertion reads the committed tables."""

import csv
import re
from collections import defaultdict

import pytest

from tests.conftest import ROOT, read_rows

TRANSLATION_MARKERS = ("English name is a translation.", "English title is a translation.", "English title and organization name are translations.")
NO_STAT = "Statutes at Large citation not confirmed"
NO_URL = "Official URL not found"
NO_START = "Start date left empty"


@pytest.fixture(scope="module")
def t():
    return {name: read_rows(ROOT, name) for name in ("programs", "statutes", "program_statutes", "statute_countries", "projects", "countries", "agencies", "events")}


def test_every_samm_listed_program_has_its_authority_and_a_start_date_or_says_why_not(t):
    linked = {r["program_id"] for r in t["program_statutes"]}
    samm = [p for p in t["programs"] if p["samm_reference"]]
    assert len(samm) >= 34
    for p in samm:
        assert p["program_id"] in linked, p["program_id"]
        assert p["us_code_title"] in ("10", "22") and p["assistance_type"], p["program_id"]
        assert p["start_date"] or NO_START.lower() in p["notes"].lower(), p["program_id"]
    assert sum(1 for p in samm if p["start_date"]) >= 24


def test_at_least_forty_japanese_bilateral_defense_agreements_with_parties_and_signature_dates(t):
    parties = defaultdict(set)
    for r in t["statute_countries"]:
        parties[r["statute_id"]].add(r["country_id"])
    agreements = [s for s in t["statutes"] if s["agreement_family"] and s["issuing_country_id"] == "JPN"]
    complete = [s for s in agreements if s["signed_date"] and "JPN" in parties[s["statute_id"]] and (len(parties[s["statute_id"]]) == 2 or "North Atlantic Treaty Organization" in s["notes"])]
    assert len(complete) >= 40
    families = {s["agreement_family"] for s in complete}
    assert {"reciprocal_access", "acquisition_cross_servicing", "information_security", "equipment_technology_transfer", "security_treaty", "status_of_forces"} <= families


def test_in_force_agreements_have_an_entry_into_force_date_and_signed_ones_none(t):
    for s in t["statutes"]:
        if s["status"] == "in_force" and s["agreement_family"]:
            assert s["in_force_date"], s["statute_id"]
        if s["status"] == "signed":
            assert not s["in_force_date"], s["statute_id"]


# 10 U.S.C. chapter 16 (Security Cooperation): its sections, subchapter by subchapter, as the Code's tables of
# sections give them (subchapter V: uscodeweb1.house.gov; the others from a copy of the Code, see citations).
CHAPTER_16 = {301, 311, 312, 313, 321, 322, 331, 332, 333, 334, 335, *range(341, 353), 361, 362, *range(381, 387)}


def test_every_section_of_10_usc_chapter_16_has_its_row_with_a_heading_and_a_citation(t):
    cited = {(r["table_name"], r["record_id"]) for r in read_rows(ROOT, "record_citations")}
    rows = {int(m[1]): s for s in t["statutes"] if (m := re.fullmatch(r"10 U\.S\.C\. (3[0-9][0-9])", s["code_citation"]))}
    assert set(rows) == CHAPTER_16
    for number, s in rows.items():
        assert s["instrument_type"] == "code_section" and s["title_en"], number
        assert ("statutes", s["statute_id"]) in cited, number
        assert s["parent_statute_id"] or "not confirmed" in s["notes"], number


@pytest.mark.parametrize(("fiscal_year", "count"), [(2023, 4), (2024, 4)])
def test_every_osa_project_of_fy2023_and_fy2024_has_recipient_amount_and_date(t, fiscal_year, count):
    """The Defense of Japan 2025 white paper names four recipients in FY2023 (Philippines, Malaysia,
    Bangladesh, Fiji) and MOFA announced four exchanges of notes for FY2024."""
    projects = [p for p in t["projects"] if p["fiscal_year"] == str(fiscal_year)]
    assert len(projects) == count
    for p in projects:
        assert p["recipient_country_id"] and p["amount"] and p["currency"] == "JPY" and p["agreement_date"], p["project_id"]


def test_every_statute_with_a_public_law_has_its_statutes_at_large_page_and_url_or_says_which_is_missing(t):
    for s in t["statutes"]:
        if s["public_law"]:
            assert s["statutes_at_large"] or NO_STAT in s["notes"], s["statute_id"]
            assert s["url"] or NO_URL in s["notes"], s["statute_id"]
    missing = [s for s in t["statutes"] if s["public_law"] and not (s["statutes_at_large"] and s["url"])]
    assert len(missing) <= 2


def test_translated_english_names_use_the_controlled_marker(t):
    marked = 0
    for table in ("programs", "statutes", "agencies", "projects"):
        for row in t[table]:
            loose = re.findall(r"[^.]*\btranslat[^.]*\.", row["notes"])
            for sentence in loose:
                if re.search(r"English (name|title)", sentence) and "is a translation" not in sentence and "are translations" not in sentence and "provisional translation" not in sentence:
                    pytest.fail(f"{table} {row}: use one of {TRANSLATION_MARKERS}")
            marked += any(m in row["notes"] for m in TRANSLATION_MARKERS)
    assert marked >= 30


def test_gleditsch_ward_codes_are_those_of_each_country_s_latest_gw_state(t):
    """countries.gw_code is the code of the latest state of the G&W lists linked to the country (not the
    countrycode package's gwn, which gives Viet Nam the Republic of Vietnam's 817 and the Holy See 327)."""
    states = read_rows(ROOT, "states")
    spells = read_rows(ROOT, "state_memberships")
    country = {(s["system"], s["code"]): s["country_id"] for s in states}
    latest = {}
    for m in sorted((m for m in spells if m["system"] == "gw"), key=lambda m: m["start_date"]):
        if country[("gw", m["code"])]:
            latest[country[("gw", m["code"])]] = m["code"]
    with (ROOT / "reference" / "country_curation.csv").open(encoding="utf-8", newline="") as handle:
        curated = {r["country_id"]: r["gw_code"] for r in csv.DictReader(handle) if r["gw_code"]}
    assert set(curated) == {"SCG", "SUN"} and not set(curated) & set(latest)  # hand-matched only where no G&W state is linked
    for row in t["countries"]:
        assert row["gw_code"] == latest.get(row["country_id"], curated.get(row["country_id"], "")), row["country_id"]
    codes = {c["country_id"]: c["gw_code"] for c in t["countries"]}
    assert {k: codes[k] for k in ("DEU", "JPN", "USA", "VNM", "RVN", "YEM", "VAT", "DMA")} == {"DEU": "260", "JPN": "740", "USA": "2", "VNM": "816", "RVN": "817", "YEM": "678", "VAT": "", "DMA": "54"}


def test_every_country_with_a_state_system_code_has_that_state_and_its_membership_spells(t):
    states = {(s["system"], s["code"]): s for s in read_rows(ROOT, "states")}
    spells = {(m["system"], m["code"]) for m in read_rows(ROOT, "state_memberships")}
    linked = {s["country_id"] for s in states.values() if s["country_id"]}
    for row in t["countries"]:
        for system, column in (("cow", "cow_code"), ("gw", "gw_code")):
            if row[column]:
                assert (system, row[column]) in states and (system, row[column]) in spells, (row["country_id"], system)
        if row["cow_code"] or row["gw_code"]:
            # the Soviet Union and Serbia and Montenegro carry the COW code of the state linked to their successor (365 Russia, 345 Serbia)
            assert row["country_id"] in linked or row["country_id"] in ("SUN", "SCG"), row["country_id"]
    unlinked = [s for s in states.values() if not s["country_id"]]
    assert unlinked and all(s["notes"] for s in unlinked)
    assert {(s["system"], s["code"]) for s in unlinked} <= {("cow", "730"), ("gw", "730"), ("gw", "815")}
