"""Verifying a release from elsewhere: every file listed in SHA256SUMS with its checksum, every listed
file present, then the content re-validated through the safe opener."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ddsc.source import Source, UnsafeRelease, unsafe_path

SUMS = "SHA256SUMS"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checksum_problems(source: Source) -> list[str]:
    """Every file of the release listed in SHA256SUMS with its checksum, and every listed file inside the release."""
    if not source.exists(SUMS):
        return [f"{SUMS}: missing"]
    listed, problems = {}, []
    for number, line in enumerate(source.text(SUMS).splitlines(), 1):
        digest, sep, rel = line.partition("  ")
        why = unsafe_path(rel)
        if not sep or len(digest) != 64 or why:
            problems.append(f"{SUMS}:{number}: {why or 'not a checksum line'}")
            continue
        listed[rel] = digest
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


def verify_release(path: Path) -> list[str]:
    """Problems with a released folder or zip: its checksums, then its content re-validated (read through the safe opener)."""
    from ddsc.validate import check

    try:
        source = Source(path)
        problems = checksum_problems(source)
    except UnsafeRelease as err:
        return [str(err)]
    return problems + [str(p) for p in check(source).problems]
