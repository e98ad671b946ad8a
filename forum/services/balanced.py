"""The balanced view of a thread (its default order): the strongest cases of both sides first.

Contributions are dealt in rounds by stance, the sides taking turns to lead (ranking.deal), so
that the first screen holds the strongest agreement, the strongest disagreement and the best
example whatever the sides' numbers. Within a stance, a window of candidates (the WINDOW best
by the cross-camp score, and the NEWEST newest so that new posts get read and voted on) is
ordered by a draw from their votes (ranking.by_draw); the rest follow in cross-camp order.

The draws are seeded by the window itself (its posts and their votes): the order is the same
for every reader and every server, page after page, until a vote or a post changes the window;
and it is worked out from one indexed query per stance, never from the whole thread.
"""

import functools
import hashlib
from collections.abc import Sequence

from sqlalchemy import CompoundSelect, Integer, bindparam, select, union

from .. import ranking
from ..extensions import db
from ..models import Post, Stance, Thread, User
from ..permissions import prepared_visibility, visibility_sql

WINDOW = 60
NEWEST = 10

_COLUMNS = (
    Post.id,
    Post.up,
    Post.down,
    Post.up_a,
    Post.down_a,
    Post.up_b,
    Post.down_b,
    Post.grain,
    Post.created_at,
)


def order(thread: Thread, reader: User | None, stances: Sequence[Stance], reach: int) -> list[int]:
    """The first `reach` ids of the thread's contributions in the balanced order (all of them,
    if there are fewer), as the reader sees them."""
    return ranking.deal(_queues(thread, reader, stances, reach))[:reach]


def position(thread: Thread, reader: User | None, post_id: int, total: int) -> int | None:
    """Where the contribution is in the balanced order (0 first), or None if not there.

    A post in its stance's window (every new post is) is at most WINDOW + NEWEST places down
    its stance's queue, so queues of that length place it; one further back is looked for
    further."""
    fetch = WINDOW + NEWEST
    while True:
        ids = ranking.deal(_queues(thread, reader, list(Stance), fetch))
        if post_id in ids[: 3 * fetch]:
            return ids.index(post_id)
        if fetch >= total:
            return None
        fetch *= 4


def _queues(
    thread: Thread, reader: User | None, stances: Sequence[Stance], fetch: int
) -> dict[str, list[int]]:
    """Each stance's ids in the balanced order, as far as its first `fetch` by grain go."""
    found = {stance: _stance(thread, reader, stance, fetch) for stance in stances}
    seed = _seed(thread, {stance: window for stance, (window, _rest) in found.items()})
    return {
        stance.value: ranking.by_draw(window, seed + index) + rest
        for index, (stance, (window, rest)) in enumerate(found.items())
    }


def _stance(
    thread: Thread, reader: User | None, stance: Stance, reach: int
) -> tuple[list[ranking.Candidate], list[int]]:
    """The stance's window (its WINDOW best by the cross-camp score and its NEWEST newest) and
    the ids after it in cross-camp order, as far as `reach` may need: one query."""
    kind, params = prepared_visibility(reader)
    params |= {"thread_id": thread.id, "stance": stance, "fetch": max(WINDOW, reach)}
    rows = db.session.execute(_window_query(kind), params).all()
    by_grain = sorted(rows, key=lambda row: (-row.grain, -row.id))
    newest_ids = {row.id for row in sorted(rows, key=lambda row: row.created_at)[-NEWEST:]}
    window = by_grain[:WINDOW]
    window += [row for row in by_grain[WINDOW:] if row.id in newest_ids]
    taken = {row.id for row in window}
    rest = [row.id for row in by_grain if row.id not in taken]
    return [_candidate(stance, row) for row in window], rest


@functools.cache
def _window_query(kind: str) -> CompoundSelect:
    """SQL for _stance, built once for each kind of reader (permissions.prepared_visibility):
    a page's every miss and every new post's redirect run it, and building it cost more than
    running it. Its values are the parameters thread_id, stance and fetch."""
    shown = (
        Post.thread_id == bindparam("thread_id"),
        Post.stance == bindparam("stance", type_=Post.stance.type),
        Post.parent_id.is_(None),
        visibility_sql(kind),
    )
    best = select(*_COLUMNS).where(*shown).order_by(Post.grain.desc(), Post.id.desc())
    newest = select(*_COLUMNS).where(*shown).order_by(Post.created_at.desc(), Post.id.desc())
    return union(
        select(best.limit(bindparam("fetch", type_=Integer)).subquery()),
        select(newest.limit(NEWEST).subquery()),
    )


def _candidate(stance: Stance, row) -> ranking.Candidate:
    cross_up, own_down = ranking.across(stance, row.up_a, row.down_a, row.up_b, row.down_b)
    return ranking.Candidate(row.id, row.up, row.down, cross_up, own_down)


def _seed(thread: Thread, windows: dict[Stance, list[ranking.Candidate]]) -> int:
    """A number that changes when a post of the windows, or their votes, change."""
    state = repr(
        (
            thread.id,
            sorted((stance.value, sorted(window)) for stance, window in windows.items()),
        )
    )
    return int.from_bytes(hashlib.blake2b(state.encode(), digest_size=8).digest(), "big")
