"""CITATION.cff, read as a citation is made from it: YAML without anchors, aliases or duplicate keys, with a
title, a version, a release date and authors who each have a name. Every failure is a located problem (kind
``citation-file``); validation reports them, and ``ddsc cite`` refuses such a file with the first of them."""

from __future__ import annotations

import datetime
import re

import yaml

from ddsc.package.descriptor import lone_surrogate
from ddsc.package.problems import Problem

CFF = "CITATION.cff"
MAX_CFF_BYTES = 1 << 20
NEEDED = ("title", "version", "authors", "date-released")


class _Duplicate(yaml.MarkedYAMLError):
    """A key given twice in one mapping (``key``: the key)."""

    def __init__(self, key, mark):
        super().__init__(problem=f"key {key!r} is given twice in CITATION.cff", problem_mark=mark)
        self.key = key


class _NoAliases(yaml.SafeLoader):
    """YAML without anchors and aliases (an alias bomb expands a small file without bound) and without
    duplicate keys (readers disagree on which one wins); each refusal marked with its place."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self.check_event(yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(problem="anchors and aliases are not accepted in CITATION.cff", problem_mark=event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = []
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _Duplicate(key, key_node.start_mark)  # located at its second occurrence
            seen.append(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise yaml.MarkedYAMLError(problem=f"{node.value!r} is not a calendar date", problem_mark=node.start_mark) from None


_NoAliases.add_constructor("tag:yaml.org,2002:timestamp", _NoAliases.construct_yaml_timestamp)


def _load(text: str) -> tuple[object, yaml.Node | None, list[Problem]]:
    loader = _NoAliases(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node, []
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = str(err.key) if isinstance(err, _Duplicate) else ""
        return None, None, [Problem(CFF, mark.line + 1 if mark else 1, where, f"not valid YAML: {err.problem or err.context}", "citation-file")]
    except yaml.YAMLError as err:
        return None, None, [Problem(CFF, 1, "", f"not valid YAML: {err}"[:300], "citation-file")]
    except RecursionError:
        return None, None, [Problem(CFF, 1, "", "not valid YAML for a citation: nested too deeply", "citation-file")]
    finally:
        loader.dispose()


def _lines(node) -> dict[str, yaml.Node]:
    """The value node of each key of the top mapping (for line numbers)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _author_problem(author) -> str | None:
    if not isinstance(author, dict):
        return "an author is not a mapping (name, or family-names and given-names)"
    if isinstance(author.get("name"), str) and author["name"].strip():
        return None
    if isinstance(author.get("family-names"), str) and author["family-names"].strip() and isinstance(author.get("given-names", ""), str):
        return None
    return "an author has no name: give name (an entity) or family-names and given-names (a person), as text"


def read_cff(text: str) -> tuple[dict | None, list[Problem]]:
    """The citation metadata of CITATION.cff's ``text`` and the problems that keep a citation from being made
    of it (none when it can be)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_CFF_BYTES:
        return None, [Problem(CFF, 1, "", f"larger than {MAX_CFF_BYTES} bytes", "citation-file")]
    meta, node, problems = _load(text)
    if problems:
        return None, problems
    if not isinstance(meta, dict):
        return None, [Problem(CFF, 1, "", "not a mapping of keys (title, version, authors, date-released, ...)", "citation-file")]
    at = lone_surrogate(meta)
    if at:
        return None, [Problem(CFF, 1, at, "a lone surrogate (an escape such as \\ud800 that is half of a character)", "citation-file")]
    lines = _lines(node)
    line = lambda key: lines[key].start_mark.line + 1 if key in lines else 1  # noqa: E731
    problems = [Problem(CFF, 1, key, f"{key} is missing", "citation-file") for key in NEEDED if key not in meta]
    problems += [Problem(CFF, line(key), key, f"{key} must be text, not {meta[key]!r}", "citation-file") for key in ("title", "version") if key in meta and not isinstance(meta[key], str)]
    released = meta.get("date-released")
    if "date-released" in meta and not isinstance(released, datetime.date) and not (isinstance(released, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", released)):
        problems.append(Problem(CFF, line("date-released"), "date-released", f"date-released must be a date written YYYY-MM-DD, not {released!r}", "citation-file"))
    authors = meta.get("authors")
    if "authors" in meta and (not isinstance(authors, list) or not authors):
        problems.append(Problem(CFF, line("authors"), "authors", "authors must be a list of one or more authors", "citation-file"))
    elif authors:
        nodes = lines["authors"].value if isinstance(lines.get("authors"), yaml.SequenceNode) else []
        for i, author in enumerate(authors):
            why = _author_problem(author)
            if why:
                problems.append(Problem(CFF, nodes[i].start_mark.line + 1 if i < len(nodes) else line("authors"), f"authors[{i}]", why, "citation-file"))
    return (None if problems else meta), problems
