"""The steps that produce tables, declared in order in one place (``STEPS``): source steps turn raw files
beside the checkout into core tables; derived steps turn validated core tables into derived tables.

A step declares its layer, the tables it writes and, for a source step, the folders of its raw inputs
(``sources/<source>/`` holds each committed manifest; the raw files lie in ``../shared/sources/<source>/``).
``build.py run [STEP ...]`` runs steps and writes their tables; the build refuses derived tables that
differ from a rebuild, and a test rebuilds every source step's tables from the raw files."""

from __future__ import annotations

from ddsc.pipeline.step import DERIVED, SOURCE, Step

__all__ = ["DERIVED", "SOURCE", "Step", "all_steps", "step"]


def _steps() -> tuple[Step, ...]:
    from ddsc.pipeline.derived import authorities, panels
    from ddsc.pipeline.sources import countries, fmtrpt, state_systems

    return (countries.STEP, state_systems.STEP, fmtrpt.STEP, panels.STEP, authorities.STEP)


def all_steps() -> tuple[Step, ...]:
    """Every step, source steps first, in the order they run."""
    return tuple(sorted(_steps(), key=lambda s: s.layer != SOURCE))


def step(name: str) -> Step:
    for candidate in all_steps():
        if candidate.name == name:
            return candidate
    raise KeyError(f"no step named {name!r}; steps: {', '.join(s.name for s in all_steps())}")

