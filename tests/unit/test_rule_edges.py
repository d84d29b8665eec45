"""Rules at the edges the real tables never reach: consecutive membership spells, the last year of a spell,
a citation without a locator, the cap on problems kept per table, and a bad cell reported once."""

import pandas as pd
import pandera.pandas as pa
import pytest

from ddsc.package.descriptor import read_model
from ddsc.package.kinds import check
from ddsc.package.model import Table
from ddsc.package.problems import MAX_PER_TABLE, line_of
from ddsc.package.source import Source
from ddsc.validation.checks import schema_problems
from ddsc.validation.rules import member_years, spell_problems
from ddsc.validation.validate import validate
from tests.conftest import ROOT
from tests.fixtures.tiny import ROWS, constrain, tiny

MODEL = read_model(Source(ROOT))[1]


def _spells(*rows):
    return pd.DataFrame({
        "system": pd.array([r[0] for r in rows], dtype="string"), "code": pd.array([r[1] for r in rows], dtype="Int64"),
        "start_date": pd.to_datetime([r[2] for r in rows]), "end_date": pd.to_datetime([r[3] for r in rows]),
        "censored": pd.array([False] * len(rows), dtype="boolean"),
    })


def test_a_spell_may_start_on_the_day_the_previous_one_ends_but_not_the_day_before():
    touching = _spells(("cow", 345, "1992-04-27", "2006-06-03"), ("cow", 345, "2006-06-03", "2024-12-31"))
    assert spell_problems({"state_memberships": touching}, MODEL) == []
    overlapping = _spells(("cow", 345, "1992-04-27", "2006-06-03"), ("cow", 345, "2006-06-02", "2024-12-31"))
    found = [(p.table, p.line, p.column, p.kind) for p in spell_problems({"state_memberships": overlapping}, MODEL)]
    assert found == [("state_memberships", line_of(1), "start_date", "membership-overlap")]


def test_a_state_is_a_member_in_every_year_of_its_spell_the_first_and_the_last_included():
    years = member_years(_spells(("gw", 345, "2001-05-01", "2003-02-01")), 1990, 2020)
    assert years["year"].tolist() == [2001, 2002, 2003]
    assert member_years(_spells(("gw", 345, "2001-05-01", "2001-05-02")), 1990, 2020)["year"].tolist() == [2001]


def test_at_most_the_cap_of_problems_is_kept_per_table_and_the_rest_is_counted():
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "n", "type": "integer"}]})
    schema = pa.DataFrameSchema({"n": pa.Column("Int64", checks=[check(lambda s: s < 0, "negative", "range")])}, name="t")
    for failing in (MAX_PER_TABLE, MAX_PER_TABLE + 1):
        problems = schema_problems(schema, pd.DataFrame({"n": pd.array(range(failing), dtype="Int64")}), table)
        kept = [p for p in problems if p.kind == "range"]
        more = [p for p in problems if p.kind == "more-problems"]
        assert len(kept) == MAX_PER_TABLE
        assert [p.message.split(" ")[0] for p in more] == ([] if failing == MAX_PER_TABLE else ["1"])


def test_a_required_cell_that_is_not_of_its_type_is_reported_once_as_a_type_problem(tmp_path):
    header, first, second = ROWS.strip("\n").split("\n")
    root = tiny(tmp_path / "pkg", edit=lambda d: constrain(d, "n", required=True), rows="\n".join([header, first, second.replace(",2,", ",abc,")]) + "\n")
    assert [(p.table, p.line, p.column, p.kind) for p in validate(root)] == [("things", 3, "n", "type")]


def test_a_header_and_its_line_end_alone_is_a_table_without_rows(tmp_path):
    header = ROWS.split("\n")[0]
    for text in (header, header + "\n"):
        root = tiny(tmp_path / f"pkg{len(text)}", rows=text)
        assert [(p.table, p.line, p.kind) for p in validate(root)] == [("things", 1, "no-rows")], repr(text)


def test_a_minimum_equal_to_the_maximum_is_a_constraint_one_value_passes(tmp_path):
    root = tiny(tmp_path / "pkg", edit=lambda d: constrain(d, "n", minimum=1, maximum=1))
    assert [(p.table, p.line, p.column, p.kind) for p in validate(root)] == [("things", 3, "n", "range")]


