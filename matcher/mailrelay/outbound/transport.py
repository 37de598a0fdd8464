"""Ways of handing a finished message to the world: SMTP, or a local mailbox."""
import contextlib
import smtplib

from flask import Flask

from matcher.extensions import mail
from matcher.mailrelay.models import OutboxStatus


class TemporaryFailure(Exception):
    """The server or network said 'try later'."""


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx answer)."""


class SmtpTransport:
    """Send through Flask-Mail's SMTP connection settings, one connection per pass."""

    def __init__(self):
        self._connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._close()

    def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._connection.__exit__(None, None, None)
            self._connection = None

    def send(self, envelope_from: str, recipient: str, raw: bytes) -> OutboxStatus:
        """Deliver one message; raise Temporary/PermanentFailure on refusal."""
        try:
            if self._connection is None:
                self._connection = mail.connect().__enter__()
            self._connection.host.sendmail(envelope_from, [recipient], raw)  # type: ignore[union-attr]  # set once entered
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
    """Return SMTP when a mail server is configured, else the local mailbox."""
    return SmtpTransport() if app.config.get("MAIL_SERVER") else LocalMailbox()
