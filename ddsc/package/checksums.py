"""SHA256SUMS: written by the build (one line per file, ``<sha256>  <path>``, sorted) and read as
``sha256sum -c`` reads it, by ``verify``, ``ddsc.load`` and ``diff``: every file of a release listed with its
checksum, every listed file present. Files are hashed in pieces, never held whole."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ddsc.package.problems import MAX_PER_TABLE, Problem, more_problems
from ddsc.package.source import Source, UnsafeRelease, unsafe_path

SUMS = "SHA256SUMS"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_sums(text: str) -> tuple[dict[str, str], list[Problem]]:
    """SHA256SUMS as ``sha256sum -c`` reads it: one ``<64 hex digits>  <path>`` (or `` *<path>``) per line,
    lines split on LF only, hex in either case; a path listed twice is an error, not a second chance."""
    listed, problems, more = {}, [], 0
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        digest, rel = line[:64], line[66:]
        why = unsafe_path(rel)
        if len(line) < 67 or line[64:66] not in ("  ", " *") or not all(c in "0123456789abcdefABCDEF" for c in digest) or why:
            found = Problem(SUMS, number, "", why or "not a checksum line", "checksum")
        elif rel in listed:
            found = Problem(SUMS, number, "", f"{rel} is listed twice", "checksum")
        else:
            listed[rel] = digest.lower()
            continue
        if len(problems) < MAX_PER_TABLE:
            problems.append(found)
        else:
            more += 1
    return listed, problems + ([more_problems(SUMS, more)] if more else [])


def file_digest(source: Source, rel: str) -> str:
    """The SHA-256 of ``rel``, read in pieces (a large export is never held whole to be hashed)."""
    digest = hashlib.sha256()
    for piece in source.chunks(rel):
        digest.update(piece)
    return digest.hexdigest()


def read_sums(source: Source) -> tuple[dict[str, str], str | None, list[Problem]]:
    """What SHA256SUMS lists, its own SHA-256, and the problems: a listed file missing or with another
    checksum, a file not listed."""
    if not source.exists(SUMS):
        return {}, None, [Problem(SUMS, 0, "", "missing (a release lists every file with its checksum)", "checksum")]
    data = source.read(SUMS)
    try:
        listed, problems = parse_sums(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        return {}, sha256(data), [Problem(SUMS, 0, "", f"not UTF-8 text ({err.reason} at byte {err.start})", "checksum")]
    for rel, digest in listed.items():
        try:
            if file_digest(source, rel) != digest:
                problems.append(Problem(rel, 0, "", "checksum mismatch", "checksum"))
        except FileNotFoundError:
            problems.append(Problem(rel, 0, "", "missing from the release", "checksum"))
        except UnsafeRelease as err:
            problems.append(Problem(rel, 0, "", str(err), "checksum"))
    problems += [Problem(rel, 0, "", f"not listed in {SUMS}", "checksum") for rel in source.files() if rel not in listed and rel != SUMS]
    return listed, sha256(data), problems


def checksum_problems(source: Source) -> list[Problem]:
    """Every file of the release listed in SHA256SUMS with its checksum, and every listed file inside the release."""
    return read_sums(source)[2]


def checksums(folder: Path, paths: list[str]) -> str:
    """SHA256SUMS of the files ``paths`` of ``folder``, as the build writes it."""
    return "".join(f"{sha256((folder / p).read_bytes())}  {p}\n" for p in sorted(paths))
