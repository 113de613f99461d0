"""Where the schemas and templates that ship with ladderctl live, and where it keeps caches."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The installed copy (inside the wheel) or, in a source checkout, the top-level folder."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parents[1] / name


def cache_dir() -> Path | None:
    """Where ladderctl keeps what it may reuse between runs; LADDERCTL_CACHE_DIR=off disables it."""
    chosen = os.environ.get("LADDERCTL_CACHE_DIR")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ladderctl"
