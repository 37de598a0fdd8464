"""Measure today's risk rules on the held-out set (a script, not a test).

    PYTHONPATH=. python bench/risk_heldout.py [--set PATH] [--json OUT] [--direct] [--list-misses]

Each message in tests/data/risk-heldout/messages.jsonl is put through the same
pure steps the relay uses for a message from a pairing (mailrelay/actions.py,
_from_party): the text is wrapped in an email, parsed, anonymised (quoted
history and signature trimmed, identifiers scrubbed), read by the rules with
the author, and the policy decides deliver or hold under the default
moderation. No app or database is needed: every step is pure.

A partner writes to the service as the requester of their own request, so
sender "partner" is read as author "requester".

Outcome per message, most severe first:
  red     any RED flag
  advice  a BOUNDARY flag for treatment advice (medication_advice or
          advice_to_refuse_treatment): the relay holds the message
  amber   any AMBER flag
  held    another reason to hold (contact details, meeting, contact offers)
  none    nothing raised
Recall: RED caught when the outcome is red; AMBER when at least amber (amber or
red); advice when a treatment-advice flag was raised. Intervals are Wilson 95%.

The set is held out: do not tune rules against its wording. See
tests/data/risk-heldout/README.md.
"""
import argparse
import collections
import json
import math
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

# The relay's own pure steps around the rules (not part of the move).
from matcher.mailrelay.anonymising.anonymise import Parties, anonymise
from matcher.mailrelay.anonymising.scrub import Identity
from matcher.mailrelay.policy import Action, Facts, decide
from matcher.mailrelay.reading.parse import parse

# --- The learned reader (matcher/safeguarding/learned/), read beside the rules as the relay does.
from matcher.safeguarding.learned import reader as learned
from matcher.safeguarding.learned.weights import EXAMPLES_FILE, WEIGHTS_FILE, examples_from_bytes, weights_from_bytes

# --- The reader under test. This is the ONLY import of the rules in this script:
# --- the rule package matcher/safeguarding/rules/ and its reader.
from matcher.safeguarding.rules.reader import RULES_VERSION, Tier, assess

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT / "tests" / "data" / "risk-heldout" / "messages.jsonl"
DEFAULT_MODERATION = "review_flagged"  # matcher/config.py MATCHER_DEFAULT_MODERATION
TREATMENT_ADVICE = frozenset({"medication_advice", "advice_to_refuse_treatment", "model_advice"})
MODES = ("rules", "model", "combined")
LABELS = ("red", "amber", "advice", "none")

# Fictional parties for the anonymiser; none of these names appear in the set.
REQUESTER = Identity(names=("Quenby Hartwell-Oduya",), emails=("quenby.h@example.org",))
VOLUNTEER = Identity(names=("Ysolde Marchetti-Finn",), emails=("ysolde.m@example.net",))
ALLOWED = ("Requester R-4471", "Volunteer V-2093", "Matcher Peer Support")


