"""The state system tables and the panels built from them.

The panel cells are recomputed here from the committed CSV files with plain ``csv`` and ``datetime`` code
written apart from ``ddsc/pipeline/derived/panels.py`` (it walks the days of a year instead of intersecting
intervals), and compared with the committed panels; nothing here hard-codes today's agreement data. The
synthetic cases at the end pin down the rules themselves (supersession, coarse dates, unknown entry into
force) on made-up agreements."""

import calendar
import functools
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from types import SimpleNamespace

import pandas as pd
import pytest

import ddsc
from ddsc.release.codebook import release_readme
from ddsc.package.descriptor import read_model
from ddsc.package.render import to_csv
from ddsc.pipeline.repository import check_repository
from ddsc.package.source import Source
from ddsc.pipeline.derived import panels
from ddsc.pipeline.run import core_tables
from ddsc.validation.validate import check
from tests.conftest import ROOT, append_rows, code_blocks, need, read_rows, table_path

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

FAMILIES = {"reciprocal_access": "raa", "acquisition_cross_servicing": "acsa", "information_security": "infosec",
            "equipment_technology_transfer": "equipment", "security_treaty": "security_treaty", "status_of_forces": "sofa"}
ENDED = {"superseded", "repealed", "expired"}
DAY = timedelta(days=1)


# --- an independent reading of the tables ----------------------------------------------------------------

def _date(text):
    return date.fromisoformat(text) if text else None


def _last_day(day, precision):
    if day is None or precision == "day":
        return day
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return date(day.year, 12, 31)


class Tables:
    """The committed tables as plain rows, and the rules of the codebook applied day by day."""

    def __init__(self, root=ROOT):
        self.statutes = {r["statute_id"]: r for r in read_rows(root, "statutes")}
        self.parties = {}
        for r in read_rows(root, "statute_countries"):
            if r["role"] == "party":
                self.parties.setdefault(r["statute_id"], set()).add(r["country_id"])
        self.agreements = {k: s for k, s in self.statutes.items() if s["agreement_family"] and "JPN" in self.parties.get(k, set())}
        self.states = {(r["system"], int(r["code"])): r for r in read_rows(root, "states")}
        self.spells = {}
        for r in read_rows(root, "state_memberships"):
            self.spells.setdefault((r["system"], int(r["code"])), []).append((_date(r["start_date"]), _date(r["end_date"]), r["censored"] == "true"))
        self.projects = [p for p in read_rows(root, "projects") if p["program_id"] == "jp_osa"]
        dates = [_date(s[c]) for s in self.agreements.values() for c in ("signed_date", "in_force_date", "end_date") if s[c]]
        dates += [_date(p["agreement_date"]) for p in self.projects if p["agreement_date"]]
        self.last = (max(dates) + DAY).year - 1
        self._starts, self._ends = {}, {}

    # membership
    def member(self, state, day):
        return day <= date(self.last, 12, 31) and any(start <= day and (day <= end or censored) for start, end, censored in self.spells[state])

    def member_any(self, state, year):
        return any(self.member(state, d) for d in _days(year))

    def states_of(self, country, system):
        return [k for k, s in self.states.items() if k[0] == system and s["country_id"] == country]

    # agreements
    def start(self, sid):
        if sid not in self._starts:
            self._starts[sid] = self._start(sid)
        return self._starts[sid]

    def end(self, sid):
        if sid not in self._ends:
            self._ends[sid] = self._end(sid)
        return self._ends[sid]

    def _start(self, sid):
        s = self.agreements[sid]
        begin, signed = _date(s["in_force_date"]), _date(s["signed_date"])
        return max(begin, signed) if begin and signed else begin

    def _end(self, sid):
        s = self.agreements[sid]
        if s["end_date"]:
            return _last_day(_date(s["end_date"]), s["end_date_precision"])
        handovers = [_last_day(_date(t["in_force_date"]), t["in_force_date_precision"]) for t in self.agreements.values()
                     if t["replaces_statute_id"] == sid and t["in_force_date"]]
        return min(handovers) if handovers else None

    def known(self, sid, day):
        """In force for certain on ``day``."""
        begin, stop = self.start(sid), self.end(sid)
        if begin is None or day < begin:
            return False
        if stop is not None:
            return day < stop
        return day == begin if self.agreements[sid]["status"] in ENDED else True

    def possible(self, sid, day):
        """Perhaps in force on ``day`` (the tables cannot rule it out)."""
        s = self.agreements[sid]
        if self.start(sid) is not None:
            stop = self.end(sid)
            return self.start(sid) <= day and (stop is None or day < stop)
        signed, stop = _date(s["signed_date"]), self.end(sid)
        return (signed is None or signed <= day) and (stop is None or day < stop)

    def first_year(self, family):
        """The year of the family's first recorded agreement (signature, else entry into force): before it, unknown."""
        years = [_date(s["signed_date"] or s["in_force_date"]).year for s in self.agreements.values()
                 if s["agreement_family"] == family and (s["signed_date"] or s["in_force_date"])]
        return min(years) if years else None

    def lineage(self, sid):
        seen = {sid}
        while self.agreements[sid]["replaces_statute_id"] in self.agreements and self.agreements[sid]["replaces_statute_id"] not in seen:
            sid = self.agreements[sid]["replaces_statute_id"]
            seen.add(sid)
        return sid


