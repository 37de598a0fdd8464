"""Turn the bytes mail carries into text: charsets, RFC 2047 encoded words, raw 8-bit headers."""
import base64
import binascii
import codecs
import re

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_SURROGATE = re.compile("[\udc80-\udcff]")
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")

# Mail software labels windows-1252 text as latin-1 or us-ascii all the time; browsers decode these
# labels as windows-1252 for the same reason (WHATWG Encoding Standard), so curly quotes survive.
_WINDOWS_1252_LABELS = frozenset(
    {"iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "windows-1252", "cp1252"}
)
_ASCII_LABELS = frozenset({"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us"})


def decode_bytes(raw: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode bytes in their declared charset, falling back sensibly; return text and any problem."""
    label = (charset or "").strip().strip("\"'").lower()
    if not label:
        return _guess(raw), None
    if label in _ASCII_LABELS:
        return _decode_ascii(raw, label)
    if label in _WINDOWS_1252_LABELS:
        return _clean(_windows_1252(raw)), None
    try:
        codecs.lookup(label)
    except LookupError:
        return _guess(raw), f"unknown charset {label!r}"
    try:
        return _clean(raw.decode(label)), None
    except Exception:  # noqa: BLE001 - UnicodeDecodeError, or a codec that is not a text encoding at all
        return _guess(raw), f"text is not valid {label}"


def decode_header_bytes(value: str) -> tuple[str, str | None]:
    """Turn a header value holding raw 8-bit bytes (as surrogates) into text; return text and any problem."""
    if not _SURROGATE.search(value):
        return value, None
    raw = value.encode("utf-8", "surrogateescape")
    try:
        # RFC 6532 allows UTF-8 in headers, so only other 8-bit bytes are a defect.
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        return _windows_1252(raw), "raw 8-bit bytes in a header that are not UTF-8"


def decode_words(text: str) -> tuple[str, list[str]]:
    """Decode RFC 2047 encoded words in a header value; return text and any problems."""
    pieces: list[str] = []
    problems: list[str] = []
    pending: tuple[str, bytes] | None = None
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        # Whitespace between two encoded words is not part of the text (RFC 2047 section 6.2).
        if pending is None or between.strip():
            _flush(pending, pieces, problems)
            pending = None
            pieces.append(between)
        charset = match[1].split("*")[0].lower()
        payload = _word_bytes(match[2], match[3])
        if payload is None:
            _flush(pending, pieces, problems)
            pending = None
            pieces.append(match[0])
            problems.append("undecodable encoded word in a header")
        elif pending is not None and pending[0] == charset:
            # Adjacent words in one charset are joined first: clients split multi-byte characters.
            pending = (charset, pending[1] + payload)
        else:
            _flush(pending, pieces, problems)
            pending = (charset, payload)
        position = match.end()
    _flush(pending, pieces, problems)
    pieces.append(text[position:])
    # An encoded word can hide a line break; decoded into a header it would start a new header.
    return _LINE_BREAKING.sub(" ", "".join(pieces)), problems


def _flush(pending: tuple[str, bytes] | None, pieces: list[str], problems: list[str]) -> None:
    if pending is not None:
        text, problem = decode_bytes(pending[1], pending[0])
        pieces.append(text)
        if problem:
            problems.append(f"{problem} in a header")
    return None


def _word_bytes(kind: str, payload: str) -> bytes | None:
    try:
        if kind in "bB":
            return base64.b64decode(payload + "=" * (-len(payload) % 4))
        return binascii.a2b_qp(payload.encode("utf-8", "surrogateescape"), header=True)
    except (binascii.Error, ValueError):
        return None


def _decode_ascii(raw: bytes, label: str) -> tuple[str, str | None]:
    try:
        return _clean(raw.decode("ascii")), None
    except UnicodeDecodeError:
        return _guess(raw), f"8-bit bytes in text labelled {label}"


def _guess(raw: bytes) -> str:
    try:
        return _clean(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            # Valid UTF-8 cut off mid-character (a truncated message): keep it as UTF-8.
            return _clean(raw[: error.start].decode("utf-8"))
        return _clean(_windows_1252(raw))


def _windows_1252(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        # Five byte values are unassigned in windows-1252; latin-1 maps every byte.
        return raw.decode("latin-1")


def _clean(text: str) -> str:
    # NUL cannot be stored in a PostgreSQL text column, and no person types it.
    return text.lstrip("\ufeff").replace("\x00", "")
