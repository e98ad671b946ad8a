"""Writing, editing and publishing articles; publishing opens a thread per debate question."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from slugify import slugify
from sqlalchemy import select

from .. import changes, ranking
from ..errors import InvalidInput, NotAllowed
from ..extensions import db
from ..models import Article, ArticleStatus, Tag, Thread, ThreadOrigin, User, utcnow
from ..permissions import can_edit_article, can_write_articles
from ..rendering import render_markdown
from .locks import hold_for_change

DANISH_LETTERS = [["æ", "ae"], ["ø", "oe"], ["å", "aa"], ["Æ", "Ae"], ["Ø", "Oe"], ["Å", "Aa"]]
MAX_QUESTIONS = 10
MAX_TAGS = 8
LANGUAGES = ("da", "en")
# Paths under /articles/ that a slug must not shadow.
RESERVED_SLUGS = {"new"}


@dataclass(frozen=True)
class ArticleDraft:
    """What an author typed into the article form."""

    title: str
    lede: str
    body: str
    questions: str
    language: str
    tags: str
    hold_posts: bool = False
    hide_new_scores: bool = True


def make_slug(text: str, max_length: int = 80) -> str:
    """A readable ASCII slug; Danish letters become ae, oe and aa."""
    return slugify(text, replacements=DANISH_LETTERS, max_length=max_length, word_boundary=True)


def parse_tags(text: str) -> list[str]:
    """Comma-separated tag names, trimmed and without repeats (regardless of case)."""
    names: dict[str, str] = {}
    for raw in text.split(","):
        name = " ".join(raw.split())
        if name and make_slug(name) and make_slug(name) not in names:
            names[make_slug(name)] = name
    return list(names.values())


def parse_questions(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def create_article(author: User, draft: ArticleDraft, *, publish: bool = False) -> Article:
    """Save a new article as a draft, or publish it at once."""
    if not can_write_articles(author):
        raise NotAllowed(_l("Only authors can write articles."))
    # Nothing is added to the session before _apply has checked the draft.
    article = Article(author=author, slug=_unique_slug(draft.title))
    _apply(article, draft, publish)
    db.session.add(article)
    changes.lists()
    db.session.commit()
    return article


def update_article(
    article: Article, editor: User, draft: ArticleDraft, *, publish: bool = False
) -> Article:
    """Save changes; publishing (or saving a published article) opens any new questions."""
    if not can_edit_article(editor, article):
        raise NotAllowed(_l("Only the article's author can edit it."))
    _apply(article, draft, publish or article.is_published)
    changes.article(article.id)
    changes.lists()
    db.session.commit()
    return article


def _apply(article: Article, draft: ArticleDraft, publish: bool) -> None:
    questions = parse_questions(draft.questions)
    tag_names = parse_tags(draft.tags)
    _validate(draft, questions, tag_names, publish)
    article.title = draft.title.strip()
    article.lede = draft.lede.strip()
    article.body = draft.body
    article.body_html = render_markdown(draft.body)
    article.questions = "\n".join(questions)
    article.language = draft.language
    article.hold_posts = draft.hold_posts
    article.hide_new_scores = draft.hide_new_scores
    article.tags = [_tag(name) for name in tag_names]
    article.updated_at = utcnow()
    if publish:
        if not article.is_published:
            article.status = ArticleStatus.PUBLISHED
            article.published_at = article.last_activity_at = article.updated_at
            article.hot = ranking.hot(0, article.published_at)
        _sync_question_threads(article, questions)


def _validate(draft: ArticleDraft, questions: list[str], tags: list[str], publish: bool) -> None:
    if not draft.title.strip() or not make_slug(draft.title):
        raise InvalidInput(_l("Give the article a title with letters or digits."), field="title")
    if draft.language not in LANGUAGES:
        raise InvalidInput(_l("Choose Danish or English."), field="language")
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput(
            _l("At most %(n)d debate questions.", n=MAX_QUESTIONS), field="questions"
        )
    if any(len(q) > 200 for q in questions):
        raise InvalidInput(_l("Each question can be at most 200 characters."), field="questions")
    if publish and not questions:
        raise InvalidInput(
            _l("Write at least one debate question before publishing."), field="questions"
        )
    if len(tags) > MAX_TAGS or any(len(t) > 40 for t in tags):
        raise InvalidInput(
            _l("At most %(n)d tags of up to 40 characters each.", n=MAX_TAGS), field="tags"
        )


def _sync_question_threads(article: Article, questions: list[str]) -> None:
    """One thread per debate question, in the questions' order: a new question opens one, a
    question taken off withdraws its thread (its posts stay readable at its address) and a
    question put back brings its thread back."""
    existing = (
        {
            thread.title: thread
            for thread in db.session.scalars(
                select(Thread).where(
                    Thread.article_id == article.id, Thread.origin == ThreadOrigin.QUESTION
                )
            )
        }
        if article.id
        else {}
    )
    for position, question in enumerate(questions, start=1):
        thread = existing.pop(question, None)
        if thread is None:
            db.session.add(
                Thread(
                    article=article,
                    author=article.author,
                    title=question,
                    origin=ThreadOrigin.QUESTION,
                    position=position,
                    created_at=article.updated_at,
                    last_activity_at=article.updated_at,
                )
            )
        else:
            thread.position, thread.retired_at = position, None
    for thread in existing.values():
        if thread.retired_at is None:
            thread.retired_at = article.updated_at


THREAD_ACTIONS = ("rename", "close", "reopen", "retire", "restore")


def manage_thread(thread: Thread, editor: User, action: str, title: str = "") -> None:
    """The article's author renames, closes, reopens, withdraws or brings back one of its
    threads. A question thread's title is its question's line in the article, renamed with it;
    withdrawing a question thread takes the line off."""
    article = thread.article
    if not can_edit_article(editor, article):
        raise NotAllowed(_l("Only the article's author can change its threads."))
    if action not in THREAD_ACTIONS:
        raise InvalidInput(_l("That is not something a thread can do."))
    questions = parse_questions(article.questions)
    is_question = thread.origin == ThreadOrigin.QUESTION
    if action == "rename":
        title = " ".join(title.split())
        if not title:
            raise InvalidInput(_l("Write the thread's new title."), field="title")
        if len(title) > 200:
            raise InvalidInput(_l("Each question can be at most 200 characters."), field="title")
        if is_question:
            if title in questions:
                raise InvalidInput(_l("The article already has that question."), field="title")
            questions = [title if line == thread.title else line for line in questions]
        thread.title = title
    elif action in ("close", "reopen"):
        hold_for_change(Thread.locked, thread.id)
        db.session.refresh(thread)
        thread.locked = action == "close"
    elif action == "retire":
        thread.retired_at = thread.retired_at or utcnow()
        questions = [line for line in questions if line != thread.title]
    else:
        thread.retired_at = None
        if is_question and thread.title not in questions:
            if len(questions) >= MAX_QUESTIONS:
                raise InvalidInput(_l("At most %(n)d debate questions.", n=MAX_QUESTIONS))
            questions.append(thread.title)
    article.questions = "\n".join(questions)
    changes.article(article.id)
    db.session.commit()


def _tag(name: str) -> Tag:
    slug = make_slug(name)
    tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
    if tag is None:
        tag = Tag(name=name, slug=slug)
        db.session.add(tag)
    return tag


def _unique_slug(title: str) -> str:
    base = make_slug(title) or "article"
    if base in RESERVED_SLUGS:
        base = f"{base}-article"
    taken = set(db.session.scalars(select(Article.slug).where(Article.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
