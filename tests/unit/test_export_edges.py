"""What the exports say about the tables they hold: the SQLite file's ``_tables`` and ``_columns``, the datasette
metadata (titles, licence, table descriptions, where rows are cited) and the notes stored in a Stata file."""

import sqlite3
import struct
from types import SimpleNamespace
from urllib.parse import unquote

import pandas as pd

from ddsc.package.model import Table
from ddsc.release.export import WEB_CSS, datasette_metadata, write_sqlite, write_stata_table

PLACES = Table.from_resource(
    {"name": "places", "path": "tables/places.csv", "title": "Places", "description": "Every `place` of the study."},
    {"fields": [{"name": "place_id", "description": "The place's `id`.", "constraints": {"required": True, "pattern": "^[a-z]+$"}},
                {"name": "name_en", "description": "Its English name."},
                {"name": "kind", "description": "Town or city.", "constraints": {"enum": ["town", "city"]}},
                {"name": "parent_id", "description": "The place it lies in."}],
     "primaryKey": ["place_id"], "foreignKeys": [{"fields": "parent_id", "reference": {"resource": "", "fields": "place_id"}}]})
VISITS = Table.from_resource(
    {"name": "visits", "path": "tables/visits.csv", "title": "Visits", "description": "Who came  where,\nand when.", "citationRequired": True},
    {"fields": [{"name": "place_id", "constraints": {"required": True}}, {"name": "day", "type": "date", "constraints": {"required": True}}],
     "primaryKey": ["place_id", "day"], "foreignKeys": [{"fields": ["place_id"], "reference": {"resource": "places", "fields": ["place_id"]}}]})
NOTES = Table.from_resource(
    {"name": "notes", "path": "tables/notes.csv", "title": "Notes", "description": "Notes on visits & places."},
    {"fields": [{"name": "note_id"}, {"name": "place_id"}, {"name": "day", "type": "date"}, {"name": "citation_id"}],
     "primaryKey": ["note_id"],
     "foreignKeys": [{"fields": ["place_id"], "reference": {"resource": "places", "fields": ["place_id"]}},
                     {"fields": ["place_id", "day"], "reference": {"resource": "visits", "fields": ["place_id", "day"]}}]})
