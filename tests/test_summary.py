"""The debate summary: counts, the strongest case on each side by `best`, the author's answers."""

import re

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.models import Post, Thread
from forum.services.deleting import delete_post
from forum.services.posts import Contribution, add_contribution, add_reply
from forum.services.summaries import article_summary, thread_summary
from forum.services.votes import Figures, store_rankings

EXAMPLE_FIELDS = {"organisation": "Nordlys Revision", "channel": "linkedin", "effect": "supports"}


@pytest.fixture
def contribute(make_user):
    """Post a contribution through the service from a new user, with these vote counts."""

    def contribute(thread: Thread, stance: str, up: int = 0, down: int = 0) -> Post:
        fields = EXAMPLE_FIELDS if stance == "example" else {}
        post = add_contribution(
            thread, make_user(), Contribution(stance, f"A {stance} with {up}/{down}.", **fields)
        )
        db.session.execute(update(Post).where(Post.id == post.id).values(up=up, down=down))
        store_rankings(post.id, Figures(up, down), post.stance)
        db.session.commit()
        return post

    return contribute


def fresh(thread: Thread) -> Thread:
    db.session.expire_all()
    return db.session.get(Thread, thread.id)


def summary_html(html: str) -> str:
    match = re.search(r'<section id="debate-summary".*?</section>', html, re.DOTALL)
    assert match, "no debate summary on the page"
    return match.group(0)


def cases(html: str) -> list[tuple[str, str]]:
    """The summary's cases as (label, link), in order."""
    return re.findall(
        r'<li class="summary-case[^"]*">\s*<span class="stance-label">([^<]+)</span>\s*'
        r'<a href="([^"]+)">',
        summary_html(html),
    )


def counts(html: str) -> tuple[str, str, str]:
    opening = re.search(r'<section id="debate-summary"[^>]*>', html).group(0)
    return tuple(re.search(rf'data-{name}="([^"]*)"', opening).group(1) for name in STANCES)


STANCES = ("agree", "disagree", "example")


# The service


def test_the_summary_counts_each_stance(thread, contribute, make_user):
    posted = [
        contribute(thread, stance)
        for stance in ["agree", "agree", "disagree", "disagree", "disagree", "example"]
    ]
    add_reply(posted[0], make_user(), "Replies are not contributions.")

    summary = thread_summary(fresh(thread))

    assert (summary.agree, summary.disagree, summary.example) == (2, 3, 1)
    assert summary.total == 6


def test_the_strongest_case_on_each_side_is_the_highest_best_within_its_stance(thread, contribute):
    contribute(thread, "agree", 30, 20)  # score 10, best 0.5094
    agreement = contribute(thread, "agree", 8, 0)  # score 8, best 0.8297
    contribute(thread, "disagree", 40, 25)  # score 15, best 0.5361
    disagreement = contribute(thread, "disagree", 5, 0)  # score 5, best 0.7527
    contribute(thread, "example", 50, 0)  # the best of all: 0.9682

    summary = thread_summary(fresh(thread))

    assert summary.strongest_agreement.id == agreement.id
    assert summary.strongest_disagreement.id == disagreement.id


def test_a_side_with_no_contributions_has_no_strongest_case(thread, contribute):
    contribute(thread, "agree", 1, 0)

    summary = thread_summary(fresh(thread))

    assert summary.strongest_disagreement is None
    assert summary.best_examples == []
    assert summary.top_disagreements == 0


def test_the_best_examples_are_the_top_three_by_best_in_order(thread, contribute):
    second = contribute(thread, "example", 12, 3)  # score 9, best 0.6413
    contribute(thread, "example", 3, 1)  # best 0.4325: fourth
    first = contribute(thread, "example", 9, 1)  # score 8, best 0.7176
    third = contribute(thread, "example", 5, 1)  # best 0.5747
    contribute(thread, "agree", 50, 0)

    summary = thread_summary(fresh(thread))

    assert [post.id for post in summary.best_examples] == [first.id, second.id, third.id]


def test_deleted_posts_never_appear_in_the_summary(thread, contribute, make_user):
    keeps = {stance: contribute(thread, stance, 3, 0) for stance in STANCES}
    for stance in STANCES:
        # The best of each stance, deleted after a reply: it stays behind as a placeholder.
        gone = contribute(thread, stance, 50, 0)
        add_reply(gone, make_user(), "Kept in its place.")
        delete_post(gone, gone.author)
        removed = contribute(thread, stance, 40, 0)
        delete_post(removed, removed.author)

    summary = thread_summary(fresh(thread))

    assert (summary.agree, summary.disagree, summary.example) == (1, 1, 1)
    assert summary.strongest_agreement.id == keeps["agree"].id
    assert summary.strongest_disagreement.id == keeps["disagree"].id
    assert [post.id for post in summary.best_examples] == [keeps["example"].id]
    assert summary.top_disagreements == 1


