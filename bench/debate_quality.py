"""`make bench-debate`: how well each ordering of a debate finds its best posts, simulated.

Posts of a latent quality and a stance arrive over a thread's life; readers of a side read the
order shown top-down with position bias and vote partly by side, partly by quality, nudged by
the scores they see; a coordinated group may vote by side on every post. The orders and the
summary are the forum's own (forum/ranking.py). Printed per ordering, and kept in
bench/results-debate.json: precision@3 of the reported best of each stance against the truly
best, and how often the truly best disagreement is the summary's or in the first five shown.
"""

import argparse
import json
import math
import random
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from forum import ranking
from forum.config import Config
from forum.ranking import AGREE, CAMP_A, CAMP_B, DISAGREE, EXAMPLE

STANCES = (AGREE, DISAGREE, EXAMPLE)
RESULTS = Path(__file__).with_name("results-debate.json")
WEIGHTS = (0.3, 0.5, 0.7)
VISITS = 20  # draws of the balanced order at a thread's end, for its first five


@dataclass(frozen=True)
class Model:
    """The simulation's parameters (bench/README.md explains each)."""

    threads: int = 1000  # threads counted in a run
    warm_up: int = 40  # threads before them, not counted: readers gain camps over a run
    population: int = 500  # readers in a run; each thread draws `readers` of them
    side_a: float = 0.6  # share of the population on the agreeing side, in every thread
    readers: int = 100  # readers per thread
    posts: int = 30  # contributions per thread, split by `shares` (agree, disagree, example)
    shares: tuple[float, float, float] = (0.45, 0.35, 0.20)
    posting_span: float = 0.7  # posts arrive uniformly over this share of the thread's life
    examine: float = 0.915  # the chance a reader examines position k (from 0) is examine ** k
    vote_chance: float = 0.5  # the chance an examined post gets the reader's vote
    partisanship: float = 0.6  # the chance a vote on an agreement or disagreement is by side
    noise: float = 1.0  # sd of a reader's error judging quality (quality ~ Normal(0, 1))
    bar: float = 0.6  # a vote by quality is up when quality + error + nudge > bar
    bandwagon: float = 0.5  # nudge = bandwagon * tanh(visible score / 5), when scores show
    group: int = 0  # accounts that vote every agreement up and every disagreement down
    seed: int = 2024


@dataclass(frozen=True)
class Ordering:
    """A displayed order (wilson, balanced or grain) with scores shown or hidden, and its w."""

    name: str
    display: str
    shown: bool
    w: float = Config.GRAIN_WEIGHT


@dataclass
class Post:
    """A contribution: its stance, its latent quality, and its votes, in all and by camp."""

    id: int
    stance: str
    quality: float
    up: int = 0
    down: int = 0
    up_a: int = 0
    down_a: int = 0
    up_b: int = 0
    down_b: int = 0

    def best(self) -> float:
        """The forum's "best": the Wilson bound of all its votes."""
        return ranking.wilson_lower_bound(self.up, self.down)

    def candidate(self) -> ranking.Candidate:
        """What the balanced order draws from: all its votes, and those across the camps."""
        cross = ranking.across(self.stance, self.up_a, self.down_a, self.up_b, self.down_b)
        return ranking.Candidate(self.id, self.up, self.down, *cross)

    def grain(self, w: float) -> float:
        """The forum's cross-camp score with weight w (ranking.grain)."""
        return ranking.grain(
            self.up, self.down, self.up_a, self.down_a, self.up_b, self.down_b, self.stance, w
        )


@dataclass
class Reader:
    """A reader (or a group's account): their side, and the lean and count of their votes."""

    side: str
    lean: int = 0
    votes_cast: int = 0


ORDERINGS = (
    Ordering("wilson", "wilson", shown=True),
    Ordering("wilson, scores hidden", "wilson", shown=False),
    Ordering("balanced", "balanced", shown=False),
    Ordering("balanced, scores shown", "balanced", shown=True),
    *(Ordering(f"grain list w={w}", "grain", shown=False, w=w) for w in WEIGHTS),
)
SCENARIOS = {
    "partisan 0.6": Model(),
    "partisan 0.6 + group of 15": Model(group=15),
    "partisan 0": Model(partisanship=0.0),
}
# The summary's rules: the forum's (SUMMARY_MIN_VOTES votes) and, for comparison, the same
# with a floor on the score (above 0), which the issue first asked for.
FORUM_RULE = f"{Config.SUMMARY_MIN_VOTES} votes"
FLOOR_RULE = f"score > 0, {FORUM_RULE}"
# The targets for these rows (precision@3, best disagreement visible); in a scenario
# not named here, the figures of "wilson" (no worse than today).
JUDGED = ("balanced",)
TARGETS = {"partisan 0.6": (0.68, 0.70), "partisan 0.6 + group of 15": (0.66, 0.65)}
MARKS = ("MISSED", "met")