def test_a_schema_file_two_tables_share_is_one_file_of_the_release(tmp_path):
    import json

    from ddsc.release.write import package_paths
    from ddsc.validation.validate import check
    from tests.fixtures.tiny import SCHEMA

    def two_tables(desc):
        first = desc["resources"][0]
        first["schema"] = "schemas/things.json"
        desc["resources"].append(dict(first, name="others", path="tables/others.csv", title="Others"))

    root = tiny(tmp_path / "pkg", edit=two_tables)
    (root / "schemas").mkdir()
    (root / "schemas" / "things.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (root / "tables" / "others.csv").write_text(ROWS, encoding="utf-8")
    report = check(root)
    assert report.problems == []
    paths = package_paths(report)
    assert paths.count("schemas/things.json") == 1 and len(paths) == len(set(paths))


def test_spells_listed_out_of_order_are_compared_in_the_order_of_their_starts():
    later_first = _spells(("cow", 345, "2006-06-03", "2024-12-31"), ("cow", 345, "1992-04-27", "2006-06-03"))
    assert spell_problems({"state_memberships": later_first}, MODEL) == []


def test_a_text_of_exactly_its_maximum_length_passes_and_one_character_more_does_not(tmp_path):
    root = tiny(tmp_path / "pkg", edit=lambda d: constrain(d, "note", maxLength=5))  # 'First' has 5 characters, 'Second' 6
    assert [(p.table, p.line, p.column, p.kind) for p in validate(root)] == [("things", 3, "note", "length")]


def test_a_primary_key_cell_is_required_even_where_the_schema_does_not_say_so(tmp_path):
    from tests.fixtures.tiny import field

    header, first, second = ROWS.strip("\n").split("\n")
    root = tiny(tmp_path / "pkg", edit=lambda d: field(d, "thing_id")["constraints"].pop("required"), rows="\n".join([header, first, "," + second.split(",", 1)[1]]) + "\n")
    assert ("things", 3, "thing_id", "required") in {(p.table, p.line, p.column, p.kind) for p in validate(root)}


def test_the_package_of_the_working_folder_is_loaded_without_checksums(tmp_path, monkeypatch):
    from ddsc.api import load

    monkeypatch.chdir(tiny(tmp_path / "pkg"))
    assert load()["things"]["thing_id"].tolist() == ["t1", "t2"]


def test_a_key_that_looks_like_several_earlier_ones_names_the_first():
    from ddsc.validation.rules import look_alike_problems

    table = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {"fields": [{"name": "thing_id"}], "primaryKey": ["thing_id"]})
    frame = pd.DataFrame({"thing_id": pd.array(["P1", "\uff301", "\u04201"], dtype="string")})  # Latin, fullwidth, Cyrillic
    found = look_alike_problems({"things": frame}, {"things": table})
    assert [(p.line, p.kind) for p in found] == [(3, "look-alike-key"), (4, "look-alike-key")]
    assert all("looks like 'P1' on line 2" in p.message for p in found)


def _panel(system, rows):
    return pd.DataFrame({"system": pd.array([system] * len(rows), dtype="string"), "ccode": pd.array([r[0] for r in rows], dtype="Int64"),
                         "year": pd.array([r[1] for r in rows], dtype="Int64")})


def test_a_panel_of_one_system_is_judged_only_by_the_members_of_that_system():
    from ddsc.validation.rules import panel_problems

    memberships = _spells(("cow", 2, "2000-01-01", "2001-12-31"), ("cow", 20, "2000-01-01", "2001-12-31"), ("gw", 2, "2000-01-01", "2001-12-31"),
                          ("gw", 3, "2000-01-01", "2001-12-31"))
    model = MODEL
    tables = {"state_memberships": memberships, "states": pd.DataFrame(), "country_years_cow": _panel("cow", [(2, 2000), (2, 2001), (20, 2000), (20, 2001)])}
    assert panel_problems(tables, model) == []  # G&W 3 is no member of COW: no row is owed for it
    tables["country_years_cow"] = _panel("cow", [(2, 2000), (2, 2001), (20, 2001)])  # COW 20's 2000 missing: located at its next row
    assert [(p.line, p.kind) for p in panel_problems(tables, model)] == [(4, "panel-gap")]


