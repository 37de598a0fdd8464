"""The scheduler's IMAP IDLE connection: the inbox is read the moment the server says mail came.

Polling every minute made an alert wait up to a minute before anyone read the message. The
watcher keeps one connection in IDLE (RFC 2177), wakes on the server's EXISTS/RECENT news, reads
the inbox with the same `read_inbox` as `relay poll`, and renews IDLE well inside the 29 minutes
servers allow. While it is idling, the scheduler's interval poll stands aside; when the server
offers no IDLE, or the connection drops, the interval poll is the fallback until it reconnects.
"""
import logging
import threading
import time

from flask import Flask
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from matcher.extensions import db
from matcher.mailrelay.inbound.imap import MailboxSettings, MailboxUnavailable, close_quietly, open_mailbox, read_inbox

log = logging.getLogger(__name__)

# RFC 2177 lets a server end IDLE after 29 minutes; renewing sooner also notices a dead link.
RENEW_IDLE_EVERY = 300.0
# How long one wait inside IDLE lasts, so a stop request is noticed within about a second.
CHECK_EVERY = 1.0
RECONNECT_AFTER = 10.0

idling = threading.Event()


def watch(app: Flask, stop: threading.Event) -> None:
    """Keep an IDLE connection until `stop` is set, reconnecting after failures."""
    settings = MailboxSettings.from_config(app.config)
    if not settings.host:
        return
    while not stop.is_set():
        try:
            if not _watch_once(app, settings, stop):
                log.warning("the IMAP server offers no IDLE; the scheduler polls it instead")
                return
        except (MailboxUnavailable, OSError, IMAPClientError) as error:
            log.warning("IMAP IDLE connection lost (%s); polling until it reconnects", type(error).__name__)
        finally:
            idling.clear()
        stop.wait(RECONNECT_AFTER)


def _watch_once(app: Flask, settings: MailboxSettings, stop: threading.Event) -> bool:
    """Idle on one connection until it fails or `stop`; return False if the server has no IDLE."""
    with app.app_context():
        client = open_mailbox(settings)
        try:
            if not client.has_capability("IDLE"):
                return False
            _read(client, settings)  # what arrived while nobody was idling
            while not stop.is_set():
                if _idle_until_news(client, stop):
                    _read(client, settings)
        finally:
            close_quietly(client)
            db.session.remove()
    return True


def _idle_until_news(client: IMAPClient, stop: threading.Event) -> bool:
    """Idle until the server reports a change, `stop`, or renewal time; True if mail may have come."""
    client.idle()
    idling.set()
    renew_at = time.monotonic() + RENEW_IDLE_EVERY
    news: list = []
    try:
        while not news and not stop.is_set() and time.monotonic() < renew_at:
            news = client.idle_check(timeout=CHECK_EVERY)
    finally:
        client.idle_done()
    return bool(news)


def _read(client: IMAPClient, settings: MailboxSettings) -> None:
    report = read_inbox(client, settings)
    db.session.remove()  # each pass starts with a fresh session, as a `relay poll` process would
    if report.stored or report.unknown or report.retry:
        log.info("IMAP IDLE: stored %d, unknown address %d, left for retry %d",
                 report.stored, report.unknown, report.retry)
