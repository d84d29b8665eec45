"""Untrusted releases and hostile edits: nothing a release names is read or written outside it, nothing
passes that should not, and every command ends with a located message, never a traceback."""

import json
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import ddsc
from ddsc.package import source as source_module
from ddsc.cli import main
from ddsc.package.source import UnsafeRelease
from tests.conftest import RELEASE, append_rows, run, table_path
from tests.fixtures.make_fixtures import HERE, assemble

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zipped:
        return {i.filename: zipped.read(i) for i in zipped.infolist()}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return path


def _no_traceback(err: str) -> None:
    assert "Traceback" not in err


# --- 2. one root: every reader sees the data verify checked ------------------------------------------


def test_verify_rejects_a_zip_with_files_outside_its_checksums(built, tmp_path, capsys):
    members = _members(built.parent / f"{RELEASE}.zip")
    members[f"{RELEASE}/datapackage.json"] = members["datapackage.json"]
    members[f"{RELEASE}/tables/programs.csv"] = members["tables/programs.csv"].replace(b"Foreign Military Sales", b"Tampered Sales")
    tampered = _zip(tmp_path / "tampered.zip", members)
    code, err = run(["verify", str(tampered)], capsys)
    assert code == 1
    assert f"{RELEASE}/tables/programs.csv: not listed in SHA256SUMS" in err
    with pytest.raises(UnsafeRelease, match="not listed in SHA256SUMS"):
        ddsc.load(tampered)


# --- 3. paths outside the release ------------------------------------------------------------------------


def test_a_resource_path_outside_the_release_is_refused_by_load_diff_and_validate(built, capsys):
    desc = json.loads((built / "datapackage.json").read_text())
    desc["resources"][0]["path"] = "../../../../../../etc/shells"
    (built / "datapackage.json").write_text(json.dumps(desc))
    with pytest.raises(UnsafeRelease, match="checksum mismatch"):
        ddsc.load(built)
    with pytest.raises(UnsafeRelease, match="points outside the package"):
        ddsc.load(built, verify=False)
    code, err = run(["diff", str(built), "--no-verify"], capsys)
    assert code == 1 and "path '../../../../../../etc/shells' points outside the package" in err
    assert "/bin/" not in err
    code, err = run(["validate", "--root", str(built)], capsys)
    assert code == 1 and "datapackage.json:1:resources.countries.path: path '../../../../../../etc/shells' points outside the package" in err


@pytest.mark.parametrize("kind", ["symlink to /dev/zero", "fifo", "symlink to /etc/passwd"])
def test_symlinks_devices_and_fifos_are_refused_without_being_read(built, capsys, kind):
    target = built / ("schemas/programs.json" if kind != "symlink to /etc/passwd" else "tables/programs.csv")
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero" if "zero" in kind else "/etc/passwd")
    code, err = run(["verify", str(built)], capsys)
    assert code == 1
    rel = str(target.relative_to(built))
    assert f"{rel}: {rel}: is or passes through a symbolic link" in err or f"{rel}: {rel}: not a regular file" in err
    assert "root:" not in err
    _no_traceback(err)


def test_checksums_naming_a_file_outside_the_release_are_refused(built, capsys):
    sums = built / "SHA256SUMS"
    sums.write_text(sums.read_text() + "0" * 64 + "  ../../etc/hostname\n")
    code, err = run(["verify", str(built)], capsys)
    assert code == 1 and "path '../../etc/hostname' points outside the package" in err


# --- 4. descriptor and schemas checked first --------------------------------------------------------------


