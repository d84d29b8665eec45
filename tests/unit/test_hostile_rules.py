"""Hostile input, one rule at a time (issue 36): a package of one small table (``tests/fixtures/tiny.py``)
with one defect is refused with one located problem (file or table, line, field, kind), never with Python's
exception text, and ``ddsc.load`` raises only ``ReleaseError``."""

import pytest

import ddsc
from ddsc.validation.validate import check
from tests.fixtures.tiny import ROWS, constrain, field, tiny


def _found(root):
    return [(p.table, p.line, p.column, p.kind) for p in check(root).problems]


def _problems(tmp_path, edit=None, rows=ROWS, **files):
    return _found(tiny(tmp_path / "pkg", edit, rows, **files))


def _refused_by_load(root):
    """``ddsc.load`` of the package raises ReleaseError (and nothing else)."""
    with pytest.raises(ddsc.ReleaseError):
        ddsc.load(root, verify=False)


# --- 1. every resource is judged: a layer other than core or derived is refused --------------------------


def test_the_tiny_package_is_valid(tmp_path):
    root = tiny(tmp_path / "pkg")
    assert _found(root) == []
    assert set(check(root).rows) == {"things"}


@pytest.mark.parametrize("layer", ["raw", "Core", "", None, ["core"]])
def test_a_layer_other_than_core_or_derived_is_refused_by_validate_and_verify(tmp_path, layer):
    from ddsc.release.write import checksums
    from ddsc.release.verify import verify_release

    root = tiny(tmp_path / "pkg", lambda d: d["resources"][0].update(layer=layer))
    assert _found(root) == [("datapackage.json", 1, "resources.things.layer", "descriptor")]
    (root / "SHA256SUMS").write_text(checksums(root, ["datapackage.json", "tables/things.csv", "CITATION.cff", "CHANGES.md"]))
    assert [str(p) for p in verify_release(root).problems] == ["datapackage.json:1:resources.things.layer: layer " + repr(layer) + " is not one of core, derived"]
    _refused_by_load(root)


# --- 6. an enum never replaces the type check ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "levels", "rows"), [
    ("n", ["1", "abc"], ROWS.replace("t1,1,", "t1,abc,")),  # 'abc' would pass as an integer
    ("n", ["1", "02"], ROWS.replace("t2,2,", "t2,02,")),  # an integer not written as the type writes it
    ("flag", ["true", "yes"], ROWS.replace("t1,1,true", "t1,1,yes")),  # 'yes' would pass as a boolean
    ("day", ["2020-01-01", "2021-02-03"], ROWS),  # a date enum validated, then failed the build
], ids=["abc-integer", "02-integer", "yes-boolean", "date-enum"])
def test_an_enum_whose_levels_are_not_values_of_the_type_is_refused(tmp_path, name, levels, rows):
    root = tiny(tmp_path / "pkg", lambda d: constrain(d, name, enum=levels), rows)
    assert _found(root) == [("datapackage.json", 1, f"schemas.things.{name}", "schema-constraint")]
    _refused_by_load(root)


def test_an_integer_enum_of_integers_is_accepted_and_checks_its_cells(tmp_path):
    assert _problems(tmp_path, lambda d: constrain(d, "n", enum=["1", "2", "-3"])) == []
    assert _problems(tmp_path / "x", lambda d: constrain(d, "n", enum=["1", "2"]), ROWS.replace("t2,2,", "t2,+2,")) == [("things", 3, "n", "enum")]


# --- 7. a pattern does not let control characters, bidirectional marks or surrounding spaces through ---------


@pytest.mark.parametrize(("value", "kind"), [
    ("t\x1f1", "invisible-character"),  # U+001F separates the parts of a composite key
    ("t\u202e1", "invisible-character"),
    ("t\u200b1", "invisible-character"),
    (" t1", "whitespace"),
    ("t1 ", "whitespace"),
])
def test_text_with_a_pattern_keeps_the_rules_of_text(tmp_path, value, kind):
    rows = ROWS.replace("t1,", f"{value},", 1)
    assert _problems(tmp_path, lambda d: constrain(d, "thing_id", pattern=".+"), rows) == [("things", 2, "thing_id", kind)]


