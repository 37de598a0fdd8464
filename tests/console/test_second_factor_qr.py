"""TOTP enrolment shows a QR code drawn on the server, beside the key."""
import html
import re

import segno

from tests.console.test_login import _sign_in


def _setup_page(client, make_coordinator):
    coordinator = make_coordinator(totp=False)
    _sign_in(client)
    return coordinator, client.get("/console/second-factor/setup").get_data(as_text=True)


def _modules(svg: str) -> set[tuple[int, int]]:
    """Read back the dark modules a segno path draws (each 'h' run on one row)."""
    dark, x, y = set(), 0.0, 0.0
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    for command, dx, dy, run in re.findall(r"([Mm])(-?[\d.]+) (-?[\d.]+)h(\d+)", path):
        x, y = (float(dx), float(dy)) if command == "M" else (x + float(dx), y + float(dy))
        dark.update((int(x) + i, int(y)) for i in range(int(run)))
        x += int(run)
    return dark


def test_enrolment_page_draws_a_qr_code_of_the_setup_address_without_script(client, make_coordinator):
    coordinator, page = _setup_page(client, make_coordinator)
    uri = html.unescape(re.search(r"<code>(otpauth://[^<]+)</code>", page).group(1))
    svg = re.search(r"<svg .*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title>" in svg
    expected = segno.make(uri, error="m")
    drawn = {(x - 4, y - 4) for x, y in _modules(svg)}
    wanted = {(x, y) for y, row in enumerate(expected.matrix) for x, bit in enumerate(row) if bit}
    assert drawn == wanted
    assert coordinator.totp_secret in page
    assert "<script" not in page and "http://" not in svg and "https://" not in svg
