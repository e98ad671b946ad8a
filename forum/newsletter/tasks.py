"""The weekly newsletter in the queue's schedule, and `forum send-digest` to send it by hand."""

import logging

import click
from huey import crontab

from .. import jobs
from . import sending
from .letters import NoPublicUrl, locale_of

logger = logging.getLogger("forum.newsletter")


# Huey's schedule is fixed when this module is imported, so the job runs every ten minutes and
# the settings (read on each run) decide: it sends once NEWSLETTER_DAY at NEWSLETTER_HOUR has
# come, and goes on where a sender stopped (killed, or the mail server away) until it is sent.
@jobs.periodic(crontab(minute="*/10"))
def weekly_newsletter() -> None:
    try:
        outcome = sending.send_this_week()
    except (sending.BadSchedule, NoPublicUrl) as error:
        logger.error("the newsletter was not sent: %s", error)
        return
    sent = outcome.sent
    if sent is not None and not sent.busy:
        logger.info(
            "newsletter %s: %d sent, %d refused%s",
            outcome.issue,
            sent.sent,
            sent.refused,
            f"; stopped: {sent.error}" if sent.error else "",
        )


@click.command("send-digest")
@click.option("--dry-run", is_flag=True, help="Print who would get what; send and record nothing.")
def send_digest_command(dry_run: bool) -> None:
    """Send this week's newsletter now to every confirmed subscriber who has not had it."""
    if dry_run:
        _print_preview()
        return
    try:
        outcome = sending.send_this_week(by_hand=True)
    except NoPublicUrl as error:
        raise click.ClickException(str(error)) from None
    issue, sent = outcome.issue, outcome.sent
    if issue is None or issue.empty:
        click.echo("Nothing new in the debates this week: no issue sent.")
    elif sent is None:
        click.echo(f"Issue {issue.number} (week {_week(issue)}) has already been sent.")
    elif sent.busy:
        click.echo(
            f"Issue {issue.number} is being sent by another process (the queue's worker?), "
            f"which sends the rest; {sent.sent} sent from here."
        )
    else:
        click.echo(
            f"Issue {issue.number} (week {_week(issue)}): sent to {sent.sent} subscribers"
            + (f", {sent.refused} addresses refused by the mail server." if sent.refused else ".")
        )
        if sent.error:
            raise click.ClickException(
                f"The mail server stopped answering: {sent.error}. Run the command again (or "
                "let the worker) to send the rest."
            )


def _print_preview() -> None:
    try:
        preview = sending.preview_this_week()
    except NoPublicUrl as error:
        raise click.ClickException(str(error)) from None
    if preview.sent is not None:
        click.echo(f"Issue {preview.sent.number} (week {_week(preview.sent)}) has been sent.")
        return
    digest = preview.digest
    if digest is None:
        click.echo("Nothing new in the debates this week: no issue would be sent.")
        return
    click.echo(
        f"Issue {digest.number}, {digest.period_start:%Y-%m-%d %H:%M} to "
        f"{digest.period_end:%Y-%m-%d %H:%M} UTC: {len(digest.new_articles)} new articles, "
        f"{len(digest.debates)} debates. Would go to {len(preview.recipients)} subscribers:"
    )
    for email, locale in preview.recipients:
        locale = locale_of(locale)
        click.echo(f"  {email} ({locale}): {preview.subjects[locale]}")
    click.echo("(Dry run: nothing sent, nothing recorded.)")


def _week(issue) -> str:
    return f"{issue.year}-W{issue.week:02d}"
