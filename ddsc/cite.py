"""The citation of the current version, from CITATION.cff, as APA text and BibTeX."""

from pathlib import Path

import yaml


def citation(root: Path) -> dict:
    return yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))


def _authors(meta: dict) -> list[str]:
    return [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in meta["authors"]]


def apa(meta: dict) -> str:
    year = str(meta["date-released"])[:4]
    doi = f" https://doi.org/{meta['doi']}" if meta.get("doi") else ""
    return f"{' & '.join(_authors(meta))} ({year}). {meta['title']} (Version {meta['version']}) [Data set].{doi}"


def bibtex(meta: dict) -> str:
    fields = {
        "author": " and ".join("{" + a + "}" if "," not in a else a for a in _authors(meta)),
        "title": "{" + meta["title"] + "}",
        "year": str(meta["date-released"])[:4],
        "version": meta["version"],
        "note": "Data set",
    }
    if meta.get("doi"):
        fields["doi"] = meta["doi"]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{ddsc_{meta['version'].replace('.', '_')},\n{body}\n}}"


FORMATS = {"apa": apa, "bibtex": bibtex}
