"""Writing and publishing articles: drafts, question threads, slugs and tags."""

import pytest
from sqlalchemy import func, select

from forum.errors import InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import Article, ArticleStatus, Role, Tag, Thread, ThreadOrigin
from forum.rendering import render_markdown
from forum.services.articles import ArticleDraft, create_article, update_article


def draft(**fields) -> ArticleDraft:
    fields.setdefault("title", "Employer branding on LinkedIn")
    fields.setdefault("lede", "Does it work?")
    fields.setdefault("body", "Some *claims*.")
    fields.setdefault("questions", "Does it work?\nWhat does it cost?")
    fields.setdefault("language", "en")
    fields.setdefault("tags", "")
    return ArticleDraft(**fields)


def reload(article: Article) -> Article:
    article_id = article.id
    db.session.expire_all()
    return db.session.get(Article, article_id)


def question_threads(article: Article) -> list[Thread]:
    return list(
        db.session.scalars(
            select(Thread)
            .where(Thread.article_id == article.id, Thread.origin == ThreadOrigin.QUESTION)
            .order_by(Thread.position, Thread.id)
        )
    )


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def admin(make_user):
    return make_user("admin", role=Role.ADMIN)


@pytest.fixture
def other_author(make_user):
    return make_user("other", role=Role.AUTHOR)


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR])
def test_only_authors_can_create_articles(make_user, role):
    with pytest.raises(NotAllowed):
        create_article(make_user(role=role), draft())

    db.session.rollback()
    assert count(Article) == 0


def test_article_saved_without_publishing_is_a_draft_without_threads(author):
    article = create_article(author, draft(), publish=False)

    stored = reload(article)
    assert stored.status == ArticleStatus.DRAFT
    assert stored.published_at is None
    assert stored.author_id == author.id
    assert stored.questions == "Does it work?\nWhat does it cost?"
    assert count(Thread) == 0


def test_publishing_opens_one_thread_per_question_in_order(author):
    article = create_article(
        author, draft(questions="  First?\n\n Second  question? \nThird?\n"), publish=True
    )

    stored = reload(article)
    assert stored.status == ArticleStatus.PUBLISHED
    assert stored.published_at is not None
    threads = question_threads(stored)
    assert [(t.title, t.position) for t in threads] == [
        ("First?", 1),
        ("Second question?", 2),
        ("Third?", 3),
    ]
    assert all(t.author_id == author.id for t in threads)
    assert count(Thread) == 3


@pytest.mark.parametrize("questions", ["", "   \n\n  \t"])
def test_publishing_without_questions_is_refused(author, questions):
    with pytest.raises(InvalidInput) as info:
        create_article(author, draft(questions=questions), publish=True)

    assert info.value.field == "questions"


def test_draft_may_be_saved_without_questions(author):
    article = create_article(author, draft(questions=""), publish=False)

    assert reload(article).status == ArticleStatus.DRAFT


def test_publishing_a_draft_later_opens_its_threads(author):
    article = create_article(author, draft(), publish=False)

    update_article(article, author, draft(), publish=True)

    stored = reload(article)
    assert stored.status == ArticleStatus.PUBLISHED
    assert stored.published_at is not None
    assert [t.title for t in question_threads(stored)] == ["Does it work?", "What does it cost?"]


def test_another_author_cannot_update_an_article(author, other_author):
    article = create_article(author, draft(), publish=True)

    with pytest.raises(NotAllowed):
        update_article(article, other_author, draft(title="Taken over"))

    db.session.rollback()
    assert reload(article).title == "Employer branding on LinkedIn"


def test_admin_can_update_any_article(author, admin):
    article = create_article(author, draft(), publish=True)

    update_article(article, admin, draft(title="Corrected title"))

    stored = reload(article)
    assert stored.title == "Corrected title"
    assert stored.author_id == author.id


def test_adding_a_question_to_a_published_article_opens_only_that_thread(author):
    article = create_article(author, draft(questions="First?\nSecond?"), publish=True)
    published_at = reload(article).published_at

    update_article(article, author, draft(questions="First?\nSecond?\nThird?"))

    stored = reload(article)
    assert [(t.title, t.position) for t in question_threads(stored)] == [
        ("First?", 1),
        ("Second?", 2),
        ("Third?", 3),
    ]
    assert count(Thread) == 3
    assert stored.published_at == published_at


