"""The one scheduler process: `flask --app matcher scheduler run`.

Web workers never run jobs. A second scheduler refuses to start while one runs:
PostgreSQL holds an advisory lock for the life of the process; SQLite uses a
lock file beside the database file, so two installs sharing one database still
run one scheduler between them.
"""
import fcntl
import logging
import os
from contextlib import contextmanager

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import text

from matcher import config as defaults
from matcher.care.jobs import JOBS, run_job
from matcher.columns import utcnow
from matcher.database import is_postgres
from matcher.extensions import db

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x6D61746368  # "match"


class SchedulerAlreadyRunning(RuntimeError):
    """Another scheduler process holds the lock."""


def build_scheduler(app: Flask) -> BlockingScheduler:
    """Return a BlockingScheduler with every job at its configured interval."""
    scheduler = BlockingScheduler(timezone="UTC")
    # An operator's own intervals written before a job existed must not stop the scheduler starting.
    intervals = defaults.MATCHER_JOB_INTERVALS | app.config["MATCHER_JOB_INTERVALS"]
    for name in JOBS:
        scheduler.add_job(_job_runner(app, name), "interval", seconds=intervals[name], id=name,
                          max_instances=1, coalesce=True, misfire_grace_time=intervals[name])
    return scheduler


def _job_runner(app: Flask, name: str):
    def run():
        with app.app_context():
            try:
                run_job(name, utcnow())
            except Exception:  # one failed run must not stop the scheduler
                db.session.rollback()
                log.exception("job %s failed; it runs again at its next interval", name)
            finally:
                db.session.remove()

    run.__name__ = f"job_{name}"
    return run


@contextmanager
def single_instance(app: Flask):
    """Hold the scheduler lock for the life of the block, or raise SchedulerAlreadyRunning."""
    with app.app_context():
        if is_postgres(db.engine):
            with _advisory_lock():
                yield
        else:
            with _lock_file(lock_path(app)):
                yield


def lock_path(app: Flask) -> str:
    """Return the SQLite scheduler's lock file: beside the database it protects."""
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return os.path.join(app.instance_path, "scheduler.lock")  # no file to sit beside
    return os.path.abspath(database) + ".scheduler.lock"


@contextmanager
def _advisory_lock():
    connection = db.engine.connect()
    locked: bool | None = False
    try:
        locked = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
        if not locked:
            raise SchedulerAlreadyRunning("another scheduler holds the PostgreSQL advisory lock")
        yield
    finally:
        # The lock belongs to the database session: release it before the pool reuses the connection.
        if locked:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.close()


@contextmanager
def _lock_file(path: str):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held open (and locked) until the finally below
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise SchedulerAlreadyRunning(f"another scheduler holds {path}") from error
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