def test_a_pattern_decides_what_a_value_may_start_with(tmp_path):
    assert _problems(tmp_path, lambda d: constrain(d, "thing_id", pattern="[-+=@a-z0-9]+"), ROWS.replace("t1,", "-t1,", 1)) == []


@pytest.mark.parametrize("level", [" a", "a ", "a\u00a0"])
def test_an_enum_level_with_surrounding_whitespace_is_refused(tmp_path, level):
    assert _problems(tmp_path, lambda d: constrain(d, "kind", enum=[level, "b"])) == [("datapackage.json", 1, "schemas.things.kind", "schema-constraint")]


# --- 8. what changes how a cell is parsed is refused, not ignored ----------------------------------------


@pytest.mark.parametrize(("name", "key", "value"), [
    ("flag", "trueValues", ["yes"]), ("flag", "falseValues", ["no", "false"]), ("n", "decimalChar", ","),
    ("n", "groupChar", ","), ("n", "bareNumber", False), ("n", "missingValues", ["", "NA"]),
])
def test_a_field_property_that_changes_parsing_is_refused(tmp_path, name, key, value):
    root = tiny(tmp_path / "pkg", lambda d: field(d, name).update({key: value}))
    assert _found(root) == [("datapackage.json", 1, f"schemas.things.{name}", "field-type")]
    _refused_by_load(root)


@pytest.mark.parametrize(("key", "value"), [("header", 1), ("header", 1.0), ("doubleQuote", 1), ("skipInitialSpace", 0)])
def test_a_dialect_value_equal_to_the_default_only_in_python_is_refused(tmp_path, key, value):
    root = tiny(tmp_path / "pkg", lambda d: d["resources"][0].update(dialect={key: value}))
    assert _found(root) == [("datapackage.json", 1, f"resources.things.dialect.{key}", "descriptor")]


def test_the_values_the_reader_honours_may_be_stated(tmp_path):
    def edit(d):
        field(d, "flag").update(trueValues=["true"], falseValues=["false"])
        field(d, "n").update(decimalChar=".", bareNumber=True, missingValues=[""])
        d["resources"][0]["dialect"] = {"header": True, "doubleQuote": True}

    assert _problems(tmp_path, edit) == []


# --- 9. a constraint on a type it does not fit is a schema problem, not exception text at line 1 ---------


@pytest.mark.parametrize(("name", "constraints"), [
    ("n", {"minLength": 1}), ("day", {"maxLength": 3}), ("flag", {"minLength": 1, "maxLength": 0}),
    ("kind", {"minimum": "a"}), ("note", {"maximum": "z"}), ("n", {"pattern": "[0-9]+"}), ("day", {"pattern": "(["}),
])
def test_a_constraint_on_a_type_it_does_not_fit_is_one_schema_problem(tmp_path, name, constraints):
    root = tiny(tmp_path / "pkg", lambda d: constrain(d, name, **constraints))
    assert _found(root) == [("datapackage.json", 1, f"schemas.things.{name}", "schema-constraint")] * len(constraints)
    _refused_by_load(root)


def test_a_bound_on_an_integer_enum_is_refused(tmp_path):
    assert _problems(tmp_path, lambda d: constrain(d, "n", enum=["1", "2"], minimum=1)) == [("datapackage.json", 1, "schemas.things.n", "schema-constraint")]


# --- 12. what validate accepts, the build writes ----------------------------------------------------------


def _resource(**properties):
    return lambda d: d["resources"][0].update(properties)


