from canhve.core.testing import UrlCase, everyone

# A Mật record owned by K01-TM and shared with CATH: K01-BVTC (sibling department) and Cần Thơ see nothing.
SHARED = everyone(404, k01_officer=200, th_liaison=200, k01_commander=200, auditor=200)
# A Tối mật record owned by K01-TM, shared with nobody.
SECRET = everyone(404, k01_officer=200, k01_commander=200, auditor=200)
# Writes on a shared Mật record: the owner's officer/planner and K01's commander; a partner or viewer who
# sees it gets 403; the rest 404.
EDIT = everyone(404, k01_officer=200, th_liaison=403, k01_commander=200, auditor=403)


def _post_done(officer: int = 302, commander: int = 302) -> dict[str, int]:
    return everyone(404, k01_officer=officer, th_liaison=403, k01_commander=commander, auditor=403)


CASES = [
    UrlCase("sites-list", everyone(200)),
    UrlCase("sites-create", everyone(200)),
    UrlCase("sites-import", everyone(200)),
    UrlCase("sites-import-osm", everyone(200)),
    UrlCase("sites-detail", SHARED, kwargs=lambda w: {"pk": w.site.pk}),
    UrlCase("sites-detail", SECRET, kwargs=lambda w: {"pk": w.secret_site.pk}),
    UrlCase("sites-edit", EDIT, kwargs=lambda w: {"pk": w.site.pk}),
    UrlCase("sites-safepoint-create", SHARED, kwargs=lambda w: {"site_pk": w.site.pk}),
    UrlCase("sites-safepoint-list", everyone(200)),
    UrlCase("sites-safepoint-detail", SHARED, kwargs=lambda w: {"pk": w.point.pk}),
    UrlCase("sites-safepoint-survey", EDIT, kwargs=lambda w: {"pk": w.point.pk}),
    UrlCase("sites-survey-detail", SHARED, kwargs=lambda w: {"pk": w.survey.pk}),
    UrlCase("sites-evidence", SHARED, kwargs=lambda w: {"pk": w.evidence.pk}),
    # No file sent: those who may add evidence get the survey page again, 400 naming the file field.
    UrlCase("sites-evidence-add", _post_done(400, 400), kwargs=lambda w: {"pk": w.survey.pk}, method="post"),
    # Approval needs the commander's role: the planner who surveyed may not approve.
    UrlCase(
        "sites-safepoint-approve", _post_done(officer=403), kwargs=lambda w: {"pk": w.point.pk}, method="post"
    ),
    UrlCase(
        "sites-safepoint-status",
        _post_done(commander=400),  # the officer retires it; retiring it again is refused
        kwargs=lambda w: {"pk": w.point2.pk},
        method="post",
        data=lambda w: {"target": "retired", "reason": "Đơn vị quản lý không hợp tác"},
    ),
    UrlCase("sites-criteria-list", everyone(200)),
    UrlCase("sites-criteria-detail", everyone(200), kwargs=lambda w: {"pk": w.cset.pk}),
    UrlCase("sites-criteria-publish", everyone(403)),
    UrlCase("sites-dashboard", everyone(200)),
    UrlCase("sites-basic-create", everyone(200)),
    UrlCase("sites-basic-detail", SHARED, kwargs=lambda w: {"pk": w.basic.pk}),
    UrlCase(
        "sites-basic-check",
        _post_done(),
        kwargs=lambda w: {"pk": w.basic.pk},
        method="post",
        data=lambda w: {"key": "routes", "done": "1"},
    ),
]
