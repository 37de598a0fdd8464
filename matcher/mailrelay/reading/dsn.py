"""Read the failed recipient out of a delivery status notification (RFC 3464)."""
import re

from matcher.mailrelay.reading.parse import Inbound

_STATUS_PARTS = frozenset({"message/delivery-status", "message/global-delivery-status"})
_FIELD = re.compile(r"([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)")
# Bounded as RFC 5321 bounds an address (64 before the "@", 255 after), so a long value reads in linear time.
_ADDRESS = re.compile(r"[^@\s<>()\[\]\\,;:\"]{1,64}@[^@\s<>()\[\]\\,;:\"]{1,255}")


def failed_recipient(inbound: Inbound) -> str | None:
    """Return the address a delivery status report says could not be delivered, or None."""
    for attachment in inbound.attachments:
        if attachment.content_type in _STATUS_PARTS:
            found = _failed_in(attachment.payload.decode("utf-8", "replace"))
            if found:
                return found
    # Some mail servers paste the status fields into the readable text instead.
    if "final-recipient" in inbound.text.lower():
        found = _failed_in(inbound.text)
        if found:
            return found
    # Exim's plain-text bounces name the failed addresses in a header of their own.
    return _address(inbound.header("X-Failed-Recipients") or "")


def _failed_in(report: str) -> str | None:
    for block in _blocks(report):
        # Original-Recipient is the address we handed over; Final-Recipient may be after forwarding.
        recipient = block.get("original-recipient") or block.get("final-recipient")
        if recipient and _failed(block):
            address = _address(recipient)
            if address:
                return address
    return None


def _blocks(report: str) -> list[dict[str, str]]:
    blocks: list[dict[str, str]] = [{}]
    last_name = None
    for line in report.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            blocks.append({})
            last_name = None
        elif line[0] in " \t" and last_name:
            blocks[-1][last_name] += " " + line.strip()
        elif found := _FIELD.match(line):
            last_name = found[1].lower()
            blocks[-1].setdefault(last_name, found[2].strip())
    return [block for block in blocks if block]


def _failed(block: dict[str, str]) -> bool:
    action = block.get("action", "").strip().lower()
    if action:
        return action.startswith("failed")
    status = block.get("status", "").strip()
    # Without an Action field, a permanent (5.x.x) or absent status still reads as a failure.
    return not status or status.startswith("5")


def _address(recipient: str) -> str | None:
    # "rfc822; person@example.org" - the type before the semicolon is optional in practice.
    value = recipient.partition(";")[2] if ";" in recipient else recipient
    found = _ADDRESS.search(value)
    return found[0].lower() if found else None
