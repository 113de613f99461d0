"""What the benchmark scripts share."""

from __future__ import annotations

import os


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a timed `ladderctl` run: this one, with bytecode caching allowed.

    Some machines (this project's among them) set PYTHONDONTWRITEBYTECODE=1. With an editable
    install every run would then compile ladderctl's modules from source again, 0.1-0.3 s a
    start that a user's `pip install .` (which compiles them once) never pays. The first run
    writes the `.pyc` files; the scripts' warm-up runs take that cost.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(overrides)
    return env
