"""Small inputs to the reader, the parser and the path rules: bytes in, problems out."""

import pandas as pd
import pytest

from ddsc.package.model import Field
from ddsc.package.read import encoding_problems
from ddsc.package.source import unsafe_path


@pytest.mark.parametrize("data", [b"a,b\r\n1,2\n", b"a,b\n1,2\r", b"a,b\n1\r2\n"])
def test_any_carriage_return_is_refused_at_its_line(data):
    found = encoding_problems(data, "t")
    assert [(p.line, p.kind) for p in found] == [(data[: data.find(b"\r")].count(b"\n") + 1, "encoding")]


@pytest.mark.parametrize("path", ["tables/../../outside.csv", "tables/../x.csv", "../x.csv", "a/b/../../../x", "/etc/passwd", "C:/x.csv", "tables\\x.csv", "http://x/y.csv", "tables/x\x00.csv", ""])
def test_a_path_leaving_the_package_or_not_plain_is_refused(path):
    assert unsafe_path(path) is not None


@pytest.mark.parametrize("path", ["tables/programs.csv", "schemas/x.json", "datapackage.json"])
def test_plain_relative_paths_are_accepted(path):
    assert unsafe_path(path) is None


@pytest.mark.parametrize(("text", "parsed"), [("740", 740), ("-3", -3), ("740.0", None), ("740.5", None), ("7e2", None), ("", None),
                                                ("9223372036854775808", None), ("99999999999999999999", None), ("-000000000000000000012", -12),
                                                ("9007199254740991", 2**53 - 1), ("-9007199254740991", -(2**53 - 1)), ("9007199254740992", None), ("123456789012345678", None)])
def test_integer_cells_take_integers_only(text, parsed):
    value = Field("n", "integer").parse(pd.Series([text or None], dtype="string")).iloc[0]
    assert (None if pd.isna(value) else int(value)) == parsed


@pytest.mark.parametrize(("text", "parsed"), [("740.5", 740.5), ("1e3", 1000.0), (".5", 0.5), ("1,000", None), ("$5", None), ("1e400", None), ("-1e400", None), ("inf", None), ("nan", None)])
def test_number_cells_take_numbers_only(text, parsed):
    value = Field("x", "number").parse(pd.Series([text], dtype="string")).iloc[0]
    assert (None if pd.isna(value) else float(value)) == parsed


@pytest.mark.parametrize("neighbour", ["2020-01-01", "2023-02-30"])  # a clean column, and one Arrow refuses as a whole
@pytest.mark.parametrize(("text", "parsed"), [("2024-02-29", "2024-02-29"), ("1600-01-01", "1600-01-01"), ("0001-01-01", "0001-01-01"),
                                                ("0000-01-01", None), ("2023-02-29", None), ("2023-13-01", None), ("2023-1-01", None),
                                                ("2023-01-01 ", None), ("+2023-01-01", None), ("20230101", None), ("", None)])
def test_date_cells_take_calendar_days_only(text, parsed, neighbour):
    values = Field("d", "date").parse(pd.Series([text or None, neighbour], dtype="string"))
    assert (None if pd.isna(values.iloc[0]) else values.iloc[0].strftime("%Y-%m-%d").zfill(10)) == parsed
    assert str(values.dtype) == "datetime64[us]"


@pytest.mark.parametrize(("text", "parsed"), [("true", True), ("false", False), ("True", None), ("1", None), ("", None)])
def test_boolean_cells_take_true_and_false_only(text, parsed):
    value = Field("b", "boolean").parse(pd.Series([text or None], dtype="string")).iloc[0]
    assert (None if pd.isna(value) else bool(value)) == parsed


def _zip(path, names):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, "{}" if name.endswith(".json") else "a\n")
    return path


def test_a_release_nested_under_one_folder_is_read_from_that_folder(tmp_path):
    """Release 1.0.0 put everything under ddsc-1.0.0/: read only when nothing lies outside that folder."""
    from ddsc.package.source import Source

    source = Source(_zip(tmp_path / "old.zip", ["ddsc-1.0.0/datapackage.json", "ddsc-1.0.0/tables/a.csv"]))
    assert source.files() == ["datapackage.json", "tables/a.csv"] and source.read("tables/a.csv") == b"a\n"


@pytest.mark.parametrize("names", [
    ["ddsc-1.0.0/datapackage.json", "outside.csv"],
    ["ddsc-1.0.0/datapackage.json", "other/tables/a.csv"],
    ["ddsc-1.0.0/tables/a.csv"],
])
def test_a_zip_without_one_root_holding_the_descriptor_is_refused(tmp_path, names):
    from ddsc.package.source import Source, UnsafeRelease

    with pytest.raises(UnsafeRelease, match="no datapackage.json at the root of the zip"):
        Source(_zip(tmp_path / "bad.zip", names))
