"""Background jobs without a broker: a `Job` row is the queue entry, `canhve worker` polls and runs it.

An app registers a handler with `@job_handler("kind")`; the handler gets the job and a `progress`
callback (0–100 and a message) that the page polls with htmx. Claiming uses a conditional UPDATE so
several workers on several machines never run the same job twice.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .context import acting_as
from .models import Job, JobStatus

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
Handler = Callable[[Job, Progress], dict[str, Any] | None]
_handlers: dict[str, Handler] = {}


class JobRefused(Exception):
    """A job that cannot finish for a reason its user must act on (the data changed under it, a conflict),
    not a bug: the job is recorded failed with this message and an HTTP-like `status`, without a trace."""

    def __init__(self, message: str, *, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _handlers[kind] = fn
        return fn

    return register


def enqueue(kind: str, *, params: dict[str, Any], user: Any = None) -> Job:
    if kind not in _handlers:
        raise ValueError(f"No handler for job kind {kind!r}")
    return Job.objects.create(kind=kind, params=params, created_by=user)


def _claim() -> Job | None:
    for job in Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at")[:5]:
        claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), progress=0
        )
        if claimed:
            job.refresh_from_db()
            return job
    return None


def run(job: Job) -> Job:
    """Run one claimed job to the end, recording progress, result or the error."""

    def progress(percent: int, message: str = "") -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0, min(100, int(percent))), message=message[:255])

    handler = _handlers.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"No handler for job kind {job.kind!r}")
        # No transaction around the handler: its progress updates must be visible to the polling page
        # while it runs. Each handler stores its result in its own transaction.
        with acting_as(job.created_by, via="job"):
            result = handler(job, progress) or {}
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, progress=100, result=result, finished_at=timezone.now()
        )
    except JobRefused as exc:
        log.warning("job %s refused: %s", job.pk, exc)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            message=str(exc)[:255],
            finished_at=timezone.now(),
            result={"error": str(exc), "status": exc.status},
        )
    except Exception as exc:
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            message=str(exc)[:255],
            finished_at=timezone.now(),
            result={"error": str(exc), "trace": traceback.format_exc()[-4000:]},
        )
    job.refresh_from_db()
    return job


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs until none is left (or `limit` ran). Returns how many ran."""
    count = 0
    while limit is None or count < limit:
        job = _claim()
        if job is None:
            break
        run(job)
        count += 1
    return count
