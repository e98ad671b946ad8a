"""The mixed scenarios of `make bench`: a visitor's thread page while votes arrive elsewhere.

A page cache is only as good as the writes let it be: a vote that throws away every cached page
on the site makes a live debate as slow as no cache at all. Each scenario here reads the big
thread's first page with wrk while paced clients vote at a steady rate, and runs in every
round right beside its twin, the same page with no writes, so the ratio of the two is taken
within a round. The votes go to a post under another article (at 10 and at 30 a second) or to
a post listed on that very page (at 10 a second).

The voters are generated readers, none the post's author, each logged in through the real
login form and voting with `Accept: application/json` and `X-CSRFToken`, 1 and -1 in turn, so
that every request changes something. Each voter sends one vote a second on its own schedule,
offset from the others' (ten voters for ten votes a second), so an answer may take up to a
second before the rate falls behind; a voter that falls a whole interval behind skips the
missed slots instead of catching up in a burst. The rate delivered is that of the votes sent
while wrk ran (each answered before the voters stop); a scenario fails if any vote did not
answer 200 or if fewer than `DELIVERED` of the votes due were sent.
"""

import json
import math
import re
import sqlite3
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from run import Scenario, log_in, request

VOTES_PER_VOTER = 1  # a second for each vote to be answered before the voter falls behind
DELIVERED = 0.9  # the share of the votes due that must arrive, in every round
LEAD_IN = 0.25  # seconds of votes before wrk starts
# (rate, where, target, least rounds)
MIXES = (
    (10, "elsewhere", 0.85, 0),
    (30, "elsewhere", 0.70, 0),
    (10, "on its post", 0.70, 5),
)


@dataclass
class Voter:
    """A logged-in session, and the vote it casts next on each post: the opposite of its last."""

    cookie: str
    token: str
    next_values: dict[int, int] = field(default_factory=dict)

    def vote(self, port: int, post: int) -> tuple[int, str]:
        """Cast the next vote on the post: its status and text (status 0: no answer)."""
        value = self.next_values.get(post, 1)
        self.next_values[post] = -value
        headers = {"Cookie": self.cookie, "X-CSRFToken": self.token}
        headers["Accept"] = "application/json"
        try:
            status, _, text = request(
                port, "POST", f"/posts/{post}/vote", f"value={value}", headers
            )
        except OSError as error:
            return 0, repr(error)
        return status, text


