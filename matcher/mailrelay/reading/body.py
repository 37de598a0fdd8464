"""Walk a MIME tree: choose the readable body, collect attachments, note what was broken."""
import base64
import quopri
import re
from dataclasses import dataclass, field
from email.generator import BytesGenerator, Generator
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from io import BytesIO, StringIO

from matcher.mailrelay.reading.decoding import decode_bytes, decode_header_bytes, decode_words
from matcher.mailrelay.reading.html_text import html_to_text

# Deeper nesting than this is an attack or a loop, never a person's reply.
MAX_DEPTH = 40

VCARD_TYPES = frozenset({"text/vcard", "text/x-vcard", "text/directory"})
CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar"})
# Parts of a delivery report or read receipt, kept so classify can read them.
REPORT_TYPES = frozenset(
    {"message/delivery-status", "message/global-delivery-status", "message/disposition-notification"}
)
_DEFAULT_NAMES = {
    "text/calendar": "invite.ics",
    "application/ics": "invite.ics",
    "text/vcard": "contact.vcf",
    "text/x-vcard": "contact.vcf",
    "message/rfc822": "forwarded-message.eml",
    "message/global": "forwarded-message.eml",
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "text/rfc822-headers": "original-headers.txt",
}
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f]")
# A multipart whose boundary never appears: what is left is raw MIME (part headers, encoded bodies), and
# identifiers inside an encoded part would pass a scrubber that reads it as text. It is held, never shown.
LOST_STRUCTURE = "a multipart part whose boundary is missing (its parts could not be told apart)"


@dataclass(frozen=True)
class Attachment:
    """A file that came with a message: named, typed and decoded."""

    filename: str
    content_type: str
    size: int
    payload: bytes
    is_inline: bool = False

    @property
    def is_vcard(self) -> bool:
        """Say whether this is a contact card, which carries names and phone numbers."""
        return self.content_type in VCARD_TYPES or self.filename.lower().endswith((".vcf", ".vcard"))

    @property
    def is_calendar(self) -> bool:
        """Say whether this is a calendar invitation."""
        return self.content_type in CALENDAR_TYPES or self.filename.lower().endswith((".ics", ".ical"))


@dataclass
class Body:
    """What a MIME walk found, in tree order."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    mime_types: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Return the best plain text: the text/plain parts, else a rendering of the HTML."""
        plain = "\n".join(self.plain)
        # Some mailers send an empty text/plain beside the real HTML.
        if plain.strip() or not self.html:
            return plain
        return html_to_text("\n".join(self.html))

    def absorb(self, other: "Body") -> None:
        """Take another walk's attachments, types and defects (not its text)."""
        self.attachments.extend(other.attachments)
        self.mime_types.extend(other.mime_types)
        self.defects.extend(other.defects)


def read_body(message: Message) -> Body:
    """Walk a parsed message and return its body text, HTML and attachments."""
    body = Body()
    _walk(message, body, 0)
    return body


def _walk(part: Message, body: Body, depth: int) -> None:
    content_type = part.get_content_type()
    body.mime_types.append(content_type)
    if depth > MAX_DEPTH:
        body.defects.append(f"MIME parts nested deeper than {MAX_DEPTH} levels; the rest was skipped")
        return
    try:
        _walk_part(part, content_type, body, depth)
    except Exception as error:  # noqa: BLE001 - one unreadable part must not cost the rest of the message
        body.defects.append(f"unreadable {content_type} part ({type(error).__name__})")
    body.defects.extend(_defect_words(defect, content_type) for defect in part.defects)


def _walk_part(part: Message, content_type: str, body: Body, depth: int) -> None:
    if not part.is_multipart():
        _walk_leaf(part, content_type, body)
    elif content_type.startswith("message/"):
        body.attachments.append(_message_attachment(part, content_type, part.get_payload()))  # type: ignore[arg-type]  # a multipart's payload is its list of parts
    else:
        _walk_multipart(part.get_content_subtype(), part.get_payload(), body, depth)  # type: ignore[arg-type]  # a multipart's payload is its list of parts


def _walk_multipart(subtype: str, children: list, body: Body, depth: int) -> None:
    if subtype == "alternative":
        _walk_alternative(children, body, depth)
        return
    for index, child in enumerate(children):
        if subtype == "related" and index > 0:
            # Everything after the root of multipart/related is a resource the HTML shows inline.
            resources = Body()
            _walk(child, resources, depth + 1)
            resources.attachments = [_as_inline(attachment) for attachment in resources.attachments]
            body.absorb(resources)
        else:
            _walk(child, body, depth + 1)


def _walk_alternative(children: list, body: Body, depth: int) -> None:
    versions = []
    for child in children:
        version = Body()
        _walk(child, version, depth + 1)
        versions.append(version)
        body.absorb(version)
    # The plainest version gives the text and the richest (last, RFC 2046 5.1.4) gives the HTML.
    body.plain.extend(next((version.plain for version in versions if version.plain), []))
    body.html.extend(next((version.html for version in reversed(versions) if version.html), []))


def _walk_leaf(part: Message, content_type: str, body: Body) -> None:
    disposition = part.get_content_disposition()
    filename = _filename(part)
    if content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename:
        text = _decoded_text(part, body)
        (body.plain if content_type == "text/plain" else body.html).append(text)
        return
    if content_type.startswith("multipart/"):
        body.defects.append(LOST_STRUCTURE)
        _recover(part, body)
        return
    payload = _transfer_decoded(part, body)
    is_inline = disposition == "inline" or (disposition is None and part.get("Content-ID") is not None)
    body.attachments.append(_attachment(filename, content_type, payload, is_inline))


