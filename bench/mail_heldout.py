"""Measure the relay on the held-out mail corpus (tests/data/mail-heldout): what crosses, what is lost.

Run from the repository root: `python bench/mail_heldout.py [--json out.json] [--moderation LEVEL] [--verbose]`.
This is a measurement, not a test: it exits 0 whatever it finds.

For every case in tests/data/mail-heldout/cases.json it builds a fresh test app on a temporary
SQLite database (migrated once, copied per case), creates an active pairing whose parties carry the
identities on file for that case, passes the raw bytes to the relay's one entry point
(`ingest.receive`, as every adapter does) addressed to the masked address the sender writes to, and
reads the copy queued in the outbox. Held messages are scored too, on the text a coordinator would
release as written. It reports:

- leaks: identifying strings (cases.json `must_not_cross`) found in what the reader gets, split into
  on-file and off-file, by kind, by client and by language;
- automatic messages that reached the other person (delivered), or were held for a coordinator;
- ordinary replies held or quarantined although they must be delivered (`expect: deliver`);
- ordinary replies whose required phrases (`must_arrive`) did not arrive.

Matching: case-insensitive, Unicode NFKC, whitespace collapsed; the reader's copy is searched as
written, URL-decoded and HTML-unescaped. Person names leak when the full name or any surname part
(every word after the first, 3+ letters) appears as a whole word; phones when their national digits
appear with only spaces, dots, dashes, brackets or line breaks between them; other strings when they
appear as a whole. `variants` in cases.json add other spellings of the same detail.
"""
from __future__ import annotations

import argparse
import email
import html
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from datetime import date, timedelta
from email import policy
from pathlib import Path
from urllib.parse import unquote_plus

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

# --- every product import, in one place (the relay's modules are being moved into subpackages) ---
from flask_migrate import upgrade  # noqa: E402

from matcher import create_app  # noqa: E402
from matcher.columns import utcnow  # noqa: E402
from matcher.console.service import create_coordinator  # noqa: E402
from matcher.extensions import db  # noqa: E402
from matcher.intake.models import RequestStatus, SupportRequest  # noqa: E402
from matcher.mailrelay.ingest import UnknownAddress, receive  # noqa: E402
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, Party  # noqa: E402
from matcher.mailrelay.service import address_for  # noqa: E402
from matcher.pairing import service as pairing_service  # noqa: E402
from matcher.pairing.models import Volunteer, VolunteerStatus  # noqa: E402

# ------------------------------------------------------------------------------------------------

CORPUS = REPO_ROOT / "tests" / "data" / "mail-heldout"
STOPPED = {"ignored", "bounce", "quarantined", "discarded", "for_coordinators"}
_SEPARATORS = re.compile(r"[\s.\-()\[\]/]+")
_WORD = r"(?<![^\W_]){}(?![^\W_])"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).casefold()


def _national_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    for prefix in ("44", "353", "61", "64", "49", "1"):
        if phone.strip().startswith("+" + prefix):
            return digits[len(prefix):]
    return digits.lstrip("0")


def _digits_view(text: str) -> str:
    """The text with separators between digits removed (so '07700\\n900 123' reads '07700900123')."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
    return _SEPARATORS.sub("", text)


def found(item: dict, views: list[str]) -> str | None:
    """Return the spelling of `item` found in any view of the reader's copy, or None."""
    value, kind = item["value"], item["kind"]
    candidates = [value, *item.get("variants", [])]
    for view in views:
        lowered = _norm(view)
        for candidate in candidates:
            if re.search(_WORD.format(re.escape(_norm(candidate))), lowered):
                return candidate
        if kind == "person_name":
            for part in re.split(r"[\s\-]+", value)[1:]:
                if len(part) >= 3 and part.lower() not in ("ní", "ó", "van", "de", "der", "bin") and \
                        re.search(_WORD.format(re.escape(_norm(part))), lowered):
                    return part
        if kind == "phone":
            digits = _national_digits(value)
            if len(digits) >= 7 and digits in _digits_view(view):
                return value
    return None


