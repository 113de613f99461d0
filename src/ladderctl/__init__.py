"""ladderctl: career ladders, promotions, mentorship and development plans as code."""

from __future__ import annotations

__version__ = "0.1.0"