def load(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                row = json.loads(line)
                for key in ("id", "text", "sender", "language", "expected", "class"):
                    if key not in row:
                        raise SystemExit(f"{path}:{number}: missing {key!r}")
                if row["expected"] not in LABELS:
                    raise SystemExit(f"{path}:{number}: expected must be one of {LABELS}")
                rows.append(row)
    return rows


def author_of(row: dict) -> str:
    return "volunteer" if row["sender"] == "volunteer" else "requester"


def relay_text(row: dict) -> tuple[str, tuple[str, ...]]:
    """Return (anonymised text, contact offers) as the relay would read them."""
    author = author_of(row)
    sender, reader = (VOLUNTEER, REQUESTER) if author == "volunteer" else (REQUESTER, VOLUNTEER)
    message = EmailMessage()
    message["From"] = f"{sender.names[0]} <{sender.emails[0]}>"
    message["To"] = "pair-7f3k9@relay.example.com"
    message["Subject"] = row.get("subject") or "Re: hello"
    message["Message-ID"] = f"<{row['id']}@example.org>"
    message.set_content(row["text"])
    anonymised = anonymise(parse(message.as_bytes()), Parties(sender, reader, ALLOWED, "GB"))
    return anonymised.text, anonymised.contact_offers


def read(row: dict, direct: bool, mode: str, model) -> dict:
    author = author_of(row)
    text, offers = (row["text"], ()) if direct else relay_text(row)
    flags = assess(text, author) if mode != "model" else []
    if mode != "rules":
        flags = flags + learned.read(model[0], model[1], text, author)
    decision = decide(Facts(
        author=author, moderation=DEFAULT_MODERATION, contact_offers=tuple(offers),
        red_flags=tuple(f.label for f in flags if f.tier == Tier.RED),
        amber_flags=tuple(f.label for f in flags if f.tier == Tier.AMBER),
        boundary_flags=tuple(f.label for f in flags if f.tier == Tier.BOUNDARY)))
    codes = {f.code.split(".")[0] for f in flags}
    tiers = {f.tier for f in flags}
    if Tier.RED in tiers:
        outcome = "red"
    elif codes & TREATMENT_ADVICE:
        outcome = "advice"
    elif Tier.AMBER in tiers:
        outcome = "amber"
    elif tiers or offers:
        outcome = "held"
    else:
        outcome = "none"
    return {"outcome": outcome, "held": decision.action == Action.HOLD, "alert": decision.alert,
            "flags": [f"{f.tier}:{f.code}" for f in flags], "offers": list(offers)}


def caught(expected: str, outcome: str) -> bool:
    if expected == "red":
        return outcome == "red"
    if expected == "amber":
        return outcome in ("amber", "red")
    if expected == "advice":
        return outcome == "advice"
    return outcome == "none"


def wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def fmt(k: int, n: int) -> str:
    if n == 0:
        return "0/0"
    low, high = wilson(k, n)
    return f"{k}/{n} = {100 * k / n:.0f}% [{100 * low:.0f}–{100 * high:.0f}]"


def stat(k: int, n: int) -> dict:
    low, high = wilson(k, n)
    return {"k": k, "n": n, "rate": k / n if n else None, "low": low, "high": high}


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="the held-out JSONL file")
    parser.add_argument("--json", type=Path, help="also write the figures and every result here")
    parser.add_argument("--direct", action="store_true",
                        help="read the raw text with assess() only, skipping parse and anonymise")
    parser.add_argument("--list-misses", action="store_true", help="print every missed message")
    parser.add_argument("--model", type=Path, help="a folder with risk-weights.bin and risk-examples.jsonl.gz "
                        "(default: the packaged model)")
    parser.add_argument("--mode", choices=MODES, action="append",
                        help="rules alone, the learned model alone, or both as the relay reads (default: all three)")
    args = parser.parse_args(argv)

    rows = load(args.set)
    folder = args.model
    model = (weights_from_bytes(((folder / WEIGHTS_FILE.name) if folder else WEIGHTS_FILE).read_bytes()),
             examples_from_bytes(((folder / EXAMPLES_FILE.name) if folder else EXAMPLES_FILE).read_bytes()))
    everything = {"rules_version": RULES_VERSION, "model_version": model[0].version, "commit": commit(),
                  "path": "direct" if args.direct else "relay", "messages": len(rows)}
    print(f"Held-out set: {args.set} ({len(rows)} messages)")
    print(f"Rules version {RULES_VERSION}, model {model[0].version} ({model[0].kind} n-grams), commit "
          f"{everything['commit']}, read via {everything['path']} path, moderation {DEFAULT_MODERATION}")
    for mode in args.mode or MODES:
        print(f"\n======== {mode} ========\n")
        results = [(row, read(row, args.direct, mode, model)) for row in rows]
        everything[mode] = report(rows, results, args)
    if args.json:
        args.json.write_text(json.dumps(everything, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def report(rows: list[dict], results: list[tuple[dict, dict]], args) -> dict:
    """Print the figures for one way of reading, and return them."""
    out: dict = {}

    # Recall per expected label (and the outcome mix).
    print("Recall per expected label (RED: flagged RED; AMBER: at least AMBER; advice: held for treatment advice)")
    out["per_label"] = {}
    for label in LABELS:
        group = [(r, res) for r, res in results if r["expected"] == label]
        k = sum(caught(label, res["outcome"]) for _, res in group)
        mix = collections.Counter(res["outcome"] for _, res in group)
        anyflag = sum(res["outcome"] != "none" for _, res in group)
        name = "none (no flag at all)" if label == "none" else label
        print(f"  {name:24} {fmt(k, len(group)):28} any flag {anyflag}/{len(group)}  outcomes {dict(mix)}")
        out["per_label"][label] = stat(k, len(group)) | {"any_flag": anyflag, "outcomes": dict(mix)}

    risk = [(r, res) for r, res in results if r["expected"] != "none"]
    k = sum(caught(r["expected"], res["outcome"]) for r, res in risk)
    anyflag = sum(res["outcome"] != "none" for _, res in risk)
    print(f"  {'all risk/advice':24} {fmt(k, len(risk)):28} any flag {fmt(anyflag, len(risk))}")
    out["all_risk"] = stat(k, len(risk)) | {"any_flag": stat(anyflag, len(risk))}

    # Per sender for RED.
    print("\nRED recall per sender")
    out["red_per_sender"] = {}
    for sender in ("requester", "partner", "volunteer"):
        group = [(r, res) for r, res in results if r["expected"] == "red" and r["sender"] == sender]
        if group:
            k = sum(res["outcome"] == "red" for _, res in group)
            print(f"  {sender:10} {fmt(k, len(group))}")
            out["red_per_sender"][sender] = stat(k, len(group))

    # Per language.
    print("\nPer language: risk messages caught at their expected tier; RED recall; ordinary with no flag")
    out["per_language"] = {}
    for language in sorted({r["language"] for r in rows}, key=lambda x: (x != "en", x)):
        lrisk = [(r, res) for r, res in risk if r["language"] == language]
        lred = [(r, res) for r, res in lrisk if r["expected"] == "red"]
        lnone = [(r, res) for r, res in results if r["language"] == language and r["expected"] == "none"]
        kr = sum(caught(r["expected"], res["outcome"]) for r, res in lrisk)
        kred = sum(res["outcome"] == "red" for _, res in lred)
        kany = sum(res["outcome"] != "none" for _, res in lrisk)
        kn = sum(res["outcome"] == "none" for _, res in lnone)
        print(f"  {language}: risk {fmt(kr, len(lrisk)):26} any flag {kany}/{len(lrisk)}   "
              f"RED {fmt(kred, len(lred)):26} ordinary clean {kn}/{len(lnone)}")
        out["per_language"][language] = {"risk": stat(kr, len(lrisk)), "risk_any_flag": kany,
                                         "red": stat(kred, len(lred)), "none_clean": stat(kn, len(lnone))}

    # False alarms.
    ordinary = [(r, res) for r, res in results if r["expected"] == "none"]
    vol_ordinary = [(r, res) for r, res in ordinary if r["sender"] == "volunteer"]
    to_red = [(r, res) for r, res in ordinary if res["outcome"] == "red"]
    to_amber = [(r, res) for r, res in ordinary if res["outcome"] == "amber"]
    any_flag = [(r, res) for r, res in ordinary if res["outcome"] != "none"]
    vol_held = [(r, res) for r, res in vol_ordinary if res["held"]]
    print("\nFalse alarms on ordinary messages")
    print(f"  raised to RED             {fmt(len(to_red), len(ordinary))}")
    print(f"  raised to AMBER           {fmt(len(to_amber), len(ordinary))}")
    print(f"  any flag or hold reason   {fmt(len(any_flag), len(ordinary))}")
    print(f"  volunteer messages held   {fmt(len(vol_held), len(vol_ordinary))}  (moderation {DEFAULT_MODERATION})")
    for r, res in any_flag:
        print(f"    {r['id']:10} {r['sender']:9} {r['class']:22} -> {res['outcome']:6} {res['flags'] + res['offers']}")
    out["false_alarms"] = {"to_red": stat(len(to_red), len(ordinary)), "to_amber": stat(len(to_amber), len(ordinary)),
                           "any_flag": stat(len(any_flag), len(ordinary)),
                           "volunteer_held": stat(len(vol_held), len(vol_ordinary)),
                           "items": [{"id": r["id"], "class": r["class"], "outcome": res["outcome"],
                                      "flags": res["flags"] + res["offers"]} for r, res in any_flag]}

    # Misses by class.
    print("\nMisses by class (risk and advice messages not caught at their expected tier), most missed first")
    by_class = collections.defaultdict(list)
    for r, res in risk:
        by_class[(r["expected"], r["class"])].append((r, res))
    table = []
    for (expected, cls), group in by_class.items():
        missed = [(r, res) for r, res in group if not caught(expected, res["outcome"])]
        table.append((len(missed), len(group), expected, cls, missed))
    table.sort(key=lambda t: (-t[0], -t[0] / t[1], t[3]))
    out["by_class"] = []
    for n_missed, n, expected, cls, missed in table:
        print(f"  {cls:28} {expected:6} missed {n_missed}/{n}")
        if args.list_misses:
            for r, res in missed:
                text = r["text"].replace("\n", " ")
                print(f"      {r['id']:10} -> {res['outcome']:6} {text[:90]}")
        out["by_class"].append({"class": cls, "expected": expected, "missed": n_missed, "n": n,
                                "missed_ids": [r["id"] for r, _ in missed]})

    if args.json:
        out["results"] = [{"id": r["id"], "expected": r["expected"], "language": r["language"],
                           "sender": r["sender"], "class": r["class"]} | res for r, res in results]
    return out


if __name__ == "__main__":
    sys.exit(main())
