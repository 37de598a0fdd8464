"""Read structured header fields: addresses, message-ids, the return path and the date."""
import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from matcher.mailrelay.reading.decoding import decode_words

# A deliberately plain addr-spec: one "@", nothing that belongs to address syntax around it.
_ADDR_SPEC = re.compile(r"[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+\.?\Z")
_MESSAGE_ID = re.compile(r"<\s*([^<>\s]+)\s*>")
_NULL_PATH = re.compile(r"<\s*>")


def unfold(value: str) -> str:
    """Join a folded header value into one line."""
    return re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", " ").replace("\n", " ")


def _pairs(values: list[str]) -> list[tuple[str, str]]:
    """Return getaddresses() of each value; a value too deeply nested for the stdlib parser reads as unreadable."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        try:
            pairs.extend(getaddresses([value]))
        except RecursionError:
            # Thousands of group openers ("x:x:...") recurse past Python's limit: that header is lost, not the mail.
            pairs.append(("", "(unreadable)"))
    return pairs


def mailboxes(values: list[str]) -> tuple[list[tuple[str, str]], int]:
    """Return (display name, lower-case addr-spec) pairs and how many entries were unreadable."""
    found: list[tuple[str, str]] = []
    unreadable = 0
    for name, written in _pairs(values):
        if not name and not written:
            continue  # group syntax such as "undisclosed-recipients:;"
        address = written.strip().lower()
        if not _ADDR_SPEC.match(address):
            unreadable += 1
            continue
        found.append((decode_words(name)[0].strip(), address.rstrip(".")))
    return found, unreadable


def addresses(values: list[str], field: str, defects: list[str]) -> tuple[str, ...]:
    """Return the addr-specs in some header values, noting unreadable entries as defects."""
    found, unreadable = mailboxes(values)
    if unreadable:
        defects.append(f"{unreadable} unreadable address(es) in {field}")
    return tuple(address for _, address in found)


def author(values: list[str], defects: list[str]) -> tuple[str | None, str]:
    """Return the From address and display name, or None when there is not exactly one."""
    if not values:
        defects.append("no From header")
        return None, ""
    if len(values) > 1:
        # Two From headers are a known way to show one author and authenticate another.
        defects.append("more than one From header")
        return None, ""
    found, unreadable = mailboxes(values)
    if len(found) != 1 or unreadable:
        defects.append("From does not hold exactly one readable address")
        return None, found[0][0] if found else ""
    return found[0][1], found[0][0]


def message_ids(value: str) -> tuple[str, ...]:
    """Return the message-ids in a header value, without angle brackets."""
    ids = _MESSAGE_ID.findall(value)
    if not ids:
        # Some clients drop the brackets; a bare id still has its "@".
        ids = [token for token in value.split() if "@" in token]
    return tuple(ids)


def first_message_id(values: list[str], defects: list[str]) -> str | None:
    """Return the Message-ID without brackets, or None when absent."""
    if not values:
        return None
    if len(values) > 1:
        defects.append("more than one Message-ID header")
    ids = message_ids(values[0])
    if ids:
        return ids[0]
    bare = values[0].strip()
    defects.append("unreadable Message-ID")
    return bare if bare and " " not in bare else None


def return_path(values: list[str], defects: list[str]) -> str | None:
    """Return the Return-Path addr-spec, '' for the null path "<>", None when absent."""
    if not values:
        return None
    # The receiving MTA writes its Return-Path on top; anything below came with the message.
    value = values[0].strip()
    if not value or _NULL_PATH.fullmatch(value):
        return ""
    found, _ = mailboxes([value])
    if not found:
        defects.append("unreadable Return-Path")
        return None
    return found[0][1]


def sent_at(value: str | None, defects: list[str]) -> datetime | None:
    """Return the Date header as an aware UTC datetime, or None."""
    if value is None:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        defects.append("unreadable Date")
        return None
    if moment.tzinfo is None:
        # "-0000" means the zone is unknown (RFC 5322 section 3.3); UTC is the honest reading.
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        defects.append("Date out of range")
        return None
