"""Whether a password is good enough for a console account (pure: no app, no database)."""
from collections.abc import Iterable

MIN_LENGTH = 12
MAX_LENGTH = 1024
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks".
MIN_SCORE = 3
# zxcvbn refuses longer input; a prefix this long that is hard to guess makes the whole hard to guess.
_CHECKED_PREFIX = 72


def password_problem(password: str, related: Iterable[str] = ()) -> str | None:
    """Return why a password is refused (too short, too long, common or guessable), or None."""
    if len(password) < MIN_LENGTH:
        return f"The password must be at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password must be at most {MAX_LENGTH} characters."
    # Imported here: its word lists (common passwords, words, names) load in ~30 ms that most
    # processes, such as every `relay receive`, never need.
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:_CHECKED_PREFIX], user_inputs=_words(related))
    if result["score"] >= MIN_SCORE:
        return None
    warning = result["feedback"]["warning"]
    reason = f" ({warning.rstrip('.').lower()})" if warning else ""
    return f"That password is too easy to guess{reason}. Try three or four unrelated words."


def _words(related: Iterable[str]) -> list[str]:
    # The address and the organisation's name, whole and in pieces, are the first things tried.
    words = []
    for text in related:
        words.append(text)
        words.extend(part for part in text.replace("@", " ").replace(".", " ").split() if len(part) > 2)
    return words