def test_the_author_has_answered_counts_only_the_top_five_disagreements(
    thread, author, contribute, make_user
):
    ranked = [contribute(thread, "disagree", up, 0) for up in (5, 8, 3, 6, 4, 7)]
    by_rank = sorted(ranked, key=lambda post: -post.up)  # 8, 7, 6, 5, 4 | 3
    for answered in (by_rank[0], by_rank[2], by_rank[5]):
        add_reply(answered, author, "Thank you, but no.")
    add_reply(by_rank[1], make_user(), "Not the author.")

    summary = thread_summary(fresh(thread))

    assert (summary.answered, summary.top_disagreements) == (2, 5)


def test_fewer_than_five_disagreements_are_all_the_top_ones(thread, author, contribute):
    first = contribute(thread, "disagree", 4, 0)
    contribute(thread, "disagree", 3, 0)
    add_reply(first, author, "Fair point.")

    summary = thread_summary(fresh(thread))

    assert (summary.answered, summary.top_disagreements) == (1, 2)


def test_an_answered_disagreement_deleted_later_no_longer_counts(thread, author, contribute):
    answered = contribute(thread, "disagree", 9, 0)
    contribute(thread, "disagree", 3, 0)
    add_reply(answered, author, "An answer that stays.")
    delete_post(answered, answered.author)

    summary = thread_summary(fresh(thread))

    assert (summary.answered, summary.top_disagreements) == (0, 1)


def test_the_article_summary_spans_all_its_threads_and_no_others(
    article, thread, make_thread, make_article, author, contribute
):
    second = make_thread(article=article, title="Does TikTok work?")
    elsewhere = make_thread(article=make_article())
    contribute(thread, "agree", 3, 0)
    agreement = contribute(second, "agree", 6, 0)
    disagreement = contribute(thread, "disagree", 5, 0)
    answered = contribute(second, "disagree", 3, 0)
    examples = [contribute(second, "example", 4, 0), contribute(thread, "example", 3, 0)]
    add_reply(answered, author, "Answered in the second thread.")
    for stance in STANCES:
        contribute(elsewhere, stance, 50, 0)
    db.session.expire_all()

    summary = article_summary(article)

    assert (summary.agree, summary.disagree, summary.example) == (2, 2, 2)
    assert summary.strongest_agreement.id == agreement.id
    assert summary.strongest_disagreement.id == disagreement.id
    assert [post.id for post in summary.best_examples] == [post.id for post in examples]
    assert (summary.answered, summary.top_disagreements) == (1, 2)


# On the pages


def test_the_thread_page_shows_the_summary_with_its_counts_and_cases(
    client, thread, author, contribute
):
    agreement = contribute(thread, "agree", 8, 0)
    contribute(thread, "agree", 30, 20)
    disagreement = contribute(thread, "disagree", 5, 0)
    examples = [contribute(thread, "example", up, 0) for up in (6, 5, 4, 3)]
    add_reply(disagreement, author, "A fair challenge.")

    text = client.get(f"/threads/{thread.id}").text

    assert counts(text) == ("2", "1", "4")
    assert cases(text) == [
        ("Strongest agreement", f"#post-{agreement.id}"),
        ("Strongest disagreement", f"#post-{disagreement.id}"),
        ("Best example", f"#post-{examples[0].id}"),
        ("Example", f"#post-{examples[1].id}"),
        ("Example", f"#post-{examples[2].id}"),
    ]
    assert "The author has answered the strongest disagreement." in summary_html(text)


def test_the_summary_shows_the_author_answered_n_of_the_top_five(
    client, thread, author, contribute
):
    ranked = [contribute(thread, "disagree", up, 0) for up in (8, 7, 6, 5, 4, 3)]
    for answered in (ranked[1], ranked[4], ranked[5]):
        add_reply(answered, author, "An answer.")

    text = summary_html(client.get(f"/threads/{thread.id}").text)

    assert "The author has answered 2 of the top 5 disagreements." in text


def test_without_disagreements_the_summary_makes_no_answered_claim(client, thread, contribute):
    contribute(thread, "agree", 1, 0)

    text = summary_html(client.get(f"/threads/{thread.id}").text)

    assert "The author has answered" not in text


def test_an_empty_thread_has_a_summary_of_zeros(client, thread):
    text = client.get(f"/threads/{thread.id}").text

    assert counts(text) == ("0", "0", "0")
    assert cases(text) == []
    assert "No contributions yet." in summary_html(text)


def test_summary_links_leave_the_page_for_posts_not_shown_on_it(client, thread, contribute):
    agreement = contribute(thread, "agree", 8, 0)
    disagreement = contribute(thread, "disagree", 5, 0)
    example = contribute(thread, "example", 3, 0)

    text = client.get(f"/threads/{thread.id}?stance=disagree").text

    assert cases(text) == [
        ("Strongest agreement", f"/posts/{agreement.id}"),
        ("Strongest disagreement", f"#post-{disagreement.id}"),
        ("Best example", f"/posts/{example.id}"),
    ]


