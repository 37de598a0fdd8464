"""Ways of handing a finished message to the world: SMTP, or a local mailbox."""
import contextlib
import smtplib
from dataclasses import dataclass

from flask import Flask

from matcher.mailrelay.models import OutboxStatus


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


class SmtpTransport:
    """Send through one SMTP server (Flask-Mail's MAIL_* settings by default), one connection per pass."""

    def __init__(self, server: SmtpServer | None = None):
        self._server = server
        self._connection: smtplib.SMTP | None = None
        # Set when connecting failed in this pass: the rest of the pass fails at once instead of
        # each message waiting MAIL_TIMEOUT again (an adapter waits for its alerts before it answers).
        self._unreachable: str | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._close()

    def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._connection.quit()
            self._connection.close()
            self._connection = None

    def send(self, envelope_from: str, recipient: str, raw: bytes) -> OutboxStatus:
        """Deliver one message; raise Temporary/PermanentFailure on refusal."""
        if self._unreachable is not None:
            raise TemporaryFailure(f"mail server unreachable in this pass ({self._unreachable})")
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.sendmail(envelope_from, [recipient], raw)
        except smtplib.SMTPRecipientsRefused as error:
            self._close()
            code, reply = next(iter(error.recipients.values()))
            raise _classify(code, reply) from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            self._close()
            raise _classify(error.smtp_code, error.smtp_error) from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            self._close()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from error
        return OutboxStatus.SENT

    def _connect(self) -> smtplib.SMTP:
        if self._server is None:
            from flask import current_app

            self._server = SmtpServer.from_config(current_app.config)
        try:
            return self._server.connect()
        except (TimeoutError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, OSError) as error:
            self._unreachable = type(error).__name__
            raise


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

    def send(self, envelope_from: str, recipient: str, raw: bytes) -> OutboxStatus:
        """Keep the message: it stays readable on the demo mailbox page."""
        return OutboxStatus.KEPT_LOCALLY


def transport_for(app: Flask):
    """Return SMTP when a mail server is configured (and sending is not suppressed), else the local mailbox."""
    if app.config.get("MAIL_SERVER") and not app.config.get("MAIL_SUPPRESS_SEND"):
        return SmtpTransport()
    return LocalMailbox()
