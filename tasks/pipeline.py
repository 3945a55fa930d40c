"""The pipeline's tasks: archive a file, then parse and index archived inputs (one, or a page list's articles
as a batch); index an edition parsed already (a mail). Each takes and returns a JSON payload (see
ingest.pipeline); each is idempotent, acks late, retries service outages with backoff, and records a final
failure in the ledger (the dead-letter list `ingest failures` shows and `ingest replay` re-runs)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from celery import Task

from ingest import pipeline as steps
from ingest.archive import Archive
from ingest.config import settings
from ingest.errors import InputError, RecordedInputError, ServiceError
from ingest.papers import all_papers
from ingest.queue import BATCH_TASK, INDEX_PARSED, batch_flow, chunks
from tasks.app import app

log = logging.getLogger(__name__)


class PipelineTask(Task):
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (ServiceError,)
    retry_backoff = 2
    retry_backoff_max = 120
    retry_jitter = True
    max_retries = 40  # about an hour of outage at the capped backoff
    throws = (InputError,)  # expected failures: logged without a traceback
    # A failure is stored (and marks the rest of the chain failed, so `--wait` hears of it); the result of
    # a step that passes its payload on is not: the next task gets it in its message. The index tasks,
    # which end every flow, store theirs.
    store_errors_even_if_ignored = True

    def on_failure(self, exc, task_id, args, kwargs, einfo):  # noqa: ANN001 (Celery's signature)
        if isinstance(exc, RecordedInputError):
            return  # the step recorded it, with the step it failed at
        payload: dict[str, Any] = args[0] if args and isinstance(args[0], dict) else {}
        # A batch fails as a whole: each of its inputs is recorded, to be replayed on its own.
        for one in steps.batch_inputs(payload):
            try:
                steps.record_failure(settings(), self.name.removeprefix("ingest."), one, exc)
            except ServiceError as e:
                log.error("could not record the failure of %s in the ledger: %s", steps.input_subject(one), e)


def _archive() -> Archive:
    return Archive(settings().archive_dir)


@app.task(name="ingest.archive_file", base=PipelineTask, ignore_result=True)
def archive_file(payload: dict[str, Any]) -> dict[str, Any]:
    """Archive files' bytes ({"files": [{"path", "hints"}]}, or one file's {"path", "hints"} as queued before);
    the next task (index_archived) gets the archive references, not the bytes."""
    return steps.archive_files(payload.get("files") or [payload], settings(), _archive())


@app.task(name=BATCH_TASK, base=PipelineTask)
def index_archived(payload: dict[str, Any]) -> dict[str, Any]:
    return steps.index_archived(payload["items"], settings(), _archive(), payload.get("failed"))


@app.task(name=INDEX_PARSED, base=PipelineTask)
def index(payload: dict[str, Any]) -> dict[str, Any]:
    """Index an edition parsed already (a mail)."""
    return steps.index_step(payload, settings())


@app.task(name="ingest.scan_inbox", acks_late=True)
def scan_inbox() -> int:
    """Ingest every file in the inbox's paper folders, INGEST_BATCH_INPUTS of a folder a task; a file moves to
    done/ once its batch is queued."""
    s, started = settings(), 0
    for paper in all_papers():
        folder = s.inbox_dir / paper
        if not folder.is_dir():
            continue
        archived: list[tuple[Path, dict[str, Any]]] = []
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            hints = steps.make_hints(path.name, paper=paper)
            try:
                source = steps.archive_file(str(path), _archive())
            except InputError as e:
                steps.record_failure(s, "archive_file", {"path": str(path), "hints": hints}, e)
                _move(path, folder / "failed")
                continue
            archived.append((path, {"source": source.to_dict(), "hints": hints}))
        for batch in chunks(archived, s.batch_inputs):
            started += _queue(batch, folder)
    return started


def _queue(batch: list[tuple[Path, dict[str, Any]]], folder: Path) -> int:
    """Queue archived inbox files as one batch, then move them to done/: a scan that dies before the queueing
    leaves them in the inbox, to be archived (the same bytes, the same reference) and queued by the next."""
    batch_flow(app, [item for _, item in batch]).apply_async()
    for path, _ in batch:
        _move(path, folder / "done")
    return len(batch)


def _move(path: Path, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    shutil.move(str(path), folder / path.name)
