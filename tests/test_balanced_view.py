"""The balanced view: both sides' strongest cases first, an order that explores new posts yet
is the same for every reader until the next vote, and pages that add up to the thread."""

import random
import re

import pytest
from sqlalchemy import update

from forum import ranking
from forum.extensions import db
from forum.models import Post, Stance
from forum.services import balanced
from forum.services.posts import Contribution, add_contribution
from forum.services.votes import Figures, cast_vote, store_rankings


def listed(html: str) -> list[int]:
    section = html.split('<section class="contributions"', 1)[1]
    return [
        int(n) for n in re.findall(r'<article id="post-(\d+)" class="post contribution', section)
    ]


def set_votes(post: Post, up: int, down: int) -> None:
    db.session.execute(update(Post).where(Post.id == post.id).values(up=up, down=down))
    store_rankings(post.id, Figures(up, down), post.stance)
    db.session.commit()


@pytest.fixture
def crowded(thread, make_user) -> dict[int, Stance]:
    """A lopsided thread: 90 agreements, 25 disagreements and 8 examples, randomly voted."""
    writer, votes = make_user("crowd"), random.Random(7)
    stances = {}
    for stance, number in ((Stance.AGREE, 90), (Stance.DISAGREE, 25), (Stance.EXAMPLE, 8)):
        for n in range(number):
            fields = {"organisation": "Nordlys", "channel": "linkedin", "effect": "supports"}
            extra = fields if stance == Stance.EXAMPLE else {}
            post = add_contribution(thread, writer, Contribution(stance, f"{stance} {n}", **extra))
            set_votes(post, votes.randint(0, 30), votes.randint(0, 10))
            stances[post.id] = stance
    return stances


def test_the_deal_takes_one_of_each_stance_a_round_and_the_sides_take_turns_to_lead():
    dealt = ranking.deal(
        {"agree": ["a1", "a2", "a3"], "disagree": ["d1", "d2"], "example": ["e1"]}
    )
    assert dealt == ["a1", "d1", "e1", "d2", "a2", "a3"]


def test_the_first_screen_holds_both_sides_whatever_their_numbers(client, thread, crowded):
    shown = listed(client.get(f"/threads/{thread.id}").text)[:6]
    assert [crowded[post_id] for post_id in shown] == [
        Stance.AGREE,
        Stance.DISAGREE,
        Stance.EXAMPLE,
        Stance.DISAGREE,
        Stance.AGREE,
        Stance.EXAMPLE,
    ]


def test_the_pages_add_up_to_the_thread_once_each(client, thread, crowded):
    seen = []
    for page in range(1, 8):
        seen += listed(client.get(f"/threads/{thread.id}?per_page=20&page={page}").text)
    assert sorted(seen) == sorted(crowded)


def test_the_order_is_the_same_for_everyone_until_a_vote_changes_it(
    client, log_in, thread, crowded, reader, make_user
):
    visitor = listed(client.get(f"/threads/{thread.id}?per_page=200").text)
    assert balanced.order(thread, None, list(Stance), 200) == visitor
    log_in(reader)
    assert listed(client.get(f"/threads/{thread.id}?per_page=200").text) == visitor

    seeds = set()
    for voter in (make_user(f"voter{n}") for n in range(3)):
        windows = {stance: balanced._stance(thread, None, stance, 60)[0] for stance in Stance}
        seeds.add(balanced._seed(thread, windows))
        cast_vote(next(iter(crowded)), voter, 1)
    assert len(seeds) == 3  # each vote in the window draws the order anew


def test_a_new_post_is_among_those_drawn_at_once(thread, crowded, make_user):
    new = add_contribution(thread, make_user("newcomer"), Contribution("agree", "Just now."))

    window, rest = balanced._stance(thread, None, Stance.AGREE, 60)

    assert new.id in {candidate.id for candidate in window}
    assert len(window) <= balanced.WINDOW + balanced.NEWEST and new.id not in rest


def test_the_draw_favours_posts_voted_up_across_the_camps():
    strong = ranking.Candidate(1, up=20, down=2, cross_up=10, own_down=0)
    weak = ranking.Candidate(2, up=20, down=2, cross_up=0, own_down=2)
    first = [ranking.by_draw([strong, weak], seed)[0] for seed in range(200)]
    assert first.count(1) > 150


def test_a_permalink_in_the_balanced_view_lands_on_the_page_with_the_post(client, thread, crowded):
    post_id = balanced.order(thread, None, list(Stance), 200)[75]

    location = client.get(f"/posts/{post_id}?sort=balanced").headers["Location"]

    assert "page=2" in location and location.endswith(f"#post-{post_id}")
    assert post_id in listed(client.get(location).text)
