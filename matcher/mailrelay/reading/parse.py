"""Read one inbound RFC 5322 message into an Inbound, whatever the bytes (pure: no I/O)."""
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32

from matcher.mailrelay.reading import headers as fields
from matcher.mailrelay.reading.body import Attachment, Body, read_body
from matcher.mailrelay.reading.budget import PART_CUT, TEXT_PART_BYTES, cut_long_text_parts, cut_single_part_body
from matcher.mailrelay.reading.decoding import decode_header_bytes, decode_words
from matcher.mailrelay.reading.html_text import html_to_text

__all__ = ["Attachment", "Inbound", "html_to_text", "parse", "parse_headers"]


class _RawValues(Compat32):
    """Compat32, but header values come back exactly as read, raw 8-bit bytes as surrogates."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        """Return the stored value unchanged, so this module does all the decoding itself."""
        return value


# compat32 never raises on a defect and keeps the tree it could read; the default policy's header
# objects raise on some malformed addresses, which a relay reading hostile mail cannot afford.
_POLICY = _RawValues()


@dataclass(frozen=True)
class Inbound:
    """One inbound message, decoded: who, to whom, which thread, what it says, what came with it."""

    message_id: str | None
    from_address: str | None
    from_name: str
    reply_to: tuple[str, ...]
    sender: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    delivered_to: tuple[str, ...]
    return_path: str | None
    subject: str
    date: datetime | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    headers: tuple[tuple[str, str], ...]
    defects: tuple[str, ...]
    # Content types of every MIME part in tree order, the message's own first.
    mime_types: tuple[str, ...] = ()

    @property
    def is_malformed(self) -> bool:
        """Say whether the message is too broken to route safely: no single readable author."""
        return self.from_address is None

    def header(self, name: str) -> str | None:
        """Return the first decoded value of a header, or None."""
        values = self.header_all(name)
        return values[0] if values else None

    def header_all(self, name: str) -> list[str]:
        """Return every decoded value of a header, in the order they appear."""
        wanted = name.lower()
        return [value for field, value in self.headers if field.lower() == wanted]


def parse(raw: bytes, text_part_bytes: int = TEXT_PART_BYTES) -> Inbound:
    """Read raw message bytes into an Inbound; never raise: problems become defects.

    A body text part longer than `text_part_bytes` (as sent) is cut before decoding, with PART_CUT
    among the defects.
    """
    try:
        return _read(_as_bytes(raw), text_part_bytes=text_part_bytes)
    except Exception as error:  # noqa: BLE001 - the last guard: a hostile message must never crash the relay
        return _unreadable(f"message could not be read at all ({type(error).__name__})")


def parse_headers(raw: bytes) -> Inbound:
    """Read only the header block: enough to route a message and check its sender, cheaply.

    The body (MIME tree, charsets, HTML) is read only for a message from the paired person.
    """
    try:
        return _read(_as_bytes(raw), headers_only=True)
    except Exception as error:  # noqa: BLE001 - the same last guard as parse
        return _unreadable(f"message could not be read at all ({type(error).__name__})")


def _as_bytes(raw: object) -> bytes:
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return bytes(raw)  # type: ignore[call-overload]


def _read(raw: bytes, headers_only: bool = False, text_part_bytes: int = TEXT_PART_BYTES) -> Inbound:
    defects: list[str] = ["empty message"] if raw.isspace() or not raw else []  # isspace copies nothing
    if headers_only:
        # Cut at the first blank line ourselves: the parser would still copy a 25 MiB body.
        end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=len(raw))
        message, whole = BytesParser(policy=_POLICY).parsebytes(raw[:end + 2], headersonly=True), False
    else:
        shorter = cut_single_part_body(raw, text_part_bytes)
        message, whole = _message(shorter or raw, defects)
        if shorter is not None or (whole and cut_long_text_parts(message, text_part_bytes)):
            defects.append(PART_CUT)
    texts = _header_texts(message, defects)
    decoded = tuple((name, _decoded(text, defects)) for name, text in texts)

    def values(name: str) -> list[str]:
        wanted = name.lower()
        return [text for field, text in texts if field.lower() == wanted]

    from_address, from_name = fields.author(values("from"), defects)
    body = _body(message, defects) if whole else Body()
    return Inbound(
        message_id=fields.first_message_id(values("message-id"), defects),
        from_address=from_address,
        from_name=from_name,
        reply_to=fields.addresses(values("reply-to"), "Reply-To", defects),
        sender=next(iter(fields.addresses(values("sender"), "Sender", defects)), None),
        to=fields.addresses(values("to"), "To", defects),
        cc=fields.addresses(values("cc"), "Cc", defects),
        delivered_to=fields.addresses(
            [text for field, text in texts if field.lower() in ("delivered-to", "x-original-to")],
            "Delivered-To",
            defects,
        ),
        return_path=fields.return_path(values("return-path"), defects),
        subject=_first(decoded, "subject") or "",
        date=fields.sent_at(_first(decoded, "date"), defects),
        in_reply_to=_ids(values("in-reply-to")),
        references=_ids(values("references")),
        text=body.text,
        html="\n".join(body.html) if body.html else None,
        attachments=tuple(body.attachments),
        headers=decoded,
        defects=tuple(dict.fromkeys(defects + body.defects)),  # one line per kind of problem
        mime_types=tuple(body.mime_types) if whole else (message.get_content_type(),),
    )


def _message(raw: bytes, defects: list[str]) -> tuple[Message, bool]:
    """Parse the bytes; return the message and whether its body could be read too."""
    try:
        return BytesParser(policy=_POLICY).parsebytes(raw), True
    except RecursionError:
        # The stdlib parser recurses once per nested multipart; keep the headers at least.
        defects.append("MIME parts nested too deeply to read; only the headers were kept")
        return BytesParser(policy=_POLICY).parsebytes(raw, headersonly=True), False


def _header_texts(message: Message, defects: list[str]) -> list[tuple[str, str]]:
    """Return (name, unfolded text) pairs; encoded words are left for each field to decode."""
    texts = []
    for name, value in message.items():
        text, problem = decode_header_bytes(str(value))
        if problem:
            defects.append(f"{problem} ({name.strip()})")
        texts.append((name.strip(), fields.unfold(text)))
    return texts


def _decoded(text: str, defects: list[str]) -> str:
    value, problems = decode_words(text)
    defects.extend(problems)
    return value.strip()


def _body(message: Message, defects: list[str]) -> Body:
    try:
        return read_body(message)
    except Exception as error:  # noqa: BLE001 - keep the headers: they still say who wrote and to whom
        defects.append(f"body could not be read ({type(error).__name__})")
        return Body()


def _first(decoded: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((value for field, value in decoded if field.lower() == name), None)


def _ids(values: list[str]) -> tuple[str, ...]:
    return tuple(message_id for value in values for message_id in fields.message_ids(value))


def _unreadable(problem: str) -> Inbound:
    return Inbound(
        message_id=None, from_address=None, from_name="", reply_to=(), sender=None, to=(), cc=(),
        delivered_to=(), return_path=None, subject="", date=None, in_reply_to=(), references=(),
        text="", html=None, attachments=(), headers=(), defects=(problem,),
    )
