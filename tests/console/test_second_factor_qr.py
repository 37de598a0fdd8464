"""TOTP enrolment shows a QR code drawn on the server as SVG, beside the key (issue 16)."""
import html
import re

import segno

from matcher.console.second_factor import qr_code_svg


def _setup_page(client, make_coordinator):
    make_coordinator(totp=False)
    client.post("/console/login", data={"email": "coord@example.org", "password": "correct horse battery"})
    return client.get("/console/second-factor/setup").get_data(as_text=True)


def test_setup_page_shows_the_setup_address_as_an_inline_svg_qr_code(client, make_coordinator):
    page = _setup_page(client, make_coordinator)
    uri = html.unescape(re.search(r"<code>(otpauth://[^<]+)</code>", page).group(1))
    assert re.search(r'<svg width="\d+" height="\d+" class="totp-qr">', page)
    assert str(qr_code_svg(uri)) in page  # the QR code is of the very address shown beside it
    assert 'role="img" aria-label="QR code' in page
    assert "<img" not in page and "<script" not in page  # drawn here: nothing fetched, no JavaScript


def test_the_qr_code_carries_the_address_at_medium_error_correction():
    uri = "otpauth://totp/Peer%20Support:coord%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Peer%20Support"
    code = segno.make(uri, error="m")
    assert code.error == "M" and not code.is_micro
    svg = str(qr_code_svg(uri))
    assert svg.startswith("<svg") and "style=" not in svg  # the CSP allows no inline style
