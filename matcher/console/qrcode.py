"""A QR code drawn on the server as inline SVG (pure: no app, no network, no JavaScript)."""
import segno
from markupsafe import Markup

# Large enough for a phone camera at arm's length from a desktop screen.
MODULE_PIXELS = 5


def qr_svg(text: str, label: str) -> Markup:
    """Return an inline SVG QR code of text, dark on light with its quiet zone, titled for screen readers."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=MODULE_PIXELS, border=4, dark="#000", light="#fff", title=label,
                          svgclass="qr-code", lineclass=None, omitsize=False)
    # segno escapes the title; the rest is drawn from the code's own modules, never from user text.
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704  # segno escapes the title
