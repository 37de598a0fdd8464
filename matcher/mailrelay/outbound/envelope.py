"""The envelope sender a row is sent with: as stored, or its signed bounce address made when it is sent."""
import hashlib
import hmac
from datetime import datetime

from flask import current_app

from matcher.mailrelay.outbound.addresses import verp_address

# Stored as the envelope sender of a row whose bounce address is signed with its id when it is sent:
# the id is not known before the INSERT, and writing the address after it cost an UPDATE per copy.
# Not an address, so a path that forgot to resolve it fails loudly at MAIL FROM rather than misroutes.
VERP_AT_SEND = "verp:"


def verp_secret() -> bytes:
    """Return the key that signs bounce addresses, derived from SECRET_KEY."""
    key = current_app.config["SECRET_KEY"]
    return hmac.new(key.encode() if isinstance(key, str) else key, b"matcher.verp", hashlib.sha256).digest()


def envelope_for(stored: str, outbox_id: int, created_at: datetime) -> str:
    """Return the MAIL FROM for a row: its signed bounce address (dated from its queueing) or the stored one."""
    if stored != VERP_AT_SEND:
        return stored
    return verp_address(current_app.config["MATCHER_RELAY_ADDRESS"], outbox_id, verp_secret(), created_at)
