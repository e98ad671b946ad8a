"""Redis stopped mid-run: pages render uncached, limits count in memory, /healthz tells.

The test runs a Redis of its own on a free loopback port (never the shared one on 6379), kills
it between requests and starts it again.
"""

import logging
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from forum import create_app
from forum.extensions import db, limiter
from forum.models import Vote
from tests.conftest import PASSWORD

redis = pytest.importorskip("redis", reason="the redis package (extra `redis`) is not installed")

REDIS_SERVER = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalRedis:
    """A throwaway redis-server on loopback that a test may kill and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def local_redis() -> Iterator[LocalRedis]:
    server = LocalRedis()
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_app(app, app_config, local_redis):
    # After `app`: the limiter is one object, bound to the app made last.
    config = {
        **app_config,
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": local_redis.url,
        "CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}:",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": local_redis.url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "RATELIMIT_LOGIN": "3/minute",
        # Every page from Redis itself (no copy in the process), and Redis tried on every call.
        "PAGE_CACHE_RECENT": 0,
        "CACHE_RETRY_INTERVAL": 0,
    }
    server = create_app(config)
    yield server
    with server.app_context():
        db.engine.dispose()
    # The limiter object is shared by every app in this process: start the next one alive.
    limiter._storage_dead = False


def log_lines(caplog, phrase: str, level: int = logging.WARNING) -> list[str]:
    """The records of at least `level` that say `phrase`."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= level and phrase in record.getMessage()
    ]


def test_pages_logins_and_votes_survive_redis_stopping_and_caching_resumes(
    redis_app, local_redis, thread, make_post, reader, caplog
):
    caplog.set_level(logging.INFO)
    post = make_post(thread=thread, body="Still readable")
    visitor = redis_app.test_client()
    pages = ["/", f"/threads/{thread.id}"]
    for url in pages:
        assert visitor.get(url).headers["X-Cache"] == "miss"
        assert visitor.get(url).headers["X-Cache"] == "hit"

    local_redis.kill()

    for url in pages:
        for _ in range(3):
            response = visitor.get(url)
            assert response.status_code == 200, url
            assert response.headers.get("X-Cache") != "hit"
    assert "Still readable" in visitor.get(f"/threads/{thread.id}").text

    member = redis_app.test_client()
    login = {"username": reader.username, "password": PASSWORD}
    assert member.post("/auth/login", data=login).status_code == 302
    shown = member.get(f"/threads/{thread.id}")
    assert shown.status_code == 200 and "Still readable" in shown.text
    voted = member.post(f"/posts/{post.id}/vote", data={"value": "1"})
    assert voted.status_code == 302
    with redis_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 1

    # The limits are still counted, in memory: after the reader's login, the address has
    # two more attempts (3/minute), then a 429.
    stranger = redis_app.test_client()
    wrong = {"username": reader.username, "password": "not the password"}
    attempts = [stranger.post("/auth/login", data=wrong).status_code for _ in range(3)]
    assert attempts == [422, 422, 429]

    health = visitor.get("/healthz")
    assert health.status_code == 200
    assert health.json == {
        "status": "degraded",
        "database": "ok",
        "cache": "down",
        "rate_limits": "down",
    }
    assert len(log_lines(caplog, "cache unreachable")) == 1
    assert len(log_lines(caplog, "Rate limit storage unreachable")) == 1

    local_redis.start()

    assert visitor.get("/healthz").json == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "rate_limits": "ok",
    }
    assert visitor.get("/").headers["X-Cache"] == "miss"
    assert visitor.get("/").headers["X-Cache"] == "hit"
    assert len(log_lines(caplog, "cache reachable again")) == 1
    assert len(log_lines(caplog, "cache unreachable")) == 1


def test_healthz_leaves_out_what_lives_in_the_process(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_a_redis_that_does_not_answer_costs_a_request_at_most_the_socket_timeout(
    app_config, thread
):
    # A listening socket that never accepts: connecting hangs as to a host that has gone.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(0)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        server = create_app(
            {
                **app_config,
                "CACHE_TYPE": "RedisCache",
                "CACHE_REDIS_URL": url,
                "REDIS_SOCKET_TIMEOUT": 0.2,
            }
        )
        client, url, statuses = server.test_client(), f"/threads/{thread.id}", []

        def read() -> None:
            statuses.extend(client.get(url).status_code for _ in range(3))

        # In a thread of its own: without a timeout, the first request would wait for ever.
        # The join's limit only tells a hang from an answer (a few tenths of a second here),
        # so it is generous enough for any machine: no speed is asserted.
        reading = threading.Thread(target=read, daemon=True)
        reading.start()
        reading.join(timeout=60)
        with server.app_context():
            db.engine.dispose()

    # One attempt waits out the timeout; the others skip the cache until it is tried again.
    assert not reading.is_alive(), "a request waited for the silent Redis"
    assert statuses == [200, 200, 200]
