"""A user's own data: the JSON export, and deleting the account with every figure kept exact."""

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from forum.errors import InvalidInput
from forum.extensions import db
from forum.models import Article, Flag, Post, Thread, User, Vote
from forum.services.account_data import delete_account, export_user_data
from forum.services.accounts import authenticate, register
from forum.services.deleting import delete_post
from forum.services.figures import recount_all
from forum.services.moderation import flag_post
from forum.services.posts import (
    Contribution,
    add_contribution,
    add_reply,
    edit_post,
    propose_thread,
)
from forum.services.votes import cast_vote

PASSWORD = "correct horse battery"
DEBATE_FIGURES = ("agree_count", "disagree_count", "example_count", "reply_count")
POST_FIGURES = ("reply_count", "up", "down", "score", "best", "controversy")


@dataclass
class Debate:
    leaver: User
    alice: User
    bob: User
    answered: Post  # the leaver's, with a reply from alice and one of their own
    alone: Post  # the leaver's, edited once, without replies
    others: Post  # alice's, with a reply from the leaver
    own_thread: Thread  # proposed by the leaver, with bob's contribution


@pytest.fixture
def debate(make_user, thread, article) -> Debate:
    """A debate the leaver took part in every way: posts, replies, edits, votes, flags."""
    leaver, alice, bob = make_user("leaver"), make_user("alice"), make_user("bob")
    answered = add_contribution(thread, leaver, Contribution("agree", "Leaver agrees."))
    add_reply(answered, alice, "Alice answers the leaver.")
    add_reply(answered, leaver, "The leaver answers back.")
    alone = add_contribution(thread, leaver, Contribution("disagree", "First words."))
    edit_post(alone, leaver, Contribution("disagree", "Second words."))
    others = add_contribution(
        thread, alice, Contribution("example", "Alice's case.", "Org", "blog", "", "supports")
    )
    alice_reply = add_reply(others, bob, "Bob adds to Alice.")
    add_reply(others, leaver, "The leaver adds to Alice.")
    own_thread = propose_thread(article, leaver, "The leaver asks?")
    bobs = add_contribution(own_thread, bob, Contribution("agree", "Bob in the leaver's thread."))
    for post, value in ((others, 1), (alice_reply, -1), (bobs, 1)):
        cast_vote(post.id, leaver, value)
    for post, voter, value in ((answered, alice, 1), (answered, bob, -1), (alone, alice, 1)):
        cast_vote(post.id, voter, value)
    cast_vote(others.id, bob, 1)
    flag_post(bobs, leaver, "spam")
    return Debate(leaver, alice, bob, answered, alone, others, own_thread)


def stored_figures() -> dict:
    db.session.expire_all()
    snapshot: dict = {}
    for model in (Thread, Article):
        for row in db.session.scalars(select(model)):
            snapshot[model.__name__, row.id] = tuple(getattr(row, n) for n in DEBATE_FIGURES)
    for post in db.session.scalars(select(Post)):
        snapshot["Post", post.id] = tuple(getattr(post, n) for n in POST_FIGURES)
    return snapshot


def assert_figures_exact() -> None:
    """Recounting everything from the rows changes no stored figure."""
    before = stored_figures()
    recount_all()
    assert stored_figures() == before


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_the_debate_starts_with_exact_figures(debate):
    assert_figures_exact()


def test_an_answer_to_a_reply_is_exported_as_answering_that_reply(thread, make_user):
    writer, replier, answerer = make_user("writer"), make_user("replier"), make_user("answerer")
    contribution = add_contribution(thread, writer, Contribution("agree", "A point."))
    reply = add_reply(contribution, replier, "A reply.")
    add_reply(reply, answerer, "An answer to the reply.")

    (exported,) = export_user_data(answerer)["posts"]

    assert exported["in_reply_to"] == "replier"
    assert exported["reply_to_id"] == reply.id
    assert exported["parent_id"] == contribution.id


def test_export_holds_the_users_own_data(debate):
    data = export_user_data(debate.leaver)

    assert data["profile"]["username"] == "leaver"
    assert data["profile"]["email"] == "leaver@example.org"
    bodies = sorted(post["body"] for post in data["posts"])
    assert bodies == [
        "Leaver agrees.",
        "Second words.",
        "The leaver adds to Alice.",
        "The leaver answers back.",
    ]
    edited = next(post for post in data["posts"] if post["body"] == "Second words.")
    assert [revision["body"] for revision in edited["revisions"]] == ["First words."]
    reply = next(post for post in data["posts"] if post["body"] == "The leaver adds to Alice.")
    assert reply["in_reply_to"] == "alice"
    assert reply["thread"] == "Does LinkedIn work for hiring?"
    assert sorted(vote["value"] for vote in data["votes"]) == [-1, 1, 1]
    assert [flag["reason"] for flag in data["flags"]] == ["spam"]
    assert [thread["title"] for thread in data["threads"]] == ["The leaver asks?"]


def test_export_holds_nothing_private_about_anyone(debate):
    text = json.dumps(export_user_data(debate.leaver))

    for private in ("alice@example.org", "bob@example.org", debate.leaver.password_hash):
        assert private not in text
    for others_words in ("Alice answers the leaver.", "Bob adds to Alice.", "Alice's case."):
        assert others_words not in text


def test_export_is_a_download_of_ones_own_data(client, debate, log_in):
    log_in(debate.alice)

    response = client.get("/account/export")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="forum-alice-')
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.json["profile"]["username"] == "alice"
    assert "Leaver agrees." not in response.text


