"""Writing a release: validated first, written to a temporary folder, moved into place when complete."""

import hashlib
import shutil
import tempfile
import zipfile
from pathlib import Path

from ddsc.export import write_parquet, write_sqlite
from ddsc.package import descriptor

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
EXTRA_FILES = ("CITATION.cff", ".zenodo.json", "README.md", "CHANGES.md", "docs/codebook.md")


def release_files(root: Path) -> list[str]:
    """Relative paths of every file a release carries, in a fixed order."""
    desc = descriptor(root)
    paths = ["datapackage.json"] + [r["path"] for r in desc["resources"]] + [r["schema"] for r in desc["resources"]]
    return paths + [name for name in EXTRA_FILES if (root / name).is_file()]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checksums(folder: Path, paths: list[str]) -> str:
    return "".join(f"{sha256(folder / p)}  {p}\n" for p in sorted(paths))


def write_zip(folder: Path, paths: list[str], target: Path) -> None:
    """A zip with fixed timestamps, permissions and order, so equal inputs give equal bytes."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for rel in sorted(paths):
            info = zipfile.ZipInfo(f"{folder.name}/{rel}", date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (folder / rel).read_bytes())


def _no_log(message: str) -> None:
    pass


def stage(root: Path, folder: Path, log=_no_log) -> list[str]:
    """Copy the package into ``folder``, add the SQLite and Parquet exports and SHA256SUMS; returns the paths in the release."""
    paths = release_files(root)
    log(f"copying {len(paths)} files")
    for rel in paths:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / rel, folder / rel)
    log("writing SQLite export")
    sqlite_name = f"{folder.name}.sqlite"
    write_sqlite(root, folder / sqlite_name)
    log("writing Parquet exports")
    paths += [sqlite_name] + [str(p.relative_to(folder)) for p in write_parquet(root, folder / "parquet")]
    (folder / "SHA256SUMS").write_text(checksums(folder, paths), encoding="utf-8")
    return paths + ["SHA256SUMS"]


class ReleaseExists(Exception):
    """The version is already released with different content."""


def write_release(root: Path, out: Path, force: bool = False, log=_no_log) -> tuple[Path, Path, bool]:
    """Write ``out/ddsc-<version>/`` and its zip; returns the paths and whether anything was written."""
    name = f"ddsc-{descriptor(root)['version']}"
    final, final_zip = out / name, out / f"{name}.zip"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=f".{name}-") as tmp:
        folder = Path(tmp) / name
        folder.mkdir()
        paths = stage(root, folder, log)
        if final.is_dir() and final_zip.is_file():
            if (final / "SHA256SUMS").read_bytes() == (folder / "SHA256SUMS").read_bytes():
                return final, final_zip, False
            if not force:
                raise ReleaseExists(f"{name} is already released with different content; bump the version or use --force")
        log("writing zip")
        write_zip(folder, paths, Path(tmp) / f"{name}.zip")
        for old in (final, final_zip):
            if old.is_dir():
                shutil.rmtree(old)
            elif old.exists():
                old.unlink()
        (Path(tmp) / f"{name}.zip").replace(final_zip)
        folder.replace(final)
    return final, final_zip, True


def _checksum_problems(folder: Path) -> list[str]:
    sums = folder / "SHA256SUMS"
    if not sums.is_file():
        return ["SHA256SUMS: missing"]
    listed = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    problems = [f"{rel}: missing from the release" for rel in listed if not (folder / rel).is_file()]
    problems += [f"{rel}: checksum mismatch" for rel, digest in listed.items() if (folder / rel).is_file() and sha256(folder / rel) != digest]
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    problems += [f"{rel}: not listed in SHA256SUMS" for rel in sorted(present - set(listed))]
    return problems


def _extract(archive: Path, target: Path) -> Path:
    with zipfile.ZipFile(archive) as zipped:
        for name in zipped.namelist():
            if name.startswith("/") or ".." in Path(name).parts:
                raise ValueError(f"{name}: unsafe path in archive")
        zipped.extractall(target)
    tops = [p for p in target.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise ValueError(f"{archive.name}: expected one release folder in the archive")
    return tops[0]


def verify_release(path: Path, validate) -> list[str]:
    """Problems with a released folder or zip: checksums first, then the content re-validated."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            folder = _extract(path, Path(tmp)) if path.suffix == ".zip" else path
        except (ValueError, zipfile.BadZipFile) as err:
            return [str(err)]
        return _checksum_problems(folder) + [str(p) for p in validate(folder)]
