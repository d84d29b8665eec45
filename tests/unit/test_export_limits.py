"""The exports at their limits: Stata's long holds -2,147,483,647 to 2,147,483,620 (beyond, exact doubles, and
beyond 2**53 the export refuses, should a frame hold one); a Stata label holds 80 characters, so one of 80 is kept whole and one of 81 cut;
a Parquet column may hold nulls exactly where the schema does not require a value."""

import pandas as pd
import pytest

from ddsc.release.export import STATA_EXACT, STATA_LONG, arrow_table, stata_frame, stata_label, stata_labels
from ddsc.package.model import Table

SCHEMA = {"fields": [{"name": "row_id", "constraints": {"required": True}}, {"name": "n", "type": "integer"},
                     {"name": "day", "type": "date", "constraints": {"required": True}}, {"name": "note"}], "primaryKey": ["row_id"]}


def _typed(values: list) -> tuple[Table, pd.DataFrame]:
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, SCHEMA)
    text = pd.DataFrame({"row_id": [f"r{i}" for i in range(len(values))], "n": [None if v is None else str(v) for v in values],
                         "day": ["2020-01-01"] * len(values), "note": [None] * len(values)}, dtype="string")
    return table, table.typed(text)


@pytest.mark.parametrize(("values", "dtype"), [
    ([STATA_LONG[0], STATA_LONG[1], None], "Int32"),
    ([STATA_LONG[1] + 1, 0], "Float64"),
    ([STATA_LONG[0] - 1, 0], "Float64"),
    ([STATA_EXACT - 1, -(STATA_EXACT - 1)], "Float64"),
    ([None, None], "Int32"),
])
def test_integers_are_long_within_statas_long_and_exact_doubles_beyond(values, dtype, tmp_path):
    table, frame = _typed(values)
    out = stata_frame(frame, table)
    assert str(out["n"].dtype) == dtype
    out.to_stata(tmp_path / "t.dta", write_index=False, version=118, convert_dates={"day": "td"})
    back = pd.read_stata(tmp_path / "t.dta")["n"]  # Stata reads each value back, none turned into a missing code
    assert [None if pd.isna(v) else int(v) for v in back] == values


@pytest.mark.parametrize("value", [STATA_EXACT, -STATA_EXACT, STATA_EXACT + 1])
def test_an_integer_a_double_cannot_hold_exactly_fails_the_export(value):
    table, frame = _typed([0, 1])  # parsing leaves such a cell missing (model.MAX_INTEGER); the export refuses it all the same
    frame["n"] = pd.array([value, 1], dtype="Int64")
    with pytest.raises(ValueError, match="t:n: integer .* cannot be held exactly in a Stata file"):
        stata_frame(frame, table)


def test_a_label_of_80_characters_is_kept_whole_and_one_of_81_is_cut_at_a_word(tmp_path):
    eighty = ("word " * 16)[:79] + "x"
    assert len(eighty) == 80 and stata_label(eighty) == eighty
    cut = stata_label(eighty + "y")
    assert len(cut) <= 80 and cut.endswith("...") and cut[:-3].strip() in eighty
    frame = pd.DataFrame({"a": [1]})
    frame.to_stata(tmp_path / "ok.dta", write_index=False, version=118, variable_labels={"a": stata_label(eighty + " more words")})
    with pytest.raises(ValueError, match="80 characters"):  # the limit is Stata's: pandas refuses an 81st character
        frame.to_stata(tmp_path / "long.dta", write_index=False, version=118, variable_labels={"a": eighty + "y"})


def test_labels_told_apart_by_their_variable_still_hold_80_characters():
    same = "Whether an agreement of the family was in force " * 2
    labels = stata_labels({"a_long_variable_name": same + "on 31 December", "b": same + "on any day"})
    assert all(70 < len(label) <= 80 for label in labels.values()) and len(set(labels.values())) == 2
    assert labels["a_long_variable_name"].endswith(" [a_long_variable_name]") and labels["b"].endswith(" [b]")


def test_a_parquet_column_is_nullable_exactly_where_the_schema_does_not_require_a_value():
    table, frame = _typed([1, None])
    schema = arrow_table(frame, table).schema
    assert {f.name: f.nullable for f in schema} == {"row_id": False, "n": True, "day": False, "note": True}
    assert str(schema.field("day").type) == "date32[day]" and schema.field("n").metadata == {b"description": b""}