_BOUNDARY_LINE = re.compile(r"^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*$", re.MULTILINE)


def _recover(part: Message, body: Body) -> None:
    """Read the parts of a multipart whose declared boundary is missing, by the one its lines use.

    The message stays held (LOST_STRUCTURE): the recovered text is for the coordinator's copy, which
    is anonymised like any other, never delivered on the relay's guess.
    """
    payload = str(part._payload or "")  # type: ignore[attr-defined]  # a leaf's payload is its text
    found = _BOUNDARY_LINE.search(payload[:20_000])
    if found is None:
        return
    wrapper = f'Content-Type: {part.get_content_type()}; boundary="{found.group(1)}"\n\n'
    recovered = BytesParser(policy=compat32).parsebytes((wrapper + payload).encode("utf-8", "surrogateescape"))
    if recovered.is_multipart():
        _walk_multipart(recovered.get_content_subtype(), recovered.get_payload(), body, MAX_DEPTH - 1)  # type: ignore[arg-type]  # a multipart's payload is its list of parts


def _decoded_text(part: Message, body: Body) -> str:
    raw = _transfer_decoded(part, body)
    text, problem = decode_bytes(raw, part.get_content_charset())
    if problem:
        body.defects.append(f"{problem} in a {part.get_content_type()} part")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_type() == "text/plain" and str(part.get_param("format") or "").lower() == "flowed":
        text = unflow(text, str(part.get_param("delsp") or "").lower() == "yes")
    return text


def unflow(text: str, delete_space: bool = False) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676), so a wrapped number reads whole."""
    out: list[str] = []
    carry = ""
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content  # space-stuffing
        # "-- " is the signature separator, never a soft break.
        if content.endswith(" ") and content != "-- ":
            carry += content[:-1] if delete_space else content
            continue
        out.append(">" * depth + (" " if depth and (carry or content) else "") + carry + content)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


def _transfer_decoded(part: Message, body: Body) -> bytes:
    # Mailers write " base64" or "Base64 "; the stdlib only decodes the exact lower-case word.
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding not in ("base64", "quoted-printable"):
        return part.get_payload(decode=True) or b""  # type: ignore[return-value]  # a leaf decodes to bytes
    # get_payload() without decoding re-decodes 8-bit text with the declared charset and raises
    # on hostile charset names, so read the stored text directly.
    encoded = str(part._payload or "").encode("utf-8", "surrogateescape")  # type: ignore[attr-defined]  # see above
    if encoding == "quoted-printable":
        return quopri.decodestring(encoded)
    return _lenient_base64(encoded, part.get_content_type(), body)


def _lenient_base64(encoded: bytes, content_type: str, body: Body) -> bytes:
    # Keep what survives of damaged base64 rather than handing on the encoded text itself.
    alphabet = re.sub(rb"[^A-Za-z0-9+/]", b"", encoded.split(b"=")[0])
    if re.search(rb"[^A-Za-z0-9+/=\s]", encoded) or len(alphabet) % 4 == 1:
        body.defects.append(f"damaged base64 in a {content_type} part")
    if len(alphabet) % 4 == 1:
        alphabet = alphabet[:-1]  # a lone trailing character carries no whole byte
    return base64.b64decode(alphabet + b"=" * (-len(alphabet) % 4))


def _message_attachment(part: Message, content_type: str, payload: list) -> Attachment:
    if content_type in REPORT_TYPES:
        raw = _report_fields(payload)
    else:
        raw = _message_bytes(payload[0]) if payload else b""
    return _attachment(_filename(part), content_type, raw, part.get_content_disposition() == "inline")


def _message_bytes(message: Message) -> bytes:
    # Write the forwarded message back as it came: no header refolding, no ">From " mangling.
    unchanged = message.policy.clone(max_line_length=None)
    try:
        buffer = BytesIO()
        BytesGenerator(buffer, mangle_from_=False, policy=unchanged).flatten(message)
        return buffer.getvalue()
    except UnicodeError:
        # The bytes generator refuses some damaged 8-bit parts; the text one writes them as read.
        text = StringIO()
        Generator(text, mangle_from_=False, policy=unchanged).flatten(message)
        return text.getvalue().encode("utf-8", "surrogateescape")


def _report_fields(blocks: list) -> bytes:
    # The parser splits a delivery report into one header block per recipient; write them back.
    lines: list[str] = []
    for block in blocks:
        lines.extend(f"{name}: {value}" for name, value in block.items())
        lines.append("")
    return "\n".join(lines).encode("utf-8", "surrogateescape")


def _attachment(filename: str, content_type: str, payload: bytes, is_inline: bool) -> Attachment:
    name = filename or _DEFAULT_NAMES.get(content_type, "attachment")
    return Attachment(name, content_type, len(payload), payload, is_inline)


def _as_inline(attachment: Attachment) -> Attachment:
    return Attachment(attachment.filename, attachment.content_type, attachment.size, attachment.payload, True)


def _filename(part: Message) -> str:
    raw = part.get_filename() or ""
    if not isinstance(raw, str):
        return ""
    text, _ = decode_header_bytes(raw)
    # Outlook puts RFC 2047 words inside the filename parameter, which RFC 2231 never allowed.
    text, _ = decode_words(text)
    # Keep only the last path segment: a name like "../../x" must never reach a filesystem.
    name = re.split(r"[/\\]", text)[-1]
    return _UNSAFE_IN_NAME.sub("", name).strip().lstrip(".")[:255]


def _defect_words(defect: object, content_type: str) -> str:
    name = type(defect).__name__.removesuffix("Defect")
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    return f"{words} in a {content_type} part"
