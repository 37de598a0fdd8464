"""Shift the wall clock of every Python process in a test run when CI asks for it.

CI runs the suite a second time with `PYTHONPATH=<repo>/tests/clockshift` and
`MATCHER_TEST_CLOCK_SHIFT=<days>`; Python imports this module at start-up in the test
process and in every `flask ...` subprocess the tests start, so all of them agree on
a date years ahead. Only the wall clock moves (time.time, datetime.now, date.today);
the monotonic clock and sleeps stay real, so timeouts behave. libfaketime would move
other programs too, but on Python 3.11 it breaks time.sleep or every timed wait.
"""
import os

_shift_days = os.environ.get("MATCHER_TEST_CLOCK_SHIFT")
if _shift_days:
    import datetime

    import time_machine

    _destination = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=int(_shift_days))
    time_machine.travel(_destination, tick=True).start()
