"""Keys at their boundaries: the parts of a composite key never run together (("ab", "c") is not ("a", "bc")),
in a foreign key and in a primary key; a duplicate of a unique field that is not the key is reported on every
line that holds it, as a duplicate key is; missing cells of a unique field may repeat."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ddsc.validation.checks import _joined, pandera_schemas, schema_problems
from ddsc.package.model import Table

PARENT = {"fields": [{"name": "a"}, {"name": "b"}, {"name": "label", "constraints": {"unique": True}}], "primaryKey": ["a", "b"]}
CHILD = {"fields": [{"name": "row_id"}, {"name": "a"}, {"name": "b"}],
         "primaryKey": ["row_id"], "foreignKeys": [{"fields": ["a", "b"], "reference": {"resource": "parents", "fields": ["a", "b"]}}]}


def _problems(parents: list, children: list, table: str) -> list:
    model = {"parents": Table.from_resource({"name": "parents", "path": "tables/parents.csv"}, PARENT),
             "children": Table.from_resource({"name": "children", "path": "tables/children.csv"}, CHILD)}
    frames = {"parents": model["parents"].typed(pd.DataFrame(parents, columns=["a", "b", "label"], dtype="string")),
              "children": model["children"].typed(pd.DataFrame(children, columns=["row_id", "a", "b"], dtype="string"))}
    schema = pandera_schemas(frames, model)[table]
    return sorted((p.table, p.line, p.column, p.kind) for p in schema_problems(schema, frames[table], model[table]))


def test_a_composite_foreign_key_does_not_match_a_key_whose_parts_run_together_the_same():
    assert _problems([["ab", "c", "x"]], [["r1", "ab", "c"], ["r2", "a", "bc"]], "children") == [("children", 3, "a", "foreign-key")]


def test_composite_primary_keys_whose_parts_run_together_the_same_are_two_keys():
    assert _problems([["ab", "c", "x"], ["a", "bc", "y"]], [], "parents") == []
    found = _problems([["ab", "c", "x"], ["ab", "c", "y"]], [], "parents")
    assert found == [("parents", 2, "a, b", "primary-key"), ("parents", 3, "a, b", "primary-key")]


def test_a_duplicate_of_a_unique_field_is_reported_on_every_line_that_holds_it():
    found = _problems([["a", "1", "same"], ["a", "2", "other"], ["a", "3", "same"], ["a", "4", "same"]], [], "parents")
    assert found == [("parents", 2, "label", "unique"), ("parents", 4, "label", "unique"), ("parents", 5, "label", "unique")]


def test_missing_cells_of_a_unique_field_may_repeat():
    assert _problems([["a", "1", None], ["a", "2", None], ["a", "3", "x"]], [], "parents") == []


PART = st.text(alphabet="ab|,;-_ ", max_size=3)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(PART, PART), min_size=2, max_size=6))
def test_joined_keys_are_equal_exactly_when_every_part_is(pairs):
    frame = pd.DataFrame(pairs, columns=["a", "b"], dtype="string")
    joined = _joined(frame, ("a", "b")).tolist()
    for i in range(len(pairs)):
        for j in range(len(pairs)):
            assert (joined[i] == joined[j]) == (pairs[i] == pairs[j])
