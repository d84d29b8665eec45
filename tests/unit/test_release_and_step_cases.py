"""Release and step cases on tiny inputs written here: booleans with a missing cell in the SQLite file, the
reason a Parquet file cannot be read, the table of published releases written as UTF-8 whatever the locale, and
curation notes read with the line breaks they were written with."""

import datetime
import locale
import sqlite3
from types import SimpleNamespace

import pytest

from ddsc.package.problems import Problem
from ddsc.release.export import SQLITE, write_sqlite
from ddsc.release.verify import Verification, _parquet_problems, publish
from ddsc.pipeline.sources import state_systems as S
from tests.unit.test_verify_edges import PARQUET, make_table, typed

DIGEST_A, DIGEST_B = "a" * 64, "0123456789abcdef" * 4


def test_a_boolean_column_with_a_missing_cell_is_written_to_sqlite_as_one_zero_and_null(tmp_path):
    table = make_table([{"name": "row_id", "constraints": {"required": True}}, {"name": "flag", "type": "boolean"}])
    frame = typed(table, {"row_id": ["r1", "r2", "r3"], "flag": ["true", "false", None]})
    assert write_sqlite(SimpleNamespace(model={"t": table}, tables={"t": frame}, descriptor={}), tmp_path) == [SQLITE]
    db = sqlite3.connect(tmp_path / SQLITE)
    try:
        rows = db.execute('SELECT "row_id", "flag", typeof("flag") FROM "t" ORDER BY "row_id"').fetchall()
    finally:
        db.close()
    assert rows == [("r1", 1, "integer"), ("r2", 0, "integer"), ("r3", None, "null")]


def test_a_parquet_file_that_cannot_be_read_is_called_unreadable_naming_the_readers_error_and_its_message():
    table = make_table()
    found = _parquet_problems(PARQUET, b"not a Parquet file at all", typed(table), table)
    assert found == [Problem(PARQUET, 0, "", "unreadable (ArrowInvalid: Could not open Parquet input source '<Buffer>': Parquet magic bytes not found in footer. "
                                             "Either the file is corrupted or this is not a parquet file.)")]
    assert [p.kind for p in found] == ["export-value"]


@pytest.fixture
def ascii_locale():
    """The process's character encoding set to the POSIX locale's (ASCII) for the test, as on a machine whose locale is not UTF-8."""
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield locale.getencoding()
    finally:
        locale.setlocale(locale.LC_CTYPE, before)


def test_the_published_table_is_written_back_in_utf8_even_where_the_locales_encoding_is_not(tmp_path, monkeypatch, ascii_locale):
    import ddsc.release.verify

    monkeypatch.setattr(ddsc.release.verify, "verify_release", lambda path, expect=None, published=None: Verification([], "1.2.0", DIGEST_A, None))
    assert ascii_locale.lower().replace("-", "") != "utf8"
    table = tmp_path / "published.csv"
    text = f"version,sums_sha256,date\u20280.9.0,{DIGEST_B},2025-12-31\n"  # a Unicode line separator: a line break to the table's reader
    table.write_bytes(text.encode("utf-8"))
    assert publish(tmp_path / "ddsc-1.2.0", table, today=datetime.date(2026, 12, 8)) == ("1.2.0", DIGEST_A, True)
    assert table.read_bytes() == (text + f"1.2.0,{DIGEST_A},2026-12-08\n").encode("utf-8")


def test_a_curation_note_written_over_several_lines_keeps_its_line_breaks_as_written(tmp_path):
    (tmp_path / "reference").mkdir()
    (tmp_path / S.CURATION).write_bytes(b'system,code,country_id,notes\r\ncow,255,deu,"Germany,\r\nthen West Germany"\r\ngw,260,,\r\n')
    assert S.read_curation(tmp_path) == [{"system": "cow", "code": "255", "country_id": "deu", "notes": "Germany,\r\nthen West Germany"},
                                         {"system": "gw", "code": "260", "country_id": "", "notes": ""}]
