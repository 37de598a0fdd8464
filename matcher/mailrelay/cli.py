"""`flask --app matcher relay ...`."""
import click
from flask.cli import AppGroup

from matcher.mailrelay.outbox import deliver_due

relay_cli = AppGroup("relay", help="Send and receive relayed mail.")


@relay_cli.command("send")
def send_command() -> None:
    """Deliver everything due in the outbox now."""
    report = deliver_due()
    click.echo(f"sent {report.sent}, retrying later {report.retried}, failed {report.failed}")