def displayed(posts: list[Post], ordering: Ordering, seed: int) -> list[Post]:
    """The thread's posts in the order the ordering shows them; the balanced one as
    services/balanced.py deals it (every post of a stance in its window)."""
    if ordering.display == "wilson":
        return sorted(posts, key=lambda p: (-p.best(), p.id))
    if ordering.display == "grain":
        return sorted(posts, key=lambda p: (-p.grain(ordering.w), p.id))
    by_id = {post.id: post for post in posts}
    queues = {
        stance: ranking.by_draw([p.candidate() for p in posts if p.stance == stance], seed + i)
        for i, stance in enumerate(STANCES)
    }
    return [by_id[found] for found in ranking.deal(queues)]


def judge(model: Model, reader: Reader, post: Post, shown: bool, rng: random.Random) -> int:
    """A reader's vote: by side with chance `partisanship` (not on examples), else by quality."""
    if post.stance != EXAMPLE and rng.random() < model.partisanship:
        return 1 if (post.stance == AGREE) == (reader.side == CAMP_A) else -1
    nudge = model.bandwagon * math.tanh((post.up - post.down) / 5) if shown else 0.0
    return 1 if post.quality + rng.gauss(0.0, model.noise) + nudge > model.bar else -1


def cast(reader: Reader, post: Post, value: int) -> None:
    """Count a vote as the forum does: under the camp its voter was in before casting it."""
    voter_camp = ranking.camp(reader.lean, reader.votes_cast)
    up, down = (1, 0) if value > 0 else (0, 1)
    post.up += up
    post.down += down
    if voter_camp == CAMP_A:
        post.up_a += up
        post.down_a += down
    elif voter_camp == CAMP_B:
        post.up_b += up
        post.down_b += down
    reader.lean += ranking.vote_lean(post.stance, value)
    reader.votes_cast += 1


def new_thread(model: Model, number: int, population: list[Reader]) -> tuple[list, list[Post]]:
    """A thread's posts and arrivals (time, kind, payload), drawn from the seed and the thread's
    number alone, so that every ordering meets the same posts and readers."""
    rng = random.Random(model.seed * 1_000_003 + number)
    counts = [round(model.posts * share) for share in model.shares]
    stances = [stance for stance, n in zip(STANCES, counts, strict=True) for _ in range(n)]
    rng.shuffle(stances)
    posts = [
        Post(number * 1000 + i, stance, rng.gauss(0.0, 1.0)) for i, stance in enumerate(stances)
    ]
    events = [(rng.uniform(0, model.posting_span), "post", post) for post in posts]
    events += [(rng.random(), "read", reader) for reader in rng.sample(population, model.readers)]
    return events, posts


def simulate(model: Model, ordering: Ordering) -> list[tuple[list[Post], list[set[int]]]]:
    """One run of threads under one ordering: each counted thread's posts, as its votes left
    them, and the ids of the first five it shows at the end (VISITS draws of the balanced
    order, as after successive writes; the other orders do not draw)."""
    rng = random.Random(model.seed)
    on_a = round(model.side_a * model.population)
    population = [Reader(CAMP_A if i < on_a else CAMP_B) for i in range(model.population)]
    group = [Reader(CAMP_A) for _ in range(model.group)]
    examine = [model.examine**k for k in range(model.posts)]
    outcomes = []
    for number in range(model.warm_up + model.threads):
        events, posts = new_thread(model, number, population)
        events += [
            (rng.uniform(moment, 1.0), "group", (member, post))
            for moment, kind, post in events
            if kind == "post" and post.stance != EXAMPLE
            for member in group
        ]
        present: list[Post] = []
        writes = 0  # the forum's order changes its seed with every post and vote
        for _, kind, payload in sorted(events, key=lambda event: event[0]):
            if kind == "post":
                present.append(payload)
                writes += 1
            elif kind == "group":
                member, post = payload
                cast(member, post, 1 if post.stance == AGREE else -1)
                writes += 1
            else:
                for k, post in enumerate(displayed(present, ordering, number * 100_000 + writes)):
                    if rng.random() < examine[k] and rng.random() < model.vote_chance:
                        cast(payload, post, judge(model, payload, post, ordering.shown, rng))
                        writes += 1
        if number >= model.warm_up:
            seeds = range(writes, writes + (VISITS if ordering.display == "balanced" else 1))
            firsts = [displayed(posts, ordering, number * 100_000 + seed)[:5] for seed in seeds]
            outcomes.append((posts, [{post.id for post in first} for first in firsts]))
    return outcomes


def reported(posts: list[Post], stance: str, rule: str, w: float) -> list[int]:
    """The ids a summary reports as a stance's best, best first: by Wilson (before), or by grain
    among the posts with SUMMARY_MIN_VOTES votes (FORUM_RULE) and a score above 0 (FLOOR_RULE)."""
    those = [p for p in posts if p.stance == stance]
    if rule == "wilson":
        return [p.id for p in sorted(those, key=lambda p: (-p.best(), p.id))]
    least = Config.SUMMARY_MIN_VOTES
    qualified = [
        p for p in those if p.up + p.down >= least and (p.up > p.down or rule != FLOOR_RULE)
    ]
    return [p.id for p in sorted(qualified, key=lambda p: (-p.grain(w), p.id))]


