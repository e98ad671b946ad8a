"""The front page, article pages, the article editor and proposing threads."""

from feedgen.feed import FeedGenerator
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from .. import limits, pagecache
from ..errors import InvalidInput
from ..extensions import db
from ..forms import attach_error, status_for
from ..links import external_url
from ..loaders import load_article
from ..models import Article, ArticleStatus, Post, Thread, ThreadOrigin, User
from ..pagination import paginate
from ..permissions import can_edit_article, can_write_articles
from ..rendering import render_markdown
from ..services import articles, posts, summaries
from ..viewer import signed_in, viewer
from .forms import ArticleForm, ThreadForm

bp = Blueprint("articles", __name__)


FRONT_SORTS = {
    "new": (Article.published_at.desc(), Article.id.desc()),
    "active": (Article.hot.desc(), Article.id.desc()),
}


@bp.get("/")
def index():
    sort = request.args.get("sort", "new")
    if sort not in FRONT_SORTS:
        abort(400)
    page = paginate(
        select(Article)
        .where(Article.status == ArticleStatus.PUBLISHED)
        .order_by(*FRONT_SORTS[sort]),
        per_page=current_app.config["ARTICLES_PER_PAGE"],
    )
    user = viewer()
    drafts = []
    if can_write_articles(user):
        drafts = db.session.scalars(
            select(Article)
            .where(Article.author_id == user.id, Article.status == ArticleStatus.DRAFT)
            .order_by(Article.updated_at.desc())
        ).all()
    return render_template("articles/index.html", page=page, drafts=drafts, sort=sort)


@bp.get("/articles/<slug>")
def show(slug: str):
    article = load_article(slug)
    threads = db.session.scalars(
        select(Thread)
        .where(Thread.article_id == article.id)
        .order_by(
            Thread.pinned.desc(),
            (Thread.origin == ThreadOrigin.QUESTION).desc(),
            Thread.position,
            Thread.last_activity_at.desc(),
            Thread.id,
        )
    ).all()
    published = article.is_published
    pagecache.record(author_id=article.author_id)
    return render_template(
        "articles/show.html",
        article=article,
        threads=threads,
        summary=summaries.article_summary(article) if published else None,
        featured=summaries.featured_posts(article) if published else [],
        moderated=summaries.moderation_tally(article) if published else None,
    )


@bp.get("/articles/<slug>/feed.atom")
def feed(slug: str):
    """The article's debate as an Atom feed: its newest contributions and replies."""
    article = load_article(slug)
    if not article.is_published:
        abort(404)
    latest = summaries.latest_posts(article, current_app.config["FEED_LENGTH"])
    page = external_url("articles.show", slug=article.slug)
    atom = FeedGenerator()
    atom.id(page)
    atom.title(_("Debate: %(title)s", title=article.title))
    atom.link(href=page, rel="alternate")
    atom.link(href=external_url("articles.feed", slug=article.slug), rel="self")
    atom.language(article.language)
    atom.updated(latest[0].created_at if latest else article.published_at)
    for post in latest:
        entry = atom.add_entry(order="append")
        link = external_url("threads.permalink", post_id=post.id)
        entry.id(link)
        entry.link(href=link)
        entry.title(_entry_title(post))
        entry.author(name=post.author.name if post.author else _("deleted user"))
        entry.published(post.created_at)
        entry.updated(post.edited_at or post.created_at)
        entry.content(str(post.body_html), type="html")
    return Response(atom.atom_str(), mimetype="application/atom+xml")


def _entry_title(post: Post) -> str:
    if post.is_reply:
        return _("Reply in “%(thread)s”", thread=post.thread.title)
    stance = get_template_attribute("_macros/debate.html", "stance_label")(post.stance)
    return _("%(stance)s in “%(thread)s”", stance=str(stance), thread=post.thread.title)


@pagecache.personalised("articles.index")
def _front_page_for(user: User, _facts: dict) -> dict[str, str] | None:
    """Readers share the front page; an author's shows their drafts."""
    return None if can_write_articles(user) else {}


@pagecache.personalised("articles.show")
def _article_page_for(user: User, facts: dict) -> dict[str, str] | None:
    """Readers share an article's page; its author's has the link to edit it."""
    return None if user.id == facts["author_id"] else {}


@bp.route("/articles/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_write_articles(viewer()):
        abort(403)
    return _editor(ArticleForm(), None)


@bp.route("/articles/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    article = load_article(slug)
    if not can_edit_article(viewer(), article):
        abort(403)
    # Named fields, not obj=article: the article's tags are Tag rows, the form's are text.
    saved = {
        "title": article.title,
        "lede": article.lede,
        "body": article.body,
        "questions": article.questions,
        "language": article.language,
        "tags": ", ".join(tag.name for tag in article.tags),
        "hold_posts": article.hold_posts,
    }
    return _editor(ArticleForm(data=saved), article)


def _editor(form: ArticleForm, article: Article | None):
    """Save, preview or publish what the author typed; re-show the form if that fails."""
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            try:
                article = _save(form, article)
            except InvalidInput as error:
                attach_error(form, error)
            else:
                return redirect(url_for("articles.show", slug=article.slug))
    return render_template(
        "articles/edit.html", form=form, article=article, preview=preview
    ), status_for(form)


def _save(form: ArticleForm, article: Article | None) -> Article:
    publish = bool(form.publish.data)
    if article is None:
        article = articles.create_article(signed_in(), form.draft(), publish=publish)
    else:
        was_published = article.is_published
        article = articles.update_article(article, signed_in(), form.draft(), publish=publish)
        publish = publish and not was_published
    if publish:
        flash(_("Published. Its debate questions are open for contributions."), "success")
    else:
        flash(_("Saved."), "success")
    return article


@bp.route("/articles/<slug>/threads/new", methods=["GET", "POST"])
@login_required
@limits.posting
def new_thread(slug: str):
    article = load_article(slug)
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            thread = posts.propose_thread(
                article, signed_in(), form.title.data, form.description.data or ""
            )
        except InvalidInput as error:
            attach_error(form, error)
        else:
            flash(
                _("Your thread is open. Start the debate with the first contribution."), "success"
            )
            return redirect(url_for("threads.show", thread_id=thread.id))
    return render_template("articles/new_thread.html", form=form, article=article), status_for(
        form
    )
