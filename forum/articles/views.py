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
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from .. import limits, pagecache
from ..errors import InvalidInput, NotAllowed
from ..forms import attach_error, kept_in, status_for
from ..links import external_url
from ..loaders import load_article, load_thread
from ..models import Article, Post, User
from ..pagination import page_number
from ..permissions import can_edit_article, can_write_articles
from ..rendering import render_markdown
from ..services import articles, following, listings, posts
from ..viewer import signed_in, viewer
from .forms import ArticleForm, ThreadForm

bp = Blueprint("articles", __name__)

# What the author is told after each of manage_thread's actions.
THREAD_DONE = {
    "rename": _l("The thread is renamed."),
    "close": _l("The thread is closed: it can be read but takes no new posts."),
    "reopen": _l("The thread takes posts again."),
    "retire": _l("The thread is withdrawn: it is no longer listed, and its posts stay readable."),
    "restore": _l("The thread is back on the article."),
}


def _front_page_for(user: User, _facts: dict) -> dict[str, str] | None:
    """Readers share the front page; an author's shows their drafts."""
    return None if can_write_articles(user) else {}


def _article_page_for(user: User, facts: dict) -> dict[str, str] | None:
    """Readers share an article's page, each with their own follow button; its author's has
    the link to edit it."""
    if user.id == facts["author_id"]:
        return None
    button = get_template_attribute("notifications/follow.html", "follow_article")
    follows = following.follows_article(user, facts["article_id"])
    return {"follow": str(button(facts["slug"], follows))}


def _the_same_for_everyone(_user: User, _facts: dict) -> dict[str, str]:
    return {}


@bp.get("/")
@pagecache.shared_page(_front_page_for)
def index():
    sort = request.args.get("sort", listings.DEFAULT_FRONT_SORT)
    if sort not in listings.FRONT_SORTS:
        abort(400)
    front = listings.front_page(viewer(), sort=sort, page=page_number())
    page = front.articles
    # Past the last page there is no such page: say so, with links back (the template).
    status = 404 if page.page > max(page.pages, 1) else 200
    return render_template(
        "articles/index.html", page=page, drafts=front.drafts, sort=front.sort
    ), status


@bp.get("/articles/<slug>")
@pagecache.shared_page(_article_page_for)
def show(slug: str):
    article = load_article(slug)
    listing = listings.article_page(article, viewer())
    pagecache.record(author_id=article.author_id, article_id=article.id, slug=article.slug)
    return render_template(
        "articles/show.html",
        # The reader's own (none while the page is rendered for everyone: the fill's).
        following=article.is_published and following.follows_article(viewer(), article.id),
        article=listing.article,
        threads=listing.threads,
        withdrawn=listing.withdrawn,
        summary=listing.summary,
        featured=listing.featured,
        moderated=listing.moderated,
    )


@bp.get("/articles/<slug>/feed.atom")
@pagecache.shared_page(_the_same_for_everyone)
def feed(slug: str):
    """The article's debate as an Atom feed: its newest contributions and replies."""
    article = load_article(slug)
    if not article.is_published:
        abort(404)
    latest = listings.article_feed(article, limit=current_app.config["FEED_LENGTH"])
    page = external_url("articles.show", slug=article.slug)
    atom = FeedGenerator()
    atom.id(page)
    atom.title(_("Debate: %(title)s", title=article.title))
    atom.link(href=page, rel="alternate")
    atom.link(href=external_url("articles.feed", slug=article.slug), rel="self")
    atom.language(article.language)
    atom.updated(latest.updated)
    for post in latest.posts:
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
        "hide_new_scores": article.hide_new_scores,
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
    threads = (
        listings.article_page(article, viewer()) if article and article.is_published else None
    )
    return render_template(
        "articles/edit.html", form=form, article=article, preview=preview, threads=threads
    ), status_for(form)


@bp.post("/articles/<slug>/threads/<int:thread_id>")
@login_required
def manage_thread(slug: str, thread_id: int):
    """Rename, close, reopen, withdraw or bring back one of the article's threads."""
    article = load_article(slug)
    thread = load_thread(thread_id)
    if thread.article_id != article.id:
        abort(404)
    action = request.form.get("action", "")
    if action not in articles.THREAD_ACTIONS:
        abort(400)
    try:
        articles.manage_thread(thread, signed_in(), action, request.form.get("title", ""))
    except InvalidInput as error:
        flash(str(error.message), "error")
    else:
        flash(str(THREAD_DONE[action]), "success")
    return redirect(url_for("articles.edit", slug=article.slug, _anchor="threads"))


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
@kept_in(ThreadForm)
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
        except (InvalidInput, NotAllowed) as error:
            attach_error(form, error)
        else:
            limits.accepted()
            flash(
                _("Your thread is open. Start the debate with the first contribution."), "success"
            )
            return redirect(url_for("threads.show", thread_id=thread.id))
    return render_template("articles/new_thread.html", form=form, article=article), status_for(
        form
    )