def figures(outcomes: list[tuple[list[Post], list[set[int]]]], rule: str, w: float) -> dict:
    """Precision@3 per stance, and the shares of threads whose truly best disagreement is the
    summary's strongest, in the first five, or either (visible; the first five averaged over
    its draws); with standard errors."""
    precision: dict[str, list[float]] = {stance: [] for stance in STANCES}
    summary, first, visible = [], [], []
    for posts, firsts in outcomes:
        for stance in STANCES:
            truth = sorted((p for p in posts if p.stance == stance), key=lambda p: -p.quality)
            best = reported(posts, stance, rule, w)
            precision[stance].append(len({p.id for p in truth[:3]} & set(best[:3])) / 3)
            if stance == DISAGREE:
                summary.append(best[:1] == [truth[0].id])
                first.append(statistics.fmean(truth[0].id in five for five in firsts))
                visible.append(1.0 if summary[-1] else first[-1])
    per_thread = [statistics.fmean(values) for values in zip(*precision.values(), strict=True)]
    return {
        **{f"p@3 {stance}": statistics.fmean(precision[stance]) for stance in STANCES},
        "p@3": statistics.fmean(per_thread),
        "p@3 se": statistics.stdev(per_thread) / math.sqrt(len(per_thread)),
        "summary": statistics.fmean(summary),
        "first five": statistics.fmean(first),
        "visible": statistics.fmean(visible),
        "visible se": statistics.stdev(visible) / math.sqrt(len(visible)),
    }


def run(job: tuple[str, Model, Ordering]) -> list[dict]:
    """The rows of one scenario and ordering: one per summary rule read from its run."""
    scenario, model, ordering = job
    outcomes = simulate(model, ordering)
    rules = [(ordering.name, FORUM_RULE, ordering.w)]
    if ordering.display == "wilson":
        rules = [(ordering.name, "wilson", ordering.w)]
    elif ordering.display == "balanced" and not ordering.shown:
        rules += [(f"balanced, summary w={w}", FORUM_RULE, w) for w in WEIGHTS if w != ordering.w]
        rules += [(f"balanced, score > 0, w={w}", FLOOR_RULE, w) for w in WEIGHTS]
    return [
        {"scenario": scenario, "ordering": name, "rule": rule, "w": w} | figures(outcomes, rule, w)
        for name, rule, w in rules
    ]


def verdicts(rows: list[dict]) -> list[str]:
    """Each target of the issue against the balanced rows, met or not."""
    wilson = {row["scenario"]: row for row in rows if row["ordering"] == "wilson"}
    lines = []
    for row in (r for r in rows if r["ordering"] in JUDGED):
        today = wilson[row["scenario"]]
        precision, visible = TARGETS.get(row["scenario"], (today["p@3"], today["visible"]))
        lines.append(
            f"{row['scenario']}, {row['ordering']}: p@3 {row['p@3']:.3f} >= {precision:.3f} "
            f"{MARKS[row['p@3'] >= precision]}; visible {row['visible']:.1%} >= {visible:.1%} "
            f"{MARKS[row['visible'] >= visible]}"
        )
    return lines


def print_table(rows: list[dict]) -> None:
    """The figures, one scenario after the other (± is a 95% interval)."""
    head = f"{'ordering':<30}{'agree':>7}{'disagr':>7}{'exampl':>7}{'p@3':>7}{'±':>6}"
    head += f"{'summary':>9}{'first5':>8}{'visible':>9}{'±':>6}"
    for scenario in dict.fromkeys(row["scenario"] for row in rows):
        print(f"\n{scenario}\n{head}")
        for row in (r for r in rows if r["scenario"] == scenario):
            print(
                f"{row['ordering']:<30}{row['p@3 agree']:>7.3f}{row['p@3 disagree']:>7.3f}"
                f"{row['p@3 example']:>7.3f}{row['p@3']:>7.3f}{1.96 * row['p@3 se']:>6.3f}"
                f"{row['summary']:>9.1%}{row['first five']:>8.1%}{row['visible']:>9.1%}"
                f"{1.96 * row['visible se']:>6.1%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=Model.threads, help="counted per run")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--set", action="append", default=[], help="a parameter: bar=0")
    args = parser.parse_args()
    started = time.monotonic()
    changes = {"threads": args.threads}
    for change in args.set:
        name, value = change.split("=")
        changes[name] = type(getattr(Model, name))(value)
    models = {name: replace(model, **changes) for name, model in SCENARIOS.items()}
    jobs = [(name, model, ordering) for name, model in models.items() for ordering in ORDERINGS]
    with ProcessPoolExecutor(args.workers) as pool:
        rows = [row for rows in pool.map(run, jobs) for row in rows]
    print_table(rows)
    targets = verdicts(rows)
    print("\nTargets:", *targets, sep="\n")
    seconds = round(time.monotonic() - started, 1)
    print(f"\n{args.threads} threads a run, {seconds} s; figures in {args.output}")
    results = {"seconds": seconds, "models": {k: asdict(m) for k, m in models.items()}}
    results |= {"rows": rows, "targets": targets}
    args.output.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
