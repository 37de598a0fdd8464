"""The Alembic migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from matcher.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_reasons_typed_before_the_hand_note_column_move_into_it_encrypted(tmp_path):
    from cryptography.fernet import Fernet
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from matcher import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-that-is-long-enough-for-start-up",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}",
                      "MATCHER_ENCRYPTION_KEYS": [Fernet.generate_key().decode()]})
    with app.app_context():
        upgrade(revision="f4a19c7e2d6b")
        with db.engine.begin() as connection:
            connection.execute(text("PRAGMA foreign_keys=OFF"))
            connection.execute(text(
                "INSERT INTO pairing (id, request_id, volunteer_id, status, moderation, reasons, created_at) VALUES "
                "(1, 1, 1, 'active', 'review_flagged', :reasons, '2026-01-01 00:00:00')"),
                {"reasons": '["Same stage", "Paired by hand: her cousin Dana Okafor works there"]'})
        upgrade(revision="c8b2ff864eaa")
        with db.engine.connect() as connection:
            reasons, note = connection.execute(text("SELECT reasons, hand_note FROM pairing")).one()
        assert "Okafor" not in reasons and "Okafor" not in note and "Same stage" in reasons
        from matcher.pairing.models import Pairing

        assert db.session.get(Pairing, 1).hand_note == "her cousin Dana Okafor works there"
        db.session.remove()
        downgrade(revision="f4a19c7e2d6b")
        with db.engine.connect() as connection:
            reasons = connection.execute(text("SELECT reasons FROM pairing")).scalar()
        assert "Paired by hand: her cousin Dana Okafor" in reasons
        db.engine.dispose()