def test_a_foreign_key_to_an_undeclared_resource_is_a_located_problem(package, capsys):
    schema = package / "schemas" / "event_countries.json"
    schema.write_text(schema.read_text().replace('"resource": "countries"', '"resource": "countrys"'))
    append_rows(package, "event_countries", [dict(event_id="ev_1945_surrender", country_id="ZZZ", role="party")])
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1
    assert "datapackage.json:1:schemas.event_countries.foreignKeys: foreign key 'country_id' references unknown resource 'countrys'" in err


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.update(resources=[]), "datapackage.json:1:resources: the package declares no resources"),
    (lambda d: d.pop("resources"), "datapackage.json:1:resources: the package declares no resources"),
    (lambda d: d["resources"][0].pop("path"), "datapackage.json:1:resources.countries.path: path None is not a relative file path"),
    (lambda d: d["resources"][0].pop("name"), "datapackage.json:1:resources.0: a resource has no valid name"),
    (lambda d: d["resources"][0].pop("schema"), "datapackage.json:1:resources.countries.schema: path None is not a relative file path"),
])
def test_broken_descriptors_give_located_messages(package, capsys, edit, message):
    desc = json.loads((package / "datapackage.json").read_text())
    edit(desc)
    (package / "datapackage.json").write_text(json.dumps(desc))
    for command in (["validate", "--root", str(package)], ["--root", str(package), "--out", str(package / "dist")]):
        code, err = run(command, capsys)
        assert code == 1 and message in err, err
        _no_traceback(err)
    assert not (package / "dist" / RELEASE).exists()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: s["fields"][1].update(type="strng"), "datapackage.json:1:schemas.programs.name_en: unknown field type 'strng'"),
    (lambda s: s["fields"][0]["constraints"].update(pattern="(["), "datapackage.json:1:schemas.programs.program_id: invalid pattern '(['"),
    (lambda s: s.update(primaryKey="nothing"), "datapackage.json:1:schemas.programs.primaryKey: primary key names 'nothing', not a field"),
    (lambda s: s.pop("fields"), "datapackage.json:1:schemas.programs: the schema has no list of fields"),
])
def test_broken_schemas_give_located_messages(package, capsys, edit, message):
    path = package / "schemas" / "programs.json"
    schema = json.loads(path.read_text())
    edit(schema)
    path.write_text(json.dumps(schema))
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and message in err, err
    _no_traceback(err)


def test_an_inline_schema_is_handled_alike_by_validate_and_build(package, tmp_path, capsys):
    desc = json.loads((package / "datapackage.json").read_text())
    desc["resources"][0]["schema"] = json.loads((package / "schemas" / "countries.json").read_text())
    (package / "datapackage.json").write_text(json.dumps(desc))
    assert run(["validate", "--root", str(package)], capsys)[0] == 0
    code, err = run(["--root", str(package), "--out", str(tmp_path / "out")], capsys)
    assert code == 0, err


def test_invalid_descriptor_json_is_located(package, capsys):
    (package / "datapackage.json").write_text('{"resources": [')
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and "datapackage.json:1:: invalid JSON: Expecting value" in err


# --- 5. releases are immutable ---------------------------------------------------------------------------


def test_a_published_zip_is_not_replaced_when_its_folder_is_gone(built, package, capsys):
    shutil.rmtree(built)
    path = table_path(package, "citations")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Arms Export Control Act", "Arms Export Control Act (edited)", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text  # the content differs from the release's
    before = (built.parent / f"{RELEASE}.zip").read_bytes()
    code, err = run(["--root", str(package), "--out", str(built.parent)], capsys)
    assert code == 1 and f"{RELEASE} is already released with different content" in err
    assert (built.parent / f"{RELEASE}.zip").read_bytes() == before


def test_a_truncated_zip_next_to_a_good_folder_is_not_called_unchanged(built, package, capsys):
    archive = built.parent / f"{RELEASE}.zip"
    archive.write_bytes(archive.read_bytes()[:1000])
    code, err = run(["--root", str(package), "--out", str(built.parent)], capsys)
    assert code == 1 and "unchanged" not in err
    code, err = run(["--root", str(package), "--out", str(built.parent), "--force"], capsys)
    assert code == 0
    assert run(["verify", str(archive)], capsys)[0] == 0