def _days(year):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += DAY


def _three(known, possible):
    return True if known else (None if possible else False)


def dyad_cell(t, system, partner_state, year, family, rule):
    """(in force, id) for Japan and ``partner_state`` in ``year``, recomputed day by day."""
    japan = t.states_of("JPN", system)[0]
    country = t.states[partner_state]["country_id"]
    chosen = [k for k, s in t.agreements.items() if s["agreement_family"] == family and country in t.parties[k]]
    if t.first_year(family) is None or year < t.first_year(family):
        return None
    days = [date(year, 12, 31)] if rule == "dec31" else list(_days(year))
    both = [d for d in days if t.member(japan, d) and t.member(partner_state, d)]
    known = [k for k in chosen if any(t.known(k, d) for d in both)]
    possible = [k for k in chosen if any(t.possible(k, d) for d in both)]
    return _three(known, possible)


def dyad_id(t, system, partner_state, year, family):
    japan = t.states_of("JPN", system)[0]
    country = t.states[partner_state]["country_id"]
    chosen = [k for k, s in t.agreements.items() if s["agreement_family"] == family and country in t.parties[k]]
    both = lambda d: t.member(japan, d) and t.member(partner_state, d)  # noqa: E731
    dec31 = [k for k in chosen if both(date(year, 12, 31)) and t.known(k, date(year, 12, 31))]
    during = dec31 or [k for k in chosen if any(both(d) and t.known(k, d) for d in _days(year))]
    return max(during, key=lambda k: (t.start(k), k)) if during else None


def country_count(t, state, year, family, rule):
    country = t.states[state]["country_id"]
    chosen = [k for k, s in t.agreements.items() if s["agreement_family"] == family and country in t.parties[k]]
    if t.first_year(family) is None or year < t.first_year(family):
        return None
    days = [date(year, 12, 31)] if rule == "dec31" else list(_days(year))
    days = [d for d in days if t.member(state, d)]
    known = {t.lineage(k) for k in chosen if any(t.known(k, d) for d in days)}
    possible = {t.lineage(k) for k in chosen if any(t.possible(k, d) for d in days)}
    return len(known) if known == possible else None


STEMS = {"cow": "ccode", "gw": "gwcode"}


def _rows(name):
    """Both systems' tables of a panel as {(system, code..., year): row}, each row also under the neutral
    names ``code`` (``code1``, ``code2``)."""
    out = {}
    for system, stem in STEMS.items():
        for r in read_rows(ROOT, f"{name}_{system}"):
            assert r["system"] == system, (name, system, r)
            codes = [stem] if stem in r else [f"{stem}1", f"{stem}2"]
            r.update({c.replace(stem, "code"): r[c] for c in codes})
            out[(system, *(r[c] for c in codes), r["year"])] = r
    return out


_KEYS = ("country_years", "dyad_years")


def _cell(text, kind):
    if text == "":
        return None
    return {"true": True, "false": False}[text] if kind == "bool" else int(text) if kind == "int" else text