def reader_views(row) -> tuple[str, list[str]]:
    """Return (where, views) of what the other party receives: the delivered copy, or the held text."""
    if row.state == InboundState.DELIVERED and row.outbox_id:
        copy = db.session.get(OutboxMessage, row.outbox_id)
        message = email.message_from_bytes(copy.raw, policy=policy.default)
        parts = [f"{k}: {v}" for k, v in message.items()]
        for part in message.walk():
            if part.get_filename():
                parts.append(part.get_filename())
            if part.get_content_maintype() == "text":
                try:
                    content = part.get_content()
                except (LookupError, ValueError):
                    content = part.get_payload(decode=True).decode("utf-8", "replace")
                parts.append(html.unescape(content) if part.get_content_subtype() == "html" else content)
        text = "\n".join(parts)
        where = "delivered"
    elif row.state == InboundState.HELD:
        text, where = f"{row.subject or ''}\n{row.clean_text or ''}", "held"
    else:
        return str(row.state), []
    return where, [text, unquote_plus(text), html.unescape(unquote_plus(text))]


def body_text(row) -> str:
    """The plain text the reader reads (for required phrases)."""
    if row.state == InboundState.DELIVERED and row.outbox_id:
        copy = db.session.get(OutboxMessage, row.outbox_id)
        message = email.message_from_bytes(copy.raw, policy=policy.default)
        chunks = []
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                chunks.append(part.get_content())
        return "\n".join(chunks)
    return row.clean_text or ""


def _migrated_template(workdir: Path) -> Path:
    path = workdir / "template.sqlite"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        cwd = os.getcwd()
        os.chdir(REPO_ROOT)
        try:
            upgrade()
        finally:
            os.chdir(cwd)
        db.engine.dispose()
    return path


def _config(database: Path, moderation: str) -> dict:
    return {
        "TESTING": True, "SECRET_KEY": "bench-secret-that-is-long-enough-for-start-up",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None, "MATCHER_BASE_URL": "http://matcher.test",
        "MATCHER_RELAY_ADDRESS": "support@relay.example",
        "MATCHER_ALERT_ADDRESS": "oncall@example.org", "MATCHER_AUTHSERV_ID": "mx.relay.example",
        "MATCHER_DEFAULT_MODERATION": moderation,
    }


def _pairing(on_file: dict):
    coordinator = create_coordinator("bench-coord@example.org", "correct horse battery", "coordinator")
    when = utcnow()
    req = on_file["requester"]
    support_request = SupportRequest(
        pseudonym=req["pseudonym"], name=req.get("name"), email=req["email"], role="mother", stage="early",
        experiences=["postpartum_psychosis"], language="en", region="GB", timezone="Europe/London",
        status=RequestStatus.WAITING, requested_on=when, consented_at=when, confirmed_at=when)
    vol = on_file["volunteer"]
    volunteer = Volunteer(
        name=vol.get("name"), email=vol["email"], phone=vol.get("phone"), pseudonym=vol["pseudonym"], role="mother",
        stages=["early", "established"], experiences=["postpartum_psychosis", "mbu_admission"], languages=["en"],
        timezone="Europe/London", capacity=2, status=VolunteerStatus.ACTIVE,
        trained_on=date.today() - timedelta(days=200), checks_expire_on=date.today() + timedelta(days=300))
    db.session.add_all([support_request, volunteer])
    db.session.commit()
    pairing = pairing_service.create_pairing(support_request, volunteer, coordinator, 80.0, ["bench"], utcnow())
    db.session.commit()
    pairing_service.volunteer_confirms(pairing)
    return pairing


