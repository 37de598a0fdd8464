"""What risk reads of a message: everything the sender newly wrote (pure).

Delivery cuts quoted history and signatures, because the reader has seen the one and needs
not the other; risk must not. A disclosure only in the subject line, in a postscript below
"--", in her own note pasted as a forwarded message or in a .txt attachment is as urgent as one
in the body. So risk reads the subject, the whole text (signature region and forwarded text
included) and the text attachments, and skips only the lines that reproduce earlier messages of
the pairing (`history.repeated_lines`): those were read when they first arrived.
"""
import re
from collections.abc import Iterable

from matcher.mailrelay.reading.body import Attachment
from matcher.mailrelay.reading.decoding import decode_bytes
from matcher.mailrelay.reading.history import is_quoted, repeated_lines
from matcher.mailrelay.reading.parse import Inbound, parse

_TEXT_SUFFIXES = (".txt", ".text", ".md")
# "Re:", "Fwd:", "AW:", "SV:", "Antw:", "TR:", "RV:", "Odp:" and "[2]" counters, repeated: one
# bounded alternation per prefix, so the match is linear.
_REPLY_PREFIXES = re.compile(r"^(?:\s{0,20}(?:re|fw|fwd|aw|wg|sv|vs|antw|tr|rv|odp|enc|res)(?:\[\d{1,4}\])?\s{0,5}:)+",
                             re.IGNORECASE)


def risk_text(inbound: Inbound, earlier: Iterable[str], limit: int, earlier_subjects: Iterable[str] = (),
              own_earlier: Iterable[str] = ()) -> str:
    """Return the subject, text and text attachments, less what repeats earlier mail, cut at `limit`.

    Lines that reproduce `earlier` (the other side's messages, the relay's own mail) are skipped
    however they are marked. Lines that reproduce the sender's `own_earlier` messages are skipped
    only when quote-marked: the same words typed or pasted again as new text may be a fresh
    disclosure, and an alert too many is the safer mistake. A subject that only repeats an earlier
    one ("Re: ..." of the thread's subject) is not read again.
    """
    seen_subjects = {_bare_subject(subject) for subject in earlier_subjects}
    subject = "" if _bare_subject(inbound.subject or "") in seen_subjects else inbound.subject or ""
    parts = [subject, inbound.text or ""]
    parts += [_attachment_text(attachment, limit) for attachment in inbound.attachments]
    whole = "\n\n".join(part for part in parts if part.strip())[:limit]
    lines = whole.splitlines()
    skipped = repeated_lines(whole, earlier) | {
        index for index in repeated_lines(whole, own_earlier) if is_quoted(lines[index])}
    if not skipped:
        return whole
    return "\n".join(line for index, line in enumerate(lines) if index not in skipped)


def _bare_subject(subject: str) -> str:
    """The subject without reply and forward prefixes, case or spacing: "Re: Fwd:  Hello" is "hello"."""
    return " ".join(_REPLY_PREFIXES.sub("", subject).casefold().split())


def is_text_attachment(attachment: Attachment) -> bool:
    """Say whether an attachment is text a person wrote (text/plain, a .txt file, a forwarded message)."""
    kind = attachment.content_type.split(";", 1)[0].strip().lower()
    named_text = attachment.filename.lower().endswith(_TEXT_SUFFIXES)
    return kind in ("text/plain", "text/markdown", "message/rfc822") or named_text


def _attachment_text(attachment: Attachment, limit: int) -> str:
    if not is_text_attachment(attachment) or attachment.is_vcard or attachment.is_calendar:
        return ""
    payload = attachment.payload[:limit * 4]  # up to four bytes a character in UTF-8
    if attachment.content_type.lower().startswith("message/rfc822"):
        forwarded = parse(payload)
        return f"{forwarded.subject}\n{forwarded.text}"
    text, _problem = decode_bytes(payload, None)
    return text