@pytest.fixture(scope="module")
def t():
    return Tables()


@pytest.fixture(scope="module")
def committed():
    return {name: _rows(name) for name in _KEYS}


def test_a_family_is_empty_before_its_first_recorded_agreement_and_everywhere_without_one():
    tables = _synthetic([_agreement("jp_x_raa", "reciprocal_access", "2020-12-31", "2021-01-01")], _pair("jp_x_raa"))
    out = panels.run(tables)
    for system, japan, partner in (("cow", 740, 900), ("gw", 740, 900)):
        assert pd.isna(_country(out, 2019, 2, system)["jp_raa_dec31"]) and _country(out, 2020, 2, system)["jp_raa_dec31"] == 0
        assert pd.isna(_dyad(out, 2019, system, partner)["raa_in_force_any"]) and _dyad(out, 2020, system, partner)["raa_in_force_any"] == False  # noqa: E712
        assert out[f"country_years_{system}"]["jp_sofa_any"].isna().all() and out[f"dyad_years_{system}"]["sofa_in_force_dec31"].isna().all()


# --- recomputed cells ----------------------------------------------------------------------------------

def _partner_states(t, system, countries):
    return [k for k, s in t.states.items() if k[0] == system and s["country_id"] in countries]


@pytest.mark.parametrize("system", ["cow", "gw"])
def test_japan_australia_dyad_cells_recomputed_day_by_day(t, committed, system):
    """Every family and both rules for Japan and Australia, 2000 to the last year; and the agreement named."""
    japan = t.states_of("JPN", system)[0]
    australia = t.states_of("AUS", system)[0]
    found_true = 0
    for year in range(2000, t.last + 1):
        row = committed["dyad_years"][(system, str(japan[1]), str(australia[1]), str(year))]
        for family, stem in FAMILIES.items():
            for rule in ("dec31", "any"):
                expected = dyad_cell(t, system, australia, year, family, rule)
                assert _cell(row[f"{stem}_in_force_{rule}"], "bool") == expected, (system, year, stem, rule)
                found_true += expected is True
            assert _cell(row[f"{stem}_id"], "str") == dyad_id(t, system, australia, year, family), (system, year, stem)
    assert found_true, "the sample holds no agreement in force: it tests nothing"


@pytest.mark.parametrize("system", ["cow", "gw"])
def test_dyad_cells_of_every_partner_recomputed_in_sampled_years(t, committed, system):
    japan = t.states_of("JPN", system)[0]
    partners = {c for k in t.agreements for c in t.parties[k]} - {"JPN"}
    for state in _partner_states(t, system, partners):
        for year in (1960, 1996, 1997, 2013, 2016, 2017, 2021, t.last):
            key = (system, str(japan[1]), str(state[1]), str(year))
            if key not in committed["dyad_years"]:
                assert not (t.member_any(japan, year) and t.member_any(state, year) and any(t.member(japan, d) and t.member(state, d) for d in _days(year))), key
                continue
            row = committed["dyad_years"][key]
            for family, stem in FAMILIES.items():
                for rule in ("dec31", "any"):
                    assert _cell(row[f"{stem}_in_force_{rule}"], "bool") == dyad_cell(t, system, state, year, family, rule), (key, stem, rule)
                assert _cell(row[f"{stem}_id"], "str") == dyad_id(t, system, state, year, family), (key, stem)


@pytest.mark.parametrize("system", ["cow", "gw"])
def test_country_year_counts_and_osa_recomputed(t, committed, system):
    """Counts by family (superseded agreements once) for Japan, Australia, the United States, India and
    the OSA recipients, and the yen committed, recomputed from statutes, statute_countries and projects."""
    recipients = {p["recipient_country_id"] for p in t.projects}
    for state in _partner_states(t, system, {"JPN", "AUS", "USA", "IND", "GBR", "DEU"} | recipients):
        for year in (1960, 1990, 1996, 2013, 2016, 2017, 2020, 2023, 2024, t.last):
            key = (system, str(state[1]), str(year))
            if key not in committed["country_years"]:
                continue
            row = committed["country_years"][key]
            for family, stem in FAMILIES.items():
                for rule in ("dec31", "any"):
                    assert _cell(row[f"jp_{stem}_{rule}"], "int") == country_count(t, state, year, family, rule), (key, stem, rule)
            country = t.states[state]["country_id"]
            grants = [p for p in t.projects if p["recipient_country_id"] == country and p["agreement_date"]
                      and _date(p["agreement_date"]).year == year and t.member(state, _date(p["agreement_date"]))]
            assert int(row["osa_projects"]) == len(grants), key
            clean = all(p["amount"] and p["currency"] == "JPY" for p in grants)
            expected = sum(float(p["amount"]) for p in grants) if clean else None
            assert (float(row["osa_committed_jpy"]) if row["osa_committed_jpy"] else None) == expected, key


