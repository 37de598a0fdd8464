"""Helpers every benchmark shares: loopback ports, child processes, logs, and `flask --app matcher`."""
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """Ask the kernel for a free loopback port."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop a process with SIGTERM, or kill it (with its process group, if it leads one) after `timeout`."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        # gunicorn started in its own session leaves workers behind unless the whole group goes.
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait()


def log_tail(log_path: Path, lines: int = 30) -> str:
    """Return the last lines of a log, or nothing if it was never written."""
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:]) if log_path.exists() else ""


def app_environment(database_url: str, **settings: str) -> dict[str, str]:
    """Return an environment running this checkout's matcher on `database_url`, with FLASK_* `settings`."""
    # Start from no FLASK_* variable, so a developer's shell cannot change what is measured.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    environment.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        FLASK_SQLALCHEMY_DATABASE_URI=database_url,
        FLASK_SECRET_KEY="bench-" + os.urandom(16).hex(),
        # No in-process demo sender, even if instance/config.py turns the demo on.
        FLASK_MATCHER_DEMO="false",
    )
    environment.update({f"FLASK_{name}": value for name, value in settings.items()})
    return environment


def flask_command(*arguments: str) -> list[str]:
    """Build a `flask --app matcher ...` command line for this interpreter."""
    return [sys.executable, "-m", "flask", "--app", "matcher", *arguments]


def run_flask(environment: dict[str, str], *arguments: str) -> None:
    """Run one `flask --app matcher` command to completion, or fail with its output."""
    finished = subprocess.run(flask_command(*arguments), cwd=REPO_ROOT, env=environment, capture_output=True, text=True,
                              check=False)
    if finished.returncode != 0:
        raise RuntimeError(f"flask {' '.join(arguments)} failed:\n{finished.stdout[-2000:]}{finished.stderr[-3000:]}")
