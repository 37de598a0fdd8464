"""Render an HTML mail body as plain text a person can read."""
import html
import re
from html.parser import HTMLParser

# Content of these elements is never shown to the reader.
_HIDDEN = frozenset({"script", "style", "head", "title", "xml", "template", "noscript", "object"})
_BLOCKS = frozenset(
    {
        "p", "div", "table", "tr", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
        "section", "article", "header", "footer", "address", "center", "form", "pre", "blockquote",
    }
)
_VOID_HIDDEN = frozenset({"meta", "link", "base"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})
# Styles that keep an element from being seen: preheaders, tracking text, Outlook's hidden blocks. A
# reader of the original never saw this text, so it is never rendered (it often carries a signature).
_INVISIBLE_STYLE = re.compile(
    r"display:none|visibility:hidden|mso-hide:all|(?:^|;)(?:font-size|max-height|max-width|opacity|"
    r"line-height):0(?:px|pt|em|%)?(?:!important)?(?:;|$)|(?:^|;)(?:width|height):0(?:px)?(?:;|$)")
_INVISIBLE_CLASS = re.compile(r"\b(?:preheader|preview-?text|hidden)\b", re.IGNORECASE)


def is_invisible(attrs: dict[str, str | None]) -> bool:
    """Tell whether an element's attributes hide it from the person reading the mail."""
    style = re.sub(r"\s+", "", attrs.get("style") or "").lower()
    return ("hidden" in attrs or bool(_INVISIBLE_STYLE.search(style))
            or bool(_INVISIBLE_CLASS.search(attrs.get("class") or "")))


def html_to_text(markup: str) -> str:
    """Render HTML as readable plain text: paragraphs, line breaks, lists, "> " for blockquotes."""
    renderer = _Renderer()
    try:
        renderer.feed(markup)
        renderer.close()
    except Exception:  # noqa: BLE001 - html.parser raises AssertionError on some malformed declarations
        return _strip_tags(markup)
    return renderer.text()


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._lines: list[str] = []
        self._line: list[str] = []
        self._line_quote_depth = 0
        self._quote_depth = 0
        self._hidden: list[str] = []
        self._pre = 0
        self._lists: list[list] = []  # [tag, next number] per open list
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            # Outlook and broken editors leave <head> unclosed; the body is still the message.
            self._hidden = [name for name in self._hidden if name != "head"]
        if tag in _VOID:
            if not self._hidden and tag not in _VOID_HIDDEN and not is_invisible(dict(attrs)):
                self._open(tag, dict(attrs))
            return
        # Inside a hidden element every element is counted, so its own end tag is found.
        if tag in _HIDDEN or self._hidden or is_invisible(dict(attrs)):
            self._hidden.append(tag)
            return
        self._open(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._hidden:
            # Elements left open inside end with it (an unclosed <p> must not hide the rest).
            del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag):]
            return
        if self._hidden or tag in _HIDDEN:
            return
        self._close(tag)

    def handle_data(self, text: str) -> None:
        if self._hidden:
            return
        if self._pre:
            for index, piece in enumerate(text.split("\n")):
                if index:
                    self._end_line()
                self._write(piece)
            return
        text = re.sub(r"\s+", " ", text)
        if not self._line:
            text = text.lstrip()
        self._write(text)

    def text(self) -> str:
        """Return the rendering so far."""
        self._end_line()
        rendered = "\n".join(line.rstrip() for line in self._lines)
        return re.sub(r"\n{3,}", "\n\n", rendered).strip("\n")

    def _open(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "br":
            self._end_line(force=True)
        elif tag == "blockquote":
            self._blank_line()
            self._quote_depth += 1
        elif tag in ("ul", "ol"):
            self._end_line()
            self._lists.append([tag, 1])
        elif tag == "li":
            self._list_item()
        elif tag == "hr":
            self._end_line()
            self._write("---")
            self._end_line()
        elif tag == "img":
            self._image(attrs)
        elif tag == "a":
            self._link = (attrs.get("href") or "", [])
        elif tag in ("td", "th"):
            self._write(" ")
        elif tag in _BLOCKS:
            self._pre += tag == "pre"
            self._break_for(tag)

    def _close(self, tag: str) -> None:
        if tag == "blockquote":
            self._end_line()
            self._quote_depth = max(0, self._quote_depth - 1)
            self._blank_line()
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
            self._end_line()
        elif tag == "a":
            self._finish_link()
        elif tag in _BLOCKS:
            self._break_for(tag)
            self._pre = max(0, self._pre - (tag == "pre"))

    def _break_for(self, tag: str) -> None:
        # Paragraphs stand apart; other blocks (Gmail's one <div> per line) only start a new line.
        if tag == "p":
            self._blank_line()
        else:
            self._end_line()

    def _list_item(self) -> None:
        self._end_line()
        if self._lists and self._lists[-1][0] == "ol":
            self._write(f"{self._lists[-1][1]}. ")
            self._lists[-1][1] += 1
        else:
            self._write("- ")

    def _image(self, attrs: dict[str, str | None]) -> None:
        # Tracking pixels and spacers have no alt text, so they leave no trace in the text.
        alt = (attrs.get("alt") or "").strip()
        if alt:
            self._write(f"[image: {alt}]")

    def _finish_link(self) -> None:
        if self._link is None:
            return
        href, words = self._link
        self._link = None
        # Keep the address of a web link the reader could not otherwise see.
        if href.startswith(("http://", "https://")) and href not in "".join(words):
            self._write(f" <{href}>")

    def _write(self, text: str) -> None:
        if not text:
            return
        if not self._line:
            self._line_quote_depth = self._quote_depth
        self._line.append(text)
        if self._link is not None:
            self._link[1].append(text)

    def _end_line(self, force: bool = False) -> None:
        if not self._line and not force:
            return
        prefix = "> " * (self._line_quote_depth if self._line else self._quote_depth)
        content = "".join(self._line).replace("\xa0", " ")
        content = content.rstrip() if self._pre else content.strip()
        self._lines.append((prefix + content).rstrip())
        self._line = []

    def _blank_line(self) -> None:
        self._end_line()
        marker = ">" if self._quote_depth else ""
        if self._lines and self._lines[-1].strip("> "):
            self._lines.append(marker)
        elif self._lines and len(marker) < len(self._lines[-1]):
            # Leaving a quote: the blank line after it belongs to the outer level.
            self._lines[-1] = marker


def _strip_tags(markup: str) -> str:
    without_hidden = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", markup)
    text = html.unescape(re.sub(r"(?s)<[^>]*>", " ", without_hidden))
    return re.sub(r"[ \t\xa0]+", " ", text).strip()
