"""No statement of the read pages scans a whole table that grows with the forum.

Each page is requested through the test client while a listener captures its SELECTs; each is
then explained on the same database: SQLite's EXPLAIN QUERY PLAN must have no bare `SCAN t` of
a growing table (a SEARCH, or a SCAN USING [COVERING] INDEX, is fine), and PostgreSQL's EXPLAIN
with sequential scans switched off must have no `Seq Scan on t`.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from forum.extensions import db
from forum.models import Article, Role, Thread, User
from forum.sample.generate import GENERATED_PASSWORD, Size, generate
from forum.services.deleting import delete_post
from tests.conftest import purge_deleted

GROWING = {"posts", "votes", "threads", "articles", "users", "flags", "article_tags"}
SQLITE_SCAN = re.compile(r"^SCAN (\w+)(?: AS (\w+))?$")
POSTGRES_SCAN = re.compile(r"Seq Scan on (\w+)")
SORTS = ("balanced", "best", "top", "new", "old", "controversial")
THREAD_PAGES = [f"?sort={sort}" for sort in SORTS] + [
    f"?sort={sort}&stance={stance}" for sort in SORTS for stance in ("agree", "example")
]


@contextmanager
def captured_selects() -> Iterator[list[tuple[str, object]]]:
    statements: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def explain(statement: str, parameters) -> list[str]:
    """The plan's lines; on PostgreSQL with sequential scans made a last resort."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return [row[3] for row in rows]
    connection.exec_driver_sql("SET enable_seqscan = off")
    try:
        return [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
    finally:
        connection.exec_driver_sql("RESET enable_seqscan")


def scanned_tables(plan: list[str]) -> set[str]:
    """The growing tables a plan reads whole (aliases such as posts_1 count as their table)."""
    found = set()
    for line in plan:
        match = SQLITE_SCAN.match(line.strip()) or POSTGRES_SCAN.search(line)
        if match:
            found.add(re.sub(r"_\d+$", "", match.group(1)))
    return found & GROWING


def assert_no_full_scans(client, url: str) -> None:
    """Fail with each statement of the page that scans a growing table, and its plan."""
    db.session.expire_all()
    with captured_selects() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    assert statements
    problems = []
    for statement, parameters in statements:
        plan = explain(statement, parameters)
        if scanned_tables(plan):
            problems.append(f"{' '.join(statement.split())}\n  plan: {' | '.join(plan)}")
    if problems:
        pytest.fail(f"{url} scans whole tables:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def debate(app) -> tuple[Thread, Article]:
    """A generated forum; its first thread holds 150 posts."""
    generate(Size(articles=30, users=60, posts=800, votes=2000, seed=5, big_thread=150))
    thread = db.session.scalar(select(Thread).order_by(Thread.id).limit(1))
    return thread, thread.article


def log_in_as(client, user: User) -> None:
    response = client.post(
        "/auth/login",
        data={"username": user.username, "password": GENERATED_PASSWORD},
        follow_redirects=True,  # past "You are logged in.", so the next page is the usual one
    )
    assert response.status_code == 200


def voter_in(thread: Thread) -> User:
    """A reader who voted in the thread, so the page shows their votes."""
    from forum.models import Post, Vote

    return db.session.scalar(
        select(User)
        .join(Vote, Vote.user_id == User.id)
        .join(Post, Post.id == Vote.post_id)
        .where(Post.thread_id == thread.id, User.role == Role.READER)
        .limit(1)
    )


@pytest.mark.parametrize("query", THREAD_PAGES)
def test_thread_page_for_a_visitor(client, debate, query):
    thread, _ = debate
    assert_no_full_scans(client, f"/threads/{thread.id}{query}&per_page=200")


@pytest.mark.parametrize("query", ["?sort=best", "?sort=new&stance=disagree", "?page=2"])
def test_thread_page_for_a_reader(client, debate, query):
    thread, _ = debate
    log_in_as(client, voter_in(thread))
    assert_no_full_scans(client, f"/threads/{thread.id}{query}")


def test_article_page(client, debate):
    _, article = debate
    assert_no_full_scans(client, f"/articles/{article.slug}")


def test_article_feed(client, debate):
    _, article = debate
    assert_no_full_scans(client, f"/articles/{article.slug}/feed.atom")


@pytest.mark.parametrize("url", ["/", "/?sort=active", "/?sort=new&page=2"])
def test_front_page(client, debate, url):
    assert_no_full_scans(client, url)


def test_authors_desk(client, debate):
    _, article = debate
    log_in_as(client, article.author)
    assert_no_full_scans(client, "/author")


def test_whole_table_scans_are_told_from_index_scans():
    assert scanned_tables(["SCAN posts"]) == {"posts"}
    assert scanned_tables(["SCAN threads_1"]) == {"threads"}
    assert scanned_tables(["SCAN posts AS p"]) == {"posts"}
    assert scanned_tables(["SCAN posts USING INDEX ix_posts_thread_order_best"]) == set()
    assert scanned_tables(["SCAN votes USING COVERING INDEX ix_votes_user_id"]) == set()
    assert scanned_tables(["SEARCH posts USING INDEX ix_x (thread_id=?)"]) == set()
    assert scanned_tables(["SCAN tags"]) == set()
    assert scanned_tables(["  ->  Seq Scan on votes  (cost=0.00..1.01 rows=1 width=8)"]) == {
        "votes"
    }
    assert scanned_tables(["Index Scan using pk_posts on posts  (cost=0.15..8.17)"]) == set()


def test_the_sweep_of_deleted_posts(debate):
    from forum.models import Post

    thread, _ = debate
    posts = db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.author_id.is_not(None)).limit(5)
    ).all()
    for post in posts:
        delete_post(post, post.author)
    db.session.expire_all()
    with captured_selects() as statements:
        assert purge_deleted() == len(posts)
    assert [
        statement
        for statement, parameters in statements
        if scanned_tables(explain(statement, parameters))
    ] == []


def test_each_stances_window_is_read_from_an_index_on_its_stance(client, debate):
    """The balanced view's windows (their best and their newest) start at the stance in an
    index: one stance's newest are not looked for past every newer post of the others."""
    thread, _ = debate
    db.session.expire_all()
    with captured_selects() as statements:
        assert client.get(f"/threads/{thread.id}?sort=balanced").status_code == 200
    windows = [(sql, params) for sql, params in statements if " UNION " in sql]
    assert len(windows) == 3
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL picks by its statistics; its plans are checked for full scans
    for statement, parameters in windows:
        searches = [line for line in explain(statement, parameters) if "SEARCH posts " in line]
        assert len(searches) == 2 and all("stance=?" in line for line in searches), searches