def run_case(name: str, spec: dict, template: Path, workdir: Path, moderation: str, corpus: Path = CORPUS) -> dict:
    database = workdir / f"{name}.sqlite"
    shutil.copyfile(template, database)
    app = create_app(_config(database, moderation))
    with app.app_context():
        try:
            pairing = _pairing(spec["on_file"])
            writer = Party.REQUESTER if spec["sender"] == "requester" else Party.VOLUNTEER
            recipient = address_for(pairing.id, writer)
            raw = (corpus / name).read_bytes()
            try:
                receive(raw, "pipe", recipient)
            except UnknownAddress as error:
                return {"case": name, "state": "unknown_address", "reasons": [str(error)], "leaks": [], "lost": []}
            row = db.session.scalars(db.select(InboundMessage).order_by(InboundMessage.id.desc())).first()
            where, views = reader_views(row)
            leaks = []
            for item in spec["must_not_cross"]:
                spelling = found(item, views) if views else None
                if spelling:
                    leaks.append({"value": item["value"], "kind": item["kind"], "on_file": item["on_file"],
                                  "found": spelling})
            text = _norm(body_text(row)) if row.state in (InboundState.DELIVERED, InboundState.HELD) else ""
            lost = [p for p in spec.get("must_arrive", []) if _norm(p) not in text]
            return {"case": name, "state": str(row.state), "where": where, "reasons": list(row.reasons or []),
                    "last_error": row.last_error, "leaks": leaks, "lost": lost}
        finally:
            db.session.remove()
            db.engine.dispose()
            database.unlink(missing_ok=True)


def summarise(cases: dict, results: list[dict]) -> dict:
    by = {r["case"]: r for r in results}
    s = {"cases": len(results), "automatic": 0, "ordinary": 0}
    s["states"] = Counter(r["state"] for r in results)
    delivered_leaks = [(r, leak) for r in results if r.get("where") == "delivered" for leak in r["leaks"]]
    held_leaks = [(r, leak) for r in results if r.get("where") == "held" for leak in r["leaks"]]
    s["strings_checked"] = sum(len(c["must_not_cross"]) for c in cases.values())
    s["strings_on_file"] = sum(1 for c in cases.values() for i in c["must_not_cross"] if i["on_file"])
    s["leaks_delivered_on_file"] = sum(1 for _, leak in delivered_leaks if leak["on_file"])
    s["leaks_delivered_off_file"] = sum(1 for _, leak in delivered_leaks if not leak["on_file"])
    s["leaks_if_held_released_on_file"] = sum(1 for _, leak in held_leaks if leak["on_file"])
    s["leaks_if_held_released_off_file"] = sum(1 for _, leak in held_leaks if not leak["on_file"])
    s["cases_leaking_delivered"] = sorted({r["case"] for r, _ in delivered_leaks})
    s["cases_leaking_if_released"] = sorted({r["case"] for r, _ in held_leaks})
    s["leaks_by_kind"] = Counter(f"{leak['kind']} ({'on' if leak['on_file'] else 'off'} file)"
                                 for _, leak in delivered_leaks)
    s["held_leaks_by_kind"] = Counter(f"{leak['kind']} ({'on' if leak['on_file'] else 'off'} file)"
                                      for _, leak in held_leaks)
    per_client, per_lang = defaultdict(lambda: [0, 0, 0]), defaultdict(lambda: [0, 0, 0])
    for name, c in cases.items():
        r = by[name]
        n = len([leak for leak in r["leaks"] if r.get("where") == "delivered"])
        for table, key in ((per_client, c["client"]), (per_lang, c["language"])):
            table[key][0] += 1
            table[key][1] += n
            table[key][2] += 1 if n else 0
    s["per_client"], s["per_language"] = dict(per_client), dict(per_lang)
    auto = [n for n, c in cases.items() if c["automatic"]]
    ordinary = [n for n, c in cases.items() if not c["automatic"]]
    s["automatic"], s["ordinary"] = len(auto), len(ordinary)
    s["automatic_reached_reader"] = sorted(n for n in auto if by[n]["state"] == "delivered")
    s["automatic_held_for_coordinator"] = sorted(n for n in auto if by[n]["state"] == "held")
    s["ordinary_must_deliver"] = sum(1 for n in ordinary if cases[n]["expect"] == "deliver")
    s["ordinary_held"] = sorted(n for n in ordinary
                                if cases[n]["expect"] == "deliver" and by[n]["state"] != "delivered")
    s["ordinary_either_held"] = sorted(n for n in ordinary
                                       if cases[n]["expect"] == "either" and by[n]["state"] != "delivered")
    s["ordinary_phrases_lost"] = sorted(n for n in ordinary
                                        if by[n]["state"] in ("delivered", "held") and by[n]["lost"])
    s["processing_errors"] = sorted(r["case"] for r in results if r.get("last_error") or r["state"] == "received")
    return s


