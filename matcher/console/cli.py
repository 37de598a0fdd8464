"""`flask --app matcher coordinators ...`."""
import click
from flask.cli import AppGroup

from matcher.console.service import AccountError, create_coordinator

coordinators_cli = AppGroup("coordinators", help="Manage coordinator accounts.")


@coordinators_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["coordinator", "admin"]), default="coordinator")
@click.password_option(help="Asked for when not given; read from standard input when piped.")
def create_command(email: str, role: str, password: str) -> None:
    """Create a coordinator account."""
    try:
        coordinator = create_coordinator(email, password, role)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {coordinator.role} {coordinator.email}.")
