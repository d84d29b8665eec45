"""The steps that produce tables, declared in order in one place (``STEPS``): source steps turn raw files
beside the checkout into core tables; derived steps turn validated core tables into derived tables.

A step declares its layer, the tables it writes and, for a source step, the folders of its raw inputs
(``sources/<source>/`` holds each committed manifest; the raw files lie in ``../shared/sources/<source>/``).
``build.py run [STEP ...]`` runs steps and writes their tables; the build refuses derived tables that
differ from a rebuild, and a test rebuilds every source step's tables from the raw files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

SOURCE, DERIVED = "source", "derived"


@dataclass(frozen=True)
class Step:
    """``run`` of a source step: ``run(root, raw_root) -> {table: frame}``; of a derived step:
    ``run(tables) -> {table: frame}`` from the validated, typed core tables."""

    name: str
    layer: str
    outputs: tuple[str, ...]
    run: Callable = field(repr=False)
    sources: tuple[str, ...] = ()  # source steps: the folders under sources/ with the manifests of the raw inputs
    description: str = ""


def _steps() -> tuple[Step, ...]:
    from ddsc.steps import authorities, countries, fmtrpt, panels, state_systems

    return (countries.STEP, state_systems.STEP, fmtrpt.STEP, panels.STEP, authorities.STEP)


def all_steps() -> tuple[Step, ...]:
    """Every step, source steps first, in the order they run."""
    return tuple(sorted(_steps(), key=lambda s: s.layer != SOURCE))


def step(name: str) -> Step:
    for candidate in all_steps():
        if candidate.name == name:
            return candidate
    raise KeyError(f"no step named {name!r}; steps: {', '.join(s.name for s in all_steps())}")


def producer(table: str) -> Step | None:
    """The step that writes ``table`` (None for a table curated by hand)."""
    return next((s for s in all_steps() if table in s.outputs), None)
