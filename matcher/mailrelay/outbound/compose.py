"""Build complete outgoing messages from their parts (pure)."""
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid


@dataclass(frozen=True)
class OutgoingMail:
    """Everything needed to write one message: who, what, and extra headers."""

    sender_name: str
    sender_address: str
    recipient: str
    subject: str
    text: str
    html: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    automatic: bool = True
    message_id: str | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = field(default=())


def new_message_id(domain: str) -> str:
    """Return a fresh Message-ID (without brackets) on our own domain."""
    return make_msgid(domain=domain)[1:-1]


def build_message(mail: OutgoingMail, now: datetime) -> tuple[str, bytes]:
    """Return (message_id, RFC 5322 bytes) for an outgoing mail."""
    domain = mail.sender_address.rpartition("@")[2] or "localhost"
    message_id = mail.message_id or new_message_id(domain)
    message = EmailMessage()
    message["From"] = formataddr((mail.sender_name, mail.sender_address))
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{message_id}>"
    if mail.automatic:
        # RFC 3834: tells auto-responders not to answer, and other relays not to loop.
        message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for filename, content_type, payload in mail.attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    return message_id, message.as_bytes(policy=policy.SMTP)
