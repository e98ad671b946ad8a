"""`make bench`: the forum's pages and writes under gunicorn, against the framework's ceilings.

Builds a fresh SQLite database with `flask gen-data`, starts the forum, bench/hello.py and
bench/insert_app.py under gunicorn (2 sync workers each, loopback), drives every scenario with
wrk, alternating targets within each round, and prints medians of the rounds; then measures a
worker's memory. The mixed scenarios (bench/mixed.py) read a page while paced clients vote;
`--only mixed` runs them alone. With --scale the database has a million posts and the read
scenarios also run on a 1,000-post database, for the latency ratio between the two. A login
burst (20 logins at once while other clients read pages, bench/login_burst.py) runs last;
`--only login-burst` runs it alone.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import queue_jobs  # bench/queue_jobs.py, beside this file

from forum.sample.generate import GENERATED_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
BODY = (
    "I **disagree**, and here is why:\n\n- the numbers were small\n- nobody asked the "
    "candidates\n\nSee [the survey](https://example.org/survey) for the *whole* story."
)
MODERATE = {"articles": 100, "users": 2_000, "posts": 20_000, "votes": 60_000}
SCALE = {"articles": 5_000, "users": 100_000, "posts": 1_000_000, "votes": 2_000_000}
SMALL = {"articles": 20, "users": 200, "posts": 1_000, "votes": 3_000}
BIG_THREAD = 400
READS = ("thread, 200 per page", "thread, first page", "article page", "front page")
WRITE_FLOOR = "fixed stack floor: JSON write"
READER_FLOOR = "fixed stack floor: the reader's page"


@dataclass
class Scenario:
    name: str
    port: int
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    bodies: tuple[str, ...] = ()
    expect: int = 200
    ceiling: str = ""
    target: float | None = 0.0  # None: a ratio shown for comparison, with no target
    compare: str = ""  # a second ceiling, its ratio shown beside the judged one
    load: object | None = None  # writes beside wrk: check, start, stop, summary (mixed.py)
    group: str = ""  # scenarios of one group run side by side in every round
    min_rounds: int = 0  # rounds this scenario runs at least, beyond --rounds if need be
    rounds: list[dict] = field(default_factory=list)


class Server:
    """A gunicorn master with sync workers (or with threads: gthread) on a free loopback port.

    gunicorn reads the gunicorn.conf.py of the folder it is started in (`make bench`: the
    forum's, with 16 threads, which turn sync workers into gthread ones, and a new worker every
    10,000 or so requests); the worker class, the threads and `--max-requests 0` are given here
    so every server runs as this says and no worker restarts in the middle of a round.
    """

    def __init__(
        self, app: str, directory: Path, env: dict, log: Path, workers: int = 2, threads: int = 0
    ):
        self.port = free_port()
        command = [str(BIN / "gunicorn"), "--workers", str(workers), "--chdir", str(directory)]
        if threads:
            command += ["--worker-class", "gthread", "--threads", str(threads)]
        else:
            command += ["--worker-class", "sync", "--threads", "1"]
        command += ["--max-requests", "0", "--bind", f"127.0.0.1:{self.port}", app]
        self.log = log.open("w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while not answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{app} did not start; see {log}")
            time.sleep(0.1)

    def workers(self) -> list[int]:
        """The worker processes, waiting (up to 10 s) for gunicorn to have forked them."""
        pid = self.process.pid
        for _ in range(100):
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            if children:
                return [int(child) for child in children]
            time.sleep(0.1)
        raise RuntimeError("gunicorn started no worker")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def request(port: int, method: str, path: str, body: str = "", headers: dict | None = None):
    """One HTTP request on a new connection: status, headers and text."""
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    headers = dict(headers or {})
    if body:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, response.headers, text


def outside_env() -> dict:
    """This process's environment without the forum's settings (FLASK_*)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}


ARGON2_COST: dict[str, str] = {}  # --argon2: FLASK_ARGON2_* for every forum process


def forum_env(database: Path) -> dict:
    env = outside_env()
    env |= {
        "FLASK_SECRET_KEY": secrets.token_hex(32),
        "FLASK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "FLASK_RATELIMIT_ENABLED": "false",
        # The write scenarios send one body again and again: measure storing it, not the
        # redirect a repeated post gets.
        "FLASK_DUPLICATE_POST_WINDOW": "0",
        # The jobs the requests queue (e-mails, notifications) wait beside the database, as
        # `make run` keeps them in its instance folder; no consumer runs during the bench.
        "FLASK_QUEUE_URL": f"sqlite:///{database.with_name('queue.sqlite')}",
    }
    return env | ARGON2_COST