def test_a_problem_quotes_the_failing_value_as_a_reader_would_write_it():
    """Numbers as plain numbers, dates as days, text in quotes: the value of a typed cell, not its pandas or numpy form."""
    from ddsc.validation.checks import table_schema

    table = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {"fields": [
        {"name": "thing_id"}, {"name": "n", "type": "integer", "constraints": {"minimum": 10}},
        {"name": "day", "type": "date", "constraints": {"minimum": "1900-01-01"}}, {"name": "code", "constraints": {"unique": True}}], "primaryKey": ["thing_id"]})
    frame = table.typed(pd.DataFrame({"thing_id": ["a", "b"], "n": ["5", "12"], "day": ["1899-12-31", "1950-01-01"], "code": ["x", "x"]}, dtype="string"))
    found = {(p.line, p.column): p.message for p in schema_problems(table_schema(table, {"things": table}, {"things": frame}), frame, table)}
    assert found == {(2, "n"): "value 5 fails check: minimum 10", (2, "day"): "value '1899-12-31' fails check: minimum 1900-01-01",
                     (2, "code"): "duplicate value 'x'", (3, "code"): "duplicate value 'x'"}


def test_a_frame_whose_columns_or_column_types_are_not_the_schemas_is_refused_at_the_header():
    """The frame-level failures of a schema (a column it does not declare, a column of another type), as a
    caller of ``schema_problems`` with a frame not read by the package reader would meet them."""
    from ddsc.validation.checks import table_schema

    table = Table.from_resource({"name": "things", "path": "tables/things.csv"},
                                {"fields": [{"name": "thing_id"}, {"name": "n", "type": "integer"}], "primaryKey": ["thing_id"]})
    frame = table.typed(pd.DataFrame({"thing_id": ["a", "b"], "n": ["5", "12"]}, dtype="string"))
    schema = table_schema(table, {"things": table}, {"things": frame})
    extra = schema_problems(schema, frame.assign(extra=pd.array(["x", "y"], dtype="string")), table)
    assert [(p.table, p.line, p.column, p.message, p.kind) for p in extra] == [("things", 1, "extra", "column does not match the schema", "frame-columns")]
    retyped = schema_problems(schema, frame.assign(n=frame["n"].astype("float64")), table)
    assert [(p.table, p.line, p.column, p.message, p.kind) for p in retyped] == [("things", 1, "n", "dtype('Int64'): float64", "dtype")]


def test_key_problems_name_the_values_and_the_key_they_are_missing_from():
    from ddsc.validation.checks import table_schema

    parents = Table.from_resource({"name": "parents", "path": "tables/parents.csv"}, {"fields": [{"name": "p1"}, {"name": "p2"}], "primaryKey": ["p1", "p2"]})
    things = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {
        "fields": [{"name": "thing_id"}, {"name": "a"}, {"name": "b"}, {"name": "other", "constraints": {"required": True}}, {"name": "self_id"}],
        "primaryKey": ["thing_id"], "foreignKeys": [{"fields": ["a", "b"], "reference": {"resource": "parents", "fields": ["p1", "p2"]}},
                                                    {"fields": "self_id", "reference": {"resource": "things", "fields": "thing_id"}}]})
    frames = {"parents": parents.typed(pd.DataFrame({"p1": ["x"], "p2": ["y"]}, dtype="string")),
              "things": things.typed(pd.DataFrame({"thing_id": ["t1", "t1", "t3"], "a": ["x", "x", "z"], "b": ["y", "q", "y"],
                                                   "other": ["o", None, "o"], "self_id": [None, "t9", "t1"]}, dtype="string"))}
    schema = table_schema(things, {"things": things, "parents": parents}, frames)
    found = [(p.line, p.column, p.message, p.kind) for p in schema_problems(schema, frames["things"], things)]
    assert found == [(2, "thing_id", "duplicate primary key 't1'", "primary-key"),
                     (3, "a", "('x', 'q') not found in parents.(p1, p2)", "foreign-key"),  # each part exists alone: the pair does not
                     (3, "other", "required value is missing", "required"),
                     (3, "self_id", "'t9' not found in things.thing_id", "foreign-key"),
                     (3, "thing_id", "duplicate primary key 't1'", "primary-key"),
                     (4, "a", "('z', 'y') not found in parents.(p1, p2)", "foreign-key")]


