"""Optional encryption at rest (Fernet) of everything people wrote, with key rotation.

With MATCHER_ENCRYPTION_KEYS set (newest first), every column typed here (message
bodies and subjects, risk flags with their quoted words, notes, hopes, applications,
feedback) is written encrypted with the first key and read with any of them. Values
written before encryption was turned on stay readable; `flask --app matcher keys
rotate` re-encrypts every such column with the newest key.
"""
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app, has_app_context
from sqlalchemy import LargeBinary, Text
from sqlalchemy.types import TypeDecorator

BYTES_MARK = b"fernet:"
TEXT_MARK = "fernet:"
# A plain value that happens to begin with a mark is stored behind this escape, so
# mail that starts with "fernet:" is never mistaken for an encrypted body.
BYTES_ESCAPE = b"plain:"
TEXT_ESCAPE = "plain:"


class DecryptionError(RuntimeError):
    """A stored body cannot be read with any configured key."""


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def active_cipher() -> MultiFernet | None:
    """Return the cipher for the configured keys, or None when encryption is off."""
    if not has_app_context():
        return None
    keys = tuple(current_app.config.get("MATCHER_ENCRYPTION_KEYS") or ())
    return _cipher(keys) if keys else None


def _decrypt(token: bytes) -> bytes:
    cipher = active_cipher()
    if cipher is None:
        raise DecryptionError("an encrypted body was read but MATCHER_ENCRYPTION_KEYS is not set")
    try:
        return cipher.decrypt(token)
    except InvalidToken as error:
        raise DecryptionError("no configured key decrypts this body") from error


class EncryptedColumn(TypeDecorator):
    """Shared logic: encrypt when keys are set; escape plain values that look encrypted."""

    cache_ok = True
    # Set by each subclass: bytes for EncryptedBytes, str for EncryptedText.
    mark: Any = None
    escape: Any = None

    def _encode(self, value):
        return value

    def _decode(self, value):
        return value

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        cipher = active_cipher()
        if cipher is not None:
            return self.mark + self._decode(cipher.encrypt(self._encode(value)))
        if value.startswith((self.mark, self.escape)):
            return self.escape + value
        return value

    def process_result_value(self, value, dialect):
        value = bytes(value) if isinstance(value, memoryview) else value
        if value is not None and value.startswith(self.mark):
            return self._decode(_decrypt(self._encode(value[len(self.mark):])))
        if value is not None and value.startswith(self.escape):
            return value[len(self.escape):]
        return value


class EncryptedBytes(EncryptedColumn):
    """Bytes encrypted at rest when keys are configured."""

    impl = LargeBinary
    cache_ok = True  # SQLAlchemy reads this on each class itself, not through inheritance
    mark, escape = BYTES_MARK, BYTES_ESCAPE


class EncryptedText(EncryptedColumn):
    """Text encrypted at rest when keys are configured."""

    impl = Text
    cache_ok = True
    mark, escape = TEXT_MARK, TEXT_ESCAPE

    def _encode(self, value):
        return value.encode()

    def _decode(self, value):
        return value.decode()


class EncryptedJSON(EncryptedText):
    """A JSON list or mapping, stored as text and encrypted at rest when keys are configured.

    Assign a new value to change it: like SQLAlchemy's JSON, changes made in place are not seen.
    """

    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return super().process_bind_param(json.dumps(value, ensure_ascii=False), dialect)

    def process_result_value(self, value, dialect):
        stored = super().process_result_value(value, dialect)
        return None if stored is None else json.loads(stored)
