"""One case per key and per rule, generated from the schemas of the minimal package, so that a new table,
key or rule gets its cases without a hand-written list: each case breaks one row of the typed frames and
asserts the kind and the location of the problem it must raise."""

import functools

import pandas as pd
import pandera.pandas as pa
import pytest

from ddsc.api import load
from ddsc.validation.checks import schema_problems, table_schema
from ddsc.package.kinds import kinds_of
from ddsc.package.descriptor import CITATION_TABLE, read_model
from ddsc.package.model import Table
from ddsc.package.problems import line_of
from ddsc.validation.rules import DATE_PAIRS, date_problems
from ddsc.package.source import Source
from tests.fixtures.make_fixtures import HERE, assemble


@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    root = assemble(HERE / "minimal", tmp_path_factory.mktemp("minimal") / "pkg")
    return read_model(Source(root))[1], load(root, verify=False)




@functools.cache
def _model():
    from tests.conftest import ROOT

    return read_model(Source(ROOT))[1]


FOREIGN_KEYS = [(t.name, fk) for t in _model().values() for fk in t.foreign_keys]
CITED = [t.name for t in _model().values() if t.cited]
PAIRS = [(t.name, a, b) for t in _model().values() for a, b in DATE_PAIRS if a in t.field_names and b in t.field_names]


def _problems(model, frames, name, kind=None):
    schema = table_schema(model[name], model, frames)
    if kind:  # only the table's checks that can raise ``kind``: validating every column too would only cost time
        declared = kinds_of(schema)
        schema = pa.DataFrameSchema(checks=[c for c in schema.checks if kind in declared.get(c.name, ())], name=name)
    return {(p.table, p.line, p.column, p.kind) for p in schema_problems(schema, frames[name], model[name])}


@pytest.mark.parametrize(("table", "fk"), FOREIGN_KEYS, ids=lambda v: v.label if hasattr(v, "label") else v)
def test_every_foreign_key_rejects_a_value_missing_from_its_target(minimal, table, fk):
    model, tables = minimal
    frames = dict(tables)  # the tables shared by the tests are never edited: the one edited is a copy
    frame = frames[table] = tables[table].copy()
    rows = frame.index[frame[list(fk.fields)].notna().all(axis=1)]
    if not len(rows):  # the minimal package has no row using this key: give the first row one
        rows = frame.index[:1]
        for f, r in zip(fk.fields, fk.references):
            frame.loc[rows[0], f] = frames[fk.resource][r].dropna().iloc[0]
    row = rows[0]
    # for a composite key, a combination whose parts may each exist elsewhere (an enum part cannot hold a stranger)
    broken = [f for f in fk.fields if not isinstance(frame[f].dtype, pd.CategoricalDtype)][-1]
    frame.loc[row, broken] = 999_999 if pd.api.types.is_numeric_dtype(frame[broken]) else "zz_not_a_key"
    assert (table, line_of(row), fk.field, "foreign-key") in _problems(model, frames, table, "foreign-key")


@pytest.mark.parametrize("table", CITED)
def test_every_cited_table_rejects_a_record_without_a_citation(minimal, table):
    model, tables = minimal
    frames = dict(tables)  # each edit below makes a new frame
    key = model[table].primary_key[0]
    record = frames[table][key].iloc[0]
    links = frames[CITATION_TABLE]
    frames[CITATION_TABLE] = links[~((links["table_name"] == table) & (links["record_id"] == record))].reset_index(drop=True)
    assert (table, line_of(0), key, "uncited") in _problems(model, frames, table, "uncited")


@pytest.mark.parametrize("table", CITED)
def test_a_citation_naming_a_record_that_does_not_exist_is_refused_at_its_record_id(minimal, table):
    model, tables = minimal
    frames = dict(tables)
    links = frames[CITATION_TABLE].copy()
    row = links.index[links["table_name"] == table][0]
    links.loc[row, "record_id"] = "zz_no_such_record"
    frames[CITATION_TABLE] = links
    found = _problems(model, frames, CITATION_TABLE, "citation-target")
    assert found == {(CITATION_TABLE, line_of(row), "record_id", "citation-target")}


def test_citations_of_a_table_left_out_are_not_judged_and_of_an_unknown_table_are_refused(minimal):
    model, tables = minimal
    table = CITED[0]
    frames = {n: f for n, f in tables.items() if n != table}  # the cited table is not given: its citations cannot be judged
    assert not _problems(model, frames, CITATION_TABLE, "citation-target")
    links = tables[CITATION_TABLE].copy()
    row = links.index[links["table_name"] == table][0]
    links["table_name"] = links["table_name"].astype("string")
    links.loc[row, "table_name"] = "no_such_table"
    frames = dict(tables) | {CITATION_TABLE: links}
    assert (CITATION_TABLE, line_of(row), "record_id", "citation-target") in _problems(model, frames, CITATION_TABLE, "citation-target")


