"""Citation by table: a resource names the works it rests on in its ``sources`` (titles of CITATION.cff's
``references``); the rule refuses a title that is not a reference, and ``cite --table`` prints the dataset
and then those works, in the format asked for."""

import json

import pytest
import yaml

from ddsc.release.cite import reference_apa, reference_bibtex, text
from ddsc.validation.rules import reference_problems
from ddsc.cli import main
from tests.conftest import ROOT, run_out

GW = {"type": "article", "title": "Interstate System Membership", "year": 1999, "journal": "International Interactions", "volume": 25, "start": 393, "end": 413,
      "authors": [{"family-names": "Gleditsch", "given-names": "Kristian S."}, {"family-names": "Ward", "given-names": "Michael D."}]}
SFM = {"type": "data", "title": "fmtrpt_data", "authors": [{"name": "Security Force Monitor"}], "repository-code": "https://github.com/security-force-monitor/fmtrpt_data", "commit": "abc"}


def _desc(*titles):
    return {"resources": [{"name": "trainings", "sources": [{"title": t} for t in titles]}, {"name": "countries"}]}


def test_a_source_that_is_a_reference_passes_and_one_that_is_not_is_located():
    assert reference_problems(_desc("fmtrpt_data"), [SFM]) == []
    found = reference_problems(_desc("fmtrpt_data", "fmtrpt_data "), [SFM])
    assert [(p.table, p.line, p.column, p.kind) for p in found] == [("datapackage.json", 1, "resources.trainings.sources[1]", "reference")]


def test_without_references_every_named_source_is_a_problem():
    assert len(reference_problems(_desc("fmtrpt_data", "x"), None)) == 2
    assert reference_problems({"resources": [{"name": "a"}]}, None) == []


def test_the_apa_text_of_a_reference_has_its_authors_year_journal_pages_and_address():
    assert reference_apa(GW) == "Gleditsch, Kristian S. & Ward, Michael D. (1999). Interstate System Membership. International Interactions, 25, 393-413."
    assert reference_apa(SFM) == "Security Force Monitor. fmtrpt_data [Data set]. commit abc. https://github.com/security-force-monitor/fmtrpt_data"


def test_the_bibtex_of_a_reference_is_typed_by_its_kind():
    entry = reference_bibtex(GW, "k")
    assert entry.startswith("@article{k,\n") and "  pages = {393--413}" in entry and "  journal = {International Interactions}" in entry
    assert reference_bibtex(SFM, "s").startswith("@misc{s,\n")


def test_a_table_without_works_says_so_and_a_table_with_works_lists_each_once():
    meta = {"title": "T", "version": "1.0.0", "authors": [{"name": "A"}], "date-released": "2026-01-01"}
    assert "rests on no work beyond the sources its rows cite" in text(meta, "apa", [], "events")
    out = text(meta, "apa", [GW, SFM], "trainings")
    assert out.count("Gleditsch") == 1 and out.count("Security Force Monitor") == 1
    assert out.index("(Version 1.0.0)") < out.index("Gleditsch")
    cff = yaml.safe_load(text(meta, "cff", [GW], "x").split("\n\n")[0])
    assert cff["version"] == "1.0.0"


@pytest.mark.parametrize("table, names", [
    ("trainings", ["U.S. Department of Defense & U.S. Department of State", "Security Force Monitor. fmtrpt_data"]),
    ("country_years_gw", ["Gleditsch, Kristian S. & Ward, Michael D. (1999)", "Security Force Monitor"]),
    ("dyad_years_cow", ["Correlates of War Project (2024)"]),
])
def test_cite_table_names_the_works_that_table_rests_on(table, names, capsys):
    code, out = run_out(["cite", "--table", table, "--root", str(ROOT)], capsys)
    assert code == 0
    assert all(name in out for name in names), out


def test_every_work_a_resource_names_is_a_reference_and_every_reference_is_named():
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    refs = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))["references"]
    named = {s["title"] for r in desc["resources"] for s in r.get("sources", [])}
    assert named == {r["title"] for r in refs}


def test_cite_for_an_unknown_table_names_the_tables_and_fails(capsys):
    code = main(["cite", "--table", "trainingz", "--root", str(ROOT)])
    err = capsys.readouterr().err
    assert code != 0
    assert "no table 'trainingz'" in err and "trainings" in err


def test_pages_are_cited_only_as_a_range_with_both_ends():
    half = dict(GW, start=393)
    half.pop("end", None)
    assert reference_apa(half) == "Gleditsch, Kristian S. & Ward, Michael D. (1999). Interstate System Membership. International Interactions, 25."


def test_the_url_of_a_reference_is_preferred_to_its_repository():
    ref = dict(SFM, url="https://example.org/data")
    assert reference_apa(ref).endswith(" https://example.org/data")