@pytest.mark.parametrize(("edit", "where", "kind"), [
    (lambda d: d.update(description=5), "description", "descriptor"),
    (lambda d: d.update(title=["Tiny"]), "title", "descriptor"),
    (lambda d: d.pop("title"), "title", "descriptor"),
    (_resource(description=5), "resources.things.description", "descriptor"),
    (_resource(title=["Things"]), "resources.things.title", "descriptor"),
    (_resource(description="x" * 70_000), "resources.things.description", "descriptor"),  # longer than a Stata note
    (lambda d: d["resources"][0]["schema"].update(description=5), "schemas.things.description", "schema-fields"),
    (lambda d: field(d, "n").update(description=5), "schemas.things.n", "schema-fields"),
    (lambda d: field(d, "n").update(title=["n"]), "schemas.things.n", "schema-fields"),
    (lambda d: d.update(licenses="CC-BY-4.0"), "licenses", "descriptor"),
    (lambda d: d.update(licenses=["CC-BY-4.0"]), "licenses", "descriptor"),
    (lambda d: d["licenses"][0].update(name=["CC-BY-4.0"]), "licenses[0].name", "descriptor"),
    (_resource(name="sqlite_stat1"), "resources.sqlite_stat1", "descriptor"),
])
def test_a_descriptor_the_build_cannot_write_is_refused_by_validate(tmp_path, edit, where, kind):
    root = tiny(tmp_path / "pkg", edit)
    assert _found(root) == [("datapackage.json", 1, where, kind)]
    _refused_by_load(root)


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d.update(title="Tiny \ud800"), "title"),
    (lambda d: constrain(d, "kind", enum=["a", "b\udfff"]), "resources[0].schema.fields[4].constraints.enum[1]"),
    (lambda d: d.update({"x\ud800": 1}), "x\\ud800"),
])
def test_a_lone_surrogate_anywhere_in_the_descriptor_is_located(tmp_path, edit, where):
    root = tiny(tmp_path / "pkg", edit)
    assert _found(root) == [("datapackage.json", 1, where, "invalid-json")]
    _refused_by_load(root)
    str(check(root).problems[0]).encode("utf-8")  # printable: the message holds no half character


@pytest.mark.parametrize("value", ["123456789012345678", "9007199254740992", "-9007199254740992"])
def test_an_integer_a_stata_or_r_file_cannot_hold_exactly_is_refused(tmp_path, value):
    root = tiny(tmp_path / "pkg", rows=ROWS.replace("t1,1,", f"t1,{value},"))
    assert _found(root) == [("things", 2, "n", "type")]
    assert "9,007,199,254,740,991" in check(root).problems[0].message
    _refused_by_load(root)


def test_the_largest_integer_a_double_holds_exactly_is_accepted(tmp_path):
    assert _problems(tmp_path, rows=ROWS.replace("t1,1,", "t1,-9007199254740991,")) == []


# --- a profile by name, links that are web addresses ----------------------------------------------------------


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d.update(profile="https://example.org/profile.json"), "profile"),
    (lambda d: d.update(profile=["tabular-data-package"]), "profile"),
    (lambda d: d.update(homepage="javascript:alert(1)"), "homepage"),
    (lambda d: d.update(homepage="JavaScript:alert(1)"), "homepage"),
    (lambda d: d.update(homepage="data:text/html,<script>alert(1)</script>"), "homepage"),
    (lambda d: d.update(homepage="https://example.org/\u202egpj.exe"), "homepage"),
    (lambda d: d["licenses"][0].update(path="javascript:alert(1)"), "licenses[0].path"),
    (lambda d: d["licenses"][0].update(path="file:///etc/passwd"), "licenses[0].path"),
    (lambda d: d["licenses"][0].update(path="../LICENSE"), "licenses[0].path"),
])
def test_a_profile_url_or_a_link_that_is_not_a_web_address_is_refused(tmp_path, edit, where):
    root = tiny(tmp_path / "pkg", edit)
    assert _found(root) == [("datapackage.json", 1, where, "descriptor")]
    _refused_by_load(root)


def test_web_addresses_and_a_licence_inside_the_package_are_accepted(tmp_path):
    def edit(d):
        d.update(homepage="https://example.org/ddsc", profile="data-package")
        d["licenses"].append({"name": "MIT", "path": "LICENSE"})

    assert _problems(tmp_path, edit) == []


# --- 13. a malformed schema or citation file is a located problem, never a raw exception -----------------------


def _foreign_key(fk):
    return lambda d: d["resources"][0]["schema"].update(foreignKeys=[fk])


