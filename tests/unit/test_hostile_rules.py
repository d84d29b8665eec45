"""Hostile input, one rule at a time (issue 36): a package of one small table (``tests/fixtures/tiny.py``)
with one defect is refused with one located problem (file or table, line, field, kind), never with Python's
exception text, and ``ddsc.load`` raises only ``ReleaseError``."""

import pytest

import ddsc
from ddsc.validate import check
from tests.fixtures.tiny import ROWS, constrain, field, tiny


def _found(root):
    return [(p.table, p.line, p.column, p.kind) for p in check(root).problems]


def _problems(tmp_path, edit=None, rows=ROWS):
    return _found(tiny(tmp_path / "pkg", edit, rows))


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
    from ddsc.release import checksums
    from ddsc.verify import verify_release

    root = tiny(tmp_path / "pkg", lambda d: d["resources"][0].update(layer=layer))
    assert _found(root) == [("datapackage.json", 1, "resources.things.layer", "descriptor")]
    (root / "SHA256SUMS").write_text(checksums(root, ["datapackage.json", "tables/things.csv", "CITATION.cff", "CHANGES.md"]))
    assert [p for p in verify_release(root)] == ["datapackage.json:1:resources.things.layer: layer " + repr(layer) + " is not one of core, derived"]
    _refused_by_load(root)
