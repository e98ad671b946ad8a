"""The restore drill: back up a populated forum, restore it into a new database, same pages."""

import glob
import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from forum import create_app
from forum.extensions import db
from forum.models import Article, Thread

ROOT = Path(__file__).parent.parent
BACKUP_SCRIPT = ROOT / "scripts" / "backup-postgres.sh"
DEPLOY = ROOT / "docs" / "deploy"
README = (ROOT / "README.md").read_text()


def forum_app(uri: str) -> Flask:
    """The forum on the given database, uncached, so every page comes from that database."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": uri,
            "CACHE_TYPE": "NullCache",
            "CACHE_NO_NULL_WARNING": True,
            "RATELIMIT_ENABLED": False,
        }
    )


def invoke(app: Flask, *args: str):
    """Run a `flask` command on the app, as `forum ...` would (in an app context)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
        db.engine.dispose()
    return result


def run_cli(app: Flask, *args: str) -> None:
    result = invoke(app, *args)
    assert result.exit_code == 0, result.output + repr(result.exception)


def populate(app: Flask) -> None:
    """Migrate the database and load the demo, as an operator would."""
    run_cli(app, "db", "upgrade")
    run_cli(app, "seed-demo")


def served_pages(app: Flask) -> dict[str, str]:
    """The front page, every article page and every thread's page, as a visitor sees them."""
    with app.app_context():
        slugs = db.session.scalars(select(Article.slug).order_by(Article.id)).all()
        threads = db.session.scalars(select(Thread.id).order_by(Thread.id)).all()
        db.session.remove()
        db.engine.dispose()
    paths = ["/", *(f"/articles/{slug}" for slug in slugs)]
    paths += [f"/threads/{thread}?per_page=200" for thread in threads]
    client = app.test_client()
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.text
    with app.app_context():
        db.engine.dispose()
    return pages


# "3 hours ago" may turn into "4 hours ago" between the two renderings; the times themselves
# (the datetime attribute) must be the same.
RELATIVE_TIME = re.compile(r'(<time datetime="[^"]+"[^>]*>)[^<]*(</time>)')


def assert_same_forum(original: dict[str, str], restored: dict[str, str]) -> None:
    assert len(original) >= 10  # the front page, two demo articles, seven threads
    assert restored.keys() == original.keys()
    for path, page in original.items():
        same = RELATIVE_TIME.sub(r"\1\2", restored[path]) == RELATIVE_TIME.sub(r"\1\2", page)
        assert same, f"{path} differs after the restore"
    threads = [page for path, page in original.items() if path.startswith("/threads/")]
    assert sum(len(re.findall(r'<article id="post-\d+"', page)) for page in threads) >= 30


def sqlite_shell_backup(source: Path, target: Path) -> None:
    subprocess.run(  # nosec B603 B607
        ["sqlite3", str(source), f".backup '{target}'"], check=True, timeout=60
    )


@pytest.mark.parametrize("method", ["flask backup", "sqlite3 .backup"])
def test_sqlite_backup_restores_into_a_new_file_serving_the_same_pages(tmp_path, method):
    if method == "sqlite3 .backup" and shutil.which("sqlite3") is None:
        pytest.skip("no sqlite3 command (apt-get install sqlite3)")
    live = tmp_path / "forum.sqlite"
    app = forum_app(f"sqlite:///{live}")
    populate(app)
    original = served_pages(app)

    backup = tmp_path / "backups" / "forum-nightly.sqlite"
    backup.parent.mkdir()
    if method == "flask backup":
        run_cli(app, "backup", str(backup))
    else:
        sqlite_shell_backup(live, backup)

    restored_file = tmp_path / "restored" / "forum.sqlite"
    restored_file.parent.mkdir()
    shutil.copyfile(backup, restored_file)
    restored = forum_app(f"sqlite:///{restored_file}")
    run_cli(restored, "db", "upgrade")  # a no-op on a backup of the current schema
    assert_same_forum(original, served_pages(restored))


def test_sqlite_backup_is_consistent_while_the_site_holds_a_connection(tmp_path):
    live = tmp_path / "forum.sqlite"
    app = forum_app(f"sqlite:///{live}")
    populate(app)
    # A reader mid-transaction on the live file: the online backup still copies a whole database.
    reader = sqlite3.connect(live)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM posts").fetchone()
    backup = tmp_path / "copy.sqlite"
    run_cli(app, "backup", str(backup))
    reader.rollback()
    reader.close()
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM posts").fetchone()[0] > 50
    copy.close()


