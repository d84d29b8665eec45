"""The public pandera schemas: derived from the Table Schemas, they check frames a researcher filtered or edited,
foreign keys, citation targets and uncited records included."""

import pandas as pd
import pandera.pandas as pa
import pytest

import ddsc
from ddsc.package.model import parse_dates
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # full-size: the real package


@pytest.fixture(scope="module")
def tables():
    return ddsc.load(ROOT, verify=False)


def _failures(schema, frame) -> set:
    with pytest.raises(pa.errors.SchemaErrors) as err:
        schema.validate(frame, lazy=True)
    cases = err.value.failure_cases
    return {(c.check, c.column, c.index, c.failure_case) for c in cases.itertuples(index=False)}


def test_unmodified_frames_pass(tables):
    schemas = ddsc.pandera_schemas(tables, ROOT)
    assert set(schemas) == set(tables)
    for name, frame in tables.items():
        schemas[name].validate(frame, lazy=True)


def test_a_dangling_key_a_bad_citation_target_and_an_uncited_record_are_reported_with_their_rows(tables):
    edited = {name: frame.copy() for name, frame in tables.items()}
    edited["program_countries"].loc[3, "country_id"] = "ZZZ"
    edited["record_citations"].loc[5, "record_id"] = "us_ghost"
    cited = edited["record_citations"]
    program = edited["programs"].loc[7, "program_id"]
    edited["record_citations"] = cited[~((cited["table_name"] == "programs") & (cited["record_id"] == program))]
    schemas = ddsc.pandera_schemas(edited, ROOT)
    assert ("foreign key country_id -> countries.country_id", "country_id", 3, "ZZZ") in _failures(schemas["program_countries"], edited["program_countries"])
    assert ("citation target exists: record_id", "record_id", 5, "us_ghost") in _failures(schemas["record_citations"], edited["record_citations"])
    assert ("cited with a locator: program_id", "program_id", 7, program) in _failures(schemas["programs"], edited["programs"])


def test_types_and_constraints_are_checked_on_typed_frames(tables):
    schemas = ddsc.pandera_schemas(tables, ROOT)
    countries = tables["countries"].copy()
    countries.loc[0, "cow_code"] = 5000
    countries.loc[1, "iso3"] = "zz1"
    failures = {(check, column, index) for check, column, index, _ in _failures(schemas["countries"], countries)}
    assert {("maximum 999", "cow_code", 0), ("matches pattern ^[A-Z]{3}$", "iso3", 1)} <= failures


def test_dates_parse_only_real_calendar_days():
    parsed = parse_dates(pd.Series(["2016-02-29", "2015-02-29", "2016-2-3", "2016-02-30", None, "1800-01-01"], dtype="string"))
    assert parsed.isna().tolist() == [False, True, True, True, True, False]
    assert str(parsed.dtype).startswith("datetime64")


def test_a_text_column_holding_numbers_fails_its_type_with_its_rows(tables):
    """A string column is judged for the whole column (ddsc.validation.checks._String); a frame where numbers replaced
    the text still fails the type check, each row named, and text held as Python objects still passes."""
    schemas = ddsc.pandera_schemas(tables, ROOT)
    programs = tables["programs"].copy()
    schemas["programs"].validate(programs.assign(name_en=programs["name_en"].astype(object)), lazy=True)
    failures = _failures(schemas["programs"], programs.assign(name_en=3))
    assert {(check, column, index) for check, column, index, _ in failures if check.startswith("dtype")} == {
        ("dtype('string[pyarrow]')", "name_en", i) for i in range(len(programs))}
