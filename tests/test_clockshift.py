"""The CI run that shifts the clock really shifts it, in this process and in the ones it starts."""
import os
import subprocess
import sys
import time

SHIFT_DAYS = int(os.environ.get("MATCHER_TEST_CLOCK_SHIFT") or 0)


def _kernel_now(tmp_path) -> float:
    """Return the real time, read from a file the kernel just stamped (no Python clock involved)."""
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    return probe.stat().st_mtime


def test_this_process_sees_the_requested_shift(tmp_path):
    shift = time.time() - _kernel_now(tmp_path)
    assert abs(shift - SHIFT_DAYS * 86400) < 600


def test_a_flask_subprocess_sees_the_same_shift(tmp_path):
    printed = subprocess.run([sys.executable, "-c", "import time; print(time.time())"], capture_output=True,
                             text=True, check=True, timeout=60, env=dict(os.environ)).stdout
    assert abs(float(printed) - _kernel_now(tmp_path) - SHIFT_DAYS * 86400) < 600