def test_country_years_hold_exactly_the_member_years(t, committed):
    """A row for every state and year of 1946..last with a member day, and for no other; carried_forward
    exactly where the year ends after its list's last date."""
    ends = {system: max(end for (s, _), spells in t.spells.items() if s == system for _, end, _ in spells) for system in ("cow", "gw")}
    expected = set()
    for state, spells in t.spells.items():
        for year in range(1946, t.last + 1):
            if any(start <= date(year, 12, 31) and (end >= date(year, 1, 1) or censored) for start, end, censored in spells):
                expected.add((state[0], str(state[1]), str(year)))
    assert set(committed["country_years"]) == expected
    for key, row in committed["country_years"].items():
        assert row["carried_forward"] == ("true" if date(int(key[2]), 12, 31) > ends[key[0]] else "false"), key
        assert row["member_dec31"] == ("true" if t.member((key[0], int(key[1])), date(int(key[2]), 12, 31)) else "false"), key
    years = {int(k[2]) for k in committed["country_years"]}
    assert min(years) == 1946 and max(years) == t.last


def test_dyad_years_pair_japan_with_every_state_in_the_years_both_are_members(t, committed):
    rows = committed["dyad_years"]
    for system in ("cow", "gw"):
        japan = t.states_of("JPN", system)
        assert len(japan) == 1
        for key in (k for k in rows if k[0] == system):
            assert key[1] == str(japan[0][1]) and key[2] != key[1]
        pairs = {(k[2], k[3]) for k in rows if k[0] == system}
        for (s, code), spells in t.spells.items():
            if s != system or (s, code) == japan[0]:
                continue
            for year in (1950, 1975, 1991, 2006, 2020, t.last):
                both = any(t.member(japan[0], d) and t.member((s, code), d) for d in (date(year, 1, 1), date(year, 6, 30), date(year, 12, 31)))
                if both:
                    assert (str(code), str(year)) in pairs, (system, code, year)


def test_every_state_is_linked_or_says_why_and_every_linked_country_has_its_spells(t):
    countries = {r["country_id"]: r for r in read_rows(ROOT, "countries")}
    for key, state in t.states.items():
        assert key in t.spells, key
        assert state["country_id"] in countries or (not state["country_id"] and state["notes"]), key
    for system, column in (("cow", "cow_code"), ("gw", "gw_code")):
        for row in countries.values():
            if row[column]:
                assert (system, int(row[column])) in t.spells, (row["country_id"], system)
    linked = {s["country_id"] for s in t.states.values()}
    assert {"DEU", "DDR", "YEM", "YMD", "CSK", "SRB", "YUG", "VNM", "RVN", "ZAN", "RUS"} <= linked
    germany = sorted((k, spell) for k, s in t.states.items() if s["country_id"] == "DEU" and k[0] == "cow" for spell in t.spells[k])
    assert len(germany) >= 3  # COW 255 (two spells) and 260


@functools.cache
def _real_core() -> dict:
    """The repository's validated core tables, read once per worker (the tests replace tables, never change one)."""
    return core_tables(ROOT)


def test_committed_panels_equal_their_rebuild():
    model = read_model(Source(ROOT))[1]
    for name, frame in panels.run(_real_core()).items():
        assert to_csv(frame, model[name]) == table_path(ROOT, name).read_bytes(), f"run: python build.py run panels ({name})"


# --- validation of planted defects --------------------------------------------------------------------

