"""`flask --app matcher keys ...`: encryption keys for message bodies at rest."""
import click
from cryptography.fernet import Fernet
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, OutboxMessage

keys_cli = AppGroup("keys", help="Encryption keys for message bodies at rest.")
ENCRYPTED_COLUMNS = ((InboundMessage, ("raw", "clean_text", "edited_text")), (OutboxMessage, ("raw",)))


@keys_cli.command("generate")
def generate_command() -> None:
    """Print a new key to put first in MATCHER_ENCRYPTION_KEYS."""
    click.echo(Fernet.generate_key().decode())


def rotate_bodies(batch: int = 500) -> int:
    """Rewrite every stored body with the newest key (plain ones get encrypted); return rows done."""
    done = 0
    for model, columns in ENCRYPTED_COLUMNS:
        last_id = 0
        while True:
            rows = db.session.scalars(select(model).where(model.id > last_id).order_by(model.id).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                for column in columns:
                    if getattr(row, column) is not None:
                        flag_modified(row, column)
            last_id = rows[-1].id  # type: ignore[attr-defined]  # both models have one; select() types them as Base
            done += len(rows)
            db.session.commit()
    return done


@keys_cli.command("rotate")
def rotate_command() -> None:
    """Re-encrypt every stored body with the first key; then older keys can be removed."""
    if not current_app.config.get("MATCHER_ENCRYPTION_KEYS"):
        raise click.ClickException("MATCHER_ENCRYPTION_KEYS is not set")
    click.echo(f"re-encrypted {rotate_bodies()} rows with the newest key")