TEXT = {
    "places": {"place_id": ["kyoto", "japan"], "name_en": ["Kyoto", "Japan"], "kind": ["city", None], "parent_id": ["japan", None]},
    "visits": {"place_id": ["kyoto", "kyoto", "japan"], "day": ["2020-01-01", "2020-01-02", "2021-05-05"]},
    "notes": {"note_id": ["n1"], "place_id": ["kyoto"], "day": ["2020-01-01"], "citation_id": ["c1"]},
}
DESCRIPTOR = {"title": "Places and visits", "version": "1.2.0", "description": "Where `people` went.\n\nAnd when.",
              "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}], "homepage": "https://example.org/ddsc"}


def _report(descriptor: dict) -> SimpleNamespace:
    model = {t.name: t for t in (PLACES, VISITS, NOTES)}
    return SimpleNamespace(model=model, tables={name: t.typed(pd.DataFrame(TEXT[name], dtype="string")) for name, t in model.items()}, descriptor=descriptor)


def _rows(path, sql: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_the_sqlite_file_documents_every_table_and_every_column_in_its_order(tmp_path):
    write_sqlite(_report(DESCRIPTOR), tmp_path)
    assert _rows(tmp_path / "ddsc.sqlite", 'SELECT * FROM "_tables"') == [
        ("places", "Places", "Every `place` of the study.", "place_id", 2),
        ("visits", "Visits", "Who came  where,\nand when.", "place_id, day", 3),
        ("notes", "Notes", "Notes on visits & places.", "note_id", 1),
    ]
    assert _rows(tmp_path / "ddsc.sqlite", 'SELECT * FROM "_columns"') == [
        ("places", "place_id", 1, "string", "The place's `id`.", 1, "^[a-z]+$", None, None),
        ("places", "name_en", 2, "string", "Its English name.", 0, None, None, None),
        ("places", "kind", 3, "string", "Town or city.", 0, None, "town, city", None),
        ("places", "parent_id", 4, "string", "The place it lies in.", 0, None, None, "places.place_id"),
        ("visits", "place_id", 1, "string", "", 1, None, None, "places.place_id"),
        ("visits", "day", 2, "date", "", 1, None, None, None),
        ("notes", "note_id", 1, "string", "", 0, None, None, None),
        ("notes", "place_id", 2, "string", "", 0, None, None, "places.place_id, visits.(place_id, day)"),
        ("notes", "day", 3, "date", "", 0, None, None, "visits.(place_id, day)"),
        ("notes", "citation_id", 4, "string", "", 0, None, None, None),
    ]


def test_the_datasette_metadata_describes_the_release_and_where_each_tables_rows_are_cited():
    meta = datasette_metadata(_report(DESCRIPTOR))
    css = meta.pop("extra_css_urls")
    assert meta == {
        "title": "Places and visits 1.2.0",
        "description_html": "<p>Where people went. And when.</p>"
                            '<p>What every column means: the <a href="/ddsc/_columns">_columns</a> table; every table: <a href="/ddsc/_tables">_tables</a>.</p>',
        "license": "CC-BY-4.0", "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "source": "DDSC release 1.2.0", "source_url": "https://example.org/ddsc",
        "databases": {"ddsc": {"queries": {}, "tables": {
            "places": {"description": "Every place of the study.", "size": 20, "label_column": "name_en"},
            "visits": {"size": 20, "description_html": 'Who came where, and when. Where each row is cited: <a href="/ddsc/citations_of_a_record?table_name=visits">'
                                                       'citations of a record</a> (enter its id). Column documentation: <a href="/ddsc/_columns?table_name=visits">_columns</a>.'},
            "notes": {"size": 20, "description_html": "Notes on visits &amp; places. Where each row is cited: its citation_id and locator columns. "
                                                      'Column documentation: <a href="/ddsc/_columns?table_name=notes">_columns</a>.'},
            "_columns": {"description": "What every column of every table means: type, constraints, levels and references."},
            "_tables": {"description": "Every table with its title, description, primary key and row count."},
        }}},
    }
    assert len(css) == 1 and css[0].startswith("data:text/css,") and " " not in css[0] and unquote(css[0]) == "data:text/css," + WEB_CSS


def test_a_descriptor_without_title_version_description_licence_or_homepage_gives_empty_metadata_not_none():
    meta = datasette_metadata(_report({}))
    assert {key: meta[key] for key in ("title", "description_html", "license", "license_url", "source", "source_url")} == {
        "title": "DDSC",
        "description_html": '<p></p><p>What every column means: the <a href="/ddsc/_columns">_columns</a> table; every table: <a href="/ddsc/_tables">_tables</a>.</p>',
        "license": "", "license_url": "", "source": "DDSC release ", "source_url": "",
    }


def _characteristics(data: bytes) -> list[tuple[str, str, str]]:
    """The (variable, name, text) of each characteristic of a Stata 118 file, in file order."""
    order = {b"LSF": "<", b"MSF": ">"}[data[data.index(b"<byteorder>") + 11:data.index(b"</byteorder>")]]
    pos, end, out = data.index(b"<characteristics>") + len(b"<characteristics>"), data.index(b"</characteristics>"), []
    while pos < end:
        assert data[pos:pos + 4] == b"<ch>"
        (size,) = struct.unpack(order + "I", data[pos + 4:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        out.append((body[:129].rstrip(b"\0").decode(), body[129:258].rstrip(b"\0").decode(), body[258:-1].decode()))
        pos += 8 + size + len(b"</ch>")
    return out


def test_each_description_is_stored_as_its_variables_note_as_statas_notes_command_stores_it(tmp_path):
    report = _report(DESCRIPTOR)
    write_stata_table(report.tables["places"], PLACES, tmp_path / "places.dta")
    assert _characteristics((tmp_path / "places.dta").read_bytes()) == [
        ("_dta", "note0", "1"), ("_dta", "note1", "Every place of the study."),
        ("place_id", "note0", "1"), ("place_id", "note1", "The place's id."),
        ("name_en", "note0", "1"), ("name_en", "note1", "Its English name."),
        ("kind", "note0", "1"), ("kind", "note1", "Town or city."),
        ("parent_id", "note0", "1"), ("parent_id", "note1", "The place it lies in."),
    ]
