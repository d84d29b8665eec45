"""What the exports hold cell by cell and byte by byte: the Stata file's dates, value labels and text columns of any
rows of a table, labels that fit their width, and metadata.json as the release holds it."""

import io
import json

import pandas as pd

from ddsc.release.export import datasette_metadata, metadata_text, stata_frame, stata_label
from tests.unit.test_export_edges import DESCRIPTOR, _report
from tests.unit.test_verify_edges import make_table, stata_bytes, typed


def test_metadata_json_is_indented_by_two_spaces_keeps_non_ascii_text_and_ends_with_a_newline():
    report = _report({**DESCRIPTOR, "title": "Visites à Kyōto"})
    text = metadata_text(report)
    lines = text.splitlines()
    assert lines[:2] == ["{", '  "title": "Visites à Kyōto 1.2.0",']
    assert '  "databases": {' in lines and '    "ddsc": {' in lines and '      "tables": {' in lines
    assert lines[-1] == "}" and text.endswith("}\n") and not text.endswith("\n\n")
    assert json.loads(text) == datasette_metadata(report)


def test_stata_dates_are_days_since_1960_with_the_day_format():
    table = make_table()
    data = stata_bytes(table, typed(table))
    with pd.io.stata.StataReader(io.BytesIO(data)) as reader:
        raw = reader.read(convert_dates=False)
        formats = dict(zip(raw.columns, reader._fmtlist))
    assert formats["day"] == "%td"
    assert [None if pd.isna(v) else int(v) for v in raw["day"]] == [21915, 22461, None]  # 2020-01-01 and 2021-06-30
    back = pd.read_stata(io.BytesIO(data))["day"]
    assert [None if pd.isna(v) else str(v)[:10] for v in back] == ["2020-01-01", "2021-06-30", None]


def test_an_enum_is_written_with_its_levels_as_value_labels():
    table = make_table()
    data = stata_bytes(table, typed(table))
    with pd.io.stata.StataReader(io.BytesIO(data)) as reader:
        reader.read(convert_categoricals=False)
        assert reader.value_labels() == {"kind": {1: "a", 2: "b"}}
    back = pd.read_stata(io.BytesIO(data))["kind"]
    assert list(back.cat.categories) == ["a", "b"] and [None if pd.isna(v) else v for v in back] == ["a", None, "b"]


def test_the_stata_frame_of_some_rows_of_a_table_keeps_each_rows_cells_together():
    table = make_table()
    rows = typed(table).iloc[1:]  # rows 2 and 3: the frame's index starts at 1
    out = stata_frame(rows, table)
    assert list(out.index) == [1, 2]
    assert out.astype(object).where(out.notna(), None).to_dict("list") == {
        "row_id": ["r2", "r3"], "n": [None, 3], "day": [pd.Timestamp("2021-06-30"), None], "kind": [None, 2], "note": ["y", ""],
    }


def test_a_label_that_fits_its_width_is_kept_whole_however_narrow_the_width():
    assert stata_label("ab", 2) == "ab"
    assert stata_label(" `x` ", 1) == "x"
    assert stata_label("", 0) == ""
    assert stata_label("abc d", 4) == "..."  # one character too many: cut, the placeholder alone fits