def _problems(root):
    return [(p.table, p.line, p.column, p.kind) for p in check(root).problems]


def test_a_planted_overlap_of_membership_spells_fails_with_its_location(package):
    rows = read_rows(package, "state_memberships")
    japan = next(i for i, r in enumerate(rows) if (r["system"], r["code"]) == ("cow", "740") and r["start_date"].startswith("1952"))
    line = append_rows(package, "state_memberships", [dict(system="cow", code="740", start_date="1950-01-01", end_date="1953-01-01", censored="false", abbreviation="JPN", name="Japan")])
    found = _problems(package)
    assert ("state_memberships", japan + 2, "start_date", "membership-overlap") in found, found
    message = next(str(p) for p in check(package).problems if p.kind == "membership-overlap")
    assert f"(line {line})" in message and "cow, 740" in message


def test_a_planted_spell_ending_before_it_starts_fails_with_its_location(package):
    line = append_rows(package, "state_memberships", [dict(system="gw", code="740", start_date="2030-01-01", end_date="2029-01-01", censored="false", abbreviation="JPN", name="Japan")])
    assert ("state_memberships", line, "end_date", "date-order") in _problems(package)


def test_a_planted_gap_and_a_planted_non_member_year_fail_with_their_location(package):
    path = table_path(package, "country_years_cow")
    lines = path.read_text(encoding="utf-8").split("\n")
    gone = next(i for i, l in enumerate(lines) if l.startswith("900,2015,cow,"))
    del lines[gone]
    path.write_text("\n".join(lines), encoding="utf-8")
    dyads = table_path(package, "dyad_years_cow")
    text = dyads.read_text(encoding="utf-8").split("\n")
    planted = next(i for i, l in enumerate(text) if l.startswith("740,2,1952,cow,"))
    text[planted] = text[planted].replace("740,2,1952,cow,", "740,2,1950,cow,", 1)
    dyads.write_text("\n".join(text), encoding="utf-8")
    found = _problems(package)
    assert ("country_years_cow", gone + 1, "year", "panel-gap") in found, found  # the 2016 row now sits where 2015 was
    assert ("dyad_years_cow", planted + 1, "year", "non-member-year") in found, found


def test_a_hand_edited_panel_cell_is_refused_as_stale(package):
    path = table_path(package, "country_years_cow")
    lines = path.read_text(encoding="utf-8").split("\n")
    column = lines[0].split(",").index("osa_projects")
    at = next(i for i, line in enumerate(lines) if line.startswith("900,2017,cow,"))
    cells = lines[at].split(",")
    cells[column] = str(int(cells[column]) + 5)
    lines[at] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    found = check_repository(package).problems
    assert [(p.table, p.kind) for p in found] == [("country_years_cow", "stale-derived")], found


# --- the public API and the READMEs ------------------------------------------------------------------

@pytest.mark.parametrize(("system", "stem"), [("cow", "ccode"), ("GW", "gwcode")])
def test_panel_selects_one_system_and_names_its_codes(system, stem):
    tables = ddsc.load(ROOT, verify=False)
    cy = ddsc.panel("country_years", system=system, tables=tables)
    dy = ddsc.panel("dyad_years", system=system, path=ROOT, verify=False)
    assert list(cy.columns[:2]) == [stem, "year"] and "system" not in cy and "code" not in cy
    assert list(dy.columns[:3]) == [f"{stem}1", f"{stem}2", "year"]
    full = tables[f"country_years_{system.lower()}"]
    assert list(full.columns[:3]) == [stem, "year", "system"] and set(full["system"]) == {system.lower()}
    assert len(cy) == len(full) and not cy.duplicated([stem, "year"]).any()
    assert str(cy[stem].dtype) == "Int64" and str(cy["jp_acsa_dec31"].dtype) == "Int64"
    mine = pd.DataFrame({stem: [740], "year": [2017]})
    assert len(mine.merge(cy, on=[stem, "year"], validate="one_to_one")) == 1
    with pytest.raises(ValueError, match="system"):
        ddsc.panel("country_years", system="iso", tables=tables)
    with pytest.raises(ValueError, match="no panel"):
        ddsc.panel("countries", tables=tables)


