"""Make the HTML part of a relayed message safe to pass on (pure).

Anything that fetches from the network when the mail is opened would tell
the sender's server the reader's IP address and when they read it; anything
that runs code or submits a form could do worse. The relay passes on text,
simple formatting, tables and plain links, and nothing else.
"""
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "div", "span", "b", "i", "em", "strong", "u", "ul", "ol", "li", "blockquote", "a",
     "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
     "h1", "h2", "h3", "h4", "h5", "h6", "pre", "code", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
                      "ol": {"start"}}
# Dropped with everything inside them, not just unwrapped: their text is code,
# styling or page furniture, never part of what the person wrote.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "title", "noscript", "template", "iframe", "object", "embed", "applet",
     "svg", "math", "textarea", "select", "head"}
)
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


@dataclass(frozen=True)
class CleanHtml:
    """Sanitised HTML, and what was taken out, in words."""

    html: str
    removed: tuple[str, ...] = ()


def sanitise_html(html: str) -> CleanHtml:
    """Keep only simple formatting and plain links from an email's HTML part."""
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
    )
    return CleanHtml(clean, _what_was_removed(html))


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop any link that is not http(s) or mailto, relative links included."""
    if tag == "a" and attribute == "href" and not SAFE_LINK.match(value):
        return None
    return value


def _what_was_removed(html: str) -> tuple[str, ...]:
    """Describe, for a coordinator, the unsafe things the original held."""
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
