"""`flask --app matcher requests ...`."""
import click
from flask.cli import AppGroup

from matcher.csvcli import run_import
from matcher.intake.service import import_waiting_list
from matcher.intake.waitlist import check_waiting_list
from matcher.pairing.volunteers import vocabularies

requests_cli = AppGroup("requests", help="Manage support requests.")


@requests_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and import nothing.")
def import_command(path: str, dry_run: bool) -> None:
    """Import a waiting list from CSV, keeping each person's request date."""
    run_import(path, dry_run, check_waiting_list, import_waiting_list, vocabularies(), "requests")