def build_database(database: Path, size: dict) -> float:
    """Migrate a new SQLite file and fill it with gen-data; the seconds gen-data took."""
    env = forum_env(database)
    flask = [str(BIN / "forum")]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    options = [f"--{name}={value}" for name, value in size.items()]
    started = time.perf_counter()
    done = subprocess.run(
        [*flask, "gen-data", *options, f"--big-thread={BIG_THREAD}"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    print(f"  {database.name}: {done.stdout.splitlines()[0]} ({elapsed:.1f} s)", flush=True)
    return elapsed


def landmarks(database: Path) -> dict:
    """The ids the scenarios use: the big thread, its article, a reader who voted in it but
    wrote and flagged nothing (the page readers share), a reader who wrote in it (a page of
    their own), and the thread (of another article) and post that take the new contributions
    and votes."""
    db = sqlite3.connect(database)

    def one(sql: str, *args) -> tuple:
        return db.execute(sql, args).fetchone()

    thread, article = one("SELECT id, article_id FROM threads ORDER BY id LIMIT 1")
    slug = one("SELECT slug FROM articles WHERE id = ?", article)[0]
    reader_id, reader = one(
        "SELECT users.id, username FROM votes JOIN posts ON posts.id = votes.post_id "
        "JOIN users ON users.id = votes.user_id WHERE posts.thread_id = ? AND role = 'reader' "
        "AND users.id NOT IN (SELECT author_id FROM posts WHERE thread_id = ? "
        "AND author_id IS NOT NULL) AND users.id NOT IN (SELECT user_id FROM flags "
        "WHERE user_id IS NOT NULL) GROUP BY users.id ORDER BY count(*) DESC LIMIT 1",
        thread,
        thread,
    )
    (writer,) = one(
        "SELECT username FROM posts JOIN users ON users.id = posts.author_id "
        "WHERE thread_id = ? AND role = 'reader' AND parent_id IS NULL "
        "GROUP BY users.id ORDER BY count(*) DESC LIMIT 1",
        thread,
    )
    write_thread = one(
        "SELECT id FROM threads WHERE article_id != ? "
        "ORDER BY agree_count + disagree_count + example_count DESC LIMIT 1",
        article,
    )[0]
    post = one(
        "SELECT id FROM posts WHERE thread_id = ? AND parent_id IS NULL AND hidden = 0 "
        "AND author_id != ? ORDER BY best DESC LIMIT 1",
        write_thread,
        reader_id,
    )[0]
    db.close()
    return {
        "thread": thread,
        "slug": slug,
        "reader": reader,
        "writer": writer,
        "write_thread": write_thread,
        "post": post,
    }


def log_in(port: int, username: str, page: str) -> tuple[str, str]:
    """A logged-in session cookie and its CSRF token, through the real login form."""
    status, headers, text = request(port, "GET", "/auth/login")
    cookie = session_cookie(headers)
    form = {"username": username, "password": GENERATED_PASSWORD, "csrf_token": csrf_token(text)}
    status, headers, _ = request(port, "POST", "/auth/login", urlencode(form), {"Cookie": cookie})
    if status != 302:
        raise RuntimeError(f"logging in as {username} answered {status}")
    cookie = session_cookie(headers)
    # The login starts a new session: the page's forms put a new CSRF secret in it.
    status, headers, text = request(port, "GET", page, headers={"Cookie": cookie})
    cookie = session_cookie(headers) or cookie
    return cookie, csrf_token(text)


def session_cookie(headers) -> str:
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("session="):
            return value.split(";")[0]
    return ""


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def forum_scenarios(
    port: int, marks: dict, cookie: str, token: str, writer_cookie: str
) -> list[Scenario]:
    """The issue's scenarios on one forum server, each with its ceiling and target ratio,
    and the logged-in page of a reader whose own posts are on it (no target: for comparison)."""
    thread = f"/threads/{marks['thread']}"
    reader = {"Cookie": cookie}
    contribution = {"csrf_token": token, "stance": "disagree", "body": BODY}
    contribution |= dict.fromkeys(("organisation", "channel", "source_url", "effect"), "")
    vote = reader | {"X-CSRFToken": token, "Accept": "application/json"}
    hello = "hello world"
    return [
        Scenario(READS[0], port, f"{thread}?per_page=200", ceiling=hello, target=0.05),
        Scenario(READS[1], port, thread, ceiling=hello, target=0.15),
        Scenario(READS[2], port, f"/articles/{marks['slug']}", ceiling=hello, target=0.20),
        Scenario(READS[3], port, "/", ceiling=hello, target=0.25),
        Scenario(
            "thread, 200 per page, logged in",
            port,
            f"{thread}?per_page=200",
            headers=reader,
            ceiling=READER_FLOOR,
            target=0.8,
        ),
        Scenario(
            "thread, 200 per page, as a writer",
            port,
            f"{thread}?per_page=200",
            headers={"Cookie": writer_cookie},
            ceiling=READS[0],
            target=None,
        ),
        Scenario(
            "new contribution",
            port,
            f"/threads/{marks['write_thread']}/posts",
            "POST",
            headers=reader,
            bodies=(urlencode(contribution),),
            expect=302,
            ceiling=WRITE_FLOOR,
            target=0.40,
            compare="insert app",
        ),
        Scenario(
            "vote (JSON)",
            port,
            f"/posts/{marks['post']}/vote",
            "POST",
            headers=vote,
            bodies=("value=1", "value=-1"),
            ceiling=WRITE_FLOOR,
            target=0.60,
            compare="insert app",
        ),
    ]


def lua_script(scenario: Scenario) -> str:
    """wrk's script: the request (alternating bodies) and a JSON line of the results."""
    lines = [f"wrk.method = {json.dumps(scenario.method)}"]
    headers = dict(scenario.headers)
    if scenario.bodies:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    if scenario.bodies:
        bodies = ", ".join(json.dumps(body) for body in scenario.bodies)
        lines += [
            f"local bodies = {{{bodies}}}",
            "local n = 0",
            "request = function()",
            "  n = n + 1",
            "  return wrk.format(nil, nil, nil, bodies[n % #bodies + 1])",
            "end",
        ]
    lines += [
        "done = function(summary, latency, requests)",
        "  local e = summary.errors",
        '  io.write(string.format("BENCH %d %d %d %d %d %d %d %d %d\\n", summary.requests,',
        "    summary.duration, latency:percentile(50), latency:percentile(99), e.status,",
        "    e.connect, e.read, e.write, e.timeout))",
        "end",
    ]
    return "\n".join(lines) + "\n"


def run_wrk(
    scenario: Scenario, seconds: int, connections: int, workdir: Path, load: bool = True
) -> dict:
    """One wrk run; with the scenario's writes going on around it, unless load is False."""
    script = workdir / "scenario.lua"
    script.write_text(lua_script(scenario))
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-s", str(script), f"http://127.0.0.1:{scenario.port}{scenario.path}"]
    writes = scenario.load if load else None
    if writes:
        writes.start()
    started = time.monotonic()
    try:
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    finally:
        ended = time.monotonic()
        written = writes.stop(started, ended) if writes else {}
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    done, duration, p50, p99, *errors = map(int, line.split()[1:])
    result = {
        "requests": done,
        "rps": done / (duration / 1e6),
        "p50_ms": p50 / 1000,
        "p99_ms": p99 / 1000,
        "errors": sum(errors),
    }
    if sum(errors):
        kinds = ("status", "connect", "read", "write", "timeout")
        result["error_kinds"] = {kind: n for kind, n in zip(kinds, errors, strict=True) if n}
    return result | written


def check(scenario: Scenario) -> None:
    """One request by hand first: the scenario must answer what it is meant to."""
    body = scenario.bodies[0] if scenario.bodies else ""
    status, _, text = request(
        scenario.port, scenario.method, scenario.path, body, scenario.headers
    )
    if status != scenario.expect:
        raise RuntimeError(
            f"{scenario.name}: expected {scenario.expect}, got {status}: {text[:300]}"
        )
    if scenario.load:
        scenario.load.check()


def groups(scenarios: list[Scenario]) -> list[list[Scenario]]:
    """The scenarios in runs of one group each (a scenario of no group is a run of its own)."""
    runs: list[list[Scenario]] = []
    for scenario in scenarios:
        if runs and scenario.group and runs[-1][0].group == scenario.group:
            runs[-1].append(scenario)
        else:
            runs.append([scenario])
    return runs


def run_rounds(scenarios: list[Scenario], args, workdir: Path) -> None:
    """Every target once per round, the order rotated each round; a short warm-up first.

    A group's scenarios run one after the other, in the opposite order every other round,
    so a mix and its twin see the same machine. Scenarios that ask for more rounds than
    --rounds get them after the others are done.
    """
    for scenario in scenarios:
        check(scenario)
        run_wrk(scenario, 1, args.connections, workdir, load=False)
    total = max([args.rounds] + [scenario.min_rounds for scenario in scenarios])
    for number in range(total):
        runs = [
            run
            for run in groups(scenarios)
            if number < max(args.rounds, *(scenario.min_rounds for scenario in run))
        ]
        shift = number % len(runs)
        for run in runs[shift:] + runs[:shift]:
            for scenario in run[::-1] if number % 2 else run:
                result = run_wrk(scenario, args.duration, args.connections, workdir)
                scenario.rounds.append(result)
        print(f"  round {number + 1} of {total} done", flush=True)


def median_ratio(mine: list[dict], theirs: list[dict]) -> float:
    """The median of the per-round ratios of requests per second."""
    return statistics.median(a["rps"] / b["rps"] for a, b in zip(mine, theirs, strict=True))


def summarise(scenarios: list[Scenario]) -> list[dict]:
    """Medians over the rounds; each ratio is the median of the per-round ratios."""
    by_name = {scenario.name: scenario for scenario in scenarios}
    rows = []
    for scenario in scenarios:
        row = {"scenario": scenario.name, "path": scenario.path, "rounds": scenario.rounds}
        for key in ("rps", "p50_ms", "p99_ms"):
            row[key] = statistics.median(result[key] for result in scenario.rounds)
        row["errors"] = sum(result["errors"] for result in scenario.rounds)
        if scenario.load:
            row |= scenario.load.summary(scenario.rounds)
        if scenario.ceiling:
            ratio = median_ratio(scenario.rounds, by_name[scenario.ceiling].rounds)
            row |= {"ceiling": scenario.ceiling, "ratio": ratio, "target": scenario.target}
            if scenario.target is not None:
                writes_ok = row.get("votes_ok", True) and not row.get("vote_failures")
                row["pass"] = ratio >= scenario.target and row["errors"] == 0 and writes_ok
        if scenario.compare in by_name:
            row["compared"] = {
                "ceiling": scenario.compare,
                "ratio": median_ratio(scenario.rounds, by_name[scenario.compare].rounds),
            }
        rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    print(
        f"\n{'scenario':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  {'ratio':>6} "
        f"{'target':>7}  {'of':38} result"
    )
    for row in rows:
        figures = f"{row['rps']:8.1f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f}"
        if "ratio" in row:
            verdict = {True: "pass", False: "FAIL", None: "(no target)"}[row.get("pass")]
            if row["errors"]:
                verdict += f" ({row['errors']} errors)"
            target = "" if row["target"] is None else f">= {row['target']}"
            judged = f"{row['ratio']:6.3f} {target:>7}  {row['ceiling']:38}"
            print(f"{row['scenario']:38} {figures}  {judged} {verdict}{remarks(row)}")
        else:
            print(f"{row['scenario']:38} {figures}  {'(ceiling)':>6}")


def remarks(row: dict) -> str:
    """The votes a mixed scenario delivered, and a write's ratio to its second ceiling."""
    text = ""
    if "votes_per_s" in row:
        text += (
            f"; votes {row['votes_per_s']:.1f}/s (lowest {row['votes_per_s_lowest']:.1f},"
            f" due {row['votes_per_s_due']}, p50 {row['vote_p50_ms']:.0f} ms),"
            f" {row['vote_failures']} failed"
        )
    if "compared" in row:
        text += f"; {row['compared']['ratio']:.3f} of {row['compared']['ceiling']}"
    return text


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) / 1024


def drive(port: int, path: str, count: int, headers: dict, clients: int = 2) -> int:
    """Send count GETs from a few client threads; the number that did not answer 200."""
    failures = []

    def client(share: int) -> None:
        failures.extend(
            1 for _ in range(share) if request(port, "GET", path, headers=headers)[0] != 200
        )

    shares = [count // clients + (number < count % clients) for number in range(clients)]
    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(failures)


def measure_memory(
    database: Path, path: str, counts: list[int], workdir: Path, reader: str | None = None
) -> dict:
    """A one-worker forum's resident memory after the first and the last count of requests
    for a page, by a visitor or by a logged-in reader."""
    server = Server("forum:create_app()", ROOT, forum_env(database), workdir / "memory.log", 1)
    try:
        (worker,) = server.workers()
        headers = {"Cookie": log_in(server.port, reader, "/")[0]} if reader else {}
        readings, done, failures = [], 0, 0
        for count in counts:
            failures += drive(server.port, path, count - done, headers)
            done = count
            readings.append({"requests": count, "rss_mb": round(rss_mb(worker), 1)})
            print(f"  after {count} requests: {readings[-1]['rss_mb']} MB", flush=True)
    finally:
        server.stop()
    first, last = readings[0]["rss_mb"], readings[-1]["rss_mb"]
    growth = last / first - 1
    return {
        "path": path,
        "reader": reader,
        "readings": readings,
        "failures": failures,
        "growth": round(growth, 4),
        "pass": growth <= 0.10 and last < 150 and failures == 0,
    }


def scale_ratios(big: list[dict], small: list[dict]) -> list[dict]:
    """Median latency of each read on the big database over the same on the 1,000-post one."""
    small_by_name = {row["scenario"]: row for row in small}
    rows = []
    for row in big:
        other = small_by_name.get(row["scenario"])
        if other is not None:
            ratio = row["p50_ms"] / other["p50_ms"]
            rows.append(
                {
                    "scenario": row["scenario"],
                    "p50_ms_big": row["p50_ms"],
                    "p50_ms_small": other["p50_ms"],
                    "ratio": round(ratio, 3),
                    "pass": ratio <= 1.3,
                }
            )
    return rows


def start_forum(database: Path, workdir: Path, servers: list[Server]) -> tuple[int, dict, list]:
    """Start the forum on a database; its port, landmarks and scenarios."""
    server = Server(
        "forum:create_app()", ROOT, forum_env(database), workdir / f"{database.stem}.log"
    )
    servers.append(server)
    marks = landmarks(database)
    page = f"/threads/{marks['write_thread']}"
    cookie, token = log_in(server.port, marks["reader"], page)
    writer_cookie, _ = log_in(server.port, marks["writer"], page)
    scenarios = forum_scenarios(server.port, marks, cookie, token, writer_cookie)
    return server.port, marks, scenarios


def ceilings(workdir: Path, servers: list[Server]) -> list[Scenario]:
    env = outside_env()
    hello = Server("hello:app", ROOT / "bench", env, workdir / "hello.log")
    servers.append(hello)
    insert_db = workdir / "insert.sqlite"
    sys.path.insert(0, str(ROOT / "bench"))
    from insert_app import create_table

    create_table(str(insert_db))
    insert_env = env | {"BENCH_INSERT_DATABASE": str(insert_db)}
    insert = Server("insert_app:app", ROOT / "bench", insert_env, workdir / "insert.log")
    servers.append(insert)
    return [
        Scenario("hello world", hello.port, "/"),
        Scenario(
            "insert app", insert.port, "/", "POST", bodies=(urlencode({"body": BODY}),), expect=201
        ),
    ]


def stack_floors(
    workdir: Path, servers: list[Server], page: bytes, reader_page: bytes
) -> list[Scenario]:
    """bench/stack_app.py: a logged-in JSON write and pages with nothing but the fixed
    stack's own costs, the least a vote and a reader's page can cost here (the floors the
    writes and the reader's page are judged by; shown against the INSERT app and against the
    same page for a visitor, with no target)."""
    from stack_app import create_tables

    database = workdir / "stack.sqlite"
    create_tables(str(database))
    env = outside_env() | {"BENCH_STACK_DATABASE": str(database)}
    for variable, name, content in (
        ("BENCH_STACK_PAGE", "page.html", page),
        ("BENCH_STACK_READER_PAGE", "reader-page.html", reader_page),
    ):
        (workdir / name).write_bytes(content)
        env[variable] = str(workdir / name)
    env |= {"BENCH_STACK_SECRET": secrets.token_hex()}
    server = Server("stack_app:create_app()", ROOT / "bench", env, workdir / "stack.log")
    servers.append(server)
    _, headers, text = request(server.port, "GET", "/login")
    reader = {"Cookie": session_cookie(headers)}
    visitor_page = "fixed stack floor: the 200-post page"
    return [
        Scenario(
            "fixed stack floor: JSON write",
            server.port,
            "/vote",
            "POST",
            headers=reader | {"X-CSRFToken": json.loads(text)["token"]},
            bodies=("value=1",),
            ceiling="insert app",
            target=None,
        ),
        Scenario(visitor_page, server.port, "/page"),
        Scenario(
            "fixed stack floor: same, logged in",
            server.port,
            "/page",
            headers=reader,
            ceiling=visitor_page,
            target=None,
        ),
        Scenario(
            READER_FLOOR,
            server.port,
            "/reader-page",
            headers=reader,
            ceiling=visitor_page,
            target=None,
        ),
    ]


def uncached_forum(database: Path, marks: dict, workdir: Path, servers: list[Server]) -> Scenario:
    """The big thread's 200-contribution page from a second forum with no cache at all
    (NullCache): what every miss after a write, and every page rendered for one reader, costs."""
    env = forum_env(database) | {"FLASK_CACHE_TYPE": "NullCache"}
    server = Server("forum:create_app()", ROOT, env, workdir / "uncached.log")
    servers.append(server)
    path = f"/threads/{marks['thread']}?per_page=200"
    for _ in range(2):  # a page served from a cache says so; this one must not be
        _, headers, _ = request(server.port, "GET", path)
        if headers.get("X-Cache") == "hit":
            raise RuntimeError("the forum with FLASK_CACHE_TYPE=NullCache served a cached page")
    return Scenario(
        "thread, 200 per page, uncached", server.port, path, ceiling="hello world", target=0.01
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, value in MODERATE.items():
        parser.add_argument(f"--{name}", type=int, default=value, help=f"default {value}")
    parser.add_argument("--scale", action="store_true", help="1M posts, and a 1,000-post twin")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=4, help="seconds per target a round")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--memory-requests",
        default="1000,10000",
        help="thread-page requests before each memory reading ('' to skip)",
    )
    parser.add_argument(
        "--output", type=Path, help="default bench/results.json, or results-scale.json"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs")
    parser.add_argument(
        "--only",
        choices=["login-burst", "mixed"],
        help="run only these scenarios (their own results file)",
    )
    parser.add_argument("--login-rounds", type=int, default=5, help="bursts of 20 logins")
    parser.add_argument(
        "--argon2", metavar="T,M,P", help="Argon2id time, memory (KiB), lanes (default: config)"
    )
    args = parser.parse_args()
    if args.argon2:
        names = ("TIME_COST", "MEMORY_COST", "PARALLELISM")
        values = args.argon2.split(",")
        ARGON2_COST.update({f"FLASK_ARGON2_{n}": v for n, v in zip(names, values, strict=True)})
    return args


def run_login_burst(args, database: Path, marks: dict, workdir: Path) -> dict:
    """20 logins at once while other clients read pages (bench/login_burst.py)."""
    from login_burst import login_burst

    return login_burst(forum_env(database), ROOT, workdir, marks, args.login_rounds)


def only_login_burst(args, workdir: Path, size: dict, results: dict) -> None:
    """`--only login-burst`: the database, then that scenario alone."""
    print("Generating the database", flush=True)
    database = workdir / "forum.sqlite"
    results["database"]["gen_data_seconds"] = round(build_database(database, size), 1)
    results["login_burst"] = run_login_burst(args, database, landmarks(database), workdir)


def targets_for(args, database: Path, workdir: Path, servers: list[Server]) -> tuple:
    """Start the servers; the landmarks and every target of the run (only the mixed
    scenarios with --only mixed)."""
    from mixed import mixed_scenarios

    port, marks, scenarios = start_forum(database, workdir, servers)
    mixed = mixed_scenarios(port, marks, database)
    if args.only == "mixed":
        return marks, mixed
    small_scenarios: list[Scenario] = []
    if args.scale:
        small = workdir / "small.sqlite"
        build_database(small, SMALL)
        _, _, twin = start_forum(small, workdir, servers)
        small_scenarios = [s for s in twin if s.name in READS or "logged in" in s.name]
        for scenario in small_scenarios:
            scenario.name += " [1,000 posts]"
    by_name = {scenario.name: scenario for scenario in scenarios}
    pages = [by_name[name] for name in (READS[0], "thread, 200 per page, logged in")]
    page, reader_page = (request(s.port, "GET", s.path, headers=s.headers)[2] for s in pages)
    print(
        f"  the 200-post page: {len(page.encode())} bytes to a visitor, "
        f"{len(reader_page.encode())} to the reader",
        flush=True,
    )
    targets = ceilings(workdir, servers)
    targets += stack_floors(workdir, servers, page.encode(), reader_page.encode())
    targets += [*scenarios, uncached_forum(database, marks, workdir, servers)]
    return marks, targets + mixed + small_scenarios


def memory_and_logins(args, database: Path, marks: dict, workdir: Path, results: dict) -> None:
    """After the rounds, on servers of their own: a worker's memory, then the login burst."""
    counts = [int(count) for count in args.memory_requests.split(",") if count]
    if counts:
        thread = f"/threads/{marks['thread']}"
        print(f"\nMemory of one worker serving {thread} to a visitor", flush=True)
        results["memory"] = measure_memory(database, thread, counts, workdir)
        print_memory(results["memory"])
        print(f"Memory of one worker serving {thread}?per_page=200 to a reader", flush=True)
        results["memory_reader"] = measure_memory(
            database, f"{thread}?per_page=200", counts, workdir, marks["reader"]
        )
        print_memory(results["memory_reader"])
    results["login_burst"] = run_login_burst(args, database, marks, workdir)


def results_file(args) -> str:
    if args.only:
        return {"login-burst": "results-logins.json", "mixed": "results-mixed.json"}[args.only]
    return "results-scale.json" if args.scale else "results.json"


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None and args.only != "login-burst":
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it when root)")
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="forum-bench-"))
    size = SCALE if args.scale else {name: getattr(args, name) for name in MODERATE}
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
        "settings": {k: getattr(args, k) for k in ("rounds", "duration", "connections")},
        "gunicorn": "2 sync workers, 127.0.0.1; load: wrk -t1",
        "database": {**size, "big_thread_posts": BIG_THREAD},
    }
    servers: list[Server] = []
    try:
        if args.only == "login-burst":
            only_login_burst(args, workdir, size, results)
        else:
            run_targets(args, workdir, size, results, servers)
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    results["machine"]["load_average_after"] = os.getloadavg()
    write_results(args, results, started, results_file(args))


