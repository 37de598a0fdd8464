"""`flask --app matcher scheduler run` and `flask --app matcher jobs run NAME`."""
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from matcher.care.jobs import JOBS, run_job, start_imap_idle
from matcher.columns import utcnow

scheduler_cli = AppGroup("scheduler", help="The one scheduler process.")
jobs_cli = AppGroup("jobs", help="Run one scheduled job now (for cron, and for tests).")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run every job at its interval until stopped; refuse if another scheduler runs."""
    from matcher.scheduler import SchedulerAlreadyRunning, build_scheduler, single_instance

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # current_app is a LocalProxy; Flask types it as the app itself
    try:
        with single_instance(app):
            click.echo("scheduler running: " + ", ".join(JOBS))
            stop = start_imap_idle(app)
            try:
                build_scheduler(app).start()
            finally:
                stop.set()
    except SchedulerAlreadyRunning as error:
        click.echo(f"not starting: {error}", err=True)
        sys.exit(1)


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
def jobs_run(name: str) -> None:
    """Run one job now."""
    click.echo(f"{name}: {run_job(name, utcnow())}")
