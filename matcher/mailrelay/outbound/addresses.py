"""Masked relay addresses and signed VERP bounce addresses (pure: no I/O)."""
import base64
import hashlib
import hmac
import re
import secrets
from datetime import UTC, date, datetime, timedelta

# 128 bits: nobody guesses their way into a conversation. Hex survives MTAs that lower-case
# local parts, and needs no padding.
TOKEN_BYTES = 16
# Long enough for a delayed DSN (MTAs retry for up to five days) and a slow coordinator's look.
VERP_VALID_FOR = timedelta(days=30)
# 120 bits of HMAC-SHA256, as 24 lower-case base32 characters with no padding.
_SIGNATURE_BYTES = 15
_EPOCH = date(1970, 1, 1)
_TOKEN = re.compile(r"[a-z0-9]{16,64}\Z")
_VERP = re.compile(r"bounce-([0-9]{1,18})-([0-9]{1,7})-([a-z2-7]{24})\Z")


def mint_token() -> str:
    """Return a new random token for a masked address."""
    return secrets.token_hex(TOKEN_BYTES)


def masked_address(relay_address: str, token: str) -> str:
    """Return the masked form of the relay address for a token: support+token@relay.example."""
    local_part, domain = _split(relay_address)
    if not _TOKEN.match(token):
        raise ValueError("a token is 16 to 64 lower-case letters and digits")
    return f"{local_part}+{token}@{domain}"


def token_from_address(address: str, relay_address: str) -> str | None:
    """Return the token of a masked address, or None when it is not a masked form of relay_address."""
    extension = _extension(address, relay_address)
    return extension if extension is not None and _TOKEN.match(extension) else None


def verp_address(relay_address: str, outbox_id: int, secret: bytes, now: datetime) -> str:
    """Return a signed, expiring bounce address for one outbox message."""
    if isinstance(outbox_id, bool) or not isinstance(outbox_id, int) or outbox_id < 0:
        raise ValueError("outbox_id is a non-negative integer")
    expiry_day = _day_number(now) + VERP_VALID_FOR.days
    local_part, domain = _split(relay_address)
    signature = _signature(secret, f"{local_part}@{domain}", outbox_id, expiry_day)
    return f"{local_part}+bounce-{outbox_id}-{expiry_day}-{signature}@{domain}"


def verify_verp(address: str, relay_address: str, secret: bytes, now: datetime) -> int | None:
    """Return the outbox id of a genuine, unexpired bounce address, else None."""
    extension = _extension(address, relay_address)
    found = _VERP.match(extension or "")
    if found is None:
        return None
    outbox_id, expiry_day, signature = int(found[1]), int(found[2]), found[3]
    expected = _signature(secret, "@".join(_split(relay_address)), outbox_id, expiry_day)
    # Compare in constant time, and before the expiry, so timing says nothing about either.
    genuine = hmac.compare_digest(expected, signature)
    if not genuine or expiry_day < _day_number(now):
        return None
    return outbox_id


def _signature(secret: bytes, relay: str, outbox_id: int, expiry_day: int) -> str:
    if not secret:
        raise ValueError("a VERP secret must not be empty")
    # The "verp:" prefix keeps these MACs apart from anything else signed with the same key, and
    # the relay mailbox keeps one mailbox's bounce addresses from verifying at another.
    message = f"verp:{relay}:{outbox_id}:{expiry_day}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.b32encode(digest).decode("ascii").lower()


def _extension(address: str, relay_address: str) -> str | None:
    """Return what follows "+" in address when it is the relay mailbox, lower-cased, else None."""
    relay_local, relay_domain = _split(relay_address)
    local_part, _, domain = address.strip().strip("<>").strip().lower().rpartition("@")
    base, plus, extension = local_part.partition("+")
    if not plus or base != relay_local or domain.rstrip(".") != relay_domain:
        return None
    return extension


def _split(relay_address: str) -> tuple[str, str]:
    local_part, at, domain = relay_address.strip().lower().rpartition("@")
    if not at or not local_part or not domain or "+" in local_part:
        raise ValueError(f"not a plain relay mailbox address: {relay_address!r}")
    return local_part, domain.rstrip(".")


def _day_number(now: datetime) -> int:
    # A naive datetime is taken as UTC: the whole application keeps time in UTC.
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return (moment.astimezone(UTC).date() - _EPOCH).days
