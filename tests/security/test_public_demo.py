"""`flask demo` creates known passwords, so it runs only in demo mode or debug."""
from sqlalchemy import select

from matcher.console.models import Coordinator
from matcher.extensions import db


def test_demo_refuses_outside_demo_mode_with_one_clear_line(app, runner):
    app.config["MATCHER_DEMO"] = False
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "MATCHER_DEMO" in result.output and "--debug" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert db.session.scalars(select(Coordinator)).all() == []


def test_demo_runs_in_demo_mode(app, runner):
    app.config["MATCHER_DEMO"] = True
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(Coordinator).where(Coordinator.email == "admin@example.org")) is not None


def test_demo_runs_in_debug(app, runner):
    app.debug = True
    assert runner.invoke(args=["demo"]).exit_code == 0
