"""One safe way to open a package or release, from a folder or a zip.

A release from elsewhere is untrusted: every path it names must be relative and stay inside its
root; symlinks, devices, FIFOs and URLs are refused; entry counts and sizes are limited before
anything is read. ``load``, ``diff``, ``verify``, ``validate`` and the exports read files only here.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ddsc.package.text import INVISIBLE_RX

DESCRIPTOR = "datapackage.json"
MAX_ENTRIES = 10_000
MAX_DEPTH = 32  # folders inside a package folder (a release has three levels)
MAX_FILE_BYTES = 256 << 20  # one file
MAX_TOTAL_BYTES = 512 << 20  # all files of a zip, uncompressed: 2.5 times release 1.2.0 (README: what it costs)
MAX_RATIO = 200  # uncompressed / compressed size of a zip entry over 1 MiB (zip bombs)


class ReleaseError(ValueError):
    """A package or release DDSC cannot read or that breaks its rules: the message names the file (and,
    for a cell, the table, line and column) and says why. Every error ``ddsc.load`` raises is one."""


class UnsafeRelease(ReleaseError):
    """The package or release cannot be read safely; the message says which file and why."""


class UnreadableFile(UnsafeRelease):
    """A zip entry that cannot be extracted: corrupt, encrypted or compressed with an unsupported method."""


def unsafe_path(path) -> str | None:
    """Why ``path`` may not be used inside a package, or None when it is a plain relative path inside it."""
    if not isinstance(path, str) or not path:
        return f"path {path!r} is not a relative file path"
    pure = PurePosixPath(path)
    if "://" in path or path.startswith(("http:", "https:", "ftp:", "file:")):
        return f"path {path!r} is a URL; resource paths must be files inside the package"
    if "\\" in path:
        return f"path {path!r} holds a backslash; resource paths are written with / (on Windows a backslash may make it absolute)"
    if pure.is_absolute() or (len(path) > 1 and path[1] == ":"):
        return f"path {path!r} is absolute; resource paths must be relative to the package"
    if ".." in pure.parts:
        return f"path {path!r} points outside the package"
    if re.search(INVISIBLE_RX, path):
        return f"path {path!r} holds a control or invisible character"
    return None


def _alias(name: str) -> str | None:
    """Why a zip entry name is not the one canonical spelling of its path (``a//b``, ``a/./b``, ``a/``)."""
    if name != "/".join(part for part in name.split("/") if part not in ("", ".")):
        return f"name {name!r} is not a plain path (empty or '.' parts): it could extract over another entry"
    return None


def _check_layout(path: Path, infos: list, central: int) -> None:
    """Every byte before the central directory belongs to exactly one listed entry, in order: no entry hidden
    outside the directory, no data longer or shorter than its entry declares."""
    with path.open("rb") as handle:
        position = 0
        for info in sorted(infos, key=lambda i: i.header_offset):
            if info.header_offset != position:
                raise UnsafeRelease(f"{path.name}: bytes {position}-{info.header_offset} belong to no listed entry")
            handle.seek(info.header_offset)
            header = handle.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise UnsafeRelease(f"{path.name}: entry {info.filename!r} has no local header")
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            position = info.header_offset + 30 + name_length + extra_length + info.compress_size
            if info.flag_bits & 0x08:  # a data descriptor follows the data
                handle.seek(position)
                position += 16 if handle.read(4) == b"PK\x07\x08" else 12
        if position != central:
            raise UnsafeRelease(f"{path.name}: bytes {position}-{central} before the central directory belong to no listed entry")


class Source:
    """Files of a package folder or a release zip, read by relative path only.

    With ``snapshot=True`` each file is read once and its bytes kept: every later read returns the same
    bytes, so that what a build validates is what it writes (a file saved meanwhile is not seen)."""

    def __init__(self, path: Path | str, snapshot: bool = False):
        self.path = Path(path)
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        self._kept: dict[str, bytes] | None = {} if snapshot else None
        if not self.path.exists():
            raise UnsafeRelease(f"{self.path.name}: no such file or folder")
        if self.path.is_file() and self.path.suffix.lower() == ".zip":
            self._open_zip()
        elif not self.path.is_dir():
            raise UnsafeRelease(f"{self.path.name}: not a package folder or a .zip file")

    def _open_zip(self) -> None:
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as err:
            raise UnsafeRelease(f"{self.path.name}: not a readable zip file ({err})") from None
        infos = self.zip.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeRelease(f"{self.path.name}: {len(infos)} entries, more than the limit of {MAX_ENTRIES}")
        total, seen = 0, set()
        for info in infos:
            name = info.filename[:-1] if info.is_dir() else info.filename
            why = unsafe_path(name) or _alias(name)
            if why:
                raise UnsafeRelease(f"{self.path.name}: entry {why}")
            if info.is_dir() and (info.file_size or info.compress_size):
                raise UnsafeRelease(f"{self.path.name}: folder entry {info.filename!r} carries {max(info.file_size, info.compress_size):,} bytes; a folder entry holds nothing")
            folded = unicodedata.normalize("NFC", name).casefold()
            if folded in seen:
                raise UnsafeRelease(f"{self.path.name}: entry {info.filename!r} is given twice (or differs from another only in case or Unicode form)")
            seen.add(folded)
            if info.flag_bits & 0x1:
                raise UnsafeRelease(f"{self.path.name}: entry {info.filename!r} is encrypted; a release is never encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UnsafeRelease(f"{self.path.name}: entry {info.filename!r} uses compression method {info.compress_type}; only stored and deflated entries are read")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UnsafeRelease(f"{self.path.name}: entry {info.filename!r} is a symbolic link")
            if info.file_size > MAX_FILE_BYTES:
                raise UnsafeRelease(f"{self.path.name}: entry {info.filename!r} is larger than {MAX_FILE_BYTES} bytes")
            if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UnsafeRelease(f"{self.path.name}: entry {info.filename!r} expands more than {MAX_RATIO} times")
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeRelease(f"{self.path.name}: {total} bytes uncompressed, more than the limit of {MAX_TOTAL_BYTES}")
        _check_layout(self.path, infos, self.zip.start_dir)
        files = [i.filename for i in infos if not i.is_dir()]
        if DESCRIPTOR in files:
            return
        # Release 1.0.0 nested everything under one folder: read it only when nothing lies outside that folder.
        tops = {name.split("/", 1)[0] for name in files}
        if len(tops) == 1 and all("/" in name for name in files) and f"{next(iter(tops))}/{DESCRIPTOR}" in files:
            self.prefix = next(iter(tops)) + "/"
            return
        raise UnsafeRelease(f"{self.path.name}: no {DESCRIPTOR} at the root of the zip")

    @property
    def name(self) -> str:
        return self.path.name

    def files(self) -> list[str]:
        """Every file in the package or release, as relative paths (folders: symlinks and special files too, to be refused)."""
        if self.zip:
            return sorted(i.filename[len(self.prefix):] for i in self.zip.infolist() if not i.is_dir())
        out, stack = [], [(self.path, ())]
        while stack:  # without recursion: a folder nested a thousand levels deep is refused, not a RecursionError
            folder, parts = stack.pop()
            if len(parts) > MAX_DEPTH:
                raise UnsafeRelease(f"{self.path.name}: {'/'.join(parts[:2])}/...: folders nested more than {MAX_DEPTH} levels deep")
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((Path(entry.path), (*parts, entry.name)))
                    else:  # files, and symbolic links and special files, to be refused when read
                        out.append("/".join((*parts, entry.name)))
            if len(out) > MAX_ENTRIES:
                raise UnsafeRelease(f"{self.path.name}: more than {MAX_ENTRIES} files, the limit")
        return sorted(out)

    def exists(self, rel: str) -> bool:
        if unsafe_path(rel):
            return False
        if self.zip:
            return self.prefix + rel in self.zip.NameToInfo
        return os.path.lexists(self.path / rel)

    def _file(self, rel: str) -> Path:
        """The regular file ``rel`` inside the folder, with no symlink on the way."""
        why = unsafe_path(rel)
        if why:
            raise UnsafeRelease(why)
        target = self.path
        for part in PurePosixPath(rel).parts:
            target = target / part
            try:
                mode = os.lstat(target).st_mode
            except FileNotFoundError:
                raise FileNotFoundError(f"{rel}: no such file") from None
            if stat.S_ISLNK(mode):
                raise UnsafeRelease(f"{rel}: is or passes through a symbolic link")
        if not stat.S_ISREG(mode):
            raise UnsafeRelease(f"{rel}: not a regular file")
        if os.lstat(target).st_size > MAX_FILE_BYTES:
            raise UnsafeRelease(f"{rel}: larger than {MAX_FILE_BYTES} bytes")
        return target

    def read(self, rel: str) -> bytes:
        if self._kept is None:
            return self._read(rel)
        if rel not in self._kept:
            self._kept[rel] = self._read(rel)
        return self._kept[rel]

    def chunks(self, rel: str, size: int = 1 << 20):
        """The bytes of ``rel`` in pieces of at most ``size``, so that a large file is hashed or copied without
        being held whole; the same checks and errors as ``read``."""
        if self._kept is not None:  # a snapshot streams the bytes it keeps
            data = self.read(rel)
            yield from (data[start:start + size] for start in range(0, len(data), size))
            return
        why = unsafe_path(rel)
        if why:
            raise UnsafeRelease(why)
        if not self.zip:
            with self._file(rel).open("rb") as handle:
                while piece := handle.read(size):
                    yield piece
            return
        try:
            with self.zip.open(self.prefix + rel) as handle:
                while piece := handle.read(size):
                    yield piece
        except KeyError:
            raise FileNotFoundError(f"{rel}: no such file") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as err:
            raise UnreadableFile(f"{self.path.name}: entry {rel!r} cannot be extracted ({err})") from None

    def _read(self, rel: str) -> bytes:
        if self.zip:
            why = unsafe_path(rel)
            if why:
                raise UnsafeRelease(why)
            try:
                return self.zip.read(self.prefix + rel)
            except KeyError:
                raise FileNotFoundError(f"{rel}: no such file") from None
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as err:
                raise UnreadableFile(f"{self.path.name}: entry {rel!r} cannot be extracted ({err})") from None
        return self._file(rel).read_bytes()

    def text(self, rel: str) -> str:
        try:
            return self.read(rel).decode("utf-8")
        except UnicodeDecodeError as err:
            raise UnsafeRelease(f"{rel}: not UTF-8 text ({err.reason} at byte {err.start})") from None
