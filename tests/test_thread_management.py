"""The author keeps an article's threads in order: a removed question is withdrawn, not kept as
if nothing happened, and a thread can be renamed, closed or withdrawn from the editor."""

import pytest
from sqlalchemy import select

from forum.errors import NotAllowed
from forum.extensions import db
from forum.models import Thread, ThreadOrigin
from forum.services import articles, posts
from forum.services.articles import ArticleDraft
from forum.services.posts import Contribution


def draft(questions: list[str]) -> ArticleDraft:
    return ArticleDraft(
        title="Hiring on TikTok",
        lede="A lede.",
        body="A body.",
        questions="\n".join(questions),
        language="en",
        tags="",
    )


@pytest.fixture
def published(author):
    return articles.create_article(author, draft(["First question?", "Second?"]), publish=True)


def question_threads(article) -> dict[str, Thread]:
    return {
        thread.title: thread
        for thread in db.session.scalars(
            select(Thread).where(
                Thread.article_id == article.id, Thread.origin == ThreadOrigin.QUESTION
            )
        )
    }


def test_a_removed_question_is_withdrawn_and_comes_back_with_its_posts(
    published, author, reader, client
):
    second = question_threads(published)["Second?"]
    posts.add_contribution(second, reader, Contribution("agree", "Kept words"))

    articles.update_article(published, author, draft(["First question?"]))

    assert second.retired_at is not None
    page = client.get(f"/articles/{published.slug}").text
    listed = page[: page.index("Withdrawn questions")]
    assert f'href="/threads/{second.id}"' not in listed
    thread_page = client.get(f"/threads/{second.id}").text
    assert "Kept words" in thread_page and "withdrew this question" in thread_page
    with pytest.raises(NotAllowed):
        posts.add_contribution(second, reader, Contribution("agree", "Too late"))

    articles.update_article(published, author, draft(["First question?", "Second?"]))

    assert second.retired_at is None
    assert list(question_threads(published)) == ["First question?", "Second?"]


def test_renaming_a_question_renames_its_thread_and_keeps_its_posts(published, author, as_author):
    first = question_threads(published)["First question?"]

    answer = as_author.post(
        f"/articles/{published.slug}/threads/{first.id}",
        data={"action": "rename", "title": "A better first question?"},
    )

    assert answer.status_code == 302
    assert first.title == "A better first question?"
    assert published.questions.splitlines() == ["A better first question?", "Second?"]
    assert len(question_threads(published)) == 2  # no new thread under the new wording


@pytest.mark.parametrize(("action", "locked"), [("close", True)])
def test_the_author_closes_and_reopens_a_thread(published, as_author, action, locked):
    first = question_threads(published)["First question?"]
    url = f"/articles/{published.slug}/threads/{first.id}"

    as_author.post(url, data={"action": "close"})
    assert first.locked

    as_author.post(url, data={"action": "reopen"})
    assert not first.locked


def test_the_editor_lists_the_threads_with_their_actions(published, as_author):
    page = as_author.get(f"/articles/{published.slug}/edit").text

    for thread in question_threads(published).values():
        assert f'action="/articles/{published.slug}/threads/{thread.id}"' in page
    assert 'value="close"' in page and 'value="retire"' in page


def test_only_the_articles_author_manages_its_threads(published, as_reader):
    first = question_threads(published)["First question?"]

    answer = as_reader.post(
        f"/articles/{published.slug}/threads/{first.id}", data={"action": "close"}
    )

    assert answer.status_code == 403 and not first.locked


def test_an_empty_new_title_is_refused_and_changes_nothing(published, as_author):
    first = question_threads(published)["First question?"]

    answer = as_author.post(
        f"/articles/{published.slug}/threads/{first.id}", data={"action": "rename", "title": " "}
    )

    assert answer.status_code == 302
    assert first.title == "First question?"
    assert "Write the thread" in as_author.get(answer.headers["Location"]).text


def test_an_unknown_action_is_a_clear_400(published, as_author):
    first = question_threads(published)["First question?"]

    answer = as_author.post(
        f"/articles/{published.slug}/threads/{first.id}", data={"action": "explode"}
    )

    assert answer.status_code == 400
