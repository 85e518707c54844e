"""Every staffing URL and what each persona gets. The records (tests/conftest.py): a Mật roster, post and
operation owned by K01-TM and shared with CATH; K01-TM personnel (Mật, not shared); mobilisation requests
from K01-TM to CATH. K01-BVTC (k01_low) is a sibling department with no need to know; CACT sees nothing."""

from canhve.core.testing import UrlCase, everyone

# Visible to the owner, the partner it is shared with, and K01 above the owner.
SHARED = {"k01_officer": 200, "th_liaison": 200, "k01_commander": 200, "auditor": 200}
OWN = {"k01_officer": 200, "k01_commander": 200, "auditor": 200}


def _roster(w):
    return {"pk": w.roster.pk}


def _assignment(w):
    return {"pk": w.assignment.pk}


CASES = [
    UrlCase("staffing-roster-list", everyone(200)),
    UrlCase("staffing-personnel-list", everyone(200)),
    UrlCase("staffing-post-list", everyone(200)),
    UrlCase("staffing-mobilisation-list", everyone(200)),
    UrlCase("staffing-roster-create", everyone(200)),
    UrlCase("staffing-personnel-create", everyone(200)),
    UrlCase("staffing-post-create", everyone(200)),
    UrlCase("staffing-mobilisation-create", everyone(200)),
    UrlCase("staffing-roster-detail", everyone(404, **SHARED), kwargs=_roster),
    UrlCase("staffing-roster-progress", everyone(404, **SHARED), kwargs=_roster),
    UrlCase("staffing-post-detail", everyone(404, **SHARED), kwargs=lambda w: {"pk": w.post.pk}),
    # Tối mật post: not shared, and above th_liaison's and k01_low's clearance anyway.
    UrlCase("staffing-post-detail", everyone(404, **OWN), kwargs=lambda w: {"pk": w.secret_post.pk}),
    UrlCase("staffing-personnel-detail", everyone(404, **OWN), kwargs=lambda w: {"pk": w.person.pk}),
    UrlCase("staffing-mobilisation-detail", everyone(404, **SHARED), kwargs=lambda w: {"pk": w.request.pk}),
    UrlCase("staffing-operation", everyone(404, **SHARED), kwargs=lambda w: {"operation_id": w.operation.pk}),
    # Writes: planners of the owner (and K01's commander) act; the partner and the viewer may not (403);
    # the others do not see the record (404).
    UrlCase(
        "staffing-assignment-pin",
        everyone(404, k01_officer=302, th_liaison=403, k01_commander=302, auditor=403),
        kwargs=_assignment,
        method="post",
    ),
    UrlCase(
        "staffing-assignment-sign",
        # the officer signs in; the commander's second sign-in is refused (400)
        everyone(404, k01_officer=302, th_liaison=403, k01_commander=400, auditor=403),
        kwargs=_assignment,
        method="post",
        data=lambda w: {"action": "in"},
    ),
    UrlCase(
        "staffing-assignment-add",
        # the post is already full: each planner is told so (400)
        everyone(404, k01_officer=400, th_liaison=403, k01_commander=400, auditor=403),
        kwargs=_roster,
        method="post",
        data=lambda w: {"shift": w.roster.shifts.first().pk, "post": w.post.pk, "personnel": w.person.pk},
    ),
    UrlCase(
        "staffing-assignment-remove",
        {"anonymous": 302, "th_liaison": 403, "ct_outsider": 404, "k01_low": 404, "auditor": 403},
        kwargs=lambda w: {"pk": w.doomed.pk},
        method="post",
    ),
    UrlCase(
        "staffing-assignment-remove",
        {"k01_officer": 302},
        kwargs=lambda w: {"pk": w.doomed.pk},
        method="post",
    ),
    UrlCase(
        "staffing-qualification-add",
        everyone(404, k01_officer=302, k01_commander=302, auditor=403),
        kwargs=lambda w: {"pk": w.person.pk},
        method="post",
        data=lambda w: {"skill": w.eod.pk},
    ),
    UrlCase(
        "staffing-absence-add",
        everyone(404, k01_officer=302, k01_commander=302, auditor=403),
        kwargs=lambda w: {"pk": w.person.pk},
        method="post",
        data=lambda w: {"kind": "leave", "start": "2026-12-20T00:00", "end": "2026-12-22T00:00"},
    ),
    UrlCase(
        "staffing-roster-publish",
        everyone(404, k01_officer=403, th_liaison=403, k01_commander=302, auditor=403),
        kwargs=_roster,
        method="post",
    ),
    UrlCase(
        "staffing-roster-solve",
        # the commander published it just before: a published roster is not solved again (400)
        everyone(404, k01_officer=400, th_liaison=403, k01_commander=400, auditor=403),
        kwargs=_roster,
        method="post",
    ),
    UrlCase(
        "staffing-mobilisation-respond",
        everyone(404, k01_officer=403, th_liaison=302, k01_commander=403, auditor=403),
        kwargs=lambda w: {"pk": w.request.pk},
        method="post",
        data=lambda w: {"decision": "decline", "note": "Không đủ lực lượng"},
    ),
    UrlCase(
        "staffing-mobilisation-cancel",
        # the officer cancels it; cancelling it again is refused (400)
        everyone(404, k01_officer=302, th_liaison=403, k01_commander=400, auditor=403),
        kwargs=lambda w: {"pk": w.cancellable.pk},
        method="post",
    ),
]
