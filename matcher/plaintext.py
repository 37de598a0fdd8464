"""Text people type: which characters a field may hold, and a one-line form for mail headers (pure).

Control characters (C0, DEL, C1), Unicode line and paragraph separators and the
bidirectional overrides have no place in a name or phone number: a line break in
a pseudonym broke the From header of an introduction, NUL is refused by PostgreSQL,
and a right-to-left override can disguise a name. Multi-line fields keep
newlines and tabs and refuse the rest. Joiners (U+200C, U+200D) stay allowed:
Urdu, Punjabi and Arabic names and many emoji need them.
"""
import re

from wtforms.validators import ValidationError

_FORBIDDEN = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# One character class each, so both run in linear time on any input.
_ANY_FORBIDDEN = re.compile(f"[{_FORBIDDEN}]")
_RUNS = re.compile(f"[{_FORBIDDEN}\\s]+")


def has_control_characters(text: str | None, multiline: bool = False) -> bool:
    """Say whether `text` holds a character its field may not (multi-line fields keep tab, CR and LF)."""
    if not text:
        return False
    if multiline:
        text = text.replace("\r", "").replace("\n", "").replace("\t", "")
    return _ANY_FORBIDDEN.search(text) is not None


def one_line(text: str | None) -> str:
    """Return `text` with every run of whitespace or control characters as one space, safe for a header."""
    return _RUNS.sub(" ", text or "").strip()


class PlainText:
    """A WTForms validator refusing control characters, naming the field in its message."""

    def __init__(self, name: str, multiline: bool = False, message=None):
        self.name = name
        self.multiline = multiline
        self.message = message  # the whole message, already in the reader's language (a lazy string)

    def __call__(self, form, field) -> None:
        if has_control_characters(field.data, self.multiline):
            if self.message is not None:
                raise ValidationError(str(self.message))
            what = "control characters" if self.multiline else "line breaks or control characters"
            raise ValidationError(f"{self.name} cannot contain {what}.")
