"""Writing a release from a validated package: staged in a temporary folder, moved into place when complete,
never replacing a different release without ``--force``. (Checking a release from elsewhere: ``ddsc.release.verify``.)"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import threading
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from ddsc.package.checksums import SUMS, checksum_problems, checksums, sha256
from ddsc.package.source import Source, UnsafeRelease

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
OPTIONAL_FILES = ("CITATION.cff", ".zenodo.json", "CHANGES.md", "LICENSE", "sources/fmtrpt/LICENSE-SFM.md")  # copied from the package when it has them
R_READER = "R/read_ddsc.R"
STORED = (".parquet", ".zip")  # already compressed: stored as is in the zip
ZIP_LEVEL = 1  # deflate level: 4x faster than 6 for about 30% larger text members (docs/performance.md)


class ReleaseExists(Exception):
    """The version is already released with different content."""


def write_zip(folder: Path, paths: list[str], target: Path) -> None:
    """``datapackage.json`` at the root of the zip, fixed timestamps, permissions and order: equal inputs give equal bytes."""
    with zipfile.ZipFile(target, "w") as archive:
        for rel in sorted(paths):
            info = zipfile.ZipInfo(rel, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if rel.endswith(STORED) else zipfile.ZIP_DEFLATED
            archive.writestr(info, (folder / rel).read_bytes(), compresslevel=ZIP_LEVEL)


def _no_log(message: str) -> None:
    pass


def r_reader() -> bytes:
    """The R reader this version of ddsc ships in every release: ``R/read_ddsc.R`` of the repository, or of
    the data installed with the package."""
    package = Path(__file__).resolve().parents[1]  # ddsc/
    for candidate in (package / "_data" / R_READER, package.parent / R_READER):
        if candidate.is_file():
            return candidate.read_bytes()
    raise FileNotFoundError(f"{R_READER}: not found beside the ddsc package")


def package_paths(report) -> list[str]:
    """The package's own files a release holds: the descriptor, every table and schema file, and those of
    ``OPTIONAL_FILES`` the package has."""
    paths = ["datapackage.json"] + [t.path for t in report.model.values()]
    paths += [r["schema"] for r in report.descriptor["resources"] if isinstance(r.get("schema"), str)]
    paths += [name for name in OPTIONAL_FILES if report.source.exists(name)]
    return list(dict.fromkeys(paths))  # two resources may share one schema file: one entry each


def documents(report) -> dict[str, bytes]:
    """The files the build generates from the validated ``report`` alone, as the release holds them: its
    README, the codebook, datasette's metadata and the R reader (``verify`` compares a release's with them)."""
    from ddsc.release.codebook import CODEBOOK, codebook, coverage, release_readme
    from ddsc.release.export import METADATA, metadata_text

    rows = {n: len(f) for n, f in report.tables.items()}
    return {
        "README.md": release_readme(report.descriptor, report.model, rows).encode("utf-8"),
        CODEBOOK: (codebook(report.descriptor, report.model, rows, coverage(report.model, report.tables)) + "\n").encode("utf-8"),
        METADATA: metadata_text(report).encode("utf-8"),
        R_READER: r_reader(),
    }


def citation_file(source) -> str | None:
    """The text of the package's CITATION.cff (None without one), which the site cites."""
    return source.text("CITATION.cff") if source.exists("CITATION.cff") else None


def _write(folder: Path, rel: str, data: bytes) -> None:
    (folder / rel).parent.mkdir(parents=True, exist_ok=True)
    (folder / rel).write_bytes(data)


