"""The application factory and configuration order."""
from matcher import create_app


def test_test_config_overrides_defaults(make_app):
    app = make_app(MATCHER_ORGANISATION="Test Charity")
    assert app.testing
    assert app.config["MATCHER_ORGANISATION"] == "Test Charity"


def test_flask_prefixed_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("FLASK_MATCHER_ALERT_ADDRESS", "duty@example.net")
    app = create_app({"TESTING": True})
    assert app.config["MATCHER_ALERT_ADDRESS"] == "duty@example.net"


def test_default_database_is_sqlite_in_instance_folder(monkeypatch):
    monkeypatch.delenv("FLASK_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/matcher.sqlite")
