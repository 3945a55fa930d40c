"""A CPU-time bound on parsing one input: the safety net under the specific bounds.

The named bounds stop every hostile input known here early, but a parser in pure Python can still be
made slow by a shape no bound measures (one object of millions of tokens, say). A profiling timer counts
the process's CPU time, not the wall clock, so a loaded machine does not fail good input; it fires again
every second, because library code that catches every exception may swallow the first one.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from ingest.errors import InputError

_active = False


@contextmanager
def cpu_deadline(seconds: float, name: str) -> Iterator[None]:
    """Raise InputError naming `name` once the block has used `seconds` of CPU time. Only the main thread
    can take signals; elsewhere, and inside an outer deadline, the block runs unbounded by this."""
    global _active
    if _active or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise InputError(f"{name}: parsing used more than {seconds:g} s of CPU time (parse_max_cpu_seconds)")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds, 1.0)
    _active = True
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        _active = False
