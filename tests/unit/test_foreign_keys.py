"""Foreign keys, single and composite: a frame in, located problems out; the same keys in SQLite."""

import sqlite3

import pandas as pd

from ddsc.validation.checks import pandera_schemas, schema_problems
from ddsc.package.model import Table

PARENT = {"fields": [{"name": "system"}, {"name": "code", "type": "integer"}, {"name": "name"}], "primaryKey": ["system", "code"]}
CHILD = {
    "fields": [{"name": "row_id"}, {"name": "system"}, {"name": "code", "type": "integer"}, {"name": "parent_row_id"}],
    "primaryKey": ["row_id"],
    "foreignKeys": [
        {"fields": ["system", "code"], "reference": {"resource": "states", "fields": ["system", "code"]}},
        {"fields": "parent_row_id", "reference": {"resource": "", "fields": "row_id"}},
    ],
}


def _model():
    return {
        "states": Table.from_resource({"name": "states", "path": "tables/states.csv"}, PARENT),
        "years": Table.from_resource({"name": "years", "path": "tables/years.csv"}, CHILD),
    }


def _frames(child_rows):
    model = _model()
    states = model["states"].typed(pd.DataFrame({"system": ["cow", "gw"], "code": ["740", "260"], "name": ["Japan", "Germany"]}, dtype="string"))
    years = model["years"].typed(pd.DataFrame(child_rows, columns=["row_id", "system", "code", "parent_row_id"], dtype="string"))
    return model, {"states": states, "years": years}


def _problems(child_rows):
    model, frames = _frames(child_rows)
    schemas = pandera_schemas(frames, model)
    return [(p.table, p.line, p.column, p.kind) for p in schema_problems(schemas["years"], frames["years"], model["years"])]


def test_composite_key_present_in_the_parent_passes():
    assert _problems([["a", "cow", "740", None], ["b", "gw", "260", "a"]]) == []


def test_composite_key_whose_parts_exist_only_in_different_rows_fails_at_its_first_field():
    # cow 260 is not a state although 'cow' and 260 each occur in the parent
    assert _problems([["a", "cow", "740", None], ["b", "cow", "260", None]]) == [("years", 3, "system", "foreign-key")]


def test_composite_key_with_a_missing_part_is_not_checked():
    assert _problems([["a", None, "999", None]]) == []


def test_self_reference_to_a_missing_row_fails():
    assert _problems([["a", "cow", "740", "zzz"]]) == [("years", 2, "parent_row_id", "foreign-key")]


def test_composite_foreign_key_is_declared_and_enforced_in_sqlite():
    model = _model()
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute(model["states"].create_sql())
    db.execute(model["years"].create_sql())
    db.execute("INSERT INTO states VALUES ('cow', 740, 'Japan')")
    db.execute("INSERT INTO years VALUES ('a', 'cow', 740, NULL)")
    try:
        db.execute("INSERT INTO years VALUES ('b', 'cow', 260, NULL)")
    except sqlite3.IntegrityError as err:
        assert "FOREIGN KEY" in str(err)
    else:
        raise AssertionError("SQLite accepted a composite key that is not in the parent")
