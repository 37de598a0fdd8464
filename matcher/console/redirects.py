"""Where the console may send a browser back to: its own site only."""
from urllib.parse import urlsplit


def safe_target(target: str | None, fallback: str) -> str:
    """Return `target` if it is a path on this site, else `fallback`."""
    # Only same-site paths: an open redirect here would help a phishing page.
    if target and target.startswith("/") and not urlsplit(target).netloc and not target.startswith("//"):
        return target
    return fallback