def test_a_problem_of_line_zero_keeps_its_column_and_only_a_whole_file_problem_drops_both():
    from ddsc.package.problems import Problem

    assert str(Problem("ddsc.sqlite", 0, "trainings", "a row differs", "export-value")) == "ddsc.sqlite:0:trainings: a row differs"
    assert str(Problem("ddsc.sqlite", 0, "", "not a database", "export-value")) == "ddsc.sqlite: not a database"
    assert str(Problem("things", 3, "", "blank line", "blank-line")) == "things:3:: blank line"


def test_the_sqlite_checks_accept_the_minimum_and_the_maximum_themselves():
    import sqlite3

    from ddsc.package.model import Field

    field = Field("n", "integer", constraints={"minimum": 1, "maximum": 3})
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE t ({field.sql_column()})")
    db.executemany("INSERT INTO t VALUES (?)", [(1,), (3,)])
    for outside in (0, 4):
        try:
            db.execute("INSERT INTO t VALUES (?)", (outside,))
        except sqlite3.IntegrityError:
            continue
        raise AssertionError(f"{outside} accepted")


def test_columns_out_of_order_are_located_at_the_first_column_found_out_of_place(tmp_path):
    header, *rest = ROWS.strip("\n").split("\n")
    names = header.split(",")
    swapped = [names[0], names[2], names[1], *names[3:]]  # n and flag swapped
    rows = "\n".join([",".join(swapped)] + [",".join(r.split(",")[i] for i in (0, 2, 1, 3, 4, 5)) for r in rest]) + "\n"
    found = [(p.table, p.line, p.column, p.kind) for p in validate(tiny(tmp_path / "pkg", rows=rows))]
    assert found == [("things", 1, "flag", "column-order")]


def test_a_failing_cell_is_quoted_as_written_when_the_text_is_given_and_as_its_number_otherwise():
    from ddsc.validation.checks import table_schema

    parents = Table.from_resource({"name": "parents", "path": "tables/parents.csv"}, {"fields": [{"name": "code", "type": "integer"}], "primaryKey": ["code"]})
    things = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {
        "fields": [{"name": "thing_id"}, {"name": "code", "type": "integer", "constraints": {"minimum": 10}}], "primaryKey": ["thing_id"],
        "foreignKeys": [{"fields": "code", "reference": {"resource": "parents", "fields": "code"}}]})
    text = pd.DataFrame({"thing_id": ["a", "b"], "code": ["05", "12"]}, dtype="string")
    frames = {"things": things.typed(text), "parents": parents.typed(pd.DataFrame({"code": ["12"]}, dtype="string"))}
    schema = table_schema(things, {"things": things, "parents": parents}, frames)
    typed = {(p.kind, p.message) for p in schema_problems(schema, frames["things"], things)}
    assert typed == {("foreign-key", "5 not found in parents.code"), ("range", "value 5 fails check: minimum 10")}
    written = {(p.kind, p.message) for p in schema_problems(schema, frames["things"], things, text=text)}
    assert written == {("foreign-key", "'05' not found in parents.code"), ("range", "value '05' fails check: minimum 10")}
    swapped = schema_problems(schema, frames["things"][["code", "thing_id"]], things)
    header = [p for p in swapped if p.line == 1]
    assert header and all(p.kind == "frame-columns" and p.message == "column out of the schema's order" for p in header)


def _two_tables():
    parents = Table.from_resource({"name": "parents", "path": "tables/parents.csv"}, {"fields": [{"name": "p"}], "primaryKey": ["p"]})
    things = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {
        "fields": [{"name": "thing_id"}, {"name": "p"}, {"name": "n", "type": "integer", "constraints": {"minimum": 10}}], "primaryKey": ["thing_id"],
        "foreignKeys": [{"fields": "p", "reference": {"resource": "parents", "fields": "p"}}]})
    frame = things.typed(pd.DataFrame({"thing_id": ["a", "b", "c"], "p": ["x", "y", "z"], "n": ["1", "2", "3"]}, dtype="string"))
    return parents, things, frame


