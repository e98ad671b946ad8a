"""The debate page, contributing, replying, editing and deleting through HTTP."""

import re

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Post, PostRevision, Role, Stance
from forum.services import moderation, posts
from forum.services.posts import Contribution
from tests.conftest import purge_deleted

EXAMPLE = {
    "stance": "example",
    "body": "Our *TikTok* series doubled applications.",
    "organisation": "Havnens Bryggeri",
    "channel": "tiktok",
    "source_url": "https://example.org/case",
    "effect": "supports",
}


def count_posts() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def contributions(html: str) -> str:
    """The list of contributions on a thread page (not the summary above it)."""
    return html.split('<section class="contributions"', 1)[1].split("</section>\n\n", 1)[0]


def post_element(html: str, post_id: int) -> str:
    """The opening tag of a post's element."""
    match = re.search(rf'<article id="post-{post_id}"[^>]*>', html)
    assert match, f"post-{post_id} not on the page"
    return match.group(0)


def test_thread_page_shows_contributions_with_their_stance_and_example_facts(
    client, thread, make_post
):
    agree = make_post(thread=thread, stance=Stance.AGREE, body="Yes.")
    example = make_post(
        thread=thread,
        stance=Stance.EXAMPLE,
        body="A case.",
        organisation="Nordlys Revision",
        channel="linkedin",
        source_url="https://example.org/nordlys",
        effect="challenges",
    )
    reply = make_post(parent=agree, body="Indeed.")

    response = client.get(f"/threads/{thread.id}?sort=old")

    text = response.text
    assert response.status_code == 200
    assert thread.title in text
    assert 'data-stance="agree"' in post_element(text, agree.id)
    assert 'data-stance="example"' in post_element(text, example.id)
    assert f'data-reply-to="{agree.id}"' in post_element(text, reply.id)
    assert "Nordlys Revision" in text and "LinkedIn" in text
    assert "Challenges the article" in text
    assert 'href="https://example.org/nordlys"' in text
    listed = contributions(text)
    assert listed.index("Yes.") < listed.index("Indeed.") < listed.index("A case.")


def test_thread_page_filters_by_stance(client, thread, make_post):
    make_post(thread=thread, stance=Stance.AGREE, body="Agreeing text")
    make_post(thread=thread, stance=Stance.DISAGREE, body="Disagreeing text")

    text = contributions(client.get(f"/threads/{thread.id}?stance=disagree").text)

    assert "Disagreeing text" in text
    assert "Agreeing text" not in text


def test_sort_newest_first(client, thread, make_post):
    make_post(thread=thread, body="first post")
    make_post(thread=thread, body="second post")
    text = contributions(client.get(f"/threads/{thread.id}?sort=new").text)
    assert text.index("second post") < text.index("first post")


def test_the_contribution_form_always_carries_the_example_fields(as_reader, thread):
    text = as_reader.get(f"/threads/{thread.id}").text
    for name in ("stance", "body", "organisation", "channel", "source_url", "effect"):
        assert f'name="{name}"' in text
    assert 'data-show-for-stance="example"' in text


def test_visitors_are_invited_to_log_in_instead_of_a_form(client, thread):
    text = client.get(f"/threads/{thread.id}").text
    assert 'name="stance"' not in text
    assert f"/auth/login?next=/threads/{thread.id}" in text


def test_posting_an_example_stores_it_and_shows_it(as_reader, thread):
    response = as_reader.post(f"/threads/{thread.id}/posts", data=EXAMPLE)

    post = db.session.scalar(select(Post))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/threads/{thread.id}#post-{post.id}"
    assert (post.stance, post.organisation, post.channel, post.effect) == (
        "example",
        "Havnens Bryggeri",
        "tiktok",
        "supports",
    )
    db.session.refresh(thread)
    assert thread.example_count == 1
    text = as_reader.get(response.headers["Location"]).text
    assert "Our <em>TikTok</em> series doubled applications." in text
    assert "Havnens Bryggeri" in text


def test_rejected_contribution_keeps_the_text_and_names_the_field(as_reader, thread):
    response = as_reader.post(
        f"/threads/{thread.id}/posts", data={**EXAMPLE, "organisation": "", "channel": ""}
    )

    assert response.status_code == 422
    assert "Name the organisation behind the example." in response.text
    assert "Our *TikTok* series doubled applications." in response.text
    assert 'value="https://example.org/case"' in response.text
    assert count_posts() == 0


def test_a_contribution_needs_a_stance(as_reader, thread):
    response = as_reader.post(f"/threads/{thread.id}/posts", data={"body": "No stance"})
    assert response.status_code == 422
    assert "Choose whether you agree, disagree or give an example." in response.text
    assert "No stance" in response.text
    assert count_posts() == 0


