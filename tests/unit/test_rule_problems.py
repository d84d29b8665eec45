"""Each package rule's problem read whole (table, line, column, message and kind) on small inputs written here:
cycles of a self-reference, overlapping spells of an entity keyed by one field, years a panel's state or dyad
is not a member, versions that disagree, and an authority table without the statutes it names."""

import pandas as pd

from ddsc.package.descriptor import read_model
from ddsc.package.model import Table
from ddsc.package.source import Source
from ddsc.validation.rules import authority_problems, cycle_problems, panel_problems, spell_problems, version_problems
from tests.conftest import ROOT

MODEL = read_model(Source(ROOT))[1]


def _whole(problems):
    return [(p.table, p.line, p.column, p.message, p.kind) for p in problems]


def _strings(**columns):
    return pd.DataFrame({name: pd.array(values, dtype="string") for name, values in columns.items()})


def test_each_node_of_a_cycle_is_located_at_its_own_row_with_the_path_that_comes_back_to_it():
    table = Table.from_resource({"name": "units", "path": "tables/units.csv"}, {
        "fields": [{"name": "unit_id"}, {"name": "parent_id"}], "primaryKey": ["unit_id"],
        "foreignKeys": [{"fields": ["parent_id"], "reference": {"resource": "", "fields": ["unit_id"]}}]})
    frame = _strings(unit_id=["top", "a", "b", "c", "d"], parent_id=[None, "b", "c", "a", "top"])
    assert _whole(cycle_problems({"units": frame}, {"units": table})) == [
        ("units", 3, "parent_id", "cycle in parent_id: a -> b -> c -> a", "cycle"),
        ("units", 4, "parent_id", "cycle in parent_id: b -> c -> a -> b", "cycle"),
        ("units", 5, "parent_id", "cycle in parent_id: c -> a -> b -> c", "cycle"),
    ]


def test_spells_of_an_entity_keyed_by_one_field_may_not_overlap_and_the_message_names_both():
    table = Table.from_resource({"name": "terms", "path": "tables/terms.csv"}, {
        "fields": [{"name": "office"}, {"name": "start_date", "type": "date"}, {"name": "end_date", "type": "date"}],
        "primaryKey": ["office", "start_date"]})
    frame = pd.DataFrame({"office": pd.array(["x", "x", "y"], dtype="string"),
                          "start_date": pd.to_datetime(["2000-01-01", "2001-03-01", "2001-03-01"]),
                          "end_date": pd.to_datetime(["2001-06-30", "2002-01-01", "2002-01-01"])})
    assert _whole(spell_problems({"terms": frame}, {"terms": table})) == [
        ("terms", 3, "start_date", "spell of (x) from 2001-03-01 overlaps the spell from 2000-01-01 to 2001-06-30 (line 2)", "membership-overlap")]


def _memberships(*rows):
    return pd.DataFrame({"system": pd.array([r[0] for r in rows], dtype="string"), "code": pd.array([r[1] for r in rows], dtype="Int64"),
                         "start_date": pd.to_datetime([r[2] for r in rows]), "end_date": pd.to_datetime([r[3] for r in rows]),
                         "censored": pd.array([False] * len(rows), dtype="boolean")})


def test_a_panel_row_outside_the_membership_names_its_state_or_dyad_and_the_year():
    members = _memberships(("cow", 2, "2000-01-01", "2002-12-31"), ("cow", 20, "2000-01-01", "2001-12-31"))
    country = pd.DataFrame({"system": pd.array(["cow"] * 4, dtype="string"), "ccode": pd.array([2, 2, 2, 2], dtype="Int64"),
                            "year": pd.array([2000, 2001, 2002, 2003], dtype="Int64")})
    assert _whole(panel_problems({"state_memberships": members, "states": pd.DataFrame(), "country_years_cow": country}, MODEL)) == [
        ("country_years_cow", 5, "year", "(cow, 2) is not a member of the state system in 2003 (state_memberships)", "non-member-year"),
        ("country_years_cow", 6, "year", "(cow, 20) has no row for 2000, a year it is a member (state_memberships)", "panel-gap"),
        ("country_years_cow", 6, "year", "(cow, 20) has no row for 2001, a year it is a member (state_memberships)", "panel-gap")]
    dyads = pd.DataFrame({"system": pd.array(["cow"] * 3, dtype="string"), "ccode1": pd.array([2, 2, 2], dtype="Int64"),
                          "ccode2": pd.array([20, 20, 20], dtype="Int64"), "year": pd.array([2000, 2001, 2002], dtype="Int64")})
    assert _whole(panel_problems({"state_memberships": members, "states": pd.DataFrame(), "dyad_years_cow": dyads}, MODEL)) == [
        ("dyad_years_cow", 4, "year", "(cow, 2, 20) are not both members of the state system in 2002 (state_memberships)", "non-member-year")]


