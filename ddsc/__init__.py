"""DDSC: the Defense Diplomacy and Security Cooperation Dataset.

``ddsc.load()`` returns the typed tables; ``ddsc.pandera_schemas(tables)`` the pandera schemas that check them."""

__all__ = ["load", "pandera_schemas"]


def __getattr__(name: str):
    if name in __all__:  # imported on first use, so that ``import ddsc`` does not import pandas
        from ddsc import api

        return getattr(api, name)
    raise AttributeError(f"module 'ddsc' has no attribute {name!r}")
