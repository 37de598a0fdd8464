"""The MTA pipe (`relay receive`): one message on standard input, answered with a sysexits code."""
import logging

import click
from flask import current_app

from matcher.extensions import db
from matcher.mailrelay.ingest import UnknownAddress, receive, send_alerts_now

log = logging.getLogger(__name__)

# sysexits.h, as MTAs expect from a pipe transport.
EX_OK, EX_NOUSER, EX_TEMPFAIL = 0, 67, 75


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
    except Exception:  # the MTA keeps the message and retries; never a traceback
        log.exception("relay receive failed; asking the MTA to retry")
        db.session.rollback()
        click.echo("temporary failure; please retry", err=True)
        return EX_TEMPFAIL
    send_alerts_now()
    return EX_OK
