"""A task for the broker tests, loaded only by their workers (`--include`): its message kills the worker
process that runs it until a file exists, the way a message crashing a parser's C extension would."""

from __future__ import annotations

import os
from pathlib import Path

from tasks.app import app


@app.task(name="test.crash_unless", acks_late=True, reject_on_worker_lost=True)
def crash_unless(flag: str) -> str:
    if not Path(flag).exists():
        os._exit(70)  # the pool process dies mid-task, without acknowledging the message
    return "survived"


@app.task(name="test.sleep", acks_late=True)
def sleep(seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds
