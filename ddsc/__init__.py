"""DDSC: the Defense Diplomacy and Security Cooperation Dataset.

``ddsc.load()`` returns the typed tables; ``ddsc.pandera_schemas(tables)`` the pandera schemas that check them;
``ddsc.panel("country_years", system="cow")`` a panel in one state system, keyed as COW (``ccode``, ``year``) or
Gleditsch-Ward (``gwcode``, ``year``) data are. With no package in the working folder, the data installed with
``ddsc`` is read."""

__all__ = ["load", "pandera_schemas", "panel", "ReleaseError"]


def __getattr__(name: str):
    if name == "ReleaseError":
        from ddsc.package.source import ReleaseError

        return ReleaseError
    if name in __all__:  # imported on first use, so that ``import ddsc`` does not import pandas
        from ddsc import api

        return getattr(api, name)
    raise AttributeError(f"module 'ddsc' has no attribute {name!r}")
