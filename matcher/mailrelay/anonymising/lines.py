"""Lines of a message: split, joined back, and reasons kept once each (pure)."""
import re
from dataclasses import dataclass

# No marker, attribution, header or signature line is longer than this; a longer line is prose, and
# no pattern is ever given one, so each line costs at most a bounded amount of matching
# (docs/security.md, Relay: every pattern on untrusted text runs in linear time).
SHORT_LINE = 300


def split_lines(text: str) -> list[str]:
    """Split text into lines, whatever the line endings."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def join_lines(lines: list[str]) -> str:
    """Join lines and drop the blank lines a cut leaves at either end."""
    text = "\n".join(line.rstrip() if not line.strip() else line for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip().lstrip("\n")


def unique(reasons: list[str]) -> tuple[str, ...]:
    """Return reasons without repeats, in the order first seen."""
    return tuple(dict.fromkeys(reasons))


@dataclass(frozen=True)
class Trimmed:
    """Text with parts cut away, and the reasons in words."""

    text: str
    removed: tuple[str, ...] = ()