def _merge_blocks(readme: str) -> list[tuple[str, str]]:
    section = readme.split("## Merge with a COW or Gleditsch-Ward panel", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```(\w+)\n(.*?)^```", section, re.M | re.S)


@pytest.fixture(scope="module")
def unpacked_like(tmp_path_factory):
    """The files of a release the merge examples read, with its README, laid out as in the release."""
    folder = tmp_path_factory.mktemp("release")
    for name in ("datapackage.json", "schemas", "tables", "R"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copyfile)(ROOT / name, folder / name)
    report = check(ROOT)
    (folder / "README.md").write_text(release_readme(report.descriptor, report.model, report.rows), encoding="utf-8")
    return folder


def test_release_readme_merge_example_runs_as_written_in_pandas(unpacked_like):
    blocks = dict(_merge_blocks((unpacked_like / "README.md").read_text(encoding="utf-8")))
    result = subprocess.run([sys.executable, "-c", blocks["python"]], cwd=unpacked_like, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "jp_acsa_dec31" in result.stdout and "900" in result.stdout


@pytest.mark.clients
def test_release_readme_merge_example_runs_as_written_in_r(unpacked_like):
    rscript = need("Rscript")
    blocks = dict(_merge_blocks((unpacked_like / "README.md").read_text(encoding="utf-8")))
    result = subprocess.run([rscript, "-e", blocks["r"]], cwd=unpacked_like, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "jp_acsa_dec31" in result.stdout and "900" in result.stdout


def test_release_readme_merge_example_for_stata_names_a_file_and_keys_that_merge_one_to_one(unpacked_like):
    """Stata is not run here: its merge line is read as Stata would read it. ``merge 1:1 KEYS using FILE``
    needs FILE in the release (written by the export), KEYS among its variables, unique together."""
    from ddsc.release.export import write_stata

    blocks = dict(_merge_blocks((unpacked_like / "README.md").read_text(encoding="utf-8")))
    merge = re.fullmatch(r'merge 1:1 ([\w ]+?) using "([^"]+)", keep\(master match\)\n', blocks["stata"])
    assert merge, blocks["stata"]
    keys, file = merge.group(1).split(), merge.group(2)
    table = re.fullmatch(r"stata/(\w+)\.dta", file).group(1)
    one = SimpleNamespace(model={table: read_model(Source(unpacked_like))[1][table]}, tables={table: ddsc.load(unpacked_like, verify=False)[table]})
    assert write_stata(one, unpacked_like) == [file]
    frame = pd.read_stata(unpacked_like / file, convert_categoricals=False)
    assert keys == ["ccode", "year"] and not frame.duplicated(keys).any() and frame[keys].notna().all().all()
    mine = pd.DataFrame({"ccode": [900, 740], "year": [2017, 2017]})
    assert mine.merge(frame, on=keys, how="left", validate="one_to_one")["jp_acsa_dec31"].notna().all()


def test_repository_readme_panel_example_runs_as_written():
    block = next(text for lang, text in code_blocks(ROOT / "README.md") if lang == "python" and "ddsc.panel(" in text and "jp_acsa" in text)
    result = subprocess.run([sys.executable, "-c", block], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "jp_acsa_dec31" in result.stdout


# --- the rules, on made-up agreements ------------------------------------------------------------------

def _synthetic(statute_rows: list[dict], party_rows: list[tuple[str, str]], project_rows: list[dict] = ()) -> dict:
    """The real typed core tables with made-up statutes, parties and OSA projects in place of the real ones."""
    tables = dict(_real_core())
    model = read_model(Source(ROOT))[1]

    def typed(name, rows):
        fields = model[name].field_names
        text = pd.DataFrame([{f: r.get(f) or None for f in fields} for r in rows], columns=fields, dtype="string")
        return model[name].typed(text)

    tables["statutes"] = typed("statutes", statute_rows)
    tables["statute_countries"] = typed("statute_countries", [dict(statute_id=s, country_id=c, role="party") for s, c in party_rows])
    tables["projects"] = typed("projects", list(project_rows) or [dict(project_id="jp_osa_x", program_id="jp_osa", recipient_country_id="PHL", title_en="X",
                                                                       fiscal_year="2025", amount="100", currency="JPY", agreement_date="2025-12-31", agreement_date_precision="day")])
    return tables


def _agreement(sid, family, signed, in_force="", in_force_precision="day", status="in_force", end="", end_precision="", replaces=""):
    return dict(statute_id=sid, title_en=sid, instrument_type="agreement", issuing_country_id="JPN", signed_date=signed, signed_date_precision="day",
                in_force_date=in_force, in_force_date_precision=in_force_precision if in_force else "", end_date=end, end_date_precision=end_precision,
                agreement_family=family, status=status, replaces_statute_id=replaces)


def _pair(sid, partner="AUS"):
    return [(sid, "JPN"), (sid, partner)]


def _dyad(out, year, system="cow", partner=900):
    frame = out[f"dyad_years_{system}"]
    return frame[(frame[f"{STEMS[system]}2"] == partner) & (frame["year"] == year)].iloc[0]


def _country(out, year, code, system="cow"):
    frame = out[f"country_years_{system}"]
    return frame[(frame[STEMS[system]] == code) & (frame["year"] == year)].iloc[0]


def test_rule_a_superseded_agreement_is_counted_once_and_its_successor_named():
    tables = _synthetic([_agreement("jp_x_acsa_1", "acquisition_cross_servicing", "2010-05-19", "2010-05-01", "month", status="superseded"),
                         _agreement("jp_x_acsa_2", "acquisition_cross_servicing", "2017-01-14", "2017-09-06", replaces="jp_x_acsa_1")],
                        _pair("jp_x_acsa_1") + _pair("jp_x_acsa_2"))
    out = panels.run(tables)
    assert _dyad(out, 2016)["acsa_id"] == "jp_x_acsa_1" and _dyad(out, 2017)["acsa_id"] == "jp_x_acsa_2"
    assert _dyad(out, 2010)["acsa_in_force_dec31"]  # month precision before signature: in force from signature, so on 31 December
    japan, australia = _country(out, 2017, 740), _country(out, 2017, 900)
    assert (japan["jp_acsa_any"], japan["jp_acsa_dec31"], australia["jp_acsa_any"]) == (1, 1, 1)
    assert _country(out, 2017, 2)["jp_acsa_any"] == 0  # a state with no agreement of the family: none
    assert pd.isna(_country(out, 2009, 900)["jp_acsa_any"]) and pd.isna(_dyad(out, 2009)["acsa_in_force_any"])  # before the family's first record


def test_rule_coarse_end_counts_during_its_year_but_not_on_its_31_december():
    tables = _synthetic([_agreement("jp_x_infosec", "information_security", "2014-03-01", "2015-01-01", "year", status="expired", end="2019-01-01", end_precision="year")],
                        _pair("jp_x_infosec"))
    out = panels.run(tables)
    assert bool(_dyad(out, 2015)["infosec_in_force_dec31"]) and bool(_dyad(out, 2019)["infosec_in_force_any"])
    assert not _dyad(out, 2019)["infosec_in_force_dec31"] and not _dyad(out, 2020)["infosec_in_force_any"]
    assert _dyad(out, 2019)["infosec_id"] == "jp_x_infosec" and pd.isna(_dyad(out, 2020)["infosec_id"])


def test_rule_unknown_entry_into_force_is_empty_from_signature_whatever_the_status():
    """An agreement without an entry into force, merely signed or not, may be in force from its signature:
    unknown, never false; before its signature, false (the family's record starts earlier, with PHL)."""
    tables = _synthetic([_agreement("jp_x_equipment_0", "equipment_technology_transfer", "2010-01-01", "2010-01-01"),
                         _agreement("jp_x_equipment", "equipment_technology_transfer", "2018-04-18", status=""),
                         _agreement("jp_x_raa_0", "reciprocal_access", "2015-01-01", "2016-01-01"),
                         _agreement("jp_x_raa", "reciprocal_access", "2020-04-18", status="signed"),
                         _agreement("jp_x_acsa", "acquisition_cross_servicing", "2012-01-01", "2013-01-31", status="superseded")],
                        _pair("jp_x_equipment_0", "PHL") + _pair("jp_x_equipment") + _pair("jp_x_raa_0", "PHL") + _pair("jp_x_raa") + _pair("jp_x_acsa"))
    out = panels.run(tables)
    assert not _dyad(out, 2017)["equipment_in_force_any"] and pd.isna(_dyad(out, 2018)["equipment_in_force_any"])
    assert pd.isna(_country(out, 2020, 900)["jp_equipment_dec31"]) and _country(out, 2017, 900)["jp_equipment_dec31"] == 0
    assert not _dyad(out, 2019)["raa_in_force_any"] and pd.isna(_dyad(out, 2020)["raa_in_force_any"]) and pd.isna(_dyad(out, 2021)["raa_in_force_dec31"])
    assert _country(out, 2019, 740)["jp_raa_any"] == 1 and pd.isna(_country(out, 2021, 740)["jp_raa_any"])  # PHL's for certain, AUS's perhaps
    assert _country(out, 2021, 840)["jp_raa_any"] == 1 and _country(out, 2021, 2)["jp_raa_any"] == 0
    # ended without an end date or a successor: in force on its first day, unknown after
    assert bool(_dyad(out, 2013)["acsa_in_force_any"]) and pd.isna(_dyad(out, 2013)["acsa_in_force_dec31"]) and pd.isna(_dyad(out, 2014)["acsa_in_force_any"])


def test_rule_membership_bounds_the_cells_and_rows_carry_on_after_the_list():
    """An agreement with the German Federal Republic's country (DEU) counts for COW 260 until 1990-10-02
    and for COW 255 from 1990-10-03: on 31 December 1990 only for 255."""
    tables = _synthetic([_agreement("jp_x_deu", "information_security", "1985-01-01", "1985-02-01")], _pair("jp_x_deu", "DEU"))
    out = panels.run(tables)
    assert bool(_dyad(out, 1990, partner=260)["infosec_in_force_any"]) and not _dyad(out, 1990, partner=260)["infosec_in_force_dec31"]
    assert bool(_dyad(out, 1990, partner=255)["infosec_in_force_dec31"]) and not _dyad(out, 1990, partner=260)["member_dec31"]
    gw = out["country_years_gw"]
    assert gw["year"].max() == 2025 and gw[gw["year"] == 2021]["carried_forward"].all() and not gw[gw["year"] == 2020]["carried_forward"].any()


def test_training_columns_are_recomputed_from_the_trainings_of_the_latest_report():
    """Recomputed with csv only: Colombia (COW 100) in FY1999, FY2001 (two reports), FY2006 (the HTML report) and FY2010; a year no report covers is empty."""
    import csv as _csv

    with (ROOT / "tables" / "trainings.csv").open(encoding="utf-8", newline="") as handle:
        trainings = [r for r in _csv.DictReader(handle) if r["country_id"] == "COL"]
    with (ROOT / "tables" / "programs.csv").open(encoding="utf-8", newline="") as handle:
        title = {r["program_id"]: r["us_code_title"] for r in _csv.DictReader(handle)}
    cells = {r["year"]: r for r in read_rows(ROOT, "country_years_cow") if r["ccode"] == "100"}
    for year in ("1999", "2001", "2006", "2010"):
        reports = {r["report_id"] for r in trainings if r["fiscal_year"] == year}
        rows = [r for r in trainings if r["fiscal_year"] == year and r["report_id"] == max(reports)]
        cell = cells[year]
        assert int(cell["us_trainings"]) == len(rows)
        assert int(cell["us_trainings_title10"]) == sum(title.get(r["program_id"]) == "10" for r in rows)
        assert int(cell["us_trainings_title22"]) == sum(title.get(r["program_id"]) == "22" for r in rows)
        assert int(cell["us_training_students"]) == sum(int(r["students"]) for r in rows if r["students"])
        assert abs(float(cell["us_training_cost_usd"]) - sum(float(r["cost_usd"]) for r in rows if r["cost_usd"])) < 0.01
        assert int(cell["us_trainings_cost_missing"]) == sum(not r["cost_usd"] for r in rows)
    assert cells["1998"]["us_trainings"] == "" and ("2021" not in cells or cells["2021"]["us_trainings"] == "")
