"""One scheduler process: it holds a lock, and a second one refuses to start."""
import pytest

from matcher.care.jobs import JOBS
from matcher.scheduler import SchedulerAlreadyRunning, build_scheduler, single_instance


def test_scheduler_has_every_job_at_its_configured_interval(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    assert jobs["outbox"].trigger.interval.total_seconds() == app.config["MATCHER_JOB_INTERVALS"]["outbox"]


def test_second_scheduler_refuses_to_start_while_one_runs(app, make_app):
    with single_instance(app), pytest.raises(SchedulerAlreadyRunning), single_instance(make_app()):
        pass
    with single_instance(make_app()):
        pass  # free again once the first has stopped


def test_two_installs_on_one_database_run_one_scheduler(make_app, tmp_path):
    first, second = make_app(), make_app()
    first.instance_path, second.instance_path = str(tmp_path / "install-a"), str(tmp_path / "install-b")
    with single_instance(first), pytest.raises(SchedulerAlreadyRunning), single_instance(second):
        pass


def test_scheduler_run_command_refuses_when_locked(app, runner):
    with single_instance(app):
        result = runner.invoke(args=["scheduler", "run"])
    assert result.exit_code == 1 and "not starting" in result.output


def test_factory_starts_no_scheduler_thread(app_config):
    import threading

    from matcher import create_app

    before = {t.name for t in threading.enumerate()}
    create_app(app_config)
    assert {t.name for t in threading.enumerate()} - before == set()


def test_intervals_written_before_a_job_existed_still_start_every_job(make_app):
    from matcher.scheduler import build_scheduler

    older = make_app(MATCHER_JOB_INTERVALS={"outbox": 10})
    jobs = {job.id: job for job in build_scheduler(older).get_jobs()}
    assert set(jobs) == set(JOBS) and jobs["outbox"].trigger.interval.total_seconds() == 10