CHANGES = "# Changes\n\n## [1.0.0]\n"


def test_a_package_without_a_version_is_quoted_empty():
    assert _whole(version_problems({}, "version: 1.0.0\n", CHANGES)) == [
        ("datapackage.json", 1, "version", "version '' is not MAJOR.MINOR.PATCH", "version"),
        ("CITATION.cff", 1, "version", "version '1.0.0' differs from datapackage.json ''", "version"),
        ("CHANGES.md", 1, "", "no entry '## []' for the package version", "version"),
    ]


def test_a_citation_giving_its_version_twice_and_a_zenodo_record_that_differs_are_each_located():
    problems = version_problems({"version": "1.0.0"}, "version: 1.0.0\nversion: 1.0.1\n", CHANGES, zenodo={"version": "1.0.1"})
    assert _whole(problems) == [
        ("CITATION.cff", 1, "version", "version is given 2 times", "version"),
        (".zenodo.json", 1, "version", "version '1.0.1' differs from datapackage.json '1.0.0'", "version"),
    ]


def test_a_pyproject_that_is_not_toml_is_located_at_its_line_and_the_message_drops_the_position():
    problems = version_problems({"version": "1.0.0"}, "version: 1.0.0\n", CHANGES, pyproject='[project]\nname = "x"\nversion 1.0\n')
    assert _whole(problems) == [("pyproject.toml", 3, "", "not valid TOML: Expected '=' after a key in a key/value pair", "version")]


def test_authorities_without_the_statutes_table_are_left_to_the_foreign_key_rule():
    authorities = _strings(program_id=["p"], statute_id=["s"], act_public_law=[None], act_enacted_date=[None])
    assert authority_problems({"program_authorities": authorities}, MODEL) == []


def test_a_composite_key_with_an_empty_part_still_looks_like_the_same_key_in_latin():
    from ddsc.validation.rules import look_alike_problems

    table = Table.from_resource({"name": "pairs", "path": "tables/pairs.csv"}, {"fields": [{"name": "a"}, {"name": "b"}], "primaryKey": ["a", "b"]})
    frame = _strings(a=["P1", "\u04201"], b=[None, None])  # Latin P, then Cyrillic Er; the second part empty in both
    assert [(p.table, p.line, p.column, p.kind) for p in look_alike_problems({"pairs": frame}, {"pairs": table})] == [("pairs", 3, "a, b", "look-alike-key")]


def _statutes(**columns):
    frame = _strings(**{c: v for c, v in columns.items() if not c.endswith("_date")})
    for c, v in columns.items():
        if c.endswith("_date"):
            frame[c] = pd.to_datetime(pd.Series(v))
    return frame


def test_an_authority_without_its_act_names_the_program_the_instrument_and_the_note_wanted():
    from ddsc.validation.rules import NOT_CONFIRMED

    statutes = _statutes(statute_id=["s"], instrument_type=["code_section"], notes=[None])
    authorities = _strings(program_id=["p"], statute_id=["s"], act_public_law=[None]).assign(act_enacted_date=pd.to_datetime(pd.Series([None])))
    assert _whole(authority_problems({"program_authorities": authorities, "statutes": statutes}, MODEL)) == [
        ("program_authorities", 2, "act_public_law",
         f"p -> s: no Public Law and enactment date of its act, and statutes.notes of s does not say the enacting law was '{NOT_CONFIRMED}'", "act-unknown")]


def test_an_end_date_sets_the_clock_of_an_old_signature_and_a_statute_without_a_status_is_not_judged():
    from ddsc.validation.rules import NO_ENTRY_INTO_FORCE, signed_problems

    statutes = _statutes(statute_id=["old", "no_status", "ended"], agreement_family=["status_of_forces"] * 3, status=["signed", None, "expired"],
                         notes=[None] * 3, signed_date=["2020-01-01", "2020-01-01", "2000-01-01"], in_force_date=[None, None, "2000-06-01"],
                         end_date=[None, None, "2021-06-01"])
    assert _whole(signed_problems({"statutes": statutes}, MODEL)) == [
        ("statutes", 2, "status", f"old is only signed (2020-01-01) more than a year before 2021-06-01, without an entry into force or a note "
         f"'{NO_ENTRY_INTO_FORCE}: <what was searched>'", "entry-into-force")]


def test_an_overlap_of_state_memberships_names_the_system_and_the_code():
    spells = _memberships(("cow", 345, "1992-04-27", "2006-06-03"), ("cow", 345, "2006-06-01", "2024-12-31"))
    assert _whole(spell_problems({"state_memberships": spells}, MODEL)) == [
        ("state_memberships", 3, "start_date", "spell of (cow, 345) from 2006-06-01 overlaps the spell from 1992-04-27 to 2006-06-03 (line 2)", "membership-overlap")]