@pytest.mark.parametrize("table", CITED)
def test_a_citation_without_a_locator_does_not_cite(minimal, table):
    model, tables = minimal
    frames = dict(tables)
    key = model[table].primary_key[0]
    record = frames[table][key].iloc[0]
    links = frames[CITATION_TABLE].copy()
    links.loc[(links["table_name"] == table) & (links["record_id"] == record), "locator"] = pd.NA
    frames[CITATION_TABLE] = links
    assert (table, line_of(0), key, "uncited") in _problems(model, frames, table, "uncited")


@pytest.mark.parametrize("table", CITED)
def test_a_citation_counts_only_for_the_table_it_names(minimal, table):
    model, tables = minimal
    frames = dict(tables)  # each edit below makes a new frame
    key = model[table].primary_key[0]
    record = frames[table][key].iloc[0]
    links = frames[CITATION_TABLE].copy()
    other = next(n for n in CITED if n != table)
    mine = (links["table_name"] == table) & (links["record_id"] == record)
    links.loc[mine, "table_name"] = other
    frames[CITATION_TABLE] = links
    assert (table, line_of(0), key, "uncited") in _problems(model, frames, table, "uncited")


def _pair_frame(table, start, end, values):
    """A frame of the table's date columns only: (start, start precision, end, end precision) per row."""
    rows = [{start: pd.Timestamp(a), f"{start}_precision": pa, end: pd.Timestamp(b), f"{end}_precision": pb} for a, pa, b, pb in values]
    return pd.DataFrame(rows).astype({f"{start}_precision": "string", f"{end}_precision": "string"})


@pytest.mark.parametrize(("table", "start", "end"), PAIRS)
def test_every_date_pair_is_ordered_at_the_coarser_precision(table, start, end):
    from ddsc.package.model import Field, Table

    fields = tuple(Field(n, "date") for n in (start, end))
    model = {table: Table(table, f"tables/{table}.csv", fields, (), ())}
    frame = _pair_frame(table, start, end, [
        ("2010-01-01", "day", "2009-12-31", "day"),    # before, by a day: wrong
        ("2010-05-01", "month", "2010-05-20", "day"),  # inside the start's month: fine
        ("2010-05-01", "month", "2010-04-30", "day"),  # before the start's month: wrong
        ("2010-01-01", "year", "2010-01-01", "day"),   # same year: fine
        ("2010-03-01", "day", "2010-01-01", "year"),   # end known to the year only, same year: fine
        ("2011-01-01", "year", "2010-12-31", "day"),   # before the start's year: wrong
        ("2010-05-17", "day", "2010-05-01", "month"),  # end known to the month only, the start's month: fine
        ("2010-06-01", "year", "2010-03-01", "day"),   # a start of year precision not on 1 January (a precision problem), the same year: fine
        ("2010-05-15", "month", "2010-05-03", "day"),  # the same, of month precision, in its month: fine
        ("2010-01-01", "day", "2010-01-01", "day"),    # the same day: fine
    ])
    found = {(p.table, p.line, p.column, p.kind) for p in date_problems({table: frame}, model) if p.kind == "date-order"}
    assert found == {(table, line_of(0), end, "date-order"), (table, line_of(2), end, "date-order"), (table, line_of(5), end, "date-order")}
    first = next(p for p in date_problems({table: frame}, model) if p.kind == "date-order")
    assert first.message == f"2009-12-31 is before {start} 2010-01-01"
    for precision, late, early in (("year", "2011-01-01", "2010-12-31"), ("month", "2010-05-01", "2010-04-30")):  # one coarse precision alone in a table
        alone = _pair_frame(table, start, end, [(late, precision, early, "day")])
        assert [(p.line, p.kind) for p in date_problems({table: alone}, model) if p.kind == "date-order"] == [(2, "date-order")], precision


@pytest.mark.parametrize(("precision", "day", "bad"), [("year", "2010-01-01", False), ("year", "2010-06-01", True), ("year", "2010-01-15", True),
                                                       ("month", "2010-06-01", False), ("month", "2010-06-15", True), ("day", "2010-06-15", False)])
def test_a_date_sits_on_the_first_day_of_its_precision(precision, day, bad):
    from ddsc.package.model import Field, Table

    model = {"events": Table("events", "tables/events.csv", (Field("date", "date"), Field("date_precision")), (), ())}
    frame = pd.DataFrame({"date": [pd.Timestamp(day)], "date_precision": pd.Series([precision], dtype="string")})
    found = {(p.table, p.line, p.column, p.kind) for p in date_problems({"events": frame}, model)}
    assert found == ({("events", 2, "date_precision", "precision")} if bad else set())