def test_no_posting_in_a_locked_thread(as_reader, locked_thread):
    response = as_reader.post(f"/threads/{locked_thread.id}/posts", data=EXAMPLE)
    assert response.status_code == 403
    assert "This thread is locked" in response.text
    assert count_posts() == 0


def test_reply_sits_under_its_contribution(as_reader, thread, make_post):
    contribution = make_post(thread=thread)

    response = as_reader.post(f"/posts/{contribution.id}/replies", data={"body": "A reply"})

    reply = db.session.scalar(select(Post).where(Post.parent_id == contribution.id))
    assert response.headers["Location"] == f"/threads/{thread.id}#post-{reply.id}"
    text = as_reader.get(response.headers["Location"]).text
    assert f'data-reply-to="{contribution.id}"' in post_element(text, reply.id)


def test_authors_reply_is_marked_and_answers_the_contribution(
    as_author, author, thread, make_post
):
    contribution = make_post(thread=thread, stance=Stance.DISAGREE)

    as_author.post(f"/posts/{contribution.id}/replies", data={"body": "Fair point."})

    reply = db.session.scalar(select(Post).where(Post.parent_id == contribution.id))
    text = as_author.get(f"/threads/{thread.id}").text
    assert 'data-author-reply="true"' in post_element(text, reply.id)
    assert "answered by the author" in text