def test_saving_a_published_article_unchanged_opens_no_threads(author):
    article = create_article(author, draft(), publish=True)

    update_article(article, author, draft())
    update_article(article, author, draft(), publish=True)

    assert count(Thread) == 2


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Æbler og pærer", "aebler-og-paerer"),
        ("Grønne løsninger", "groenne-loesninger"),
        ("Århus på tværs", "aarhus-paa-tvaers"),
        ("ÆØÅ", "aeoeaa"),
        ("Employer Branding: Why?", "employer-branding-why"),
    ],
)
def test_slug_is_readable_ascii_with_danish_letters_spelled_out(author, title, slug):
    article = create_article(author, draft(title=title))

    assert reload(article).slug == slug


def test_slugs_are_unique(author):
    slugs = [create_article(author, draft(title="Same title")).slug for _ in range(3)]

    assert slugs == ["same-title", "same-title-2", "same-title-3"]


def test_slug_that_extends_another_does_not_count_as_taken(author):
    create_article(author, draft(title="Same title again"))

    assert create_article(author, draft(title="Same title")).slug == "same-title"


@pytest.mark.parametrize("title", ["New", "new", "NEW!"])
def test_reserved_slug_is_never_given(author, title):
    first = create_article(author, draft(title=title))
    second = create_article(author, draft(title=title))

    assert "new" not in {first.slug, second.slug}
    assert first.slug != second.slug


def test_slug_survives_a_title_change(author):
    article = create_article(author, draft(title="First title"), publish=True)

    update_article(article, author, draft(title="Second title"))

    assert reload(article).slug == "first-title"


def test_tags_are_split_trimmed_and_deduplicated_regardless_of_case(author):
    article = create_article(
        author, draft(tags=" Employer branding , employer  BRANDING,, HR ,hr,LinkedIn ")
    )

    assert sorted(tag.name for tag in reload(article).tags) == [
        "Employer branding",
        "HR",
        "LinkedIn",
    ]
    assert count(Tag) == 3


def test_tags_are_shared_between_articles(author):
    first = create_article(author, draft(title="One", tags="HR, LinkedIn"))
    second = create_article(author, draft(title="Two", tags="hr, Recruiting"))

    first_tags = {tag.slug: tag.id for tag in reload(first).tags}
    second_tags = {tag.slug: tag.id for tag in reload(second).tags}
    assert first_tags["hr"] == second_tags["hr"]
    assert count(Tag) == 3


def test_updating_tags_replaces_them(author):
    article = create_article(author, draft(tags="HR, LinkedIn"))

    update_article(article, author, draft(tags="Recruiting"))

    assert [tag.name for tag in reload(article).tags] == ["Recruiting"]


def test_body_html_is_the_rendered_markdown(author):
    body = "A *claim* with a [link](https://example.org).\n\n<script>alert(1)</script>"

    article = create_article(author, draft(body=body))

    stored = reload(article)
    assert stored.body == body
    assert stored.body_html == str(render_markdown(body))
    assert "<em>claim</em>" in stored.body_html
    assert "<script>" not in stored.body_html


def test_updating_the_body_renders_it_again(author):
    article = create_article(author, draft(body="old"))

    update_article(article, author, draft(body="**new**"))

    assert reload(article).body_html == str(render_markdown("**new**"))


@pytest.mark.parametrize("title", ["", "   ", "!!!", "?! -- ?"])
def test_title_without_letters_or_digits_is_refused(author, title):
    with pytest.raises(InvalidInput) as info:
        create_article(author, draft(title=title))

    assert info.value.field == "title"


@pytest.mark.parametrize("language", ["", "de", "DA", "english"])
def test_unknown_language_is_refused(author, language):
    with pytest.raises(InvalidInput) as info:
        create_article(author, draft(language=language))

    assert info.value.field == "language"


@pytest.mark.parametrize("language", ["da", "en"])
def test_danish_and_english_are_accepted(author, language):
    assert reload(create_article(author, draft(language=language))).language == language


def test_refused_update_leaves_the_stored_article_unchanged(author):
    article = create_article(author, draft(), publish=True)

    with pytest.raises(InvalidInput):
        update_article(article, author, draft(title="Changed", language="de"))

    db.session.rollback()
    assert reload(article).title == "Employer branding on LinkedIn"
