"""The steps that produce tables: source steps rebuild their committed tables byte for byte from the raw
files (which must match their manifests), and the descriptor's sources come from the manifests."""

import gzip
import json
import shutil

import pytest

from ddsc.package.descriptor import read_model
from ddsc.package.render import to_csv
from ddsc.package.source import Source
from ddsc.pipeline.steps import SOURCE, all_steps
from ddsc.pipeline.raw import RawSourceError, default_raw_root, descriptor_sources, manifest, read_raw
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

RAW = default_raw_root(ROOT)
SOURCE_STEPS = [s for s in all_steps() if s.layer == SOURCE]


def _need_raw(source: str):
    if not (RAW / source).is_dir():
        pytest.skip(f"raw files of {source!r} are not beside the checkout ({RAW.name}/{source}); CI has them")


@pytest.mark.parametrize("step", SOURCE_STEPS, ids=lambda s: s.name)
def test_source_step_rebuilds_its_committed_tables_byte_for_byte(step):
    for source in step.sources:
        _need_raw(source)
    model = read_model(Source(ROOT))[1]
    outputs = step.run(ROOT, RAW)
    assert sorted(outputs) == sorted(step.outputs)
    for name, frame in outputs.items():
        assert to_csv(frame, model[name]) == (ROOT / model[name].path).read_bytes(), f"{name}: run build.py run {step.name}"


@pytest.mark.parametrize("source", sorted({source for s in SOURCE_STEPS for source in s.sources}))
def test_a_raw_file_that_changed_without_its_manifest_is_refused(source, tmp_path):
    _need_raw(source)
    shutil.copytree(RAW / source, tmp_path / source)
    first = manifest(ROOT, source)[0]["file"]
    path = tmp_path / source / first
    path.chmod(0o644)
    data = gzip.decompress(path.read_bytes()) if first.endswith(".gz") else path.read_bytes()
    data = data.replace(b"1", b"7", 1)
    path.write_bytes(gzip.compress(data) if first.endswith(".gz") else data)
    with pytest.raises(RawSourceError, match=first):
        read_raw(ROOT, source, tmp_path)


def test_a_missing_raw_folder_is_named():
    with pytest.raises(RawSourceError, match="state_systems"):
        read_raw(ROOT, "state_systems", ROOT / "no-such-folder")


def test_descriptor_sources_are_generated_from_the_manifests():
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["sources"] == descriptor_sources(ROOT)


def test_every_source_with_raw_files_has_a_manifest_with_checksums():
    for folder in (p for p in (ROOT / "sources").iterdir() if p.is_dir()):
        about = json.loads((folder / "source.json").read_text(encoding="utf-8")) if (folder / "source.json").is_file() else None
        assert about is not None, folder.name
        assert {"title", "origin", "version", "retrieved", "licence"} <= set(about), folder.name
        if about["kind"] == "data":
            rows = manifest(ROOT, folder.name)
            assert rows and all(len(r.get("sha256") or r.get("sha256_uncompressed")) == 64 for r in rows)


def test_every_table_produced_by_a_step_is_declared_in_its_layer():
    model = read_model(Source(ROOT))[1]
    for step in all_steps():
        for name in step.outputs:
            assert model[name].layer == ("core" if step.layer == SOURCE else "derived"), name
