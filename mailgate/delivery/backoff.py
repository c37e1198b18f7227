"""Retry delays for deferred deliveries: exponential backoff with full jitter, capped.

Full jitter (a uniform draw below the exponential ceiling) spreads the retries
of many messages deferred by the same relay outage, so they do not all return
at the same instant when it comes back.
"""

from __future__ import annotations

import random

# 2**62 seconds is already far beyond any cap; stop the exponent growing before floats overflow.
_MAX_EXPONENT = 62


def ceiling(attempts: int, base: float, cap: float) -> float:
    """The largest delay after `attempts` failed attempts (1 for the first failure)."""
    exponent = min(max(attempts - 1, 0), _MAX_EXPONENT)
    return float(min(cap, base * (2**exponent)))


def next_delay(attempts: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait before the next attempt: uniform in [0, ceiling(attempts, base, cap)]."""
    draw = (rng or random).uniform(0.0, 1.0)
    return draw * ceiling(attempts, base, cap)
