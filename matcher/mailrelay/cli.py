"""`flask --app matcher relay ...`: the MTA pipe, the SMTP listener, IMAP polling, reading, sending."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from matcher.mailrelay.inbound.pipe import EX_TEMPFAIL, receive_exit_code
from matcher.mailrelay.ingest import deliver_alerts_then_resume
from matcher.mailrelay.outbound.outbox import deliver_due, one_connection

relay_cli = AppGroup("relay", help="Send and receive relayed mail.")


@relay_cli.command("receive")
@click.option("--recipient", help="The masked address, as the MTA's envelope recipient.")
def receive_command(recipient: str | None) -> None:
    """Read one RFC 5322 message on standard input and store it (exit 0, 67 or 75)."""
    raw = sys.stdin.buffer.read()
    sys.exit(receive_exit_code(raw, recipient))


@relay_cli.command("send")
def send_command() -> None:
    """Deliver alerts, finish any interrupted inbound, then deliver everything else due now."""
    with one_connection():  # every pass of the command over one SMTP connection
        resumed = deliver_alerts_then_resume()
        report = deliver_due()
    click.echo(f"sent {report.sent}, retrying later {report.retried}, failed {report.failed}"
               + (f"; resumed {resumed} inbound" if resumed else ""))


@relay_cli.command("work")
@click.option("--once", is_flag=True, help="Read whatever is stored now, then exit.")
def work_command(once: bool) -> None:
    """Read stored inbound mail (MATCHER_RELAY_PROCESSING = "workers"); several may run at once."""
    import signal
    import threading

    from matcher.mailrelay.work import work_forever, work_once

    if once:
        click.echo(f"read {work_once()} stored messages")
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # The message being read is left stored between steps; its lease frees it for another worker.
        signal.signal(signum, lambda *_: stop.set())
    work_forever(stopping=stop.is_set)


@relay_cli.command("smtpd")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback only, behind the organisation's MX, unless --allow-public-bind.")
@click.option("--port", default=2525, show_default=True, type=int)
@click.option("--allow-public-bind", is_flag=True, help="Allow a non-loopback --host.")
def smtpd_command(host: str, port: int, allow_public_bind: bool) -> None:
    """Listen for inbound SMTP; answer 250 only once a message is stored."""
    from matcher.mailrelay.inbound.smtpd import PublicBindRefused, check_bind, serve

    try:
        check_bind(host, allow_public_bind or current_app.config["MATCHER_SMTPD_ALLOW_PUBLIC_BIND"])
    except PublicBindRefused as refused:
        raise click.ClickException(str(refused)) from None
    serve(current_app._get_current_object(), host, port)  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask


@relay_cli.command("poll")
def poll_command() -> None:
    """Make one pass over the IMAP mailbox."""
    from matcher.mailrelay.inbound.imap import MailboxUnavailable, poll_once

    try:
        report = poll_once(current_app._get_current_object())  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    except MailboxUnavailable as error:
        click.echo(f"mailbox unavailable: {error}", err=True)
        sys.exit(EX_TEMPFAIL)
    click.echo(f"stored {report.stored}, unknown address {report.unknown}, left for retry {report.retry}, "
               f"too large {report.too_large}")