class PacedVotes:
    """Voters casting votes on one post at a steady rate while a scenario runs."""

    def __init__(self, port: int, post: int, voters: list[Voter], rate: float):
        self.port, self.post, self.rate = port, post, rate
        self.voters = voters
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._done: list[tuple[float, float, int]] = []  # (sent, answered, status) of each vote
        self._failed: list[str] = []  # what the first few failed votes answered
        self._late = 0

    def check(self) -> None:
        """One vote from each voter: it must answer 200 with the vote it cast."""
        for voter in self.voters:
            value = voter.next_values.get(self.post, 1)
            status, text = voter.vote(self.port, self.post)
            if status != 200 or json.loads(text).get("my_vote") != value:
                raise RuntimeError(f"a vote on post {self.post} answered {status}: {text[:300]}")

    def start(self) -> None:
        self._stop.clear()
        self._done, self._failed, self._late = [], [], 0
        begin = time.monotonic()
        self._threads = [
            threading.Thread(target=self._keep_voting, args=(index, begin), daemon=True)
            for index in range(len(self.voters))
        ]
        for thread in self._threads:
            thread.start()
        time.sleep(LEAD_IN)

    def stop(self, started: float, ended: float) -> dict:
        """Stop voting; what arrived between started and ended (wrk's run), and what failed."""
        self._stop.set()
        for thread in self._threads:
            thread.join()
        inside = [status for sent, _, status in self._done if started <= sent <= ended]
        waits = [answered - sent for sent, answered, _ in self._done]
        return {
            "votes": len(inside),
            "votes_per_s": len(inside) / (ended - started),
            "vote_p50_ms": statistics.median(waits) * 1000 if waits else None,
            "vote_max_ms": max(waits) * 1000 if waits else None,
            "vote_failures": sum(status != 200 for *_, status in self._done),
            "vote_failed_answers": self._failed[:3],
            "votes_late": self._late,
        }

    def summary(self, rounds: list[dict]) -> dict:
        """The rate delivered (median and lowest round) against the rate due, and the failures."""
        delivered = [result["votes_per_s"] for result in rounds]
        return {
            "votes_per_s_due": self.rate,
            "votes_per_s": statistics.median(delivered),
            "votes_per_s_lowest": min(delivered),
            "vote_p50_ms": statistics.median(result["vote_p50_ms"] for result in rounds),
            "vote_failures": sum(result["vote_failures"] for result in rounds),
            "votes_ok": min(delivered) >= DELIVERED * self.rate,
        }

    def _keep_voting(self, index: int, begin: float) -> None:
        interval = len(self.voters) / self.rate
        due = begin + index / self.rate
        while not self._stop.is_set():
            wait = due - time.monotonic()
            if wait > 0 and self._stop.wait(wait):
                return
            if -wait > interval:  # a whole slot behind: skip what was missed, no burst
                missed = int(-wait // interval)
                self._late += missed
                due += missed * interval
            sent = time.monotonic()
            status, text = self.voters[index].vote(self.port, self.post)
            self._done.append((sent, time.monotonic(), status))
            if status != 200:
                self._failed.append(f"{status} {text[:200]}")
            due += interval


def first_listed_post(page: str) -> int:
    """The first contribution a thread page lists: votes on it change that very page."""
    return int(re.search(r'<article id="post-(\d+)"', page).group(1))


def voter_names(database: Path, posts: list[int], count: int, taken: set[str]) -> list[str]:
    """Generated readers free to vote on these posts (the author of none), none of those taken."""
    db = sqlite3.connect(database)
    marks = ", ".join("?" * len(posts))
    rows = db.execute(
        "SELECT username FROM users WHERE role = 'reader' AND username LIKE 'gen_user_%' "
        "AND NOT banned AND suspended_until IS NULL AND deleted_at IS NULL AND id NOT IN "
        f"(SELECT author_id FROM posts WHERE id IN ({marks}) AND author_id IS NOT NULL) "
        "ORDER BY id DESC",
        posts,
    ).fetchall()
    db.close()
    return [name for (name,) in rows if name not in taken][:count]


def mixed_scenarios(port: int, marks: dict, database: Path) -> list[Scenario]:
    """Each mix and its twin with no writes, side by side (one group), the mix judged by it."""
    thread = f"/threads/{marks['thread']}"
    _, _, page = request(port, "GET", thread)
    posts = {"elsewhere": marks["post"], "on its post": first_listed_post(page)}
    most = math.ceil(max(rate for rate, *_ in MIXES) / VOTES_PER_VOTER)
    names = voter_names(database, list(posts.values()), most, {marks["reader"], marks["writer"]})
    # The mixes run one at a time, so they share the voters (and each voter's last votes).
    voters = [Voter(*log_in(port, name, "/")) for name in names]
    scenarios = []
    for rate, where, target, rounds in MIXES:
        alone = f"first page alone, for {rate}/s {where}"
        group = f"{rate}/s {where}"
        chosen = voters[: math.ceil(rate / VOTES_PER_VOTER)]
        load = PacedVotes(port, posts[where], chosen, rate)
        scenarios += [
            Scenario(alone, port, thread, group=group, min_rounds=rounds),
            Scenario(
                f"first page, {rate} votes/s {where}",
                port,
                thread,
                ceiling=alone,
                target=target,
                load=load,
                group=group,
                min_rounds=rounds,
            ),
        ]
    return scenarios
