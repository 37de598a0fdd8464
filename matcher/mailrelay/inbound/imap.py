"""`relay poll`: one pass over the IMAP mailbox, oldest message first, by UID.

Each message is fetched on its own (a mailbox may hold large attachments) and
handed to `ingest.receive`; only once that has returned, with the message
committed, is the message filed away: in the processed folder, or, when it is for
no masked address, in the unknown-address folder for a person to read, since IMAP
cannot bounce. If the poller dies between the two, the next pass reads the message
again and ingest recognises it, so nothing is lost and nothing is relayed twice.
"""
import enum
import logging
from dataclasses import dataclass

from flask import Flask
from imapclient import DELETED, IMAPClient
from imapclient.exceptions import IMAPClientError

from matcher.extensions import db
from matcher.mailrelay.ingest import UnknownAddress, receive, send_alerts_now

log = logging.getLogger(__name__)

# When this many messages in a row cannot be stored, the cause is the database or
# the machine, not the messages: stop fetching and leave the rest for the next pass.
FAILURES_BEFORE_STOPPING = 3


@dataclass
class PollReport:
    """What one pass over the mailbox did with its messages."""

    stored: int = 0      # stored now, or already stored by an earlier pass
    unknown: int = 0     # for no masked address: filed for a person to read
    retry: int = 0       # left in the inbox for the next pass
    too_large: int = 0   # over MATCHER_RELAY_MAX_MESSAGE_BYTES: left in the inbox for a person


class MailboxUnavailable(Exception):
    """The IMAP server could not be reached, refused the login, or has no such folder."""


class Outcome(enum.Enum):
    """What became of one message in the inbox."""

    STORED = "stored"
    UNKNOWN = "unknown"
    FAILED = "failed"
    GONE = "gone"


@dataclass(frozen=True)
class MailboxSettings:
    """The MATCHER_IMAP_* configuration, read when a pass starts."""

    host: str | None
    port: int
    use_ssl: bool
    starttls: bool
    username: str | None
    password: str | None
    oauth2_token: str | None
    inbox: str
    processed: str
    unknown: str
    timeout: float
    max_bytes: int

    @classmethod
    def from_config(cls, config) -> "MailboxSettings":
        """Read the settings from an application's configuration."""
        return cls(
            host=config["MATCHER_IMAP_HOST"], port=int(config["MATCHER_IMAP_PORT"]),
            use_ssl=bool(config["MATCHER_IMAP_SSL"]), starttls=bool(config["MATCHER_IMAP_STARTTLS"]),
            username=config["MATCHER_IMAP_USERNAME"], password=config["MATCHER_IMAP_PASSWORD"],
            oauth2_token=config["MATCHER_IMAP_OAUTH2_TOKEN"],
            inbox=config["MATCHER_IMAP_FOLDER"] or "INBOX",
            processed=config["MATCHER_IMAP_PROCESSED_FOLDER"] or "Processed",
            unknown=config["MATCHER_IMAP_UNKNOWN_FOLDER"] or "Unknown address",
            timeout=float(config["MATCHER_IMAP_TIMEOUT"]),
            max_bytes=int(config["MATCHER_RELAY_MAX_MESSAGE_BYTES"]),
        )


def poll_once(app: Flask) -> PollReport:
    """Make one pass over the IMAP inbox: store each message, then file it away."""
    settings = MailboxSettings.from_config(app.config)
    if not settings.host:
        log.warning("relay poll: MATCHER_IMAP_HOST is not set, so there is no mailbox to poll")
        return PollReport()
    with app.app_context():
        client = open_mailbox(settings)
        try:
            report = read_inbox(client, settings)
        finally:
            close_quietly(client)
    log.info("relay poll: stored %d, unknown address %d, left for retry %d, too large %d",
             report.stored, report.unknown, report.retry, report.too_large)
    return report


def open_mailbox(settings: MailboxSettings) -> IMAPClient:
    """Connect, log in and select the inbox; raise MailboxUnavailable if any step fails."""
    where = f"{settings.host}:{settings.port}"
    try:
        client = IMAPClient(settings.host, settings.port, ssl=settings.use_ssl, timeout=settings.timeout)
    except (OSError, IMAPClientError) as error:
        raise MailboxUnavailable(f"cannot reach the IMAP server at {where}: {error}") from error
    try:
        # STARTTLS upgrades a plain connection; on an SSL connection there is nothing to upgrade.
        if settings.starttls and not settings.use_ssl:
            client.starttls()
        log_in(client, settings)
        for folder in (settings.processed, settings.unknown):
            ensure_folder(client, folder)
        client.select_folder(settings.inbox)
    except (OSError, IMAPClientError) as error:
        close_quietly(client)
        raise MailboxUnavailable(f"the IMAP server at {where} refused: {error}") from error
    return client


def log_in(client: IMAPClient, settings: MailboxSettings) -> None:
    """Log in with the OAuth2 token (XOAUTH2) when there is one, else with the password."""
    if settings.oauth2_token:
        client.oauth2_login(settings.username, settings.oauth2_token)
    else:
        client.login(settings.username, settings.password)


