"""The front page, article pages, the editor and proposing threads."""

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Article, ArticleStatus, Role, Thread, ThreadOrigin
from forum.services import moderation

ARTICLE = {
    "title": "Employer branding på LinkedIn",
    "lede": "Does it work?",
    "body": "Some **bold** claims.\n\n<script>alert(1)</script>",
    "questions": "Has it worked for you?\n\nWhere does it fail?",
    "language": "da",
    "tags": "LinkedIn, rekruttering, linkedin",
}


def test_front_page_lists_published_articles_with_their_figures(client, article, make_article):
    article.agree_count, article.disagree_count, article.example_count = 3, 2, 1
    db.session.commit()
    make_article(title="Unpublished", slug="unpublished", status=ArticleStatus.DRAFT)

    text = client.get("/").text

    assert article.title in text
    assert "3 agree" in text and "2 disagree" in text and "1 example" in text
    assert "Unpublished" not in text


def test_article_page_shows_the_article_author_and_threads(client, article, make_thread, reader):
    article.author.bio = "Writes about work."
    db.session.commit()
    question = make_thread(article=article, title="The first question", position=1)
    proposed = make_thread(
        article=article, title="A thread from a reader", origin=ThreadOrigin.READER, author=reader
    )

    response = client.get(f"/articles/{article.slug}")

    text = response.text
    assert response.status_code == 200
    assert article.title in text and "Writes about work." in text
    assert "<em>body</em>" in text
    assert f'href="/users/{article.author.username}"' in text
    assert text.index(question.title) < text.index(proposed.title)
    assert f"/threads/{question.id}" in text


def test_unknown_and_draft_articles_are_404_for_others(client, draft_article, as_reader):
    assert client.get("/articles/nothing-here").status_code == 404
    assert client.get(f"/articles/{draft_article.slug}").status_code == 404


def test_the_author_sees_their_draft(as_author, draft_article):
    response = as_author.get(f"/articles/{draft_article.slug}")
    assert response.status_code == 200
    assert "Draft: only you can see this." in response.text


def test_readers_cannot_open_the_editor(as_reader, article):
    assert as_reader.get("/articles/new").status_code == 403
    assert as_reader.post("/articles/new", data=ARTICLE).status_code == 403
    assert as_reader.get(f"/articles/{article.slug}/edit").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1


def test_author_publishes_an_article_and_its_questions_become_threads(as_author):
    response = as_author.post("/articles/new", data={**ARTICLE, "publish": "Publish"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/articles/employer-branding-paa-linkedin"
    article = db.session.scalar(select(Article))
    assert article.is_published and article.language == "da"
    assert "<strong>bold</strong>" in article.body_html
    assert "<script>" not in article.body_html
    assert [tag.name for tag in article.tags] == ["LinkedIn", "rekruttering"]
    threads = db.session.scalars(select(Thread).order_by(Thread.position)).all()
    assert [t.title for t in threads] == ["Has it worked for you?", "Where does it fail?"]
    assert "Has it worked for you?" in as_author.get(response.headers["Location"]).text


def test_saving_keeps_a_draft_without_threads(as_author):
    response = as_author.post("/articles/new", data={**ARTICLE, "save": "Save"})

    assert response.status_code == 302
    article = db.session.scalar(select(Article))
    assert article.status == ArticleStatus.DRAFT
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0
    assert article.title in as_author.get("/").text  # listed under "Your drafts"


def test_preview_renders_without_saving(as_author):
    response = as_author.post("/articles/new", data={**ARTICLE, "preview": "Preview"})

    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.text
    assert "Some **bold** claims." in response.text  # still in the textarea
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_rejected_article_keeps_the_text(as_author):
    response = as_author.post(
        "/articles/new", data={**ARTICLE, "questions": "", "publish": "Publish"}
    )

    assert response.status_code == 422
    assert "Write at least one debate question before publishing." in response.text
    assert "Some **bold** claims." in response.text
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_author_edits_an_article_and_a_new_question_opens_a_thread(as_author, article, thread):
    article.questions = thread.title
    db.session.commit()
    form = as_author.get(f"/articles/{article.slug}/edit").text
    assert article.title in form

    response = as_author.post(
        f"/articles/{article.slug}/edit",
        data={
            **ARTICLE,
            "title": "New title",
            "questions": f"{thread.title}\nA second question?",
            "publish": "Save changes",
        },
    )

    assert response.headers["Location"] == f"/articles/{article.slug}"
    db.session.expire_all()
    assert article.title == "New title"
    titles = db.session.scalars(select(Thread.title).where(Thread.article_id == article.id))
    assert sorted(titles) == sorted([thread.title, "A second question?"])


def test_another_author_cannot_edit(client, article, make_user, log_in):
    log_in(make_user("rival", role=Role.AUTHOR))
    assert client.post(f"/articles/{article.slug}/edit", data=ARTICLE).status_code == 403
    db.session.expire_all()
    assert article.title == "Employer branding"


def test_reader_proposes_a_thread(as_reader, article):
    form = as_reader.get(f"/articles/{article.slug}/threads/new")
    assert form.status_code == 200

    response = as_reader.post(
        f"/articles/{article.slug}/threads/new",
        data={"title": "What about TikTok?", "description": "Nobody has asked."},
    )

    thread = db.session.scalar(select(Thread))
    assert response.headers["Location"] == f"/threads/{thread.id}"
    assert (thread.title, thread.origin, thread.author.username) == (
        "What about TikTok?",
        ThreadOrigin.READER,
        "reader",
    )


def test_rejected_thread_proposal_keeps_the_text(as_reader, article):
    response = as_reader.post(
        f"/articles/{article.slug}/threads/new", data={"title": "", "description": "Kept text"}
    )
    assert response.status_code == 422
    assert "Kept text" in response.text
    assert "Write the question or topic of the thread." in response.text


def test_no_threads_under_a_closed_discussion(as_reader, closed_article):
    response = as_reader.post(
        f"/articles/{closed_article.slug}/threads/new", data={"title": "Anyone?"}
    )
    assert response.status_code == 403
    assert "The discussion of this article is closed." in response.text
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0


def test_article_page_shows_the_editors_picks_and_what_moderators_removed(
    client, article, thread, make_post, make_user
):
    moderator = make_user(role=Role.MODERATOR)
    pick = make_post(thread=thread, body="A case worth reading")
    removed = make_post(thread=thread, stance="disagree", body="Buy cheap pills")
    moderation.set_featured(pick, moderator, True)
    moderation.hide_post(removed, moderator, "spam")

    page = client.get(f"/articles/{article.slug}").text

    picks = page[
        page.index("Editor's picks") : page.index("</section>", page.index("Editor's picks"))
    ]
    assert "A case worth reading" in picks and f"/posts/{pick.id}" in picks
    assert "Posts hidden by moderators under this article: 1. Posts rejected: 0." in page
    assert "Disagrees: 1" in page and "Spam: 1" in page
    assert "Buy cheap pills" not in page
