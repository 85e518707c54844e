"""Every named URL of the documents app and the status each persona gets.

World additions (tests/conftest.py): `draft` — a Mật draft of K01-TM shared with CATH; `top_secret` — a
Tuyệt mật draft of K01; `issued` — an issued, signed Mật KH of K01-TM; `job` — a render job of k01_officer;
`incoming` — a Không mật received edXML document in K01-TM's register (not shared).
"""

from canhve.core.testing import UrlCase, everyone

INCOMING_READERS = {"k01_officer": 200, "k01_commander": 200, "auditor": 200}
DRAFT_READERS = {"k01_officer": 200, "th_liaison": 200, "k01_commander": 200, "auditor": 200}
TOP_READERS = {"k01_commander": 200, "auditor": 200}

CASES = [
    UrlCase("documents-list", everyone(200)),
    UrlCase("documents-create", everyone(200)),
    UrlCase("documents-verify", everyone(200)),
    UrlCase("documents-incoming-list", everyone(200)),
    # Không mật, owned by K01-TM and shared with no one: its agency, the parent K01 and the auditor.
    UrlCase(
        "documents-incoming-detail", everyone(404, **INCOMING_READERS), kwargs=lambda w: {"pk": w.incoming.pk}
    ),
    UrlCase("documents-detail", everyone(404, **DRAFT_READERS), kwargs=lambda w: {"pk": w.draft.pk}),
    # Tuyệt mật: invisible (404) to everyone below that clearance, K01 officer included.
    UrlCase("documents-detail", everyone(404, **TOP_READERS), kwargs=lambda w: {"pk": w.top_secret.pk}),
    UrlCase(
        "documents-download",
        everyone(404, **TOP_READERS),
        kwargs=lambda w: {"pk": w.top_secret.pk, "kind": "docx"},
    ),
    UrlCase(
        "documents-download",
        everyone(404, **DRAFT_READERS),
        kwargs=lambda w: {"pk": w.issued.pk, "kind": "pdf"},
    ),
    # Editing needs planner rights in K01-TM: the liaison sees the draft but may not edit it.
    UrlCase(
        "documents-edit",
        everyone(404, k01_officer=200, th_liaison=403, k01_commander=200, auditor=403),
        kwargs=lambda w: {"pk": w.draft.pk},
    ),
    UrlCase(
        "documents-move",
        everyone(404, th_liaison=403, auditor=403, k01_officer=403, k01_commander=302),
        kwargs=lambda w: {"pk": w.draft.pk},
        method="post",
        data=lambda w: {"target": "signed"},
    ),
    UrlCase(
        "documents-correct",
        everyone(404, th_liaison=403, auditor=403, k01_officer=302, k01_commander=302),
        kwargs=lambda w: {"pk": w.issued.pk},
        method="post",
    ),
    UrlCase(
        "documents-render",
        everyone(404, **{k: 302 for k in DRAFT_READERS}),
        kwargs=lambda w: {"pk": w.draft.pk},
        method="post",
        data=lambda w: {"kind": "pdf"},
    ),
    # A render job belongs to whoever asked for it.
    UrlCase("documents-job", everyone(404, k01_officer=200), kwargs=lambda w: {"pk": w.job.pk}),
    UrlCase("documents-job-file", everyone(404, k01_officer=200), kwargs=lambda w: {"pk": w.job.pk}),
    # A KH from a plan version: needs the operation visible (404 otherwise) and planner rights in K01-TM.
    UrlCase(
        "documents-from-plan",
        everyone(404, k01_officer=302, th_liaison=403, k01_commander=302, auditor=403),
        kwargs=lambda w: {"plan_id": w.plan.pk},
        method="post",
    ),
]