def run_targets(args, workdir: Path, size: dict, results: dict, servers: list[Server]) -> None:
    """The database, the rounds and their table; then, unless --only, memory and logins."""
    print("Generating the database", flush=True)
    database = workdir / ("big.sqlite" if args.scale else "forum.sqlite")
    results["database"]["gen_data_seconds"] = round(build_database(database, size), 1)
    marks, targets = targets_for(args, database, workdir, servers)
    print(f"Running {args.rounds} rounds of {len(targets)} targets", flush=True)
    run_rounds(targets, args, workdir)
    rows = summarise(targets)
    main_rows = [row for row in rows if "[1,000 posts]" not in row["scenario"]]
    results["scenarios"] = main_rows
    print_table(main_rows)
    if args.scale:
        twin_rows = [
            row | {"scenario": row["scenario"].removesuffix(" [1,000 posts]")}
            for row in rows
            if "[1,000 posts]" in row["scenario"]
        ]
        results["scale"] = scale_ratios(main_rows, twin_rows)
        print_scale(results["scale"])
    for server in servers:
        server.stop()
    servers.clear()
    if not args.only:
        memory_and_logins(args, database, marks, workdir, results)
        # The worker's jobs: a fan-out to 10,000 followers, the newsletter to 10,000.
        results["worker_jobs"] = queue_jobs.run()


def write_results(args, results: dict, started: float, name: str) -> None:
    results["seconds"] = round(time.perf_counter() - started)
    args.output = args.output or ROOT / "bench" / name
    args.output.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nWritten to {args.output} ({results['seconds']} s in all)")


def print_scale(rows: list[dict]) -> None:
    print(f"\n{'read scenario':34} {'p50 big':>8} {'p50 1k':>8} {'ratio':>6}  target result")
    for row in rows:
        verdict = "pass" if row["pass"] else "FAIL"
        print(
            f"{row['scenario']:34} {row['p50_ms_big']:8.1f} {row['p50_ms_small']:8.1f} "
            f"{row['ratio']:6.2f}  <= 1.3 {verdict}"
        )


def print_memory(memory: dict) -> None:
    readings = ", ".join(f"{r['rss_mb']} MB after {r['requests']}" for r in memory["readings"])
    verdict = "pass" if memory["pass"] else "FAIL"
    print(f"  RSS {readings}: growth {memory['growth']:+.1%} (<= 10%, < 150 MB) {verdict}")


if __name__ == "__main__":
    main()
