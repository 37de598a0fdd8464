"""matcher's own log lines reach standard error at the configured level."""
import os
import subprocess
import sys


def _flask(tmp_path, database_url, *args, **settings):
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    environment = inherited | {"FLASK_SQLALCHEMY_DATABASE_URI": database_url, "FLASK_SECRET_KEY": "s" * 48,
                               "FLASK_MATCHER_DEMO": "false"}
    environment |= {f"FLASK_{key}": value for key, value in settings.items()}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "matcher", *args], capture_output=True,
                          text=True, env=environment, timeout=60, cwd=tmp_path, check=False)


def test_a_job_run_logs_at_info_by_default(tmp_path, database_url):
    result = _flask(tmp_path, database_url, "jobs", "run", "retention")
    assert result.returncode == 0, result.stderr
    assert "INFO matcher.care.jobs: job retention did 0" in result.stderr


def test_the_level_is_a_setting(tmp_path, database_url):
    result = _flask(tmp_path, database_url, "jobs", "run", "retention", MATCHER_LOG_LEVEL="WARNING")
    assert result.returncode == 0, result.stderr
    assert "job retention did" not in result.stderr