@pytest.mark.parametrize("fk", [
    {"fields": "note", "reference": {"resource": ["things"], "fields": "thing_id"}},
    {"fields": {"note": 1}, "reference": {"resource": "things", "fields": "thing_id"}},
    {"fields": "note", "reference": {"resource": "things", "fields": {"thing_id": 1}}},
    {"fields": ["note", ["kind"]], "reference": {"resource": "things", "fields": ["thing_id", "kind"]}},
    {"fields": "note", "reference": {"resource": {"name": "things"}, "fields": "thing_id"}},
], ids=["resource-list", "fields-object", "reference-fields-object", "nested-list", "resource-object"])
def test_a_malformed_foreign_key_is_one_schema_problem(tmp_path, fk):
    root = tiny(tmp_path / "pkg", _foreign_key(fk))
    assert _found(root) == [("datapackage.json", 1, "schemas.things.foreignKeys", "schema-key")]
    _refused_by_load(root)


CFF_HEAD = 'cff-version: 1.2.0\ntitle: "Tiny"\nversion: "1.0.0"\ndate-released: 2026-01-01\n'


@pytest.mark.parametrize(("citation", "where"), [
    (CFF_HEAD + "authors:\n  - affiliation: Nowhere\n", (6, "authors[0]")),
    (CFF_HEAD + 'authors:\n  - name: "A"\n  - given-names: "B"\n', (7, "authors[1]")),
    (CFF_HEAD + "authors: []\n", (5, "authors")),
    (CFF_HEAD + "authors:\n  - Tiny maintainers\n", (6, "authors[0]")),
    (CFF_HEAD.replace('title: "Tiny"', "title: [1, 2]") + 'authors:\n  - name: "A"\n', (2, "title")),
    (CFF_HEAD.replace("2026-01-01", "2026-02-30") + 'authors:\n  - name: "A"\n', (4, "")),
    (CFF_HEAD + 'authors:\n  - name: "A"\n? [a, b]\n: c\n', (7, "")),
    (CFF_HEAD + 'authors:\n  - name: "A \\ud800"\n', (1, "authors[0].name")),
    (CFF_HEAD + 'authors:\n  - name: "A"\nabstract: "x"\nabstract: "y"\n', (8, "abstract")),
])
def test_a_citation_file_no_citation_can_be_made_of_is_located_and_cite_says_where(tmp_path, capsys, citation, where):
    from ddsc.cli import main

    root = tiny(tmp_path / "pkg", citation=citation)
    assert _found(root) == [("CITATION.cff", *where, "citation-file")]
    assert main(["cite", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: CITATION.cff:{where[0]}:{where[1]}: ") and "Error" not in err, err


def test_a_citation_file_without_a_version_is_one_version_problem(tmp_path):
    citation = 'cff-version: 1.2.0\ntitle: "Tiny"\nversion: "1.0.0"\nversion: "1.0.1"\nauthors:\n  - name: "A"\ndate-released: 2026-01-01\n'
    assert _problems(tmp_path, citation=citation) == [("CITATION.cff", 1, "version", "version")]


@pytest.mark.parametrize("form", ["apa", "bibtex"])
def test_cite_shows_control_characters_escaped(tmp_path, capsys, form):
    from ddsc.cli import main

    citation = CFF_HEAD.replace('"Tiny"', '"Tiny \\e[2J\\e]0;owned\\a \\u202egpj"') + 'authors:\n  - name: "A\\x9b31m"\ndoi: "10.1/\\e[31m"\n'
    root = tiny(tmp_path / "pkg", citation=citation)
    assert main(["cite", "--root", str(root), "--format", form]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\x9b\u202e") and "\\x1b[2J" in out and "\\u202e" in out and "\\x9b31m" in out


# --- 15. a foreign key names one row: it references a primary key or a unique field ---------------------------


@pytest.mark.parametrize("fk", [
    {"fields": "note", "reference": {"resource": "things", "fields": "kind"}},  # an enum: many rows share a level
    {"fields": ["note", "kind"], "reference": {"resource": "", "fields": ["thing_id", "kind"]}},  # more than the key
    {"fields": "kind", "reference": {"resource": "things", "fields": "note"}},
], ids=["enum", "key-and-more", "free-text"])
def test_a_foreign_key_to_fields_that_are_not_a_key_is_refused(tmp_path, fk):
    def edit(d):
        field(d, "note")["constraints"] = dict(field(d, "kind")["constraints"])  # the same shape: only the key is wrong
        _foreign_key(fk)(d)

    root = tiny(tmp_path / "pkg", edit, ROWS.replace("First", "a").replace("Second", "b"))
    assert _found(root) == [("datapackage.json", 1, "schemas.things.foreignKeys", "schema-key")]
    _refused_by_load(root)


def test_a_foreign_key_to_a_unique_field_is_accepted(tmp_path):
    def edit(d):
        constrain(d, "note", unique=True)
        d["resources"][0]["schema"]["fields"].append({"name": "other_note", "type": "string"})
        _foreign_key({"fields": "other_note", "reference": {"resource": "things", "fields": "note"}})(d)

    rows = "\n".join(line + ("," + ("other_note" if i == 0 else "First")) for i, line in enumerate(ROWS.splitlines())) + "\n"
    assert _problems(tmp_path, edit, rows) == []


# --- 16. keys that look the same are refused -------------------------------------------------------------------


def _keys(*keys):
    return "thing_id,n,flag,day,kind,note\n" + "".join(f"{k},{i},true,2020-01-01,a,Note {i}\n" for i, k in enumerate(keys, 1))


def _free_key(d):
    constrain(d, "thing_id", pattern=".+")


@pytest.mark.parametrize(("keys", "line", "column"), [
    (["Caf\u00e9", "Cafe\u0301"], 3, "thing_id"),  # NFC beside NFD: the NFD key is refused
    (["Cafe\u0301"], 2, "thing_id"),  # NFD alone
    (["P1", "\u04201"], 3, "thing_id"),  # Cyrillic Er beside Latin P
    (["\u04201", "P1"], 3, "thing_id"),  # the later of the two is named, whichever it is
    (["P1", "\uff301"], 3, "thing_id"),  # fullwidth P
    (["P1", "\u03a11"], 3, "thing_id"),  # Greek Rho
    (["pop", "p\u043ep"], 3, "thing_id"),  # one Cyrillic o inside Latin text
])
def test_keys_that_look_alike_are_refused_once(tmp_path, keys, line, column):
    root = tiny(tmp_path / "pkg", _free_key, _keys(*keys))
    assert _found(root) == [("things", line, column, "look-alike-key")]


def test_a_unique_field_is_a_key_too_and_a_composite_key_is_compared_whole(tmp_path):
    root = tiny(tmp_path / "pkg", lambda d: constrain(d, "note", unique=True), ROWS.replace("Second", "\uff26irst"))
    assert _found(root) == [("things", 3, "note", "look-alike-key")]

    def composite(d):
        _free_key(d)
        d["resources"][0]["schema"]["primaryKey"] = ["thing_id", "kind"]

    rows = "thing_id,n,flag,day,kind,note\nP1,1,true,2020-01-01,a,x\n\u04201,2,true,2020-01-01,b,y\n\u04201,3,true,2020-01-01,a,z\n"
    assert _found(tiny(tmp_path / "two", composite, rows)) == [("things", 4, "thing_id, kind", "look-alike-key")]


def test_keys_in_any_script_and_keys_differing_in_case_are_accepted(tmp_path):
    assert _problems(tmp_path, _free_key, _keys("日米安全保障条約", "Caf\u00e9", "\u0420\u0443\u0441\u044c", "P1", "p1", "\u03a3\u03c4\u03bf\u03ac")) == []


# --- 19. the version of pyproject.toml is [project].version ----------------------------------------------------


@pytest.mark.parametrize(("pyproject", "line"), [
    ('[tool.other]\nversion = "1.0.0"\n\n[project]\nname = "tiny"\nversion = "9.9.9"\n', 6),  # another table's version came first
    ('[project]\nname = "tiny"\ndynamic = ["version"]\n\n[tool.other]\nversion = "1.0.0"\n', 1),  # none in [project]
    ('[project]\nname = "tiny"\nversion = "1.0.0"\nversion = "1.0.0"\n', 4),  # not TOML: a key given twice
])
def test_the_version_of_pyproject_is_read_from_its_project_table(tmp_path, pyproject, line):
    root = tiny(tmp_path / "pkg")
    (root / "pyproject.toml").write_text(pyproject)
    assert [(t, n, kind) for t, n, _, kind in _found(root)] == [("pyproject.toml", line, "version")]


def test_a_pyproject_whose_project_version_agrees_is_accepted(tmp_path):
    root = tiny(tmp_path / "pkg")
    (root / "pyproject.toml").write_text('[tool.other]\nversion = "0.1"\n\n[project]  # the package\nname = "tiny"\nversion = "1.0.0"\n')
    assert _found(root) == []


# --- 18. diff refuses a release whose keys repeat, instead of keeping one row of each -----------------------------


@pytest.mark.parametrize("side", ["old", "new"])
def test_diff_refuses_duplicate_keys_with_their_place(tmp_path, capsys, side):
    from ddsc.cli import main
    from ddsc.release.diff import diff

    twice = ROWS + "t1,9,false,2022-01-01,b,Hidden\n"
    old = tiny(tmp_path / "old", rows=twice if side == "old" else ROWS)
    new = tiny(tmp_path / "new", rows=twice if side == "new" else ROWS)
    with pytest.raises(ddsc.ReleaseError, match=r"^(old|new): things:4:thing_id: duplicate primary key 't1'"):
        diff(old, new, verify=False)
    assert main(["diff", str(old), "--root", str(new), "--no-verify"]) == 1
    assert capsys.readouterr().err == f"error: {side}: things:4:thing_id: duplicate primary key 't1': rows are compared by their key\n"


# --- a folder nested 1,200 levels deep is refused, not a RecursionError ---------------------------------------


def _nest(root, depth: int) -> None:
    """``root/d/d/.../d/x.txt``, ``depth`` folders deep (made through folder descriptors: no path is that long)."""
    import os

    fd = os.open(root, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(os.open("x.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
    os.close(fd)


def _unnest(root) -> None:
    """Remove ``root/d/...`` one level at a time (shutil.rmtree recurses)."""
    import os

    top = root / "d"
    while (top / "d").is_dir():
        (top / "d").rename(root / "e")
        for name in os.listdir(top):
            (top / name).unlink()
        top.rmdir()
        (root / "e").rename(top)
    for name in os.listdir(top):
        (top / name).unlink()
    top.rmdir()


def test_a_folder_nested_1200_levels_deep_is_refused_by_verify_and_load(tmp_path):
    from ddsc.release.write import checksums
    from ddsc.release.verify import verify_release

    root = tiny(tmp_path / "pkg")
    (root / "SHA256SUMS").write_text(checksums(root, ["datapackage.json", "tables/things.csv", "CITATION.cff", "CHANGES.md"]))
    _nest(root, 1200)
    try:
        assert [str(p) for p in verify_release(root).problems] == ["pkg: d/d/...: folders nested more than 32 levels deep"]
        with pytest.raises(ddsc.ReleaseError, match="nested more than 32 levels deep"):
            ddsc.load(root)
    finally:
        _unnest(root)


# --- bounded work: each table file parsed once, at most 1,000 problems kept per table ---------------------------


@pytest.mark.parametrize("spelling", ["tables/things.csv", "tables/./things.csv", "tables//things.csv", "Tables/Things.csv"])
def test_a_hundred_resources_naming_one_file_parse_it_at_most_once(tmp_path, monkeypatch, spelling):
    import ddsc.package.read
    from ddsc.release.verify import verify_release

    rows = ROWS + "".join(f"t{i},{i},true,2020-01-01,a,Note {i}\n" for i in range(3, 170_000))  # about 5 MB
    root = tiny(tmp_path / "pkg", lambda d: d["resources"].extend(dict(d["resources"][0], name=f"things_{i}", path=spelling) for i in range(1, 100)), rows)
    assert len((root / "tables" / "things.csv").read_bytes()) > 5_000_000
    parses, parse = [], ddsc.package.read.parse_csv
    monkeypatch.setattr(ddsc.package.read, "parse_csv", lambda *args, **kw: parses.append(1) or parse(*args, **kw))
    assert _found(root) == [("datapackage.json", 1, f"resources.things_{i}.path", "descriptor") for i in sorted(range(1, 100), key=str)]
    assert len(verify_release(root).problems) > 0 and len(parses) <= 1


def test_two_megabytes_of_blank_lines_keep_a_thousand_problems_and_count_the_rest(tmp_path, monkeypatch):
    from ddsc.package.problems import Problem

    made, init = [], Problem.__post_init__
    monkeypatch.setattr(Problem, "__post_init__", lambda self: made.append(1) or init(self))
    problems = check(tiny(tmp_path / "pkg", rows=ROWS + "\n" * 2_000_000)).problems
    assert len(made) < 1_100  # never a problem object per line
    assert [(p.line, p.kind) for p in problems[:2]] == [(4, "blank-line"), (5, "blank-line")] and len(problems) == 1_001
    assert (problems[-1].table, problems[-1].line, problems[-1].kind, problems[-1].more) == ("things", 0, "more-problems", 1_999_000)
    assert "1,999,000 more problem(s)" in str(problems[-1])


def test_cells_of_the_wrong_type_are_capped_per_table(tmp_path):
    rows = ROWS + "".join(f"t{i},x{i},true,2020-01-01,a,Note\n" for i in range(3, 5003))
    problems = check(tiny(tmp_path / "pkg", rows=rows)).problems
    assert len(problems) == 1_001 and {p.kind for p in problems[:-1]} == {"type"}
    assert (problems[-1].kind, problems[-1].more) == ("more-problems", 4_000)


# --- property: generated hostile variants of these classes are all refused, located, by the one judge ------------

import os  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ddsc.package.kinds import KINDS  # noqa: E402
from ddsc.package.descriptor import PARSING, _same  # noqa: E402
from ddsc.package.text import LOOK_ALIKE  # noqa: E402

EXAMPLES = settings(max_examples=int(os.environ.get("DDSC_HOSTILE_RULE_EXAMPLES", "15")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**64, 2**64) | st.floats(allow_nan=False) | st.text(max_size=6),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)


def _judged(edit=None, rows=ROWS, outside: str | None = None):
    """The problems of the tiny package after ``edit`` (and, beside it, ``outside`` as ../secret.csv, whose
    folder ``edit`` may name as ``{here}``), each checked to be located, of a declared kind and printable
    without Python's exception text; ``ddsc.load`` raises nothing but ReleaseError."""
    with tempfile.TemporaryDirectory() as folder:
        if outside is not None:
            (Path(folder) / "secret.csv").write_text(outside)
        root = tiny(Path(folder) / "pkg", edit, rows)
        text = (root / "datapackage.json").read_text()
        (root / "datapackage.json").write_text(text.replace("{here}", folder.replace("\\", "/")))
        problems = check(root).problems
        for p in problems:
            assert p.kind in KINDS and p.table and p.line >= 0
            assert not re.search(r"(Error|Exception)\b|Traceback", p.message), p
            str(p).encode("utf-8")
        try:
            ddsc.load(root, verify=False)
        except ddsc.ReleaseError:
            pass
        return {(p.table, p.line, p.column, p.kind) for p in problems}


PARSING_VALUES = st.sampled_from(sorted(PARSING)).flatmap(lambda key: st.tuples(st.just(key), JSON.filter(lambda v, key=key: not _same(v, PARSING[key]))))


@EXAMPLES
@given(st.sampled_from(["n", "flag", "day", "note"]), PARSING_VALUES)
def test_property_any_parsing_property_but_the_reader_s_own_is_refused(name, key_value):
    key, value = key_value
    assert _judged(lambda d: field(d, name).update({key: value})) == {("datapackage.json", 1, f"schemas.things.{name}", "field-type")}


UNFIT = [("n", "minLength"), ("day", "maxLength"), ("flag", "minLength"), ("n", "pattern"), ("day", "pattern"), ("flag", "pattern"),
         ("note", "minimum"), ("kind", "maximum"), ("flag", "minimum"), ("note", "maximum")]


@EXAMPLES
@given(st.sampled_from(UNFIT), JSON)
def test_property_a_constraint_on_a_type_it_does_not_fit_is_refused_at_its_field(pair, value):
    name, key = pair
    found = _judged(lambda d: constrain(d, name, **{key: value}))
    assert found and found <= {("datapackage.json", 1, f"schemas.things.{name}", "schema-constraint")}


@EXAMPLES
@given(st.sampled_from(["n", "flag", "day"]), st.lists(st.text(min_size=1, max_size=5), min_size=1, max_size=4))
def test_property_enum_levels_that_are_not_plain_values_of_the_type_are_refused(name, levels):
    if name == "n" and all(re.fullmatch(r"-?(0|[1-9][0-9]{0,14})", level) for level in levels):
        levels = levels + ["x"]  # integers written plainly are levels an integer field may have
    found = _judged(lambda d: constrain(d, name, enum=levels))
    assert found and found <= {("datapackage.json", 1, f"schemas.things.{name}", "schema-constraint")}


TEXT_PLACES = [("title", lambda d: d), ("description", lambda d: d), ("title", lambda d: d["resources"][0]), ("description", lambda d: d["resources"][0]),
               ("description", lambda d: d["resources"][0]["schema"]), ("title", lambda d: field(d, "n")), ("description", lambda d: field(d, "note"))]


@EXAMPLES
@given(st.sampled_from(range(len(TEXT_PLACES))), JSON.filter(lambda v: not isinstance(v, str)))
def test_property_a_title_or_description_that_is_not_text_is_refused(place, value):
    key, where = TEXT_PLACES[place]
    assert len(_judged(lambda d: where(d).update({key: value}))) == 1


CYRILLIC_OR_GREEK = {}
for _latin, _other in ((v, chr(k)) for k, v in LOOK_ALIKE.items()):
    CYRILLIC_OR_GREEK.setdefault(_latin, []).append(_other)


def _disguises(key: str) -> st.SearchStrategy:
    """``key`` with one character written otherwise: a Cyrillic or Greek look-alike, its fullwidth form, or
    (for an accented letter) decomposed."""
    import unicodedata

    choices = [(i, other) for i, c in enumerate(key) for other in CYRILLIC_OR_GREEK.get(c, [])]
    choices += [(i, chr(ord(c) + 0xFEE0)) for i, c in enumerate(key) if c.isascii() and c.isalnum()]
    choices += [(i, unicodedata.normalize("NFD", c)) for i, c in enumerate(key) if unicodedata.normalize("NFD", c) != c]
    return st.sampled_from(choices).map(lambda pair: key[: pair[0]] + pair[1] + key[pair[0] + 1:])


@EXAMPLES
@given(st.text(alphabet="ABCEHKMOPTXaceopxy0123456789éü_", min_size=1, max_size=6).filter(lambda k: any(c.isalnum() for c in k)).flatmap(lambda k: st.tuples(st.just(k), _disguises(k))), st.booleans())
def test_property_a_key_written_to_look_like_another_is_refused_once(pair, disguise_first):
    import unicodedata

    key, disguise = pair
    keys = [disguise, key] if disguise_first else [key, disguise]
    line = 2 + keys.index(disguise) if not unicodedata.is_normalized("NFC", disguise) else 3
    assert _judged(_free_key, _keys(*keys)) == {("things", line, "thing_id", "look-alike-key")}


@EXAMPLES
@given(st.lists(st.sampled_from(["..", ".", "", "tables", "x", "..\\", "%2e%2e", "C:", "http:", "file:", "\u2024\u2024"]), min_size=1, max_size=5),
       st.sampled_from(["", "/", "{here}/", "{here}/pkg/", "file://{here}/", "http://localhost/"]))
def test_property_no_resource_path_reads_a_table_outside_the_package(parts, prefix):
    path = prefix + "/".join(parts + ["secret.csv"])
    found = _judged(lambda d: d["resources"][0].update(path=path), outside=ROWS)
    assert found and {kind for *_, kind in found} <= {"unsafe-path", "missing-file"}, (path, found)