def test_summary_links_follow_the_page_the_reader_is_on(client, thread, contribute):
    agreement = contribute(thread, "agree", 8, 0)
    disagreement = contribute(thread, "disagree", 5, 0)

    first = client.get(f"/threads/{thread.id}?per_page=1").text
    second = client.get(f"/threads/{thread.id}?per_page=1&page=2").text

    assert cases(first) == [
        ("Strongest agreement", f"#post-{agreement.id}"),
        ("Strongest disagreement", f"/posts/{disagreement.id}"),
    ]
    assert cases(second) == [
        ("Strongest agreement", f"/posts/{agreement.id}"),
        ("Strongest disagreement", f"#post-{disagreement.id}"),
    ]


def test_the_article_page_shows_the_summary_across_its_threads(
    client, article, thread, make_thread, make_article, author, contribute
):
    second = make_thread(article=article, title="Does TikTok work?")
    agreement = contribute(second, "agree", 3, 0)
    disagreements = [contribute(thread, "disagree", 5, 0), contribute(second, "disagree", 3, 0)]
    example = contribute(thread, "example", 3, 0)
    add_reply(disagreements[1], author, "Answered.")
    for stance in STANCES:
        contribute(make_thread(article=make_article()), stance, 50, 0)

    text = client.get(f"/articles/{article.slug}").text

    assert counts(text) == ("1", "2", "1")
    assert cases(text) == [
        ("Strongest agreement", f"/posts/{agreement.id}"),
        ("Strongest disagreement", f"/posts/{disagreements[0].id}"),
        ("Best example", f"/posts/{example.id}"),
    ]
    assert "The author has answered 1 of the top 2 disagreements." in summary_html(text)


def test_deleted_posts_are_not_in_the_rendered_summary(
    client, article, thread, contribute, make_user
):
    kept = contribute(thread, "disagree", 3, 0)
    gone = contribute(thread, "disagree", 50, 0)
    add_reply(gone, make_user(), "Still here.")
    delete_post(gone, gone.author)

    for path in (f"/threads/{thread.id}", f"/articles/{article.slug}"):
        text = client.get(path).text
        assert counts(text) == ("0", "1", "0")
        assert [link for _, link in cases(text)] in ([f"#post-{kept.id}"], [f"/posts/{kept.id}"])
        assert f'post-{gone.id}"' not in summary_html(text)
        assert f'/posts/{gone.id}"' not in summary_html(text)


def test_only_a_post_with_enough_votes_is_called_strongest_or_best(client, thread, contribute):
    contribute(thread, "agree", 2, 0)  # two votes: too few
    contribute(thread, "disagree", 1, 1)
    contribute(thread, "example", 0, 0)  # new, with no votes at all

    summary = thread_summary(fresh(thread))
    text = summary_html(client.get(f"/threads/{thread.id}").text)

    assert summary.strongest_agreement is None and summary.strongest_disagreement is None
    assert summary.best_examples == []
    assert cases(text) == []
    for notice in ("No agreement", "No disagreement", "No example"):
        assert f"{notice} has support yet." in text
    assert "The author has answered" not in text


def test_the_strongest_is_ranked_by_the_votes_across_the_camps(thread, contribute):
    followed = contribute(thread, "disagree", 6, 0)
    crossed = contribute(thread, "disagree", 6, 0)
    for post, camps in ((followed, (0, 0, 6, 0)), (crossed, (5, 0, 1, 0))):
        up_a, down_a, up_b, down_b = camps
        db.session.execute(
            update(Post)
            .where(Post.id == post.id)
            .values(up_a=up_a, down_a=down_a, up_b=up_b, down_b=down_b)
        )
        store_rankings(post.id, Figures(6, 0, *camps), post.stance)
    db.session.commit()

    assert thread_summary(fresh(thread)).strongest_disagreement.id == crossed.id


def test_one_answered_top_disagreement_reads_as_such(client, thread, author, contribute):
    disagreement = contribute(thread, "disagree", 4, 0)
    text = summary_html(client.get(f"/threads/{thread.id}").text)
    assert "The author has not answered the strongest disagreement yet." in text

    add_reply(disagreement, author, "Here is why.")

    text = summary_html(client.get(f"/threads/{thread.id}").text)
    assert "The author has answered the strongest disagreement." in text


def test_a_side_voted_down_by_the_other_still_has_its_strongest_case(thread, contribute):
    # The larger camp votes the smaller side's best case down: it is still that side's best.
    voted_down = contribute(thread, "disagree", 4, 6)

    assert thread_summary(fresh(thread)).strongest_disagreement.id == voted_down.id
