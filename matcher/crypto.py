"""Optional encryption of message bodies at rest (Fernet), with key rotation.

With MATCHER_ENCRYPTION_KEYS set (newest first), message bodies are written
encrypted with the first key and read with any of them. Values written before
encryption was turned on stay readable; `flask --app matcher keys rotate`
re-encrypts every stored body with the newest key.
"""
from functools import lru_cache

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


class EncryptedBytes(TypeDecorator):
    """Bytes encrypted at rest when keys are configured."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        cipher = active_cipher()
        if cipher is not None:
            return BYTES_MARK + cipher.encrypt(value)
        if value.startswith((BYTES_MARK, BYTES_ESCAPE)):
            return BYTES_ESCAPE + value
        return value

    def process_result_value(self, value, dialect):
        value = bytes(value) if isinstance(value, memoryview) else value
        if value is not None and value.startswith(BYTES_MARK):
            return _decrypt(value[len(BYTES_MARK):])
        if value is not None and value.startswith(BYTES_ESCAPE):
            return value[len(BYTES_ESCAPE):]
        return value


class EncryptedText(TypeDecorator):
    """Text encrypted at rest when keys are configured."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        cipher = active_cipher()
        if cipher is not None:
            return TEXT_MARK + cipher.encrypt(value.encode()).decode()
        if value.startswith((TEXT_MARK, TEXT_ESCAPE)):
            return TEXT_ESCAPE + value
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.startswith(TEXT_MARK):
            return _decrypt(value[len(TEXT_MARK):].encode()).decode()
        if value is not None and value.startswith(TEXT_ESCAPE):
            return value[len(TEXT_ESCAPE):]
        return value