def test_flask_backup_never_overwrites_an_existing_file(tmp_path):
    app = forum_app(f"sqlite:///{tmp_path / 'forum.sqlite'}")
    run_cli(app, "db", "upgrade")
    existing = tmp_path / "yesterday.sqlite"
    existing.write_bytes(b"yesterday's backup")
    result = invoke(app, "backup", str(existing))
    assert result.exit_code != 0
    assert "exists" in result.output
    assert existing.read_bytes() == b"yesterday's backup"


def test_flask_backup_points_postgresql_sites_to_pg_dump(tmp_path):
    app = forum_app("postgresql+psycopg://forum@db.invalid/forum")
    result = invoke(app, "backup", str(tmp_path / "x.dump"))
    assert result.exit_code != 0
    assert "pg_dump -Fc" in result.output
    assert not (tmp_path / "x.dump").exists()


def postgres_tools(server_major: int) -> str | None:
    """The directory of pg_dump and pg_restore matching the server's major version, or None."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin"]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if found := shutil.which("pg_dump"):
        candidates.append(str(Path(found).parent))
    for directory in candidates:
        dump = Path(directory) / "pg_dump"
        if not (dump.exists() and (Path(directory) / "pg_restore").exists()):
            continue
        version = subprocess.run(  # nosec B603
            [str(dump), "--version"], capture_output=True, text=True, check=True
        ).stdout
        # pg_dump reads servers up to its own major version, not newer ones.
        if int(re.search(r"(\d+)\.", version).group(1)) >= server_major:
            return directory
    return None


@pytest.fixture
def postgres_databases() -> Iterator[tuple[str, str, str]]:
    """Two new, empty databases on the test server (the live one, the restore), dropped after."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to back up")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        server_major = int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000
    tools = postgres_tools(server_major)
    if tools is None:
        admin.dispose()
        pytest.skip(f"no pg_dump/pg_restore for PostgreSQL {server_major} (postgresql-client)")
    names = [f"forum_live_{uuid.uuid4().hex[:12]}", f"restore_{uuid.uuid4().hex[:12]}"]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    base = make_url(url)
    urls = [base.set(database=name).render_as_string(hide_password=False) for name in names]
    try:
        yield urls[0], urls[1], tools
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_nightly_dump_restores_into_a_new_database_serving_the_same_pages(
    tmp_path, postgres_databases
):
    live_url, restore_url, tools = postgres_databases
    app = forum_app(live_url)
    populate(app)
    original = served_pages(app)

    # The nightly job as the timer runs it, given the forum's own database setting.
    backups = tmp_path / "backups"
    environment = {
        **os.environ,
        "PATH": f"{tools}:{os.environ['PATH']}",
        "FLASK_SQLALCHEMY_DATABASE_URI": live_url,
        "BACKUP_DIR": str(backups),
    }
    done = subprocess.run(  # nosec B603
        [str(BACKUP_SCRIPT)], env=environment, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    [dump] = backups.glob("forum-*.dump")

    libpq_url = make_url(restore_url).set(drivername="postgresql")
    restore = subprocess.run(  # nosec B603
        [
            f"{tools}/pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            libpq_url.render_as_string(hide_password=False),
            str(dump),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert restore.returncode == 0, restore.stderr
    restored = forum_app(restore_url)
    run_cli(restored, "db", "upgrade")
    assert_same_forum(original, served_pages(restored))


@pytest.fixture
def fake_pg_dump(tmp_path) -> Path:
    """A stand-in pg_dump on PATH that writes its arguments to --file (or fails on request)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text(
        "#!/bin/sh\n"
        '[ -n "${FAIL_DUMP:-}" ] && { echo "pg_dump: connection refused" >&2; exit 1; }\n'
        'for arg; do case "$arg" in --file=*) out="${arg#--file=}";; esac; done\n'
        'echo "$@" > "$out"\n'
    )
    fake.chmod(0o755)
    return bin_dir


def run_backup(bin_dir: Path, backups: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "FLASK_SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://forum@db.internal/forum",
        "BACKUP_DIR": str(backups),
        **env,
    }
    return subprocess.run(  # nosec B603
        [str(BACKUP_SCRIPT)], env=environment, capture_output=True, text=True, timeout=30
    )


def test_backup_script_keeps_the_newest_backups_and_dumps_in_custom_format(tmp_path, fake_pg_dump):
    backups = tmp_path / "backups"
    backups.mkdir()
    older = [backups / f"forum-2026010{day}T020000Z.dump" for day in range(1, 6)]
    for path in older:
        path.write_text("old")
    unrelated = backups / "notes.txt"
    unrelated.write_text("keep me")

    done = run_backup(fake_pg_dump, backups, BACKUP_KEEP="3")

    assert done.returncode == 0, done.stderr
    kept = sorted(path.name for path in backups.glob("forum-*.dump"))
    assert len(kept) == 3
    assert kept[:2] == [older[3].name, older[4].name]
    newest = backups / kept[2]
    # Custom format, and the SQLAlchemy driver name turned into a URL libpq reads.
    assert newest.read_text().split() == [
        "--format=custom",
        f"--file={newest}.partial",
        "postgresql://forum@db.internal/forum",
    ]
    assert unrelated.exists()
    assert not list(backups.glob("*.partial"))
    assert oct(newest.stat().st_mode & 0o777) == "0o600"


def test_a_failed_dump_leaves_no_file_and_deletes_no_old_backup(tmp_path, fake_pg_dump):
    backups = tmp_path / "backups"
    backups.mkdir()
    old = [backups / f"forum-2026010{day}T020000Z.dump" for day in range(1, 4)]
    for path in old:
        path.write_text("old")

    done = run_backup(fake_pg_dump, backups, BACKUP_KEEP="1", FAIL_DUMP="1")

    assert done.returncode != 0
    assert "connection refused" in done.stderr
    assert sorted(backups.iterdir()) == old


@pytest.mark.parametrize(
    ("setting", "value", "complaint"),
    [
        ("FLASK_SQLALCHEMY_DATABASE_URI", "sqlite:///forum.sqlite", "flask backup FILE"),
        ("BACKUP_KEEP", "0", "BACKUP_KEEP must be 1 or more"),
    ],
)
def test_backup_script_refuses_what_it_cannot_back_up(
    tmp_path, fake_pg_dump, setting, value, complaint
):
    done = run_backup(fake_pg_dump, tmp_path / "backups", **{setting: value})
    assert done.returncode == 2
    assert complaint in done.stderr
    assert not (tmp_path / "backups").exists()


def test_the_readme_names_every_deployment_file_and_the_backup_script():
    files = [*sorted(DEPLOY.iterdir()), BACKUP_SCRIPT]
    assert len(files) >= 5
    missing = [path.name for path in files if str(path.relative_to(ROOT)) not in README]
    assert missing == []


def unit_settings(name: str) -> dict[str, list[str]]:
    """A systemd unit's keys and their values (a key may repeat)."""
    settings: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";")):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_units_run_gunicorn_and_the_backup_the_readme_describes():
    web = unit_settings("forum-web.service")
    assert "forum:create_app()" in web["ExecStart"][0]
    assert web["Restart"] == ["on-failure"]
    backup = unit_settings("forum-backup.service")
    assert backup["Type"] == ["oneshot"]
    assert backup["ExecStart"] == ["/usr/local/bin/forum-backup-postgres"]
    assert "BACKUP_KEEP=14" in backup["Environment"][0]
    timer = unit_settings("forum-backup.timer")
    assert timer["Unit"] == ["forum-backup.service"]
    assert timer["Persistent"] == ["true"]
    assert timer["WantedBy"] == ["timers.target"]


def test_nginx_matches_the_forums_settings():
    site = (DEPLOY / "nginx-forum.conf").read_text()
    app = forum_app("sqlite://")
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit % (1024 * 1024) == 0
    assert f"client_max_body_size {limit // (1024 * 1024)}m;" in site
    # FLASK_PROXY_FIX_HOPS=1: nginx is the one proxy, and sets each header ProxyFix reads once.
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert len(re.findall(rf"proxy_set_header {header} ", site)) == 1, header
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "ssl_certificate " in site and "listen 443 ssl" in site
    assert re.search(r"location /static/ \{\s+alias /\S+/static/;", site)


def test_systemd_accepts_the_units(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("no systemd-analyze")
    for name in ("forum-web.service", "forum-backup.service", "forum-backup.timer"):
        shutil.copy(DEPLOY / name, tmp_path / name)
    done = subprocess.run(  # nosec B603 B607
        ["systemd-analyze", "verify", *(str(path) for path in sorted(tmp_path.iterdir()))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The executables live on the server, not here; any other complaint is a mistake in a unit.
    complaints = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and "is not executable: No such file" not in line
    ]
    assert complaints == []
