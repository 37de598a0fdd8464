"""A processing time budget for one inbound message, checked between reading steps, and its memory budget (pure).

The budget counts the CPU time of the thread doing the reading (`time.thread_time`), not the wall
clock: what a hostile message can make the relay spend is CPU, and a busy machine or a database
waiting on a lock must not turn an ordinary message into a quarantined one. A step that never
returns is caught by the processing lease and the attempt count instead (ingest.py).
"""
import time
from collections.abc import Callable
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32


class OverBudget(Exception):
    """Reading one message has used up its time budget."""

    def __init__(self, step: str, seconds: float):
        super().__init__(f"over the {seconds:g}-second budget at {step}")
        self.step = step
        self.seconds = seconds


class Stopping(Exception):
    """The process is shutting down; the message stays stored and is read again later."""


class Budget:
    """CPU seconds one message may use; `check` between steps raises once they are spent."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.thread_time,
                 stopping: Callable[[], bool] = lambda: False):
        self.seconds = seconds
        self._clock = clock
        self._started = clock()
        self._stopping = stopping

    @property
    def used(self) -> float:
        """Return the seconds used so far."""
        return self._clock() - self._started

    def check(self, step: str) -> None:
        """Raise OverBudget if the budget is spent, Stopping if the process is shutting down."""
        if self._stopping():
            raise Stopping(step)
        if self.used > self.seconds:
            raise OverBudget(step, self.seconds)


UNLIMITED = Budget(float("inf"))


# --- The memory budget: what one message may make the relay hold --------------------------------
# The stdlib parser holds about ten times the bytes it is given (a string per line), and decoding
# and reading a text part copy it again. So a single-part message's body is cut before it reaches
# the parser, and every text part of a multipart one before it is decoded, to
# MATCHER_RELAY_MAX_TEXT_PART_BYTES as sent; a cut message is kept for a coordinator, who reads the
# original, and is never delivered shortened. What a multipart message's attachments cost the
# parser is bounded by MATCHER_RELAY_MAX_MESSAGE_BYTES.
TEXT_PART_BYTES = 1024 * 1024
PART_CUT = "a text part was longer than the relay reads; only its beginning was read"
_BODY_TYPES = ("text/plain", "text/html")


def cut_long_text_parts(message: Message, limit: int = TEXT_PART_BYTES) -> bool:
    """Cut every body text part's payload, as sent, to `limit` characters; say whether any was cut."""
    cut = False
    stack: list[Message] = [message]
    while stack:  # iterative: a hostile message nests parts deeper than Python recurses
        part = stack.pop()
        payload = part._payload  # type: ignore[attr-defined]  # the parser's own field: read without decoding
        if isinstance(payload, list):
            stack.extend(child for child in payload if isinstance(child, Message))
        elif isinstance(payload, str) and len(payload) > limit and _is_body_text(part):
            end = payload.rfind("\n", 0, limit)
            part._payload = payload[:end + 1 if end > 0 else limit]  # type: ignore[attr-defined]  # see above
            cut = True
    return cut


def _is_body_text(part: Message) -> bool:
    return part.get_content_type() in _BODY_TYPES and part.get_content_disposition() != "attachment"


def cut_single_part_body(raw: bytes, limit: int = TEXT_PART_BYTES) -> bytes | None:
    """Return a single-part message cut to `limit` bytes of body at a line end, or None if it fits."""
    end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=-1)
    if end < 0 or len(raw) - end <= limit:
        return None
    head = BytesParser(policy=compat32).parsebytes(raw[:end + 2], headersonly=True)
    if head.get_content_maintype() == "multipart":
        return None  # its parts are cut one by one once parsed: cutting here could lose the text part
    line_end = raw.rfind(b"\n", end + 2, end + limit)
    return raw[:line_end + 1 if line_end > end else end + limit]
