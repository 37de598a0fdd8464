"""`flask --app matcher volunteers ...` and `flask --app matcher pairing ...`."""
import json

import click
from flask.cli import AppGroup

from matcher.columns import utcnow
from matcher.csvcli import run_import
from matcher.pairing.roster import check_roster, readiness_warnings
from matcher.pairing.service import run_proposals
from matcher.pairing.volunteers import import_roster, vocabularies

volunteers_cli = AppGroup("volunteers", help="Manage volunteers.")
pairing_cli = AppGroup("pairing", help="Propose and manage pairings.")


@volunteers_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and import nothing.")
def import_command(path: str, dry_run: bool) -> None:
    """Import volunteers from CSV."""
    today = utcnow().date()
    run_import(path, dry_run, check_roster, import_roster, vocabularies(), "volunteers",
               warn=lambda rows: readiness_warnings(rows, today))


@pairing_cli.command("propose")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True),
              help="Write the proposals to this file.")
def propose_command(json_path: str | None) -> None:
    """Compute one batch of proposals for coordinators to review."""
    run = run_proposals()
    summary = {
        "proposals": [
            {"requester_email": p.request.email, "volunteer_email": p.volunteer.email,
             "score": p.score, "reasons": p.reasons}
            for p in run.proposals
        ],
        "unmatched": [r.email for r in run.unmatched],
        "unmatched_reasons": [{"requester_email": r.email, "reason": run.reasons[r.id]} for r in run.unmatched],
    }
    if json_path:
        with open(json_path, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
    click.echo(f"{len(run.proposals)} proposals, {len(run.unmatched)} unmatched (batch {run.batch}).")
    for support_request in run.unmatched:
        # The request's number, never its address: this line can end up in logs.
        click.echo(f"  request #{support_request.id}: {run.reasons[support_request.id]}")