def test_user_edits_own_post_and_the_old_version_is_kept(as_reader, reader, thread):
    post = posts.add_contribution(thread, reader, Contribution("agree", "First words"))
    assert as_reader.get(f"/posts/{post.id}/edit").status_code == 200

    response = as_reader.post(
        f"/posts/{post.id}/edit", data={"stance": "disagree", "body": "Second thoughts"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert (post.body, post.stance) == ("Second thoughts", "disagree")
    revision = db.session.scalar(select(PostRevision))
    assert (revision.body, revision.stance) == ("First words", "agree")
    assert "edited" in as_reader.get(f"/threads/{thread.id}").text
    assert (thread.agree_count, thread.disagree_count) == (0, 1)


def test_rejected_edit_keeps_the_text(as_reader, reader, thread):
    post = posts.add_contribution(thread, reader, Contribution("agree", "First words"))
    response = as_reader.post(
        f"/posts/{post.id}/edit", data={"stance": "example", "body": "Now an example"}
    )
    assert response.status_code == 422
    assert "Now an example" in response.text
    db.session.expire_all()
    assert post.body == "First words"


def test_nobody_edits_or_deletes_another_users_post(as_reader, thread, make_post):
    post = make_post(thread=thread, body="Not yours")

    assert as_reader.get(f"/posts/{post.id}/edit").status_code == 403
    assert as_reader.post(f"/posts/{post.id}/edit", data={"body": "Mine now"}).status_code == 403
    assert as_reader.post(f"/posts/{post.id}/delete").status_code == 403
    db.session.expire_all()
    assert post.body == "Not yours"


def test_deleting_a_post_with_replies_leaves_a_placeholder(as_reader, reader, thread, make_user):
    post = posts.add_contribution(thread, reader, Contribution("agree", "Regrettable"))
    reply = posts.add_reply(post, make_user(), "The reply stays")

    as_reader.post(f"/posts/{post.id}/delete")
    purge_deleted()  # (until then, its author can undo it: test_undo_delete.py)

    text = as_reader.get(f"/threads/{thread.id}").text
    assert "This contribution was deleted by its author." in text
    assert "Regrettable" not in text
    assert 'data-stance="agree"' in post_element(text, post.id)
    assert f'data-reply-to="{post.id}"' in post_element(text, reply.id)
    assert "The reply stays" in text


def test_deleting_a_post_without_replies_removes_it(as_reader, reader, thread):
    post = posts.add_contribution(thread, reader, Contribution("agree", "Gone soon"))
    as_reader.post(f"/posts/{post.id}/delete")
    purge_deleted()
    assert count_posts() == 0
    assert "Gone soon" not in as_reader.get(f"/threads/{thread.id}").text  # nor in the summary


def test_unknown_thread_and_post_are_404(client, as_reader):
    assert client.get("/threads/999").status_code == 404
    assert client.get("/posts/999").status_code == 404
    assert as_reader.post("/posts/999/replies", data={"body": "x"}).status_code == 404


def test_threads_of_a_draft_are_hidden(client, make_thread, draft_article):
    thread = make_thread(article=draft_article)
    assert client.get(f"/threads/{thread.id}").status_code == 404


def test_live_preview_renders_sanitised_markdown(as_reader):
    response = as_reader.post("/preview", data={"body": "**hi** <script>x</script>"})
    assert response.json["html"] == "<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>\n"


def test_pagination_keeps_sort_and_stance(client, app, thread, make_post):
    app.config["POSTS_PER_PAGE"] = 2
    for number in range(3):
        make_post(thread=thread, body=f"post {number}", stance=Stance.AGREE)

    text = contributions(client.get(f"/threads/{thread.id}?sort=new&stance=agree").text)

    assert "post 2" in text and "post 0" not in text
    assert f"/threads/{thread.id}?page=2&amp;sort=new&amp;stance=agree" in text


def test_a_moderators_reply_carries_the_moderator_badge(client, thread, make_post, make_user):
    contribution = make_post(thread=thread, body="A point")
    by_moderator = make_post(parent=contribution, author=make_user(role=Role.MODERATOR))
    by_reader = make_post(parent=contribution, author=make_user())

    page = client.get(f"/threads/{thread.id}").text

    def header(post):
        return re.search(rf'id="post-{post.id}".*?</header>', page, re.DOTALL).group(0)

    assert "badge-moderator" in header(by_moderator)
    assert "badge-moderator" not in header(by_reader) + header(contribution)


def test_each_contribution_is_announced_by_stance_author_and_points(
    client, thread, make_post, make_user
):
    author = make_user("line", display_name='Line "<b>" Kjær')
    make_post(thread=thread, author=author, stance=Stance.DISAGREE, score=4, up=4)
    make_post(thread=thread, author=author, stance=Stance.AGREE, score=1, up=1)
    labels = re.findall(
        r'<article [^>]*aria-label="([^"]*)"', client.get(f"/threads/{thread.id}").text
    )
    assert "Disagreement by Line &#34;&lt;b&gt;&#34; Kjær, 4 points" in labels
    assert "Agreement by Line &#34;&lt;b&gt;&#34; Kjær, 1 point" in labels
    danish = client.get(f"/threads/{thread.id}", headers={"Accept-Language": "da"}).text
    assert 'aria-label="Uenighed fra Line &#34;&lt;b&gt;&#34; Kjær, 4 point"' in danish


def test_a_hidden_contribution_is_announced_by_its_stance_alone(client, thread, make_post):
    make_post(thread=thread, stance=Stance.EXAMPLE, hidden=True)
    page = client.get(f"/threads/{thread.id}").text
    assert re.search(
        r'<article [^>]*aria-label="Example" data-up="0"[^>]* data-hidden="true"', page
    )


def test_an_answer_to_a_reply_says_whom_it_answers_one_level_further_in(
    as_reader, thread, make_post, make_user
):
    contribution = make_post(thread=thread)
    first = make_post(parent=contribution, author=make_user("line"), body="First answer")

    response = as_reader.post(f"/posts/{first.id}/replies", data={"body": "Answering Line"})

    answer = db.session.scalar(select(Post).where(Post.reply_to_id == first.id))
    assert answer.parent_id == contribution.id
    assert response.headers["Location"] == f"/threads/{thread.id}#post-{answer.id}"
    page = as_reader.get(f"/threads/{thread.id}").text
    assert 'class="post reply reply-to-reply"' in post_element(page, answer.id)
    assert 'class="post reply"' in post_element(page, first.id)
    assert f'<a class="in-reply-to" href="#post-{first.id}">in reply to @line</a>' in page


def test_every_reply_has_a_reply_link_for_readers_and_none_for_visitors(
    app, as_reader, thread, make_post
):
    reply = make_post(parent=make_post(thread=thread), body="An answer")
    link = f'data-reply="/posts/{reply.id}/replies'

    assert link in as_reader.get(f"/threads/{thread.id}").text
    assert link not in app.test_client().get(f"/threads/{thread.id}").text


def test_without_javascript_a_reply_is_answered_on_a_page_of_its_own(as_reader, thread, make_post):
    reply = make_post(parent=make_post(thread=thread), body="The reply answered")

    page = as_reader.get(f"/posts/{reply.id}/reply").text

    assert "The reply answered" in page
    assert f'action="/posts/{reply.id}/replies"' in page


def test_an_answer_no_longer_names_a_reply_that_was_hidden(client, thread, make_post, make_user):
    contribution = make_post(thread=thread)
    first = make_post(parent=contribution, author=make_user("line"), body="First answer")
    make_post(parent=contribution, reply_to_id=first.id, body="Answering Line")
    assert "in reply to @line" in client.get(f"/threads/{thread.id}").text

    moderation.hide_post(first, make_user(role=Role.MODERATOR), "spam")

    assert "in reply to @line" not in client.get(f"/threads/{thread.id}").text
