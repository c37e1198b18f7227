"""Where the data directories that travel with mailgate are: policies/ and web/.

In a wheel they are packaged as mailgate/_data/<name> (pyproject force-include);
in a source checkout (editable install, tests) they are the top-level folders.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    if name not in ("policies", "web"):
        raise ValueError(f"unknown data directory {name!r}")
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"mailgate data directory {name!r} not found (looked in {packaged} and {checkout})"
    )
