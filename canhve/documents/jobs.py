"""Background rendering of long documents (core.jobs): the page enqueues, the worker renders, the
progress page polls until the file is ready."""

from __future__ import annotations

from typing import Any

from canhve.accounts.models import User
from canhve.core.jobs import Progress, job_handler
from canhve.core.models import Job

from .models import Document

RENDER = "documents.render"


@job_handler(RENDER)
def render_job(job: Job, progress: Progress) -> dict[str, Any]:
    from .services import render_file

    user = User.objects.get(pk=job.params["user_id"])
    progress(10, "Đang tải nội dung văn bản")
    # The job renders only what its requester may see, as the page would.
    document = (
        Document.objects.visible_to(user)
        .select_related("doc_type", "owner_agency")
        .get(pk=job.params["document_id"])
    )
    progress(30, f"Đang dựng tệp {job.params['kind'].upper()}")
    file = render_file(document=document, kind=job.params["kind"])
    progress(95, "Đã dựng xong")
    return {"file_id": file.pk, "document_id": document.pk, "kind": file.kind, "pages": file.pages}
