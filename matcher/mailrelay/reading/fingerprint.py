"""What stays the same when one message reaches us twice by different routes (pure).

An MTA that retries after a lost "250", or the same message arriving once by
SMTP and once by the pipe, hands us bytes that differ only in transport: line
endings, trailing white space, an mbox "From " line and the trace headers each
hop adds. The fingerprint ignores exactly those, so the relay stores and
delivers the message once.
"""
import hashlib

# Headers added in transit, by the MTAs and the local delivery agent, not by the writer.
TRACE_HEADERS = frozenset({
    b"received", b"return-path", b"delivered-to", b"x-original-to", b"envelope-to", b"x-envelope-to",
    b"x-envelope-from", b"x-delivered-to", b"x-received", b"x-rcpt-to", b"x-original-recipient",
})
_BLANKS = b" \t"


def transport_fingerprint(raw: bytes) -> str:
    """Return a digest of the message as its writer sent it, whatever route it took."""
    lines = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    digest = hashlib.sha256()
    start = 1 if lines and lines[0].startswith(b"From ") else 0  # an mbox envelope line
    body_at = _header_lines(lines, start, digest)
    body = [line.rstrip(_BLANKS) for line in lines[body_at:]]
    while body and not body[-1]:
        body.pop()  # a final newline added or lost on the way
    for line in body:
        digest.update(line + b"\n")
    return digest.hexdigest()


def _header_lines(lines: list[bytes], start: int, digest: "hashlib._Hash") -> int:
    """Feed the writer's own header lines to the digest; return where the body starts."""
    skipping = False
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip(_BLANKS):
            digest.update(b"\n")
            return index + 1
        if line[:1] not in (b" ", b"\t"):  # a new field, not the continuation of one
            skipping = line.partition(b":")[0].strip(_BLANKS).lower() in TRACE_HEADERS
        if not skipping:
            digest.update(line.rstrip(_BLANKS) + b"\n")
    return len(lines)
