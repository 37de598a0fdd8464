"""Template globals and filters shared by every page and email."""
from datetime import datetime

from flask import Flask, current_app

from matcher.columns import utcnow
from matcher.safeguarding.crisis import resources_for


def init_app(app: Flask) -> None:
    """Register the context processor and filters."""
    app.context_processor(_globals)
    app.add_template_filter(wait_words, "wait")
    app.add_template_filter(vocabulary_word, "word")
    # A global, not a context value, so imported macros can call it too.
    app.add_template_global(field_attributes, "aria")


def _globals() -> dict:
    config = current_app.config
    return {
        "organisation": config["MATCHER_ORGANISATION"],
        "crisis_resources": lambda region: resources_for(region, config["MATCHER_CRISIS_RESOURCES"]),
        "demo_mailbox": current_app.debug or config["MATCHER_DEMO"],
    }


def field_attributes(field, hint: str | None, described: bool = True, autocomplete: str | None = None) -> dict:
    """Return the attributes tying a field to its hint and error message."""
    attributes = {}
    ids = []
    if hint:
        ids.append(f"{field.id}-hint")
    if field.errors:
        ids.append(f"{field.id}-error")
        attributes["aria-invalid"] = "true"
    if ids and described:
        attributes["aria-describedby"] = " ".join(ids)
    if autocomplete:
        attributes["autocomplete"] = autocomplete
    return attributes


def wait_words(since: datetime | None, now: datetime | None = None) -> str:
    """Describe how long ago something happened, in days or weeks."""
    if since is None:
        return ""
    days = ((now or utcnow()) - since).days
    if days < 1:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{days // 7} weeks"


def vocabulary_word(code: str | None, vocabulary: str) -> str:
    """Turn a stored code into the words shown to people."""
    words = current_app.config[f"MATCHER_{vocabulary.upper()}"]
    return words.get(code, code or "") if isinstance(words, dict) else (code or "")
