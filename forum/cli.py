"""Command-line tasks: thin wrappers over the services."""

import logging
import os
import secrets
import sqlite3

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy import select

from .errors import InvalidInput
from .extensions import db
from .models import Role, User


@click.command("create-user")
@click.argument("username")
@click.option("--email", required=True, help="The user's e-mail address.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.READER.value,
    show_default=True,
)
@click.option("--password", help="Leave out to have a random one generated and printed.")
def create_user_command(username: str, email: str, role: str, password: str | None) -> None:
    """Create an account with a role."""
    from .services.accounts import register

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = register(username, email, password, role=Role(role))
    except InvalidInput as error:
        raise click.UsageError(f"{error.field}: {error.message}") from None
    click.echo(f"Created {user.role.value} {user.username} <{user.email}>.")
    if generated:
        click.echo(f"Password: {password}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo articles, users and debate (does nothing if they are already there)."""
    from .sample.demo import seed_demo

    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database has content; demo not loaded.")
        return
    if seed_demo():
        click.echo("Demo content loaded.")
    else:
        click.echo("Demo content is already there.")


@click.command("recount")
def recount_command() -> None:
    """Recompute every stored count and ranking from the votes and posts."""
    from .services.figures import recount_all

    recount_all()
    click.echo("Counts and rankings recomputed.")


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_command(path: str) -> None:
    """Write every user, article, thread, post, vote, flag and audit entry to a JSON file."""
    from .services.transfer import export_data

    with open(path, "w", encoding="utf-8") as out:
        counts = export_data(out)
    click.echo(f"Exported {sum(counts.values())} rows to {path}.")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Load a JSON export into an empty, migrated database."""
    from .services.transfer import NotEmpty, import_data

    try:
        with open(path, encoding="utf-8") as source:
            counts = import_data(source)
    except (NotEmpty, ValueError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Imported {sum(counts.values())} rows from {path}.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Copy the SQLite database to PATH while the site runs (PostgreSQL: use pg_dump -Fc)."""
    if db.engine.dialect.name != "sqlite":
        raise click.ClickException(
            "The database is not SQLite: back it up with pg_dump -Fc"
            " (README, Operations: scripts/backup-postgres.sh)."
        )
    if os.path.exists(path):
        raise click.ClickException(f"{path} exists; a backup never overwrites a file.")
    partial = f"{path}.partial"
    source = db.engine.raw_connection()
    try:
        # SQLite's online backup: a consistent copy, even of a WAL database others write to.
        target = sqlite3.connect(partial)
        try:
            source.driver_connection.backup(target)
        finally:
            target.close()
        os.replace(partial, path)
    except sqlite3.Error as error:
        raise click.ClickException(f"Backup failed: {error}") from None
    finally:
        source.close()
        if os.path.exists(partial):
            os.remove(partial)
    click.echo(f"Backed up the database to {path}.")


def create_cli_app() -> Flask:
    """The app the `forum` command loads.

    Commands sign nothing that outlives them, so with FLASK_SECRET_KEY unset they get a random
    key of their own: `forum --help` and `forum db upgrade` work before the site is configured,
    and a `forum run` without the setting keeps its logins until it stops. The web server
    (`forum:create_app()`) still refuses to start without it.
    """
    from . import SecretKeyMissing, create_app

    try:
        return create_app()
    except SecretKeyMissing:
        app = create_app({"SECRET_KEY": secrets.token_hex(32)})
        app.extensions["forum_random_key"] = True
        return app


main = FlaskGroup(
    name="forum",
    create_app=create_cli_app,
    help="Run and look after the forum: the development server, migrations, accounts, data.",
)


@click.command("worker")
@click.option(
    "--workers", type=click.IntRange(1), default=2, show_default=True, help="Jobs run at once."
)
def worker_command(workers: int) -> None:
    """Run the queued jobs (e-mail, notifications, digests) until stopped with Ctrl-C."""
    from flask import current_app

    from . import jobs

    app = current_app._get_current_object()
    if jobs.immediate(app):
        raise click.ClickException(
            "FLASK_QUEUE_URL is 'immediate': jobs run where they are queued, there is no queue "
            "to consume."
        )
    if not (app.debug or app.testing):
        # The jobs write links and signed unsubscribe tokens into e-mails read elsewhere.
        if not app.config["PUBLIC_URL"]:
            raise click.ClickException(
                "FLASK_PUBLIC_URL is not set: the links in e-mails would have no address. "
                "Set it to the site's address, e.g. https://debat.example.dk."
            )
        if app.extensions.get("forum_random_key"):
            raise click.ClickException(
                "FLASK_SECRET_KEY is not set: the links in e-mails would be signed with a key "
                "the web server does not know."
            )
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    # The consumer runs each job in an app context of its own (forum/jobs.py), not this one.
    jobs.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


def init_app(app: Flask) -> None:
    from .newsletter.tasks import send_digest_command

    app.cli.add_command(send_digest_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(recount_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(gen_data_command)


@click.command("gen-data")
@click.option("--articles", type=click.IntRange(1), default=50, show_default=True)
@click.option("--users", type=click.IntRange(3), default=1_000, show_default=True)
@click.option("--posts", type=click.IntRange(0), default=20_000, show_default=True)
@click.option("--votes", type=click.IntRange(0), default=50_000, show_default=True)
@click.option(
    "--big-thread",
    type=click.IntRange(0),
    default=0,
    help="Posts given to the first article's first question before the rest are spread.",
)
@click.option("--seed", type=int, default=1, show_default=True)
def gen_data_command(
    articles: int, users: int, posts: int, votes: int, big_thread: int, seed: int
) -> None:
    """Add generated users, articles, debates and votes in bulk (for benchmarks)."""
    import time

    from .sample.generate import GENERATED_PASSWORD, Size, generate

    started = time.perf_counter()
    size = Size(articles, users, posts, votes, seed=seed, big_thread=big_thread)
    try:
        counts = generate(size)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    elapsed = time.perf_counter() - started
    click.echo(", ".join(f"{count} {name}" for name, count in counts.items()))
    click.echo(
        f"Generated in {elapsed:.1f} s. Every gen_user_N has the password {GENERATED_PASSWORD}."
    )