def print_report(s: dict, results: list[dict], verbose: bool) -> None:
    p = print
    p(f"held-out corpus: {s['cases']} cases ({s['ordinary']} ordinary, {s['automatic']} automatic); "
      f"{s['strings_checked']} identifying strings ({s['strings_on_file']} on file)")
    p("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(s["states"].items())))
    p(f"leaks in delivered copies: {s['leaks_delivered_on_file']} on-file, {s['leaks_delivered_off_file']} off-file, "
      f"in {len(s['cases_leaking_delivered'])} cases")
    p(f"leaks in held text if released as written: {s['leaks_if_held_released_on_file']} on-file, "
      f"{s['leaks_if_held_released_off_file']} off-file, in {len(s['cases_leaking_if_released'])} cases")
    p("delivered leaks by kind: " + ", ".join(f"{k} {v}" for k, v in s["leaks_by_kind"].most_common()))
    p("held-text leaks by kind: " + ", ".join(f"{k} {v}" for k, v in s["held_leaks_by_kind"].most_common()))
    p(f"automatic messages that reached the other person: {len(s['automatic_reached_reader'])}/{s['automatic']} "
      f"{s['automatic_reached_reader']}")
    p(f"automatic messages held for a coordinator: {len(s['automatic_held_for_coordinator'])} "
      f"{s['automatic_held_for_coordinator']}")
    p(f"ordinary replies held/stopped that must be delivered: {len(s['ordinary_held'])}/{s['ordinary_must_deliver']} "
      f"{s['ordinary_held']}")
    p(f"ordinary replies where holding is acceptable, held: {len(s['ordinary_either_held'])}")
    p(f"ordinary replies whose required phrases were lost: {len(s['ordinary_phrases_lost'])} "
      f"{s['ordinary_phrases_lost']}")
    p(f"processing errors: {s['processing_errors']}")
    p("\nper client: cases / delivered leaks / cases leaking")
    for k, (n, leaks, leaking) in sorted(s["per_client"].items()):
        p(f"  {k:28} {n:3} {leaks:4} {leaking:3}")
    p("per language: cases / delivered leaks / cases leaking")
    for k, (n, leaks, leaking) in sorted(s["per_language"].items()):
        p(f"  {k:28} {n:3} {leaks:4} {leaking:3}")
    if verbose:
        p("\nper case:")
        for r in results:
            p(f"  {r['case']}: {r['state']} {r['reasons'][:2]}")
            for leak in r["leaks"]:
                p(f"      LEAK [{r.get('where')}] {leak['kind']} {'on' if leak['on_file'] else 'off'}-file: "
                  f"{leak['value']!r} (found {leak['found']!r})")
            for phrase in r["lost"]:
                p(f"      LOST {phrase!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write per-case results and the summary here")
    parser.add_argument("--moderation", default="review_flagged",
                        help="pairing moderation (default: the service default)")
    parser.add_argument("--only", nargs="*", help="run only these case file names")
    parser.add_argument("--corpus", type=Path, help="another corpus in the same format (e.g. tests/data/mail-variants)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    corpus = args.corpus.resolve() if args.corpus else CORPUS
    cases = json.loads((corpus / "cases.json").read_text(encoding="utf-8"))["cases"]
    if args.only:
        cases = {k: v for k, v in cases.items() if k in args.only}
    import logging
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix="mail-heldout-") as tmp:
        workdir = Path(tmp)
        template = _migrated_template(workdir)
        results = [run_case(name, spec, template, workdir, args.moderation, corpus)
                   for name, spec in sorted(cases.items())]
    summary = summarise(cases, results)
    print_report(summary, results, args.verbose)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "results": results}, ensure_ascii=False, indent=1,
                                        default=list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
