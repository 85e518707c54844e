"""Every URL of the operations app and what each persona gets.

The operation under test (`w.op`) is Mật, owned by K01-TM and shared with CATH (the Thanh Hóa liaison
takes part). K01-BVTC is a sibling department with no need to know; Cần Thơ sees nothing.
"""

from canhve.core.testing import UrlCase, everyone

# visible: k01_officer, th_liaison, k01_commander, auditor; hidden (404): ct_outsider, k01_low
SEE = dict(ct_outsider=404, k01_low=404)
# a write: the planner and the commander act (302 back to the page), the liaison and the auditor may not (403)
WRITE = dict(SEE, k01_officer=302, k01_commander=302, th_liaison=403, auditor=403)
# a write they may make, posted with no body: refused (400, the page again with the reasons)
REFUSED = dict(WRITE, k01_officer=400, k01_commander=400)


def op(w):
    return {"pk": w.op.pk}


def plan(w):
    return {"pk": w.plan.pk}


CASES = [
    UrlCase("operations-list", everyone(200)),
    UrlCase("operations-create", everyone(200)),
    UrlCase("operations-detail", everyone(200, **SEE), kwargs=op),
    UrlCase("operations-map", everyone(200, **SEE), kwargs=op),
    UrlCase("operations-map-data", everyone(200, **SEE), kwargs=op),
    # public OSM roads: every signed-in user
    UrlCase("operations-map-roads", everyone(200), data=lambda w: {"bbox": "21.02,105.83,21.04,105.86"}),
    UrlCase("operations-movement", everyone(200, **SEE), kwargs=lambda w: {"pk": w.movement.pk}),
    UrlCase("operations-plan", everyone(200, **SEE), kwargs=plan),
    UrlCase("operations-plan-diff", everyone(200, **SEE), kwargs=plan),
    # the Tối mật operation: K01 members with the clearance only
    UrlCase(
        "operations-detail",
        everyone(404, k01_officer=200, k01_commander=200, auditor=200),
        kwargs=lambda w: {"pk": w.secret_op.pk},
    ),
    UrlCase("operations-transition", everyone(0, **REFUSED, anonymous=302), kwargs=op, method="post"),
    UrlCase("operations-stop-add", everyone(0, **REFUSED, anonymous=302), kwargs=op, method="post"),
    UrlCase("operations-movement-add", everyone(0, **REFUSED, anonymous=302), kwargs=op, method="post"),
    UrlCase("operations-closure-add", everyone(0, **REFUSED, anonymous=302), kwargs=op, method="post"),
    UrlCase("operations-replan", everyone(0, **WRITE, anonymous=302), kwargs=op, method="post"),
    UrlCase("operations-plan-create", everyone(0, **REFUSED, anonymous=302), kwargs=op, method="post"),
    UrlCase(
        "operations-closure-toggle",
        everyone(0, **WRITE, anonymous=302),
        kwargs=lambda w: {"pk": w.closure.pk},
        method="post",
    ),
    UrlCase(
        "operations-route-choose",
        everyone(0, **WRITE, anonymous=302),
        kwargs=lambda w: {"pk": w.route.pk},
        method="post",
    ),
    UrlCase("operations-plan-transition", everyone(0, **REFUSED, anonymous=302), kwargs=plan, method="post"),
    UrlCase("operations-contingency-add", everyone(0, **REFUSED, anonymous=302), kwargs=plan, method="post"),
    # the task is CATH's: its liaison updates it
    UrlCase(
        "operations-task-update",
        everyone(0, **dict(REFUSED, th_liaison=400), anonymous=302),
        kwargs=lambda w: {"pk": w.cath_task.pk},
        method="post",
    ),
]
