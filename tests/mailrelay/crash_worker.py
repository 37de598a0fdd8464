"""A relay process for the crash test: an MTA-like queue reader, or the outbox sender.

`python -m tests.mailrelay.crash_worker receive DIR` hands each queued file to
ingest and deletes it only after ingest returns, as an MTA does with a pipe's
exit code; `... send` delivers the outbox in a loop. The test kills both at
random moments and starts them again. `... deliver` runs what `relay send` does, in a loop (a
sender of the processing tier's scale test). Configuration comes from FLASK_* variables.
"""
import sys
import time
from pathlib import Path

from matcher import create_app


def receive_queue(queue: Path) -> None:
    """Feed every queued message to ingest, oldest first, until the queue is empty."""
    from matcher.mailrelay.ingest import receive

    for path in sorted(queue.glob("*.eml")):
        receive(path.read_bytes(), "pipe")
        path.unlink()


def send_forever() -> None:
    """Deliver the outbox and resume interrupted inbound, again and again."""
    from matcher.mailrelay.ingest import resume_pending
    from matcher.mailrelay.outbound.outbox import deliver_due

    while True:
        resume_pending()
        if deliver_due().sent == 0:
            time.sleep(0.05)


def deliver_forever() -> None:
    """Run `relay send`'s pass again and again: alerts, then (inline only) resumed inbound, then the rest."""
    from matcher.mailrelay.ingest import deliver_alerts_then_resume
    from matcher.mailrelay.outbound.outbox import deliver_due

    while True:
        deliver_alerts_then_resume()
        if deliver_due().sent == 0:
            time.sleep(0.25)  # an idle pass costs a few queries: keep the CPU for the workers


def main() -> None:
    """Run the role named on the command line."""
    app = create_app()
    with app.app_context():
        print("ready", flush=True)
        if sys.argv[1] == "receive":
            receive_queue(Path(sys.argv[2]))
        elif sys.argv[1] == "deliver":
            deliver_forever()
        else:
            send_forever()


if __name__ == "__main__":
    main()
