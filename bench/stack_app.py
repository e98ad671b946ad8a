"""The fixed stack's floors: what a vote and a reader's page cost before the forum's own code.

The design fixes Flask, Flask-Login, Flask-WTF and Flask-SQLAlchemy. This app does with them
only what the forum cannot skip:

- POST /vote, a logged-in JSON write: it opens the signed session cookie, loads the user
  through the ORM for Flask-Login, checks the CSRF token, writes one counter with one UPDATE,
  commits and answers JSON.
- GET /page answers the bytes of the file BENCH_STACK_PAGE (the forum's page, stored) after
  one small query, as the forum reads its content version; for a logged-in reader it also
  loads the user, as any page that shows a reader their own votes must. GET /reader-page does
  the same with BENCH_STACK_READER_PAGE (the forum's page as a logged-in reader gets it).

It shares insert_app.py's SQLite settings. The database file is BENCH_STACK_DATABASE;
`create_tables` makes it, and GET /login logs in and returns the CSRF token.
"""

import os
from pathlib import Path

from flask import Flask, Response, jsonify, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect, generate_csrf
from insert_app import connect
from sqlalchemy import event, select, update
from sqlalchemy.orm import Mapped, mapped_column

DATABASE = os.environ.get("BENCH_STACK_DATABASE", "stack.sqlite")

db = SQLAlchemy()
login_manager = LoginManager()


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str]


class Counter(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    score: Mapped[int] = mapped_column(default=0)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def create_app(path: str = DATABASE) -> Flask:
    app = Flask(__name__)
    app.config |= {
        "SECRET_KEY": os.environ.get("BENCH_STACK_SECRET", "bench-only-secret"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.abspath(path)}",
    }
    db.init_app(app)
    login_manager.init_app(app)
    CSRFProtect(app)
    with app.app_context():
        # The same pragmas as insert_app.py and the forum, on every pooled connection.
        event.listen(db.engine, "connect", lambda dbapi, _: _pragmas(dbapi))

    @app.get("/login")
    def log_in():
        login_user(db.session.get(User, 1))
        return jsonify(token=generate_csrf())

    pages = {
        "/page": _stored("BENCH_STACK_PAGE"),
        "/reader-page": _stored("BENCH_STACK_READER_PAGE"),
    }

    def show_page():
        logged_in = current_user.is_authenticated  # loads the user a session cookie names
        db.session.scalar(select(Counter.score).where(Counter.id == 1))
        page = pages[request.path]
        return Response(page, mimetype="text/html", headers={"X-Logged-In": str(logged_in)})

    for path in pages:
        app.add_url_rule(path, view_func=show_page, endpoint=path)

    @app.post("/vote")
    @login_required
    def vote():
        db.session.execute(update(Counter).where(Counter.id == 1).values(score=Counter.score + 1))
        db.session.commit()
        return jsonify(ok=True)

    return app


def _stored(variable: str) -> bytes:
    """The bytes of the file an environment variable names, or none."""
    return Path(os.environ[variable]).read_bytes() if variable in os.environ else b""


def _pragmas(connection) -> None:
    for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=NORMAL"):
        connection.execute(f"PRAGMA {pragma}")


def create_tables(path: str = DATABASE) -> None:
    """The user and the counter the app writes to (the harness calls this before starting)."""
    connect(path).close()  # WAL is a property of the file: set it as the forum does
    app = create_app(path)
    with app.app_context():
        db.create_all()
        db.session.add_all([User(id=1, username="reader"), Counter(id=1)])
        db.session.commit()
