"""Every validation rule has a broken input that proves it fires, with its exact located message,
a non-zero exit and nothing written to the release folder."""

import json

import pytest

from tests.conftest import append_rows, read_rows, run, table_path


def _write(path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    _write(path, text.replace(old, new, 1))


def _header_line(root, table: str) -> str:
    return table_path(root, table).read_text(encoding="utf-8").split("\n", 1)[0]


def duplicate_primary_key(root):
    row = read_rows(root, "programs")[0]
    line = append_rows(root, "programs", [row])
    return f"programs:{line}:program_id: duplicate primary key '{row['program_id']}'"


def duplicate_composite_key(root):
    row = read_rows(root, "program_countries")[0]
    line = append_rows(root, "program_countries", [row])
    key = (row["program_id"], row["country_id"], row["role"])
    return f"program_countries:{line}:program_id, country_id, role: duplicate primary key {key!r}"


def dangling_foreign_key(root):
    line = append_rows(root, "agencies", [dict(agency_id="us_zz_test", name_en="Test", agency_type="office", parent_agency_id="us_missing")])
    append_rows(root, "record_citations", [dict(table_name="agencies", record_id="us_zz_test", citation_id="watanabe_us_chapter", locator="sec. 1")])
    return f"agencies:{line}:parent_agency_id: 'us_missing' not found in agencies.agency_id"


def dangling_country(root):
    line = append_rows(root, "program_countries", [dict(program_id="us_fms", country_id="ZZZ", role="recipient")])
    return f"program_countries:{line}:country_id: 'ZZZ' not found in countries.country_id"


def parent_cycle(root):
    line = append_rows(root, "agencies", [
        dict(agency_id="us_zz_a", name_en="A", agency_type="office", parent_agency_id="us_zz_b"),
        dict(agency_id="us_zz_b", name_en="B", agency_type="office", parent_agency_id="us_zz_a"),
    ])
    append_rows(root, "record_citations", [dict(table_name="agencies", record_id=i, citation_id="watanabe_us_chapter", locator="sec. 1") for i in ("us_zz_a", "us_zz_b")])
    return f"agencies:{line}:parent_agency_id: cycle in parent_agency_id: us_zz_a -> us_zz_b -> us_zz_a"


def program_self_parent(root):
    line = append_rows(root, "programs", [dict(program_id="us_zz_loop", name_en="Loop", category="portfolio", parent_program_id="us_zz_loop")])
    append_rows(root, "record_citations", [dict(table_name="programs", record_id="us_zz_loop", citation_id="watanabe_us_chapter", locator="sec. 1")])
    return f"programs:{line}:parent_program_id: cycle in parent_program_id: us_zz_loop -> us_zz_loop"


def _event(root, **values):
    row = dict(event_id="ev_2016_zz_test", date="2016-01-01", date_precision="day", title_en="Test event", event_type="summit") | values
    line = append_rows(root, "events", [row])
    append_rows(root, "record_citations", [dict(table_name="events", record_id=row["event_id"], citation_id="watanabe_us_chapter", locator="sec. 1")])
    return line


def impossible_date(root):
    return f"events:{_event(root, date='2016-02-30')}:date: value '2016-02-30' fails check: type is date"


def future_date(root):
    return f"events:{_event(root, date='2999-01-01')}:date: date 2999-01-01 is in the future"


def precision_mismatch(root):
    return f"events:{_event(root, date='2016-03-05', date_precision='month')}:date_precision: month precision but date is not the first of a month"


def enum_violation(root):
    line = _event(root, event_type="party")
    return f"events:{line}:event_type: value 'party' fails check: is one of"


def missing_required_value(root):
    return f"events:{_event(root, title_en='')}:title_en: required value is missing"


def end_before_start(root):
    line = append_rows(root, "programs", [dict(program_id="us_zz_short", name_en="Short", category="portfolio", start_date="2010-01-01", start_date_precision="year", end_date="2009-01-01", end_date_precision="year")])
    append_rows(root, "record_citations", [dict(table_name="programs", record_id="us_zz_short", citation_id="watanabe_us_chapter", locator="sec. 1")])
    return f"programs:{line}:end_date: 2009-01-01 is before start_date 2010-01-01"


def _country(root, **values) -> int:
    row = read_rows(root, "countries")[-1] | dict(country_id="ZZA", iso2="", iso3="", iso_numeric="", cow_code="") | values
    return append_rows(root, "countries", [row])


def lower_case_iso3(root):
    return f"countries:{_country(root, iso3='zza')}:iso3: value 'zza' fails check: matches pattern ^[A-Z]{{3}}$"


def cow_code_not_integer(root):
    return f"countries:{_country(root, cow_code='7x')}:cow_code: value '7x' fails check: type is integer"


def whitespace_in_key(root):
    line = append_rows(root, "program_countries", [dict(program_id="us_fms ", country_id="JPN", role="partner")])
    return f"program_countries:{line}:program_id: value 'us_fms ' fails check: matches pattern"


def formula_injection(root):
    line = append_rows(root, "program_countries", [dict(program_id="us_fms", country_id="JPN", role="partner", notes="=HYPERLINK(\"x\")")])
    return f"program_countries:{line}:notes: value '=HYPERLINK(\"x\")' fails check: does not start with =, +, - or @"


def uncited_record(root):
    line = append_rows(root, "statutes", [dict(statute_id="us_zz_uncited", title_en="Uncited Act", instrument_type="act")])
    return f"statutes:{line}:statute_id: record 'us_zz_uncited' has no record_citations row with a locator"


def citation_to_missing_record(root):
    line = append_rows(root, "record_citations", [dict(table_name="programs", record_id="us_zz_ghost", citation_id="watanabe_us_chapter", locator="sec. 1")])
    return f"record_citations:{line}:record_id: 'us_zz_ghost' not found in programs"


def missing_locator(root):
    line = append_rows(root, "record_citations", [dict(table_name="programs", record_id="us_fms", citation_id="gates_2010", locator="")])
    return f"record_citations:{line}:locator: required value is missing"


def missing_column(root):
    path = table_path(root, "citations")
    rows = path.read_text(encoding="utf-8").splitlines()
    import csv
    import io
    parsed = list(csv.reader(rows))
    index = parsed[0].index("doi")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:index] + r[index + 1:] for r in parsed])
    _write(path, out.getvalue())
    return "citations:1:doi: required column is missing"