def test_a_build_deletes_only_what_it_created_not_a_folder_named_like_its_temporary_one(tmp_path, capsys):
    from tests.fixtures.tiny import tiny

    out = tmp_path / "out"
    for name in (".ddsc-1.0.0-backup", ".ddsc-1.0.0-killed"):  # a user's backup, a killed build's leftover
        (out / name).mkdir(parents=True)
        (out / name / "precious.txt").write_text("kept\n")
    code, err = run(["--root", str(tiny(tmp_path / "pkg")), "--out", str(out)], capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [".ddsc-1.0.0-backup", ".ddsc-1.0.0-killed", ".ddsc-1.0.0.lock", "ddsc-1.0.0", "ddsc-1.0.0.zip"]
    assert all((out / name / "precious.txt").read_text() == "kept\n" for name in (".ddsc-1.0.0-backup", ".ddsc-1.0.0-killed"))
    assert ".ddsc-1.0.0-backup: not created by this build, left as it is" in err


# --- 6. size limits ----------------------------------------------------------------------------------------


def test_a_zip_bomb_entry_is_refused_before_anything_is_extracted(built, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(source_module, "MAX_RATIO", 50)
    members = _members(built.parent / f"{RELEASE}.zip")
    members["padding.bin"] = b"\0" * (4 << 20)
    bomb = _zip(tmp_path / "bomb.zip", members)
    code, err = run(["verify", str(bomb)], capsys)
    assert code == 1 and "bomb.zip: entry 'padding.bin' expands more than 50 times" in err


def test_nul_bytes_in_a_table_are_refused_by_load_and_validate(package, capsys):
    path = table_path(package, "events")
    path.write_bytes(path.read_bytes() + b"\0" * 1000)
    with pytest.raises(ddsc.ReleaseError, match="NUL byte"):
        ddsc.load(package, verify=False)
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and "events:" in err and "NUL byte: not a text file" in err


# --- 7. verify names a tampered schema or descriptor ---------------------------------------------------------


@pytest.mark.parametrize("name", ["schemas/programs.json", "datapackage.json"])
def test_verify_names_a_tampered_schema_or_descriptor(built, capsys, name):
    (built / name).write_text("{")
    code, err = run(["verify", str(built)], capsys)
    assert code == 1 and f"{name}: checksum mismatch" in err
    _no_traceback(err)


# --- 8. realistic edits ---------------------------------------------------------------------------------------


def test_a_quoted_cell_longer_than_the_csv_module_default_is_read(package, capsys):
    line = append_rows(package, "citations", [dict(citation_id="long_note", citation_type="report", title="Long", language="en", notes="x" * 200_000)])
    code, err = run(["validate", "--root", str(package)], capsys)
    _no_traceback(err)
    assert code == 0 or f"citations:{line}" in err


def test_a_cp1252_line_from_a_spreadsheet_is_located(package, capsys):
    path = table_path(package, "citations")
    line = len(path.read_text(encoding="utf-8").splitlines()) + 1
    path.write_bytes(path.read_bytes() + 'caf_note,report,,,"Caf\u00e9 report",,,,en,,,\n'.encode("cp1252"))
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and f"citations:{line}:: invalid UTF-8 byte b'\\xe9'; save the file as UTF-8" in err


@pytest.mark.parametrize("target", ["missing.zip", "R.ZIP", "folder"])
def test_verify_of_a_missing_or_unreadable_release_is_a_message(tmp_path, capsys, target):
    path = tmp_path / target
    if target == "R.ZIP":
        path.write_bytes(b"not a zip")
    if target == "folder":
        path.mkdir()
    code, err = run(["verify", str(path)], capsys)
    assert code == 1 and "FAILED" in err or code == 1 and "error" in err
    _no_traceback(err)


def test_a_zip_without_a_descriptor_and_a_release_missing_a_key_column_are_messages(built, tmp_path, capsys):
    empty = _zip(tmp_path / "empty.zip", {"tables/x.csv": b"a\n1\n"})
    code, err = run(["verify", str(empty)], capsys)
    assert code == 1 and "empty.zip: no datapackage.json at the root of the zip" in err
    path = built / "tables" / "programs.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(",".join(l.split(",")[1:]) for l in lines) + "\n")
    code, err = run(["diff", str(built), "--no-verify"], capsys)
    assert code == 1 and "programs:1:program_id: required column is missing" in err


# --- 9. output ---------------------------------------------------------------------------------------------------


def test_terminal_escapes_are_shown_escaped(package, capsys):
    append_rows(package, "citations", [dict(citation_id="esc", citation_type="report", title="Bad \x1b[31mred\x1b[0m", language="en")])
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and "\x1b" not in err and "\\x1b[31mred" in err


def test_a_million_column_header_prints_one_line(package, capsys):
    path = table_path(package, "event_countries")
    path.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n" + path.read_text().split("\n", 1)[1])
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and "event_countries:1:: header has 1,000,000 columns, the schema 6" in err
    assert len(err.splitlines()) < 40


def test_repeated_problems_are_capped(package, capsys):
    path = table_path(package, "citations")
    path.write_text(path.read_text() + "".join(f"bad id {i},report,,,T,,,,en,,,\n" for i in range(1200)))
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and "... and " in err and " more" in err
    assert len(err.splitlines()) < 1100


@pytest.mark.parametrize(("value", "check"), [("Bidi \u202e text", "has no control, bidirectional or invisible character"), ("Zero\u200bwidth", "has no control, bidirectional or invisible character")])
def test_bidirectional_and_zero_width_characters_in_free_text_are_reported(package, capsys, value, check):
    line = append_rows(package, "citations", [dict(citation_id="odd_text", citation_type="report", title=value, language="en")])
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and f"citations:{line}:title: value " in err and check in err
    assert "\u202e" not in err and "\u200b" not in err


def test_ids_reject_anything_outside_their_pattern(package, capsys):
    line = append_rows(package, "citations", [dict(citation_id="bad\u200bid", citation_type="report", title="T", language="en")])
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and f"citations:{line}:citation_id: value 'bad\\u200bid' fails check: matches pattern" in err


# --- property: hostile mutations never end in a traceback or a write outside the output folder ------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FILES = ["datapackage.json", "schemas/programs.json", "schemas/events.json", "tables/events.csv", "tables/programs.csv", "tables/record_citations.csv"]


def _snapshot(folder: Path, skip: Path) -> dict:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and skip not in p.parents}


@st.composite
def mutations(draw):
    name = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["replace", "truncate", "insert", "json"]))
    position = draw(st.floats(min_value=0, max_value=1))
    payload = draw(st.binary(min_size=1, max_size=12) | st.sampled_from([b'"', b"\n", b",", b"\r\n", b"\xff", b"../", b"\x1b[2J", "\u202e".encode(), b"{}", b"null"]))
    value = draw(st.sampled_from([None, [], {}, "", "../x", "/etc/passwd", 7, "strng", "countrys"]))
    return name, kind, position, payload, value