def test_precision_held_as_plain_text_with_missing_cells_is_judged_like_an_enum():
    """A package may declare its *_precision columns as plain text: missing cells are missing, not an error."""
    schema = {"fields": [{"name": "x_id"}, {"name": "start_date", "type": "date"}, {"name": "start_date_precision"},
                         {"name": "end_date", "type": "date"}, {"name": "end_date_precision"}], "primaryKey": ["x_id"]}
    table = Table.from_resource({"name": "things", "path": "tables/things.csv"}, schema)
    frame = table.typed(pd.DataFrame({
        "x_id": ["a", "b", "c"], "start_date": ["2020-05-01", "2020-05-17", None], "start_date_precision": ["month", None, "day"],
        "end_date": ["2020-05-10", "2020-05-01", None], "end_date_precision": ["day", "day", None]}, dtype="string"))
    found = sorted((p.line, p.column, p.kind) for p in date_problems({"things": frame}, {"things": table}))
    assert found == [(3, "end_date", "date-order"), (3, "start_date_precision", "precision"), (4, "start_date_precision", "precision")]
    messages = {(p.line, p.column): p.message for p in date_problems({"things": frame}, {"things": table}) if p.kind == "precision"}
    assert messages == {(3, "start_date_precision"): "precision is missing for a given date", (4, "start_date_precision"): "precision given but start_date is empty"}


def test_a_table_left_out_does_not_stop_the_citations_of_the_tables_after_it_from_being_judged(minimal):
    model, tables = minimal
    links = tables[CITATION_TABLE].copy()
    first = links.at[0, "table_name"]  # the first table named: its citations cannot be judged when it is left out
    row = links.index[links["table_name"] != first][-1]
    links.loc[row, "record_id"] = "zz_no_such_record"
    frames = {n: f for n, f in tables.items() if n != first} | {CITATION_TABLE: links}
    assert _problems(model, frames, CITATION_TABLE, "citation-target") == {(CITATION_TABLE, line_of(row), "record_id", "citation-target")}


def test_without_a_citation_table_no_record_is_judged_uncited(minimal):
    model, tables = minimal
    frames = {n: f for n, f in tables.items() if n != CITATION_TABLE}
    assert not _problems(model, frames, CITED[0], "uncited")


def test_a_citation_row_without_a_table_name_cites_no_record(minimal):
    model, tables = minimal
    table = CITED[0]
    key = model[table].primary_key[0]
    record = tables[table][key].iloc[0]
    links = tables[CITATION_TABLE].copy()
    links["table_name"] = links["table_name"].astype("string")
    links.loc[(links["table_name"] == table) & (links["record_id"] == record), "table_name"] = pd.NA
    frames = dict(tables) | {CITATION_TABLE: links}
    assert (table, line_of(0), key, "uncited") in _problems(model, frames, table, "uncited")
    assert not _problems(model, frames, CITATION_TABLE, "citation-target")  # nor is the row judged against any table: its missing name is a required problem


def test_citation_problems_say_which_record_and_which_table(minimal):
    model, tables = minimal
    table = CITED[0]
    key = model[table].primary_key[0]
    record = tables[table][key].iloc[0]
    links = tables[CITATION_TABLE]
    frames = dict(tables) | {CITATION_TABLE: links[~((links["table_name"] == table) & (links["record_id"] == record))].reset_index(drop=True)}
    uncited = [p for p in schema_problems(table_schema(model[table], model, frames), frames[table], model[table]) if p.kind == "uncited"]
    assert [p.message for p in uncited] == [f"record {str(record)!r} has no {CITATION_TABLE} row with a locator"]
    links = tables[CITATION_TABLE].copy()
    row = links.index[links["table_name"] == table][0]
    links.loc[row, "record_id"] = "zz_no_such_record"
    frames = dict(tables) | {CITATION_TABLE: links}
    target = [p for p in schema_problems(table_schema(model[CITATION_TABLE], model, frames), links, model[CITATION_TABLE]) if p.kind == "citation-target"]
    assert [(p.line, p.message) for p in target] == [(line_of(row), f"'zz_no_such_record' not found in {table}")]


UNCITED = [t.name for t in _model().values() if not t.cited and len(t.primary_key) == 1]


@pytest.mark.parametrize("table", UNCITED[:1])
def test_a_table_that_is_not_cited_is_not_asked_for_citations(minimal, table):
    model, tables = minimal
    assert not [p for p in schema_problems(table_schema(model[table], model, tables), tables[table], model[table]) if p.kind == "uncited"]
    assert not [c for c in table_schema(model[table], model, tables).checks if "uncited" in getattr(c, "kinds", ())]
