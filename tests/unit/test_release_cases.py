"""The release's exports written into a folder that already holds them, and verify's judgement of a Parquet file
whose schema metadata has a key that is not UTF-8 and of a Stata file whose map puts its end beyond the file."""

import struct
from types import SimpleNamespace

import pyarrow.parquet as pq

from ddsc.release.export import parquet_path, write_parquet
from ddsc.release.verify import _parquet_problems, _stata_layout, _stata_problems
from tests.unit.test_verify_edges import PARQUET, STATA, make_table, parquet_bytes_of, parquet_of, stata_bytes, typed
from tests.unit.test_verify_whole import whole


def test_parquet_files_written_again_into_a_folder_that_holds_them_replace_them(tmp_path):
    table = make_table()
    first, second = typed(table), typed(table).iloc[:1]
    assert write_parquet(SimpleNamespace(model={"t": table}, tables={"t": first}), tmp_path) == [parquet_path("t")]
    assert write_parquet(SimpleNamespace(model={"t": table}, tables={"t": second}), tmp_path) == [parquet_path("t")]
    assert pq.read_table(tmp_path / parquet_path("t")).column("row_id").to_pylist() == ["r1"]
    assert _parquet_problems(PARQUET, (tmp_path / parquet_path("t")).read_bytes(), second, table) == []


def test_a_parquet_schema_metadata_key_that_is_not_utf8_is_named_with_replacement_characters():
    table = make_table()
    frame = typed(table)
    arrow = parquet_of(table, frame)
    extra = arrow.replace_schema_metadata({**arrow.schema.metadata, b"\xff\xfeorigin": b"elsewhere"})
    assert whole(_parquet_problems(PARQUET, parquet_bytes_of(extra), frame, table)) == [
        (PARQUET, 0, "", "its schema metadata differs from the table's (\ufffd\ufffdorigin)", "export-type")]


def test_a_stata_file_whose_map_puts_its_end_beyond_the_file_is_refused_for_its_last_sections():
    table = make_table()
    frame = typed(table)
    data = stata_bytes(table, frame)
    end = data.index(b"<map>") + 5 + 13 * 8  # the map's last offset: where the file ends
    moved = data[:end] + struct.pack("<Q", len(data) + 1) + data[end + 8:]
    assert _stata_layout(moved)[2][13] == len(moved) + 1
    assert whole(_stata_problems(STATA, moved, frame, table)) == [
        (STATA, 0, "", "its value labels (types, formats, labels or notes) differ from what the build writes for the table", "export-type")]