def unknown_column(root):
    path = table_path(root, "event_countries")
    lines = path.read_text(encoding="utf-8").splitlines()
    _write(path, "\n".join([lines[0] + ",extra"] + [l + "," for l in lines[1:]]) + "\n")
    return "event_countries:1:extra: unknown column not in the schema"


def columns_out_of_order(root):
    path = table_path(root, "program_statutes")
    lines = path.read_text(encoding="utf-8").splitlines()
    _write(path, "\n".join(["statute_id,program_id,relation,notes"] + lines[1:]) + "\n")
    return "program_statutes:1:statute_id: columns out of schema order: expected program_id, statute_id, relation, notes"


def utf8_bom(root):
    path = table_path(root, "events")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return "events:1:: file starts with a UTF-8 byte order mark; save as UTF-8 without BOM"


def crlf_line_ends(root):
    path = table_path(root, "events")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return "events:1:: carriage return (CR or CRLF line end); use LF line ends"


def invalid_utf8(root):
    path = table_path(root, "agencies")
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3] + b"\xff"
    path.write_bytes(b"\n".join(lines))
    return "agencies:4:: invalid UTF-8 byte b'\\xff'"


def ragged_too_many(root):
    path = table_path(root, "event_countries")
    line = len(path.read_text(encoding="utf-8").splitlines()) + 1
    with path.open("a", encoding="utf-8") as handle:
        handle.write("ev_19451_x,JPN,party,,extra\n")
    return f"event_countries:{line}:: row has 5 cells, the header has 4"


def ragged_too_few(root):
    path = table_path(root, "event_countries")
    line = len(path.read_text(encoding="utf-8").splitlines()) + 1
    with path.open("a", encoding="utf-8") as handle:
        handle.write("ev_1945_surrender,JPN\n")
    return f"event_countries:{line}:: row has 2 cells, the header has 4"


def header_only(root):
    _write(table_path(root, "program_statutes"), _header_line(root, "program_statutes") + "\n")
    return "program_statutes:1:: table has a header but no rows"


def blank_line(root):
    path = table_path(root, "event_countries")
    lines = path.read_text(encoding="utf-8").splitlines()
    _write(path, "\n".join(lines[:2] + [""] + lines[2:]) + "\n")
    return "event_countries:3:: blank line"


def version_mismatch(root):
    _edit(root / "CITATION.cff", 'version: "1.0.0"', 'version: "1.0.1"')
    return "CITATION.cff:1:version: version '1.0.1' differs from datapackage.json '1.0.0'"


def no_changes_entry(root):
    _edit(root / "CHANGES.md", "## [1.0.0]", "## [0.9.0]")
    return "CHANGES.md:1:: no entry '## [1.0.0]' for the package version"


def _set_path(root, name: str, value: str):
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in desc["resources"] if r["name"] == name)["path"] = value
    _write(root / "datapackage.json", json.dumps(desc, indent=2))


def path_outside_package(root):
    _set_path(root, "events", "../x.csv")
    return "datapackage.json:1:resources.events.path: path '../x.csv' points outside the package"


def absolute_path(root):
    _set_path(root, "events", "/etc/passwd")
    return "datapackage.json:1:resources.events.path: path '/etc/passwd' is absolute; resource paths must be relative to the package"


CASES = [duplicate_primary_key, duplicate_composite_key, dangling_foreign_key, dangling_country, parent_cycle, program_self_parent,
         impossible_date, future_date, precision_mismatch, enum_violation, missing_required_value, end_before_start, lower_case_iso3,
         cow_code_not_integer, whitespace_in_key, formula_injection, uncited_record, citation_to_missing_record, missing_locator,
         missing_column, unknown_column, columns_out_of_order, utf8_bom, crlf_line_ends, invalid_utf8, ragged_too_many, ragged_too_few,
         header_only, blank_line, version_mismatch, no_changes_entry, path_outside_package, absolute_path]


@pytest.mark.parametrize("breaker", CASES, ids=[c.__name__ for c in CASES])
def test_broken_input_fails_with_located_message_and_writes_nothing(breaker, package, tmp_path, capsys):
    expected = breaker(package)
    out = tmp_path / "dist"
    code, err = run(["--root", str(package), "--out", str(out)], capsys)
    assert code == 1
    assert any(line.startswith(expected) for line in err.splitlines()), err
    assert not out.exists()


def test_validate_collects_every_failure_not_only_the_first(package, capsys):
    messages = [impossible_date(package), version_mismatch(package), uncited_record(package)]
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1
    for expected in messages:
        assert any(line.startswith(expected) for line in err.splitlines()), expected


def test_build_script_exits_non_zero_on_broken_input(package):
    import subprocess
    import sys

    from tests.conftest import ROOT

    expected = duplicate_primary_key(package)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "validate", "--root", str(package)], capture_output=True, text=True)
    assert result.returncode == 1
    assert expected in result.stderr
