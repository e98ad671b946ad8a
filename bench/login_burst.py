"""The login burst of `make bench`: 20 logins at once while other clients read pages.

Each round logs 20 generated readers in at the same instant (their login pages fetched
beforehand, so only the POST is timed) while other clients keep reading pages, 20 reads a
second sent on time (open loop); the figures are the 95th percentiles of the logins and of
the page reads due while logins were in flight, against the targets (logins < 2 s, other
pages < 0.5 s). The forum runs under gunicorn with sync workers (one busy with a hash serves
nothing else) and with threads (gthread, as the README's production section serves it), the
Argon2id cost as configured.
"""

import sqlite3
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from forum.config import Config
from forum.sample.generate import GENERATED_PASSWORD
from run import Server, csrf_token, log_in, request, session_cookie

LOGINS = 20
READS_PER_SECOND = 20
LOGIN_TARGET = 2.0
PAGE_TARGET = 0.5
SETUPS = (("2 sync workers", 0), ("2 gthread workers x 16 threads", 16))
# As the README's production section sets it: a database connection for every thread.
POOL = '{"pool_pre_ping": true, "pool_size": 16}'


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if values else 0.0


def readers_of(database: Path, count: int) -> list[str]:
    """Generated readers to log in (one login each per burst)."""
    db = sqlite3.connect(database)
    rows = db.execute(
        "SELECT username FROM users WHERE role = 'reader' AND username LIKE 'gen_user_%' "
        "ORDER BY id LIMIT ?",
        (count,),
    ).fetchall()
    db.close()
    return [name for (name,) in rows]


def login_form(port: int, username: str) -> tuple[str, dict]:
    """The POST body and headers of a login, from a login page fetched beforehand."""
    _, headers, text = request(port, "GET", "/auth/login")
    form = {"username": username, "password": GENERATED_PASSWORD, "csrf_token": csrf_token(text)}
    return urlencode(form), {"Cookie": session_cookie(headers)}


def burst(port: int, users: list[str]) -> tuple[list[float], list[int]]:
    """All the logins at once: their latencies (s) and statuses."""
    forms = [login_form(port, user) for user in users]
    start = threading.Barrier(len(forms))
    latencies, statuses = [0.0] * len(forms), [0] * len(forms)

    def one(number: int) -> None:
        body, headers = forms[number]
        start.wait()
        began = time.perf_counter()
        statuses[number] = request(port, "POST", "/auth/login", body, headers)[0]
        latencies[number] = time.perf_counter() - began

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


class PageReaders:
    """Other clients reading pages, READS_PER_SECOND in all, each read sent on time whether
    or not the earlier ones have been answered (so a stall shows in every read it holds up);
    keeps the latencies, from the moment each read was due, of those due while `busy` is set
    (a burst in flight)."""

    def __init__(self, port: int, pages: list[tuple[str, dict]]) -> None:
        self.port, self.pages = port, pages
        self.busy, self.stop = threading.Event(), threading.Event()
        self.latencies: list[float] = []
        self.errors = 0
        self.pool = ThreadPoolExecutor(max_workers=64)
        self.clock = threading.Thread(target=self.schedule)

    def schedule(self) -> None:
        due, turn = time.perf_counter(), 0
        while not self.stop.is_set():
            due += 1 / READS_PER_SECOND
            time.sleep(max(0.0, due - time.perf_counter()))
            page = self.pages[turn % len(self.pages)]
            self.pool.submit(self.read, page, due, self.busy.is_set())
            turn += 1

    def read(self, page: tuple[str, dict], due: float, during: bool) -> None:
        path, headers = page
        status = request(self.port, "GET", path, headers=headers)[0]
        if during:
            self.latencies.append(time.perf_counter() - due)
            self.errors += status != 200

    def __enter__(self) -> "PageReaders":
        self.clock.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.clock.join()
        self.pool.shutdown()


def run_setup(env: dict, root: Path, workdir: Path, marks: dict, rounds: int, setup: tuple):
    """The bursts on one gunicorn setup (its name, and its threads: 0 for sync workers)."""
    name, threads = setup
    log = workdir / f"logins-{threads}.log"
    env = env | {"FLASK_SQLALCHEMY_ENGINE_OPTIONS": POOL}
    server = Server("forum:create_app()", root, env, log, workers=2, threads=threads)
    database = Path(env["FLASK_SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    try:
        port = server.port
        users = readers_of(database, LOGINS)
        cookie, _ = log_in(port, marks["reader"], "/")
        thread = f"/threads/{marks['thread']}"
        pages = [("/", {}), (thread, {}), (f"/articles/{marks['slug']}", {})]
        pages.append((thread, {"Cookie": cookie}))
        logins, failed = [], 0
        with PageReaders(port, pages) as readers:
            time.sleep(1)  # the readers warm up first
            for _ in range(rounds):
                readers.busy.set()
                latencies, statuses = burst(port, users)
                readers.busy.clear()
                logins += latencies
                failed += sum(status != 302 for status in statuses)
                time.sleep(0.5)
    finally:
        server.stop()
    row = {
        "setup": name,
        "logins": len(logins),
        "login_p50_s": round(statistics.median(logins), 3),
        "login_p95_s": round(p95(logins), 3),
        "login_failures": failed,
        "page_reads": len(readers.latencies),
        "page_p50_s": round(statistics.median(readers.latencies or [0.0]), 3),
        "page_p95_s": round(p95(readers.latencies), 3),
        "page_errors": readers.errors,
    }
    row["pass"] = (
        row["login_p95_s"] < LOGIN_TARGET
        and row["page_p95_s"] < PAGE_TARGET
        and not failed
        and not readers.errors
    )
    return row


def login_burst(env: dict, root: Path, workdir: Path, marks: dict, rounds: int) -> dict:
    """The scenario on each setup, printed; the figures for the results file."""
    rows = [run_setup(env, root, workdir, marks, rounds, setup) for setup in SETUPS]
    names = ("TIME_COST", "MEMORY_COST", "PARALLELISM")
    cost = {
        name.lower(): int(env.get(f"FLASK_ARGON2_{name}", getattr(Config, f"ARGON2_{name}")))
        for name in names
    }
    print_rows(rows)
    return {
        "logins_at_once": LOGINS,
        "page_reads_per_second": READS_PER_SECOND,
        "rounds": rounds,
        "argon2": cost,
        "targets": {"login_p95_s": LOGIN_TARGET, "page_p95_s": PAGE_TARGET},
        "setups": rows,
    }


def print_rows(rows: list[dict]) -> None:
    print(
        f"\n{LOGINS} logins at once, {READS_PER_SECOND} page reads a second meanwhile "
        f"(targets: logins p95 < {LOGIN_TARGET} s, other pages p95 < {PAGE_TARGET} s)"
    )
    print(f"{'setup':32} {'logins p50':>10} {'p95':>7} {'pages p50':>10} {'p95':>7}  result")
    for row in rows:
        verdict = "pass" if row["pass"] else "FAIL"
        failures, errors = row["login_failures"], row["page_errors"]
        if failures or errors:
            verdict += f" ({failures} failed logins, {errors} page errors)"
        print(
            f"{row['setup']:32} {row['login_p50_s']:9.3f}s {row['login_p95_s']:6.3f}s "
            f"{row['page_p50_s']:9.3f}s {row['page_p95_s']:6.3f}s  {verdict}"
        )
