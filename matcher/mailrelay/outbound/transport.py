"""Ways of handing a finished message to the world: SMTP, or a local mailbox."""
import contextlib
import logging
import re
import smtplib
import time
from dataclasses import dataclass

from flask import Flask

from matcher.mailrelay.models import OutboxStatus

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """The server or network said 'try later'."""


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx answer)."""


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to reach one SMTP server; `timeout` bounds every connect, read and write."""

    host: str
    port: int = 25
    use_ssl: bool = False
    use_tls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config) -> "SmtpServer":
        """Read Flask-Mail's MAIL_* settings, with MAIL_TIMEOUT (Flask-Mail itself sets none)."""
        return cls(config["MAIL_SERVER"], int(config["MAIL_PORT"]), bool(config["MAIL_USE_SSL"]),
                   bool(config["MAIL_USE_TLS"]), config["MAIL_USERNAME"], config["MAIL_PASSWORD"],
                   float(config["MAIL_TIMEOUT"]))

    def connect(self) -> smtplib.SMTP:
        """Open, secure and log in; a server that accepts and never answers times out."""
        kind = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        connection = kind(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                connection.starttls()
            if self.username and self.password:
                connection.login(self.username, self.password)
        except (smtplib.SMTPException, OSError):
            connection.close()
            raise
        return connection


class _NotTaken(Exception):
    """The connection failed before the server could have taken the message (nothing to resend)."""


class SmtpTransport:
    """Send through one SMTP server (Flask-Mail's MAIL_* settings by default), reusing one connection.

    A pass (`with transport:`) opens the connection at its first message and sends the rest over it,
    with RSET between messages. With `keep_open` the connection also outlives the pass, for a
    long-running sender (the SMTP listener, `relay send`), until it has been idle `max_idle` seconds
    or carried `max_messages`. A connection that fails before the message's content was sent (the
    server dropped an idle connection, a restart) is replaced and the message sent once on the new
    one: the server cannot have it. A failure after the content was sent is a temporary failure
    (the outbox tries again later, under the same Message-ID): the server may have taken it.
    """

    def __init__(self, server: SmtpServer | None = None, keep_open: bool = False, max_idle: float = 30.0,
                 max_messages: int = 100, clock=time.monotonic):
        self._server = server
        self._keep_open = keep_open
        self._max_idle = max_idle
        self._max_messages = max_messages
        self._clock = clock
        self._connection: smtplib.SMTP | None = None
        self._carried = 0  # messages (accepted or refused) on the open connection
        self._last_used = 0.0
        self.connections_opened = 0
        # Set when connecting failed in this pass: the rest of the pass fails at once instead of
        # each message waiting MAIL_TIMEOUT again (an adapter waits for its alerts before it answers).
        self._unreachable: str | None = None

    def __enter__(self):
        self._unreachable = None  # a new pass tries the server again
        return self

    def __exit__(self, *exc_info):
        if not self._keep_open:
            self.close()

    def close(self) -> None:
        """Say QUIT and close the connection, if one is open."""
        if self._connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._connection.quit()
            self._connection.close()
            self._connection = None

    def send(self, envelope_from: str, recipient: str, raw: bytes) -> OutboxStatus:
        """Deliver one message; raise Temporary/PermanentFailure on refusal."""
        if self._unreachable is not None:
            raise TemporaryFailure(f"mail server unreachable in this pass ({self._unreachable})")
        for last_try in (False, True):
            reused = self._ready()
            try:
                self._transaction(envelope_from, recipient, raw)
            except _NotTaken as dropped:
                self.close()
                if last_try or not reused:
                    raise TemporaryFailure(str(dropped)) from dropped
                log.info("a kept SMTP connection had closed; sending on a new one")
                continue
            return OutboxStatus.SENT
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _ready(self) -> bool:
        """Open a connection unless a fit one is open; return True if an open one is reused."""
        stale = self._carried >= self._max_messages or self._clock() - self._last_used > self._max_idle
        if self._connection is not None and stale:
            self.close()
        if self._connection is not None:
            return True
        try:
            self._connection = self._connect()
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        self.connections_opened += 1
        self._carried = 0
        return False

    def _transaction(self, envelope_from: str, recipient: str, raw: bytes) -> None:
        """Run MAIL, RCPT and DATA on the open connection; refusals keep it open (after RSET)."""
        connection = self._connection
        assert connection is not None  # noqa: S101 - _ready opened it
        self._last_used = self._clock()
        self._carried += 1
        try:
            if self._carried > 1 and connection.rset()[0] != 250:  # a clean transaction; finds a dropped connection
                raise smtplib.SMTPServerDisconnected("RSET refused")
            connection.ehlo_or_helo_if_needed()
            options = [f"size={len(raw)}"] if connection.has_extn("size") else []
            envelope_from, recipient = _ascii_domain(envelope_from), _ascii_domain(recipient)
            if not (envelope_from.isascii() and recipient.isascii()):
                # smtplib would raise UnicodeEncodeError, which no caller expects: the whole pass stopped
                # at this row, and it stayed claimed, to stop the next pass again when its lease ran out.
                if not connection.has_extn("smtputf8"):
                    raise PermanentFailure("the address has letters outside ASCII and the mail server "
                                           "does not offer SMTPUTF8")
                options.append("SMTPUTF8")
            self._expect((250,), *connection.mail(envelope_from, options))
            self._expect((250, 251), *connection.rcpt(recipient))
            self._expect((354,), *connection.docmd("data"))
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise _NotTaken(f"{type(error).__name__}: {error}") from error
        try:  # from here on the server may have taken the message whatever happens to the connection
            connection.send(_data_block(raw))
            code, reply = connection.getreply()
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            self.close()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        self._expect((250,), code, reply, before_content=False)

    def _expect(self, codes: tuple[int, ...], code: int, reply: bytes, before_content: bool = True) -> None:
        """Raise the refusal a reply means; a 421 (the server is closing) also closes our side."""
        if code in codes:
            return
        if code == 421 or code == -1:
            self.close()
        elif before_content:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._connection.rset()  # type: ignore[union-attr]  # open: the server just answered
        raise _classify(code, reply)

    def _connect(self) -> smtplib.SMTP:
        if self._server is None:
            from flask import current_app

            self._server = SmtpServer.from_config(current_app.config)
        try:
            return self._server.connect()
        except (TimeoutError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, OSError) as error:
            self._unreachable = type(error).__name__
            raise


def _ascii_domain(address: str) -> str:
    """Return `address` with its domain in IDNA (xn--) form, as every server takes it; raise PermanentFailure."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError as error:
        raise PermanentFailure("the address's domain cannot be written for a mail server") from error


def _data_block(raw: bytes) -> bytes:
    """Return the DATA content as smtplib writes it: leading dots doubled, ended by CRLF.CRLF."""
    block = re.sub(rb"(?m)^\.", b"..", raw)
    if not block.endswith(b"\r\n"):
        block += b"\r\n"
    return block + b".\r\n"


def _classify(code: int, reply: bytes | str) -> Exception:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    if 500 <= code < 600:
        return PermanentFailure(f"{code} {text}")
    return TemporaryFailure(f"{code} {text}")


class LocalMailbox:
    """Keep mail in the database only, for the demo's mailbox page."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None

    def close(self) -> None:
        """Nothing to close."""

    def send(self, envelope_from: str, recipient: str, raw: bytes) -> OutboxStatus:
        """Keep the message: it stays readable on the demo mailbox page."""
        return OutboxStatus.KEPT_LOCALLY


def transport_for(app: Flask, keep_open: bool = False):
    """Return SMTP when a mail server is configured (and sending is not suppressed), else the local mailbox.

    With `keep_open`, the SMTP connection outlives each pass (see `SmtpTransport`); close it with `close()`.
    """
    config = app.config
    if config.get("MAIL_SERVER") and not config.get("MAIL_SUPPRESS_SEND"):
        return SmtpTransport(keep_open=keep_open, max_idle=config["MATCHER_SMTP_KEEP_IDLE"].total_seconds(),
                             max_messages=config["MATCHER_SMTP_MESSAGES_PER_CONNECTION"])
    return LocalMailbox()
