"""Where the console may send a browser back to: a path on its own site, nothing else."""
from urllib.parse import urlsplit


def safe_target(target: str | None, fallback: str) -> str:
    """Return `target` if it is a path on this site, else `fallback`."""
    # An open redirect here would lend the console's address to a phishing page. Browsers read
    # "/\evil", "\\evil" and "/<tab>/evil" as another host, so backslashes and control
    # characters are refused outright, not just "//" and a scheme.
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(character) < 0x21 or ord(character) == 0x7F for character in target):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target
