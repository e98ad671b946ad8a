"""Scores for ordering posts, threads and articles: pure functions of numbers and datetimes."""

import itertools
import math
import random
from datetime import UTC, datetime
from typing import NamedTuple, TypeVar

T = TypeVar("T")

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


# A debate's camps: each reader leans towards agreeing (camp A) or disagreeing (camp B) with
# the article, as their votes show. A vote that goes against its voter's own side (a reader of
# camp B voting an agreement up) is the strongest sign of a post's quality; one that follows
# it says less (services/votes.py keeps the counts, per camp, on each post).
CAMP_A, CAMP_B = "a", "b"
CAMP_MIN_VOTES = 10
CAMP_MIN_LEAN = 2
AGREE, DISAGREE, EXAMPLE = "agree", "disagree", "example"


def vote_lean(stance: str | None, value: int) -> int:
    """How a vote moves its voter's lean: +1 for an agreement up or a disagreement down, -1 for
    the reverse, 0 for examples and replies (and for no vote)."""
    if stance == AGREE:
        return value
    if stance == DISAGREE:
        return -value
    return 0


def camp(lean: int, votes_cast: int) -> str | None:
    """A reader's camp, from the lean of their votes: none before CAMP_MIN_VOTES votes, or
    while they lean by less than CAMP_MIN_LEAN either way."""
    if votes_cast < CAMP_MIN_VOTES:
        return None
    if lean >= CAMP_MIN_LEAN:
        return CAMP_A
    if lean <= -CAMP_MIN_LEAN:
        return CAMP_B
    return None


def _share(up: int, down: int) -> float:
    return (up + 1) / (up + down + 2)


def own_camp(stance: str | None, up_a: int, down_a: int, up_b: int, down_b: int) -> str | None:
    """The camp a post speaks for: A for an agreement, B for a disagreement; for an example,
    the camp that likes it more (by (up + 1) / (n + 2)); none for a reply."""
    if stance == AGREE:
        return CAMP_A
    if stance == DISAGREE:
        return CAMP_B
    if stance == EXAMPLE:
        return CAMP_A if _share(up_a, down_a) >= _share(up_b, down_b) else CAMP_B
    return None


def across(stance: str | None, up_a: int, down_a: int, up_b: int, down_b: int) -> tuple[int, int]:
    """The votes that cross the camps: up-votes from the other camp than the post's own, and
    down-votes from its own camp (0, 0 for a reply)."""
    own = own_camp(stance, up_a, down_a, up_b, down_b)
    if own == CAMP_A:
        return up_b, down_a
    if own == CAMP_B:
        return up_a, down_b
    return 0, 0


def grain(
    up: int,
    down: int,
    up_a: int,
    down_a: int,
    up_b: int,
    down_b: int,
    stance: str | None,
    w: float = 0.5,
    z: float = DEFAULT_Z,
) -> float:
    """The cross-camp score: (1 - w) of the Wilson bound of all votes and w of the Wilson bound
    of the votes across the camps (the other camp's up-votes, its own camp's down-votes). A
    reply, which speaks for no camp, gets the Wilson bound of all its votes."""
    overall = wilson_lower_bound(up, down, z)
    if own_camp(stance, up_a, down_a, up_b, down_b) is None:
        return overall
    cross_up, own_down = across(stance, up_a, down_a, up_b, down_b)
    return (1 - w) * overall + w * wilson_lower_bound(cross_up, own_down, z)


class Candidate(NamedTuple):
    """A contribution the balanced order may show, with the counts its draw is made from (a
    tuple: a page's order makes two hundred of them)."""

    id: int
    up: int
    down: int
    cross_up: int
    own_down: int


def balanced_draw(candidate: Candidate, draws: random.Random) -> float:
    """The candidate's place in its stance's list: 0.5 Beta(up + 1, down + 1) + 0.5 Beta(cross
    up + 1, own down + 1), from `draws`."""
    overall = draws.betavariate(candidate.up + 1, candidate.down + 1)
    return 0.5 * overall + 0.5 * draws.betavariate(candidate.cross_up + 1, candidate.own_down + 1)


def by_draw(candidates: list[Candidate], seed: int) -> list[int]:
    """The candidates' ids, highest draw first. The draws come from a generator seeded by
    `seed`, in the order of the ids: every reader and every server draws the same, until
    the seed changes."""
    # An order that explores, the same everywhere: not a secret.
    draws = random.Random(seed)  # nosec B311
    drawn = [
        (-balanced_draw(found, draws), found.id)
        for found in sorted(candidates, key=lambda found: found.id)
    ]
    return [post_id for _draw, post_id in sorted(drawn)]


# The order of the stances in each round of the deal: the sides take turns to lead.
DEAL_ROUNDS = ((AGREE, DISAGREE, EXAMPLE), (DISAGREE, AGREE, EXAMPLE))


def deal(queues: dict[str, list[T]]) -> list[T]:
    """The items of each stance's queue, dealt in rounds: one of each stance a round, in the
    round's order (DEAL_ROUNDS, alternating); a stance that has run out is passed over."""
    lists = {stance: iter(queues.get(stance, ())) for stance in DEAL_ROUNDS[0]}
    dealt: list[T] = []
    for round_number in itertools.count():
        before = len(dealt)
        for stance in DEAL_ROUNDS[round_number % 2]:
            item = next(lists[stance], None)
            if item is not None:
                dealt.append(item)
        if len(dealt) == before:
            break
    return dealt
