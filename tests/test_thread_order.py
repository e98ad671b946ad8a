"""The order of a thread under each sort and filter, and of the front page, on fixed votes."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update

from forum import ranking
from forum.extensions import db
from forum.models import Post, Stance, Thread, utcnow
from forum.services.posts import Contribution, add_contribution
from forum.services.votes import Figures, cast_vote, store_rankings

# name: (stance, up, down), written in this order a minute apart.
POSTS = {
    "A": (Stance.AGREE, 6, 1),
    "B": (Stance.DISAGREE, 1, 0),
    "C": (Stance.AGREE, 20, 12),
    "D": (Stance.DISAGREE, 3, 3),
    "E": (Stance.EXAMPLE, 0, 2),
    "F": (Stance.AGREE, 10, 10),
}

FORMULAS = {
    "best": ranking.wilson_lower_bound,
    "top": ranking.net_score,
    "controversial": ranking.controversy,
}


def set_votes(post: Post, up: int, down: int) -> None:
    """Give a post these counts and the rankings that follow from them."""
    db.session.execute(update(Post).where(Post.id == post.id).values(up=up, down=down))
    store_rankings(post.id, Figures(up, down), post.stance)
    db.session.commit()


@pytest.fixture
def debate(thread, make_post) -> dict[str, int]:
    """The posts of POSTS in the thread, by name, with their votes; plus a heavily voted reply."""
    start = utcnow() - timedelta(hours=1)
    ids = {}
    for minute, (name, (stance, up, down)) in enumerate(POSTS.items()):
        post = make_post(
            thread=thread,
            stance=stance,
            body=f"Post {name}",
            created_at=start + timedelta(minutes=minute),
        )
        set_votes(post, up, down)
        ids[name] = post.id
    reply = make_post(parent=db.session.get(Post, ids["E"]), body="A reply", created_at=start)
    set_votes(reply, 50, 50)
    return ids


def listed(html: str) -> list[int]:
    """The ids of the contributions on a thread page, in order (not replies, not the summary)."""
    section = html.split('<section class="contributions"', 1)[1]
    return [
        int(n) for n in re.findall(r'<article id="post-(\d+)" class="post contribution', section)
    ]


def names(ids: dict[str, int], order: list[int]) -> str:
    by_id = {post_id: name for name, post_id in ids.items()}
    return "".join(by_id[post_id] for post_id in order)


def by_formula(sort: str, stance: Stance | None = None) -> str:
    """The expected order of POSTS: the sort's formula, newest first on a tie."""
    chosen = [name for name, (s, _, _) in POSTS.items() if stance in (None, s)]
    position = list(POSTS)
    if sort == "new":
        return "".join(sorted(chosen, key=position.index, reverse=True))
    if sort == "old":
        return "".join(sorted(chosen, key=position.index))
    formula = FORMULAS[sort]
    return "".join(sorted(chosen, key=lambda n: (-formula(*POSTS[n][1:]), -position.index(n))))


def link_query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(unescape(href)).query)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("best", "ACBFDE"),
        ("top", "CABFDE"),
        ("new", "FEDCBA"),
        ("old", "ABCDEF"),
        ("controversial", "FCDAEB"),
    ],
)
def test_a_thread_is_ordered_by_the_sorts_formula(client, thread, debate, sort, expected):
    response = client.get(f"/threads/{thread.id}?sort={sort}")

    assert response.status_code == 200
    assert expected == by_formula(sort)
    assert names(debate, listed(response.text)) == expected


def test_the_balanced_view_is_the_default_and_deals_the_stances_in_turn(client, thread, debate):
    order = names(debate, listed(client.get(f"/threads/{thread.id}").text))

    assert sorted(order) == sorted(POSTS)
    # Agree, disagree, example; then disagree leads, agree; then the agreement left.
    assert [POSTS[name][0] for name in order] == [
        Stance.AGREE,
        Stance.DISAGREE,
        Stance.EXAMPLE,
        Stance.DISAGREE,
        Stance.AGREE,
        Stance.AGREE,
    ]


def test_the_stored_rankings_are_the_formulas_of_the_counts(thread, debate):
    db.session.expire_all()
    for name, post_id in debate.items():
        _, up, down = POSTS[name]
        post = db.session.get(Post, post_id)
        assert post.score == up - down
        assert post.best == pytest.approx(ranking.wilson_lower_bound(up, down))
        assert post.controversy == pytest.approx(ranking.controversy(up, down))


@pytest.mark.parametrize(
    ("stance", "sort", "expected"),
    [
        ("agree", "best", "ACF"),
        ("agree", "top", "CAF"),
        ("agree", "controversial", "FCA"),
        ("agree", "new", "FCA"),
        ("disagree", "best", "BD"),
        ("disagree", "old", "BD"),
        ("disagree", "controversial", "DB"),
        ("example", "top", "E"),
    ],
)
def test_a_stance_filter_combines_with_the_sort(client, thread, debate, stance, sort, expected):
    text = client.get(f"/threads/{thread.id}?stance={stance}&sort={sort}").text
    assert expected == by_formula(sort, Stance(stance))
    assert names(debate, listed(text)) == expected


