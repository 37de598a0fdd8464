"""Read the verdicts our own MX wrote in Authentication-Results headers (RFC 8601)."""
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matcher.mailrelay.reading.parse import Inbound

_METHOD_RESULT = re.compile(r"([a-z0-9][a-z0-9_.-]*)(?:/[0-9]+)?\s*=\s*([a-z0-9_-]+)", re.IGNORECASE)


def authentication_results(inbound: "Inbound", authserv_id: str) -> dict[str, str]:
    """Return method -> result from Authentication-Results headers written by authserv_id only."""
    wanted = authserv_id.strip().lower()
    results: dict[str, str] = {}
    for value in inbound.header_all("Authentication-Results"):
        statement = _statement(value)
        if statement is None or statement[0] != wanted:
            # Anyone upstream can write these headers; only our own MX's are evidence (RFC 8601 s. 5).
            continue
        for method, result in statement[1].items():
            # Our MX writes on top, so a forged header claiming our id further down never wins.
            results.setdefault(method, result)
    return results


def _statement(value: str) -> tuple[str, dict[str, str]] | None:
    segments = _split_outside_quotes(_without_comments(value))
    words = segments[0].split()
    if not words:
        return None
    results: dict[str, str] = {}
    for segment in segments[1:]:
        match = _METHOD_RESULT.match(segment.strip())
        if match:
            _keep_best(results, match[1].lower(), match[2].lower())
    return words[0].strip('"').lower(), results


def _keep_best(results: dict[str, str], method: str, result: str) -> None:
    # Several DKIM signatures are normal (the sender's and a mailing service's); one pass is enough.
    if method not in results or result == "pass":
        results[method] = result


def _without_comments(value: str) -> str:
    kept: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for character in value:
        if escaped:
            escaped = False
            if not depth:
                kept.append(character)
            continue
        if character == "\\" and (quoted or depth):
            escaped = True
        elif character == '"' and not depth:
            quoted = not quoted
        elif character == "(" and not quoted:
            depth += 1
            continue
        elif character == ")" and not quoted and depth:
            depth -= 1
            continue
        if not depth:
            kept.append(character)
    return "".join(kept)


def _split_outside_quotes(value: str) -> list[str]:
    segments: list[list[str]] = [[]]
    quoted = False
    for character in value:
        if character == '"':
            quoted = not quoted
        if character == ";" and not quoted:
            segments.append([])
        else:
            segments[-1].append(character)
    return ["".join(segment) for segment in segments]
