"""A processing time budget for one inbound message, checked between reading steps (pure).

The budget counts the CPU time of the thread doing the reading (`time.thread_time`), not the wall
clock: what a hostile message can make the relay spend is CPU, and a busy machine or a database
waiting on a lock must not turn an ordinary message into a quarantined one. A step that never
returns is caught by the processing lease and the attempt count instead (ingest.py).
"""
import time
from collections.abc import Callable


class OverBudget(Exception):
    """Reading one message has used up its time budget."""

    def __init__(self, step: str, seconds: float):
        super().__init__(f"over the {seconds:g}-second budget at {step}")
        self.step = step
        self.seconds = seconds


class Stopping(Exception):
    """The process is shutting down; the message stays stored and is read again later."""


class Budget:
    """CPU seconds one message may use; `check` between steps raises once they are spent."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.thread_time,
                 stopping: Callable[[], bool] = lambda: False):
        self.seconds = seconds
        self._clock = clock
        self._started = clock()
        self._stopping = stopping

    @property
    def used(self) -> float:
        """Return the seconds used so far."""
        return self._clock() - self._started

    def check(self, step: str) -> None:
        """Raise OverBudget if the budget is spent, Stopping if the process is shutting down."""
        if self._stopping():
            raise Stopping(step)
        if self.used > self.seconds:
            raise OverBudget(step, self.seconds)


UNLIMITED = Budget(float("inf"))