def test_votes_cast_by_readers_order_the_thread(client, thread, make_user):
    writer = make_user()
    posts = {
        name: add_contribution(thread, writer, Contribution("agree", f"Point {name}"))
        for name in "XYZ"
    }
    voters = [make_user() for _ in range(4)]
    for name, values in {"X": [1, -1, -1], "Y": [1, 1, 1, -1], "Z": [1, 1]}.items():
        for voter, value in zip(voters, values, strict=False):
            cast_vote(posts[name].id, voter, value)
    ids = {name: post.id for name, post in posts.items()}

    def order(sort: str) -> str:
        return names(ids, listed(client.get(f"/threads/{thread.id}?sort={sort}").text))

    # best: Z (2 up, 0 down) 0.5491 > Y (3/1) 0.4325 > X (1/2) 0.1058;
    # top: Z 2 and Y 2 tie, newer first, then X -1;
    # controversial: X 3**(1/2) = 1.732 > Y 4**(1/3) = 1.587 > Z 0.
    assert order("best") == "ZYX"
    assert order("top") == "ZYX"
    assert order("controversial") == "XYZ"
    assert order("new") == "ZYX"


def test_per_page_paginates_and_the_links_keep_sort_stance_and_per_page(client, thread, debate):
    text = client.get(f"/threads/{thread.id}?sort=top&stance=agree&per_page=2").text

    assert names(debate, listed(text)) == "CA"
    section = text.split('<section class="contributions"', 1)[1]
    following = re.search(r'<a href="([^"]+)" rel="next">', section).group(1)
    assert link_query(following) == {
        "page": ["2"],
        "sort": ["top"],
        "stance": ["agree"],
        "per_page": ["2"],
    }
    assert names(debate, listed(client.get(unescape(following)).text)) == "F"


def test_the_sort_and_stance_links_keep_each_other_and_per_page(client, thread, debate):
    text = client.get(f"/threads/{thread.id}?sort=top&stance=agree&per_page=2").text

    sort_links = re.search(r'<ul class="sort">.*?</ul>', text, re.DOTALL).group(0)
    hrefs = [link_query(href) for href in re.findall(r'href="([^"]+)"', sort_links)]
    assert {q["sort"][0] for q in hrefs} == {"balanced", "best", "new", "old", "controversial"}
    assert all(q["stance"] == ["agree"] and q["per_page"] == ["2"] for q in hrefs)

    stance_links = re.search(r'<ul class="stance-filter">.*?</ul>', text, re.DOTALL).group(0)
    hrefs = [link_query(href) for href in re.findall(r'href="([^"]+)"', stance_links)]
    assert sorted(q.get("stance", [""])[0] for q in hrefs) == ["", "disagree", "example"]
    assert all(q["sort"] == ["top"] and q["per_page"] == ["2"] for q in hrefs)


def test_a_page_beyond_the_last_is_no_page_and_says_so(client, thread, debate):
    response = client.get(f"/threads/{thread.id}?per_page=2&page=9")
    assert response.status_code == 404
    assert listed(response.text) == []
    assert "There is no page 9 here." in response.text


@pytest.mark.parametrize("per_page", ["1", "200"])
def test_per_page_from_1_to_200_is_accepted(client, thread, debate, per_page):
    response = client.get(f"/threads/{thread.id}?per_page={per_page}")
    assert response.status_code == 200
    assert len(listed(response.text)) == min(int(per_page), len(POSTS))


@pytest.mark.parametrize(("per_page", "shown"), [("0", "1"), ("201", "200"), ("-1", "1")])
def test_per_page_outside_1_to_200_leads_to_the_nearest(client, thread, per_page, shown):
    answer = client.get(f"/threads/{thread.id}?per_page={per_page}")
    assert answer.headers["Location"] == f"/threads/{thread.id}?per_page={shown}"


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("sort=random", "?sort=balanced"),
        ("sort=Best", "?sort=balanced"),
        ("stance=maybe", ""),
        ("stance=reply", ""),
    ],
)
def test_an_unknown_sort_or_stance_leads_to_the_default(client, thread, query, shown):
    answer = client.get(f"/threads/{thread.id}?{query}")
    assert answer.headers["Location"] == f"/threads/{thread.id}{shown}"


# The front page


def front_page(html: str) -> list[str]:
    """The slugs of the articles listed on the front page, in order."""
    return re.findall(
        r'<article class="article-summary"[^>]*>\s*<h2><a href="/articles/([^"]+)"', html
    )


@pytest.fixture
def front(make_article, make_thread, make_user) -> None:
    """Three articles: the newest has no debate, an older one is quiet, the oldest is active."""
    now = utcnow()
    make_article(slug="newest", published_at=now - timedelta(hours=1))
    quiet = make_article(slug="older-quiet", published_at=now - timedelta(days=10))
    active = make_article(slug="oldest-active", published_at=now - timedelta(days=20))

    # Four contributions nine days ago, stored as the services would have stored them then.
    nine_days_ago = now - timedelta(days=9)
    for model, key in ((type(quiet), quiet.id), (Thread, make_thread(article=quiet).id)):
        db.session.execute(
            update(model)
            .where(model.id == key)
            .values(
                agree_count=4,
                last_activity_at=nine_days_ago,
                hot=ranking.hot(4, nine_days_ago),
            )
        )
    db.session.commit()
    # One contribution now, through the service.
    add_contribution(make_thread(article=active), make_user(), Contribution("agree", "Yes."))


def test_the_front_page_sorted_by_activity_puts_recent_debate_first(client, front):
    response = client.get("/?sort=active")

    assert response.status_code == 200
    assert front_page(response.text) == ["oldest-active", "older-quiet", "newest"]


def test_the_front_page_sorted_new_orders_by_publication(client, front):
    assert front_page(client.get("/?sort=new").text) == ["newest", "older-quiet", "oldest-active"]


def test_the_front_page_is_newest_first_by_default(client, front):
    assert front_page(client.get("/").text) == ["newest", "older-quiet", "oldest-active"]


@pytest.mark.parametrize("sort", ["hot", "best", "ACTIVE"])
def test_an_unknown_front_page_sort_is_a_400(client, sort):
    assert client.get(f"/?sort={sort}").status_code == 400
