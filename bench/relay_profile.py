"""Profile the listener's work per relayed message in one process: CPU, statements, transactions.

    PYTHONPATH=. python bench/relay_profile.py [--messages 300] [--top 25] [--no-profile]

A fresh SQLite database made with `flask db upgrade` and `flask demo`, moderation `audit_only`;
then `ingest.receive` (what `relay smtpd` calls for each message, inline processing) followed by
`send_alerts_now` and one `deliver_due` pass into a kept-locally transport, as the listener does.
The same kind of message as bench/relay.py, spread over the demo pairings. Prints CPU ms per
message (time.process_time, median of chunks of 50), SQL statements and commits per message
(SQLAlchemy events), and, unless --no-profile, the cProfile entries with the most own time.
"""
import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import app_environment, run_flask
from bench.relay import write_load

CHUNK = 50


def seeded_app(folder: Path):
    """Create the schema and the demo in a fresh SQLite file; return (app, routes)."""
    import json
    import os

    database = folder / "profile.sqlite"
    environment = app_environment(f"sqlite:///{database}", MATCHER_DEFAULT_MODERATION="audit_only",
                                  MATCHER_RELAY_HOURLY_LIMIT="1000000")
    run_flask(environment, "db", "upgrade")
    run_flask(environment | {"FLASK_MATCHER_DEMO": "true"}, "demo", "--json", str(folder / "demo.json"))
    pairings = json.loads((folder / "demo.json").read_text())["pairings"]
    os.environ.update({k: v for k, v in environment.items() if k.startswith("FLASK_")})
    from matcher import create_app

    return create_app(), [(p["requester"]["email"], p["requester_writes_to"]) for p in pairings]


def count_statements(engine, counts: dict) -> None:
    """Count every statement and every commit on `engine` into `counts`."""
    from sqlalchemy import event

    def before(conn, cursor, statement, parameters, context, executemany):
        counts["statements"] += 1

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "commit", lambda conn: counts.__setitem__("commits", counts["commits"] + 1))


def main(argv=None) -> int:
    """Relay the messages in-process and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="matcher-relay-profile-"))
    app, routes = seeded_app(folder)
    messages = write_load("profile", args.messages, routes)
    with app.app_context():
        from matcher.extensions import db
        from matcher.mailrelay.ingest import receive, send_alerts_now
        from matcher.mailrelay.outbound.outbox import deliver_due

        deliver_due()  # the introductions, before counting
        counts = {"statements": 0, "commits": 0}
        count_statements(db.engine, counts)
        profiler = None if args.no_profile else cProfile.Profile()
        chunk_cpu = []
        for start in range(0, len(messages), CHUNK):
            began = time.process_time()
            if profiler:
                profiler.enable()
            for message in messages[start:start + CHUNK]:
                receive(message.raw, "smtp", message.recipient)
                send_alerts_now()
                deliver_due(limit=50)
                db.session.remove()
            if profiler:
                profiler.disable()
            chunk_cpu.append((time.process_time() - began) * 1000 / len(messages[start:start + CHUNK]))
    print(f"{args.messages} messages over {len(routes)} pairings; CPU ms per message (store, read, queue, send "
          f"locally), median of chunks of {CHUNK}: {statistics.median(chunk_cpu):.1f} "
          f"(chunks: {', '.join(f'{c:.1f}' for c in chunk_cpu)}){' under cProfile' if profiler else ''}")
    print(f"statements per message {counts['statements'] / args.messages:.1f}, "
          f"commits per message {counts['commits'] / args.messages:.1f}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top + 15)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
