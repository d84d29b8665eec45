"""Text in the exports and in what verify reports of them: the Stata frame holds text as plain Python strings,
a Stata file whose cells or notes hold the header's own tag still verifies, and a Parquet reader's error is cut
at 200 characters."""

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ddsc.package.problems import Problem
from ddsc.release.export import stata_frame
from ddsc.release.verify import _parquet_problems, _stata_layout, _stata_problems
from tests.unit.test_verify_edges import PARQUET, STATA, TEXT, make_table, stata_bytes, typed


def test_the_stata_frame_holds_text_as_plain_python_strings_with_an_empty_string_for_a_missing_cell():
    table = make_table()
    out = stata_frame(typed(table), table)
    expected = pd.DataFrame({"row_id": pd.Series(["r1", "r2", "r3"], dtype=object), "n": pd.array([1, None, 3], dtype="Int32"),
                             "day": pd.Series(pd.to_datetime(["2020-01-01", "2021-06-30", None])).astype("datetime64[s]"),
                             "kind": pd.array([1, None, 2], dtype="Int32"), "note": pd.Series(["x", "y", ""], dtype=object)})
    pd.testing.assert_frame_equal(out, expected)
    assert [str(dtype) for dtype in out.dtypes] == ["object", "Int32", "datetime64[s]", "Int32", "object"]


def test_a_stata_file_whose_cells_hold_the_headers_row_count_tag_is_read_at_its_header_and_verifies():
    table = make_table()
    frame = typed(table, {**TEXT, "note": ["<N>", "before <N> after", None], "row_id": ["<N>1", "r2", "r3"]})
    data = stata_bytes(table, frame)
    rows, at, _ = _stata_layout(data)
    assert (rows, at) == (3, data.index(b"<N>") + 3) and data.count(b"<N>") > 1
    assert _stata_problems(STATA, data, frame, table) == []


def test_a_parquet_readers_error_is_named_with_its_message_cut_at_200_characters():
    table = make_table()
    frame = typed(table)
    name = "x" * 210
    out = io.BytesIO()
    pq.write_table(pa.table({"row_id": ["r1", "r2", "r3"], name: [1, 2, 3]}), out, use_dictionary=False, compression="none", write_statistics=False)
    data = out.getvalue()
    header = data.index(b"\x2c\x15\x06", pq.ParquetFile(io.BytesIO(data)).metadata.row_group(0).column(0).data_page_offset)
    corrupt = data[:header + 2] + b"\x04" + data[header + 3:]  # the first column's page says 2 values, the second column holds 3
    found = _parquet_problems(PARQUET, corrupt, frame, table)
    assert found == [Problem(PARQUET, 0, "", f"unreadable (ArrowInvalid: Column 1 named {'x' * 185})")]
    assert [p.kind for p in found] == ["export-value"]