def test_a_pyproject_without_a_project_version_is_quoted_as_none():
    problems = version_problems({"version": "1.0.0"}, "version: 1.0.0\n", CHANGES, pyproject='[project]\nname = "x"\n')
    assert _whole(problems) == [("pyproject.toml", 1, "version", "[project] version 'none' differs from datapackage.json '1.0.0'", "version")]


def test_a_unique_field_is_compared_even_where_every_other_key_of_the_table_is_not_in_nfc():
    from ddsc.validation.rules import look_alike_problems

    table = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {
        "fields": [{"name": "thing_id"}, {"name": "code", "constraints": {"unique": True}}], "primaryKey": ["thing_id"]})
    frame = _strings(thing_id=["Cafe\u0301", "tea"], code=["P1", "\u04201"])  # a decomposed accent; Latin P and Cyrillic Er
    assert [(p.table, p.line, p.column, p.kind) for p in look_alike_problems({"things": frame}, {"things": table})] == [
        ("things", 2, "thing_id", "look-alike-key"), ("things", 3, "code", "look-alike-key")]


def test_a_citation_without_a_version_line_is_quoted_as_none():
    assert _whole(version_problems({"version": "1.0.0"}, "title: x\n", CHANGES)) == [
        ("CITATION.cff", 1, "version", "version 'none' differs from datapackage.json '1.0.0'", "version")]


def test_keys_of_an_enum_are_the_schemas_own_levels_and_are_not_compared_for_look_alikes():
    from ddsc.validation.rules import look_alike_problems

    table = Table.from_resource({"name": "levels", "path": "tables/levels.csv"}, {
        "fields": [{"name": "level", "constraints": {"enum": ["P1", "\uff301"]}}], "primaryKey": ["level"]})
    assert look_alike_problems({"levels": _strings(level=["P1", "\uff301"])}, {"levels": table}) == []


def test_a_table_keyed_by_a_start_date_without_an_end_date_has_no_spells_to_compare():
    table = Table.from_resource({"name": "posts", "path": "tables/posts.csv"}, {
        "fields": [{"name": "office"}, {"name": "start_date", "type": "date"}], "primaryKey": ["office", "start_date"]})
    frame = pd.DataFrame({"office": pd.array(["x", "x"], dtype="string"), "start_date": pd.to_datetime(["2000-01-01", "2001-01-01"])})
    assert spell_problems({"posts": frame}, {"posts": table}) == []


def test_a_look_alike_key_lists_each_character_outside_ascii_of_both_keys():
    from ddsc.validation.rules import look_alike_problems

    table = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {"fields": [{"name": "thing_id"}], "primaryKey": ["thing_id"]})
    found = look_alike_problems({"things": _strings(thing_id=["PA", "\uff30\uff21"])}, {"things": table})
    assert _whole(found) == [("things", 3, "thing_id", "key '\uff30\uff21' looks like 'PA' on line 2 (U+FF30 U+FF21): equal once fullwidth forms "
                              "and Cyrillic or Greek look-alikes are read as Latin", "look-alike-key")]


def test_a_frame_of_columns_out_of_order_is_located_at_each_column_out_of_place():
    from ddsc.validation.checks import schema_problems, table_schema

    table = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {"fields": [{"name": "thing_id"}, {"name": "n", "type": "integer"}], "primaryKey": ["thing_id"]})
    frame = table.typed(pd.DataFrame({"thing_id": ["a", "b"], "n": ["5", "12"]}, dtype="string"))
    schema = table_schema(table, {"things": table}, {"things": frame})
    assert sorted(_whole(schema_problems(schema, frame[["n", "thing_id"]], table))) == [
        ("things", 1, "n", "column out of the schema's order", "frame-columns"), ("things", 1, "thing_id", "column out of the schema's order", "frame-columns")]


def test_a_date_missing_from_the_key_it_references_is_quoted_as_a_day():
    from ddsc.validation.checks import schema_problems, table_schema

    days = Table.from_resource({"name": "days", "path": "tables/days.csv"}, {"fields": [{"name": "day", "type": "date"}], "primaryKey": ["day"]})
    notes = Table.from_resource({"name": "notes", "path": "tables/notes.csv"}, {
        "fields": [{"name": "note_id"}, {"name": "day", "type": "date"}], "primaryKey": ["note_id"],
        "foreignKeys": [{"fields": ["day"], "reference": {"resource": "days", "fields": ["day"]}}]})
    frames = {"days": pd.DataFrame({"day": pd.to_datetime(["2020-01-01"])}),
              "notes": pd.DataFrame({"note_id": pd.array(["n1"], dtype="string"), "day": pd.to_datetime(["2021-01-01"])})}
    model = {"days": days, "notes": notes}
    assert _whole(schema_problems(table_schema(notes, model, frames), frames["notes"], notes)) == [
        ("notes", 2, "day", "'2021-01-01' not found in days.day", "foreign-key")]
