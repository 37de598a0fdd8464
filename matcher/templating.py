"""Template globals and filters shared by every page and email."""
from datetime import datetime

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import gettext, ngettext

from matcher import i18n
from matcher.columns import utcnow
from matcher.safeguarding.crisis import dial, emergency_dial, footer_region, resources_for
from matcher.timezones import zone_words


def init_app(app: Flask) -> None:
    """Register the context processor and filters."""
    app.context_processor(_globals)
    app.add_template_filter(wait_words, "wait")
    app.add_template_filter(ago_words, "ago")
    app.add_template_filter(vocabulary_word, "word")
    app.add_template_filter(translated, "translated")
    app.add_template_filter(dial, "dial")
    app.add_template_filter(zone_label, "zone")
    # Globals, not context values, so imported macros can call them too.
    app.add_template_global(field_attributes, "aria")
    app.add_template_global(crisis_resources, "crisis_resources")
    app.add_template_global(organisation_identity, "identity")


def _globals() -> dict:
    config = current_app.config
    return {
        "organisation": config["MATCHER_ORGANISATION"],
        "demo_mailbox": current_app.debug or config["MATCHER_DEMO"],
        "person_region": _asked_region,
    }


def _asked_region() -> str | None:
    """Return the region a page was asked about (?region=), if it names one."""
    if not has_request_context():
        return None
    region = request.args.get("region") or g.get("person_region")
    return region if region in current_app.config["MATCHER_CRISIS_RESOURCES"] else None


def organisation_identity() -> dict:
    """Return the organisation's name, description, contact and whether it has a logo."""
    config = current_app.config
    return {
        "name": config["MATCHER_ORGANISATION"],
        "description": gettext(config["MATCHER_ORGANISATION_DESCRIPTION"]),
        "contact": config["MATCHER_ORGANISATION_CONTACT"],
        "logo": bool(config["MATCHER_ORGANISATION_LOGO"]),
        "region": default_region(),
    }


def default_region() -> str:
    """Return the organisation's default crisis region (MATCHER_ORGANISATION_REGION, else MATCHER_DEFAULT_REGION)."""
    config = current_app.config
    return config["MATCHER_ORGANISATION_REGION"] or config["MATCHER_DEFAULT_REGION"]


def crisis_resources(region: str | None = None) -> list[dict]:
    """Return the crisis numbers for a person's region (or the organisation's), their words translated."""
    table = current_app.config["MATCHER_CRISIS_RESOURCES"]
    chosen = footer_region(region, default_region(), table)
    return [{**resource, **{key: gettext(resource[key]) for key in ("name", "when", "contact") if resource.get(key)}}
            for resource in resources_for(chosen, table)]


def emergency_number(region: str | None = None) -> str:
    """Return the emergency number of a person's region (or the organisation's), never a mixed list."""
    table = current_app.config["MATCHER_CRISIS_RESOURCES"]
    return emergency_dial(resources_for(footer_region(region, default_region(), table), table)) or "112"


def translated(words: str | None) -> str:
    """Translate words that came from configuration (marked _t() in matcher/config.py)."""
    return gettext(words) if words else ""


def zone_label(zone: str, now: datetime | None = None) -> str:
    """Show a time zone by city and offset in words."""
    return zone_words(zone, now or utcnow(), i18n.current(), gettext, ngettext)


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
        return gettext("today")
    if days < 14:
        return ngettext("%(num)d day", "%(num)d days", days)
    return ngettext("%(num)d week", "%(num)d weeks", days // 7)


def ago_words(since: datetime | None, now: datetime | None = None) -> str:
    """Say when something happened: "today", or "3 days ago" (never "today ago")."""
    if since is None:
        return ""
    words = wait_words(since, now)
    return words if ((now or utcnow()) - since).days < 1 else gettext("%(wait)s ago", wait=words)


def vocabulary_word(code: str | None, vocabulary: str) -> str:
    """Turn a stored code into the words shown to people, in their language."""
    words = current_app.config[f"MATCHER_{vocabulary.upper()}"]
    return gettext(words[code]) if isinstance(words, dict) and code in words else (code or "")
