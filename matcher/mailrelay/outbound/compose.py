"""Build complete outgoing messages from their parts (pure).

Written with the compat32 email classes and quoted-printable UTF-8: they cost
about a fifth of `email.policy.default`'s header machinery per message, and
they encode a display name or subject whole, so "Zoë (Peer supporter)" keeps
its label (the default policy re-folds it into an RFC 5322 comment) and the
spaces between encoded words of a long subject survive.
"""
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from email import charset, encoders, policy
from email.generator import BytesGenerator
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid

_UTF8_QP = charset.Charset("utf-8")
_UTF8_QP.header_encoding = charset.QP
_UTF8_QP.body_encoding = charset.QP
_SMTP = policy.compat32.clone(linesep="\r\n")


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
    message = _body(mail)
    message["From"] = formataddr((_one_line(mail.sender_name), _one_line(mail.sender_address)), charset=_UTF8_QP)
    message["To"] = _one_line(mail.recipient)
    message["Subject"] = header_text(mail.subject)  # type: ignore[assignment]  # compat32 takes a Header
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{message_id}>"
    if mail.automatic:
        # RFC 3834: tells auto-responders not to answer, and other relays not to loop.
        message["Auto-Submitted"] = "auto-generated"
    for name, value in mail.headers:
        message[name] = header_text(value)  # type: ignore[assignment]
    return message_id, _as_bytes(message)


def header_text(value: str) -> str | Header:
    """Return a header value on one logical line: as is when ASCII, else as UTF-8 words."""
    # compat32 writes line breaks inside a value verbatim, which would let a subject
    # taken from inbound mail add headers of its own; a line break is only folding.
    value = " ".join(value.splitlines())
    return value if value.isascii() else Header(value, _UTF8_QP)


def _one_line(value: str) -> str:
    """Return an address or name, refusing a line break that would start a new header."""
    if "\r" in value or "\n" in value:
        raise ValueError("a line break in an address or display name")
    return value


def _body(mail: OutgoingMail) -> MIMEBase:
    """Return the MIME tree for the text, the HTML alternative and attachments."""
    body: MIMEBase = _text_part(mail.text, "plain")
    if mail.html:
        body = _multipart("alternative", [body, _text_part(mail.html, "html")])
    if mail.attachments:
        body = _multipart("mixed", [body, *(_attachment(*parts) for parts in mail.attachments)])
    body["MIME-Version"] = "1.0"
    return body


def _text_part(text: str, subtype: str) -> MIMEText:
    """Return a UTF-8 text part, quoted-printable, without its own MIME-Version."""
    part = MIMEText(text, subtype, _UTF8_QP)  # type: ignore[arg-type]  # a Charset sets QP
    del part["MIME-Version"]
    return part


def boundary() -> str:
    """Return a fresh multipart boundary that no part written here can contain as a line."""
    # Every part is quoted-printable or base64: in neither can a line start "--" and hold "==" (QP
    # writes "=" only before two hex digits or a line end; base64 has no "-"). A boundary set in
    # advance spares the generator its check, which compiles a new regex for every message.
    return f"==matcher_{secrets.token_hex(12)}=="


def _multipart(subtype: str, parts: list[MIMEBase]) -> MIMEMultipart:
    """Return a multipart holding the parts, without its own MIME-Version."""
    container = MIMEMultipart(subtype, boundary=boundary(), _subparts=parts)
    del container["MIME-Version"]
    return container


def _attachment(filename: str, content_type: str, payload: bytes) -> MIMENonMultipart:
    """Return a base64 attachment part with its (already safe) file name."""
    maintype, _, subtype = content_type.partition("/")
    part = MIMENonMultipart(maintype or "application", subtype or "octet-stream")
    del part["MIME-Version"]
    part.set_payload(payload)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=_attachment_name(filename))
    return part


def _attachment_name(filename: str) -> str | tuple[str, str, str]:
    """Return the file name as is when ASCII, else as an RFC 2231 UTF-8 parameter."""
    return filename if filename.isascii() else ("utf-8", "", filename)


def _as_bytes(message: MIMEBase) -> bytes:
    """Return the message as bytes with CRLF line endings, as SMTP sends it."""
    out = io.BytesIO()
    BytesGenerator(out, policy=_SMTP, mangle_from_=False).flatten(message)
    return out.getvalue()
