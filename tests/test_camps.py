"""Camps from votes: each voter's lean, the camp each vote was cast in, the cross-camp score."""

import pytest
from sqlalchemy import select

from forum import ranking
from forum.extensions import db
from forum.models import Post, User, Vote
from forum.services import account_data
from forum.services.figures import recount_all
from forum.services.posts import Contribution, add_contribution
from forum.services.votes import cast_vote

FIGURES = ("up", "down", "up_a", "down_a", "up_b", "down_b", "score", "best", "grain")


def fresh_user(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def figures(post_id: int) -> dict:
    db.session.expire_all()
    post = db.session.get(Post, post_id)
    return {name: getattr(post, name) for name in FIGURES}


@pytest.fixture
def posts(thread, make_user) -> dict[str, list[Post]]:
    """Twelve agreements and four disagreements by others, and two examples."""
    writer = make_user("writer_of_many")
    made: dict[str, list[Post]] = {"agree": [], "disagree": [], "example": []}
    for stance, number in (("agree", 12), ("disagree", 4)):
        for n in range(number):
            made[stance].append(add_contribution(thread, writer, Contribution(stance, f"{n}")))
    for n in range(2):
        example = Contribution("example", f"E{n}", "Nordlys", "linkedin", effect="supports")
        made["example"].append(add_contribution(thread, writer, example))
    return made


def partisan(user: User, posts: dict[str, list[Post]], votes: int = 10) -> None:
    """Up-vote `votes` agreements: a lean of `votes`, camp A from the tenth."""
    for post in posts["agree"][:votes]:
        cast_vote(post.id, user, 1)


def test_a_vote_moves_its_voters_lean_by_the_stance(posts, reader):
    cast_vote(posts["agree"][0].id, reader, 1)  # +1
    cast_vote(posts["disagree"][0].id, reader, -1)  # +1
    cast_vote(posts["disagree"][1].id, reader, 1)  # -1
    cast_vote(posts["example"][0].id, reader, -1)  # 0

    user = fresh_user(reader.id)
    assert (user.lean, user.votes_cast) == (1, 4)
    leans = db.session.scalars(select(Vote.lean).order_by(Vote.id)).all()
    assert leans == [1, 1, -1, 0]


def test_no_camp_before_ten_votes_then_the_camp_of_the_lean(posts, reader):
    partisan(reader, posts, votes=9)
    assert ranking.camp(fresh_user(reader.id).lean, 9) is None

    cast_vote(posts["agree"][9].id, reader, 1)  # the tenth: cast with nine behind it
    cast_vote(posts["disagree"][0].id, reader, 1)  # the eleventh: camp A's

    camps = db.session.scalars(select(Vote.camp).order_by(Vote.id)).all()
    assert camps == [None] * 10 + ["a"]
    counted = figures(posts["disagree"][0].id)
    assert (counted["up"], counted["up_a"], counted["up_b"]) == (1, 1, 0)


def test_a_vote_across_the_camps_raises_the_cross_camp_score(app, posts, make_user):
    leaning_a, leaning_b = make_user("lean_a"), make_user("lean_b")
    partisan(leaning_a, posts)
    for post in posts["disagree"][:2] + posts["agree"][:8]:
        cast_vote(post.id, leaning_b, 1 if post.stance == "disagree" else -1)
    assert ranking.camp(fresh_user(leaning_b.id).lean, 10) == "b"
    crossed, followed = posts["disagree"][2], posts["disagree"][3]

    cast_vote(crossed.id, leaning_a, 1)  # camp A up-votes a disagreement
    cast_vote(followed.id, leaning_b, 1)  # camp B up-votes its own side

    high, low = figures(crossed.id), figures(followed.id)
    assert (high["up"], high["up_a"], low["up"], low["up_b"]) == (1, 1, 1, 1)
    assert high["best"] == low["best"]
    assert high["grain"] > low["grain"]
    w, z = app.config["GRAIN_WEIGHT"], app.config["WILSON_Z"]
    assert high["grain"] == pytest.approx(ranking.grain(1, 0, 1, 0, 0, 0, "disagree", w, z))


def test_changing_or_taking_back_a_vote_moves_the_counts_it_was_counted_in(posts, reader):
    partisan(reader, posts)
    target = posts["disagree"][0]
    cast_vote(target.id, reader, 1)  # camp A's up-vote
    assert figures(target.id)["up_a"] == 1

    cast_vote(target.id, reader, -1)  # changed: camp A's down-vote now
    changed = figures(target.id)
    assert (changed["up"], changed["up_a"], changed["down"], changed["down_a"]) == (0, 0, 1, 1)
    user = fresh_user(reader.id)
    assert (user.lean, user.votes_cast) == (11, 11)

    # The reader leaves camp A (their agreements taken back): the vote keeps its camp's count.
    for post in posts["agree"][:10]:
        cast_vote(post.id, reader, 0)
    assert ranking.camp(fresh_user(reader.id).lean, 1) is None
    cast_vote(target.id, reader, 0)

    gone = figures(target.id)
    assert (gone["down"], gone["down_a"], gone["up_a"]) == (0, 0, 0)
    user = fresh_user(reader.id)
    assert (user.lean, user.votes_cast) == (0, 0)


def test_a_recount_gives_the_same_figures(posts, reader, make_user):
    other = make_user("other_voter")
    partisan(reader, posts)
    partisan(other, posts, votes=12)
    for post in posts["disagree"] + posts["example"]:
        cast_vote(post.id, reader, 1)
        cast_vote(post.id, other, -1)
    cast_vote(posts["disagree"][0].id, reader, -1)
    every = [post.id for stance in posts.values() for post in stance]
    voters = (reader.id, other.id)
    before = [figures(post_id) for post_id in every]
    leans = [(user.lean, user.votes_cast) for user in map(fresh_user, voters)]

    recount_all()

    for post_id, counted in zip(every, before, strict=True):
        assert figures(post_id) == pytest.approx(counted)
    assert [(user.lean, user.votes_cast) for user in map(fresh_user, voters)] == leans
    # Twelve agreements up and four disagreements down; the examples move no lean.
    assert leans[1] == (16, 18)


def test_the_lean_is_in_the_voters_export_only(posts, reader, make_user):
    partisan(reader, posts)

    mine = account_data.export_user_data(fresh_user(reader.id))

    assert mine["lean"] == {"lean": 10, "votes_cast": 10, "camp": "a"}
    assert {vote["camp"] for vote in mine["votes"]} == {None}
    others = account_data.export_user_data(make_user("bystander"))
    assert others["lean"] == {"lean": 0, "votes_cast": 0, "camp": None}