def _mutate(root: Path, mutation) -> None:
    name, kind, position, payload, value = mutation
    path = root / name
    data = path.read_bytes()
    at = int(position * len(data))
    if kind == "json" and name.endswith(".json"):
        doc = json.loads(data)
        target = doc["resources"][int(position * (len(doc["resources"]) - 1))] if "resources" in doc else doc["fields"][int(position * (len(doc["fields"]) - 1))]
        key = sorted(target)[int(position * (len(target) - 1))]
        target[key] = value
        path.write_text(json.dumps(doc))
    elif kind == "truncate":
        path.write_bytes(data[:at])
    elif kind == "insert":
        path.write_bytes(data[:at] + payload + data[at:])
    else:
        path.write_bytes(data[:at] + payload + data[at + len(payload):])


@settings(max_examples=int(os.environ.get("DDSC_HOSTILE_EXAMPLES", "8")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutations())
def test_hostile_mutations_end_with_a_message_and_write_only_into_the_output_folder(tmp_path_factory, capsys, mutation):
    base = tmp_path_factory.mktemp("hostile")
    root = assemble(HERE / "minimal", base / "pkg")
    out = base / "out"
    _mutate(root, mutation)
    before = _snapshot(base, out)
    for command in (["validate", "--root", str(root)], ["--root", str(root), "--out", str(out)], ["verify", str(root)], ["diff", str(root), "--root", str(root), "--no-verify"]):
        code = main(command)
        err = capsys.readouterr().err
        assert code in (0, 1), (command, err)
        assert code == 0 or err.strip(), command
        assert "Traceback" not in err
    after = _snapshot(base, out)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    assert changed == set(), changed


def test_two_concurrent_builds_of_different_content_leave_one_consistent_release(package, tmp_path):
    """A lock serializes builds into one output folder: one build writes the release, the other finds a
    different release there and refuses; the folder and the zip are of the same build."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    other = tmp_path / "other"
    shutil.copytree(package, other)
    path = table_path(other, "citations")
    path.write_text(path.read_text(encoding="utf-8").replace("Arms Export Control Act", "Arms Export Control Act (other)", 1), encoding="utf-8")
    out = tmp_path / "out"
    runs = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(root), "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for root in (package, other)]
    results = [(r.wait(timeout=300), r.stderr.read()) for r in runs]
    assert sorted(code for code, _ in results) == [0, 1], results
    assert any("already released with different content" in err for _, err in results)
    assert main(["verify", str(out / RELEASE)]) == 0 and main(["verify", str(out / f"{RELEASE}.zip")]) == 0
    with zipfile.ZipFile(out / f"{RELEASE}.zip") as zipped:
        assert zipped.read("tables/citations.csv") == (out / RELEASE / "tables" / "citations.csv").read_bytes()


def test_load_and_diff_refuse_a_release_without_checksums_unless_told_not_to_verify(built, capsys):
    import ddsc

    (built / "SHA256SUMS").unlink()
    with pytest.raises(ddsc.ReleaseError, match="SHA256SUMS: missing"):
        ddsc.load(built)
    assert "programs" in ddsc.load(built, verify=False)
    code, err = run(["diff", str(built), "--root", str(built)], capsys)
    assert code == 1 and "SHA256SUMS: missing" in err
    assert run(["diff", str(built), "--root", str(built), "--no-verify"], capsys)[0] == 0


def _zip_entries(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    """A zip with exactly these entries, duplicates included (zipfile warns, and writes them)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
            for name, data in entries:
                zipped.writestr(name, data)
    return path


@pytest.mark.parametrize("alias", ["tables/./programs.csv", "tables//programs.csv", "./tables/programs.csv", "tables/programs.csv", "TABLES/programs.csv", "tables/programs.csv".replace("s.csv", "s\u0301.csv"), "../x/", "/abs/", "C:/x/"])
def test_zip_entries_that_could_extract_over_another_are_refused(built, tmp_path, capsys, alias):
    members = list(_members(built.parent / f"{RELEASE}.zip").items())
    if alias == "tables/programs.csv".replace("s.csv", "s\u0301.csv"):  # NFD twin of an NFC name
        members.append(("tables/programe\u0301.csv", b"x"))
        members.append(("tables/program\u00e9.csv", b"y"))
    else:
        members.append((alias, b"program_id\nzz_shadow\n"))
    archive = _zip_entries(tmp_path / "alias.zip", members)
    code, err = run(["verify", str(archive)], capsys)
    assert code == 1 and "alias.zip: entry" in err, err
    _no_traceback(err)


def test_bytes_hidden_outside_the_central_directory_are_refused(built, tmp_path, capsys):
    data = (built.parent / f"{RELEASE}.zip").read_bytes()
    with zipfile.ZipFile(built.parent / f"{RELEASE}.zip") as zipped:
        start = zipped.start_dir
    hidden = tmp_path / "hidden.zip"
    extra = _zip_entries(tmp_path / "one.zip", [("tables/programs.csv", b"program_id\nzz\n")]).read_bytes()
    local = extra[: extra.find(b"PK\x01\x02")]  # one local entry, listed in no central directory
    patched = data[:start] + local + data[start:]
    end = patched.rfind(b"PK\x05\x06")  # move the central directory's offset past the hidden entry
    import struct

    offset = struct.unpack("<I", patched[end + 16:end + 20])[0] + len(local)
    hidden.write_bytes(patched[: end + 16] + struct.pack("<I", offset) + patched[end + 20:])
    code, err = run(["verify", str(hidden)], capsys)
    assert code == 1 and "belong to no listed entry" in err, err


def test_a_symlink_planted_at_the_lock_is_not_followed(package, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / f".{RELEASE}.lock").symlink_to(victim)
    code, err = run(["--root", str(package), "--out", str(out)], capsys)
    assert code == 1 and "build lock" in err
    assert victim.read_text() == "precious\n"
    _no_traceback(err)


def test_the_lock_file_stays_after_a_build(package, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(["--root", str(package), "--out", str(out)], capsys)[0] == 0
    assert (out / f".{RELEASE}.lock").is_file()


def test_two_resources_sharing_one_schema_give_one_zip_entry(package, tmp_path, capsys):
    desc = json.loads((package / "datapackage.json").read_text())
    shutil.copyfile(package / "tables" / "event_countries.csv", package / "tables" / "event_countries_copy.csv")
    copy = dict(next(r for r in desc["resources"] if r["name"] == "event_countries"), name="event_countries_copy", path="tables/event_countries_copy.csv")
    desc["resources"].append(copy)
    (package / "datapackage.json").write_text(json.dumps(desc))
    out = tmp_path / "out"
    code, err = run(["--root", str(package), "--out", str(out)], capsys)
    assert code == 0, err
    with zipfile.ZipFile(out / f"{RELEASE}.zip") as zipped:
        names = zipped.namelist()
    assert len(names) == len(set(names)) and "schemas/event_countries.json" in names


@pytest.mark.parametrize(("content", "message"), [
    ("a: &x [1]\nb: *x\n", "anchors and aliases"),
    ('cff-version: 1.2.0\ntitle: "T"\nversion: "1.0.0"\nversion: "9.9.9"\nauthors: []\ndate-released: 2026-01-01\n', "given twice"),
])
def test_cite_refuses_aliases_and_duplicate_keys(package, capsys, content, message):
    (package / "CITATION.cff").write_text(content)
    code, err = run(["cite", "--root", str(package)], capsys)
    assert code == 1 and message in err
    _no_traceback(err)


@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_cite_reads_citation_cff_only_as_a_plain_file_inside_the_package(package, tmp_path, capsys, kind):
    import os

    (package / "CITATION.cff").unlink()
    if kind == "symlink":
        (package / "CITATION.cff").symlink_to("/etc/passwd")
    else:
        os.mkfifo(package / "CITATION.cff")
    code, err = run(["cite", "--root", str(package)], capsys)
    assert code == 1 and "CITATION.cff" in err and "root:" not in err
    _no_traceback(err)


def test_two_version_lines_in_citation_cff_fail_validation(package, capsys):
    cff = package / "CITATION.cff"
    cff.write_text(cff.read_text() + 'version: "0.0.1"\n')
    code, err = run(["validate", "--root", str(package)], capsys)
    assert code == 1 and "CITATION.cff:1:version: version is given 2 times" in err


def _resum(folder: Path) -> None:
    """Rewrite SHA256SUMS consistently, as a hostile mirror would."""
    from ddsc.release.write import checksums
    from ddsc.package.checksums import parse_sums

    listed, _ = parse_sums((folder / "SHA256SUMS").read_text())
    (folder / "SHA256SUMS").write_text(checksums(folder, list(listed)))


def _tamper_metadata(folder):
    meta = json.loads((folder / "metadata.json").read_text())
    meta["databases"]["ddsc"]["tables"]["programs"]["description_html"] = "<script>alert(1)</script>"
    meta["source_url"] = "javascript:alert(1)"
    (folder / "metadata.json").write_text(json.dumps(meta))


def _tamper_sqlite(folder):
    import sqlite3

    with sqlite3.connect(folder / "ddsc.sqlite") as db:
        db.execute('ALTER TABLE "programs" ADD COLUMN "x" TEXT GENERATED ALWAYS AS (\'injected\') VIRTUAL')
    db.close()


def _tamper_sqlite_value(folder):
    import sqlite3

    with sqlite3.connect(folder / "ddsc.sqlite") as db:
        db.execute("UPDATE programs SET name_en = 'Changed' WHERE rowid = 1")
    db.close()


def _tamper_parquet(folder):
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "parquet" / "programs.parquet")
    pq.write_table(table.slice(0, table.num_rows - 1), folder / "parquet" / "programs.parquet")


def _tamper_stata(folder):
    frame = pd.read_stata(folder / "stata" / "countries.dta", convert_categoricals=False)
    frame.loc[0, "cow_code"] = 999
    frame.to_stata(folder / "stata" / "countries.dta", write_index=False, version=118)


@pytest.mark.parametrize(("tamper", "named"), [(_tamper_metadata, "metadata.json"), (_tamper_sqlite, "ddsc.sqlite"), (_tamper_sqlite_value, "ddsc.sqlite:2:programs.name_en: holds text 'Changed'"),
                                               (_tamper_parquet, "parquet/programs.parquet: programs has"), (_tamper_stata, "stata/countries.dta: its header")])
def test_verify_compares_every_export_with_the_validated_tables(built, capsys, tamper, named):
    tamper(built)
    _resum(built)
    code, err = run(["verify", str(built)], capsys)
    assert code == 1 and named in err, err


# --- 16. entries that cannot be extracted, and the one error class of ddsc.load ------------------------------


def _set_flag(archive: Path, name: str, bit: int) -> None:
    """Set a general-purpose flag bit of entry ``name`` in its local header and its central directory record."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zipped:
        info, central = zipped.getinfo(name), zipped.start_dir
    data[info.header_offset + 6] |= bit
    position = data.find(b"PK\x01\x02" + data[central + 4 : central + 6], central)
    while data[position + 46 : position + 46 + len(name)] != name.encode():
        name_length, extra, comment = (int.from_bytes(data[position + k : position + k + 2], "little") for k in (28, 30, 32))
        position += 46 + name_length + extra + comment
    data[position + 8] |= bit
    archive.write_bytes(bytes(data))


def _corrupt(archive: Path, name: str) -> None:
    """Garble the compressed data of entry ``name`` (its sizes and headers unchanged)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zipped:
        info = zipped.getinfo(name)
    start = info.header_offset + 30 + int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little") + int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    for offset in range(start + 4, start + min(40, info.compress_size)):
        data[offset] ^= 0x55
    archive.write_bytes(bytes(data))


def _bzip2(archive: Path, name: str, tmp_path: Path) -> Path:
    members = _members(archive)
    path = tmp_path / "bzip2.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        for member, data in members.items():
            zipped.writestr(member, data, compress_type=zipfile.ZIP_BZIP2 if member == name else zipfile.ZIP_DEFLATED)
    return path


@pytest.mark.parametrize(
    "attack, message",
    [
        ("encrypted", "entry 'tables/programs.csv' is encrypted"),
        ("corrupt", "entry 'tables/programs.csv' cannot be extracted"),
        ("bzip2", "entry 'tables/programs.csv' uses compression method 12"),
    ],
)
def test_an_entry_that_cannot_be_extracted_is_named_by_every_command_and_by_load(built, tmp_path, capsys, attack, message):
    archive = tmp_path / "release.zip"
    shutil.copyfile(built.parent / f"{RELEASE}.zip", archive)
    if attack == "encrypted":
        _set_flag(archive, "tables/programs.csv", 0x1)
    elif attack == "corrupt":
        _corrupt(archive, "tables/programs.csv")
    else:
        archive = _bzip2(archive, "tables/programs.csv", tmp_path)
    code, err = run(["verify", str(archive)], capsys)
    assert code == 1 and message in err and "unexpected" not in err
    _no_traceback(err)
    for verify in (True, False):
        with pytest.raises(ddsc.ReleaseError, match=message):
            ddsc.load(archive, verify=verify)


def test_a_corrupt_table_entry_is_located_with_its_kind(built, tmp_path):
    from ddsc.validation.validate import check

    archive = tmp_path / "release.zip"
    shutil.copyfile(built.parent / f"{RELEASE}.zip", archive)
    _corrupt(archive, "tables/programs.csv")
    problems = check(archive).problems
    assert ("programs", 0, "unreadable-file") in {(p.table, p.line, p.kind) for p in problems}


def test_every_error_of_load_is_a_release_error_naming_its_place(package):
    path = table_path(package, "programs")
    text = path.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = next(csv_row for csv_row in text[1:] if csv_row.count('"') == 0)
    cells = row.split(",")
    cells[header.index("start_date")] = "2020-13-45"
    path.write_text("\n".join([text[0], ",".join(cells)] + text[1:]) + "\n", encoding="utf-8")
    with pytest.raises(ddsc.ReleaseError, match=r"^programs:2:start_date: value '2020-13-45'"):
        ddsc.load(package, verify=False)
    with pytest.raises(ddsc.ReleaseError, match="no such file or folder"):
        ddsc.load(package / "nowhere", verify=False)
    assert issubclass(ddsc.ReleaseError, ValueError) and issubclass(UnsafeRelease, ddsc.ReleaseError)


def test_a_zip_larger_than_the_limit_uncompressed_is_refused_before_anything_is_read(built, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(source_module, "MAX_TOTAL_BYTES", 1 << 20)
    members = _members(built.parent / f"{RELEASE}.zip")
    members["padding.txt"] = os.urandom(1 << 20)
    archive = _zip(tmp_path / "large.zip", members)
    read = []
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda self, name, pwd=None: read.append(name))
    code, err = run(["verify", str(archive)], capsys)
    assert code == 1 and "large.zip:" in err and "bytes uncompressed, more than the limit of 1048576" in err
    assert read == []


def test_what_validate_accepts_the_build_writes_and_every_export_holds_a_date_before_1678(package, tmp_path, capsys):
    """A schema may allow dates before pandas' nanosecond range (1677-09-21): they validate, build and verify."""
    path = package / "schemas" / "events.json"
    schema = json.loads(path.read_text())
    next(f for f in schema["fields"] if f["name"] == "date")["constraints"]["minimum"] = "1500-01-01"
    path.write_text(json.dumps(schema))
    append_rows(package, "events", [dict(event_id="ev_16000101_old", date="1600-01-01", date_precision="day", title_en="An old event", event_type="summit")])
    append_rows(package, "record_citations", [dict(table_name="events", record_id="ev_16000101_old", citation_id="watanabe_us_chapter", locator="sec. 1")])
    out = tmp_path / "dist"
    code, err = run(["--root", str(package), "--out", str(out)], capsys)
    assert code == 0, err
    assert run(["verify", str(out / f"{RELEASE}.zip")], capsys)[0] == 0
    release = out / RELEASE
    assert str(pd.read_stata(release / "stata" / "events.dta").set_index("event_id").at["ev_16000101_old", "date"])[:10] == "1600-01-01"
    assert str(pd.read_parquet(release / "parquet" / "events.parquet").set_index("event_id").at["ev_16000101_old", "date"]) == "1600-01-01"
    assert str(ddsc.load(release)["events"].set_index("event_id").at["ev_16000101_old", "date"])[:10] == "1600-01-01"


# --- property: what validate accepts of a hostile descriptor, the build writes and verify accepts -----------------

JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-2**64, 2**64) | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)
KEYS = ["title", "description", "name", "profile", "homepage", "licenses", "keywords", "layer", "dialect", "format", "example", "type",
        "trueValues", "decimalChar", "bareNumber", "required", "unique", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength",
        "primaryKey", "foreignKeys", "missingValues", "fields", "resource", "path", "encoding"]


