"""Raw inputs of the source steps: files beside the checkout (``../shared/sources/<source>/``), checked
against the manifest the repository commits (``sources/<source>/MANIFEST.csv``) before anything reads them.

The repository never holds the raw files; a changed, missing or unlisted file stops the step (beside the
files it lists, a source's folder holds only its copy of the manifest and the origin's licence, ``LICENSE*``,
at its top)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import zlib
from pathlib import Path

MANIFEST = "MANIFEST.csv"
ABOUT = "source.json"  # origin, version or commit, retrieved, licence, citation of a source
SOURCES_ENV = "DDSC_SOURCES"  # where the raw sources lie, if not ../shared/sources beside the checkout


class RawSourceError(Exception):
    """A raw file is missing, differs from its manifest or is not listed in it."""


def default_raw_root(root: Path) -> Path:
    return Path(os.environ[SOURCES_ENV]) if os.environ.get(SOURCES_ENV) else root.resolve().parent / "shared" / "sources"


def manifest(root: Path, source: str) -> list[dict]:
    """The committed manifest of ``source``: one row per raw file (file, origin, commit, path, blob, sha256, bytes)."""
    with (root / "sources" / source / MANIFEST).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def about(root: Path, source: str) -> dict:
    return json.loads((root / "sources" / source / ABOUT).read_text(encoding="utf-8"))


def _provenance(rel: str) -> bool:
    """Whether a file of a raw folder is its own copy of the manifest or the origin's licence (not an input)."""
    return rel == MANIFEST or rel.startswith("LICENSE")  # a path with / lies deeper: an input


def _unlisted(folder: Path, listed: set[str]) -> list[str]:
    """The files under ``folder`` (relative, with /) that the manifest does not list, its provenance files aside."""
    found = (p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())
    return sorted(rel for rel in found if rel not in listed and not _provenance(rel))


def _digest(row: dict) -> str:
    return row.get("sha256") or row["sha256_uncompressed"]


def read_raw(root: Path, source: str, raw_root: Path | None = None) -> dict[str, bytes]:
    """Every raw file of ``source`` (gzip files uncompressed), keyed by its manifest name, each checked
    against the manifest's sha256 and size (of the uncompressed bytes)."""
    folder = (raw_root or default_raw_root(root)) / source
    if not folder.is_dir():
        raise RawSourceError(f"{source}: raw files not found at {folder.name}/ (set {SOURCES_ENV} to the folder that holds {source}/)")
    rows = manifest(root, source)
    extra = _unlisted(folder, {row["file"] for row in rows})
    if extra:
        raise RawSourceError(f"{source}: {', '.join(extra)} is not listed in sources/{source}/{MANIFEST}; list it with its checksum or remove it")
    files = {}
    for row in rows:
        path = folder / row["file"]
        if not path.is_file():
            raise RawSourceError(f"{source}/{row['file']}: missing")
        data = path.read_bytes()
        if row["file"].endswith(".gz"):
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError, zlib.error) as err:  # a changed file that no longer decompresses: named as any change
                raise RawSourceError(f"{source}/{row['file']}: differs from its manifest (not a whole gzip file: {err}); a changed input needs a new manifest") from None
        size = row.get("bytes") or row.get("bytes_uncompressed")
        if hashlib.sha256(data).hexdigest() != _digest(row) or (size and int(size) != len(data)):
            raise RawSourceError(f"{source}/{row['file']}: differs from its manifest (sha256 or size); a changed input needs a new manifest")
        files[row["file"]] = data
    return files


def text_rows(data: bytes, encoding: str = "utf-8", delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode(encoding)), delimiter=delimiter))


def descriptor_sources(root: Path) -> list[dict]:
    """The ``sources`` of datapackage.json, generated from ``sources/*/source.json`` (sorted by folder name)."""
    out = []
    for folder in sorted(p for p in (root / "sources").iterdir() if (p / ABOUT).is_file()):
        meta = about(root, folder.name)
        for title in meta.get("citations") or [meta["citation"]]:
            entry = {"title": title}
            if meta.get("origin"):
                entry["path"] = meta["origin"]
            if meta.get("version"):
                entry["version"] = meta["version"]
            out.append(entry)
    return out