def test_a_foreign_key_to_a_table_not_given_is_not_judged():
    from ddsc.validation.checks import table_schema

    parents, things, frame = _two_tables()
    schema = table_schema(things, {"things": things, "parents": parents}, {"things": frame})
    assert {p.kind for p in schema_problems(schema, frame, things)} == {"range"}


def test_cells_already_reported_are_skipped_and_the_rest_still_reported():
    from ddsc.validation.checks import table_schema

    parents, things, frame = _two_tables()
    schema = table_schema(things, {"things": things, "parents": parents}, {"things": frame})
    found = [(p.line, p.column) for p in schema_problems(schema, frame, things, skip={(0, "n")})]
    assert found == [(3, "n"), (4, "n")]


def test_every_problem_beyond_the_cap_is_counted():
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "n", "type": "integer"}]})
    schema = pa.DataFrameSchema({"n": pa.Column("Int64", checks=[check(lambda s: s < 0, "negative", "range")])}, name="t")
    problems = schema_problems(schema, pd.DataFrame({"n": pd.array(range(MAX_PER_TABLE + 3), dtype="Int64")}), table)
    assert [(p.table, p.more) for p in problems if p.kind == "more-problems"] == [("t", 3)]


def test_a_check_that_fails_where_no_cell_can_be_located_is_reported_once_as_unlocated():
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "n", "type": "integer"}]})
    schema = pa.DataFrameSchema({"n": pa.Column("Int64")}, checks=[check(lambda f: pd.Series(False, index=f.index), "a target check", "citation-target")], name="t")
    problems = schema_problems(schema, pd.DataFrame({"n": pd.array([1, 2], dtype="Int64")}), table)  # no record_id column to locate it at
    assert [(p.table, p.line, p.column, p.message, p.kind) for p in problems] == [("t", 1, "", "check failed: a target check", "unlocated")]


def test_the_public_pandera_schemas_judge_citation_targets_against_the_tables_given(tmp_path):
    from ddsc import api
    from ddsc.package.descriptor import CITATION_TABLE
    from tests.fixtures.make_fixtures import HERE, assemble

    root = assemble(HERE / "minimal", tmp_path / "pkg")
    tables = api.load(root, verify=False)
    links = tables[CITATION_TABLE].copy()
    links.loc[0, "record_id"] = "zz_no_such_record"
    schemas = api.pandera_schemas(tables | {CITATION_TABLE: links}, root)
    with pytest.raises(pa.errors.SchemaErrors) as err:
        schemas[CITATION_TABLE].validate(links, lazy=True)
    assert "zz_no_such_record" in set(err.value.failure_cases["failure_case"].astype(str))


def test_messages_of_composite_keys_free_text_patterned_text_and_cells_of_the_wrong_type():
    from ddsc.validation.checks import table_schema

    table = Table.from_resource({"name": "things", "path": "tables/things.csv"}, {
        "fields": [{"name": "a"}, {"name": "b"}, {"name": "code", "constraints": {"pattern": "^-?[a-z]+ ?$"}}, {"name": "note"}, {"name": "n", "type": "integer"}],
        "primaryKey": ["a", "b"]})
    frame = table.typed(pd.DataFrame({"a": ["x", "x"], "b": ["y", "y"], "code": ["-abc ", "ok"], "note": ["fine", " lead"], "n": ["1", "2"]}, dtype="string"))
    frame["n"] = pd.Series([1, "x"], dtype=object)  # a frame built by hand, not read: a cell of another type
    found = [(p.line, p.column, p.message, p.kind) for p in schema_problems(table_schema(table, {"things": table}, {"things": frame}), frame, table)]
    assert found == [(2, "a, b", "duplicate primary key ('x', 'y')", "primary-key"),
                     (2, "code", "value '-abc ' fails check: no leading or trailing whitespace", "whitespace"),  # its pattern, not the formula rule, judges the dash
                     (3, "a, b", "duplicate primary key ('x', 'y')", "primary-key"),
                     (3, "n", "value 'x' has the wrong type: dtype('Int64')", "dtype"),
                     (3, "note", "value ' lead' fails check: no leading or trailing whitespace", "whitespace")]
