"""`flask --app matcher relay ...`: the MTA pipe, the SMTP listener, IMAP polling, sending."""
import logging
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from matcher.extensions import db
from matcher.mailrelay.ingest import UnknownAddress, receive, resume_pending
from matcher.mailrelay.outbound.outbox import deliver_due

relay_cli = AppGroup("relay", help="Send and receive relayed mail.")
log = logging.getLogger(__name__)

# sysexits.h, as MTAs expect from a pipe transport.
EX_OK, EX_NOUSER, EX_TEMPFAIL = 0, 67, 75


@relay_cli.command("receive")
@click.option("--recipient", help="The masked address, as the MTA's envelope recipient.")
def receive_command(recipient: str | None) -> None:
    """Read one RFC 5322 message on standard input and store it (exit 0, 67 or 75)."""
    raw = sys.stdin.buffer.read()
    sys.exit(receive_exit_code(raw, recipient))


def receive_exit_code(raw: bytes, recipient: str | None) -> int:
    """Receive one piped message and return the exit code the MTA should see."""
    limit = current_app.config["MATCHER_RELAY_MAX_MESSAGE_BYTES"]
    if len(raw) > limit:
        click.echo(f"message larger than {limit} bytes", err=True)
        return EX_NOUSER
    try:
        receive(raw, "pipe", recipient)
    except UnknownAddress:
        click.echo("no such masked address", err=True)
        return EX_NOUSER
    except Exception:  # noqa: BLE001 - the MTA keeps the message and retries; never a traceback
        log.exception("relay receive failed; asking the MTA to retry")
        db.session.rollback()
        click.echo("temporary failure; please retry", err=True)
        return EX_TEMPFAIL
    _send_alerts_now()
    return EX_OK


def _send_alerts_now() -> None:
    """Send safeguarding alerts and crisis replies before the pipe process exits."""
    try:
        deliver_due(limit=20, most_urgent_only=True)
    except Exception:  # noqa: BLE001 - the message is stored; the scheduler's sender sends them
        log.exception("could not send alerts at once; the outbox keeps them")
        db.session.rollback()


@relay_cli.command("send")
def send_command() -> None:
    """Deliver everything due in the outbox now (and finish any interrupted inbound)."""
    resumed = resume_pending()
    report = deliver_due()
    click.echo(f"sent {report.sent}, retrying later {report.retried}, failed {report.failed}"
               + (f"; resumed {resumed} inbound" if resumed else ""))


@relay_cli.command("smtpd")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=2525, show_default=True, type=int)
def smtpd_command(host: str, port: int) -> None:
    """Listen for inbound SMTP; answer 250 only once a message is stored."""
    from matcher.mailrelay.inbound.smtpd import serve

    serve(current_app._get_current_object(), host, port)


@relay_cli.command("poll")
def poll_command() -> None:
    """Make one pass over the IMAP mailbox."""
    from matcher.mailrelay.inbound.imap import MailboxUnavailable, poll_once

    try:
        report = poll_once(current_app._get_current_object())
    except MailboxUnavailable as error:
        click.echo(f"mailbox unavailable: {error}", err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo(f"stored {report.stored}, unknown address {report.unknown}, left for retry {report.retry}, "
               f"too large {report.too_large}")
