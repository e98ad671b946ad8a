"""Scores for ordering posts, threads and articles: pure functions of numbers and datetimes."""

import math
from datetime import UTC, datetime

# The z used by Reddit's "best" sort: an 80% confidence interval.
DEFAULT_Z = 1.281551565545
# Reddit's epoch and decay for "hot": 45,000 seconds (12.5 hours) of age cost one order of
# magnitude of activity.
HOT_EPOCH = datetime(2005, 12, 8, 7, 46, 43, tzinfo=UTC)
HOT_DECAY_SECONDS = 45_000


def wilson_lower_bound(up: int, down: int, z: float = DEFAULT_Z) -> float:
    """The lower bound of the Wilson score interval for the share of up votes (0 if none)."""
    n = up + down
    if n <= 0:
        return 0.0
    share = up / n
    z2 = z * z
    centre = share + z2 / (2 * n)
    spread = z * math.sqrt((share * (1 - share) + z2 / (4 * n)) / n)
    return (centre - spread) / (1 + z2 / n)


def net_score(up: int, down: int) -> int:
    return up - down


def controversy(up: int, down: int) -> float:
    """Reddit's controversy: many votes, evenly split, rank highest; one-sided posts score 0."""
    if up <= 0 or down <= 0:
        return 0.0
    balance = down / up if up > down else up / down
    return float((up + down) ** balance)


def hot(activity: int, when: datetime) -> float:
    """Reddit's "hot": the order of magnitude of activity, plus a steady bonus for recency."""
    order = math.log10(max(abs(activity), 1))
    sign = 1 if activity > 0 else -1 if activity < 0 else 0
    seconds = (when - HOT_EPOCH).total_seconds()
    return round(sign * order + seconds / HOT_DECAY_SECONDS, 7)
