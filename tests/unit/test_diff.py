"""diff keys rows on the whole primary key and shows old and new values; between two small packages written
here it finds tables, columns and rows added, removed and changed."""

import json

import pandas as pd
import pytest

from ddsc.release.diff import _duplicates, diff, render, table_diff
from ddsc.package.source import ReleaseError, UnsafeRelease

KEY = ["program_id", "country_id", "role"]


def _frame(rows):
    return pd.DataFrame(rows, columns=KEY + ["notes"])


def test_a_change_in_a_row_of_a_composite_key_is_found_with_old_and_new_values():
    old = _frame([["us_fms", "JPN", "recipient", "a"], ["us_fms", "AUS", "recipient", "b"]])
    new = _frame([["us_fms", "JPN", "recipient", "a"], ["us_fms", "AUS", "recipient", "c"], ["us_fms", "AUS", "partner", ""]])
    result = table_diff(old, new, KEY)
    assert result["changed"] == {("us_fms", "AUS", "recipient"): [("notes", "b", "c")]}
    assert result["added"] == [("us_fms", "AUS", "partner")] and result["removed"] == []
    text = render({"program_countries": result})
    assert "  ~ us_fms, AUS, recipient" in text and "      notes: 'b' -> 'c'" in text


def _package(root, tables: dict) -> str:
    """A package of ``{name: (key, columns, rows)}`` with inline schemas, every field text."""
    resources = []
    (root / "tables").mkdir(parents=True)
    for name, (key, columns, rows) in tables.items():
        resources.append({"name": name, "path": f"tables/{name}.csv", "schema": {"fields": [{"name": c} for c in columns], "primaryKey": key}})
        (root / "tables" / f"{name}.csv").write_text("\n".join(",".join(r) for r in [columns, *rows]) + "\n", encoding="utf-8")
    (root / "datapackage.json").write_text(json.dumps({"name": "p", "title": "P", "resources": resources}), encoding="utf-8")
    return str(root)


@pytest.fixture
def versions(tmp_path):
    old = _package(tmp_path / "old", {
        "programs": (["program_id"], ["program_id", "name", "notes"], [["p1", "A", "n"], ["p2", "B", ""], ["p4", "D", "same"]]),
        "links": (["program_id", "role"], ["program_id", "role", "note"], [["p1", "lead", "x"], ["p1", "funder", ""]]),
        "gone": (["g_id"], ["g_id", "name"], [["g1", "G"]]),
    })
    new = _package(tmp_path / "new", {
        "programs": (["program_id"], ["program_id", "status", "name"], [["p1", "active", "A2"], ["p3", "ended", "C"], ["p4", "active", "D"]]),
        "links": (["program_id", "role"], ["program_id", "role", "note"], [["p1", "lead", ""], ["p1", "partner", ""]]),
        "fresh": (["f_id"], ["f_id"], [["f1"], ["f2"]]),
    })
    return diff(old, new, verify=False)


def test_added_removed_and_changed_rows_and_columns_of_a_table_are_found(versions):
    assert versions["programs"] == {"columns_added": ["status"], "columns_removed": ["notes"], "added": [("p3",)], "removed": [("p2",)],
                                    "changed": {("p1",): [("name", "A", "A2")]}}  # a removed or added column changes no row


def test_rows_are_keyed_on_the_whole_composite_key_and_an_emptied_cell_is_a_change(versions):
    assert versions["links"] == {"columns_added": [], "columns_removed": [], "added": [("p1", "partner")], "removed": [("p1", "funder")],
                                 "changed": {("p1", "lead"): [("note", "x", "")]}}


def test_a_table_added_or_removed_is_listed_with_every_row(versions):
    assert list(versions) == ["programs", "links", "fresh", "gone"]
    assert versions["fresh"]["added"] == [("f1",), ("f2",)] and versions["fresh"]["removed"] == []
    assert versions["gone"]["removed"] == [("g1",)] and versions["gone"]["added"] == [] and versions["gone"]["changed"] == {}
    text = render(versions)
    assert "gone: 0 added, 1 removed, 0 changed\n  - g1" in text and "  column removed: notes" in text and "      note: 'x' -> (empty)" in text



def test_a_repeated_key_is_a_primary_key_problem_on_each_later_line_and_refuses_the_diff(tmp_path):
    frame = pd.DataFrame({"a": ["1", "1", "2", "1"], "b": ["x", "x", "y", "x"]})
    found = _duplicates("t", frame, ["a", "b"])
    assert [(p.table, p.line, p.column, p.kind) for p in found] == [("t", 3, "a, b", "primary-key"), ("t", 5, "a, b", "primary-key")]
    assert "duplicate primary key ('1', 'x')" in found[0].message
    single = _duplicates("t", frame[["a"]].iloc[:2], ["a"])
    assert [(p.line, p.column) for p in single] == [(3, "a")] and "duplicate primary key '1':" in single[0].message
    old = _package(tmp_path / "old", {"t": (["a", "b"], ["a", "b"], [["1", "x"], ["1", "x"], ["2", "y"], ["1", "x"]])})
    with pytest.raises(ReleaseError, match=r"^old: t:3:a, b: duplicate primary key \('1', 'x'\): .* \(and 1 more\)$"):
        diff(old, old, verify=False)
    once = _package(tmp_path / "once", {"t": (["a"], ["a"], [["1"], ["1"]])})
    with pytest.raises(ReleaseError, match=r"^once: t:3:a: duplicate primary key '1': rows are compared by their key$"):
        diff(once, once, verify=False)


def test_the_old_side_must_be_a_verified_release_unless_told_otherwise(tmp_path):
    folder = _package(tmp_path / "old", {"t": (["a"], ["a"], [["1"]])})
    with pytest.raises(UnsafeRelease, match="SHA256SUMS: missing"):
        diff(folder, folder)
    with pytest.raises(UnsafeRelease, match="SHA256SUMS: missing"):
        diff(folder, folder, verify=True)
    assert diff(folder, folder, verify=False)["t"]["changed"] == {}  # the new side, the package being edited, is never verified


def test_a_cell_of_70_characters_is_shown_whole_and_one_of_71_cut_to_70():
    seventy, longer = "a" * 70, "b" * 70 + "c"
    text = render({"t": {"columns_added": [], "columns_removed": [], "added": [], "removed": [], "changed": {("k",): [("n", seventy, longer)]}}})
    assert text.splitlines()[-1] == f"      n: '{seventy}' -> '{'b' * 67}...'"


def test_the_old_release_is_checked_against_its_sums_and_the_package_being_edited_is_not(tmp_path):
    from ddsc.package.checksums import checksums

    old = _package(tmp_path / "old", {"programs": (["program_id"], ["program_id", "name"], [["p1", "A"]])})
    (tmp_path / "old" / "SHA256SUMS").write_text(checksums(tmp_path / "old", ["datapackage.json", "tables/programs.csv"]), encoding="utf-8")
    new = _package(tmp_path / "new", {"programs": (["program_id"], ["program_id", "name"], [["p1", "B"]])})
    assert diff(old, new)["programs"]["changed"] == {("p1",): [("name", "A", "B")]}
