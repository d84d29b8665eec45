"""Stata files hold what was validated or the build fails: integers beyond Stata's long become doubles
while exact, beyond that the export refuses; labels are plain text cut at a word boundary."""

import pandas as pd
import pytest

from ddsc.release.export import stata_frame, stata_label, stata_labels
from ddsc.package.model import Table

SCHEMA = {"fields": [{"name": "row_id"}, {"name": "n", "type": "integer"}, {"name": "kind", "constraints": {"enum": ["a", "b"]}}], "primaryKey": ["row_id"]}


def _frame(values):
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, SCHEMA)
    text = pd.DataFrame({"row_id": [f"r{i}" for i in range(len(values))], "n": [str(v) for v in values], "kind": ["b"] * (len(values) - 1) + [None]}, dtype="string")
    return table, table.typed(text)


def test_integers_within_long_stay_long_and_larger_ones_become_exact_doubles():
    table, frame = _frame([740, 3000000000, 4294967296])
    out = stata_frame(frame, table)
    assert str(out["n"].dtype) == "Float64" and list(out["n"]) == [740, 3000000000, 4294967296]
    table, frame = _frame([740, 2])
    assert str(stata_frame(frame, table)["n"].dtype) == "Int32"


def test_an_integer_no_stata_type_holds_fails_the_export():
    table, frame = _frame([10**17 + 1, 1])  # 18 digits: the parser refuses it (beyond 2^53 - 1) ...
    assert frame["n"].isna().tolist() == [True, False]
    frame["n"] = pd.array([10**17 + 1, 1], dtype="Int64")  # ... and a frame that holds it anyway fails the export
    with pytest.raises(ValueError, match="cannot be held exactly"):
        stata_frame(frame, table)


def test_enums_are_labelled_integers_with_missing_as_missing():
    table, frame = _frame([1, 2])
    assert list(stata_frame(frame, table)["kind"].astype(object)) == [2, pd.NA]


def test_labels_lose_markdown_and_are_cut_at_a_word_boundary():
    label = stata_label("The `programs.program_id` of the program that " + "authorizes the activity " * 5)
    assert len(label) <= 80 and "`" not in label and label.endswith("...") and not label[:-3].endswith(("autho", "activ"))


def test_labels_that_would_read_the_same_are_told_apart_by_their_variable_and_others_kept():
    same = "Number of agreements in force " + "while the state is a member of its system " * 2
    labels = stata_labels({"raa_dec31": same + "on 31 December", "raa_any": same + "on any day", "other": "A short description."})
    assert labels["other"] == "A short description."
    assert labels["raa_dec31"].endswith(" [raa_dec31]") and labels["raa_any"].endswith(" [raa_any]")
    assert all(len(label) <= 80 for label in labels.values()) and len(set(labels.values())) == 3
    assert stata_labels({"a": "Same text.", "b": "Same text."}) == {"a": "Same text. [a]", "b": "Same text. [b]"}


def test_a_date_before_1678_is_written_and_read_back_as_the_same_day(tmp_path):
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "row_id"}, {"name": "day", "type": "date"}], "primaryKey": ["row_id"]})
    frame = table.typed(pd.DataFrame({"row_id": ["a", "b", "c"], "day": ["1600-01-01", "2262-04-12", None]}, dtype="string"))
    stata_frame(frame, table).to_stata(tmp_path / "t.dta", write_index=False, version=118, convert_dates={"day": "td"})
    back = pd.read_stata(tmp_path / "t.dta")["day"]
    assert [str(v)[:10] for v in back] == ["1600-01-01", "2262-04-12", "NaT"]


def test_long_strings_are_written_byte_for_byte_as_pandas_writes_them(tmp_path):
    """The strL table is built from a NumPy array instead of pandas' row Series: same bytes, repeats and missing included."""
    from ddsc.release.export import _StataWithNotes

    text = pd.Series(["a", "日本の防衛", "", "a", "x" * 3000, "b", "日本の防衛"], dtype=object)
    frame = pd.DataFrame({"n": pd.array(range(7), dtype="Int32"), "first": text, "second": text[::-1].reset_index(drop=True)})
    options = dict(write_index=False, convert_strl=["first", "second"], time_stamp=pd.Timestamp("2000-01-01").to_pydatetime())
    frame.to_stata(tmp_path / "pandas.dta", version=118, **options)
    _StataWithNotes(tmp_path / "ddsc.dta", frame, notes={}, **options).write_file()
    assert (tmp_path / "ddsc.dta").read_bytes() == (tmp_path / "pandas.dta").read_bytes()
    assert list(pd.read_stata(tmp_path / "ddsc.dta")["second"]) == list(frame["second"])


def test_a_note_longer_than_a_stata_characteristic_holds_fails_the_export(tmp_path):
    from ddsc.release.export import STATA_CHARACTERISTIC, _StataWithNotes

    frame = pd.DataFrame({"n": pd.array([1], dtype="Int32")})
    _StataWithNotes(tmp_path / "fits.dta", frame, notes={"n": "x" * (STATA_CHARACTERISTIC - 1)}, write_index=False).write_file()
    with pytest.raises(ValueError, match="longer than a Stata characteristic holds"):
        _StataWithNotes(tmp_path / "long.dta", frame, notes={"n": "x" * STATA_CHARACTERISTIC}, write_index=False).write_file()
