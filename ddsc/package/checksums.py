"""The checksums of a release: SHA256SUMS lists every file with its SHA-256, as ``sha256sum -c`` reads it.
A release is written with them (``ddsc.release.write``) and checked against them before it is loaded or verified."""

from __future__ import annotations

import hashlib

from ddsc.package.source import Source, UnsafeRelease, unsafe_path

SUMS = "SHA256SUMS"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_sums(text: str) -> tuple[dict[str, str], list[str]]:
    """SHA256SUMS as ``sha256sum -c`` reads it: one ``<64 hex digits>  <path>`` (or `` *<path>``) per line,
    lines split on LF only, hex in either case; a path listed twice is an error, not a second chance."""
    listed, problems = {}, []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, 1):
        digest, rel = line[:64], line[66:]
        why = unsafe_path(rel)
        if len(line) < 67 or line[64:66] not in ("  ", " *") or not all(c in "0123456789abcdefABCDEF" for c in digest) or why:
            problems.append(f"{SUMS}:{number}: {why or 'not a checksum line'}")
        elif rel in listed:
            problems.append(f"{SUMS}:{number}: {rel} is listed twice")
        else:
            listed[rel] = digest.lower()
    return listed, problems


def checksum_problems(source: Source) -> list[str]:
    """Every file of the release listed in SHA256SUMS with its checksum, and every listed file inside the release."""
    if not source.exists(SUMS):
        return [f"{SUMS}: missing (a release lists every file with its checksum)"]
    listed, problems = parse_sums(source.text(SUMS))
    for rel, digest in listed.items():
        try:
            if sha256(source.read(rel)) != digest:
                problems.append(f"{rel}: checksum mismatch")
        except FileNotFoundError:
            problems.append(f"{rel}: missing from the release")
        except UnsafeRelease as err:
            problems.append(f"{rel}: {err}")
    problems += [f"{rel}: not listed in {SUMS}" for rel in source.files() if rel not in listed and rel != SUMS]
    return problems