def stage(report, folder: Path, log=_no_log) -> list[str]:
    """Write the release into ``folder``: the package files as validated (the bytes ``report.source`` read),
    the documents, the exports, the site and SHA256SUMS; returns the paths in it."""
    from ddsc.release import export
    from ddsc.release.site import site_files

    paths = package_paths(report)
    log(f"copying {len(paths)} files")
    for rel in paths:
        _write(folder, rel, report.source.read(rel))
    for rel, data in documents(report).items():
        _write(folder, rel, data)
        paths.append(rel)
    for write in export.EXPORTS:
        log(f"writing {write.__name__.removeprefix('write_')}")
        paths += write(report, folder)
    log("writing site")
    for rel, data in site_files(report, citation_file(report.source), {p: sha256((folder / p).read_bytes()) for p in paths}).items():
        _write(folder, rel, data)
        paths.append(rel)
    (folder / SUMS).write_text(checksums(folder, paths), encoding="utf-8")
    return paths + [SUMS]


@contextmanager
def _locked(out: Path, name: str):
    """One build at a time into ``out`` for this version. Nothing in ``out`` is deleted but what this build
    created: a folder named like a temporary one (a killed build's, or a user's backup) is left as it is."""
    path = out / f".{name}.lock"
    try:  # never through a symbolic link planted at the lock's name; the file is kept (unlinking it would let a third build in)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as err:
        raise OSError(f"{path.name}: cannot open the build lock ({err.strerror}); remove it if it is not a plain file") from None
    with os.fdopen(descriptor, "r+") as lock:
        if not stat.S_ISREG(os.fstat(lock.fileno()).st_mode):
            raise OSError(f"{path.name}: the build lock is not a plain file")
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextmanager
def _uninterrupted():
    """Ctrl-C and termination wait until the block is done (the swap of a published release is never half
    done); a signal received meanwhile is acted on afterwards. Python runs signal handlers in the main
    thread only, so elsewhere the block runs as it is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    signals = [s for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
    previous = {s: signal.signal(s, lambda number, frame: received.append(number)) for s in signals}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in received[:1]:
            signal.raise_signal(number)


def _same_folder(old: Path, new: Path) -> bool:
    if not old.is_dir() or old.is_symlink():
        return False
    try:
        return Source(old).files() == Source(new).files() and checksum_problems(Source(old)) == [] and (old / SUMS).read_bytes() == (new / SUMS).read_bytes()
    except (UnsafeRelease, OSError):
        return False


def write_release(report, out: Path, force: bool = False, log=_no_log) -> tuple[Path, Path, bool]:
    """Write ``out/ddsc-<version>/`` and ``out/ddsc-<version>.zip`` from a valid ``report`` (``validate.check``);
    returns the paths and whether anything was written. The package's files are written as ``report.source``
    read them: open it as a snapshot (``Source(root, snapshot=True)``) so that a file saved during the build is
    not published beside exports made from what was validated."""
    if not report.valid or not report.tables:
        raise ValueError("a release is written only from a valid package")
    name = f"ddsc-{report.descriptor['version']}"
    final, final_zip = out / name, out / f"{name}.zip"
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out, name), tempfile.TemporaryDirectory(dir=out, prefix=f".{name}-") as tmp:
        for other in sorted(p.name for p in out.glob(f".{name}-*") if p.name != Path(tmp).name):
            log(f"{other}: not created by this build, left as it is (a killed build's temporary folder can be removed by hand)")
        folder = Path(tmp) / name
        folder.mkdir()
        paths = stage(report, folder, log)
        log("writing zip")
        new_zip = Path(tmp) / f"{name}.zip"
        write_zip(folder, paths, new_zip)
        same_folder = _same_folder(final, folder)
        same_zip = final_zip.is_file() and not final_zip.is_symlink() and final_zip.read_bytes() == new_zip.read_bytes()
        if same_folder and same_zip:
            return final, final_zip, False
        differs = (final.exists() or final.is_symlink()) and not same_folder or (final_zip.exists() or final_zip.is_symlink()) and not same_zip
        if differs and not force:
            raise ReleaseExists(f"{name} is already released with different content; bump the version or use --force")
        old = Path(tmp) / "old"
        old.mkdir()
        with _uninterrupted():
            for path, new in ((final, folder), (final_zip, new_zip)):
                if path.exists() or path.is_symlink():
                    path.rename(old / path.name)  # moved aside, deleted with the temporary folder
                new.rename(path)
    return final, final_zip, True