@pytest.mark.parametrize("mode", ["anonymise", "remove"])
def test_deleting_takes_the_votes_back_and_keeps_every_figure_exact(debate, mode):
    before = {
        post.id: (post.up, post.down) for post in (debate.others, debate.answered, debate.alone)
    }

    delete_account(debate.leaver, PASSWORD, mode)

    assert count(Vote, Vote.user_id == debate.leaver.id) == 0
    others = db.session.get(Post, debate.others.id)
    assert (others.up, others.down) == (before[others.id][0] - 1, before[others.id][1])
    assert_figures_exact()


def test_anonymising_keeps_the_posts_without_an_author(debate):
    delete_account(debate.leaver, PASSWORD, "anonymise")

    db.session.expire_all()
    assert count(Post, Post.author_id == debate.leaver.id) == 0
    answered = db.session.get(Post, debate.answered.id)
    assert (answered.author, answered.body) == (None, "Leaver agrees.")
    assert db.session.get(Post, debate.alone.id).revisions[0].body == "First words."
    assert db.session.get(Thread, debate.own_thread.id).author is None


def test_removing_leaves_placeholders_only_where_others_replied(debate):
    delete_account(debate.leaver, PASSWORD, "remove")

    db.session.expire_all()
    answered = db.session.get(Post, debate.answered.id)
    assert answered.is_deleted and answered.body == "" and answered.author is None
    assert [
        reply.body
        for reply in db.session.scalars(select(Post).where(Post.parent_id == answered.id))
    ] == ["Alice answers the leaver."]
    assert db.session.get(Post, debate.alone.id) is None
    others = db.session.get(Post, debate.others.id)
    assert (others.body, others.reply_count) == ("Alice's case.", 1)
    leavers_replies = ("The leaver answers back.", "The leaver adds to Alice.")
    assert count(Post, Post.body.in_(leavers_replies)) == 0
    assert db.session.get(Thread, debate.own_thread.id).author is None


def test_the_flags_stay_without_the_name(debate):
    delete_account(debate.leaver, PASSWORD, "remove")
    assert [flag.user_id for flag in db.session.scalars(select(Flag))] == [None]


def test_the_account_is_scrubbed_and_its_name_stays_taken(debate):
    leaver_id = debate.leaver.id
    debate.leaver.bio, debate.leaver.display_name = "My bio", "Lea Ver"
    db.session.commit()

    delete_account(debate.leaver, PASSWORD, "anonymise")

    db.session.expire_all()
    gone = db.session.get(User, leaver_id)
    assert gone.deleted_at is not None
    assert (gone.display_name, gone.bio, gone.links, gone.password_hash) == ("", "", "", "")
    assert gone.email == f"deleted-{leaver_id}@deleted.invalid"
    assert authenticate("leaver", PASSWORD) is None
    assert authenticate(gone.email, "") is None
    with pytest.raises(InvalidInput) as info:
        register("Leaver", "new@example.org", PASSWORD)
    assert info.value.field == "username"
    assert register("leaver2", "leaver@example.org", PASSWORD).email == "leaver@example.org"


def test_deleting_needs_the_password_and_a_choice(debate):
    with pytest.raises(InvalidInput) as wrong_password:
        delete_account(debate.leaver, "not my password", "remove")
    with pytest.raises(InvalidInput) as no_choice:
        delete_account(debate.leaver, PASSWORD, "explode")

    assert (wrong_password.value.field, no_choice.value.field) == ("current_password", "mode")
    db.session.expire_all()
    assert db.session.get(User, debate.leaver.id).deleted_at is None
    assert count(Vote, Vote.user_id == debate.leaver.id) == 3


def test_deleting_through_the_page_logs_out_for_good(client, debate, log_in):
    log_in(debate.leaver)
    assert client.get("/account/delete").status_code == 200
    refused = client.post(
        "/account/delete", data={"mode": "remove", "current_password": "wrong password"}
    )
    assert refused.status_code == 422
    assert "That is not your current password." in refused.text

    response = client.post(
        "/account/delete", data={"mode": "remove", "current_password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session
    login = client.post("/auth/login", data={"username": "leaver", "password": PASSWORD})
    assert login.status_code == 422
    assert "Wrong username, e-mail address or password." in login.text


def test_a_deleted_users_other_sessions_end(app, client, debate, log_in):
    log_in(debate.leaver)
    other = app.test_client()
    other.post("/auth/login", data={"username": "leaver", "password": PASSWORD})

    client.post("/account/delete", data={"mode": "anonymise", "current_password": PASSWORD})

    assert other.get("/account").status_code == 302


def test_an_author_may_leave_and_their_articles_stay(thread, author, make_user):
    reader = make_user("asker")
    question = add_contribution(thread, reader, Contribution("disagree", "Why?"))
    add_reply(question, author, "Because.")
    assert db.session.get(Post, question.id).answered_by_author

    delete_account(author, PASSWORD, "remove")

    db.session.expire_all()
    assert db.session.get(Article, thread.article_id).author_id == author.id
    assert not db.session.get(Post, question.id).answered_by_author
    assert_figures_exact()


def test_own_placeholders_lose_their_last_reply_and_go(thread, make_user):
    leaver, other = make_user("leaver"), make_user("other")
    contribution = add_contribution(thread, leaver, Contribution("agree", "Mine."))
    add_reply(contribution, leaver, "Also mine.")
    add_reply(contribution, other, "Not mine.")
    delete_post(contribution, leaver)
    delete_account(leaver, PASSWORD, "remove")

    db.session.expire_all()
    placeholder = db.session.get(Post, contribution.id)
    assert placeholder.is_deleted and placeholder.author_id is None
    assert placeholder.reply_count == 1
    assert_figures_exact()