@st.composite
def descriptor_edits(draw):
    place = draw(st.sampled_from(["package", "resource", "schema", "field", "constraints", "licence"]))
    return place, draw(st.integers(0, 5)), draw(st.sampled_from(KEYS) | st.text(max_size=6)), draw(JSON_VALUES)


def _apply(desc: dict, edit) -> None:
    place, index, key, value = edit
    resource = desc["resources"][0]
    spec = resource["schema"]["fields"][index]
    target = {"package": desc, "resource": resource, "schema": resource["schema"], "field": spec,
              "constraints": spec.setdefault("constraints", {}), "licence": desc["licenses"][0]}[place]
    target[key] = value


@settings(max_examples=int(os.environ.get("DDSC_HOSTILE_EXAMPLES", "8")), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(descriptor_edits())
def test_hostile_descriptors_are_refused_located_or_built_and_verified(tmp_path_factory, capsys, edit):
    from ddsc.validation.validate import check
    from tests.fixtures.tiny import tiny

    base = tmp_path_factory.mktemp("descriptor")
    root = tiny(base / "pkg", lambda d: _apply(d, edit))
    problems = check(root).problems
    code, err = run(["--root", str(root), "--out", str(base / "out")], capsys)
    _no_traceback(err)
    if problems:
        assert code == 1 and all(p.table and p.kind for p in problems)
        assert not (base / "out").exists() or not any((base / "out").glob("ddsc-*")), err
    else:
        assert code == 0, (edit, err)
        assert run(["verify", str(next((base / "out").glob("ddsc-*.zip")))], capsys)[0] == 0