def ensure_folder(client: IMAPClient, folder: str) -> None:
    """Create a folder unless it exists."""
    if client.folder_exists(folder):
        return
    try:
        client.create_folder(folder)
    except IMAPClientError:
        # Another poller may have created it a moment ago; only its absence is an error.
        if not client.folder_exists(folder):
            raise


def read_inbox(client: IMAPClient, settings: MailboxSettings) -> PollReport:
    """Take each message in the selected inbox, oldest first, and count what became of it."""
    report = PollReport(too_large=count_too_large(client, settings.max_bytes))
    waiting = sorted(client.search(["NOT", "DELETED", "SMALLER", str(settings.max_bytes + 1)]))
    failures_in_a_row = 0
    for position, uid in enumerate(waiting):
        outcome = take_message(client, uid)
        if outcome is Outcome.STORED:
            send_alerts_now()  # moving it out of the inbox is the acknowledgement: alerts go first
        report.stored += outcome is Outcome.STORED
        report.unknown += outcome is Outcome.UNKNOWN
        report.retry += outcome is Outcome.FAILED
        failures_in_a_row = failures_in_a_row + 1 if outcome is Outcome.FAILED else 0
        if not file_away(client, uid, outcome, settings) or failures_in_a_row >= FAILURES_BEFORE_STOPPING:
            left = len(waiting) - position - 1
            report.retry += left
            log.warning("relay poll stopped early; %d more messages left for the next pass", left)
            break
    return report


def count_too_large(client: IMAPClient, max_bytes: int) -> int:
    """Count the messages too large to relay; they stay in the inbox for a person to deal with."""
    too_large = client.search(["NOT", "DELETED", "LARGER", str(max_bytes)])
    if too_large:
        log.warning("%d messages in the IMAP inbox are larger than %d bytes and were not fetched",
                    len(too_large), max_bytes)
    return len(too_large)


def take_message(client: IMAPClient, uid: int) -> Outcome:
    """Fetch one message and store it through ingest; say what became of it."""
    try:
        raw = fetch_message(client, uid)
    except (OSError, IMAPClientError) as error:
        log.error("IMAP message UID %s could not be fetched (%s); left in the inbox", uid, type(error).__name__)
        return Outcome.FAILED
    if raw is None:
        return Outcome.GONE
    try:
        received = receive(raw, "imap")
    except UnknownAddress:
        log.info("IMAP message UID %s is for no masked address; keeping it for a person", uid)
        return Outcome.UNKNOWN
    except Exception as error:  # the message stays in the inbox; the next pass retries
        forget_failed_transaction()
        # The error text can quote the message (SQL parameters), so above DEBUG only its type.
        log.error("IMAP message UID %s could not be stored (%s); left in the inbox", uid, type(error).__name__)
        log.debug("why IMAP message UID %s could not be stored", uid, exc_info=True)
        return Outcome.FAILED
    if received.duplicate:
        log.info("IMAP message UID %s was already stored by an earlier pass", uid)
    return Outcome.STORED


def fetch_message(client: IMAPClient, uid: int) -> bytes | None:
    """Fetch one whole message without marking it read; None if it has gone meanwhile."""
    fetched = client.fetch([uid], ["BODY.PEEK[]"])
    return fetched.get(uid, {}).get(b"BODY[]")


def file_away(client: IMAPClient, uid: int, outcome: Outcome, settings: MailboxSettings) -> bool:
    """Move a handled message out of the inbox; return False if the move failed."""
    folder = {Outcome.STORED: settings.processed, Outcome.UNKNOWN: settings.unknown}.get(outcome)
    if folder is None:
        return True
    try:
        move_message(client, uid, folder)
    except Exception as error:  # stored already; the next pass finds it again and dedupes
        log.error("IMAP message UID %s is stored but could not be moved to %r (%s); "
                  "the next pass will find it again", uid, folder, type(error).__name__)
        log.debug("why IMAP message UID %s could not be moved", uid, exc_info=True)
        return False
    return True


def move_message(client: IMAPClient, uid: int, folder: str) -> None:
    """Move one message to `folder`: MOVE where the server offers it, else COPY, \\Deleted, expunge."""
    if client.has_capability("MOVE"):
        client.move([uid], folder)
        return
    # A crash after COPY leaves a second copy in `folder` on the next pass; harmless.
    client.copy([uid], folder)
    client.add_flags([uid], [DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])
    else:
        # Without UIDPLUS the only expunge there is removes every message marked deleted,
        # which is what any mail program would do to them anyway.
        client.expunge()


def forget_failed_transaction() -> None:
    """Roll back the session after a failure, even if the database has gone away."""
    try:
        db.session.rollback()
    except Exception:  # the next pass starts with a fresh session anyway
        log.debug("rollback after a failed IMAP message also failed", exc_info=True)


def close_quietly(client: IMAPClient) -> None:
    """Log out, ignoring a connection that has already gone."""
    try:
        client.logout()
    except Exception:  # nothing is left to save on this connection
        log.debug("IMAP logout failed", exc_info=True)
