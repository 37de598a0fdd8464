"""What the anonymiser cannot be sure it cleaned: a copy holding any of it waits for a coordinator (pure).

Each check reads the copy as the reader would get it, after every removal, and gives its reason in
words (never the text it found): a message whose structure could not be read, a header-like block
still there, a title or organisation line left standing.
"""
import re

from matcher.mailrelay.anonymising.lines import SHORT_LINE, split_lines
from matcher.mailrelay.anonymising.shapes import is_title_line
from matcher.mailrelay.reading.body import LOST_STRUCTURE

UNREADABLE = "its MIME structure could not be read, so what is text and what is encoded is unknown"
HEADER_BLOCK = "it still holds a block of header-like lines (Label: value) the relay did not recognise"
TITLE_LINE = "it still holds a line shaped like a job title or organisation"
_LABEL = re.compile(r"^\s*\*?[^\W\d_][^\W\d_ ]{0,20}(?: [^\W\d_]{1,20}){0,2}\s?:\*?\s+\S")
_MARKER = re.compile(r"\[[a-z ]{3,20} removed\]")


def doubts(text: str, defects: tuple[str, ...]) -> tuple[str, ...]:
    """Return why a coordinator should see this copy before it goes (empty when the relay is sure)."""
    found = []
    if any(LOST_STRUCTURE in defect for defect in defects):
        found.append(UNREADABLE)
    lines = [line for line in split_lines(text) if len(line) <= SHORT_LINE]
    if _has_label_run(lines):
        found.append(HEADER_BLOCK)
    if any(is_title_line(_MARKER.sub(" ", line)) and len(line.split()) <= 6 for line in _bare_lines(lines)):
        found.append(TITLE_LINE)
    return tuple(found)


def _has_label_run(lines: list[str]) -> bool:
    """Three "Label: value" lines in a row are headers, whatever language their labels are in."""
    run = 0
    for line in lines:
        run = run + 1 if _LABEL.match(line) else 0
        if run >= 3:
            return True
    return False


def _bare_lines(lines: list[str]) -> list[str]:
    """Lines standing alone, not part of a sentence: a line between blank lines or in a short block."""
    return [line for line in lines if line.strip() and not re.search(r"[?!,;:]\s*$|[a-z\u00df-\u024f]{3}\.\s*$", line)
            and len(line.split()) <= 9]
