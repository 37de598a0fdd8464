"""Name, for a coordinator, what an email's HTML part held that could fetch, run or track (pure).

The reader never receives the sender's markup: anonymise.py rebuilds the HTML
part from the scrubbed text. What this module finds is only recorded, so a
coordinator can see that a remote image, script or form was taken out.
"""
import re
from html.parser import HTMLParser

SAFE_LINK = re.compile(r"^\s*(?:https?://|mailto:)", re.IGNORECASE)

REMOTE_IMAGE = "remote image"
TRACKING_PIXEL = "tracking pixel"
_TAG_REASONS = {
    "script": "script", "noscript": "script", "style": "stylesheet", "link": "external stylesheet",
    "iframe": "embedded page", "frame": "embedded page", "object": "embedded object",
    "embed": "embedded object", "applet": "embedded object", "form": "form", "input": "form",
    "button": "form", "select": "form", "textarea": "form", "meta": "page instructions",
    "base": "page instructions", "svg": "embedded graphics", "video": "embedded media",
    "audio": "embedded media",
}
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)


def unsafe_parts(html: str) -> tuple[str, ...]:
    """Describe, once each, the unsafe things an email's HTML part held."""
    survey = _Survey()
    survey.feed(html)
    survey.close()
    return tuple(dict.fromkeys(survey.reasons))


class _Survey(HTMLParser):
    """Walk the original HTML noting what sanitising will take out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.reasons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note an unsafe element or attribute."""
        values = {name.lower(): value or "" for name, value in attrs}
        if tag == "img":
            self.reasons.append(_describe_image(values))
        elif tag in _TAG_REASONS:
            self.reasons.append(_TAG_REASONS[tag])
        if any(name.startswith("on") for name in values):
            self.reasons.append("event handler")
        if _CSS_URL.search(values.get("style", "")):
            self.reasons.append("remote styling")
        if any(_REMOTE.match(values.get(name, "")) for name in ("background", "poster", "srcset")):
            self.reasons.append(REMOTE_IMAGE)
        if tag == "a" and values.get("href") and not SAFE_LINK.match(values["href"]):
            self.reasons.append("unsafe link")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Treat <img/> like <img>."""
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        """Note remote fetches inside a stylesheet."""
        if self.lasttag == "style" and _CSS_URL.search(data):
            self.reasons.append("remote styling")


def _describe_image(attributes: dict[str, str]) -> str:
    """Name an image by what it would do if it were shown."""
    style = re.sub(r"\s+", "", attributes.get("style", "")).lower()
    tiny = all(attributes.get(side, "").strip().rstrip("px") in ("0", "1") for side in ("width", "height"))
    hidden = "display:none" in style or "visibility:hidden" in style or re.search(
        r"(?:^|;)(?:width|height):[01](?:px)?(?:;|$)", style)
    if tiny or hidden:
        return TRACKING_PIXEL
    source = attributes.get("src", "")
    if _REMOTE.match(source):
        return REMOTE_IMAGE
    return "embedded image" if source.lower().startswith("data:") else "inline image"
