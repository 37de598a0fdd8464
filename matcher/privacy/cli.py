"""`flask --app matcher keys ...`: encryption keys for everything people wrote, at rest."""
import click
from cryptography.fernet import Fernet
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from matcher.crypto import EncryptedColumn
from matcher.extensions import Model, db

keys_cli = AppGroup("keys", help="Encryption keys for what people wrote, at rest.")


def encrypted_columns() -> list[tuple[type[Model], tuple[str, ...]]]:
    """Return every model with its encrypted columns, found from the column types (none can be forgotten)."""
    found = []
    for mapper in Model.registry.mappers:
        columns = tuple(attr.key for attr in mapper.column_attrs
                        if any(isinstance(column.type, EncryptedColumn) for column in attr.columns))
        if columns:
            found.append((mapper.class_, columns))
    return sorted(found, key=lambda pair: pair[0].__name__)


@keys_cli.command("generate")
def generate_command() -> None:
    """Print a new key to put first in MATCHER_ENCRYPTION_KEYS."""
    click.echo(Fernet.generate_key().decode())


def rotate_bodies(batch: int = 500) -> int:
    """Rewrite every encrypted column with the newest key (plain values get encrypted); return rows done."""
    done = 0
    for model, columns in encrypted_columns():
        last_id = 0
        while True:
            model_id = model.id  # type: ignore[attr-defined]  # every model has an integer id; Base does not say so
            rows = db.session.scalars(select(model).where(model_id > last_id).order_by(model_id).limit(batch)).all()
            if not rows:
                break
            for row in rows:
                for column in columns:
                    if getattr(row, column) is not None:
                        flag_modified(row, column)
            last_id = rows[-1].id  # type: ignore[attr-defined]  # as above
            done += len(rows)
            db.session.commit()
    return done


@keys_cli.command("rotate")
def rotate_command() -> None:
    """Re-encrypt everything stored encrypted with the first key; then older keys can be removed."""
    if not current_app.config.get("MATCHER_ENCRYPTION_KEYS"):
        raise click.ClickException("MATCHER_ENCRYPTION_KEYS is not set")
    click.echo(f"re-encrypted {rotate_bodies()} rows with the newest key")
