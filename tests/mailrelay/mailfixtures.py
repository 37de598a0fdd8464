"""Load the .eml corpus in tests/data/mail."""
import json
from pathlib import Path

MAIL_DIR = Path(__file__).resolve().parent.parent / "data" / "mail"


def load_eml(name: str) -> bytes:
    """Return the raw bytes of one fixture, e.g. load_eml("gmail_reply.eml")."""
    if not name.endswith(".eml"):
        name += ".eml"
    return (MAIL_DIR / name).read_bytes()


def fixture_names() -> list[str]:
    """Return the file name of every fixture, sorted."""
    return sorted(path.name for path in MAIL_DIR.glob("*.eml"))


def identities() -> dict[str, dict[str, list[str]]]:
    """Return the invented names, addresses, phones and employers in each fixture."""
    return json.loads((MAIL_DIR / "identities.json").read_text(encoding="utf-8"))
