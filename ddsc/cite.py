"""The citation of the current version, from CITATION.cff, as APA text and BibTeX."""

import re
from pathlib import Path

from ddsc.text import escape


def citation(root: Path) -> dict:
    """CITATION.cff of the package at ``root``, read through the safe opener (no symlink, FIFO or device,
    size limited) as ``ddsc.cff`` reads it: a file a citation cannot be made of raises ValueError naming the
    place of its first problem."""
    from ddsc.cff import read_cff
    from ddsc.source import Source, UnsafeRelease

    source = Source(root)
    data = source.read("CITATION.cff")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnsafeRelease(f"CITATION.cff: not UTF-8 text ({err.reason} at byte {err.start})") from None
    meta, problems = read_cff(text)
    if problems:
        raise ValueError(str(problems[0]) + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return meta


def _shown(value) -> str:
    """A value of the file as the terminal shows it: control, bidirectional and invisible characters escaped."""
    return escape(str(value))


def _authors(meta: dict) -> list[str]:
    return [_shown(a.get("name") or ", ".join(filter(None, [a["family-names"], a.get("given-names")]))) for a in meta["authors"]]


def apa(meta: dict) -> str:
    year = str(meta["date-released"])[:4]
    doi = f" https://doi.org/{_shown(meta['doi'])}" if meta.get("doi") else ""
    return f"{' & '.join(_authors(meta))} ({year}). {_shown(meta['title'])} (Version {_shown(meta['version'])}) [Data set].{doi}"


def bibtex(meta: dict) -> str:
    fields = {
        "author": " and ".join("{" + a + "}" if "," not in a else a for a in _authors(meta)),
        "title": "{" + _shown(meta["title"]) + "}",
        "year": str(meta["date-released"])[:4],
        "version": _shown(meta["version"]),
        "note": "Data set",
    }
    if meta.get("doi"):
        fields["doi"] = _shown(meta["doi"])
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{ddsc_{re.sub('[^A-Za-z0-9]', '_', meta['version'])},\n{body}\n}}"


FORMATS = {"apa": apa, "bibtex": bibtex}
