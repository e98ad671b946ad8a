"""The write ceiling: one SQLite INSERT and commit per request, on the forum's SQLite settings.

The database file is BENCH_INSERT_DATABASE. Each worker keeps one connection, as the forum's
pool does, with the forum's pragmas (WAL, synchronous=NORMAL, a busy timeout), so the two pay
the same price for a commit.
"""

import os
import sqlite3
from datetime import UTC, datetime
from functools import cache

from flask import Flask, request

app = Flask(__name__)
DATABASE = os.environ.get("BENCH_INSERT_DATABASE", "insert.sqlite")


def connect(path: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA busy_timeout=5000")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def create_table(path: str = DATABASE) -> None:
    """Make the table the app writes to (the harness calls this before starting the app)."""
    connection = connect(path)
    with connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS entries ("
            "id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at TEXT NOT NULL)"
        )
    connection.close()


@cache
def database() -> sqlite3.Connection:
    """This worker's connection (gunicorn imports the app in each worker, after the fork)."""
    return connect(DATABASE)


@app.post("/")
def add() -> tuple[str, int]:
    connection = database()
    connection.execute(
        "INSERT INTO entries (body, created_at) VALUES (?, ?)",
        (request.form.get("body", ""), datetime.now(UTC).isoformat()),
    )
    connection.commit()
    return "", 201
